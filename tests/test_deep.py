"""The paper reproductions of chapter 3, at reduced sizes, and their bad inputs."""

import io

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

import initreg


@pytest.fixture(scope="module")
def digits():
    return initreg.load_digits(seed=0)


def test_glorot_bengio_standard_shrinks_and_normalized_stays_level(digits):
    study = initreg.glorot_bengio_study(digits, width=1000, depth=5, n_examples=100)
    std_a = study.stats["standard"].activation_std
    std_g = study.stats["standard"].gradient_std
    assert np.all(np.diff(std_a) < 0) and np.all(np.diff(std_g) > 0)
    assert study.ratio("glorot_uniform") < 1.5 and study.ratio("glorot_uniform", "gradients") < 1.5
    # the standard init's variance 1/(3n): each later layer multiplies the std by about 1/√3
    assert np.allclose(std_a[2:] / std_a[1:-1], 1 / np.sqrt(3), atol=0.06)
    assert study.sizes == (64, 1000, 1000, 1000, 1000, 1000, 10)
    assert "std a[l], standard" in repr(study.table())
    fig = initreg.plot_glorot_bengio(study)
    assert len(fig.axes) == 4


def test_ai_notes_study_small():
    runs = initreg.ai_notes_study(hidden=(16, 16), epochs=2, lr=0.05, batch_size=64, snapshots=(0, 2), n_stats=50)
    assert list(runs) == list(initreg.AI_NOTES_INITS)
    zero = runs["zero"]
    assert all(np.all(a == 0) for st in zero.stats for a in st.activations)
    big = runs["standard normal N(0, 1)"]
    assert big.at(0).saturation.min() > 0.3
    assert runs["Xavier N(0, 1/n)"].accuracy_at(2, test=True) > zero.accuracy_at(2, test=True)
    # cached: the same call returns the same object
    assert initreg.ai_notes_study(hidden=(16, 16), epochs=2, lr=0.05, batch_size=64, snapshots=(0, 2),
                                  n_stats=50) is runs
    fig = initreg.plot_ai_notes(runs, 2)
    assert len(fig.axes) == 4 * 2
    with pytest.raises(ValueError, match="snapshots"):
        initreg.plot_ai_notes(runs, 1)


def test_he_study_small(digits):
    he = initreg.he_study(digits, depth=12, width=48, n_nets=3, epochs=1, lr=0.002, batch_size=32, n_stats=100)
    ls = np.arange(1, 13)
    # same seeds, ReLU positively homogeneous: He = Xavier scaled by √2 per layer
    assert np.allclose(he.log2_ratios["he_normal"] - he.log2_ratios["xavier"], ls)
    fx, tx = he.layer_factor("xavier")
    fh, th = he.layer_factor("he_normal")
    assert abs(fx + 1) <= tx and abs(fh) <= th
    assert max(he.histories["xavier"].test_accuracy) < 0.2
    assert he.depth == 12 and "12" in repr(he)
    assert len(initreg.plot_he_study(he).axes) == 2


def test_playground_stats_and_figure():
    st = initreg.deep_playground_stats("relu", "he_normal", 1.0, 5)
    assert len(st.activations) == 5 and st.activations[0].shape == (200, 128)
    assert st is initreg.deep_playground_stats("relu", "he_normal", 1.0, 5)  # cached
    ex = initreg.deep_init_playground()
    assert ex.n_frames <= 120
    compute, total = ex.time_update(activation="tanh", scheme="xavier", scale=1.3, depth=7)
    assert compute >= 0 and total >= compute
    narrow = initreg.deep_init_playground(width=32)
    fig = narrow.figure(activation="linear", scheme="he_normal", scale=4.0, depth=30)
    assert len(fig.axes) == 3


def _png(fig, dpi):
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    return np.asarray(Image.open(buf))


