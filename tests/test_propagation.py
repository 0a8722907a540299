"""Signal propagation (initreg.propagation) against the prediction k^l and direct numpy
computations, the interactive figure's cached networks, the chapter's propagation figures,
and bad inputs."""

import math

import numpy as np
import pytest

import initreg
import initreg.propagation as prop  # until initreg/__init__.py imports it, its names are here
from initreg.propagation import SignalPropagation, explorer_network, signal_propagation


def test_signal_propagation_follows_k_to_the_l():
    for k in (0.8, 1.0, 1.25):
        run = signal_propagation(k, 20, "linear", width=256, m=256, rng=np.random.default_rng(5))
        ratio = run.var_a / run.predicted()
        # one layer's factor fluctuates by about √2/n relative; allow 4 sd over 20 layers, doubled
        assert np.all(np.abs(np.log(ratio)) < 8 * math.sqrt(2 * 20) / 256 + 0.05), ratio
    # ReLU at He's k = 2: one unit's relu(g)² has relative sd √5, so one layer's factor at most
    # √(5/n) (one input, or inputs all pointing the same way); allow 4 sd of the sum over L layers
    L, n = 10, 512
    relu = signal_propagation(2.0, L, "relu", width=n, m=64, rng=np.random.default_rng(6))
    assert np.all(np.abs(np.log(relu.mean_square_a / relu.predicted_he())) < 4 * math.sqrt(5 * L / n))
    tanh = signal_propagation(4.0, 10, "tanh", rng=np.random.default_rng(7))
    assert np.all(tanh.var_a[1:] < 1.0) and len(tanh.samples) == 11


def test_signal_propagation_is_the_direct_computation():
    """The same draws, made by hand: x, then W[1], W[2], ... from one generator."""
    k, n, m, depth = 1.7, 12, 9, 4
    run = signal_propagation(k, depth, "tanh", width=n, m=m, rng=np.random.default_rng(30), keep=50)
    rng = np.random.default_rng(30)
    a = rng.standard_normal((m, n))
    np.testing.assert_array_equal(run.samples[0], a.ravel()[:50])
    for l in range(1, depth + 1):
        W = rng.normal(0.0, math.sqrt(1.0 / n), size=(n, n)) * math.sqrt(k)  # N(0, k/n)
        z = a @ W.T
        a = np.tanh(z)
        assert run.var_z[l] == pytest.approx(z.var(), rel=1e-12)
        assert run.var_a[l] == pytest.approx(a.var(), rel=1e-12)
        assert run.mean_square_a[l] == pytest.approx(np.mean(a**2), rel=1e-12)
        np.testing.assert_allclose(run.samples[l], a.ravel()[:50], rtol=1e-12)
    assert run.depth == depth and run.k == k and run.width == n


def test_measured_is_the_mean_square_for_relu_only():
    relu = signal_propagation(2.0, 3, "relu", width=16, m=8, rng=np.random.default_rng(1))
    np.testing.assert_array_equal(relu.measured(), relu.mean_square_a)
    lin = signal_propagation(1.0, 3, "linear", width=16, m=8, rng=np.random.default_rng(1))
    np.testing.assert_array_equal(lin.measured(), lin.var_a)


def test_a_run_is_the_first_layers_of_a_deeper_run():
    deep = signal_propagation(1.3, 12, "tanh", width=32, m=16, rng=np.random.default_rng(31))
    shallow = signal_propagation(1.3, 5, "tanh", width=32, m=16, rng=np.random.default_rng(31))
    for name in ("var_z", "var_a", "mean_square_a"):
        np.testing.assert_array_equal(getattr(shallow, name), getattr(deep, name)[:6])


