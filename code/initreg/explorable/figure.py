"""One figure, written once: its drawing, its controls and its panels (:class:`Explorable`).

A figure is drawn by one pair of functions, ``setup`` (build the axes and artists once)
and ``update`` (set the artists for one setting of the controls), with an optional
``compute`` (the expensive part, timed apart). The same drawing serves every view:

* the page's figure: :meth:`Explorable.figure` or the static player's default frame;
* the live ipywidgets view (:mod:`.live`), which keeps one figure and calls ``update``;
* every precomputed frame of the static player (:mod:`.static`).

A figure is laid out as **panels**, side by side (matplotlib subfigures). The static player
shows each panel as its own image, so that on a narrow screen the panels stack into one
column and stay legible, and it re-encodes a panel only for the controls it declares it
depends on. A panel may show a time or strength control as a **cursor**, a vertical line
that the player draws over one image of the panel instead of one image per position.
"""

from __future__ import annotations

import hashlib
import itertools
import math
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import matplotlib
from matplotlib.axes import Axes
from matplotlib.figure import Figure, SubFigure
from matplotlib.lines import Line2D

from .. import _validate as v
from .controls import Choice, Control, Slider, grid_of

__all__ = ["Panel", "Explorable", "add_cursor", "STYLE", "MIN_TEXT_PT"]

#: The smallest text a figure may have, in points: at 96 CSS pixels per inch it is 11.3 CSS
#: pixels when the figure is shown at its own width, and a panel at most 4.5 inches wide
#: keeps 9 CSS pixels on a 390-pixel phone screen. :meth:`Explorable.check` enforces it.
MIN_TEXT_PT = 8.5

#: Set to "1" in a kernel that serves a live front end only (Binder's ``start``, the
#: JupyterLab test): a displayed figure then offers its widget and default frame, without the
#: static player that the HTML book stores.
NO_STATIC_PLAYER = "INITREG_NO_STATIC_PLAYER"

#: The matplotlib settings every figure is drawn with: sizes at or above :data:`MIN_TEXT_PT`,
#: a white background (the one treatment of figures in dark mode: they keep it).
STYLE: dict[str, Any] = {
    "font.size": 10.0,
    "axes.titlesize": 10.0,
    "axes.labelsize": 10.0,
    "xtick.labelsize": 9.0,
    "ytick.labelsize": 9.0,
    "legend.fontsize": 9.0,
    "legend.title_fontsize": 9.0,
    "figure.titlesize": 11.0,
    "figure.facecolor": "white",
    "axes.facecolor": "white",
    "savefig.facecolor": "white",
}


@dataclass(frozen=True)
class Panel:
    """One panel of a figure: ``width`` inches wide, described by ``alt`` (a template over
    the controls' names), depending on the controls ``depends`` (``None``: every control),
    with the control ``cursor`` drawn as a moving line (see :func:`add_cursor`)."""

    name: str
    width: float
    alt: str
    depends: tuple[str, ...] | None = None
    cursor: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name.isidentifier():
            raise ValueError(f"panel name must be a Python identifier (setup's keyword); got {self.name!r}")
        v.positive(self.width, "width")
        if not isinstance(self.alt, str) or not self.alt.strip():
            raise ValueError(f"panel {self.name!r} needs alt text")
        if self.depends is not None:
            object.__setattr__(self, "depends", tuple(self.depends))


def add_cursor(ax: Axes, control: str, *, at: Callable[[Any], float | None] | None = None,
               **style: Any) -> Line2D:
    """A vertical line on ``ax`` that marks the value of the control ``control``.

    ``update`` moves it (``line.set_xdata([x, x])``). Live, matplotlib draws it; in the
    static player the panel's image is drawn without it, and the player draws it at the
    position the line would have, so one image serves every position of the control.

    ``at(value)`` may say where the line stands for a value of the control (an x in data
    coordinates, or None where it is hidden): the static player then places it without
    running ``update`` once per position. Without it, the player runs ``update`` for every
    position and reads the line's place.
    """
    if not isinstance(ax, Axes):
        raise TypeError(f"ax must be a matplotlib Axes (the panel's axes); got {type(ax).__name__}")
    if not isinstance(control, str):
        raise TypeError(f"control must be the name of a control of the figure (a string); got {control!r}")
    if not control.isidentifier():
        raise ValueError(f"control must be the name of a control of the figure (a Python identifier, "
                         f"update's keyword); got {control!r}")
    if at is not None and not callable(at):
        raise TypeError(f"at must be a function value -> x (or None); got {type(at).__name__}")
    line = ax.axvline(0.0, **({"color": "0.35", "lw": 1.0, "zorder": 1} | style))
    line._ix_cursor = control  # type: ignore[attr-defined]
    line._ix_at = at  # type: ignore[attr-defined]
    return line


