"""Deep linear networks (initreg.deeplinear): the task's loss against the data, the gradients
against finite differences, the study's fast path against plain gradient descent, the
orthogonal product's singular values, the figure, and bad inputs."""

import numpy as np
import pytest

import initreg
from initreg.explorable import Explorable


@pytest.fixture(scope="module")
def small_task():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((200, 6))
    Y = X @ rng.standard_normal((6, 3)) + 0.3 * rng.standard_normal((200, 3))
    return X, Y, initreg.linear_task(X, Y, name="random")


def test_the_task_is_the_least_squares_loss_of_its_data(small_task):
    X, Y, task = small_task
    W = np.random.default_rng(1).standard_normal((3, 6))
    direct = 0.5 * np.mean(np.sum((X @ W.T - Y) ** 2, axis=1))
    assert task.loss(W) == pytest.approx(direct, rel=1e-12)
    stack = np.stack([W, 2 * W])
    np.testing.assert_allclose(task.loss(stack), [task.loss(W), task.loss(2 * W)], rtol=1e-12)
    lstsq = np.linalg.lstsq(X, Y, rcond=None)[0].T
    np.testing.assert_allclose(task.optimum, lstsq, atol=1e-10)
    assert task.loss_star == pytest.approx(0.5 * np.mean(np.sum((X @ lstsq.T - Y) ** 2, axis=1)), rel=1e-10)
    assert task.c == pytest.approx(task.loss(np.zeros((3, 6))))
    assert task.threshold(0.5) == pytest.approx((task.loss_star + task.c) / 2)


def test_the_digits_task_is_whitened_and_its_optimum_is_the_least_squares_map():
    task = initreg.digits_linear_task(12)
    assert (task.n_in, task.n_out) == (12, 10)
    np.testing.assert_allclose(task.sxx, np.eye(12), atol=1e-12)
    np.testing.assert_allclose(task.optimum, task.syx, atol=1e-12)  # Σxx = I
    assert task.lambda_max == pytest.approx(1.0, abs=1e-12)
    # the optimum's loss, from the data themselves: least squares on the whitened components
    d = initreg.load_digits(seed=0)
    evals, evecs = np.linalg.eigh(d.X_train.T @ d.X_train / len(d.y_train))
    top = np.argsort(evals)[::-1][:12]
    Z = d.X_train @ evecs[:, top] / np.sqrt(evals[top])
    Y = np.eye(10)[d.y_train]
    B = np.linalg.lstsq(Z, Y, rcond=None)[0]
    assert task.loss_star == pytest.approx(0.5 * np.mean(np.sum((Z @ B - Y) ** 2, axis=1)), rel=1e-9)
    assert initreg.digits_linear_task(12) is task  # cached


def test_scaling_the_labels_scales_the_optimum_and_the_losses():
    task, big = initreg.digits_linear_task(12), initreg.digits_linear_task(12, target_scale=10)
    np.testing.assert_allclose(big.sxx, task.sxx, atol=1e-12)
    np.testing.assert_allclose(big.optimum, 10 * task.optimum, atol=1e-12)
    assert big.c == pytest.approx(100 * task.c) and big.loss_star == pytest.approx(100 * task.loss_star)
    # the labels sum to 1 and the inputs are centred: W* has rank n_out − 1
    s = np.linalg.svd(big.optimum, compute_uv=False)
    assert s[-1] < 1e-12 * s[0] and s[-2] > 0.1


def test_the_gradients_are_the_finite_differences_of_the_loss(small_task):
    _, _, task = small_task
    ws = initreg.deep_linear_weights(task, 4, "xavier", width=5, rng=np.random.default_rng(2))
    J, grads = initreg.deep_linear_gradients(ws, task)
    assert J == pytest.approx(task.loss(initreg.deep_linear_product(ws)))
    rng = np.random.default_rng(3)
    eps = 1e-6
    for l, w in enumerate(ws):
        for _ in range(3):
            i, j = rng.integers(w.shape[0]), rng.integers(w.shape[1])
            plus = [x.copy() for x in ws]
            minus = [x.copy() for x in ws]
            plus[l][i, j] += eps
            minus[l][i, j] -= eps
            J_plus = task.loss(initreg.deep_linear_product(plus))
            fd = (J_plus - task.loss(initreg.deep_linear_product(minus))) / (2 * eps)
            assert grads[l][i, j] == pytest.approx(fd, rel=1e-6, abs=1e-9)


def test_the_product_is_the_matrix_product_and_orthogonal_layers_keep_every_singular_value():
    task = initreg.digits_linear_task(16)
    ws = initreg.deep_linear_weights(task, 6, "orthogonal", width=16, rng=np.random.default_rng(4))
    assert [w.shape for w in ws] == [(16, 16)] * 5 + [(10, 16)]
    W = initreg.deep_linear_product(ws)
    np.testing.assert_allclose(W, np.linalg.multi_dot(ws[::-1]), atol=1e-12)
    np.testing.assert_allclose(np.linalg.svd(W, compute_uv=False), 1.0, atol=1e-12)
    g = initreg.deep_linear_weights(task, 6, "xavier", width=16, rng=np.random.default_rng(4))
    sv = np.linalg.svd(initreg.deep_linear_product(g), compute_uv=False)
    assert sv[0] / sv[-1] > 10  # a Gaussian product's singular values spread