def test_layer_factors_and_their_geometric_mean():
    run = signal_propagation(1.0, 30, "linear", width=64, m=32, rng=np.random.default_rng(20))
    f = run.layer_factors()
    assert f.shape == (30,)
    np.testing.assert_allclose(np.prod(f), run.mean_square_a[-1] / run.mean_square_a[0], rtol=1e-10)
    assert run.layer_factor() == pytest.approx(np.prod(f) ** (1 / 30), rel=1e-12)
    assert run.expected_factor() == 1.0
    relu = signal_propagation(3.0, 4, "relu", width=16, m=8, rng=np.random.default_rng(21))
    assert relu.expected_factor() == 1.5


@pytest.mark.parametrize("activation,c,k", [("linear", 2.0, 1.0), ("relu", 5.0, 2.0)])
def test_factor_spread_is_what_one_input_gives(activation, c, k):
    """With one input every layer's factor is independent of the others: their sample variance
    is the factor_spread()² of one layer (2/n linear, 5/n ReLU, not 5/(4n))."""
    n = 100
    run = signal_propagation(k, 2_000, activation, width=n, m=1, rng=np.random.default_rng(22), keep=1)
    assert run.factor_spread() == pytest.approx(math.sqrt(c / n))
    f = run.layer_factors() / run.expected_factor()
    check = initreg.check_variance(f, run.factor_spread() ** 2)
    assert check.ok, check
    assert initreg.check_mean(f, 1.0).ok
    assert run.factor_tolerance() == pytest.approx(4 * math.sqrt(c / (n * 2_000)))
    assert run.factor_tolerance(z=2.0) == pytest.approx(run.factor_tolerance() / 2)


def test_many_inputs_spread_less_than_one():
    """Inputs in many directions average the units' χ²₁ terms: far below √(2/n). (Deep in a linear
    network the inputs become nearly parallel and the spread climbs back to √(2/n), so the layers
    here are few.)"""
    def spread(m):
        f = np.concatenate([signal_propagation(1.0, 8, "linear", width=100, m=m, rng=np.random.default_rng(s),
                                               keep=1).layer_factors() for s in range(30)])
        return f.std() / f.mean()

    assert spread(1) == pytest.approx(math.sqrt(2 / 100), rel=0.15)
    assert spread(200) < 0.5 * math.sqrt(2 / 100)


def test_signal_propagation_by_scheme_name():
    n = 128
    for scheme, k in [("xavier", 1.0), ("he_normal", 2.0), ("he_uniform", 2.0), ("standard", 1 / 3),
                      ("glorot_normal", 1.0), ("glorot_uniform", 1.0)]:
        run = signal_propagation(scheme, 12, "linear", width=n, m=64, rng=np.random.default_rng(24))
        assert run.scheme == scheme and run.k == pytest.approx(k)
        assert abs(math.log(run.layer_factor() / k)) <= run.factor_tolerance(), scheme
    # "xavier" by name draws what k = 1 draws: the same generator, the same weights
    a = signal_propagation("xavier", 5, "tanh", width=32, m=8, rng=np.random.default_rng(25))
    b = signal_propagation(1.0, 5, "tanh", width=32, m=8, rng=np.random.default_rng(25))
    np.testing.assert_array_equal(a.var_a, b.var_a)
    assert b.scheme == "xavier×√k"


def test_spread_is_refused_for_tanh():
    run = signal_propagation(1.0, 3, "tanh", width=16, m=8, rng=np.random.default_rng(26))
    for method in (run.factor_spread, run.factor_tolerance, run.expected_factor):
        with pytest.raises(ValueError, match="activation must be one of linear, relu"):
            method()


