"""Gradient descent: determinism, penalties, and divergence that stops cleanly."""

import warnings

import numpy as np
import pytest

import initreg


def small_net(init="he_normal", seed=0, activation="relu"):
    return initreg.Network([2, 6, 3, 1], activation, "sigmoid", init=init, rng=np.random.default_rng(seed))


def test_full_batch_training_learns(circles):
    X, y = circles
    h = initreg.train(small_net(), X, y, epochs=2000, lr=0.1)
    assert not h.diverged and h.steps_taken == 2000
    assert h.loss[-1] < 0.2 * h.loss[0] and h.accuracy[-1] > 0.95
    assert h.epoch == list(range(2001))


def test_recorded_loss_is_the_loss_of_the_recorded_weights(circles):
    X, y = circles
    snaps = {}
    h = initreg.train(small_net(), X, y, epochs=50, lr=0.1, record_every=10,
                      callback=lambda e, net: snaps.__setitem__(e, net.copy()))
    assert sorted(snaps) == h.epoch == [0, 10, 20, 30, 40, 50]
    for e, loss in zip(h.epoch, h.loss):
        assert snaps[e].evaluate(X, y)[0] == pytest.approx(loss, rel=1e-12)


def test_minibatches_are_seeded(circles):
    X, y = circles
    runs = [initreg.train(small_net(), X, y, epochs=5, lr=0.1, batch_size=32, rng=np.random.default_rng(7)).loss
            for _ in range(2)]
    assert runs[0] == runs[1]
    other = initreg.train(small_net(), X, y, epochs=5, lr=0.1, batch_size=32, rng=np.random.default_rng(8)).loss
    assert other != runs[0]
    with pytest.raises(ValueError, match="rng is required"):
        initreg.train(small_net(), X, y, epochs=1, lr=0.1, batch_size=32)


def test_step_matches_the_article_update_rules(circles):
    X, y = circles
    for name, rule in (("l1", initreg.l1_update), ("l2", initreg.l2_update), ("none", None)):
        net = small_net()
        before = net.copy()
        g = before.backward(X, y)
        initreg.train(net, X, y, epochs=1, lr=0.3, penalty=name, lam=0.05)
        for l in range(net.L):
            want = rule(before.weights[l], g.dW[l], 0.3, 0.05) if rule else before.weights[l] - 0.3 * g.dW[l]
            np.testing.assert_allclose(net.weights[l], want, rtol=1e-12, atol=1e-15)
            np.testing.assert_allclose(net.biases[l], before.biases[l] - 0.3 * g.db[l], rtol=1e-12, atol=1e-15)


def test_proximal_l1_gives_exact_zeros(circles):
    X, y = circles
    net = small_net()
    initreg.train(net, X, y, epochs=200, lr=0.1, penalty="l1", lam=0.05, update="proximal")
    zeros = sum(int((w == 0).sum()) for w in net.weights)
    assert zeros > 0
    net2 = small_net()
    initreg.train(net2, X, y, epochs=200, lr=0.1, penalty="l1", lam=0.05)
    assert sum(int((w == 0).sum()) for w in net2.weights) == 0


def test_divergence_stops_cleanly(circles):
    X, y = circles
    # a linear network with a large init and step grows its weights geometrically until they overflow
    net = small_net(init=initreg.initializer("xavier", gain=10.0), activation="linear")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no RuntimeWarning may escape
        h = initreg.train(net, X, y, epochs=500, lr=50.0)
    assert h.diverged and h.status == f"diverged at step {h.diverged_at}"
    assert 1 <= h.diverged_at <= 500
    assert np.all(np.isfinite(h.loss)) and len(h.loss) == h.diverged_at  # records 0..k-1
    assert net.params_finite()
    assert np.all(np.isfinite(net.predict_proba(X)))


def test_divergence_with_minibatches_and_test_data(circles):
    X, y = circles
    net = small_net(init=initreg.initializer("xavier", gain=10.0), activation="linear")
    h = initreg.train(net, X, y, epochs=200, lr=50.0, batch_size=50, rng=np.random.default_rng(0),
                      X_test=X[:50], y_test=y[:50])
    assert h.diverged
    assert np.all(np.isfinite(h.loss)) and np.all(np.isfinite(h.test_loss))
    assert net.params_finite()


