"""The paper reproductions of chapter 3, at reduced sizes, their figures, and their bad inputs."""

import math

import numpy as np
import pytest

import initreg
from initreg.explorable import MIN_POSITIONS
from initreg.figures import deep_networks as figs


@pytest.fixture(scope="module")
def small_study(digits):
    return initreg.glorot_bengio_study(digits, width=200, depth=4, n_examples=60)


def test_glorot_bengio_standard_shrinks_and_normalized_stays_level(digits):
    study = initreg.glorot_bengio_study(digits, width=1000, depth=5, n_examples=100)
    std_a = study.stats["standard"].activation_std
    std_g = study.stats["standard"].gradient_std
    assert np.all(np.diff(std_a) < 0) and np.all(np.diff(std_g) > 0)
    assert study.ratio("glorot_uniform") < 1.5 and study.ratio("glorot_uniform", "gradients") < 1.5
    # the standard init's variance 1/(3n): each later layer multiplies the std by about 1/√3
    assert np.allclose(std_a[2:] / std_a[1:-1], 1 / np.sqrt(3), atol=0.06)
    assert study.sizes == (64, 1000, 1000, 1000, 1000, 1000, 10)
    table = repr(study.table())
    assert "std a[l], standard" in table and table.count("\n") == 1 + 5
    assert f"{std_a[0]:.4f}" in table and f"{std_g[-1]:.3e}" in table


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


def test_a_longer_ai_notes_run_starts_as_the_shorter_one():
    """Snapshots do not change the training: trained longer, a run's first epochs are the
    shorter run's, bit for bit (the chapter's figure trains 15 epochs, its table 10)."""
    kw = dict(hidden=(12, 12), lr=0.05, batch_size=64, n_stats=30, seed=3)
    short = initreg.ai_notes_study(epochs=2, snapshots=(0, 2), **kw)
    long = initreg.ai_notes_study(epochs=4, snapshots=range(5), **kw)
    for label in initreg.AI_NOTES_INITS:
        assert long[label].history.test_accuracy[:3] == short[label].history.test_accuracy
        for e in (0, 2):
            for a, b in zip(long[label].at(e).activations, short[label].at(e).activations):
                np.testing.assert_array_equal(a, b)


def test_a_shorter_run_cut_from_a_longer_one_is_the_run_trained_anew():
    from initreg.deep import _ai_notes_train

    kw = dict(hidden=(10, 10), lr=0.05, batch_size=64, n_stats=30, seed=5)
    long = initreg.ai_notes_study(epochs=4, snapshots=range(5), **kw)
    cut = initreg.ai_notes_study(epochs=2, snapshots=(0, 2), **kw)
    fresh = _ai_notes_train((10, 10), 2, 0.05, 64, (0, 2), 30, 5)
    for label in initreg.AI_NOTES_INITS:
        assert cut[label].history == fresh[label].history  # every record, the steps, the status
        assert cut[label].epochs == [0, 2] and cut[label].at(2) is long[label].at(2)
        for e in (0, 2):
            for a, b in zip(cut[label].at(e).activations + cut[label].at(e).gradients,
                            fresh[label].at(e).activations + fresh[label].at(e).gradients):
                np.testing.assert_array_equal(a, b)
    assert initreg.ai_notes_study(epochs=2, snapshots=(0, 2), **kw) is cut  # and it is kept
    # a snapshot the longer run did not keep: trained anew
    other = initreg.ai_notes_study(epochs=2, snapshots=(0, 1, 2), **{**kw, "n_stats": 31})
    assert other["zero"].epochs == [0, 1, 2]


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


