"""Adam and AdamW (initreg.adam_update and train(optimizer="adam")), and dropout in train."""

import math

import numpy as np
import pytest

import initreg


@pytest.mark.parametrize("lam, decay", [(0.0, 0.0), (0.05, 0.0), (0.0, 0.1), (0.05, 0.1)])
def test_adam_update_is_the_algorithm(lam, decay):
    rng = np.random.default_rng(0)
    w, m, v = rng.normal(size=(4, 3)), np.zeros((4, 3)), np.zeros((4, 3))
    wh, mh, vh = w.copy(), m.copy(), v.copy()
    for t in range(1, 6):
        g = rng.normal(size=w.shape)
        w, m, v = initreg.adam_update(w, g, m, v, t, alpha=0.01, lam=lam, decay=decay)
        # Kingma and Ba write ε beside √v̂; PyTorch (and initreg) add ε to √v / √(1 − β₂ᵗ),
        # which is the same thing: by hand with √v̂ + ε.
        gg = g + 2 * lam * wh
        wh = (1 - 0.01 * decay) * wh
        mh = 0.9 * mh + 0.1 * gg
        vh = 0.999 * vh + 0.001 * gg**2
        wh = wh - 0.01 * (mh / (1 - 0.9**t)) / (np.sqrt(vh / (1 - 0.999**t)) + 1e-8)
        np.testing.assert_allclose(m, mh, rtol=1e-14, atol=1e-16)
        np.testing.assert_allclose(v, vh, rtol=1e-14, atol=1e-18)
        np.testing.assert_allclose(w, wh, rtol=1e-13, atol=1e-15)


def test_the_first_step_moves_every_weight_by_about_alpha():
    """Bias correction: at t = 1, m̂ = g and v̂ = g², so the step is α·sign(g) up to ε."""
    g = np.array([1e-3, -2.0, 50.0])
    w, _, _ = initreg.adam_update(np.zeros(3), g, np.zeros(3), np.zeros(3), 1, alpha=0.1)
    np.testing.assert_allclose(w, -0.1 * np.sign(g), rtol=1e-4)


def test_l2_in_adam_is_scaled_per_weight_and_decay_is_not():
    """The difference that matters (Loshchilov & Hutter): with the gradient's history large,
    the L2 pull is divided by √v̂; AdamW's decay is the same factor for every weight."""
    w = np.array([1.0, 1.0])
    v = np.array([1e-8, 1e4])  # one weight with small past gradients, one with large ones
    m = np.zeros(2)
    g = np.zeros(2)
    l2, _, _ = initreg.adam_update(w, g, m, v, 10, alpha=0.01, lam=0.5)
    dec, _, _ = initreg.adam_update(w, g, m, v, 10, alpha=0.01, decay=1.0)
    assert (w - l2)[0] > 100 * (w - l2)[1] > 0
    np.testing.assert_allclose(w - dec, [0.01, 0.01], rtol=1e-12)  # decay alone: w·α·decay, each


def _reference_run(net, X, y, steps, alpha, lam, decay):
    """train(optimizer='adam') step by step with adam_update on every parameter."""
    params = [p for pair in zip(net.weights, net.biases) for p in pair]
    state = [(np.zeros_like(p), np.zeros_like(p)) for p in params]
    for t in range(1, steps + 1):
        g = net.backward(X, y)
        grads = [d for pair in zip(g.dW, g.db) for d in pair]
        for i, (p, d) in enumerate(zip(params, grads)):
            is_weight = i % 2 == 0
            new, m, v = initreg.adam_update(p, d, *state[i], t, alpha=alpha, lam=lam if is_weight else 0.0,
                                            decay=decay if is_weight else 0.0)
            p[...] = new
            state[i] = (m, v)


@pytest.mark.parametrize("penalty, lam, decay", [("none", 0.0, 0.0), ("l2", 0.01, 0.0), ("none", 0.0, 0.3)])
def test_train_with_adam_takes_adam_update_steps(penalty, lam, decay):
    rng = np.random.default_rng(1)
    X, y = rng.normal(size=(30, 4)), rng.integers(0, 3, 30)
    net = initreg.Network([4, 5, 3], "tanh", rng=np.random.default_rng(2))
    by_train, by_hand = net.copy(), net.copy()
    initreg.train(by_train, X, y, epochs=7, lr=0.01, optimizer="adam", penalty=penalty, lam=lam, decay=decay)
    _reference_run(by_hand, X, y, 7, 0.01, lam, decay)
    for a, b in zip(by_train.get_params(), by_hand.get_params()):
        np.testing.assert_array_equal(a, b)


def test_sgd_with_decoupled_decay_shrinks_the_weights_not_the_biases():
    rng = np.random.default_rng(3)
    X, y = rng.normal(size=(20, 3)), rng.integers(0, 2, 20)
    net = initreg.Network([3, 4, 2], "tanh", rng=np.random.default_rng(4))
    grads = net.backward(X, y)
    after = net.copy()
    initreg.train(after, X, y, epochs=1, lr=0.1, decay=0.5)
    for w, w1, dw in zip(net.weights, after.weights, grads.dW):
        np.testing.assert_allclose(w1, (1 - 0.05) * w - 0.1 * dw, rtol=1e-14, atol=1e-16)
    for b, b1, db in zip(net.biases, after.biases, grads.db):
        np.testing.assert_allclose(b1, b - 0.1 * db, rtol=1e-14, atol=1e-16)


