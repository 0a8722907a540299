"""Interactive figures: every registered figure draws every frame of its grid headless,
and the static player carries working controls, frames and alt text."""

import json
import re
from pathlib import Path

import numpy as np
import pytest

import initreg
from initreg.explorable import FIGURES
from initreg._explorable_v1 import Choice, Explorable, Slider


def demo() -> Explorable:
    def draw(fig, shape, k):
        ax = fig.subplots()
        x = np.linspace(0, 1, 50)
        ax.plot(x, x**k if shape == "power" else np.sin(k * x))
    return Explorable(draw, [Choice("shape", ["power", "sine"]), Slider("k", 1, 4, grid=4, integer=True)],
                      caption="A demo", alt="{shape} curve with k = {k}", figsize=(3, 2))


def retained_demo(leaky: bool = False) -> Explorable:
    """The demo as setup + update; ``leaky`` forgets to reset the y limits (a stale-state bug)."""
    def setup(fig):
        ax = fig.subplots()
        (line,) = ax.plot([], [])
        ax.set_xlim(0, 1)
        return ax, line

    def update(state, shape, k):
        ax, line = state
        x = np.linspace(0, 1, 50)
        y = x**k if shape == "power" else np.sin(k * x)
        line.set_data(x, y)
        lo, hi = float(y.min()), float(y.max())
        if leaky:
            lo, hi = min(lo, ax.get_ylim()[0]), max(hi, ax.get_ylim()[1])
        ax.set_ylim(lo - 0.05, hi + 0.05)
        ax.set_title(f"{shape}, k = {k}")

    return Explorable(update, [Choice("shape", ["power", "sine"]), Slider("k", 1, 4, grid=4, integer=True)],
                      setup=setup, caption="A retained demo", alt="{shape} curve with k = {k}", figsize=(3, 2))


def payload(page: str) -> dict:
    """The JSON the player's script carries."""
    return json.loads(re.search(r"var d=(\{.*?\});", page).group(1))


def test_static_player_has_every_frame_and_control():
    ex = demo()
    page = ex.static_html()
    assert ex.n_frames == 8
    assert page.count("<option") == 2 and 'type="range"' in page
    assert re.search(r'max="3"', page)
    d = payload(page)
    assert d["sizes"] == [2, 4]
    assert len(d["images"]) == 8 and len(set(d["images"])) == 8  # eight distinct frames
    assert all(img.startswith("data:image/png;base64,") for img in d["images"])
    assert d["alts"][5] == "sine curve with k = 2"  # last control fastest
    assert d["labels"] == [None, ["1", "2", "3", "4"]]
    assert 'alt="power curve with k = 1"' in page
    assert re.search(r"<figcaption[^>]*>A demo</figcaption>", page)


def test_static_player_is_accessible_and_self_contained():
    page = demo().static_html()
    # every control has a label, and the slider announces the value it shows
    for cid in re.findall(r'<(?:select|input)[^>]* id="([^"]+)"', page):
        assert f'<label for="{cid}">' in page
    assert 'aria-valuetext="1"' in page and re.search(r"<output[^>]*>1</output>", page)
    assert 'role="group"' in page
    # controls start disabled and the script enables them: no dead controls without JS
    assert page.count(" disabled") == 2 and "c.disabled=false" in page
    # no external resource: every src is a data URL, no link or stylesheet
    assert re.findall(r'src="([^"]*)"', page) == [re.search(r'src="(data:image/png;base64,[^"]+)"', page).group(1)]
    assert "<link" not in page and "http" not in page


def test_the_frame_index_matches_the_combinations():
    ex = demo()
    d = payload(ex.static_html())
    images, index, alts = ex.frames()
    assert d["index"] == index and d["alts"] == alts
    for k, vals in enumerate(ex.combinations()):
        assert alts[k] == ex.alt_text(**vals)


def test_identical_frames_are_stored_once():
    def draw(fig, shape, k):
        fig.subplots().plot([0, 1], [0, 1 if shape == "a" else 2])  # k changes nothing

    ex = Explorable(draw, [Choice("shape", ["a", "b"]), Slider("k", 0, 1, grid=3)], caption="c",
                    alt="{shape} {k}", figsize=(2, 1.5))
    d = payload(ex.static_html())
    assert len(d["images"]) == 2 and d["index"] == [0, 0, 0, 1, 1, 1]


