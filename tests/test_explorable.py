"""Interactive figures: every registered figure draws every frame of its grid headless,
and the static player carries working controls, frames and alt text."""

import re

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


def test_static_player_has_every_frame_and_control():
    ex = demo()
    page = ex.static_html()
    assert ex.n_frames == 8
    assert page.count("<option") == 2 and 'type="range"' in page
    assert re.search(r'max="3"', page)
    assert '"sizes":[2,4]' in page
    images = re.findall(r'"images":\[(.*?)\]', page)[0]
    assert images.count('"') // 2 == 8  # eight distinct frames
    assert 'alt="power curve with k = 1"' in page
    assert "<figcaption>A demo</figcaption>" in page


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