# ---------------------------------------------------------------------------------- dropout
def test_dropout_zero_is_the_run_without_dropout_bit_for_bit():
    digits = initreg.load_digits(seed=0).subset(100, rng=np.random.default_rng(0))
    net = initreg.Network([64, 16, 10], "relu", rng=np.random.default_rng(5))
    a, b = net.copy(), net.copy()
    ha = initreg.train(a, digits.X_train, digits.y_train, epochs=5, lr=0.1, batch_size=20,
                       rng=np.random.default_rng(6))
    hb = initreg.train(b, digits.X_train, digits.y_train, epochs=5, lr=0.1, batch_size=20,
                       rng=np.random.default_rng(6), dropout=0.0)
    assert ha.loss == hb.loss
    for x, z in zip(a.get_params(), b.get_params()):
        np.testing.assert_array_equal(x, z)


def _masks(net, n, p, rng):
    return [(rng.random((n, k)) >= p) / (1.0 - p) for k in net.sizes[1:-1]]


def test_inverted_dropout_keeps_the_expected_activation():
    """E[mask] = 1: averaged over masks, a linear network's dropped logits are its logits."""
    rng = np.random.default_rng(7)
    net = initreg.Network([5, 40, 3], "linear", rng=np.random.default_rng(8))
    X = rng.normal(size=(4, 5))
    Xc = net.check_X(X)
    plain = net._forward(Xc)[-1].copy()
    total = np.zeros_like(plain)
    n = 4000
    for _ in range(n):
        total += net._forward(Xc, _masks(net, 4, 0.3, rng))[-1]
    spread = np.abs(plain).max() * math.sqrt(0.3 / 0.7 / 40) * 4 / math.sqrt(n) + 1e-12
    assert np.abs(total / n - plain).max() < 4 * spread
    masks = np.concatenate([m.ravel() for m in _masks(net, 1000, 0.3, rng)])
    assert abs(masks.mean() - 1.0) < 0.01 and set(np.unique(masks)) == {0.0, 1 / 0.7}


def test_the_dropped_networks_gradient_matches_finite_differences():
    rng = np.random.default_rng(9)
    net = initreg.Network([3, 6, 5, 2], "tanh", rng=np.random.default_rng(10))
    X, y = rng.normal(size=(8, 3)), rng.integers(0, 2, 8)
    Xc, t = net.check_X(X), net._targets(net.check_y(y, 8))
    keep = _masks(net, 8, 0.4, rng)
    gW = [np.empty_like(w) for w in net.weights]
    gb = [np.empty_like(b) for b in net.biases]
    net._grads(Xc, t, 1 / 8, False, gW, gb, [k.copy() for k in keep])

    def loss():
        buf = net._bufs(8)
        return net._loss(net._forward(Xc, keep)[-1], t, buf, None, 1.0, False)[0]

    h = 1e-6
    for l, W in enumerate(net.weights):
        for idx in [(0, 0), (1, 2), (W.shape[0] - 1, W.shape[1] - 1)]:
            old = W[idx]
            W[idx] = old + h
            up = loss()
            W[idx] = old - h
            down = loss()
            W[idx] = old
            assert abs((up - down) / (2 * h) - gW[l][idx]) < 1e-7


def test_dropout_trains_and_records_the_plain_network():
    digits = initreg.load_digits(seed=0).subset(200, rng=np.random.default_rng(0))
    net = initreg.Network([64, 32, 10], "tanh", rng=np.random.default_rng(11))
    h = initreg.train(net, digits.X_train, digits.y_train, epochs=30, lr=0.3, dropout=0.5,
                      rng=np.random.default_rng(12))
    assert h.loss[-1] < 0.5 * h.loss[0]
    assert h.loss[-1] == net.evaluate(digits.X_train, digits.y_train)[0], "records are the plain network's"


@pytest.mark.parametrize("kwargs, match", [
    (dict(dropout=1.0, rng=np.random.default_rng(0)), r"dropout must be in \[0, 1\)"),
    (dict(dropout=-0.1, rng=np.random.default_rng(0)), "dropout must be >= 0"),
    (dict(dropout=0.5), "dropout draws its masks from rng"),
    (dict(optimizer="adagrad"), "optimizer must be one of sgd, adam"),
    (dict(optimizer="adam", betas=(1.0, 0.9)), r"beta1 must be in \[0, 1\)"),
    (dict(optimizer="adam", betas=(0.9, -0.1)), "beta2 must be >= 0"),
    (dict(optimizer="adam", eps=0.0), "eps must be > 0"),
    (dict(decay=-1.0), "decay must be >= 0"),
    (dict(optimizer="adam", update="proximal", penalty="l1", lam=0.1), "use optimizer='sgd'"),
])
def test_train_names_a_bad_optimizer_argument(kwargs, match):
    net = initreg.Network([2, 3, 2], rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match=match):
        initreg.train(net, np.zeros((4, 2)), np.zeros(4, dtype=int), epochs=1, lr=0.1, **kwargs)


@pytest.mark.parametrize("kwargs, match", [
    (dict(t=0), "t must be the step number"),
    (dict(t=1.5), "t must be the step number"),
    (dict(beta1=1.0), r"beta1 must be in \[0, 1\)"),
    (dict(beta2=1.2), r"beta2 must be in \[0, 1\)"),
    (dict(eps=0.0), "eps must be > 0"),
    (dict(lam=-0.1), "lam must be >= 0"),
    (dict(decay=-0.1), "decay must be >= 0"),
    (dict(alpha=0.0), "alpha must be > 0"),
    (dict(m=np.zeros(2)), "m must have the shape of w"),
    (dict(v_=-np.ones(3)), "v_ must be >= 0"),
])
def test_adam_update_names_a_bad_argument(kwargs, match):
    args = dict(w=np.ones(3), grad=np.ones(3), m=np.zeros(3), v_=np.zeros(3), t=1, alpha=0.1) | kwargs
    with pytest.raises(ValueError, match=match):
        initreg.adam_update(args.pop("w"), args.pop("grad"), args.pop("m"), args.pop("v_"), args.pop("t"), **args)
