"""Penalties, update rules and their dynamics (the exact least-squares minimizers: test_minimizers.py)."""

import math

import numpy as np
import pytest

import initreg
import initreg.figures  # noqa: F401  (registers the book's figures)
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


@pytest.mark.parametrize("rule", initreg.DYNAMICS_RULES)
def test_penalty_alone_is_the_dynamics_with_the_data_off(rule):
    w0 = np.array([[0.73, -0.41], [0.05, 0.0]])
    run = initreg.penalty_alone(w0, 0.05, 30, rule)
    assert run.rule == rule and run.alpha_lam == 0.05 and run.steps == 30 and run.w.shape == (31, 2, 2)
    np.testing.assert_array_equal(run.w, initreg.penalty_dynamics(w0, 1.0, 0.05, 30, rule))
    # only the product αλ acts: α = 0.1, λ = 0.5 takes the same steps, up to rounding
    np.testing.assert_allclose(run.w, initreg.penalty_dynamics(w0, 0.1, 0.5, 30, rule), rtol=0, atol=1e-15)


def test_penalty_alone_shares_are_counted_and_runs_cached():
    rng = np.random.default_rng(3)
    w0 = rng.normal(0.0, 0.25, 500)
    run = initreg.penalty_alone(w0, 0.02, 40, "l1_proximal")
    for t in (0, 7, 40):
        w = initreg.penalty_dynamics(w0, 1.0, 0.02, t, "l1_proximal")[-1]
        assert run.zero_fraction(t) == sum(x == 0.0 for x in w) / 500
        assert run.band_fraction(t) == sum(abs(x) <= 0.02 for x in w) / 500
    assert run.zero_fraction(0) == 0.0 < run.zero_fraction(7) < run.zero_fraction(40)
    l1 = initreg.penalty_alone(w0, 0.02, 40, "l1")
    assert l1.zero_fraction(40) == 0.0 and l1.band_fraction(40) > 0.9  # near 0, never at 0
    assert initreg.penalty_alone(list(w0), 0.02, 40, "l1_proximal") is run  # cached, whatever the container
    assert initreg.penalty_alone(w0, 0.03, 40, "l1_proximal") is not run
    with pytest.raises(ValueError, match="read-only"):
        run.w[0, 0] = 1.0


@pytest.mark.parametrize("args, exc, match", [
    (([1.0], 0.1, 5, "l3"), ValueError, "l2, l1, l1_proximal, l1_playground"),
    (([1.0], -0.1, 5, "l1"), ValueError, "alpha_lam"),
    (([1.0], 0.1, 2.5, "l1"), ValueError, "steps"),
    (([np.nan], 0.1, 5, "l1"), ValueError, "finite"),
    (("w", 0.1, 5, "l1"), TypeError, "w0"),
])
def test_penalty_alone_bad_input(args, exc, match):
    with pytest.raises(exc, match=match):
        initreg.penalty_alone(*args)


def test_penalty_alone_step_out_of_range():
    run = initreg.penalty_alone([0.3], 0.1, 5, "l1")
    with pytest.raises(ValueError, match="at most the run's 5 steps"):
        run.zero_fraction(6)
    with pytest.raises(ValueError, match="non-negative integer"):
        run.band_fraction(-1)
    empty = initreg.penalty_alone(np.zeros(0), 0.1, 5, "l1")  # the iterates of no weights, as penalty_dynamics
    assert empty.w.shape == (6, 0)
    with pytest.raises(ValueError, match="no weights"):
        empty.zero_fraction(2)


# ------------------------------------------------------------------ the chapter's figures

def test_update_rule_explorer_controls_and_panels():
    from initreg.explorable import MIN_POSITIONS

    assert "update_rule_explorer" in FIGURES
    ex = FIGURES["update_rule_explorer"]()
    rule, alpha_lam, steps = ex.controls
    assert rule.grid == list(initreg.RULES)
    assert alpha_lam.kind == "strength" and len(alpha_lam.values) >= MIN_POSITIONS
    ratios = np.diff(np.log(alpha_lam.values))
    assert np.all(ratios > 0) and np.ptp(ratios) < 0.1, "a log grid (values rounded to two digits)"
    assert all(alpha_lam.describe(x) == f"{x:g}" for x in alpha_lam.values), "the slider shows the value used"
    assert steps.kind == "time" and steps.play and len(steps.values) >= MIN_POSITIONS
    trajectories, histogram = ex.panels
    assert trajectories.depends == ("rule", "alpha_lam") and trajectories.cursor == "steps"
    assert histogram.depends is None  # every control
    assert sum(p.width for p in ex.panels) <= 7.2 and all(p.width <= 4.5 for p in ex.panels)
    assert ex.n_renders == 3 * len(alpha_lam.values) * (1 + len(steps.values))


@pytest.mark.parametrize("rule, alpha_lam, steps", [("l1_proximal", 0.04, 40), ("l2", 0.08, 0), ("l1", 0.01, 60),
                                                    ("l1", 0.02, 20)])