# ------------------------------------------------------------------ the playground
def test_playground_stats_are_the_network_written_out(digits):
    """W[l] ~ N(0, k/n[l-1]) with seed 7, on the 200 digits of seed 0: built directly."""
    rows = np.random.default_rng(0).choice(len(digits.y_train), 200, replace=False)
    X, y = digits.X_train[rows], digits.y_train[rows]
    for activation, k in (("tanh", 2.0), ("relu", 0.5)):
        st = initreg.deep_playground_stats(activation, k, depth=3, width=16)
        net = initreg.Network([64, 16, 16, 16, 10], activation, init=initreg.initializer("xavier", gain=math.sqrt(k)),
                              rng=np.random.default_rng(7))
        direct = initreg.layer_stats(net, X, y)
        for a, b in zip(st.activations + st.gradients, direct.activations + direct.gradients):
            np.testing.assert_array_equal(a, b)
        # √k times Xavier's N(0, 1/n[l-1]) draw, layer by layer: the variance k/n[l-1]
        xavier = initreg.Network([64, 16, 16, 16, 10], activation, init="xavier", rng=np.random.default_rng(7))
        for w, x in zip(net.weights, xavier.weights):
            np.testing.assert_allclose(w, math.sqrt(k) * x, rtol=1e-14)
    # k = 2 is He's rule: the same draws as he_normal, to rounding
    he = initreg.layer_stats(initreg.Network([64, 16, 16, 16, 10], "relu", init="he_normal",
                                             rng=np.random.default_rng(7)), X, y)
    st = initreg.deep_playground_stats("relu", 2.0, depth=3, width=16)
    np.testing.assert_allclose(st.activation_std, he.activation_std, rtol=1e-12)
    assert st is initreg.deep_playground_stats("relu", 2.0, depth=3, width=16)  # cached
    assert len(initreg.deep_playground_stats("relu").activations) == initreg.PLAYGROUND_DEPTH == 20


def test_playground_grid():
    ks = np.array(initreg.PLAYGROUND_KS)
    assert len(ks) >= MIN_POSITIONS
    np.testing.assert_allclose(ks[1:] / ks[:-1], math.sqrt(2))
    assert {1.0, 2.0, 4.0, 64.0} <= set(initreg.PLAYGROUND_KS)


def test_playground_sweep_matches_the_playground():
    ks = [0.5, 1.0, 2.0, 4.0]
    sw = initreg.playground_sweep("tanh", ks, depth=6, width=32)
    for i, k in enumerate(ks):
        st = initreg.deep_playground_stats("tanh", k, 6, width=32)
        a, g = st.activation_std, st.gradient_std
        assert sw.activation_ratio[i] == pytest.approx(a[-1] / a[0])
        assert sw.activation_spread[i] == pytest.approx(a.max() / a.min())
        assert sw.gradient_ratio[i] == pytest.approx(g[0] / g[-1])
        assert sw.gradient_spread[i] == pytest.approx(g.max() / g.min())
        assert sw.saturation[i] == pytest.approx(st.saturation.mean())
    np.testing.assert_array_equal(sw.ks, ks)
    assert sw.activation == "tanh" and sw.depth == 6


def test_level_k_interpolates_in_log_log():
    from initreg.deep import PlaygroundSweep

    ks = np.array([1.0, 2.0, 4.0])
    ones = np.ones(3)
    # ratio = k² / 8: reaches 1 at √8, between 2 and 4; log-log interpolation is exact for a power law
    sw = PlaygroundSweep("tanh", 5, ks, ks**2 / 8, ones, np.array([0.5, 1.0, 3.0]), ones, ones)
    assert sw.level_k("activations") == pytest.approx(np.sqrt(8))
    assert sw.level_k("gradients") == pytest.approx(2.0)  # first reaches 1 exactly at 2
    flat = PlaygroundSweep("tanh", 5, ks, ones * 0.5, ones, ones * 2.0, ones, ones)
    assert np.isnan(flat.level_k("activations"))  # never reaches 1
    assert np.isnan(flat.level_k("gradients"))  # already above 1 at the first k
    with pytest.raises(ValueError, match="kind must be one of"):
        sw.level_k("weights")


