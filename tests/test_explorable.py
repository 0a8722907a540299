"""The explorable machinery: one drawing, its panels, the static player and the live view.

Every registered figure is drawn panel image by panel image, as the static player stores
it, and checked (frames independent of the order they are drawn in, each panel depending
only on the controls it declares, text no smaller than the book allows)."""

import json
import re
from pathlib import Path

import numpy as np
import pytest

import initreg.figures  # noqa: F401  (registers the book's figures)
from initreg.explorable import (FIGURES, MIN_POSITIONS, Choice, Explorable, Panel, Slider, add_cursor,
                                cache_raster)
from initreg.explorable.figure import MIN_TEXT_PT


def curve_figure(*, leaky: bool = False, undeclared: bool = False, tiny_text: bool = False) -> Explorable:
    """Two panels: a curve that depends on shape and k, and a bar chart of k with a cursor at t.

    ``leaky`` forgets to reset the curve's y limits (a stale-state bug); ``undeclared``
    makes the bar panel depend on ``shape`` without saying so; ``tiny_text`` uses 6-pt labels.
    """
    def setup(fig, curve, bars):
        ax = curve.subplots()
        (line,) = ax.plot([], [])
        ax.set_xlim(0, 1)
        bx = bars.subplots()
        cont = bx.bar(range(4), np.zeros(4))
        bx.set(ylim=(0, 16), xlim=(-0.5, 3.5))
        cursor = add_cursor(bx, "t")
        if tiny_text:
            ax.set_xlabel("x", fontsize=6)
        return ax, line, bx, cont, cursor

    def update(state, shape, k, t):
        ax, line, bx, cont, cursor = state
        x = np.linspace(0, 1, 50)
        y = x**k if shape == "power" else np.sin(k * x)
        line.set_data(x, y)
        lo, hi = float(y.min()), float(y.max())
        if leaky:
            lo, hi = min(lo, ax.get_ylim()[0]), max(hi, ax.get_ylim()[1])
        ax.set_ylim(lo - 0.05, hi + 0.05)
        ax.set_title(f"{shape}, k = {k}")
        for i, bar in enumerate(cont):
            bar.set_height(k * (i + 1) if not (undeclared and shape == "sine") else 1)
        cursor.set_xdata([t, t])

    return Explorable(
        update,
        [Choice("shape", ["power", "sine"]), Slider("k", 1, 4, grid=4, integer=True),
         Slider("t", 0, 3, grid=np.linspace(0, 3, 16), kind="time")],
        setup=setup, caption="A demo", figsize=(6, 2.5), name="demo",
        panels=[Panel("curve", 3.2, "{shape} curve with k = {k}", depends=("shape", "k")),
                Panel("bars", 2.8, "bars of k = {k}, cursor at t = {t}", depends=("k",), cursor="t")])


def payload(page: str) -> dict:
    return json.loads(re.search(r'<script type="application/json" class="ix-data">(.*?)</script>', page,
                                re.S).group(1))


def test_each_panel_is_stored_once_per_setting_of_its_own_controls():
    ex = curve_figure()
    assert ex.n_frames == 2 * 4 * 16 and ex.n_renders == 2 * 4 + 4
    d = payload(ex.static_html())
    curve, bars = d["panels"]
    assert curve["deps"] == [0, 1] and curve["sizes"] == [2, 4] and len(curve["index"]) == 8
    assert bars["deps"] == [1] and len(bars["index"]) == 4 and bars["cursor"] == 2
    assert len(set(curve["images"])) == 8 and len(set(bars["images"])) == 4
    assert all(img.startswith("data:image/png;base64,") for img in curve["images"] + bars["images"])
    # the cursor moves with t, over one image per k
    xs = [pos["x"] for pos in bars["at"][0]]
    assert len(xs) == 16 and np.all(np.diff(xs) > 0)
    assert bars["alts"][2][5] == "bars of k = 3, cursor at t = 1"
    assert curve["alts"][5] == "sine curve with k = 2"  # last control fastest