def cursor_lines(panel: Figure | SubFigure) -> list[Line2D]:
    """The lines :func:`add_cursor` added to a panel."""
    return [a for a in panel.findobj(Line2D) if getattr(a, "_ix_cursor", None) is not None]


class Explorable:
    """One figure: a drawing (``setup`` + ``update``), its controls, panels, caption and alt text.

    Parameters
    ----------
    update
        ``update(state, **values)``, or ``update(state, data, **values)`` when ``compute``
        is given, where ``state`` is what ``setup`` returned. It must set everything that
        depends on the values (data, limits, texts), so that a frame does not depend on the
        frames drawn before it (:meth:`check` verifies it).
    controls
        :class:`Choice` and :class:`Slider` objects; their names are ``update``'s keywords.
        None: a figure with one frame.
    setup
        ``setup(fig)`` (one panel) or ``setup(fig, **panels)`` (the subfigure of each
        :class:`Panel`, by name) returns the state: the artists ``update`` changes.
    panels
        The :class:`Panel` objects, left to right. None: one panel as wide as ``figsize``.
    caption, alt
        The caption under the figure, and the alt text of a one-panel figure (a template
        over the controls' names; panels carry their own).
    compute
        ``compute(**values) -> data``: the expensive part, timed apart from drawing.
    figsize
        Inches: the width of a one-panel figure, and the height of every figure.
    dpi
        Pixels per inch of the frames. 96 is the CSS pixel: a figure is shown at
        ``width × 96`` CSS pixels, or narrower when its column is.
    name
        An identifier for element ids (default: derived from the caption).
    max_renders
        The most panel images the static player may render (the page's weight and the
        build's time).
    """

    def __init__(
        self,
        update: Callable[..., None],
        controls: Sequence[Control] = (),
        *,
        setup: Callable[..., Any],
        caption: str,
        alt: str | None = None,
        panels: Sequence[Panel] | None = None,
        compute: Callable[..., Any] | None = None,
        figsize: tuple[float, float] = (4.5, 3.2),
        dpi: int = 110,
        name: str | None = None,
        max_renders: int = 1200,
    ) -> None:
        if not callable(update):
            raise TypeError("update must be a function update(state, **values)")
        if not callable(setup):
            raise TypeError("setup must be a function setup(fig) -> state")
        if compute is not None and not callable(compute):
            raise TypeError("compute must be a function compute(**values) -> data, or None")
        controls = tuple(controls)
        for c in controls:
            if not isinstance(c, (Choice, Slider)):
                raise TypeError(f"controls must be Choice or Slider objects; got {type(c).__name__}")
        names = [c.name for c in controls]
        if len(set(names)) != len(names):
            raise ValueError(f"control names must be distinct; got {names}")
        if not isinstance(caption, str) or not caption.strip():
            raise ValueError("caption must be a non-empty string")
        height = v.positive(figsize[1], "figsize[1]")
        if panels is None:
            if not isinstance(alt, str) or not alt.strip():
                raise ValueError("alt must be a non-empty string (alt text for readers who cannot see the figure)")
            panels = (Panel("figure", v.positive(figsize[0], "figsize[0]"), alt),)
            self._subfigures = False
        else:
            panels = tuple(panels)
            if not panels or not all(isinstance(p, Panel) for p in panels):
                raise TypeError("panels must be a non-empty sequence of Panel objects")
            if len({p.name for p in panels}) != len(panels):
                raise ValueError("panel names must be distinct")
            self._subfigures = True
        for p in panels:
            unknown = [d for d in (p.depends or ()) if d not in names]
            if unknown:
                raise ValueError(f"panel {p.name!r} depends on unknown controls {unknown}; the controls are {names}")
            if p.cursor is not None:
                ctl = dict(zip(names, controls)).get(p.cursor)
                if not isinstance(ctl, Slider):
                    raise ValueError(f"the cursor of panel {p.name!r} must name a slider; got {p.cursor!r}")
                if p.depends is None or p.cursor in p.depends:
                    raise ValueError(f"panel {p.name!r} draws {p.cursor!r} as a cursor: list its other "
                                     "dependencies in depends, without the cursor")
            try:
                p.alt.format(**{n: "" for n in names})
            except (KeyError, IndexError) as exc:
                raise ValueError(f"alt of panel {p.name!r} may only use the fields {names}; {exc} is not one") from exc
        self.update = update
        self.setup = setup
        self.compute = compute
        self.controls = controls
        self.panels = panels
        self.caption = caption
        self.alt = alt if alt is not None else " ".join(p.alt for p in panels)
        self.height = height
        self.figsize = (sum(p.width for p in panels), height)
        self.dpi = v.positive_int(dpi, "dpi")
        self.name = name or "fig-" + hashlib.sha1(caption.encode()).hexdigest()[:8]
        self.n_frames = math.prod(len(grid_of(c)) for c in controls)
        self.n_renders = sum(self._renders(p) for p in panels)
        if self.n_renders > v.positive_int(max_renders, "max_renders"):
            raise ValueError(f"the panels need {self.n_renders} images, more than max_renders = {max_renders}: "
                             "declare what each panel depends on, draw a time slider as a cursor, or "
                             "use coarser grids")
        self._live: Any = None

    @classmethod
    def plot(cls, draw: Callable[..., Any], *, caption: str, alt: str | None = None,
             panels: Sequence[Panel] | None = None, figsize: tuple[float, float] = (4.5, 3.2),
             dpi: int = 110, name: str | None = None) -> "Explorable":
        """A figure without controls: ``draw(fig)`` (or ``draw(fig, **panels)``) draws it once."""
        return cls(lambda state: None, (), setup=draw, caption=caption, alt=alt, panels=panels,
                   figsize=figsize, dpi=dpi, name=name)

    # -------------------------------------------------------------- values
    @property
    def defaults(self) -> dict[str, Any]:
        return {c.name: c.default for c in self.controls}

    def control(self, name: str) -> Control:
        for c in self.controls:
            if c.name == name:
                return c
        raise ValueError(f"unknown control {name!r}; the controls are {', '.join(c.name for c in self.controls)}")

    def depends(self, panel: Panel) -> tuple[str, ...]:
        """The controls whose every value gets its own image of ``panel``."""
        if panel.depends is None:
            return tuple(c.name for c in self.controls)
        return tuple(c.name for c in self.controls if c.name in panel.depends)

    def _renders(self, panel: Panel) -> int:
        return math.prod(len(grid_of(self.control(d))) for d in self.depends(panel))

    def combinations(self, names: Sequence[str] | None = None) -> list[dict[str, Any]]:
        """Every combination of the grid values of ``names`` (default: every control), the
        last fastest, with the other controls at their defaults."""
        names = [c.name for c in self.controls] if names is None else list(names)
        grids = [grid_of(self.control(n)) for n in names]
        return [self.defaults | dict(zip(names, combo)) for combo in itertools.product(*grids)]

    def values(self, **values: Any) -> dict[str, Any]:
        """The defaults, with ``values`` in place (unknown names refused)."""
        out = self.defaults
        for k, val in values.items():
            if k not in out:
                raise ValueError(f"unknown control {k!r}; the controls are {', '.join(out) or 'none'}")
            out[k] = val
        return out

    def describe(self, values: Mapping[str, Any]) -> dict[str, str]:
        return {c.name: c.describe(values[c.name]) for c in self.controls}

    def alt_text(self, panel: Panel | None = None, **values: Any) -> str:
        d = self.describe(self.values(**values))
        return (panel.alt if panel is not None else self.alt).format(**d)

    # -------------------------------------------------------------- drawing
    def canvas(self) -> "Canvas":
        """A new figure, set up and laid out for the default values (then frozen)."""
        from .render import Canvas

        with matplotlib.rc_context(STYLE):
            fig = Figure(figsize=self.figsize, dpi=self.dpi, layout="constrained", facecolor="white")
            if self._subfigures:
                subs = fig.subfigures(1, len(self.panels), width_ratios=[p.width for p in self.panels],
                                      squeeze=False)[0]
                panels = dict(zip((p.name for p in self.panels), subs))
                state = self.setup(fig, **panels)
            else:
                panels = {self.panels[0].name: fig}
                state = self.setup(fig)
            cv = Canvas(self, fig, panels, state)
            cv.apply(self.defaults)
            fig.draw_without_rendering()
            fig.set_layout_engine("none")
            # The constrained layout's solver can place an axes a last bit apart in two figures
            # built alike, which shifts anti-aliased pixels by one level: round the positions so
            # that every canvas of a figure draws a frame to the same pixels (check() compares them).
            for ax in fig.axes:
                ax.set_position([round(float(x), 10) for x in ax.get_position().bounds])
        return cv

    def call(self, state: Any, values: Mapping[str, Any]) -> None:
        """Run ``compute`` and ``update`` for ``values`` (every control given)."""
        if self.compute is None:
            self.update(state, **values)
        else:
            self.update(state, self.compute(**values), **values)

    def figure(self, **values: Any) -> Figure:
        """A new :class:`~matplotlib.figure.Figure` showing the frame for ``values``."""
        cv = self.canvas()
        cv.show(self.values(**values))
        return cv.fig

    def png(self, **values: Any) -> bytes:
        """One frame of the whole figure as PNG bytes (the page's figure in print)."""
        cv = self.canvas()
        cv.show(self.values(**values))
        return cv.png()

    def check(self) -> int:
        """Draw every panel image headless, as the static player does; verify the drawing.

        Raises :class:`AssertionError` when a frame drawn after other frames differs from
        the same frame drawn fresh (``update`` left something behind), or when a panel's
        pixels change with a control it does not declare (its ``depends``). Returns the
        number of panel images drawn.
        """
        from .static import panel_frames

        cv = self.canvas()
        count = 0
        for panel in self.panels:
            count += len(panel_frames(self, panel, images=False, cv=cv)["combos"])
        combos = self.combinations()
        probes = [combos[-1], combos[(combos.index(self.defaults) + 1) % len(combos)]] if combos else []
        for vals in probes:
            for other in combos[:: max(1, len(combos) // 7)]:
                cv.show(other)
            cv.show(vals)
            fresh = self.canvas()
            fresh.show(vals)
            if cv.pixels() != fresh.pixels():
                raise AssertionError(f"{self.name}: the frame for {vals} differs when drawn after other frames; "
                                     "update must set everything that depends on the values")
        for panel in self.panels:
            pt = cv.text_px(panel) * 72.0 / self.dpi
            if pt < MIN_TEXT_PT - 1e-9:
                raise AssertionError(f"{self.name}: panel {panel.name!r} has {pt:.1f}-point text; the smallest "
                                     f"a figure may have is {MIN_TEXT_PT} points")
            if panel.cursor is not None:  # where the player puts the cursor is where update puts it
                place = getattr(cv.cursor_line(panel), "_ix_at", None)
                values = grid_of(self.control(panel.cursor))
                for value in (values[:: max(1, len(values) // 5)] if place is not None else ()):
                    cv.apply(self.defaults | {panel.cursor: value})
                    x = place(value)
                    if cv.cursor_position(panel) != (None if x is None else cv.cursor_position(panel, float(x))):
                        raise AssertionError(f"{self.name}: the cursor of panel {panel.name!r} at {panel.cursor} = "
                                             f"{value!r} is not where add_cursor's at() says")
            deps = set(self.depends(panel))
            free = [c for c in self.controls if c.name not in deps]
            if not free:
                continue
            base = cv.panel_pixels(panel, self.defaults)
            for c in free:
                for value in grid_of(c)[:: max(1, len(grid_of(c)) // 3)]:
                    moved = cv.panel_pixels(panel, self.defaults | {c.name: value})
                    if moved != base:
                        raise AssertionError(f"{self.name}: panel {panel.name!r} changes with {c.name} = {value!r}, "
                                             "which it does not declare in depends")
        return count

    def time_update(self, **values: Any) -> tuple[float, float]:
        """Seconds for one live update, ``(compute, compute + update + render)``, on the one
        kept figure that the first call builds (so a first call includes building it)."""
        import time

        vals = self.values(**values)
        t0 = time.perf_counter()
        if self.compute is not None:
            self.compute(**vals)
        t1 = time.perf_counter()
        if self._live is None:
            self._live = self.canvas()
        self._live.show(vals)
        self._live.png(fast=True)
        return t1 - t0, time.perf_counter() - t0

    def at(self, values: Mapping[str, Any] | None = None, *, caption: str, alt: str | None = None,
           name: str | None = None, **more: Any) -> "Explorable":
        """The same drawing fixed at ``values`` (a mapping, or keywords): a figure without
        controls (one frame), with its own caption, alt text (one-panel figures) and name.
        Panels keep their alt text, filled in with the values. (A control named ``caption``,
        ``alt`` or ``name`` is given in the mapping.)"""
        fixed = self.values(**(dict(values or {}) | more))
        update = self.update
        if self.compute is not None:
            compute = self.compute
            compute_at: Callable[..., Any] | None = lambda: compute(**fixed)  # noqa: E731
            update_at = lambda state, data: update(state, data, **fixed)  # noqa: E731
        else:
            compute_at = None
            update_at = lambda state: update(state, **fixed)  # noqa: E731
        described = self.describe(fixed)
        panels = None if not self._subfigures else [
            Panel(p.name, p.width, p.alt.format(**described)) for p in self.panels]
        return Explorable(update_at, (), setup=self.setup, caption=caption,
                          alt=alt if alt is not None else (self.alt_text(**fixed) if not self._subfigures else None),
                          panels=panels, compute=compute_at, figsize=(self.figsize[0], self.height), dpi=self.dpi,
                          name=name)

    # ----------------------------------------------------------------- views
    def static_html(self) -> str:
        """The self-contained HTML player (see :mod:`.static`)."""
        from .static import player_html

        return player_html(self)

    def widget(self) -> Any:
        """The live ipywidgets view (see :mod:`.live`)."""
        from .live import widget

        return widget(self)

    def __repr__(self) -> str:
        ctl = ", ".join(f"{c.text} ({len(grid_of(c))} {'options' if isinstance(c, Choice) else 'values'})"
                        for c in self.controls)
        return f"Explorable {self.name!r}: {ctl or 'no controls'}; {self.n_frames} frames, {self.n_renders} panel images"

    def _repr_mimebundle_(self, include: object = None, exclude: object = None) -> dict[str, Any]:
        """Every view of the figure (see :mod:`initreg.explorable`). Where a live front end
        shows the widget and nothing is stored for the static book (Binder's ``start`` sets
        ``INITREG_NO_STATIC_PLAYER=1``), the static player, every panel image drawn ahead, is
        left out: it is most of the figure's cost, and such a reader never sees it."""
        from .static import player_html

        cv = self.canvas()  # one kept figure draws the player's every image and the default frame
        bundle: dict[str, Any] = {"text/plain": repr(self)}
        if not (self.controls and _in_kernel() and os.environ.get(NO_STATIC_PLAYER) == "1"):
            bundle["text/html"] = player_html(self, cv)
        cv.show(self.defaults)
        bundle["image/png"] = cv.png()
        if self.controls and _in_kernel():
            bundle.update(self.widget()._repr_mimebundle_())
            bundle["text/plain"] = repr(self)
        return bundle


def _in_kernel() -> bool:
    """True inside a Jupyter kernel, where ipywidgets can talk to a front end."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with ipykernel
        return False
    ip = get_ipython()
    return ip is not None and getattr(ip, "kernel", None) is not None