# ------------------------------------------------------------------- the figures
def test_plot_layer_histograms_draws_each_layers_histogram():
    from matplotlib.figure import Figure

    rng = np.random.default_rng(8)
    net = initreg.Network([10, 12, 12, 2], "relu", init="he_normal", rng=rng)
    st = initreg.layer_stats(net, rng.normal(size=(30, 10)), rng.integers(0, 2, 30))
    ax, bx = Figure().subplots(1, 2)
    figs.plot_layer_histograms(ax, st, "activations", bins=10, limits=(-1.0, 3.0))
    figs.plot_layer_histograms(bx, st, "gradients", layers=[2])
    assert len(ax.lines) == 2 and len(bx.lines) == 1 and ax.get_xlim() == (-1.0, 3.0)
    for line, a in zip(ax.lines, st.activations):  # the fraction of values in each of 10 equal bins
        counts, edges = np.histogram(a, bins=np.linspace(-1.0, 3.0, 11))
        np.testing.assert_allclose(line.get_ydata(), counts / a.size)
        np.testing.assert_allclose(line.get_xdata(), (edges[1:] + edges[:-1]) / 2)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["layer 1", "layer 2"]
    with pytest.raises(ValueError, match="layers must lie in 1..2"):
        figs.plot_layer_histograms(ax, st, layers=[3])
    with pytest.raises(ValueError, match="kind must be one of"):
        figs.plot_layer_histograms(ax, st, kind="weights")
    with pytest.raises(TypeError, match="stats must be an initreg.LayerStats"):
        figs.plot_layer_histograms(ax, "stats")
    no_labels = initreg.layer_stats(net, rng.normal(size=(5, 10)))
    with pytest.raises(ValueError, match="pass labels y"):
        figs.plot_layer_histograms(ax, no_labels, "gradients")


def test_glorot_bengio_figure(small_study):
    ex = initreg.plot_glorot_bengio(small_study)
    assert [p.name for p in ex.panels] == ["activations", "gradients"] and ex.check() == 2
    assert max(p.width for p in ex.panels) <= 4.5 and sum(p.width for p in ex.panels) <= 7.2
    cv = ex.canvas()
    acts, grads = (cv.panels[p].axes for p in ("activations", "gradients"))
    assert len(acts) == len(grads) == 2
    assert all(len(ax.lines) == 4 for ax in acts + grads)  # a line per hidden layer
    assert grads[0].get_xlim() == grads[1].get_xlim()  # the gradients share their range
    assert acts[0].get_title() == "activations, standard initialization"
    assert "left" not in ex.caption and "right" not in ex.caption


def test_he_figure(digits):
    he = initreg.he_study(digits, depth=6, width=16, n_nets=2, n_train=2, epochs=1, n_stats=40)
    ex = initreg.plot_he_study(he)
    assert [p.name for p in ex.panels] == ["signal", "training"] and ex.check() == 2
    cv = ex.canvas()
    signal, training = (cv.panels[p].axes[0] for p in ("signal", "training"))
    means = [line.get_ydata() for line in signal.lines if line.get_marker() == "o"]
    np.testing.assert_allclose(means[0], he.log2_ratio("xavier"))
    np.testing.assert_allclose(means[1], he.log2_ratio("he_normal"))
    assert len(training.lines) == 2 * 2 + 1  # every trained run, and chance


@pytest.fixture(scope="module")
def ai_figure():
    return initreg.ai_notes_explorer()


def test_ai_notes_figure_shows_each_snapshot(ai_figure):
    ex = ai_figure
    epoch = ex.control("epoch")
    assert epoch.kind == "time" and epoch.values == tuple(range(16)) and len(epoch.values) >= MIN_POSITIONS
    runs = initreg.ai_notes_study(epochs=15, snapshots=range(16), seed=0)
    cv = ex.canvas()
    cv.show(ex.values(epoch=7))
    for label, run in runs.items():
        st = run.at(7)
        for line, a in zip(cv.state.lines[label], st.activations):
            counts, _ = np.histogram(a, bins=np.linspace(-1.0, 1.0, 41))
            np.testing.assert_allclose(line.get_data().values, np.maximum(counts / a.size, 1e-4))
        acc = run.accuracy_at(7, test=True)
        assert cv.state.titles[label].get_text().endswith(f"epoch 7: test accuracy {acc:.0%}")
    assert list(cv.state.cursor.get_xdata()) == [7, 7]
    pos = cv.cursor_position(ex.panels[-1])
    cv.apply(ex.values(epoch=15))
    assert cv.cursor_position(ex.panels[-1])["x"] > pos["x"]
    with pytest.raises(ValueError, match="epochs must be at least 15"):
        initreg.ai_notes_explorer(epochs=10)