def test_the_player_is_accessible_and_self_contained():
    page = curve_figure().static_html()
    for cid in re.findall(r'<(?:select|input)[^>]* id="([^"]+)"', page):
        assert f'<label for="{cid}">' in page
    assert 'role="group"' in page and 'aria-live="polite"' in page
    assert re.search(r'<button type="button" class="ix-play" data-for="demo-t"', page), "a time slider plays"
    assert page.count('class="ix-play"') == 1, "only the time slider has a play button"
    assert 'data-kind="time"' in page
    # controls start disabled and the script enables them: no dead controls without JS
    assert page.count(" disabled") == 4 and "c.disabled = false" in page
    srcs = re.findall(r'src="([^"]*)"', page)
    assert len(srcs) == 2 and all(s.startswith("data:image/png;base64,") for s in srcs)
    assert "<link" not in page and "http" not in page
    assert re.search(r"<figcaption>A demo</figcaption>", page)
    assert re.findall(r'data-text-px="([0-9.]+)"', page)


def test_check_catches_a_leaky_update_and_an_undeclared_dependency():
    assert curve_figure().check() == 12
    with pytest.raises(AssertionError, match="differs when drawn after other frames"):
        curve_figure(leaky=True).check()
    with pytest.raises(AssertionError, match="changes with shape"):
        curve_figure(undeclared=True).check()
    with pytest.raises(AssertionError, match="point text"):
        curve_figure(tiny_text=True).check()


def test_a_figure_without_controls_is_one_frame_and_no_script():
    ex = Explorable.plot(lambda fig: fig.subplots().plot([0, 1], [1, 0]), caption="A line", alt="a falling line")
    page = ex.static_html()
    assert ex.n_frames == 1 and "<script>" not in page and "ix-controls\" role=\"group\"" in page
    assert ex.check() == 1
    bundle = ex._repr_mimebundle_()
    assert set(bundle) == {"text/plain", "text/html", "image/png"}
    assert bundle["image/png"].startswith(b"\x89PNG")


def test_a_live_only_kernel_skips_the_static_player(monkeypatch):
    """In a kernel, a figure with controls offers its widget, its default frame and the static
    player; with INITREG_NO_STATIC_PLAYER=1 (Binder's ``start``) the same minus the player. A
    figure without controls keeps its HTML (it has no widget to show instead)."""
    from initreg.explorable import figure

    monkeypatch.setattr(figure, "_in_kernel", lambda: True)
    widget_view = "application/vnd.jupyter.widget-view+json"
    monkeypatch.delenv(figure.NO_STATIC_PLAYER, raising=False)
    full = curve_figure()._repr_mimebundle_()
    assert {"text/html", "image/png", widget_view} <= set(full) and "ix-frame" in full["text/html"]
    monkeypatch.setenv(figure.NO_STATIC_PLAYER, "1")
    live = curve_figure()._repr_mimebundle_()
    assert "text/html" not in live and {"image/png", widget_view} <= set(live)
    assert live["image/png"] == full["image/png"], "the default frame is the same either way"
    still = Explorable.plot(lambda fig: fig.subplots().plot([0, 1], [1, 0]), caption="A line", alt="a line")
    assert "text/html" in still._repr_mimebundle_()


def test_at_fixes_the_controls_of_the_same_drawing():
    ex = curve_figure()
    fixed = ex.at(caption="power, k = 3", shape="power", k=3, t=2.0)
    assert fixed.controls == () and fixed.n_frames == 1
    a, b = ex.canvas(), fixed.canvas()
    a.show(ex.values(shape="power", k=3, t=2.0))
    b.show({})
    assert a.pixels() == b.pixels(), "the fixed figure is the same frame"