@pytest.mark.parametrize("activation", ["linear", "relu"])
def test_rescaled_is_the_run_sampled_with_that_k(activation):
    """Linear and ReLU layers are positively homogeneous: the run of factor k from the same seed
    is the run of factor 1 with layer l multiplied by k^(l/2), up to rounding."""
    one = signal_propagation(1.0, 15, activation, width=40, m=30, rng=np.random.default_rng(32), keep=300)
    for k in (0.3, 2.5):
        direct = signal_propagation(k, 15, activation, width=40, m=30, rng=np.random.default_rng(32), keep=300)
        scaled = one.rescaled(k)
        assert scaled.k == k and scaled.activation == activation and scaled.depth == 15
        for name in ("var_z", "var_a", "mean_square_a"):
            np.testing.assert_allclose(getattr(scaled, name), getattr(direct, name), rtol=1e-11)
        for s, t in zip(scaled.samples, direct.samples):  # a value near 0 is a sum that cancels: rms units
            np.testing.assert_allclose(s, t, rtol=1e-11, atol=1e-11 * np.sqrt(np.mean(t**2)))
    with pytest.raises(ValueError, match="only a linear or ReLU run"):
        signal_propagation(1.0, 3, "tanh", width=8, m=4, rng=np.random.default_rng(0)).rescaled(2.0)
    with pytest.raises(ValueError, match="only a linear or ReLU run"):
        signal_propagation("he_normal", 3, "relu", width=8, m=4, rng=np.random.default_rng(0)).rescaled(2.0)
    with pytest.raises(ValueError, match="k must be"):
        one.rescaled(0.0)


def test_standardized_histograms_against_np_histogram():
    run = signal_propagation(1.5, 6, "relu", width=30, m=20, rng=np.random.default_rng(33), keep=400)
    edges = np.linspace(-3, 3, 13)
    h = run.standardized_histograms(edges)
    assert h.shape == (7, 12)
    for l in range(7):
        values = run.samples[l] / math.sqrt(run.mean_square_a[l])
        counts = [np.sum((values >= lo) & (values < hi)) for lo, hi in zip(edges[:-1], edges[1:-1])]
        counts.append(np.sum((values >= edges[-2]) & (values <= edges[-1])))  # the last bin is closed
        np.testing.assert_allclose(h[l], np.array(counts) / values.size)
    assert np.all(h.sum(axis=1) <= 1 + 1e-12)
    # ReLU: half of the values are exactly 0, in the bin [0, 0.5)
    assert h[3, 6] >= 0.4
    # a layer with no variance gets a row of NaN, not a division by zero
    dead = SignalPropagation("relu", 1.0, 2, np.array([1.0, 0.0]), np.array([1.0, 0.0]), np.array([1.0, 0.0]),
                             [np.array([0.5, -0.5]), np.zeros(2)])
    out = dead.standardized_histograms(edges)
    assert np.isfinite(out[0]).all() and np.isnan(out[1]).all()
    for bad in ([1.0], [0.0, 0.0, 1.0], [[0.0, 1.0]]):
        with pytest.raises(ValueError):
            run.standardized_histograms(bad)


def test_explorer_network_is_the_sampled_network():
    p = prop.EXPLORER_NETWORK
    assert p == {"depth": 50, "width": 200, "m": 200, "seed": 12345}
    direct = signal_propagation(1.25, p["depth"], "tanh", width=p["width"], m=p["m"],
                                rng=np.random.default_rng(p["seed"]))
    cached = explorer_network("tanh", 1.25)
    assert cached is explorer_network("tanh", 1.25)  # cached
    for name in ("var_z", "var_a", "mean_square_a"):
        np.testing.assert_array_equal(getattr(cached, name), getattr(direct, name))
    # linear and ReLU: the k = 1 run rescaled, the sampled numbers up to rounding
    relu = explorer_network("relu", 2.5)
    direct = signal_propagation(2.5, p["depth"], "relu", width=p["width"], m=p["m"],
                                rng=np.random.default_rng(p["seed"]))
    np.testing.assert_allclose(relu.mean_square_a, direct.mean_square_a, rtol=1e-11)