def test_ai_notes_start_is_the_explorer_at_epoch_zero(ai_figure):
    start = ai_figure.at(caption="start", epoch=0)
    a, b = ai_figure.canvas(), start.canvas()
    a.show(ai_figure.values(epoch=0))
    b.show({})
    assert a.pixels() == b.pixels()
    assert start.check() == len(start.panels) == 5
    # fixed at an epoch, the accuracy panel's image shows the epoch's line (the player draws
    # no cursor over a figure without controls)
    later = ai_figure.at(caption="epoch 7", epoch=7)
    a, b = ai_figure.canvas(), later.canvas()
    acc, fixed = ai_figure.panels[-1], later.panels[-1]
    assert fixed.cursor is None and acc.cursor == "epoch"
    b.apply({})
    b.render_panel(fixed)
    a.apply(ai_figure.values(epoch=7))
    a.render_panel(acc, cursors=True)
    assert b.panel_image(fixed).tobytes() == a.panel_image(acc).tobytes()
    a.render_panel(acc)  # the interactive figure's image: the line left to the player
    assert b.panel_image(fixed).tobytes() != a.panel_image(acc).tobytes()


def test_playground_figure_draws_the_statistics():
    ex = initreg.deep_init_playground(width=32, depth=8)
    assert [c.name for c in ex.controls] == ["activation", "k"]
    k = ex.control("k")
    assert k.kind == "strength" and k.values == initreg.PLAYGROUND_KS and k.continuous
    assert [lab for lab, _ in ex.control("activation").pairs] == ["tanh", "sigmoid", "ReLU", "linear"]
    assert ex.n_renders == 3 * 4 * len(initreg.PLAYGROUND_KS)
    cv = ex.canvas()
    cv.show(ex.values(activation="sigmoid", k=2.0))
    st = initreg.deep_playground_stats("sigmoid", 2.0, depth=8, width=32)
    np.testing.assert_allclose(cv.state.a_line.get_ydata(), st.activation_std)
    np.testing.assert_allclose(cv.state.g_line.get_ydata(), st.gradient_std)
    assert cv.state.title.get_text() == f"sigmoid, k = 2 (He): {st.saturation.mean():.1%} saturated"
    shown = [1, 2, 4, 6, 8]
    edges = np.linspace(0.0, 1.0, 41)
    for line, l in zip(cv.state.stairs["activations"], shown):
        a = st.activations[l - 1]
        counts, _ = np.histogram(a, bins=edges)
        np.testing.assert_allclose(line.get_data().values, np.maximum(counts / a.size, 1e-4))
    sigma = max(st.gradients[l - 1].std() for l in shown)  # the gradients in units of the widest
    for line, l in zip(cv.state.stairs["gradients"], shown):
        g = st.gradients[l - 1] / sigma
        counts, _ = np.histogram(g, bins=np.linspace(-4.0, 4.0, 41))  # beyond ±4σ: in no bin
        np.testing.assert_allclose(line.get_data().values, np.maximum(counts / g.size, 1e-4))
    # live, k takes any value in its range
    cv.show(ex.values(activation="relu", k=1.3))
    assert cv.state.title.get_text() == "ReLU, k = 1.3"
    compute, total = ex.time_update(activation="tanh", k=3.1)
    assert 0 <= compute <= total


def test_decade_labels_are_plain_numbers():
    from initreg.figures.style import decade_label

    assert [decade_label(y) for y in (1.0, 10.0, 100.0, 0.1, 1e-3, 1e5, 1e-8)] == \
        ["1", "10", "100", "0.1", "0.001", "1e5", "1e-8"]
    assert decade_label(3e-4) == "0.0003" and decade_label(0.0) == "" and decade_label(float("nan")) == ""


