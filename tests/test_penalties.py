"""Penalties, update rules, their dynamics, and the exact regularized least-squares minimizer."""

import math

import numpy as np
import pytest
from sklearn.linear_model import Lasso, Ridge, lars_path

import initreg
from initreg.explorable import FIGURES

SHAPES = [(), (7,), (3, 4), (2, 3, 5)]


def arrays(shape, seed=0):
    rng = np.random.default_rng(seed)
    w = rng.normal(size=shape)
    g = rng.normal(size=shape)
    if w.ndim:
        w.flat[0] = 0.0  # sign(0) = 0 must be handled
    return w, g


# ------------------------------------------------------------------ update rules

@pytest.mark.parametrize("shape", SHAPES)
def test_update_rules_are_the_article_formulas(shape):
    w, g = arrays(shape)
    alpha, lam = 0.3, 0.7
    np.testing.assert_array_equal(initreg.l1_update(w, g, alpha, lam), w - alpha * lam * np.sign(w) - alpha * g)
    np.testing.assert_array_equal(initreg.l2_update(w, g, alpha, lam), w - 2 * alpha * lam * w - alpha * g)
    assert initreg.l1_update(w, g, alpha, lam).shape == np.shape(w)


@pytest.mark.parametrize("shape", SHAPES[1:])
def test_proximal_step_makes_exact_zeros(shape):
    w, g = arrays(shape, seed=1)
    alpha, lam = 0.2, 2.0
    out = initreg.l1_prox_update(w, g, alpha, lam)
    u = w - alpha * g
    small = np.abs(u) <= alpha * lam
    assert small.any()
    assert np.all(out[small] == 0.0)
    np.testing.assert_allclose(out[~small], u[~small] - alpha * lam * np.sign(u[~small]), rtol=0, atol=0)
    # the gradient rule never lands on 0 for the same inputs
    assert np.count_nonzero(initreg.l1_update(w, g, alpha, lam) == 0.0) == 0


class _Link:
    """One link of the TensorFlow Playground (src/nn.ts, class Link): a weight and isDead."""

    def __init__(self, weight, dead):
        self.weight, self.isDead = float(weight), bool(dead)


def _playground_update_weights(links, ders, learning_rate, regularization_rate):
    """A scalar, line-by-line transcription of the weight loop of updateWeights (src/nn.ts,
    lines 348-373, one accumulated derivative per link) with RegularizationFunction.L1."""
    def l1_der(w):
        return -1 if w < 0 else (1 if w > 0 else 0)

    for link, acc_error_der in zip(links, ders):
        if link.isDead:
            continue
        regul_der = l1_der(link.weight)
        link.weight = link.weight - (learning_rate / 1) * acc_error_der
        new_link_weight = link.weight - (learning_rate * regularization_rate) * regul_der
        if link.weight * new_link_weight < 0:
            link.weight = 0
            link.isDead = True
        else:
            link.weight = new_link_weight


@pytest.mark.parametrize("alpha,lam", [(0.1, 2.0), (0.5, 0.4), (1.0, 0.0), (0.0, 1.0)])
def test_playground_step_is_the_typescript_loop(alpha, lam):
    rng = np.random.default_rng(7)
    w = rng.normal(size=400)
    g = rng.normal(size=400)
    dead = rng.random(400) < 0.1
    w[dead] = 0.0
    w[:5] = 0.0  # live weights at exactly 0
    w[5:10] = [0.5, -0.5, 0.25, -2.0, 1.0]
    g[5:10] = w[5:10] / 0.5 if alpha == 0.5 else g[5:10]  # u exactly 0 (exact in binary)
    for _ in range(3):  # three steps: the mask carries over
        links = [_Link(a, d) for a, d in zip(w, dead)]
        _playground_update_weights(links, g, alpha, lam)
        w_new, dead_new = initreg.playground_l1_update(w, g, alpha, lam, dead)
        np.testing.assert_array_equal(w_new, [link.weight for link in links])
        np.testing.assert_array_equal(dead_new, [link.isDead for link in links])
        w, dead = w_new, dead_new
        g = rng.normal(size=400)