@pytest.mark.parametrize("kwargs,exc,match", [
    (dict(lr=0.0), ValueError, "lr must be > 0"),
    (dict(lr=float("nan")), ValueError, "lr must be finite"),
    (dict(epochs=-1), ValueError, "epochs"),
    (dict(batch_size=0), ValueError, "batch_size"),
    (dict(penalty="l3"), ValueError, "none, l1, l2"),
    (dict(penalty="l2", lam=-1.0), ValueError, "lam must be >= 0"),
    (dict(update="adam"), ValueError, "gradient, proximal"),
    (dict(X_test=np.zeros((3, 2))), ValueError, "together"),
])
def test_bad_arguments(circles, kwargs, exc, match):
    X, y = circles
    args = dict(epochs=1, lr=0.1)
    args.update(kwargs)
    with pytest.raises(exc, match=match):
        initreg.train(small_net(), X, y, **args)


def test_lam_without_a_penalty_is_refused(circles):
    X, y = circles
    with pytest.raises(ValueError, match="lam = 0.1 needs a penalty"):
        initreg.train(small_net(), X, y, epochs=1, lr=0.1, lam=0.1)
    with pytest.raises(ValueError, match="lam must be >= 0"):
        initreg.train(small_net(), X, y, epochs=1, lr=0.1, lam=-1.0)
    # an explicit "none" keeps a sweep's arguments: lam is ignored
    h = initreg.train(small_net(), X, y, epochs=1, lr=0.1, penalty="none", lam=0.1)
    assert h.objective == h.loss


def test_frozen_weights_are_not_trained(circles):
    X, y = circles
    net = small_net()
    net.weights[1].setflags(write=False)
    with pytest.raises(ValueError, match=r"weights\[1\] is read-only"):
        initreg.train(net, X, y, epochs=1, lr=0.1)


def test_record_every_keeps_the_trajectory(circles):
    """Recording less often changes nothing but what is recorded."""
    X, y = circles
    a, b = small_net(), small_net()
    ha = initreg.train(a, X, y, epochs=30, lr=0.1)
    hb = initreg.train(b, X, y, epochs=30, lr=0.1, record_every=7)
    assert hb.epoch == [0, 7, 14, 21, 28, 30]
    assert hb.loss == [ha.loss[e] for e in hb.epoch]
    for p, q in zip(a.get_params(), b.get_params()):
        np.testing.assert_array_equal(p, q)


def test_callback_that_replaces_weights_steers_the_run(circles):
    """A callback may put new arrays in place of the weights; training goes on from them."""
    X, y = circles
    net = small_net()

    def zero_last(epoch, n):
        if epoch == 5:
            n.weights[-1] = np.zeros_like(n.weights[-1])

    h = initreg.train(net, X, y, epochs=6, lr=0.1, callback=zero_last)
    assert h.epoch[-1] == 6
    # after epoch 5 the output weights restarted from 0: one step later they are the first step's
    ref = small_net()
    initreg.train(ref, X, y, epochs=5, lr=0.1)
    ref.weights[-1][...] = 0
    initreg.train(ref, X, y, epochs=1, lr=0.1)
    for p, q in zip(net.get_params(), ref.get_params()):
        np.testing.assert_allclose(p, q, rtol=1e-12, atol=1e-15)


def test_divergence_in_float32_stops_cleanly(circles):
    X, y = circles
    net = initreg.Network([2, 6, 3, 1], "linear", "sigmoid", init=initreg.initializer("xavier", gain=10.0),
                          rng=np.random.default_rng(0), dtype=np.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        h = initreg.train(net, X, y, epochs=500, lr=50.0, record_every=10)
    assert h.diverged and h.status == f"diverged at step {h.diverged_at}"
    assert np.all(np.isfinite(h.loss)) and np.all(np.isfinite(h.objective))
    assert net.params_finite() and h.epoch[-1] < h.diverged_at