def test_deep_figures_are_registered():
    assert {"ai_notes_explorer", "deep_init_playground"} <= set(initreg.explorable.FIGURES)
    for name in figs.__all__:
        assert getattr(initreg, name) is getattr(figs, name)


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
    (lambda: initreg.deep_playground_stats("elu"), ValueError, "activation must be one of"),
    (lambda: initreg.deep_playground_stats("tanh", 0.0), ValueError, "k must be > 0"),
    (lambda: initreg.deep_playground_stats("tanh", -1.0), ValueError, "k must be > 0"),
    (lambda: initreg.deep_playground_stats("tanh", float("nan")), ValueError, "k must be finite"),
    (lambda: initreg.deep_playground_stats("tanh", "xavier"), TypeError, "k must be a real number"),
    (lambda: initreg.deep_playground_stats("tanh", 1.0, depth=0), ValueError, "depth"),
    (lambda: initreg.deep_init_playground(width=0), ValueError, "width"),
    (lambda: initreg.deep_init_playground(depth=0), ValueError, "depth"),
    (lambda: initreg.ai_notes_explorer(seed=-1), ValueError, "seed"),
    (lambda: initreg.plot_glorot_bengio("study"), TypeError, "study must be an InitStudy"),
    (lambda: initreg.plot_he_study(None), TypeError, "study must be a HeStudy"),
    (lambda: initreg.he_study(initreg.load_digits(), n_nets=2, n_train=3), ValueError, "n_train must be at most"),
    (lambda: initreg.he_study(initreg.load_digits(), n_train=-1), ValueError, "n_train"),
    (lambda: initreg.ai_notes_repeats(seeds=()), ValueError, "seeds must be a non-empty"),
    (lambda: initreg.ai_notes_repeats(seeds=(0, 0)), ValueError, "seeds must be distinct"),
    (lambda: initreg.ai_notes_repeats(seeds=(0, -1)), ValueError, r"seeds\[1\] must be a non-negative"),
    (lambda: initreg.playground_sweep("tanh", [1.0]), ValueError, "at least two positive, increasing"),
    (lambda: initreg.playground_sweep("tanh", [2.0, 1.0]), ValueError, "increasing"),
    (lambda: initreg.playground_sweep("tanh", [0.0, 1.0]), ValueError, "positive"),
    (lambda: initreg.playground_sweep("tanh", [1.0, np.inf]), ValueError, "finite"),
    (lambda: initreg.playground_sweep("elu", [1.0, 2.0]), ValueError, "activation must be one of"),
    (lambda: initreg.playground_sweep("tanh", [1.0, 2.0], depth=1), ValueError, "depth must be at least 2"),
])
def test_bad_inputs(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


# ------------------------------------------------ argument checks found by benchmarks/audit_inputs.py
@pytest.mark.parametrize("study", ["glorot_bengio_study", "he_study"])
@pytest.mark.parametrize("schemes,exc,match", [
    (["bogus"], ValueError, r"schemes\[0\] must be one of zeros, constant, .*he_uniform"),
    (["xavier", 3], TypeError, r"schemes\[1\] must be a string"),
    (["xavier", "xavier"], ValueError, "schemes must be distinct"),
    (None, ValueError, "schemes must be a non-empty sequence of scheme names"),
    (3, ValueError, "schemes must be a non-empty sequence"),
])
def test_studies_name_a_bad_scheme_as_schemes(study, schemes, exc, match):
    with pytest.raises(exc, match=match):
        getattr(initreg, study)(initreg.load_digits(), schemes=schemes)


@pytest.mark.parametrize("y", ["0.1", None, [1.0]])
def test_decade_label_refuses_a_value_that_is_not_a_number(y):
    from initreg.figures.style import decade_label

    with pytest.raises(TypeError, match="y must be a real number"):
        decade_label(y)
