"""Interactive figures written once, shown live in Jupyter and as precomputed frames in HTML.

A chapter describes a figure by a *setup* function, an *update* function and the
*controls*::

    def setup(fig):
        ax = fig.subplots()
        (line,) = ax.plot([], [])
        return line

    def update(line, shape, k):
        x = np.linspace(0, 1, 50)
        line.set_data(x, x**k if shape == "power" else np.sin(k * x))

    fig = Explorable(update, [Choice("shape", ["power", "sine"]),
                              Slider("k", 1, 4, grid=4, integer=True)],
                     setup=setup, caption="...", alt="A {shape} curve with k = {k}")

``setup(fig)`` builds the axes and artists once; ``update(state, **values)`` (or
``update(state, data, **values)`` when a separate ``compute(**values) -> data`` is given,
so that the benchmark can time the computation and the redraw apart) only changes them.
A move of a control then costs one artist update and one render. Without ``setup``,
``update`` is a ``draw(fig, **values)`` that draws from scratch each time.

Displaying the object gives one MIME bundle with three views of the same figure:

* ``application/vnd.jupyter.widget-view+json`` — live ipywidgets controls driven by the
  kernel, with continuous slider values (Jupyter, Binder, Thebe);
* ``text/html`` — a self-contained player: every combination of the controls' grids is
  rendered at execution time to a PNG frame (128 colours, identical frames stored once),
  embedded in the page as data URLs with native, labelled, keyboard-operable controls and a
  few lines of JavaScript that switch frames and alt texts, so the static book responds
  with no kernel and no network;
* ``text/plain`` — a one-line summary.

The book's HTML build drops the widget view (``nb_mime_priority_overrides`` in
``_config.yml``), so a reader never meets an inert widget, and loads
:mod:`initreg._sphinx` as a Sphinx extension that keeps the widgets' saved state out of
the pages.
Tests call :meth:`check`, which runs ``draw`` headless over the whole grid, and
tests/test_browser.py works every player's controls in Chromium. See {ref}`reading`.
"""

from __future__ import annotations

import base64
import hashlib
import html
import io
import itertools
import json
import math
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from matplotlib.artist import Artist
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg
from matplotlib.figure import Figure

from . import _validate as v

__all__: list[str] = []  # the figures not yet moved to initreg.explorable use it


def _fmt(value: Any, fmt: str) -> str:
    if isinstance(value, str):
        return value
    return fmt.format(value)


@dataclass(frozen=True)
class Choice:
    """A drop-down: ``options`` is a sequence of values or a mapping ``label -> value``.

    The static book renders a frame for every option.
    """

    name: str
    options: Sequence[Any] | Mapping[str, Any]
    label: str | None = None
    default: Any = None

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name.isidentifier():
            raise ValueError(f"name must be a Python identifier (the draw function's keyword); got {self.name!r}")
        if isinstance(self.options, Mapping):
            pairs = tuple((str(k), val) for k, val in self.options.items())
        elif isinstance(self.options, (str, bytes)) or not isinstance(self.options, Sequence):
            raise TypeError(f"options of {self.name!r} must be a sequence or a mapping label -> value")
        else:
            pairs = tuple((str(o), o) for o in self.options)
        if not pairs:
            raise ValueError(f"options of {self.name!r} must not be empty")
        object.__setattr__(self, "_pairs", pairs)
        values = [p[1] for p in pairs]
        default = values[0] if self.default is None else self.default
        if default not in values:
            raise ValueError(f"default of {self.name!r} must be one of {', '.join(p[0] for p in pairs)}; got {default!r}")
        object.__setattr__(self, "default", default)

    @property
    def pairs(self) -> tuple[tuple[str, Any], ...]:
        return self._pairs  # type: ignore[attr-defined]

    @property
    def grid(self) -> list[Any]:
        return [p[1] for p in self.pairs]

    @property
    def text(self) -> str:
        return self.label or self.name

    def describe(self, value: Any) -> str:
        for lab, val in self.pairs:
            if val == value:
                return lab
        return str(value)

    def widget(self) -> Any:
        import ipywidgets as w

        return w.Dropdown(options=list(self.pairs), value=self.default, description=self.text,
                          style={"description_width": "initial"})