@pytest.mark.parametrize("call,exc,match", [
    (lambda: signal_propagation(0.0, 3, "tanh", rng=np.random.default_rng(0)), ValueError, "k must be"),
    (lambda: signal_propagation(1.0, 0, "tanh", rng=np.random.default_rng(0)), ValueError, "depth"),
    (lambda: signal_propagation(1.0, 3, "tanh", rng=None), TypeError, "rng must be"),
    (lambda: signal_propagation(1.0, 3, "softplus", rng=np.random.default_rng(0)), ValueError, "activation"),
    (lambda: signal_propagation(1.0, 3, "tanh", width=0, rng=np.random.default_rng(0)), ValueError, "width"),
    (lambda: signal_propagation("zeros", 3, "tanh", rng=np.random.default_rng(0)), ValueError,
     "k \\(a scheme name\\) must be one of standard, xavier"),
    (lambda: explorer_network("softplus", 1.0), ValueError, "activation"),
])
def test_bad_inputs(call, exc, match):
    with pytest.raises(exc, match=match):
        call()






# ------------------------------------------------------------------------ the figures
@pytest.fixture(scope="module")
def regimes():
    return [signal_propagation(k, 30, "linear", width=100, m=50, rng=np.random.default_rng(1))
            for k in (0.9, 1.0, 1.1)]


def test_three_regimes_figure_draws_each_run_where_the_data_says(regimes):
    from initreg.figures.derivation import plot_signal_propagation

    ex = plot_signal_propagation(regimes)
    assert ex.check() == 1 and ex.controls == ()
    assert ex.caption.startswith("The three regimes, sampled") and "30-layer linear networks of width 100" in ex.caption
    ax = ex.canvas().fig.axes[0]
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["k = 0.9 (vanishes)", "k = 1 (level)", "k = 1.1 (explodes)"]
    markers = [ln for ln in ax.get_lines() if ln.get_marker() == "o"]
    for line, run in zip(markers, regimes):
        np.testing.assert_array_equal(line.get_xdata(), np.arange(31))
        np.testing.assert_array_equal(line.get_ydata(), run.var_a)
    assert [ln.get_color() for ln in markers] == [initreg.INIT_COLORS[r] for r in ("too small", "appropriate",
                                                                                      "too large")]
    assert ax.get_yscale() == "log"
    lo, hi = ax.get_ylim()
    assert lo < min(r.var_a.min() for r in regimes) and hi > max(r.predicted().max() for r in regimes)
    assert "k = 1.1 (explodes): from 1 to" in ex.alt


def test_three_regimes_figure_refuses_bad_runs(regimes):
    from initreg.figures.derivation import plot_signal_propagation

    with pytest.raises(TypeError, match="non-empty sequence"):
        plot_signal_propagation([])
    with pytest.raises(TypeError, match="non-empty sequence"):
        plot_signal_propagation([1.0])
    with pytest.raises(ValueError, match="labels must have one entry per run"):
        plot_signal_propagation(regimes, labels=["a"])
    relu = signal_propagation(2.0, 5, "relu", width=16, m=8, rng=np.random.default_rng(2))
    ex = plot_signal_propagation([relu], labels=["He"], colors=["black"])
    assert "three regimes" not in ex.caption and "He's prediction" in ex.caption
    ax = ex.canvas().fig.axes[0]
    assert ax.get_ylabel() == "E[a[l]²]"
    dashed = [ln for ln in ax.get_lines() if ln.get_linestyle() == "--"]
    np.testing.assert_allclose(dashed[0].get_ydata(), relu.predicted_he())


def test_tanh_figure_draws_the_quadrature_and_the_series():
    from initreg.figures.derivation import plot_activation_variance

    ex = plot_activation_variance()
    assert ex.check() == 1
    ax = ex.canvas().fig.axes[0]
    exact = ax.get_lines()[0]
    x = np.asarray(exact.get_xdata())
    np.testing.assert_allclose(exact.get_ydata(), initreg.tanh_second_moment(x) / x, rtol=1e-12)
    one_term = ax.get_lines()[1]  # s²/s² = 1 everywhere
    np.testing.assert_allclose(one_term.get_ydata(), 1.0)
    two_terms = ax.get_lines()[2]  # 1 − 2 Var(z), drawn where it is on the axes
    np.testing.assert_allclose(two_terms.get_ydata(), 1 - 2 * np.asarray(two_terms.get_xdata()), atol=1e-12)
    relu = ax.get_lines()[-1]
    assert list(relu.get_ydata()) == [0.5, 0.5]