def test_playground_step_agrees_with_the_proximal_step_exactly_where_predicted():
    alpha, lam = 0.5, 0.4  # αλ = 0.2; α a power of two so that u = 0 can be made exactly
    rng = np.random.default_rng(8)
    w, g = rng.normal(size=5000), rng.normal(size=5000)
    dead = rng.random(5000) < 0.1
    dead[:45] = False
    w[dead] = 0.0
    w[:20] = 0.0                      # live zeros
    g[20:40] = w[20:40] / alpha       # data step to exactly 0
    w[40:45] = [0.3, -0.3, 0.45, -0.45, 0.3]
    g[40:45] = [0.2, -0.2, 0.5, -0.5, 0.4]  # |u| = αλ exactly (v = 0 without crossing) and |u| < αλ
    u = w - alpha * g
    assert np.count_nonzero(u[20:40]) == 0
    pg, _ = initreg.playground_l1_update(w, g, alpha, lam, dead)
    prox = initreg.l1_prox_update(w, g, alpha, lam)
    predicted = np.where(dead, np.abs(alpha * g) > alpha * lam, np.sign(u) != np.sign(w))
    np.testing.assert_array_equal(pg != prox, predicted)
    assert predicted[:20].all() and predicted[20:40].all() and not predicted[40:45].any()
    # where the data step crosses 0 the Playground pushes the weight αλ further away
    cross = ~dead & (w != 0) & (np.sign(u) == -np.sign(w))
    assert cross.sum() > 100
    np.testing.assert_allclose(pg[cross], u[cross] + alpha * lam * np.sign(u[cross]), rtol=0, atol=1e-15)
    # u = 0 from a non-zero w: the penalty step lands at ∓αλ and nothing is reset
    np.testing.assert_allclose(pg[20:40], -alpha * lam * np.sign(w[20:40]), rtol=0, atol=0)
    # the reviewer's example
    w1 = np.array([-0.0045])
    out, d1 = initreg.playground_l1_update(w1, (w1 - 0.0857) / 0.1, 0.1, 2.0, np.zeros(1, bool))
    assert out[0] == pytest.approx(0.2857, abs=1e-15) and not d1[0]
    assert initreg.l1_prox_update(w1, (w1 - 0.0857) / 0.1, 0.1, 2.0)[0] == 0.0


def test_playground_freezes_for_good():
    w, dead = np.array([0.05, 0.5]), np.zeros(2, bool)
    w, dead = initreg.playground_l1_update(w, np.array([0.0, 0.0]), 0.1, 1.0, dead)  # 0.05 − 0.1 crosses 0
    assert list(dead) == [True, False] and w[0] == 0.0
    for _ in range(5):
        w, dead = initreg.playground_l1_update(w, np.array([-100.0, 0.0]), 0.1, 1.0, dead)
        assert w[0] == 0.0 and dead[0]


def test_playground_step_bad_input():
    w, g = arrays((3,))
    with pytest.raises(TypeError, match="dead"):
        initreg.playground_l1_update(w, g, 0.1, 1.0, [False] * 3)
    with pytest.raises(TypeError, match="dead"):
        initreg.playground_l1_update(w, g, 0.1, 1.0, np.zeros(3))
    with pytest.raises(ValueError, match="dead must have the shape"):
        initreg.playground_l1_update(w, g, 0.1, 1.0, np.zeros(2, bool))
    with pytest.raises(ValueError, match="alpha"):
        initreg.playground_l1_update(w, g, -0.1, 1.0, np.zeros(3, bool))


def test_proximal_step_takes_the_sign_after_the_data_step():
    w, g = np.array([0.1, -0.1]), np.array([2.0, -2.0])  # u = ∓0.9: the data step crosses 0
    np.testing.assert_allclose(initreg.l1_prox_update(w, g, 0.5, 0.2), [-0.8, 0.8], rtol=0, atol=1e-15)


def test_soft_threshold():
    np.testing.assert_array_equal(initreg.soft_threshold(np.array([-3.0, -1.0, 0.0, 0.5, 2.0]), 1.0),
                                  [-2.0, 0.0, 0.0, 0.0, 1.0])


def test_penalties_sum_every_weight_matrix():
    rng = np.random.default_rng(0)
    Ws = [rng.normal(size=(4, 3)), rng.normal(size=(2, 4))]
    assert initreg.l1_penalty(Ws, 0.5) == pytest.approx(0.5 * sum(np.abs(W).sum() for W in Ws))
    assert initreg.l2_penalty(Ws, 0.5) == pytest.approx(0.5 * sum((W**2).sum() for W in Ws))
    with pytest.raises(TypeError, match="weights"):
        initreg.l1_penalty("W", 0.1)


@pytest.mark.parametrize("fn", [initreg.l1_update, initreg.l2_update, initreg.l1_prox_update,
                                lambda w, g, a, l: initreg.playground_l1_update(w, g, a, l, np.zeros(np.shape(w), bool))])
