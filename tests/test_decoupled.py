"""Weight decay against L2 under Adam (initreg.decoupled): the per-weight decay trace, the
tuning grid and their figures."""

import numpy as np
import pytest

import initreg


@pytest.fixture(scope="module")
def small(digits):
    split = initreg.holdout_split(digits, 60, 30, rng=np.random.default_rng(0))
    return split.X_train, split.y_train


KW = dict(alpha=1e-2, steps=40, sizes=[64, 6, 10], seed=3)


@pytest.fixture(scope="module")
def traces(small):
    X, y = small
    return {"adam_l2": initreg.decay_trace(X, y, "adam_l2", 1e-3, **KW),
            "adamw": initreg.decay_trace(X, y, "adamw", 2e-3, **KW)}


def test_the_trace_is_the_engines_training(small, traces):
    X, y = small
    for form, extra in (("adam_l2", dict(penalty="l2", lam=1e-3)), ("adamw", dict(decay=2e-3))):
        net = initreg.Network(KW["sizes"], "tanh", rng=np.random.default_rng(KW["seed"]))
        initreg.train(net, X, y, epochs=KW["steps"], lr=KW["alpha"], optimizer="adam", **extra)
        for a, b in zip(net.weights + net.biases, list(traces[form].weights + traces[form].biases)):
            np.testing.assert_array_equal(a, b)


def test_the_l2_decay_rate_is_the_penalty_part_of_the_step(small, traces):
    """Independent of the trace's bookkeeping: rerun the same Adam by hand, keep the running
    mean of the *data* gradients alone, and take the penalty's part of the last step as
    α·(m̂ − m̂_data)/(√v̂ + ε), divided by the weight."""
    X, y = small
    lam, alpha, steps = 1e-3, KW["alpha"], KW["steps"]
    net = initreg.Network(KW["sizes"], "tanh", rng=np.random.default_rng(KW["seed"]))
    W = [w.copy() for w in net.weights]
    b = [c.copy() for c in net.biases]
    mW, vW, dW = ([np.zeros_like(w) for w in W] for _ in range(3))
    mb, vb = ([np.zeros_like(c) for c in b] for _ in range(2))
    for t in range(1, steps + 1):
        for k in range(2):
            net.weights[k][...], net.biases[k][...] = W[k], b[k]
        g = net.backward(X, y)
        rates = []
        for k in range(2):
            dW[k] = 0.9 * dW[k] + 0.1 * g.dW[k]
            new, mW[k], vW[k] = initreg.adam_update(W[k], g.dW[k], mW[k], vW[k], t, alpha=alpha, lam=lam)
            root = np.sqrt(vW[k] / (1 - 0.999**t)) + 1e-8
            rates.append((alpha * (mW[k] - dW[k]) / (1 - 0.9**t) / root / W[k]).ravel())
            W[k] = new
            b[k], mb[k], vb[k] = initreg.adam_update(b[k], g.db[k], mb[k], vb[k], t, alpha=alpha)
    tr = traces["adam_l2"]
    by_hand = np.concatenate(rates)
    ok = tr.data_moved
    np.testing.assert_allclose(tr.rate[ok], by_hand[ok], rtol=1e-6, atol=1e-12)
    good = ok & (tr.rate > 0)
    assert np.percentile(tr.rate[good], 90) / np.percentile(tr.rate[good], 10) > 3


def test_adamw_decays_every_weight_by_alpha_d(traces):
    tr = traces["adamw"]
    np.testing.assert_allclose(tr.rate, KW["alpha"] * 2e-3, rtol=1e-9)
    np.testing.assert_allclose(tr.predicted, KW["alpha"] * 2e-3)


def test_zero_gradient_weights(small):
    X, y = small
    zero_cols = np.flatnonzero(np.all(X == 0, axis=0))
    assert zero_cols.size > 0
    runs = [initreg.decay_trace(X, y, "adam_l2", s, **KW) for s in (1e-3, 1e-1)]
    assert runs[0].zero_grad.shape == (KW["steps"] + 1, zero_cols.size * KW["sizes"][1])
    assert (~runs[0].data_moved).sum() == zero_cols.size * KW["sizes"][1]
    # Adam with L2: λ does not set the pace of a weight only the penalty moves
    big = np.abs(runs[0].zero_grad[0]) > 0.05
    np.testing.assert_allclose(runs[0].zero_grad[:, big], runs[1].zero_grad[:, big], atol=1e-4)
    # AdamW: geometric, exactly
    w = initreg.decay_trace(X, y, "adamw", 2.0, **KW)
    np.testing.assert_allclose(w.zero_grad[-1], w.zero_grad[0] * (1 - 2e-2) ** KW["steps"], rtol=1e-12)