@dataclass(frozen=True)
class Slider:
    """A slider from ``min`` to ``max``: continuous when live, ``grid`` values when static.

    ``grid`` is an explicit list of values or a number of evenly spaced values (log-spaced
    when ``log``). ``integer`` sliders take whole numbers; ``step`` is the live step.
    """

    name: str
    min: float
    max: float
    grid: Sequence[float] | int = 6
    step: float | None = None
    log: bool = False
    integer: bool = False
    label: str | None = None
    default: float | None = None
    fmt: str = "{:g}"
    values: tuple[float, ...] = field(init=False, repr=False, default=())

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name.isidentifier():
            raise ValueError(f"name must be a Python identifier (the draw function's keyword); got {self.name!r}")
        lo = v.real(self.min, "min")
        hi = v.real(self.max, "max")
        if not lo < hi:
            raise ValueError(f"min must be below max for slider {self.name!r}; got {lo} and {hi}")
        if self.log and lo <= 0:
            raise ValueError(f"a log slider needs min > 0; got {lo}")
        if isinstance(self.grid, int) and not isinstance(self.grid, bool):
            n = v.positive_int(self.grid, "grid")
            if n < 2:
                raise ValueError("grid must have at least 2 values")
            vals = np.geomspace(lo, hi, n) if self.log else np.linspace(lo, hi, n)
        else:
            vals = np.asarray([v.real(g, "grid value") for g in self.grid])
            if vals.size < 2:
                raise ValueError("grid must have at least 2 values")
            if np.any(np.diff(vals) <= 0):
                raise ValueError(f"grid of {self.name!r} must be strictly increasing")
            if vals[0] < lo or vals[-1] > hi:
                raise ValueError(f"grid of {self.name!r} must lie within [min, max] = [{lo:g}, {hi:g}]")
        if self.integer:
            vals = np.unique(np.round(vals).astype(int))
            values: tuple[float, ...] = tuple(int(x) for x in vals)
        else:
            values = tuple(float(x) for x in vals)
        object.__setattr__(self, "values", values)
        default = values[0] if self.default is None else self.default
        if default not in values:
            raise ValueError(f"default of {self.name!r} must be one of the grid values {values}; got {default!r}")
        object.__setattr__(self, "default", default)

    @property
    def grid_values(self) -> list[float]:
        return list(self.values)

    @property
    def text(self) -> str:
        return self.label or self.name

    def describe(self, value: Any) -> str:
        return _fmt(value, self.fmt)

    def widget(self) -> Any:
        import ipywidgets as w

        style = {"description_width": "initial"}
        if self.integer:
            step = int(self.step or 1)
            return w.IntSlider(value=int(self.default), min=int(self.min), max=int(self.max), step=step,
                               description=self.text, continuous_update=False, style=style)
        if self.log:
            lo, hi = math.log10(self.min), math.log10(self.max)
            step = self.step or (hi - lo) / 100
            return w.FloatLogSlider(value=float(self.default), base=10, min=lo, max=hi, step=step,
                                    description=self.text, continuous_update=False, style=style)
        step = self.step or (self.max - self.min) / 100
        return w.FloatSlider(value=float(self.default), min=self.min, max=self.max, step=step,
                             description=self.text, continuous_update=False, style=style)


Control = Choice | Slider

#: Frames are embedded as data URLs: the page needs no file and no network to show them.
_DATA_URL = "data:image/png;base64,"
#: The accessible name of a static player's group of controls.
_CONTROLS_LABEL = "Figure controls"


def _grid(control: Control) -> list[Any]:
    return control.grid if isinstance(control, Choice) else control.grid_values