def test_time_and_strength_sliders_have_enough_positions():
    with pytest.raises(ValueError, match=f"at least {MIN_POSITIONS} positions"):
        Slider("epoch", 0, 10, grid=11, integer=True, kind="time")
    with pytest.raises(ValueError, match="kind must be one of"):
        Slider("lam", 0, 1, kind="speed")
    assert Slider("lam", 1e-3, 1, grid=16, log=True, kind="strength").values[0] == pytest.approx(1e-3)


@pytest.mark.parametrize("kwargs, exc, match", [
    (dict(panels=[Panel("a", 2, "x", depends=("nope",))]), ValueError, "unknown controls"),
    (dict(panels=[Panel("a", 2, "x", depends=("k",), cursor="k")]), ValueError, "without the cursor"),
    (dict(panels=[Panel("a", 2, "x", cursor="shape", depends=())]), ValueError, "must name a slider"),
    (dict(panels=[Panel("a", 2, "x"), Panel("a", 2, "y")]), ValueError, "distinct"),
    (dict(panels=[Panel("a", 2, "the {colour}")]), ValueError, "may only use the fields"),
    (dict(caption=""), ValueError, "caption"),
])
def test_bad_descriptions_are_refused(kwargs, exc, match):
    base = dict(setup=lambda fig, **p: None, caption="c", panels=[Panel("a", 2, "x")])
    with pytest.raises(exc, match=match):
        Explorable(lambda s, **v: None, [Choice("shape", ["a", "b"]), Slider("k", 1, 2)], **(base | kwargs))


def test_live_widget_builds_plays_and_redraws():
    pytest.importorskip("ipywidgets")
    ex = curve_figure()
    box = ex.widget()
    row = box.children[0].children
    play = row[-1].children[0]
    assert type(play).__name__ == "Play" and play.max == 15
    image = box.children[1]
    before = image.value
    row[1].value = 3  # k
    assert bytes(image.value) != bytes(before) and bytes(image.value).startswith(b"\x89PNG")


def test_text_is_never_below_the_book_minimum():
    assert MIN_TEXT_PT * 96 / 72 >= 11, "at its own width a figure's smallest text is 11 CSS pixels"


def test_cache_raster_stands_in_for_an_axis_and_needs_a_key_otherwise():
    from matplotlib.figure import Figure

    fig = Figure()
    ax = fig.subplots()
    proxy = cache_raster(ax.xaxis)
    assert proxy in ax.get_children() and not ax.xaxis.get_visible()
    with pytest.raises(TypeError, match="key is required"):
        cache_raster(ax.title)
    assert cache_raster(ax.title, lambda: ax.title.get_text()) in ax.get_children()


@pytest.mark.parametrize("name", sorted(FIGURES))
def test_every_book_figure_draws_every_panel_image(name):
    ex = FIGURES[name]()
    assert ex.check() == ex.n_renders


def test_notation_page_colour_key_matches_plotting():
    """The colour key on the notation page names the colours the figures use."""
    from initreg.figures.at_work import REGULARIZER_COLORS
    from initreg.figures.style import INIT_COLORS, PENALTY_COLORS

    page = (Path(__file__).resolve().parents[1] / "chapters" / "notation.md").read_text()
    key = dict(re.findall(r"^\| ([^|]+?) \| [a-z ]+ \(`(#[0-9A-F]{6})`\) \|$", page, flags=re.M))
    expected = {
        "no penalty": PENALTY_COLORS["none"], "L1 penalty": PENALTY_COLORS["l1"],
        "L2 penalty": PENALTY_COLORS["l2"], "zero initialization": INIT_COLORS["zero"],
        "too small an initialization": INIT_COLORS["too small"],
        "an appropriate initialization (Xavier)": INIT_COLORS["appropriate"],
        "too large an initialization": INIT_COLORS["too large"],
        "He initialization": INIT_COLORS["he_normal"],
        "early stopping": REGULARIZER_COLORS["early_stopping"], "dropout": REGULARIZER_COLORS["dropout"],
        "AdamW": REGULARIZER_COLORS["adamw"],
    }
    assert {k: v.upper() for k, v in key.items()} == {k: v.upper() for k, v in expected.items()}