@pytest.fixture(scope="module")
def grids(digits):
    common = dict(seeds=[0, 1], n_train=40, n_val=30, width=6, epochs=3, batch_size=20)
    lrs = [5e-3, 1e-2, 2e-2]
    return {"adam_l2": initreg.decay_grid(digits, "adam_l2", lrs, [1e-4, 1e-3, 1e-2], **common),
            "adamw": initreg.decay_grid(digits, "adamw", lrs, [0.1, 1.0, 10.0], **common)}


def test_the_grid_is_train_at_each_setting(digits, grids):
    g = grids["adamw"]
    gen = [np.random.default_rng(s) for s in np.random.SeedSequence(1).spawn(3)]
    split = initreg.holdout_split(digits, 40, 30, rng=gen[0])
    net = initreg.Network([64, 6, 10], "tanh", rng=gen[1])
    h = initreg.train(net, split.X_train, split.y_train, epochs=3, lr=1e-2, batch_size=20, rng=gen[2],
                      optimizer="adam", decay=1.0, X_test=split.X_val, y_test=split.y_val, record_every=3)
    assert g.val_loss[1, 1, 1] == h.test_loss[-1]
    assert g.steps == 6 and g.mean_loss.shape == (3, 3)


def test_best_strength_and_slopes():
    lrs, strengths = np.array([1e-3, 1e-2, 1e-1]), np.logspace(-3, 1, 5)
    ls = np.log10(strengths)
    # a valley whose bottom sits at log10(s) = −1 − 0.5·log10(α/1e-2): slope −0.5
    centre = -1 - 0.5 * np.log10(lrs / 1e-2)
    loss = (ls[None, :] - centre[:, None]) ** 2 + 1.0
    g = initreg.DecayGrid("adam_l2", lrs, strengths, (0,), loss[None], np.ones_like(loss[None]), 1, 1)
    np.testing.assert_allclose(g.best_log10()[0], centre, atol=1e-12)  # a parabola is found exactly
    assert g.slopes[0] == pytest.approx(-0.5)
    assert not g.at_edge().any()


def test_per_step_grid_runs_at_d_equal_strength_over_alpha(digits, grids):
    """With per_step, the strength s at rate α is AdamW at d = s/α: the plain grid's cell
    at (α, d) is the per-step grid's cell at (α, α·d)."""
    common = dict(seeds=[0, 1], n_train=40, n_val=30, width=6, epochs=3, batch_size=20)
    g = initreg.decay_grid(digits, "adamw", [5e-3, 1e-2, 2e-2], [5e-4, 1e-3, 1e-2], per_step=True, **common)
    assert g.per_step and g.val_loss[:, 1, 1] == pytest.approx(grids["adamw"].val_loss[:, 1, 0], rel=1e-12)
    assert g.val_loss[:, 0, 0] == pytest.approx(grids["adamw"].val_loss[:, 0, 0], rel=1e-12)  # 5e-4/5e-3 = 0.1


def test_average_last_is_the_mean_of_the_last_epochs(digits):
    common = dict(seeds=[1], n_train=40, n_val=30, width=6, epochs=3, batch_size=20)
    g = initreg.decay_grid(digits, "adamw", [5e-3, 1e-2, 2e-2], [0.1, 1.0, 10.0], average_last=2, **common)
    gen = [np.random.default_rng(s) for s in np.random.SeedSequence(1).spawn(3)]
    split = initreg.holdout_split(digits, 40, 30, rng=gen[0])
    net = initreg.Network([64, 6, 10], "tanh", rng=gen[1])
    h = initreg.train(net, split.X_train, split.y_train, epochs=3, lr=1e-2, batch_size=20, rng=gen[2],
                      optimizer="adam", decay=1.0, X_test=split.X_val, y_test=split.y_val, record_every=1)
    assert g.val_loss[0, 1, 1] == pytest.approx((h.test_loss[-1] + h.test_loss[-2]) / 2, rel=1e-12)