def test_frames_differ_with_the_controls():
    ex = demo()
    assert ex.png(shape="power", k=1) != ex.png(shape="power", k=3)
    assert ex.png(shape="power", k=2) == ex.png(shape="power", k=2)


def test_retained_figure_draws_the_same_frames_in_any_order():
    ex = retained_demo()
    assert ex.retained and ex.check() == 8
    later = ex.canvas()
    for vals in ex.combinations():  # visit every frame, then come back to the first
        later.show(**vals)
    later.show(shape="power", k=1)
    fresh = ex.canvas()
    fresh.show(shape="power", k=1)
    assert np.array_equal(later.pixels(), fresh.pixels())
    assert ex.png(shape="sine", k=2) == ex.png(shape="sine", k=2) != ex.png(shape="sine", k=3)
    assert len(payload(ex.static_html())["images"]) == 8


def test_check_catches_an_update_that_leaves_state_behind():
    with pytest.raises(AssertionError, match="differs when drawn after other frames"):
        retained_demo(leaky=True).check()


def test_time_update_reuses_one_figure():
    ex = retained_demo()
    compute, total = ex.time_update(shape="sine", k=3)
    live = ex._live
    ex.time_update(shape="power", k=2)
    assert ex._live is live, "the live path keeps one figure"
    assert 0 <= compute <= total


def test_mime_bundle_outside_a_kernel_is_static():
    bundle = demo()._repr_mimebundle_()
    assert set(bundle) == {"text/plain", "text/html"}
    assert bundle["text/plain"] == "Explorable 'demo': shape (2 options), k (4 values); 8 frames".replace("demo", demo().name)


def test_live_widget_builds_and_redraws():
    w = demo().widget()
    controls = w.children[0].children
    image = w.children[1]
    first = image.value
    controls[1].value = 3
    assert image.value != first


@pytest.mark.parametrize("kwargs,exc,match", [
    (dict(controls=[]), ValueError, "controls must not be empty"),
    (dict(alt="{nope}"), ValueError, "alt may only use"),
    (dict(caption=""), ValueError, "caption"),
    (dict(max_frames=4), ValueError, "max_frames"),
])
def test_bad_descriptions(kwargs, exc, match):
    args = dict(controls=[Choice("shape", ["a", "b"]), Slider("k", 1, 4, grid=4)], caption="c", alt="{shape}")
    args.update(kwargs)
    with pytest.raises(exc, match=match):
        Explorable(lambda fig, **kw: None, **args)
    with pytest.raises(TypeError, match="setup must be a function"):
        Explorable(lambda fig, **kw: None, setup="not callable", controls=[Choice("shape", ["a"])],
                   caption="c", alt="a")


def test_bad_controls():
    with pytest.raises(ValueError, match="default"):
        Choice("c", ["a", "b"], default="z")
    with pytest.raises(ValueError, match="strictly increasing"):
        Slider("s", 0, 1, grid=[0.5, 0.2])
    with pytest.raises(ValueError, match="min > 0"):
        Slider("s", 0, 1, log=True)


@pytest.mark.parametrize("name", sorted(FIGURES))
def test_every_book_figure_draws_its_whole_grid(name):
    ex = FIGURES[name]()
    assert ex.retained, "book figures are setup + update, so a live update is one render"
    assert ex.check() == ex.n_frames
    assert len(ex.static_html()) < 4_000_000, "a figure's frames must leave room in the 5 MB page budget"


def test_notation_page_colour_key_matches_plotting():
    """The colour key on the notation page names the colours the figures use."""
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


# ------------------------------------------------- text rasters for fast frames
def test_raster_cache_draws_what_the_artist_draws():
    import io

    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from initreg._explorable_v1 import _axis_key, _RasterCache

    def make(cached):
        fig = Figure(figsize=(3, 2), dpi=72)
        FigureCanvasAgg(fig)
        ax = fig.add_axes((0.2, 0.2, 0.7, 0.7))
        ax.plot([0, 1], [0, 2])
        ax.set(xlabel="x", ylabel="y")
        ax.grid(alpha=0.3)
        proxies = [_RasterCache(axis, _axis_key(axis), size=2) for axis in (ax.xaxis, ax.yaxis)] if cached else []
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

    from initreg._explorable_v1 import _RasterCache

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
            proxies.append(_RasterCache(axis, lambda: tuple(ax.viewLim.bounds)))
            ax.add_artist(proxies[-1])
        proxies.append(_RasterCache(legend, lambda: legend.get_texts()[0].get_text()))
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
