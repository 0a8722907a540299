"""Interactive figures written once, shown live in Jupyter and as precomputed frames in HTML.

A chapter describes a figure by a *draw* function and its *controls*::

    fig = Explorable(draw, [Choice("data", TOY_DATASETS, label="data set"),
                            Slider("steps", 0, 1000, grid=[0, 10, 100, 1000], integer=True)],
                     caption="...", alt="Decision boundary on {data} after {steps} steps")

``draw(fig, **values)`` draws into a fresh matplotlib :class:`~matplotlib.figure.Figure`
(or ``draw(fig, data, **values)`` when a separate ``compute(**values) -> data`` is given,
so that the benchmark can time the computation and the redraw apart).

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
``_config.yml``), so a reader never meets an inert widget, and loads this module as a
Sphinx extension (:func:`setup`) that keeps the widgets' saved state out of the pages.
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
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from . import _validate as v

__all__ = ["Choice", "Slider", "Explorable", "FIGURES", "register_figure"]


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
    """One interactive figure: a draw function, its controls, a caption and alt text.

    Parameters
    ----------
    draw
        ``draw(fig, **values)``, or ``draw(fig, data, **values)`` when ``compute`` is given.
    controls
        :class:`Choice` and :class:`Slider` objects; their names are ``draw``'s keywords.
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
    """

    def __init__(
        self,
        draw: Callable[..., None],
        controls: Sequence[Control],
        *,
        caption: str,
        alt: str,
        compute: Callable[..., Any] | None = None,
        figsize: tuple[float, float] = (8.0, 3.2),
        dpi: int = 72,
        name: str | None = None,
        max_frames: int = 400,
    ) -> None:
        if not callable(draw):
            raise TypeError("draw must be a function draw(fig, **values)")
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
        self.draw = draw
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

    def draw_into(self, fig: Figure, **values: Any) -> None:
        """Clear ``fig`` and draw the figure for ``values`` (defaults for the rest)."""
        vals = self._values(values)
        fig.clear()
        if self.compute is None:
            self.draw(fig, **vals)
        else:
            self.draw(fig, self.compute(**vals), **vals)

    def figure(self, **values: Any) -> Figure:
        """A new :class:`~matplotlib.figure.Figure` drawn for ``values``."""
        fig = Figure(figsize=self.figsize, dpi=self.dpi, layout="constrained")
        FigureCanvasAgg(fig)
        self.draw_into(fig, **values)
        return fig

    def describe(self, values: Mapping[str, Any]) -> dict[str, str]:
        return {c.name: c.describe(values[c.name]) for c in self.controls}

    def alt_text(self, **values: Any) -> str:
        return self.alt.format(**self.describe(self._values(values)))

    @staticmethod
    def _png(fig: Figure, *, compact: bool) -> bytes:
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=fig.dpi, metadata={"Software": None})
        if not compact:
            return buf.getvalue()
        from PIL import Image

        buf.seek(0)
        img = Image.open(buf).convert("RGB").quantize(colors=128, method=Image.Quantize.MEDIANCUT,
                                                      dither=Image.Dither.NONE)
        out = io.BytesIO()
        img.save(out, format="PNG", optimize=True)
        return out.getvalue()

    def png(self, *, compact: bool = False, **values: Any) -> bytes:
        """The PNG bytes of one frame (``compact``: a 128-colour palette, as in the static book)."""
        return self._png(self.figure(**values), compact=compact)

    def check(self) -> int:
        """Draw every frame of the grid headless; return how many were drawn. Used by the tests."""
        fig = Figure(figsize=self.figsize, dpi=self.dpi, layout="constrained")
        canvas = FigureCanvasAgg(fig)
        for vals in self.combinations():
            self.draw_into(fig, **vals)
            canvas.draw()
        return self.n_frames

    def time_update(self, **values: Any) -> tuple[float, float]:
        """Seconds for one live update: ``(compute, compute + redraw to PNG)``."""
        vals = self._values(values)
        t0 = time.perf_counter()
        if self.compute is not None:
            self.compute(**vals)
        t1 = time.perf_counter()
        self.png(**vals)
        return t1 - t0, time.perf_counter() - t0

    # -------------------------------------------------------------- static
    def frames(self) -> tuple[list[str], list[int], list[str]]:
        """``(unique base64 PNGs, frame index of each combination, alt text of each combination)``."""
        fig = Figure(figsize=self.figsize, dpi=self.dpi, layout="constrained")
        FigureCanvasAgg(fig)
        unique: dict[str, int] = {}
        images: list[str] = []
        index: list[int] = []
        alts: list[str] = []
        for vals in self.combinations():
            self.draw_into(fig, **vals)
            b64 = base64.b64encode(self._png(fig, compact=True)).decode("ascii")
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

        fig = Figure(figsize=self.figsize, dpi=self.dpi, layout="constrained")
        FigureCanvasAgg(fig)
        ctls = [c.widget() for c in self.controls]
        image = w.Image(format="png", layout=w.Layout(max_width="100%"))
        status = w.HTML()

        def refresh(_change: object = None) -> None:
            vals = {c.name: wid.value for c, wid in zip(self.controls, ctls)}
            try:
                self.draw_into(fig, **vals)
                image.value = self._png(fig, compact=False)
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


#: Every interactive figure of the book, by name: a function that builds its Explorable.
#: Chapters call these; the tests draw every frame of each, and the benchmark times them.
FIGURES: dict[str, Callable[[], Explorable]] = {}


def register_figure(factory: Callable[[], Explorable]) -> Callable[[], Explorable]:
    """Decorator: list an Explorable factory in :data:`FIGURES` under its function name."""
    FIGURES[factory.__name__] = factory
    return factory


def _in_kernel() -> bool:
    """True inside a Jupyter kernel, where ipywidgets can talk to a front end."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with ipykernel
        return False
    ip = get_ipython()
    return ip is not None and getattr(ip, "kernel", None) is not None