def test_regret_and_its_bootstrap():
    lrs, strengths = np.array([1e-3, 1e-2, 1e-1]), np.array([0.1, 1.0, 10.0])
    # seed 0: strength 1 is best everywhere; seed 1: at the last rate strength 10 is best by 50 %
    L = np.array([[[2.0, 1.0, 2.0]] * 3, [[2.0, 1.0, 2.0], [2.0, 1.0, 2.0], [2.0, 3.0, 2.0]]])
    g = initreg.DecayGrid("adamw", lrs, strengths, (0, 1), L, np.ones_like(L), 1, 1)
    # mean loss at the last rate is (2, 2, 2): strength 1 is worst there by 0; rows 1-2 best at strength 1
    assert g.regret() == (pytest.approx(0.0), 1)
    assert g.regret([1, 1]) == (pytest.approx(0.5), 1)  # the mean of seed 1 alone: 3 against the row's 2
    boot = g.regret_bootstrap(np.random.default_rng(0), draws=400)
    assert set(np.round(boot, 12)) <= {0.0, 0.5} and 0.1 < np.mean(boot == 0.5) < 0.4  # P(both draws seed 1) = ¼


def test_the_repr_quotes_the_weights_the_data_moves(traces):
    tr = traces["adam_l2"]
    lo, hi = np.percentile(tr.rate[tr.data_moved & (tr.rate > 0)], [10, 90])
    assert f"{lo:.3g} to {hi:.3g}" in repr(tr) and f"{int(tr.shown.sum())} weights" in repr(tr)


@pytest.mark.parametrize("call, word", [
    (lambda X, y: initreg.decay_trace(X, y, "sgd", 1e-3, **KW), "form"),
    (lambda X, y: initreg.decay_trace(X, y, "adam_l2", 0.0, **KW), "strength"),
    (lambda X, y: initreg.decay_trace(X, y, "adamw", 200.0, **KW), "α·d"),
    (lambda X, y: initreg.decay_trace(X, y, "adamw", 1.0, **(KW | {"steps": 0})), "steps"),
    (lambda X, y: initreg.decay_trace(X, y, "adamw", 1.0, **(KW | {"sizes": None})), "sizes"),
    (lambda X, y: initreg.decay_trace(X, y, "adamw", 1.0, **(KW | {"seed": -1})), "seed"),
])
def test_bad_trace_input_names_the_parameter(small, call, word):
    with pytest.raises((ValueError, TypeError), match=word):
        call(*small)


@pytest.mark.parametrize("kw, word", [
    (dict(form="adamw", lrs=[1e-2, 1e-3, 1e-1]), "lrs"),
    (dict(form="adamw", strengths=[1.0, 2.0]), "strengths"),
    (dict(form="adamw", strengths=[1.0, 10.0, 300.0]), "α·d"),
    (dict(seeds=[]), "seeds"),
    (dict(seeds=[-1]), "seeds"),
    (dict(form="adamax"), "form"),
    (dict(width=0), "width"),
    (dict(average_last=2), "average_last"),
    (dict(per_step=True), "per_step"),
    (dict(form="adamw", per_step=1), "per_step"),
    (dict(form="adamw", per_step=True, strengths=[0.1, 0.5, 1.0]), "below 1"),
])
def test_bad_grid_input_names_the_parameter(digits, kw, word):
    args = dict(form="adam_l2", lrs=[1e-3, 2e-3, 4e-3], strengths=[1e-3, 1e-2, 1e-1], seeds=[0], n_train=20,
                n_val=10, width=4, epochs=1, batch_size=10) | kw
    with pytest.raises((ValueError, TypeError), match=word):
        initreg.decay_grid(digits, **args)


def test_the_figures_draw(traces, small, grids):
    X, y = small
    zero = [traces["adam_l2"], initreg.decay_trace(X, y, "adamw", 1.0, **KW)]
    fig = initreg.plot_decay_rates(traces["adam_l2"], traces["adamw"], zero)
    assert [p.name for p in fig.panels] == ["rates", "zero"] and fig.check() == 2
    fig = initreg.plot_decay_grids(grids["adam_l2"], grids["adamw"])
    assert fig.check() == 2
    with pytest.raises(ValueError, match="adam_l2"):
        initreg.plot_decay_rates(traces["adamw"], traces["adam_l2"], zero)
    with pytest.raises(ValueError, match="adam_l2"):
        initreg.plot_decay_grids(grids["adamw"], grids["adam_l2"])
