"""The network engine: shapes, gradients against finite differences, and bad inputs."""

import numpy as np
import pytest

import initreg


def numeric_gradient(net, X, y, param, eps=1e-6):
    g = np.zeros_like(param)
    it = np.nditer(param, flags=["multi_index"])
    for _ in it:
        i = it.multi_index
        old = param[i]
        param[i] = old + eps
        lp, _ = net.evaluate(X, y)
        param[i] = old - eps
        lm, _ = net.evaluate(X, y)
        param[i] = old
        g[i] = (lp - lm) / (2 * eps)
    return g


@pytest.mark.parametrize("activation", initreg.ACTIVATIONS)
@pytest.mark.parametrize("output,n_out", [("softmax", 3), ("sigmoid", 1)])
def test_backward_matches_finite_differences(activation, output, n_out):
    rng = np.random.default_rng(0)
    net = initreg.Network([4, 5, 4, n_out], activation, output, init="xavier", rng=rng)
    for b in net.biases:  # non-zero biases, so their gradients are exercised too
        b[...] = rng.normal(0, 0.3, b.shape)
    X = rng.normal(size=(9, 4))
    y = rng.integers(0, max(n_out, 2), 9)
    grads = net.backward(X, y)
    for l in range(net.L):
        np.testing.assert_allclose(grads.dW[l], numeric_gradient(net, X, y, net.weights[l]), atol=1e-7, rtol=1e-5)
        np.testing.assert_allclose(grads.db[l], numeric_gradient(net, X, y, net.biases[l]), atol=1e-7, rtol=1e-5)


def test_mixed_activations_and_float32():
    rng = np.random.default_rng(1)
    net = initreg.Network([3, 4, 4, 2], ["relu", "sigmoid"], init="he_normal", rng=rng, dtype=np.float32)
    X = rng.normal(size=(6, 3))
    A = net.forward(X)
    assert [a.shape for a in A] == [(6, 3), (6, 4), (6, 4), (6, 2)]
    assert all(a.dtype == np.float32 for a in A)
    np.testing.assert_allclose(A[-1].sum(axis=1), 1.0, rtol=1e-6)
    assert np.all(A[1] >= 0) and np.all((A[2] > 0) & (A[2] < 1))


def test_weight_shapes_follow_the_article():
    net = initreg.Network([2, 6, 3, 1], "relu", "sigmoid", init="xavier", rng=np.random.default_rng(0))
    assert [w.shape for w in net.weights] == [(6, 2), (3, 6), (1, 3)]
    assert [b.shape for b in net.biases] == [(6,), (3,), (1,)]
    assert all(np.all(b == 0) for b in net.biases)


def test_batch_rows_are_independent():
    """Vectorized over the batch: a row's output does not depend on the other rows."""
    rng = np.random.default_rng(2)
    net = initreg.Network([5, 7, 3], "tanh", init="xavier", rng=rng)
    X = rng.normal(size=(10, 5))
    full = net.predict_proba(X)
    one = np.vstack([net.predict_proba(X[i:i + 1]) for i in range(10)])
    np.testing.assert_allclose(full, one, rtol=1e-12)


def test_extreme_logits_give_finite_loss_without_warnings():
    net = initreg.Network([2, 3, 1], "linear", "sigmoid", init=initreg.initializer("normal", scale=1e3),
                          rng=np.random.default_rng(0))
    X = np.array([[1.0, -1.0], [-1.0, 1.0]]) * 100
    loss, acc = net.evaluate(X, [0, 1])
    assert np.isfinite(loss) and 0 <= acc <= 1


@pytest.mark.parametrize("kwargs,exc,match", [
    (dict(sizes=[2]), ValueError, "at least"),
    (dict(sizes=[2, 0, 1]), ValueError, r"sizes\[1\]"),
    (dict(sizes="23"), TypeError, "sizes"),
    (dict(activation="softplus"), ValueError, "tanh, sigmoid, relu, linear"),
    (dict(activation=["tanh"]), ValueError, "one activation per hidden layer"),
    (dict(output="linear"), ValueError, "softmax, sigmoid"),
    (dict(init="xavir"), ValueError, "zeros, constant"),
    (dict(init="normal"), ValueError, "scale"),
    (dict(dtype=np.int32), TypeError, "dtype"),
    (dict(rng=0), TypeError, "Generator"),
])
def test_bad_construction(kwargs, exc, match):
    args = dict(sizes=[2, 3, 3, 2], activation="tanh", output="softmax", init="xavier",
                rng=np.random.default_rng(0))
    args.update(kwargs)
    sizes = args.pop("sizes")
    with pytest.raises(exc, match=match):
        initreg.Network(sizes, **args)


