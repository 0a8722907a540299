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
    he = initreg.he_study(digits, depth=12, width=48, n_nets=3, n_train=2, epochs=2, lr=0.002, batch_size=32,
                          n_stats=100)
    ls = np.arange(1, 13)
    # same seeds, ReLU positively homogeneous: He = Xavier scaled by √2 per layer
    assert np.allclose(he.log2_ratios["he_normal"] - he.log2_ratios["xavier"], ls)
    fx, tx = he.layer_factor("xavier")
    fh, th = he.layer_factor("he_normal")
    assert abs(fx + 1) <= tx and abs(fh) <= th
    assert len(he.histories["xavier"]) == 2 and he.test_accuracy("xavier").shape == (2, 3)
    assert he.test_accuracy("xavier").max() < 0.2
    assert he.depth == 12 and "12" in repr(he) and "2 trained" in repr(he)
    # each trained run is the network of its seed, trained with its own minibatch order
    for i, h in enumerate(he.histories["he_normal"]):
        net = initreg.Network(he.sizes, "relu", init="he_normal", rng=np.random.default_rng(1 + i))
        direct = initreg.train(net, digits.X_train, digits.y_train, epochs=2, lr=0.002, batch_size=32,
                               rng=np.random.default_rng(1000 + i), X_test=digits.X_test, y_test=digits.y_test)
        np.testing.assert_array_equal(he.loss("he_normal")[i], direct.loss)
        np.testing.assert_array_equal(he.test_accuracy("he_normal")[i], direct.test_accuracy)
    assert not np.array_equal(he.test_accuracy("he_normal")[0], he.test_accuracy("he_normal")[1])
    # the largest drop, against a direct loop
    acc = he.test_accuracy("he_normal")
    for i in range(2):
        drops = [acc[i, e] - acc[i, e + 1] for e in range(acc.shape[1] - 1)]
        assert he.largest_drop("he_normal")[i] == pytest.approx(max(0.0, max(drops)))
    assert len(initreg.plot_he_study(he).axes) == 2
    untrained = initreg.he_study(digits, depth=3, width=8, n_nets=2, n_train=0, epochs=1, n_stats=20)
    assert untrained.histories == {"xavier": [], "he_normal": []}


def test_he_largest_drop_is_zero_for_a_rising_curve():
    from initreg.training import History

    h = [History(test_accuracy=[0.1, 0.3, 0.3, 0.5]), History(test_accuracy=[0.2, 0.6, 0.4, 0.5])]
    he = initreg.HeStudy((4, 3, 3, 2), {"s": np.zeros((1, 2))}, {"s": h})
    np.testing.assert_allclose(he.largest_drop("s"), [0.0, 0.2])


def test_ai_notes_repeats_are_the_single_seed_studies():
    kw = dict(hidden=(12, 12), epochs=2, lr=0.05, batch_size=64, snapshots=(0, 1, 2), n_stats=40)
    rep = initreg.ai_notes_repeats(seeds=(0, 10), **kw)
    assert rep.seeds == [0, 10] and rep.epochs == [0, 1, 2]
    for s in (0, 10):
        assert rep.runs[s] is initreg.ai_notes_study(seed=s, **kw)  # cached: the same runs
    label = "Xavier N(0, 1/n)"
    np.testing.assert_array_equal(rep.test_accuracy(label, 2),
                                  [rep.runs[s][label].accuracy_at(2, test=True) for s in (0, 10)])
    np.testing.assert_array_equal(rep.saturation(label, 0)[1], rep.runs[10][label].at(0).saturation)
    np.testing.assert_array_equal(rep.activation_std(label, 1)[0], rep.runs[0][label].at(1).activation_std)
    np.testing.assert_array_equal(rep.curves(label)[1], rep.runs[10][label].history.test_accuracy)
    # two seeds, two draws
    assert not np.array_equal(rep.curves(label)[0], rep.curves(label)[1])
    table = repr(rep.table())
    acc = rep.test_accuracy(label, 2)
    assert f"{acc.mean():.1%} ({acc.min():.1%}–{acc.max():.1%})" in table and "epoch 0" not in table
    assert table.count("\n") == 1 + len(initreg.AI_NOTES_INITS)
    with pytest.raises(ValueError, match="label must be one of"):
        rep.test_accuracy("xavier", 1)


def test_playground_sweep_matches_the_playground():
    scales = [0.5, 1.0, 2.0, 4.0]
    sw = initreg.playground_sweep("tanh", "xavier", scales, depth=6, width=32)
    for i, s in enumerate(scales):
        st = initreg.deep_playground_stats("tanh", "xavier", s, 6, width=32)
        a, g = st.activation_std, st.gradient_std
        assert sw.activation_ratio[i] == pytest.approx(a[-1] / a[0])
        assert sw.activation_spread[i] == pytest.approx(a.max() / a.min())
        assert sw.gradient_ratio[i] == pytest.approx(g[0] / g[-1])
        assert sw.gradient_spread[i] == pytest.approx(g.max() / g.min())
        assert sw.saturation[i] == pytest.approx(st.saturation.mean())
    np.testing.assert_array_equal(sw.scales, scales)


def test_level_scale_interpolates_in_log_log():
    from initreg.deep import PlaygroundSweep

    scales = np.array([1.0, 2.0, 4.0])
    ones = np.ones(3)
    # ratio = scale² / 8: reaches 1 at √8, between 2 and 4; log-log interpolation is exact for a power law
    sw = PlaygroundSweep("tanh", "xavier", 5, scales, scales**2 / 8, ones, np.array([0.5, 1.0, 3.0]), ones, ones)
    assert sw.level_scale("activations") == pytest.approx(np.sqrt(8))
    assert sw.level_scale("gradients") == pytest.approx(2.0)  # first reaches 1 exactly at 2
    flat = PlaygroundSweep("tanh", "xavier", 5, scales, ones * 0.5, ones, ones * 2.0, ones, ones)
    assert np.isnan(flat.level_scale("activations"))  # never reaches 1
    assert np.isnan(flat.level_scale("gradients"))  # already above 1 at the first scale
    with pytest.raises(ValueError, match="kind must be one of"):
        sw.level_scale("weights")


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
    (lambda: initreg.he_study(initreg.load_digits(), n_nets=2, n_train=3), ValueError, "n_train must be at most"),
    (lambda: initreg.he_study(initreg.load_digits(), n_train=-1), ValueError, "n_train"),
    (lambda: initreg.ai_notes_repeats(seeds=()), ValueError, "seeds must be a non-empty"),
    (lambda: initreg.ai_notes_repeats(seeds=(0, 0)), ValueError, "seeds must be distinct"),
    (lambda: initreg.ai_notes_repeats(seeds=(0, -1)), ValueError, "seeds must be a non-negative"),
    (lambda: initreg.playground_sweep("tanh", "xavier", [1.0]), ValueError, "at least two positive, increasing"),
    (lambda: initreg.playground_sweep("tanh", "xavier", [2.0, 1.0]), ValueError, "increasing"),
    (lambda: initreg.playground_sweep("tanh", "xavier", [0.0, 1.0]), ValueError, "positive"),
    (lambda: initreg.playground_sweep("tanh", "normal", [1.0, 2.0]), ValueError, "needs its own scale"),
    (lambda: initreg.playground_sweep("elu", "xavier", [1.0, 2.0]), ValueError, "activation must be one of"),
    (lambda: initreg.playground_sweep("tanh", "xavier", [1.0, 2.0], depth=1), ValueError, "depth must be at least 2"),
])
def test_bad_inputs(call, exc, match):
    with pytest.raises(exc, match=match):
        call()