def test_update_rules_reject_bad_input(fn):
    w, g = arrays((3,))
    with pytest.raises(ValueError, match="alpha"):
        fn(w, g, -0.1, 1.0)
    with pytest.raises(ValueError, match="lam"):
        fn(w, g, 0.1, float("inf"))
    with pytest.raises(ValueError, match="lam"):
        fn(w, g, 0.1, float("nan"))
    with pytest.raises(ValueError, match="same shape"):
        fn(w, g[:2], 0.1, 1.0)
    with pytest.raises(ValueError, match="finite"):
        fn(np.array([np.nan, 1.0, 2.0]), g, 0.1, 1.0)


def test_penalty_names_are_checked():
    with pytest.raises(ValueError, match="none, l1, l2"):
        initreg.penalty("l3", 0.1)
    with pytest.raises(ValueError, match="lam"):
        initreg.penalty("l1", -1.0)


# ------------------------------------------------------------------ the training loop uses these rules

@pytest.mark.parametrize("pen,update,rule", [("l1", "gradient", initreg.l1_update), ("l2", "gradient", initreg.l2_update),
                                             ("l1", "proximal", initreg.l1_prox_update)])
def test_one_training_step_is_the_update_rule(pen, update, rule):
    X, y = initreg.toy_data("circles", 60, rng=np.random.default_rng(0))
    net = initreg.Network([2, 5, 1], "tanh", "sigmoid", init="xavier", rng=np.random.default_rng(1))
    before = net.copy()
    grads = before.backward(X, y)
    alpha, lam = 0.3, 0.05
    initreg.train(net, X, y, epochs=1, lr=alpha, penalty=pen, lam=lam, update=update)
    for W_new, W, dW in zip(net.weights, before.weights, grads.dW):
        np.testing.assert_allclose(W_new, rule(W, dW, alpha, lam), rtol=1e-12, atol=1e-14)
    for b_new, b, db in zip(net.biases, before.biases, grads.db):
        np.testing.assert_allclose(b_new, b - alpha * db, rtol=1e-12, atol=1e-14)  # biases: no penalty


# ------------------------------------------------------------------ conventions

def test_l2_conventions():
    assert initreg.convert_l2_strength(1e-3, source="pytorch", target="article") == pytest.approx(5e-4)
    assert initreg.convert_l2_strength(1e-3, source="article", target="keras") == pytest.approx(1e-3)
    assert initreg.convert_l2_strength(2e-3, source="article", target="playground") == pytest.approx(4e-3)
    w, g = arrays((5,))
    lam, alpha = 0.01, 0.1
    wd = initreg.convert_l2_strength(lam, source="article", target="pytorch")
    np.testing.assert_allclose(initreg.l2_update(w, g, alpha, lam), w - alpha * (g + wd * w), rtol=1e-14)
    with pytest.raises(ValueError, match="article, keras, pytorch, d2l, playground"):
        initreg.convert_l2_strength(1.0, source="torch", target="article")


# ------------------------------------------------------------------ dynamics with zero data gradient

def test_l2_dynamics_are_geometric():
    w0 = np.array([-1.0, 0.3, 2.0])
    traj = initreg.penalty_dynamics(w0, 0.1, 0.5, 30, "l2")
    t = np.arange(31)[:, None]
    np.testing.assert_allclose(traj, (1 - 2 * 0.1 * 0.5) ** t * w0, rtol=1e-12)
    assert np.all(traj != 0)


def test_l1_dynamics_linear_then_band():
    alpha, lam = 0.1, 0.5
    step = alpha * lam
    w0 = np.array([0.73, -0.41])
    traj = initreg.penalty_dynamics(w0, alpha, lam, 60, "l1")
    for i, x in enumerate(w0):
        t_star = math.floor(abs(x) / step)
        t = np.arange(t_star + 1)
        np.testing.assert_allclose(traj[: t_star + 1, i], x - np.sign(x) * step * t, atol=1e-12)
        tail = traj[t_star + 1:, i]
        assert np.all(np.abs(tail) <= step + 1e-12) and np.all(tail != 0)
        np.testing.assert_allclose(tail[2:], tail[:-2], atol=1e-12)  # period two: jumping across 0
        assert np.all(np.sign(tail[1:]) != np.sign(tail[:-1]))


