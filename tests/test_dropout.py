"""Input dropout on linear regression as a ridge penalty (initreg.dropout), checked against
exact enumeration of every mask, SymPy and sampling; and dropout in the training loop
(initreg.train(dropout=p)) against a step computed by hand with the same masks."""

import itertools

import numpy as np
import pytest

import initreg


def data(m=6, n=3, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(m, n)) * np.array([1.0, 3.0, 0.2])[:n]
    return X, rng.normal(size=m), rng.normal(size=n)


def every_mask(shape, p):
    """Every 0/1 mask of ``shape`` with its probability under Bernoulli(1 − p) keeps."""
    k = int(np.prod(shape))
    for bits in itertools.product((0.0, 1.0), repeat=k):
        b = np.array(bits).reshape(shape)
        yield b, (1 - p) ** b.sum() * p ** (k - b.sum())


@pytest.mark.parametrize("p", [0.0, 0.2, 0.5, 0.8])
def test_the_closed_form_is_the_exact_mean_over_every_mask(p):
    X, y, w = data(m=3, n=3)
    m = X.shape[0]
    loss = np.zeros(())
    grad = np.zeros(3)
    total = 0.0
    for b, prob in every_mask(X.shape, p):
        Xd = X * b / (1 - p)
        r = Xd @ w - y
        loss = loss + prob * (r @ r) / (2 * m)
        grad = grad + prob * Xd.T @ r / m
        total += prob
    assert total == pytest.approx(1.0, abs=1e-12)
    assert initreg.expected_dropout_loss(X, y, w, p) == pytest.approx(float(loss), rel=1e-12)
    np.testing.assert_allclose(initreg.expected_dropout_gradient(X, y, w, p), grad, rtol=1e-11, atol=1e-13)


def test_the_ridge_weights_are_p_over_1_minus_p_times_the_column_scale():
    X, _, _ = data(m=10)
    p = 0.3
    np.testing.assert_allclose(initreg.dropout_ridge_weights(X, p),
                               [p / (1 - p) * np.sum(X[:, j] ** 2) / (2 * 10) for j in range(3)], rtol=1e-14)
    assert np.all(initreg.dropout_ridge_weights(X, 0.0) == 0)


@pytest.mark.parametrize("p", [0.0, 0.1, 0.6])
def test_the_minimizer_solves_the_expected_normal_equations(p):
    X, y, _ = data(m=20)
    w = initreg.dropout_ridge_minimizer(X, y, p)
    np.testing.assert_allclose(initreg.expected_dropout_gradient(X, y, w, p), 0.0, atol=1e-12)
    lam = initreg.dropout_ridge_weights(X, p)
    direct = np.linalg.solve(X.T @ X / 20 + 2 * np.diag(lam), X.T @ y / 20)
    np.testing.assert_allclose(w, direct, rtol=1e-11)


def test_on_standardized_inputs_dropout_is_ridge_at_p_over_2_1_minus_p():
    X, y = initreg.diabetes_features(("bmi", "bp", "s5"))
    p = 0.4
    np.testing.assert_allclose(initreg.dropout_ridge_weights(X, p), p / (2 * (1 - p)), rtol=1e-12)
    np.testing.assert_allclose(initreg.dropout_ridge_minimizer(X, y, p),
                               initreg.regularized_minimizer(X, y, "l2", p / (2 * (1 - p))), rtol=1e-12)


def test_sympy_derives_the_expectation():
    assert initreg.dropout_expectation(2) == 0


def test_sampling_agrees_with_the_closed_form_and_rejects_p_without_the_inversion():
    X, y, w = data(m=40, seed=3)
    p = 0.3
    s = initreg.sampled_dropout(X, y, w, p, n_masks=3000, rng=np.random.default_rng(4))
    assert abs(s.loss_z) < 4 and np.abs(s.grad_z).max() < 4
    lam = initreg.dropout_ridge_weights(X, p)
    wrong = s.expected_loss - (lam @ w**2) * p  # the weight p·Σx²/(2m)
    assert abs((s.loss - wrong) / s.loss_se) > 10
    assert np.linalg.norm(s.minimizer - s.expected_minimizer) < 0.1 * np.linalg.norm(
        s.expected_minimizer - initreg.regularized_minimizer(X, y, "none", 0.0))
    again = initreg.sampled_dropout(X, y, w, p, n_masks=3000, rng=np.random.default_rng(4))
    assert again.loss == s.loss, "the masks come from rng alone"