class Explorable:
    """One interactive figure: an update function, its controls, a caption and alt text.

    A figure is written as ``setup`` (build the axes and artists once) plus ``update`` (set
    the artists' data for one combination of the controls). The live widget and the static
    frames both keep one figure and only call ``update``, so a change of a control costs an
    artist update and one Agg render, not a new figure with new axes, ticks and layout.

    Parameters
    ----------
    update
        With ``setup``: ``update(state, **values)``, or ``update(state, data, **values)`` when
        ``compute`` is given, where ``state`` is what ``setup`` returned. It must set
        everything that depends on the values (data, limits, texts), so that the frame does
        not depend on the frames drawn before it (:meth:`check` verifies this).
        Without ``setup``: ``draw(fig, **values)`` draws from scratch into a cleared figure
        (simple, but every update rebuilds the axes).
    controls
        :class:`Choice` and :class:`Slider` objects; their names are ``update``'s keywords.
    setup
        Optional ``setup(fig) -> state``: create the axes and artists once.
    caption
        The figure's caption, shown under it in every view.
    alt
        Alt text, a template formatted with the shown value of every control.
    compute
        Optional ``compute(**values) -> data``: the expensive part, timed apart from drawing.
    figsize, dpi
        The size of every frame, in inches and dots per inch.
    name
        A short identifier (default: derived from the caption) used for element ids.
    max_frames
        The most frames the controls' grids may make (the static page's weight).
    """

    def __init__(
        self,
        update: Callable[..., None],
        controls: Sequence[Control],
        *,
        caption: str,
        alt: str,
        setup: Callable[[Figure], Any] | None = None,
        compute: Callable[..., Any] | None = None,
        figsize: tuple[float, float] = (8.0, 3.2),
        dpi: int = 72,
        name: str | None = None,
        max_frames: int = 400,
    ) -> None:
        if not callable(update):
            raise TypeError("update must be a function update(state, **values) (or draw(fig, **values))")
        if setup is not None and not callable(setup):
            raise TypeError("setup must be a function setup(fig) -> state, or None")
        if compute is not None and not callable(compute):
            raise TypeError("compute must be a function compute(**values) -> data, or None")
        controls = tuple(controls)
        if not controls:
            raise ValueError("controls must not be empty: a figure without controls is a plain figure")
        for c in controls:
            if not isinstance(c, (Choice, Slider)):
                raise TypeError(f"controls must be Choice or Slider objects; got {type(c).__name__}")
        names = [c.name for c in controls]
        if len(set(names)) != len(names):
            raise ValueError(f"control names must be distinct; got {names}")
        if not isinstance(caption, str) or not caption.strip():
            raise ValueError("caption must be a non-empty string")
        if not isinstance(alt, str) or not alt.strip():
            raise ValueError("alt must be a non-empty string (alt text for readers who cannot see the figure)")
        try:
            alt.format(**{n: "" for n in names})
        except (KeyError, IndexError) as exc:
            raise ValueError(f"alt may only use the fields {{{'}, {'.join(names)}}}; {exc} is not one") from exc
        self.update = update
        self.setup = setup
        self.compute = compute
        self.controls = controls
        self.caption = caption
        self.alt = alt
        self.figsize = (v.positive(figsize[0], "figsize[0]"), v.positive(figsize[1], "figsize[1]"))
        self.dpi = v.positive_int(dpi, "dpi")
        self.name = name or "fig-" + hashlib.sha1(caption.encode()).hexdigest()[:8]
        n = math.prod(len(_grid(c)) for c in controls)
        if n > v.positive_int(max_frames, "max_frames"):
            raise ValueError(f"the controls' grids make {n} frames, more than max_frames = {max_frames}; "
                             "use coarser grids so the page stays light")
        self.n_frames = n
        self._live: _Canvas | None = None

    @property
    def retained(self) -> bool:
        """True when the figure is drawn by ``setup`` once and ``update`` per frame."""
        return self.setup is not None

    # ------------------------------------------------------------- drawing
    @property
    def defaults(self) -> dict[str, Any]:
        return {c.name: c.default for c in self.controls}

    def combinations(self) -> list[dict[str, Any]]:
        """Every combination of the controls' grid values, last control fastest."""
        grids = [_grid(c) for c in self.controls]
        return [dict(zip([c.name for c in self.controls], combo)) for combo in itertools.product(*grids)]

    def _values(self, values: Mapping[str, Any]) -> dict[str, Any]:
        out = self.defaults
        for k, val in values.items():
            if k not in out:
                raise ValueError(f"unknown control {k!r}; the controls are {', '.join(out)}")
            out[k] = val
        return out

    def canvas(self) -> _Canvas:
        """A new figure, set up and laid out, ready for :meth:`_Canvas.show`.

        With ``setup``, the layout (constrained) is computed once, for the default values,
        and then frozen: every frame has the same axes in the same place, whatever the
        order in which frames are drawn.
        """
        fig = Figure(figsize=self.figsize, dpi=self.dpi, layout="constrained")
        agg = FigureCanvasAgg(fig)
        state = None
        if self.setup is not None:
            state = self.setup(fig)
            self._call(fig, state, self.defaults)
            fig.draw_without_rendering()
            fig.set_layout_engine("none")
        return _Canvas(self, fig, agg, state)

    def _call(self, fig: Figure, state: Any, vals: dict[str, Any]) -> None:
        if self.setup is None:
            fig.clear()
            target = fig
        else:
            target = state
        if self.compute is None:
            self.update(target, **vals)
        else:
            self.update(target, self.compute(**vals), **vals)

    def draw_into(self, fig: Figure, **values: Any) -> None:
        """Draw the figure for ``values`` into a new, empty ``fig`` (defaults for the rest).

        For a one-off figure (e.g. a chapter's static figure); frames use :meth:`canvas`.
        """
        vals = self._values(values)
        if self.setup is None:
            self._call(fig, None, vals)
        else:
            fig.clear()
            state = self.setup(fig)
            self._call(fig, state, vals)

    def figure(self, **values: Any) -> Figure:
        """A new :class:`~matplotlib.figure.Figure` showing the frame for ``values``."""
        return self.canvas().show(**values)

    def describe(self, values: Mapping[str, Any]) -> dict[str, str]:
        return {c.name: c.describe(values[c.name]) for c in self.controls}

    def alt_text(self, **values: Any) -> str:
        return self.alt.format(**self.describe(self._values(values)))

    def png(self, *, compact: bool = False, **values: Any) -> bytes:
        """The PNG bytes of one frame, from a new figure (``compact``: 128 colours, as in the book)."""
        cv = self.canvas()
        cv.show(**values)
        return cv.png(compact=compact)

    def check(self) -> int:
        """Draw every frame of the grid headless; return how many were drawn. Used by the tests.

        With ``setup``, the frames are drawn one after another into one figure, as the
        widget and the static player draw them, and the last frame and the frame after the
        default one are compared pixel for pixel with the same frames drawn into a new
        figure: a difference means ``update`` leaves something of the previous frame behind
        (a limit, a text, an artist), and raises :class:`AssertionError`.
        """
        cv = self.canvas()
        combos = self.combinations()
        probes = {len(combos) - 1, (combos.index(self.defaults) + 1) % len(combos)}
        for k, vals in enumerate(combos):
            cv.show(**vals)
            if self.retained and k in probes:
                fresh = self.canvas()
                fresh.show(**vals)
                if not np.array_equal(cv.pixels(), fresh.pixels()):
                    raise AssertionError(f"{self.name}: the frame for {vals} differs when drawn after other "
                                         "frames; update must set everything that depends on the values")
        return self.n_frames

    def time_update(self, **values: Any) -> tuple[float, float]:
        """Seconds for one live update: ``(compute, compute + update + render to PNG)``.

        Measured as the widget does it: on one kept figure, which the first call builds (so
        a first call measures what displaying the figure costs).
        """
        vals = self._values(values)
        t0 = time.perf_counter()
        if self.compute is not None:
            self.compute(**vals)
        t1 = time.perf_counter()
        if self._live is None:
            self._live = self.canvas()
        self._live.show(**vals)
        self._live.png(compact=False)
        return t1 - t0, time.perf_counter() - t0

    # -------------------------------------------------------------- static
    def frames(self) -> tuple[list[str], list[int], list[str]]:
        """``(unique base64 PNGs, frame index of each combination, alt text of each combination)``."""
        cv = self.canvas()
        unique: dict[str, int] = {}
        images: list[str] = []
        index: list[int] = []
        alts: list[str] = []
        for vals in self.combinations():
            cv.show(**vals)
            b64 = base64.b64encode(cv.png(compact=True)).decode("ascii")
            if b64 not in unique:
                unique[b64] = len(images)
                images.append(b64)
            index.append(unique[b64])
            alts.append(self.alt.format(**self.describe(vals)))
        return images, index, alts

    def static_html(self) -> str:
        """The self-contained HTML player: controls, every frame, and a little JavaScript.

        Each frame is an ``<img>`` source (a base64 PNG data URL), so the player needs no
        network and no kernel. The controls are native ``<select>`` and
        ``<input type="range">`` elements with ``<label>``s (the live controls' labels), so
        they work with the keyboard (arrow keys, Home/End) and screen readers; a slider
        announces the shown value through ``aria-valuetext`` and its ``<output>``. The
        frame's alt text follows the controls. The controls start disabled and the script
        enables them: without JavaScript the reader sees the default frame and inert-looking
        controls, never controls that silently do nothing. Styling is inline, so the player
        looks the same in the book, in Jupyter and in a saved page.
        """
        images, index, alts = self.frames()
        uid = html.escape(self.name)
        grids = [_grid(c) for c in self.controls]
        start = [g.index(c.default) for c, g in zip(self.controls, grids)]
        flat0 = 0
        for s, g in zip(start, grids):
            flat0 = flat0 * len(g) + s
        labels: list[list[str] | None] = []
        width, height = round(self.figsize[0] * self.dpi), round(self.figsize[1] * self.dpi)
        parts = [f'<figure class="initreg-explorable" id="{uid}" data-frames="{self.n_frames}" '
                 'style="margin:1em 0;max-width:100%">',
                 f'<div class="ix-controls" role="group" aria-label="{html.escape(_CONTROLS_LABEL)}" '
                 'style="display:flex;flex-wrap:wrap;align-items:center;gap:0.4em 1.6em;margin:0 0 0.4em 0">']
        for i, (c, g) in enumerate(zip(self.controls, grids)):
            cid = f"{uid}-{c.name}"
            label = html.escape(c.text)
            item = '<span class="ix-control" style="display:inline-flex;align-items:center;gap:0.5em">'
            if isinstance(c, Choice):
                labels.append(None)
                opts = "".join(
                    f'<option value="{j}"{" selected" if j == start[i] else ""}>{html.escape(lab)}</option>'
                    for j, (lab, _) in enumerate(c.pairs))
                parts.append(f'{item}<label for="{cid}">{label}</label>'
                             f'<select id="{cid}" data-ix="{i}" disabled>{opts}</select></span>')
            else:
                shown = [c.describe(x) for x in g]
                labels.append(shown)
                parts.append(
                    f'{item}<label for="{cid}">{label}</label>'
                    f'<input type="range" id="{cid}" data-ix="{i}" min="0" max="{len(g) - 1}" step="1" '
                    f'value="{start[i]}" aria-valuetext="{html.escape(shown[start[i]])}" disabled '
                    'style="vertical-align:middle">'
                    f'<output for="{cid}" id="{cid}-out" style="min-width:3em;font-variant-numeric:tabular-nums">'
                    f"{html.escape(shown[start[i]])}</output></span>")
        parts.append("</div>")
        parts.append(f'<img class="ix-frame" src="{_DATA_URL}{images[index[flat0]]}" '
                     f'alt="{html.escape(alts[flat0])}" width="{width}" height="{height}" '
                     'style="display:block;max-width:100%;height:auto">')
        parts.append(f'<figcaption style="margin-top:0.3em">{html.escape(self.caption)}</figcaption></figure>')
        payload = json.dumps({"images": [_DATA_URL + b for b in images], "index": index, "alts": alts,
                              "sizes": [len(g) for g in grids], "labels": labels}, separators=(",", ":"))
        # The script finds its figure as the element just before it (ids stay unique even if
        # a page shows one figure twice), switches the frame on every input, and enables
        # the controls once it runs.
        parts.append(
            "<script>(function(){"
            f"var d={payload};"
            "var s=document.currentScript,root=s&&s.previousElementSibling;"
            'if(!root||!root.classList||!root.classList.contains("initreg-explorable"))'
            f'root=document.getElementById("{uid}");'
            'var img=root.querySelector("img.ix-frame");'
            'var ctl=Array.prototype.slice.call(root.querySelectorAll("[data-ix]"));'
            "function show(){var k=0;ctl.forEach(function(c,i){var j=parseInt(c.value,10);k=k*d.sizes[i]+j;"
            "var labs=d.labels[i];if(labs){"
            'c.setAttribute("aria-valuetext",labs[j]);'
            'var o=c.parentNode.querySelector("output");if(o)o.textContent=labs[j];}});'
            "var src=d.images[d.index[k]];if(img.getAttribute(\"src\")!==src)img.src=src;img.alt=d.alts[k];}"
            'ctl.forEach(function(c){c.disabled=false;c.addEventListener("input",show);'
            'c.addEventListener("change",show);});'
            "})();</script>")
        return "".join(parts)

    # ---------------------------------------------------------------- live
    def widget(self) -> Any:
        """The live ipywidgets view: the controls above the figure, redrawn on every change."""
        import ipywidgets as w

        cv = self.canvas()
        ctls = [c.widget() for c in self.controls]
        image = w.Image(format="png", layout=w.Layout(max_width="100%"))
        status = w.HTML()

        def refresh(_change: object = None) -> None:
            vals = {c.name: wid.value for c, wid in zip(self.controls, ctls)}
            try:
                cv.show(**vals)
                image.value = cv.png(compact=False)
                status.value = ""
            except (ValueError, TypeError) as exc:  # show a bad combination, don't kill the widget
                status.value = f"<b>Cannot draw this combination:</b> {html.escape(str(exc))}"

        for wid in ctls:
            wid.observe(refresh, names="value")
        refresh()
        return w.VBox([w.HBox(ctls, layout=w.Layout(flex_flow="row wrap")), image, status,
                       w.HTML(f"<em>{html.escape(self.caption)}</em>")])

    def __repr__(self) -> str:
        ctl = ", ".join(
            f"{c.text} ({len(_grid(c))} {'options' if isinstance(c, Choice) else 'values'})" for c in self.controls)
        return f"Explorable {self.name!r}: {ctl}; {self.n_frames} frames"

    def _repr_mimebundle_(self, include: object = None, exclude: object = None) -> dict[str, Any]:
        bundle: dict[str, Any] = {"text/plain": repr(self), "text/html": self.static_html()}
        if _in_kernel():
            bundle.update(self.widget()._repr_mimebundle_())
            bundle["text/plain"] = repr(self)
        return bundle