def test_proximal_dynamics_land_on_zero():
    alpha, lam = 0.1, 0.5
    w0 = np.array([0.73, -0.41, 0.05])
    traj = initreg.penalty_dynamics(w0, alpha, lam, 30, "l1_proximal")
    for i, x in enumerate(w0):
        t0 = math.ceil(abs(x) / (alpha * lam) - 1e-12)
        assert np.all(traj[t0:, i] == 0.0) and np.all(traj[:t0, i] != 0.0)


def test_dynamics_with_a_data_gradient_settle_where_expected():
    a, wbar, alpha, lam = 2.0, 0.8, 0.1, 0.3
    grad = lambda w: a * (w - wbar)  # noqa: E731
    l2 = initreg.penalty_dynamics(np.array([0.0]), alpha, lam, 400, "l2", data_grad=grad)
    assert l2[-1, 0] == pytest.approx(a * wbar / (a + 2 * lam), rel=1e-12)
    prox = initreg.penalty_dynamics(np.array([0.0]), alpha, lam, 400, "l1_proximal", data_grad=grad)
    assert prox[-1, 0] == pytest.approx(wbar - lam / a, rel=1e-12)


def test_playground_dynamics_carry_the_mask():
    grad = lambda w: 1.0 * (w + 1.0)  # noqa: E731  pulls toward −1
    traj = initreg.penalty_dynamics(np.array([0.13, 0.5]), 0.1, 0.3, 50, "l1_playground", data_grad=grad)
    assert np.all(traj[1:, 0] == 0.0)  # frozen at step 1, whatever the pull
    # with a zero data gradient it is the proximal step, step for step
    w0 = np.array([0.73, -0.41, 0.05, 0.0])
    np.testing.assert_array_equal(initreg.penalty_dynamics(w0, 0.1, 0.5, 30, "l1_playground"),
                                  initreg.penalty_dynamics(w0, 0.1, 0.5, 30, "l1_proximal"))


def test_dynamics_bad_input():
    with pytest.raises(ValueError, match="l2, l1, l1_proximal, l1_playground"):
        initreg.penalty_dynamics(1.0, 0.1, 0.1, 5, "l3")
    with pytest.raises(ValueError, match="steps"):
        initreg.penalty_dynamics(1.0, 0.1, 0.1, -1, "l1")
    with pytest.raises(TypeError, match="data_grad"):
        initreg.penalty_dynamics(1.0, 0.1, 0.1, 5, "l1", data_grad=3)


def test_update_rule_explorer_is_registered_and_light():
    assert "update_rule_explorer" in FIGURES
    ex = FIGURES["update_rule_explorer"]()
    assert ex.n_frames <= 120
    assert ex.retained  # setup once, update per frame


def test_update_rule_explorer_frame_shows_its_values():
    from matplotlib.colors import to_hex

    from initreg.figures.style import PENALTY_COLORS

    ex = FIGURES["update_rule_explorer"]()
    cv = ex.canvas()
    s = cv.state
    for rule, alpha_lam, steps in [("l1_proximal", 0.04, 40), ("l2", 0.08, 0), ("l1", 0.01, 60)]:
        cv.show(rule=rule, alpha_lam=alpha_lam, steps=steps)
        data = ex.compute(rule=rule, alpha_lam=alpha_lam, steps=steps)
        color = PENALTY_COLORS["l2" if rule == "l2" else "l1"]
        assert s["ax"].get_title().endswith(f"αλ = {alpha_lam:g}")
        assert s["bx"].get_title().startswith(f"3000 weights at t = {steps}: ")
        assert f"{data['inside']:.0%} in ±αλ" in s["bx"].get_title()
        for i, line in enumerate(s["lines"]):
            np.testing.assert_array_equal(line.get_ydata(), data["fan"][:, i])
            assert to_hex(line.get_color()) == to_hex(color)
            assert line.get_linestyle() == ("--" if rule == "l1_proximal" else "-")
        assert list(s["mark"].get_xdata()) == [steps, steps]
        counts, edges = np.histogram(data["pop"], np.linspace(-0.6, 0.6, 121))
        np.testing.assert_array_equal(s["hist"].get_data().values, counts)
        assert to_hex(s["hist"].get_facecolor()) == to_hex(s["leg_patch"].get_facecolor()) == to_hex(color)
        assert s["leg_text"].get_text() == f"$w_{{{steps}}}$"
        assert s["band"].get_y() == pytest.approx(-alpha_lam) and s["band"].get_height() == pytest.approx(2 * alpha_lam)
        assert s["bx_band"].get_x() == pytest.approx(-alpha_lam)
    # the legend is drawn as plain artists: no Legend left to lay out at every frame
    assert s["bx"].get_legend() is None
    assert [t.get_text() for t in s["bx"].texts] == ["$w_0$", "$w_{60}$"]