# ------------------------------------------------------------------ the HTML book
# `_config.yml` loads this module as a Sphinx extension (``sphinx.extra_extensions``), for
# what the static player needs from the page around it.


def _drop_widget_state(app: Any, doctree: Any) -> None:
    """Forget the widget state that executing a chapter stored in its notebook.

    Jupyter Book executes each chapter in a kernel, where every Explorable also builds its
    live widget, and the executor saves the widgets' state (their controls and a full-size
    PNG each) into the notebook's metadata. myst-nb would embed that state in the page as a
    ``<script type="application/vnd.jupyter.widget-state+json">``. The book loads no widget
    manager (``nb_ipywidgets_js: {}``) and shows the static player instead, so the state
    would be dead weight: drop it before the page is written.
    """
    env = app.env
    js_files = getattr(env, "nb_metadata", {}).get(env.docname, {}).get("js_files", {})
    for key in [k for k in js_files if k.startswith("ipywidgets_")]:
        del js_files[key]


def _dedupe_scripts(app: Any, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    """Write each ``<script>`` of the page once.

    Sphinx 7.4 lists an inline script that an extension adds after the builder starts
    (sphinx-thebe's ``const THEBE_JS_URL = ...``, sphinx-togglebutton's selector) twice: once
    with the file name ``None`` and once with ``""``. A second ``const`` declaration is a
    JavaScript error on every page ("Identifier 'THEBE_JS_URL' has already been declared").
    """
    scripts = context.get("script_files")
    if not isinstance(scripts, list):
        return
    seen: set[tuple[Any, ...]] = set()
    unique = []
    for js in scripts:
        filename = getattr(js, "filename", js)
        attrs = getattr(js, "attributes", {})
        key = (str(filename or ""), getattr(js, "priority", None), tuple(sorted(attrs.items())))
        if key not in seen:
            seen.add(key)
            unique.append(js)
    scripts[:] = unique


def setup(app: Any) -> dict[str, Any]:
    """Sphinx entry point: see :func:`_drop_widget_state` and :func:`_dedupe_scripts`."""
    app.connect("doctree-read", _drop_widget_state)
    app.connect("html-page-context", _dedupe_scripts, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