class _Canvas:
    """One kept figure of an :class:`Explorable`: show a frame, then read it as pixels or PNG."""

    def __init__(self, ex: Explorable, fig: Figure, agg: FigureCanvasAgg, state: Any) -> None:
        self.ex, self.fig, self.agg, self.state = ex, fig, agg, state

    def show(self, **values: Any) -> Figure:
        """Update the figure to ``values`` (defaults for the rest) and render it once."""
        self.ex._call(self.fig, self.state, self.ex._values(values))
        self.agg.draw()
        return self.fig

    def pixels(self) -> np.ndarray:
        """The rendered frame, an (height, width, 4) array of RGBA bytes (a copy)."""
        return np.array(self.agg.buffer_rgba())

    def png(self, *, compact: bool) -> bytes:
        """The rendered frame as PNG: a fast encoding live, 128 colours for the static book.

        The frame is encoded from the Agg buffer already rendered by :meth:`show`, rather
        than by ``savefig``, which would lay out and render the figure again.
        """
        from PIL import Image

        img = Image.frombuffer("RGBA", self.agg.get_width_height(), self.agg.buffer_rgba(), "raw", "RGBA", 0, 1)
        img = img.convert("RGB")
        out = io.BytesIO()
        if compact:
            img = img.quantize(colors=128, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
            img.save(out, format="PNG", optimize=True)
        else:
            img.save(out, format="PNG", compress_level=1)
        return out.getvalue()


def _pin_axis_labels(fig: Figure) -> None:
    """Lay ``fig`` out once and fix every axis label where matplotlib put it.

    For an :class:`Explorable`'s ``setup``. Otherwise every frame measures the tick labels
    of each axis again to move its label clear of them; in a figure with fixed margins and
    tick labels that keep their size, the places never change.
    """
    fig.draw_without_rendering()
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            if axis.label.get_text():
                where = axis.label.get_transform().transform(axis.label.get_position())
                axis.set_label_coords(*ax.transAxes.inverted().transform(where))


#: A rendered artist's pixels, cropped to what it covers: (RGBA rows bottom first, x, y).
Stamp = tuple[np.ndarray, int, int]


def _stamp(draw: Callable[[RendererAgg], object], off: RendererAgg) -> Stamp | None:
    """Render ``draw`` into the transparent offscreen renderer ``off``; crop what it covered."""
    off.clear()
    draw(off)
    rgba = np.asarray(off.buffer_rgba())
    rows = np.flatnonzero(rgba[..., 3].any(axis=1))
    if rows.size == 0:
        return None
    cols = np.flatnonzero(rgba[..., 3].any(axis=0))
    # draw_image takes the bottom row first, placed by its distance from the bottom
    return (rgba[rows[-1]:(rows[0] - 1 if rows[0] else None):-1, cols[0]:cols[-1] + 1].copy(),
            int(cols[0]), rgba.shape[0] - 1 - int(rows[-1]))


def _paste(renderer: RendererAgg, stamp: Stamp | None) -> None:
    """Composite a :func:`_stamp` onto an Agg renderer of the same size and dpi."""
    if stamp is not None:
        gc = renderer.new_gc()
        renderer.draw_image(gc, stamp[1], stamp[2], stamp[0])
        gc.restore()


class _RasterCache(Artist):
    """Stands in for ``artist`` (hidden itself) and draws it from rasters kept per ``key()``.

    For an :class:`Explorable`'s ``setup``: ``ax.add_artist(_RasterCache(ax.xaxis,
    _axis_key(ax.xaxis)))`` makes an axis whose limits do not change cost one blit per frame.

    Text is what a live frame costs: matplotlib lays out and renders every tick label,
    axis label and legend entry glyph by glyph on every draw, even when it has not changed.
    This proxy, added in the artist's place (same parent, same zorder), renders the artist
    once per state into a transparent Agg buffer of the canvas's size, keeps the cropped
    pixels (the ``size`` most recent states) and blits them on later Agg draws, so a frame
    lays out only the text that changed. ``key()`` must name everything that changes the
    artist's pixels (view limits, texts, visibility of parts). Other renderers (PDF, SVG,
    the layout pass) get the artist itself. Hide or show the proxy, not the artist.
    """

    def __init__(self, artist: Artist, key: Callable[[], object], size: int = 32) -> None:
        super().__init__()
        self._artist, self._key, self._size = artist, key, size
        self._cache: OrderedDict[object, Stamp | None] = OrderedDict()
        self._off: tuple[tuple[int, int, float], RendererAgg] | None = None
        artist.set_visible(False)
        self.set_zorder(artist.get_zorder())
        # not clipped to the axes (tick labels lie outside them), so that the axes' tight
        # bounding box counts the proxy in
        self.set_clip_on(False)

    def _shown(self, method: str, renderer: object) -> object:
        self._artist.set_visible(True)
        try:
            return getattr(self._artist, method)(renderer)
        finally:
            self._artist.set_visible(False)

    def _draw_artist(self, renderer: object) -> None:
        self._shown("draw", renderer)

    # layout engines and savefig(bbox_inches="tight") measure the artist through its proxy
    def get_window_extent(self, renderer: object = None) -> object:
        return self._shown("get_window_extent", renderer)

    def get_tightbbox(self, renderer: object = None) -> object:
        return self._shown("get_tightbbox", renderer)

    def draw(self, renderer: object) -> None:
        if not self.get_visible():
            return
        if not isinstance(renderer, RendererAgg):
            self._draw_artist(renderer)
            return
        w, h = int(renderer.width), int(renderer.height)
        key = (w, h, renderer.dpi, self._key())
        if key in self._cache:
            self._cache.move_to_end(key)
        else:
            # one offscreen renderer per size and dpi: its text metrics cache stays warm
            if self._off is None or self._off[0] != key[:3]:
                self._off = (key[:3], RendererAgg(w, h, renderer.dpi))
            self._cache[key] = _stamp(self._draw_artist, self._off[1])
            while len(self._cache) > self._size:
                self._cache.popitem(last=False)
        _paste(renderer, self._cache[key])


def _axis_key(axis: object) -> Callable[[], object]:
    """A :class:`_RasterCache` key for an axis whose ticks follow its limits: the axes'
    position, the view limits and the axis label."""
    ax = axis.axes  # type: ignore[attr-defined]
    return lambda: (tuple(ax.get_position().bounds), tuple(axis.get_view_interval()),  # type: ignore[attr-defined]
                    axis.label.get_text())  # type: ignore[attr-defined]


from .explorable import FIGURES, register_figure  # noqa: E402  (one registry for both)


def _in_kernel() -> bool:
    """True inside a Jupyter kernel, where ipywidgets can talk to a front end."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with ipykernel
        return False
    ip = get_ipython()
    return ip is not None and getattr(ip, "kernel", None) is not None