def test_book_extension_drops_widget_state_and_duplicate_scripts():
    """The Sphinx hooks (initreg._sphinx is an extension of the book's build)."""
    from types import SimpleNamespace

    from sphinx.builders.html._assets import _JavaScript

    from initreg import _sphinx

    env = SimpleNamespace(docname="chapters/x", nb_metadata={"chapters/x": {"js_files": {
        "ipywidgets_state": (None, {"type": "application/vnd.jupyter.widget-state+json", "body": "{}"}),
        "ipywidgets_0": ("https://cdn.example/embed.js", {}),
        "other": ("keep.js", {}),
    }}})
    _sphinx._drop_widget_state(SimpleNamespace(env=env), None)
    assert list(env.nb_metadata["chapters/x"]["js_files"]) == ["other"]

    thebe = "const THEBE_JS_URL = 'x'"
    scripts = [_JavaScript("a.js"), _JavaScript(None, body=thebe), _JavaScript("", body=thebe),
               _JavaScript("b.js", **{"async": "async"}), _JavaScript("a.js")]
    context = {"script_files": scripts}
    _sphinx._dedupe_scripts(None, "p", "page.html", context, None)
    assert context["script_files"] is scripts  # the builder's own list, fixed in place
    assert [(s.filename, s.attributes.get("body")) for s in scripts] == [
        ("a.js", None), (None, thebe), ("b.js", None)]


# ------------------------------------------------- text rasters for fast frames (cache_raster)
def test_raster_cache_draws_what_the_artist_draws():
    import io

    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from initreg.explorable.raster import _axis_key, RasterCache

    def make(cached):
        fig = Figure(figsize=(3, 2), dpi=72)
        FigureCanvasAgg(fig)
        ax = fig.add_axes((0.2, 0.2, 0.7, 0.7))
        ax.plot([0, 1], [0, 2])
        ax.set(xlabel="x", ylabel="y")
        ax.grid(alpha=0.3)
        proxies = [RasterCache(axis, _axis_key(axis), size=2) for axis in (ax.xaxis, ax.yaxis)] if cached else []
        for p in proxies:
            ax.add_artist(p)
        return fig, ax, proxies

    plain, ax0, _ = make(False)
    cached, ax1, proxies = make(True)
    for lim in [(0, 2), (0, 5), (0, 2), (-1, 3), (0, 2)]:  # misses, hits, and an evicted state
        for fig, ax in ((plain, ax0), (cached, ax1)):
            ax.set_ylim(*lim)
            fig.canvas.draw()
        diff = np.abs(np.asarray(plain.canvas.buffer_rgba(), int) - np.asarray(cached.canvas.buffer_rgba(), int))
        assert diff.max() <= 1, lim  # the blitted raster's alpha blending rounds differently, by one level at most
        assert 0 < len(proxies[1]._cache) <= 2
    # a tight bounding box (savefig(bbox_inches="tight"), Jupyter's inline display) counts the proxied axes
    assert cached.get_tightbbox(cached.canvas.get_renderer()).bounds == pytest.approx(
        plain.get_tightbbox(plain.canvas.get_renderer()).bounds)
    # other renderers draw the artist itself
    svg = io.BytesIO()
    cached.savefig(svg, format="svg")
    assert b"<!-- y -->" in svg.getvalue() and b"<!-- x -->" in svg.getvalue()