def test_plot_penalty_dynamics_draws_one_panel_per_rule():
    fig = initreg.plot_penalty_dynamics(0.1, 0.2, [-0.5, 0.2, 0.5], 30)
    axes = fig.axes
    assert len(axes) == 3
    for ax in axes:
        assert len([ln for ln in ax.get_lines() if len(ln.get_xdata()) == 31]) == 3


# ------------------------------------------------------------------ exact minimizers

def problem(m, p, seed):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(m, p)) @ np.diag(rng.uniform(0.5, 2.0, p))
    w_true = rng.normal(size=p) * (rng.random(p) < 0.5)
    y = X @ w_true + 0.5 * rng.normal(size=m)
    return X, y


def gradient(X, y, w):
    return X.T @ (X @ w - y) / X.shape[0]


@pytest.mark.parametrize("m,p,seed", [(50, 2, 0), (80, 8, 1), (30, 60, 2), (200, 25, 3)])
@pytest.mark.parametrize("frac", [0.02, 0.2, 0.7])
def test_l1_minimizer_satisfies_kkt(m, p, seed, frac):
    X, y = problem(m, p, seed)
    lam = frac * initreg.lasso_lambda_max(X, y)
    w = initreg.regularized_minimizer(X, y, "l1", lam)
    g = gradient(X, y, w)
    nz = w != 0
    assert np.all(np.abs(g[~nz]) <= lam + 1e-8)
    np.testing.assert_allclose(g[nz], -lam * np.sign(w[nz]), atol=1e-8)
    assert initreg.kkt_violation(X, y, w, "l1", lam) <= 1e-8


@pytest.mark.parametrize("m,p,seed", [(50, 2, 0), (30, 60, 2), (200, 25, 3)])
def test_l2_minimizer_has_zero_gradient(m, p, seed):
    X, y = problem(m, p, seed)
    for lam in (1e-4, 0.1, 10.0):
        w = initreg.regularized_minimizer(X, y, "l2", lam)
        np.testing.assert_allclose(gradient(X, y, w) + 2 * lam * w, 0.0, atol=1e-10)
        assert np.all(w != 0)


@pytest.mark.parametrize("m,p,seed", [(60, 5, 4), (40, 80, 5)])
def test_against_scikit_learn(m, p, seed):
    X, y = problem(m, p, seed)
    lam = 0.1 * initreg.lasso_lambda_max(X, y)
    lasso = Lasso(alpha=lam, fit_intercept=False, tol=1e-14, max_iter=1_000_000).fit(X, y).coef_
    np.testing.assert_allclose(initreg.regularized_minimizer(X, y, "l1", lam), lasso, atol=1e-7)
    ridge = Ridge(alpha=2 * m * lam, fit_intercept=False, solver="cholesky").fit(X, y).coef_
    np.testing.assert_allclose(initreg.regularized_minimizer(X, y, "l2", lam), ridge, rtol=1e-9, atol=1e-12)


def test_unpenalized_is_least_squares_and_minimum_norm():
    X, y = problem(40, 4, 6)
    np.testing.assert_allclose(initreg.regularized_minimizer(X, y, "none", 0.0), np.linalg.solve(X.T @ X, X.T @ y),
                               rtol=1e-10)
    Xd = np.c_[X, X[:, :1]]  # a repeated column: many minimizers
    w = initreg.regularized_minimizer(Xd, y, "none", 0.0)
    np.testing.assert_allclose(w, np.linalg.pinv(Xd) @ y, rtol=1e-8)
    assert initreg.kkt_violation(Xd, y, w, "none", 0.0) < 1e-10
    # penalty "none" ignores λ; λ = 0 with L1 or L2 is least squares too
    np.testing.assert_allclose(initreg.regularized_minimizer(X, y, "l1", 0.0), initreg.regularized_minimizer(X, y, "none", 5.0))


def test_lambda_max_zeroes_everything():
    X, y = problem(50, 6, 7)
    lmax = initreg.lasso_lambda_max(X, y)
    assert np.all(initreg.regularized_minimizer(X, y, "l1", lmax) == 0.0)
    assert np.count_nonzero(initreg.regularized_minimizer(X, y, "l1", lmax * (1 - 1e-6))) == 1