def test_explorer_controls_and_panels():
    from initreg.explorable import FIGURES, MIN_POSITIONS, Choice
    from initreg.figures.derivation import variance_propagation_explorer

    assert FIGURES["variance_propagation_explorer"] is variance_propagation_explorer
    ex = variance_propagation_explorer()
    act, k, depth = ex.controls
    assert isinstance(act, Choice) and act.grid == ["tanh", "relu", "linear"]
    assert k.kind == depth.kind == "strength"
    assert len(k.values) >= MIN_POSITIONS and len(depth.values) >= MIN_POSITIONS
    assert {0.9, 1.0, 1.1, 2.0} <= set(k.values) and depth.values[-1] == prop.EXPLORER_NETWORK["depth"]
    # every panel image is one (activation, k); the depth is a cursor: 2 × 3 × 16 images
    assert [p.depends for p in ex.panels] == [("activation", "k")] * 2
    assert [p.cursor for p in ex.panels] == ["depth", "depth"]
    assert ex.n_renders == 2 * 3 * len(k.values)
    assert sum(p.width for p in ex.panels) <= 7.2 and max(p.width for p in ex.panels) <= 4.5


def test_explorer_draws_the_network_the_values_name():
    from initreg.figures.derivation import variance_propagation_explorer

    ex = variance_propagation_explorer()
    cv = ex.canvas()
    for activation, k, depth in [("relu", 2.5, 11), ("tanh", 0.35, 50), ("linear", 1.0, 5)]:
        cv.apply(ex.values(activation=activation, k=k, depth=depth))
        st = cv.state
        run = explorer_network(activation, k)
        np.testing.assert_array_equal(st.art.sampled.get_ydata(), run.measured())
        np.testing.assert_allclose(st.art.article.get_ydata(), run.predicted())
        assert st.art.he.get_visible() == (activation == "relu")
        if activation == "relu":
            np.testing.assert_allclose(st.art.he.get_ydata(), run.predicted_he())
        shape = run.standardized_histograms(np.linspace(-4, 4, 41)).T
        np.testing.assert_array_equal(np.asarray(st.shape.get_array()), shape)
        assert all(list(c.get_xdata()) == [depth, depth] for c in st.cursors)
        assert st.ax.get_ylabel() == ("E[a[l]²]" if activation == "relu" else "Var(a[l])")
        assert st.ax.get_title() == f"{activation}, n·Var(w) = {k:g}"
        lo, hi = st.ax.get_ylim()
        assert lo <= run.measured().min() and hi >= max(run.measured().max(), run.predicted().max())
        assert [p.get_visible() for p in st.shown_legends.values()] == [activation == "relu", activation != "relu"]


def test_explorer_page_is_light_and_its_cursor_moves_with_the_depth():
    import json
    import re

    from initreg.figures.derivation import variance_propagation_explorer

    ex = variance_propagation_explorer()
    page = ex.static_html()
    assert len(page) < 1_500_000, len(page)
    data = json.loads(re.search(r'<script type="application/json" class="ix-data">(.*?)</script>', page,
                                re.S).group(1))
    for panel in data["panels"]:
        assert len(panel["index"]) == 48 and panel["cursor"] == 2
        for at in panel["at"]:  # per (activation, k): the line moves right with the depth
            xs = [pos["x"] for pos in at]
            assert len(xs) == 16 and np.all(np.diff(xs) > 0)
