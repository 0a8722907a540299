"""Interactive figures: every registered figure draws every frame of its grid headless,
and the static player carries working controls, frames and alt text."""

import json
import re
from pathlib import Path

import numpy as np
import pytest

import initreg
from initreg.explorable import FIGURES, Choice, Explorable, Slider


def demo() -> Explorable:
    def draw(fig, shape, k):
        ax = fig.subplots()
        x = np.linspace(0, 1, 50)
        ax.plot(x, x**k if shape == "power" else np.sin(k * x))
    return Explorable(draw, [Choice("shape", ["power", "sine"]), Slider("k", 1, 4, grid=4, integer=True)],
                      caption="A demo", alt="{shape} curve with k = {k}", figsize=(3, 2))


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
    assert ex.check() == ex.n_frames
    assert len(ex.static_html()) < 4_000_000, "a figure's frames must leave room in the 5 MB page budget"


def test_notation_page_colour_key_matches_plotting():
    """The colour key on the notation page names the colours the figures use."""
    from initreg.plotting import INIT_COLORS, PENALTY_COLORS

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
    """The Sphinx hooks (initreg.explorable is an extension of the book's build)."""
    from types import SimpleNamespace

    from sphinx.builders.html._assets import _JavaScript

    from initreg import explorable

    env = SimpleNamespace(docname="chapters/x", nb_metadata={"chapters/x": {"js_files": {
        "ipywidgets_state": (None, {"type": "application/vnd.jupyter.widget-state+json", "body": "{}"}),
        "ipywidgets_0": ("https://cdn.example/embed.js", {}),
        "other": ("keep.js", {}),
    }}})
    explorable._drop_widget_state(SimpleNamespace(env=env), None)
    assert list(env.nb_metadata["chapters/x"]["js_files"]) == ["other"]

    thebe = "const THEBE_JS_URL = 'x'"
    scripts = [_JavaScript("a.js"), _JavaScript(None, body=thebe), _JavaScript("", body=thebe),
               _JavaScript("b.js", **{"async": "async"}), _JavaScript("a.js")]
    context = {"script_files": scripts}
    explorable._dedupe_scripts(None, "p", "page.html", context, None)
    assert context["script_files"] is scripts  # the builder's own list, fixed in place
    assert [(s.filename, s.attributes.get("body")) for s in scripts] == [
        ("a.js", None), (None, thebe), ("b.js", None)]