@pytest.mark.parametrize("call, match", [
    (lambda X, y, w: initreg.dropout_ridge_weights(X, 1.0), r"p must be in \[0, 1\)"),
    (lambda X, y, w: initreg.dropout_ridge_weights(X, -0.1), "p must be >= 0"),
    (lambda X, y, w: initreg.expected_dropout_loss(X, y[:-1], w, 0.1), "as many rows"),
    (lambda X, y, w: initreg.expected_dropout_loss(X, y, w[:-1], 0.1), "one entry per column"),
    (lambda X, y, w: initreg.sampled_dropout(X, y, w, 0.1, n_masks=1, rng=np.random.default_rng(0)),
     "n_masks must be at least 2"),
    (lambda X, y, w: initreg.dropout_ridge_minimizer(np.c_[X, np.zeros(len(y))], y, 0.1), "nonzero entry"),
])
def test_bad_inputs_are_named(call, match):
    X, y, w = data()
    with pytest.raises(ValueError, match=match):
        call(X, y, w)


def test_sampled_dropout_needs_a_generator():
    X, y, w = data()
    with pytest.raises(TypeError, match="rng must be a numpy.random.Generator"):
        initreg.sampled_dropout(X, y, w, 0.1, n_masks=10, rng=0)


# ------------------------------------------------------------------------ dropout in train
def test_trains_dropout_step_is_the_dropped_networks_step_by_hand():
    """One full-batch step with dropout: the masks are (rng.random((m, n)) >= p)/(1 − p), drawn
    from the run's generator, and the step is the gradient of the dropped network."""
    rng = np.random.default_rng(5)
    X, y = rng.normal(size=(7, 4)), rng.integers(0, 3, 7)
    net = initreg.Network([4, 6, 3], "tanh", rng=np.random.default_rng(6))
    W1, b1, W2, b2 = (a.copy() for a in (net.weights[0], net.biases[0], net.weights[1], net.biases[1]))
    p, lr = 0.4, 0.3
    mask = (np.random.default_rng(7).random((7, 6)) >= p) / (1 - p)
    initreg.train(net, X, y, epochs=1, lr=lr, dropout=p, rng=np.random.default_rng(7))
    a1 = np.tanh(X @ W1.T + b1)
    h = a1 * mask
    z = h @ W2.T + b2
    P = np.exp(z - z.max(axis=1, keepdims=True))
    P /= P.sum(axis=1, keepdims=True)
    d2 = (P - np.eye(3)[y]) / 7
    d1 = (d2 @ W2) * mask * (1 - a1**2)
    np.testing.assert_allclose(net.weights[1], W2 - lr * d2.T @ h, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(net.biases[1], b2 - lr * d2.sum(axis=0), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(net.weights[0], W1 - lr * d1.T @ X, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(net.biases[0], b1 - lr * d1.sum(axis=0), rtol=1e-12, atol=1e-14)


def test_a_dropout_run_is_its_generators():
    digits = initreg.load_digits(seed=0).subset(60, rng=np.random.default_rng(0))
    nets = [initreg.Network([64, 16, 10], "tanh", rng=np.random.default_rng(1)) for _ in range(3)]
    for net, seed in zip(nets, (2, 2, 3)):
        initreg.train(net, digits.X_train, digits.y_train, epochs=3, lr=0.5, dropout=0.5,
                      rng=np.random.default_rng(seed))
    np.testing.assert_array_equal(nets[0].weights[0], nets[1].weights[0])
    assert not np.array_equal(nets[0].weights[0], nets[2].weights[0])