def test_objective_is_minimal_at_the_minimizer():
    X, y = problem(40, 5, 8)
    rng = np.random.default_rng(0)
    for pen in ("l1", "l2"):
        w = initreg.regularized_minimizer(X, y, pen, 0.1)
        best = initreg.regularized_objective(X, y, w, pen, 0.1)
        for _ in range(20):
            assert initreg.regularized_objective(X, y, w + 1e-3 * rng.normal(size=5), pen, 0.1) > best


@pytest.mark.parametrize("kwargs,match", [
    (dict(lam=-0.1), "lam must be >= 0"),
    (dict(lam=float("inf")), "lam must be finite"),
    (dict(lam=float("nan")), "lam must be finite"),
    (dict(penalty="lasso"), "penalty must be one of none, l1, l2"),
    (dict(y=np.ones(9)), "same number of rows"),
    (dict(X=np.ones(10)), "X must have 2 dimension"),
    (dict(y=np.ones((10, 1))), "y must have 1 dimension"),
    (dict(X=np.r_[np.full((1, 3), np.nan), np.ones((9, 3))]), "X must contain only finite"),
    (dict(y=np.r_[np.nan, np.ones(9)]), "y must contain only finite"),
    (dict(X=np.ones((10, 0))), "at least one row and one column"),
])
def test_minimizer_bad_input(kwargs, match):
    args = dict(X=np.random.default_rng(0).normal(size=(10, 3)), y=np.ones(10), penalty="l1", lam=0.1)
    args.update(kwargs)
    with pytest.raises(ValueError, match=match):
        initreg.regularized_minimizer(**args)


def test_minimizer_bad_types():
    with pytest.raises(TypeError, match="lam"):
        initreg.regularized_minimizer(np.ones((3, 2)), np.ones(3), "l1", "0.1")
    with pytest.raises(TypeError, match="penalty"):
        initreg.regularized_minimizer(np.ones((3, 2)), np.ones(3), None, 0.1)


# ------------------------------------------------------------------ paths

def test_regularization_path_rows_are_minimizers():
    X, y = problem(60, 6, 9)
    lams = np.geomspace(1e-3, 2.0, 12)
    for pen in ("l1", "l2"):
        W = initreg.regularization_path(X, y, pen, lams)
        for lam, w in zip(lams, W):
            assert initreg.kkt_violation(X, y, w, pen, lam) < 1e-9
    W2 = initreg.regularization_path(X, y, "l2", np.geomspace(1e-3, 1e4, 30))
    assert np.all(W2 != 0)  # L2 shrinks, never zeroes
    with pytest.raises(ValueError, match="lams"):
        initreg.regularization_path(X, y, "l1", [0.1, -0.1])


@pytest.mark.parametrize("m,p,seed", [(442, 10, None), (80, 6, 10), (25, 40, 11)])
def test_lasso_path_matches_lars_and_minimizer(m, p, seed):
    if seed is None:
        X, y = initreg.diabetes_features(("age", "sex", "bmi", "bp", "s1", "s2", "s3", "s4", "s5", "s6"))
    else:
        X, y = problem(m, p, seed)
    path = initreg.lasso_path(X, y)
    alphas, _, coefs = lars_path(X, y, method="lasso")
    np.testing.assert_allclose(path.lams, alphas, rtol=1e-9, atol=1e-13)
    np.testing.assert_allclose(path.coefs, coefs.T, atol=1e-9)
    assert path.lams[0] == pytest.approx(initreg.lasso_lambda_max(X, y), rel=1e-14)
    rng = np.random.default_rng(0)
    for lam in rng.uniform(0.01, 1.2, 6) * path.lams[0]:
        np.testing.assert_allclose(path.at(lam), initreg.regularized_minimizer(X, y, "l1", lam), atol=1e-9)


def test_zero_lambda_is_where_a_coordinate_stays_zero():
    X, y = problem(100, 5, 12)
    path = initreg.lasso_path(X, y)
    for j, lz in enumerate(path.zero_lambda):
        if lz == 0:
            continue
        above = initreg.regularized_minimizer(X, y, "l1", lz * (1 + 1e-9))
        below = initreg.regularized_minimizer(X, y, "l1", lz * (1 - 1e-6))
        assert above[j] == 0.0 and below[j] != 0.0


def test_lasso_path_with_a_repeated_column_is_still_optimal():
    X, y = problem(40, 3, 13)
    Xd = np.c_[X, X[:, 0]]  # the minimizer is not unique; the path must still be one of them
    path = initreg.lasso_path(Xd, y)
    for lam, w in zip(path.lams, path.coefs):
        assert initreg.kkt_violation(Xd, y, w, "l1", lam) < 1e-10