def test_update_rule_explorer_frame_shows_its_values(rule, alpha_lam, steps):
    from matplotlib.colors import to_hex

    from initreg.figures.style import PENALTY_COLORS

    ex = FIGURES["update_rule_explorer"]()
    cv = ex.canvas()
    cv.show(ex.values(rule=rule, alpha_lam=alpha_lam, steps=steps))
    s = cv.state
    data = ex.compute(rule=rule, alpha_lam=alpha_lam, steps=steps)
    fan, sample = data["fan"], data["sample"]
    assert fan.w[0].tolist() == [-0.5, -0.3, -0.1, 0.1, 0.3, 0.5] and sample.w.shape[1] == 3000
    np.testing.assert_array_equal(fan.w, initreg.penalty_dynamics(fan.w[0], 1.0, alpha_lam, 60, rule))
    np.testing.assert_array_equal(sample.w, initreg.penalty_dynamics(sample.w[0], 1.0, alpha_lam, 60, rule))
    color = PENALTY_COLORS["l2" if rule == "l2" else "l1"]
    tr = s["tr"]
    assert tr.ax.get_title() == f"{initreg.RULE_LABELS[rule]}, αλ = {alpha_lam:g}"
    for i, line in enumerate(tr.lines):
        np.testing.assert_array_equal(line.get_ydata(), fan.w[:, i])
        assert to_hex(line.get_color()) == to_hex(color)
        assert line.get_linestyle() == ("--" if rule == "l1_proximal" else "-")
    assert tr.band.get_y() == pytest.approx(-alpha_lam) and tr.band.get_height() == pytest.approx(2 * alpha_lam)
    assert list(s["cursor"].get_xdata()) == [steps, steps]
    # the histogram: the weights at step t other than exact zeros, and a stem as tall as the zeros
    w = sample.w[steps]
    edges = (np.arange(-60, 62) - 0.5) * 0.01
    np.testing.assert_array_equal(s["hist"].get_data().values, np.histogram(w[w != 0], edges)[0])
    zeros = int(np.sum(w == 0))
    assert s["stem"].get_visible() == (zeros > 0)
    if zeros:
        assert s["stem"].get_ydata()[1] == zeros
    assert to_hex(s["hist"].get_facecolor()) == to_hex(s["key"].get_facecolor()) == to_hex(color)
    assert s["band"].get_x() == pytest.approx(-alpha_lam) and s["band"].get_width() == pytest.approx(2 * alpha_lam)
    title = s["bx"].get_title()
    assert title.startswith("exactly 0: ") and ", in ±αλ: " in title
    assert title.endswith(f"{round(100 * np.mean(np.abs(w) <= alpha_lam))}%")


def test_update_rule_explorer_shares_say_0_and_100_only_when_exact():
    from initreg.figures.update_rules import _share

    assert [_share(x) for x in (0.0, 0.001, 0.004, 0.5, 0.996, 1.0)] == ["0%", "<1%", "<1%", "50%", ">99%", "100%"]


def test_plot_penalty_dynamics_draws_one_panel_per_rule():
    w0, alpha, lam, steps = [-0.5, 0.2, 0.5], 0.1, 0.2, 30
    ex = initreg.plot_penalty_dynamics(alpha, lam, w0, steps)
    assert [p.name for p in ex.panels] == list(initreg.RULES) and ex.controls == ()
    assert sum(p.width for p in ex.panels) <= 7.2
    cv = ex.canvas()
    for rule in initreg.RULES:
        (ax,) = cv.panels[rule].axes
        lines = [ln for ln in ax.get_lines() if len(ln.get_xdata()) == steps + 1]
        assert len(lines) == 3
        traj = initreg.penalty_dynamics(w0, alpha, lam, steps, rule)
        for i, line in enumerate(lines):
            np.testing.assert_array_equal(line.get_ydata(), traj[:, i])
        lo, hi = ax.get_ylim()
        assert all(lo <= t <= hi for t in ax.get_yticks()), "no tick label outside the axes"
    assert "left" not in ex.caption.lower() and "right" not in ex.caption.lower()
    assert ex.check() == 3


@pytest.mark.parametrize("args, exc, match", [
    ((0.1, 0.2, [], 30), ValueError, "at least one"),
    ((0.1, 0.2, [[0.1]], 30), ValueError, "dimension"),
    ((-0.1, 0.2, [0.1], 30), ValueError, "alpha"),
    ((0.1, 0.2, [0.1], 0), ValueError, "steps"),
])
def test_plot_penalty_dynamics_bad_input(args, exc, match):
    with pytest.raises(exc, match=match):
        initreg.plot_penalty_dynamics(*args)


def test_penalty_names_its_parameter_and_the_choices():
    with pytest.raises(ValueError, match="name must be one of none, l1, l2; got 'l3'"):
        initreg.penalty("l3", 0.1)
    with pytest.raises(ValueError, match="penalty must be one of none, l1, l2"):  # train's own argument
        net = initreg.Network([2, 3, 1], "tanh", "sigmoid", rng=np.random.default_rng(0))
        initreg.train(net, np.zeros((4, 2)), np.zeros(4), epochs=1, lr=0.1, penalty="l3", lam=0.1)