def test_bad_data():
    net = initreg.Network([2, 3, 2], init="xavier", rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match="n\\[0\\] = 2 columns"):
        net.predict(np.zeros((4, 3)))
    with pytest.raises(ValueError, match="finite"):
        net.predict(np.array([[np.nan, 0.0]]))
    with pytest.raises(ValueError, match="labels in 0..1"):
        net.evaluate(np.zeros((2, 2)), [0, 2])
    with pytest.raises(ValueError, match="one per row"):
        net.evaluate(np.zeros((2, 2)), [0, 1, 1])


def test_parameters_share_one_store_and_arrays_put_in_place_are_adopted():
    import copy
    import pickle

    rng = np.random.default_rng(3)
    net = initreg.Network([3, 4, 2], "tanh", init="xavier", rng=rng)
    X, y = rng.normal(size=(5, 3)), rng.integers(0, 2, 5)
    # a new array put in place of W[1] is what the next pass uses
    W = rng.normal(size=(4, 3))
    net.weights[0] = W
    ref = W @ X.T  # z of layer 1, column per example
    np.testing.assert_allclose(net.forward(X)[1], np.tanh(ref.T + net.biases[0]), rtol=1e-12)
    np.testing.assert_array_equal(net.weights[0], W)
    assert net.params_finite()
    with pytest.raises(ValueError, match=r"weights\[1\]"):
        bad = net.copy()
        bad.weights[1] = np.zeros((3, 3))
        bad.forward(X)
    # copies, deep copies and pickles are independent and compute the same thing
    for other in (net.copy(), copy.deepcopy(net), pickle.loads(pickle.dumps(net))):
        assert other.evaluate(X, y) == net.evaluate(X, y)
        other.weights[0][...] = 0
        assert not np.all(net.weights[0] == 0)
        other.backward(X, y)  # a backward pass on the copy must not touch the original
        g2 = net.copy()
        initreg.train(other, X, y, epochs=2, lr=0.1)
        assert not np.array_equal(other.weights[1], g2.weights[1])


def test_backward_does_not_touch_the_training_gradient():
    """backward() has its own buffers: a callback may call it in the middle of training."""
    rng = np.random.default_rng(4)
    X, y = rng.normal(size=(20, 3)), rng.integers(0, 3, 20)
    Xo, yo = rng.normal(size=(20, 3)), rng.integers(0, 3, 20)  # other data, same batch size
    a = initreg.Network([3, 5, 3], "relu", init="he_normal", rng=np.random.default_rng(0))
    b = a.copy()
    initreg.train(a, X, y, epochs=20, lr=0.2)
    initreg.train(b, X, y, epochs=20, lr=0.2, callback=lambda e, net: (net.backward(Xo, yo), net.evaluate(Xo, yo)))
    for p, q in zip(a.get_params(), b.get_params()):
        np.testing.assert_array_equal(p, q)


def test_float32_step_matches_float64():
    rng = np.random.default_rng(5)
    X, y = rng.normal(size=(50, 8)), rng.integers(0, 4, 50)
    n64 = initreg.Network([8, 16, 16, 4], "tanh", init="xavier", rng=np.random.default_rng(1))
    n32 = initreg.Network([8, 16, 16, 4], "tanh", init="xavier", rng=np.random.default_rng(1), dtype=np.float32)
    h64 = initreg.train(n64, X, y, epochs=20, lr=0.1)
    h32 = initreg.train(n32, X, y, epochs=20, lr=0.1)
    np.testing.assert_allclose(h32.loss, h64.loss, rtol=1e-4)
    assert all(w.dtype == np.float32 for w in n32.weights)