def test_playground_live_frames_are_plain_drawings():
    """The kept figure blits its unchanging part and stamps its legends: any sequence of
    frames, off the grid included, gives the pixels of a plain drawing, at any dpi."""
    ex = initreg.deep_init_playground(width=32)
    assert ex.retained
    cv = ex.canvas()
    for vals in (dict(activation="relu", scheme="he_normal", scale=2.0, depth=20),
                 dict(activation="tanh", scheme="standard", scale=1.7, depth=3),  # fewer layers, fewer keys
                 dict(activation="linear", scheme="xavier", scale=0.4, depth=1),
                 dict(activation="sigmoid", scheme="xavier", scale=1.0, depth=30)):
        cv.show(**vals)
        plain = Figure(figsize=ex.figsize, dpi=ex.dpi)  # no Agg canvas: nothing is baked
        ex.draw_into(plain, **vals)
        fresh = ex.canvas()
        fresh.show(**vals)
        assert np.array_equal(cv.pixels(), fresh.pixels())
        for dpi in (ex.dpi, 100):  # at another dpi the baked artists are drawn as usual
            assert np.array_equal(_png(cv.fig, dpi), _png(plain, dpi))
        cv.show(**vals)  # back at its own size, blitting again
        assert np.array_equal(cv.pixels(), fresh.pixels())


@pytest.mark.parametrize("frameon", [False, True])
@pytest.mark.parametrize("loc", ["best", "lower right", "center"])
def test_stamped_legend_looks_like_a_legend(loc, frameon):
    from initreg.deep import _StampedLegend

    images = []
    for stamped in (False, True):
        fig = Figure(figsize=(3, 2), dpi=72)
        FigureCanvasAgg(fig)
        ax = fig.subplots()
        x = np.linspace(0, 1, 30)
        lines = [ax.plot(x, x**k, label=f"x^{k}")[0] for k in (1, 2, 3)]
        if stamped:
            keys = _StampedLegend(ax, loc=loc, fontsize=7, frameon=frameon)
            ax.add_artist(keys)
            keys.set_entries("powers", lines, [line.get_label() for line in lines])
        else:
            ax.legend(loc=loc, fontsize=7, frameon=frameon)
        fig.canvas.draw()
        images.append(np.asarray(fig.canvas.buffer_rgba()).astype(int))
    # the same place; the same pixels up to rounding where the frame's alpha is composited
    assert np.abs(images[0] - images[1]).max() <= 1


@pytest.mark.parametrize("call,exc,match", [
    (lambda: initreg.glorot_bengio_study("digits"), TypeError, "data must be an initreg.DataSplit"),
    (lambda: initreg.glorot_bengio_study(initreg.load_digits(), width=0), ValueError, "width"),
    (lambda: initreg.glorot_bengio_study(initreg.load_digits(), activation="elu"), ValueError, "activation"),
    (lambda: initreg.glorot_bengio_study(initreg.load_digits(), schemes="standard"), ValueError, "schemes"),
    (lambda: initreg.ai_notes_study(hidden=()), ValueError, "hidden"),
    (lambda: initreg.ai_notes_study(epochs=2, snapshots=(0, 5)), ValueError, "snapshots must lie"),
    (lambda: initreg.ai_notes_study(lr=-1.0), ValueError, "lr"),
    (lambda: initreg.he_study(initreg.load_digits(), depth=0), ValueError, "depth"),
    (lambda: initreg.he_study(initreg.load_digits(), seed=-1), ValueError, "seed"),
    (lambda: initreg.glorot_bengio_study(initreg.load_digits(), seed=1.5), ValueError, "seed"),
    (lambda: initreg.deep_playground_stats("elu", "xavier"), ValueError, "activation must be one of"),
    (lambda: initreg.deep_playground_stats("tanh", "xavir"), ValueError, "scheme must be one of"),
    (lambda: initreg.deep_playground_stats("tanh", "normal"), ValueError, "needs its own scale"),
    (lambda: initreg.deep_playground_stats("tanh", "xavier", scale=0), ValueError, "scale"),
    (lambda: initreg.deep_init_playground(width=0), ValueError, "width"),
])
def test_bad_inputs(call, exc, match):
    with pytest.raises(exc, match=match):
        call()
