"""Residual networks (initreg.residual): the branch scalings as drawn, the stream's growth
against the derivation (sampled over seeds), Fixup's identity start, the layer norm, the
figure, and bad inputs."""

import math

import numpy as np
import pytest

import initreg
from initreg.explorable import Explorable


def test_the_scalings_draw_what_they_say():
    N, n = 9, 300
    plain = initreg.ResidualNetwork(n, N, rng=np.random.default_rng(0))
    gpt = initreg.ResidualNetwork(n, N, scaling="gpt2", rng=np.random.default_rng(0))
    fix = initreg.ResidualNetwork(n, N, scaling="fixup", rng=np.random.default_rng(0))
    assert (plain.gamma, gpt.gamma, fix.gamma) == (1.0, 1 / 3, 0.0)
    w1 = np.concatenate([w.ravel() for w in plain.W1])
    w2 = np.concatenate([w.ravel() for w in plain.W2])
    assert w1.var() == pytest.approx(2 / n, rel=0.02)  # He
    assert w2.var() == pytest.approx(1 / n, rel=0.02)
    # the same draws, scaled: GPT-2's last layers by 1/√N, Fixup's inner layers by N^(-1/2), its last ones 0
    for k in range(N):
        np.testing.assert_allclose(gpt.W2[k], plain.W2[k] / 3, rtol=1e-15)
        np.testing.assert_array_equal(gpt.W1[k], plain.W1[k])
        np.testing.assert_allclose(fix.W1[k], plain.W1[k] / 3, rtol=1e-15)
        assert not fix.W2[k].any() and not np.signbit(fix.W2[k]).any()


def test_fixup_starts_as_the_identity():
    x = np.random.default_rng(1).standard_normal((20, 50))
    for norm in initreg.RESIDUAL_NORMS:
        net = initreg.ResidualNetwork(50, 7, scaling="fixup", norm=norm, rng=np.random.default_rng(2))
        stream = net.forward(x)
        assert len(stream) == 8
        for s in stream:
            np.testing.assert_array_equal(s, x)


def test_the_predictions_are_the_derivation():
    for scaling, a2 in (("none", 1.0), ("gpt2", 1 / 16), ("fixup", 0.0)):
        net = initreg.ResidualNetwork(4, 16, scaling=scaling, rng=np.random.default_rng(0))
        np.testing.assert_allclose(net.predicted(2.0), 2.0 * (1 + a2) ** np.arange(17))
        pre = initreg.ResidualNetwork(4, 16, scaling=scaling, norm="layer", rng=np.random.default_rng(0))
        np.testing.assert_allclose(pre.predicted(2.0), 2.0 + a2 * np.arange(17))
    assert initreg.ResidualNetwork(4, 1000, scaling="gpt2", rng=np.random.default_rng(0)).predicted()[-1] == \
        pytest.approx(math.e, rel=1e-3)


@pytest.mark.parametrize("activation", ["relu", "linear"])
@pytest.mark.parametrize("norm", initreg.RESIDUAL_NORMS)
def test_the_sampled_growth_is_the_predicted_one_on_average(activation, norm):
    """Over 12 seeds, the mean of q⁽ᴺ⁾/q⁽⁰⁾ is within 8% of the prediction (N = 3, 256 units)."""
    ratios = []
    for seed in range(12):
        rng = np.random.default_rng(seed)
        x = rng.standard_normal((128, 256))
        net = initreg.ResidualNetwork(256, 3, activation=activation, norm=norm, rng=rng)
        q = net.mean_squares(x)
        ratios.append(q[-1] / q[0])
    predicted = net.predicted()[-1]
    assert predicted == (4.0 if norm == "layer" else 8.0)
    assert np.mean(ratios) == pytest.approx(predicted, rel=0.08)


def test_the_layer_norm_branch_sees_unit_rows():
    net = initreg.ResidualNetwork(64, 1, norm="layer", rng=np.random.default_rng(3))
    x = 5.0 + 3.0 * np.random.default_rng(4).standard_normal((10, 64))
    # the branch's output does not change when its input is shifted and scaled
    np.testing.assert_allclose(net.branch(1, x), net.branch(1, 7 * x - 2), rtol=1e-10, atol=1e-12)


def test_residual_growth_measures_every_scaling_depth_and_seed():
    g = initreg.residual_growth(depths=(1, 4), seeds=(0, 1, 2), width=32, m=16)
    assert set(g.measured) == set(initreg.RESIDUAL_SCALINGS)
    assert g.measured["none"].shape == (2, 3)
    # seed s at depth N is the network drawn from default_rng([s, N]) after its inputs
    rng = np.random.default_rng([1, 4])
    x = rng.standard_normal((16, 32))
    q = initreg.ResidualNetwork(32, 4, scaling="gpt2", rng=rng).mean_squares(x)
    assert g.measured["gpt2"][1, 1] == pytest.approx(q[-1] / q[0], rel=1e-12)
    np.testing.assert_allclose(g.predicted["none"], [2.0, 16.0])
    assert g.log_error("fixup").max() == 0.0
    assert "gpt2: measured (seeds)" in repr(g.table())
    assert initreg.residual_growth(depths=(1, 4), seeds=(0, 1, 2), width=32, m=16) is g  # cached


def test_the_figure_draws():
    g = initreg.residual_growth(depths=(1, 2), seeds=(0,), width=16, m=8)
    ex = initreg.plot_residual_growth({"a": g, "b": initreg.residual_growth(norm="layer", depths=(1, 2), seeds=(0,),
                                                                           width=16, m=8)})
    assert isinstance(ex, Explorable) and len(ex.panels) == 2 and ex.check() == 2


@pytest.mark.parametrize("call, exc, words", [
    (lambda: initreg.ResidualNetwork(0, 3, rng=np.random.default_rng(0)), ValueError, "width"),
    (lambda: initreg.ResidualNetwork(4, 0, rng=np.random.default_rng(0)), ValueError, "branches"),
    (lambda: initreg.ResidualNetwork(4, 3, scaling="bogus", rng=np.random.default_rng(0)), ValueError,
     "scaling must be one of none, gpt2, fixup"),
    (lambda: initreg.ResidualNetwork(4, 3, norm="batch", rng=np.random.default_rng(0)), ValueError,
     "norm must be one of none, layer"),
    (lambda: initreg.ResidualNetwork(4, 3, activation="tanh", rng=np.random.default_rng(0)), ValueError,
     "activation must be one of relu, linear"),
    (lambda: initreg.ResidualNetwork(4, 3, rng=0), TypeError, "rng"),
    (lambda: initreg.ResidualNetwork(4, 3, rng=np.random.default_rng(0)).forward(np.ones((2, 5))), ValueError,
     "X must have 4 columns"),
    (lambda: initreg.ResidualNetwork(4, 3, rng=np.random.default_rng(0)).branch(4, np.ones((2, 4))), ValueError,
     "k must lie in 1..3"),
    (lambda: initreg.ResidualNetwork(4, 3, rng=np.random.default_rng(0)).predicted(0.0), ValueError, "q0"),
    (lambda: initreg.residual_growth(norm="batch"), ValueError, "norm"),
    (lambda: initreg.residual_growth(depths=(0,)), ValueError, "depths"),
    (lambda: initreg.residual_growth(scalings=("x",)), ValueError, "scalings"),
    (lambda: initreg.plot_residual_growth({"a": 1}), TypeError, "ResidualGrowth"),
])
def test_bad_inputs_are_refused_by_name(call, exc, words):
    with pytest.raises(exc, match=words.replace("[", r"\[").replace("]", r"\]").replace(".", r"\.")):
        call()