def test_float64_tanh_is_numpys_to_the_last_bit_near_one():
    """The engine's float64 tanh (2/(1+e^{-2z}) - 1, z clipped to ±20) against numpy's."""
    from initreg.network import _tanh

    z = np.concatenate([np.linspace(-25, 25, 400_001), [-1e308, -745.0, -20.0, -1e-300, 0.0, 1e-300, 20.0, 745.0, 1e308]])
    a = z.copy()
    with np.errstate(all="raise"):  # no overflow, no invalid value on the way
        _tanh(a)
    assert np.max(np.abs(a - np.tanh(z))) <= 4e-16
    assert np.all(np.abs(a) <= 1.0) and np.all(a[z == 0.0] == 0.0)
    assert np.all(np.diff(a[:400_001]) >= -4e-16)  # monotone up to rounding
    z32 = np.clip(z, -3e38, 3e38).astype(np.float32)
    a32 = z32.copy()
    _tanh(a32)
    assert np.array_equal(a32, np.tanh(z32))  # float32 is numpy's own


@pytest.mark.parametrize("activation", ["tanh", "sigmoid", "relu", "linear"])
@pytest.mark.parametrize("output", ["softmax", "sigmoid"])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_the_fast_path_computes_the_plain_passes_bit_for_bit(activation, output, dtype):
    """The training loop's buffers and in-place work give the same bits as forward/backward."""
    rng = np.random.default_rng(3)
    k = 3 if output == "softmax" else 1
    net = initreg.Network([5, 8, 6, k], activation, output, init="he_normal", rng=rng, dtype=dtype)
    for m in (1, 7, 100):
        X, y = rng.normal(size=(m, 5)), rng.integers(0, max(k, 2), m)
        plain = net.backward(X, y)
        Xc, t = net.check_X(X), net._targets(net.check_y(y, m))
        gW = [np.empty_like(w) for w in net.weights]
        gb = [np.empty_like(b) for b in net.biases]
        loss, _ = net._grads(Xc, t, 1.0 / m, False, gW, gb)
        assert loss == plain.loss
        for fast, slow in zip(gW + gb + net._bufs(m).dZ, plain.dW + plain.db + plain.dZ):
            np.testing.assert_array_equal(fast, slow)
        assert net._evaluate(Xc, t) == net.evaluate(X, y)
        np.testing.assert_array_equal(net.forward(X)[-1], net._output_probs(net._forward(Xc)[-1].copy()))


@pytest.mark.parametrize("activation", ["tanh", "sigmoid", "relu", "linear"])
@pytest.mark.parametrize("output, k", [("softmax", 3), ("sigmoid", 1)])
@pytest.mark.parametrize("of", ["output", "logits"])
def test_input_jacobian_matches_finite_differences(activation, output, k, of):
    rng = np.random.default_rng(4)
    net = initreg.Network([4, 6, 5, k], activation, output, init="he_normal", rng=rng)
    x = rng.normal(size=4)

    def f(x):
        return net.forward(x[None, :])[-1][0] if of == "output" else net._layers(x[None, :])[1][0]

    h = 1e-6
    numeric = np.stack([(f(x + h * e) - f(x - h * e)) / (2 * h) for e in np.eye(4)], axis=1)
    J = initreg.input_jacobian(net, x, of=of)
    assert J.shape == (k, 4)
    np.testing.assert_allclose(J, numeric, atol=1e-8)


def test_input_jacobian_of_a_linear_network_is_the_product_of_its_weights():
    net = initreg.Network([3, 4, 4, 2], "linear", rng=np.random.default_rng(5))
    J = initreg.input_jacobian(net, np.ones(3), of="logits")
    np.testing.assert_allclose(J, net.weights[2] @ net.weights[1] @ net.weights[0], rtol=1e-14)


@pytest.mark.parametrize("bad, exc, match", [
    (dict(x=np.ones((2, 3))), ValueError, "x must be one input"),
    (dict(x=np.ones(4)), ValueError, "n\\[0\\] = 3 columns"),
    (dict(of="probs"), ValueError, "of must be one of output, logits"),
    (dict(net="net"), TypeError, "net must be an initreg.Network"),
])
def test_input_jacobian_names_a_bad_argument(bad, exc, match):
    args = dict(net=initreg.Network([3, 4, 2], rng=np.random.default_rng(0)), x=np.ones(3)) | bad
    with pytest.raises(exc, match=match):
        initreg.input_jacobian(args.pop("net"), args.pop("x"), **args)