def _plain_steps(task, ws, lr, threshold, max_steps):
    """Gradient descent with deep_linear_gradients, step by step: the steps to the threshold."""
    ws = [w.copy() for w in ws]
    start = None
    for t in range(max_steps + 1):
        J, grads = initreg.deep_linear_gradients(ws, task)
        start = J if start is None else start
        if J <= threshold:
            return t
        if J > initreg.DEEP_LINEAR_DIVERGED * max(start, task.c):  # diverged: the study stops it too
            return np.inf
        ws = [w - lr * g for w, g in zip(ws, grads)]
    return np.inf


def test_the_study_counts_the_steps_of_plain_gradient_descent():
    task = initreg.digits_linear_task(8)
    st = initreg.deep_linear_study(task, depths=(2, 5), rates=(0.5, 2.0), seeds=(0, 1), width=8, max_steps=300)
    assert st.steps.shape == (2, 2, 2, 2)
    for i, init in enumerate(st.inits):
        for d, depth in enumerate(st.depths):
            for r, rate in enumerate(st.rates):
                for s, seed in enumerate(st.seeds):
                    ws = initreg.deep_linear_weights(task, depth, init, width=8,
                                                     rng=np.random.default_rng([seed, depth]))
                    lr = rate / (depth * task.lambda_max)
                    assert st.steps[i, d, r, s] == _plain_steps(task, ws, lr, st.threshold_loss, 300)
    assert st.threshold_loss == pytest.approx(task.threshold(0.1))
    # the best rate has the fewest median steps
    for init in st.inits:
        for depth in st.depths:
            rate = st.best_rate(init, depth)
            med = np.median(st.steps[st.inits.index(init), st.depths.index(depth)], axis=1)
            if rate is None:
                assert np.isinf(med).all()
            else:
                assert med[st.rates.index(rate)] == med.min() < np.inf
    assert "orthogonal: median steps" in repr(st.table())


def test_a_run_that_explodes_is_marked_diverged_and_a_depth_nobody_reaches_has_no_best_rate():
    task = initreg.digits_linear_task(8)
    st = initreg.deep_linear_study(task, depths=(4,), inits=("xavier",), rates=(1.0, 200.0), seeds=(0, 1), width=8,
                                   max_steps=200)
    assert st.diverged[0, 0, 1].all() and np.isinf(st.steps[0, 0, 1]).all()
    assert not st.diverged[0, 0, 0].any()
    none = initreg.deep_linear_study(task, depths=(4,), inits=("xavier",), rates=(1.0,), seeds=(0,), width=8,
                                     max_steps=1)
    assert none.best_rate("xavier", 4) is None and np.isinf(none.best_steps("xavier", 4)).all()
    assert "—" in repr(none.table())


def test_orthogonal_starts_are_perfectly_conditioned():
    task = initreg.digits_linear_task(8)
    st = initreg.deep_linear_study(task, depths=(3, 9), rates=(1.0,), seeds=(0, 1, 2), width=8, max_steps=50)
    np.testing.assert_allclose(st.condition("orthogonal"), 1.0, atol=1e-10)
    assert np.median(st.condition("xavier")[1]) > np.median(st.condition("xavier")[0])


def test_the_figure_draws():
    task = initreg.digits_linear_task(8)
    st = initreg.deep_linear_study(task, depths=(2, 4), rates=(1.0, 2.0), seeds=(0, 1), width=8, max_steps=100)
    ex = initreg.plot_deep_linear({"width 8": st})
    assert isinstance(ex, Explorable) and [p.name for p in ex.panels] == ["steps", "spectrum"]
    assert ex.check() == 2


@pytest.mark.parametrize("call, exc, words", [
    (lambda t: initreg.deep_linear_study(t, depths=(0, 2)), ValueError, "depths[0]"),
    (lambda t: initreg.deep_linear_study(t, inits=("bogus",)), ValueError, "inits[0] must be one of"),
    (lambda t: initreg.deep_linear_study(t, rates=(-1.0,)), ValueError, "rates[0]"),
    (lambda t: initreg.deep_linear_study(t, rates=()), ValueError, "rates must be"),
    (lambda t: initreg.deep_linear_study(t, fraction=0.0), ValueError, "fraction"),
    (lambda t: initreg.deep_linear_study(t, seeds=(1, 1)), ValueError, "seeds must not repeat"),
    (lambda t: initreg.deep_linear_study(t, width=0), ValueError, "width"),
    (lambda t: initreg.deep_linear_study("task"), TypeError, "task"),
    (lambda t: initreg.digits_linear_task(65), ValueError, "components must be at most 64"),
    (lambda t: initreg.digits_linear_task(0), ValueError, "components"),
    (lambda t: initreg.digits_linear_task(8, target_scale=0), ValueError, "target_scale"),
    (lambda t: initreg.linear_task(np.ones((3, 2)), np.ones((4, 1))), ValueError, "same positive number of rows"),
    (lambda t: t.loss(np.ones((2, 2))), ValueError, "W must have shape"),
    (lambda t: initreg.deep_linear_weights(t, 3, "xavier", width=4, rng=0), TypeError, "rng"),
    (lambda t: initreg.deep_linear_gradients([np.ones((3, 2))], t), ValueError, "the network maps"),
    (lambda t: initreg.deep_linear_product([np.ones((3, 2)), np.ones((2, 2))]), ValueError, "weights[1] has 2 columns"),
    (lambda t: initreg.plot_deep_linear({}), TypeError, "studies"),
])
def test_bad_inputs_are_refused_by_name(call, exc, words):
    task = initreg.digits_linear_task(8)
    with pytest.raises(exc, match=words.replace("[", r"\[").replace("]", r"\]")):
        call(task)