def plain_and_cached(cached):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from initreg.explorable.raster import RasterCache

    fig = Figure(figsize=(4, 3), dpi=72)
    FigureCanvasAgg(fig)
    ax = fig.subplots()
    ax.plot([0, 1], [0, 1])
    ax.set(xlabel="x label", ylabel="y label", xlim=(0, 1), ylim=(0, 1))
    ax.grid(alpha=0.3)
    legend = fig.legend(["a line"], loc="upper right")
    proxies = []
    if cached:
        for axis in (ax.xaxis, ax.yaxis):
            proxies.append(RasterCache(axis, lambda: tuple(ax.viewLim.bounds)))
            ax.add_artist(proxies[-1])
        proxies.append(RasterCache(legend, lambda: legend.get_texts()[0].get_text()))
        fig.add_artist(proxies[-1])
    return fig, ax, legend, proxies


def test_raster_cache_draws_as_the_artists_do():
    """Blitted axes and legend look as drawn (up to one level of rounding), follow the key,
    and count in a tight bounding box; other formats get the artists drawn directly."""
    import io

    from PIL import Image

    (f1, a1, l1, _), (f2, a2, l2, proxies) = plain_and_cached(False), plain_and_cached(True)

    def pixels(fig):
        fig.canvas.draw()
        return np.asarray(fig.canvas.buffer_rgba()).astype(int)

    for step in range(3):
        if step == 1:
            for ax in (a1, a2):
                ax.set_xlim(0, 2)
        if step == 2:
            for leg in (l1, l2):
                leg.get_texts()[0].set_text("another line")
        p1, p2 = pixels(f1), pixels(f2)
        assert np.abs(p1 - p2).max() <= 1
        assert np.any(p2[..., :3] < 128)
    pixels(f2)
    assert [len(p._cache) for p in proxies] == [2, 2, 2]  # one raster for each key seen
    for kw in (dict(format="png", bbox_inches="tight"), dict(format="svg")):
        out = []
        for fig in (f1, f2):
            buf = io.BytesIO()
            fig.savefig(buf, **kw)
            out.append(buf.getvalue())
        if kw["format"] == "png":
            assert Image.open(io.BytesIO(out[0])).size == Image.open(io.BytesIO(out[1])).size
        else:
            assert len(out[0]) == len(out[1])


# ------------------------------------------------ argument checks found by benchmarks/audit_inputs.py
@pytest.mark.parametrize("kw,exc,match", [
    (dict(ax="x"), TypeError, "ax must be a matplotlib Axes"),
    (dict(ax=None), TypeError, "ax must be a matplotlib Axes"),
    (dict(control=None), TypeError, "control must be the name of a control"),
    (dict(control=3), TypeError, "control must be the name of a control"),
    (dict(control=""), ValueError, "control must be the name of a control"),
    (dict(control="a b"), ValueError, "control must be the name of a control"),
    (dict(at=0.5), TypeError, "at must be a function"),
])
def test_add_cursor_names_a_bad_argument(kw, exc, match):
    from matplotlib.figure import Figure

    args = dict(ax=Figure().add_subplot(), control="t") | kw
    with pytest.raises(exc, match=match):
        add_cursor(args.pop("ax"), args.pop("control"), **args)


@pytest.mark.parametrize("kw,exc,match", [
    (dict(artist="x"), TypeError, "artist must be a matplotlib Artist"),
    (dict(artist=None), TypeError, "artist must be a matplotlib Artist"),
    (dict(key=3), TypeError, "key must be a function"),
    (dict(size=0), ValueError, "size must be a positive integer"),
    (dict(size=-1), ValueError, "size must be a positive integer"),
    (dict(size=2.5), ValueError, "size must be a positive integer"),
    (dict(size=None), ValueError, "size must be a positive integer"),
    (dict(size=True), ValueError, "size must be a positive integer"),
])
def test_cache_raster_names_a_bad_argument(kw, exc, match):
    from matplotlib.figure import Figure

    ax = Figure().add_subplot()
    args = dict(artist=ax.xaxis, key=None, size=4) | kw
    with pytest.raises(exc, match=match):
        cache_raster(args.pop("artist"), args.pop("key"), **args)
    assert not [c for c in ax.get_children() if type(c).__name__ == "RasterCache"]  # nothing added
