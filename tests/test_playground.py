"""The experiments of "Why initialization matters": the deep linear chain, the symmetry of
zero and constant initializations, the AI Notes toy playground, and every bad input."""

import math

import numpy as np
import pytest

import initreg


@pytest.fixture(scope="module")
def digits():
    return initreg.load_digits(seed=0).subset(300, rng=np.random.default_rng(0))


# ------------------------------------------------------------------------ the linear chain
@pytest.mark.parametrize("s", [0.5, 1.0, 1.5, -1.2])
@pytest.mark.parametrize("L", [2, 3, 10])
def test_linear_chain_follows_the_powers_of_s(s, L):
    x = np.array([0.3, -1.1, 0.7])
    w_out = np.array([2.0, 0.5, -1.0])
    c = initreg.linear_chain(s, L=L, x=x, w_out=w_out)
    for l in range(L):
        np.testing.assert_allclose(c.activations[l], s**l * x, rtol=1e-13)  # a[l] = s^l x
        np.testing.assert_allclose(c.backprop[l], s ** (L - 1 - l) * w_out, rtol=1e-13)  # ∂ŷ/∂a[l]
    assert c.output == pytest.approx(s ** (L - 1) * w_out @ x, rel=1e-13)  # ŷ = s^(L-1) W[L] x
    for l in range(1, L):  # ∂ŷ/∂W[l] = s^(L-2) W[L]ᵀ xᵀ for every hidden layer
        np.testing.assert_allclose(c.weight_grads[l - 1], s ** (L - 2) * np.outer(w_out, x), rtol=1e-13)
    np.testing.assert_allclose(c.weight_grads[-1], s ** (L - 1) * x[None, :], rtol=1e-13)
    assert len(c.weight_grads) == L and c.activations.shape == (L, 3)
    np.testing.assert_allclose(c.activation_norms, np.linalg.norm(c.activations, axis=1))


def test_the_ai_notes_numbers():
    big, one, small = (initreg.linear_chain(s) for s in (1.5, 1.0, 0.5))
    assert big.output / one.output == pytest.approx(1.5**9, rel=1e-13)
    assert small.output / one.output == pytest.approx(0.5**9, rel=1e-13)
    assert big.activation_norms[-1] / big.activation_norms[0] == pytest.approx(38.443359375, rel=1e-13)


def test_linear_chain_gradients_match_the_engine_and_finite_differences():
    s, L = 1.3, 6
    x = np.array([0.4, -0.2])
    c = initreg.linear_chain(s, L=L, x=x, w_out=[1.0, -2.0])
    # finite differences of ŷ with respect to W[1]
    eps = 1e-6
    for i in range(2):
        for j in range(2):
            Ws = [w.copy() for w in c.weights]
            Ws[0][i, j] += eps
            up = x.copy()
            for w in Ws[:-1]:
                up = w @ up
            Ws[0][i, j] -= 2 * eps
            dn = x.copy()
            for w in Ws[:-1]:
                dn = w @ dn
            fd = (Ws[-1][0] @ up - Ws[-1][0] @ dn) / (2 * eps)
            assert c.weight_grads[0][i, j] == pytest.approx(fd, rel=1e-6)
    # the engine's back-propagated dJ/dZ[l] is (p - y)/m times ∂ŷ/∂a[l] for a linear network
    net = initreg.Network([2] * L + [1], "linear", "sigmoid", init="zeros", rng=np.random.default_rng(0))
    net.set_params([p for w in c.weights for p in (w, np.zeros(w.shape[0]))])
    g = net.backward(x[None, :], np.array([0]))
    p = net.predict_proba(x[None, :])[0]
    for l in range(1, L):
        np.testing.assert_allclose(g.dZ[l - 1][0], p * c.backprop[l], rtol=1e-10)


@pytest.mark.parametrize("kwargs,exc,match", [
    (dict(scale=math.nan), ValueError, "scale must be finite"),
    (dict(scale=math.inf), ValueError, "scale must be finite"),
    (dict(scale="1.5"), TypeError, "scale must be a real number"),
    (dict(scale=True), TypeError, "scale must be a real number"),
    (dict(scale=1.5, L=1), ValueError, "L must be at least 2"),
    (dict(scale=1.5, L=0), ValueError, "L must be a positive integer"),
    (dict(scale=1.5, L=2.5), ValueError, "L must be a positive integer"),
    (dict(scale=1.5, L=True), ValueError, "L must be a positive integer"),
    (dict(scale=1.5, x=[[1.0, 2.0]]), ValueError, "x must have 1 dimension"),
    (dict(scale=1.5, x=[]), ValueError, "x must have at least one entry"),
    (dict(scale=1.5, x=[1.0, math.nan]), ValueError, "x must contain only finite"),
    (dict(scale=1.5, x="ab"), TypeError, "x must be a numeric array"),
    (dict(scale=1.5, w_out=[1.0, 2.0, 3.0]), ValueError, "w_out must have as many entries as x"),
    (dict(scale=1.5, w_out=[1.0, math.inf]), ValueError, "w_out must contain only finite"),
    (dict(scale=1e200, L=10), ValueError, "overflows"),
])
def test_linear_chain_bad_inputs(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        initreg.linear_chain(**kwargs)


# ---------------------------------------------------------------------------- symmetry
SYMMETRIC = [
    ("zeros", "tanh"), ("zeros", "sigmoid"), ("zeros", "relu"),
    (initreg.initializer("constant", scale=0.2), "tanh"),
    (initreg.initializer("constant", scale=-0.3), "sigmoid"),
    (initreg.initializer("constant", scale=0.1), "relu"),
    (initreg.initializer("constant", scale=0.05), "linear"),
]


# Widths are multiples of 16: optimized BLAS kernels then give every unit the same sequence
# of floating-point operations, so equal units stay equal to the last bit. (With an odd width,
# some units fall in a kernel's remainder loop and can differ from the others by rounding.)
@pytest.mark.parametrize("init,activation", SYMMETRIC)
def test_symmetric_inits_stay_symmetric_to_the_last_bit(digits, init, activation):
    run = initreg.symmetry_run(digits, init, hidden=(32, 16), activation=activation, epochs=40, lr=0.3,
                               record_every=5)
    assert not run.history.diverged and run.gaps.shape == (9, 2)
    assert run.symmetric and np.all(run.gaps == 0.0)
    assert run.distinct == [1, 1]
    assert run.distinct_history.shape == (9, 2) and np.all(run.distinct_history == 1)
    assert initreg.distinct_units(run.net) == [1, 1]
    assert np.all(initreg.symmetry_gap(run.net) == 0.0)
    # the hidden activations are one number per example, repeated across the layer
    for a in run.net.forward(digits.X_test)[1:-1]:
        assert np.all(a == a[:, :1])
    # and the wide network is exactly a network with one unit per hidden layer
    small = initreg.merge_identical_units(run.net)
    assert small.sizes == (64, 1, 1, 10)
    np.testing.assert_allclose(small.predict_proba(digits.X_test), run.net.predict_proba(digits.X_test),
                               rtol=0, atol=1e-12)


def test_constant_init_moves_but_stays_symmetric(digits):
    run = initreg.symmetry_run(digits, initreg.initializer("constant", scale=0.2), hidden=(32, 16), epochs=40)
    assert all(w and b for w, b in run.moved), "every layer learns..."
    assert run.symmetric, "...but its units never separate"


@pytest.mark.parametrize("activation", ["tanh", "relu"])
def test_zeros_with_g_of_zero_equal_zero_moves_only_the_output_bias(digits, activation):
    """tanh(0) = ReLU(0) = 0: the hidden activations are 0, so dW[L] = dZ[L]ᵀ A[L-1] = 0 and
    nothing flows back through W[L] = 0. Only b[L] moves; the network predicts the class prior."""
    run = initreg.symmetry_run(digits, "zeros", hidden=(32, 16), activation=activation, epochs=200, lr=0.5)
    assert run.moved_names == ["b[3]"]
    assert all(np.all(w == 0) for w in run.net.weights)
    prior = np.bincount(digits.y_train, minlength=10) / len(digits.y_train)
    np.testing.assert_allclose(run.net.predict_proba(digits.X_test)[0], prior, atol=1e-3)


def test_zeros_with_sigmoid_moves_every_layer_symmetrically(digits):
    run = initreg.symmetry_run(digits, "zeros", hidden=(32, 16), activation="sigmoid", epochs=60, lr=0.5)
    assert set(run.moved_names) == {"W[1]", "b[1]", "W[2]", "b[2]", "W[3]", "b[3]"}
    assert run.symmetric


@pytest.mark.parametrize("scheme", ["xavier", "he_normal", "standard"])
def test_random_init_breaks_the_symmetry(digits, scheme):
    run = initreg.symmetry_run(digits, scheme, hidden=(32, 16), epochs=40)
    assert not run.symmetric and run.distinct == [32, 16]
    assert run.distinct_history.shape == (5, 2) and np.all(run.distinct_history == [32, 16])
    assert np.all(run.gaps > 0)
    assert initreg.merge_identical_units(run.net).sizes == run.net.sizes
    assert run.history.test_accuracy[-1] > 0.5 > initreg.symmetry_run(
        digits, initreg.initializer("constant", scale=0.2), hidden=(32, 16), epochs=40).history.test_accuracy[-1]


def test_a_nudge_separates_only_the_nudged_unit(digits):
    run = initreg.symmetry_run(digits, initreg.initializer("constant", scale=0.1), hidden=(32, 16),
                               epochs=60, nudge=1e-3, record_every=20)
    assert run.gaps[0, 0] == pytest.approx(1e-3, rel=1e-9)
    assert run.distinct == [2, 1] and np.all(run.gaps[:, 1] == 0.0)
    assert not run.symmetric
    # the distinct units are counted at every record: two in layer 1 (the nudged one and the rest)
    assert run.distinct_history.tolist() == [[2, 1]] * 4
    rest = np.hstack([run.net.weights[0][1:], run.net.biases[0][1:, None], run.net.weights[1][:, 1:].T])
    assert np.all(rest == rest[0])
    for bad, exc in ((math.nan, ValueError), ("1e-3", TypeError)):
        with pytest.raises(exc, match="nudge"):
            initreg.symmetry_run(digits, "zeros", hidden=(4,), epochs=1, nudge=bad)


def test_distinct_units_and_gap_on_a_hand_built_network():
    net = initreg.Network([3, 4, 2, 2], "tanh", init="xavier", rng=np.random.default_rng(0))
    assert initreg.distinct_units(net) == [4, 2]
    # make units 1 and 3 of layer 1 identical in, bias and out
    net.weights[0][2] = net.weights[0][0]
    net.weights[1][:, 2] = net.weights[1][:, 0]
    assert initreg.distinct_units(net) == [3, 2]
    # a unit differing only in its bias is a different unit
    net.biases[0][2] = 0.5
    assert initreg.distinct_units(net) == [4, 2]
    assert initreg.symmetry_gap(net)[0] >= 0.5
    assert initreg.distinct_units(initreg.Network([3, 2], "tanh", init="xavier",
                                                  rng=np.random.default_rng(0))) == []


def test_merge_identical_units_sums_the_outgoing_weights():
    rng = np.random.default_rng(1)
    net = initreg.Network([3, 5, 4, 3], "tanh", init="xavier", rng=rng)
    for b in net.biases:
        b[...] = rng.normal(0, 0.2, b.shape)
    # units 0, 2, 4 of layer 1 share their incoming weights and bias (outgoing weights differ)
    for i in (2, 4):
        net.weights[0][i] = net.weights[0][0]
        net.biases[0][i] = net.biases[0][0]
    X = rng.normal(size=(20, 3))
    small = initreg.merge_identical_units(net)
    assert small.sizes == (3, 3, 4, 3)
    np.testing.assert_allclose(small.predict_proba(X), net.predict_proba(X), rtol=0, atol=1e-14)
    np.testing.assert_allclose(small.weights[1][:, 0], net.weights[1][:, [0, 2, 4]].sum(axis=1))


def test_symmetry_bad_inputs(digits):
    for f in (initreg.distinct_units, initreg.symmetry_gap, initreg.merge_identical_units):
        with pytest.raises(TypeError, match="net must be an initreg.Network"):
            f("net")
    cases = [
        (dict(data=(1, 2)), TypeError, "data must be an initreg.DataSplit"),
        (dict(init="xavir"), ValueError, "init must be one of .*zeros.*he_uniform"),
        (dict(init=3), TypeError, "init must be one of"),
        (dict(hidden=()), ValueError, "hidden must be a non-empty sequence"),
        (dict(hidden="12"), ValueError, "hidden must be a non-empty sequence"),
        (dict(hidden=(12, 0)), ValueError, r"hidden\[1\] must be a positive integer"),
        (dict(activation="softplus"), ValueError, "activation must be one of tanh, sigmoid, relu, linear"),
        (dict(epochs=0), ValueError, "epochs must be a positive integer"),
        (dict(epochs=2.5), ValueError, "epochs must be a positive integer"),
        (dict(lr=0.0), ValueError, "lr must be > 0"),
        (dict(lr=math.nan), ValueError, "lr must be finite"),
        (dict(seed=-1), ValueError, "seed must be a non-negative integer"),
        (dict(record_every=0), ValueError, "record_every must be a positive integer"),
        (dict(label=3), TypeError, "label must be a string"),
    ]
    for kw, exc, match in cases:
        args = dict(data=digits, init="xavier", hidden=(4,), epochs=1)
        args.update(kw)
        data, init = args.pop("data"), args.pop("init")
        with pytest.raises(exc, match=match):
            initreg.symmetry_run(data, init, **args)
    with pytest.raises(ValueError, match="scale"):  # a scheme that needs a scale, given by name
        initreg.symmetry_run(digits, "constant", hidden=(4,), epochs=1)


# ------------------------------------------------------------------- the toy playground
def test_toy_inits_are_the_ai_notes_four():
    assert initreg.TOY_INITS == {"zero": 0.0, "too small": 0.01, "appropriate": 1.0, "too large": 100.0}
    assert set(initreg.TOY_INITS) <= set(initreg.INIT_COLORS)
    assert initreg.AI_NOTES_SIZES == (2, 6, 3, 1)


@pytest.mark.parametrize("k", [0.0, 0.01, 1.0, 100.0])
def test_toy_initializer_draws_k_over_n(k):
    n_in, n_out = 60, 500
    w = initreg.toy_initializer(k)(n_in, n_out, np.random.default_rng(4))
    var = k / n_in
    assert abs(w.var(ddof=1) - var) <= 5 * math.sqrt(2 / (w.size - 1)) * var
    if k == 0:
        assert np.all(w == 0.0) and not np.any(np.signbit(w))
    for bad, exc in ((-1.0, ValueError), (math.nan, ValueError), ("1", TypeError)):
        with pytest.raises(exc, match="k must"):
            initreg.toy_initializer(bad)


def test_toy_init_scaling_is_k_to_the_three_halves():
    """Zero biases and ReLU: scaling every W by √k scales z[L] by k^(3/2) and ∂z[L]/∂W[l] by k."""
    sc = initreg.toy_init_scaling("circles", n=200)
    rel = sc.relative_to("appropriate")
    np.testing.assert_allclose(rel.logit_std, sc.k**1.5, rtol=1e-9)
    assert np.all(sc.grad_norms[0] == 0) and sc.loss[0] == pytest.approx(math.log(2), abs=1e-12)
    assert sc.loss[3] > 3 * math.log(2)
    # too small: p ≈ 1/2 as for k = 1, so the gradients shrink by about k = 0.01
    np.testing.assert_allclose(rel.grad_norms[1], 0.01, rtol=0.1)
    # too large: tens of times larger (each example is weighted by σ(z) − y, which saturates)
    assert np.all((rel.grad_norms[3] > 20) & (rel.grad_norms[3] < 200))
    # the hidden activations scale exactly as (√k)^l
    X, _ = initreg.toy_data("circles", 200, rng=np.random.default_rng(0))
    A = {k: initreg.Network(list(initreg.AI_NOTES_SIZES), "relu", "sigmoid", init=initreg.toy_initializer(k),
                            rng=np.random.default_rng(0)).forward(X) for k in (0.01, 1.0, 100.0)}
    for k in (0.01, 100.0):
        for l in (1, 2):
            np.testing.assert_allclose(A[k][l], k ** (l / 2) * A[1.0][l], rtol=1e-12, atol=1e-300)
    with pytest.raises(ValueError, match="role must be one of"):
        sc.relative_to("huge")
    for kw, exc, match in [(dict(dataset="moons"), ValueError, "dataset must be one of circles"),
                           (dict(dataset="circles", n=1), ValueError, "n must be at least 2"),
                           (dict(dataset="circles", seed=-2), ValueError, "seed must be")]:
        with pytest.raises(exc, match=match):
            initreg.toy_init_scaling(**kw)


@pytest.fixture(scope="module")
def small_runs():
    return {r: initreg.playground_run("gaussians", r, steps=150, n=120, seed=3) for r in initreg.TOY_INITS}


def test_playground_run_is_cached_and_replays_its_history(small_runs):
    run = small_runs["appropriate"]
    assert initreg.playground_run("gaussians", "appropriate", steps=150, n=120, seed=3) is run
    assert run.params.shape == (151, 2 * 6 + 6 + 6 * 3 + 3 + 3 + 1) and run.last_step == 150
    assert not run.params.flags.writeable
    for step in (0, 1, 17, 150):
        net = run.network(step)
        loss, acc = net.evaluate(run.X, run.y)
        assert loss == pytest.approx(run.history.loss[step], rel=1e-12)
        assert run.loss_at(step) == run.history.loss[step] and run.accuracy_at(step) == acc
    assert run.network(10_000).evaluate(run.X, run.y)[0] == pytest.approx(run.history.loss[-1], rel=1e-12)
    np.testing.assert_array_equal(run.cost, run.history.loss)
    assert run.cost is run.cost and not run.cost.flags.writeable
    assert run.network(5) is not run.network(5)


def test_playground_roles_behave_as_the_chapter_says(small_runs):
    zero = small_runs["zero"]
    assert all(np.all(w == 0) for w in zero.network(150).weights)  # ReLU'(0) = 0: nothing moves
    assert initreg.dead_relu_units(zero.network(150), zero.X) == [6, 3]
    assert small_runs["too small"].loss_at(150) == pytest.approx(math.log(2), abs=1e-3)
    assert small_runs["appropriate"].loss_at(150) < 0.5 * math.log(2)
    assert small_runs["too large"].history.loss[0] > 3 * math.log(2)


def test_divergence_is_detected_and_stops_cleanly():
    X, y = initreg.toy_data("circles", 100, rng=np.random.default_rng(0))
    net = initreg.Network([2, 16, 16, 16, 16, 1], "linear", "sigmoid", init=initreg.toy_initializer(100.0),
                          rng=np.random.default_rng(0))
    h = initreg.train(net, X, y, epochs=100, lr=0.1)
    assert h.diverged and h.diverged_at is not None and h.diverged_at < 100
    assert h.status == f"diverged at step {h.diverged_at}"
    assert np.all(np.isfinite(h.loss)) and net.params_finite()
    assert h.loss[0] > 10 * math.log(2)
    # the same network from the appropriate scale trains
    ok = initreg.Network([2, 16, 16, 16, 16, 1], "linear", "sigmoid", init=initreg.toy_initializer(1.0),
                         rng=np.random.default_rng(0))
    assert not initreg.train(ok, X, y, epochs=100, lr=0.1).diverged


def test_dead_relu_units():
    net = initreg.Network([2, 3, 2, 1], ["relu", "tanh"], "sigmoid", init="xavier", rng=np.random.default_rng(0))
    X = np.random.default_rng(1).normal(size=(50, 2))
    assert initreg.dead_relu_units(net, X)[1] is None
    net.biases[0][1] = -100.0  # unit 2 never fires
    assert initreg.dead_relu_units(net, X)[0] == 1
    with pytest.raises(TypeError, match="net must be"):
        initreg.dead_relu_units(None, X)
    with pytest.raises(ValueError, match="columns"):
        initreg.dead_relu_units(net, np.ones((4, 3)))


@pytest.mark.parametrize("kwargs,exc,match", [
    (dict(dataset="moons"), ValueError, "dataset must be one of circles, spiral, checkerboard, gaussians"),
    (dict(dataset=None), TypeError, "dataset must be a string"),
    (dict(role="huge"), ValueError, "role must be one of zero, too small, appropriate, too large"),
    (dict(steps=-1), ValueError, "steps must be a non-negative integer"),
    (dict(steps=1.5), ValueError, "steps must be a non-negative integer"),
    (dict(lr=0), ValueError, "lr must be > 0"),
    (dict(lr=math.inf), ValueError, "lr must be finite"),
    (dict(n=1), ValueError, "n must be at least 2"),
    (dict(n=True), ValueError, "n must be a positive integer"),
    (dict(seed=-1), ValueError, "seed must be a non-negative integer"),
])
def test_playground_run_bad_inputs(kwargs, exc, match):
    args = dict(dataset="circles", role="appropriate", steps=5)
    args.update(kwargs)
    with pytest.raises(exc, match=match):
        initreg.playground_run(args.pop("dataset"), args.pop("role"), **args)


def test_playground_run_method_bad_inputs(small_runs):
    run = small_runs["zero"]
    for f in (run.network, run.loss_at, run.accuracy_at):
        with pytest.raises(ValueError, match="step must be a non-negative integer"):
            f(-1)
        with pytest.raises(ValueError, match="step must be a non-negative integer"):
            f(2.5)


def test_toy_seed_sweep():
    sweep = initreg.toy_seed_sweep("gaussians", seeds=[3, 4], roles=["zero", "appropriate"], steps=60, n=80)
    assert sweep.final_cost.shape == (2, 2) and sweep.seeds == (3, 4)
    assert sweep.cost.shape == (2, 2, 61) and sweep.final_accuracy.shape == (2, 2)
    for j, seed in enumerate((3, 4)):
        run = initreg.playground_run("gaussians", "appropriate", steps=60, n=80, seed=seed)
        assert sweep.final_cost[1, j] == run.history.loss[-1]
        assert sweep.final_accuracy[1, j] == run.history.accuracy[-1]
        np.testing.assert_array_equal(sweep.cost[1, j], run.history.loss)
        # the rises, counted by hand from the run's own history
        J = run.history.loss
        assert sweep.rises("appropriate")[j] == sum(J[s] > J[s - 1] for s in range(1, 61))
        assert sweep.rises("appropriate", upto=10)[j] == sum(J[s] > J[s - 1] for s in range(1, 11))
    np.testing.assert_allclose(sweep.final_cost[0], math.log(2), atol=1e-12)  # balanced: zero stays at log 2
    assert sweep.learned(0.7) == {"zero": 2, "appropriate": 2} and sweep.learned(1e-9)["zero"] == 0
    assert "gaussians" in repr(sweep)
    for kw, exc, match in [(dict(dataset="moons"), ValueError, "dataset must be one of"),
                           (dict(seeds=[]), ValueError, "seeds must be a non-empty sequence"),
                           (dict(seeds="01"), ValueError, "seeds must be a non-empty sequence"),
                           (dict(seeds=[0, -1]), ValueError, r"seeds\[1\] must be a non-negative integer"),
                           (dict(roles=["huge"]), ValueError, r"roles\[0\] must be one of zero"),
                           (dict(roles="zero"), ValueError, "roles must be a non-empty sequence"),
                           (dict(steps=0), ValueError, "steps must be a positive integer"),
                           (dict(lr=-1.0), ValueError, "lr must be > 0")]:
        args = dict(dataset="gaussians", seeds=[3], roles=["zero"], steps=5, n=80)
        args.update(kw)
        with pytest.raises(exc, match=match):
            initreg.toy_seed_sweep(args.pop("dataset"), **args)
    with pytest.raises(ValueError, match="threshold must be > 0"):
        sweep.learned(0.0)
    with pytest.raises(ValueError, match="role must be one of zero, appropriate"):
        sweep.rises("too large")
    for bad, match in ((0, "upto must be a positive integer"), (61, "upto must be at most steps = 60"),
                       (2.5, "upto must be a positive integer")):
        with pytest.raises(ValueError, match=match):
            sweep.rises("zero", upto=bad)


def test_seed_sweep_rises_counts_a_zigzag_and_ignores_a_divergence():
    """A hand-made cost curve: rises are strict increases; NaN after a divergence never counts."""
    curve = np.array([[[3.0, 2.0, 2.5, 2.5, 1.0, 1.5, np.nan, np.nan]]])
    sweep = initreg.SeedSweep("circles", 7, (0,), ("too large",), curve[:, :, 5], np.zeros((1, 1)), curve)
    assert sweep.rises("too large").tolist() == [2]  # 2.0 → 2.5 and 1.0 → 1.5; 2.5 → 2.5 is no rise
    assert sweep.rises("too large", upto=3).tolist() == [1]


def test_toy_second_moments_match_a_hand_computation():
    """The same draws by hand: W[l] = √k·N(0, 1/n[l-1]) in the network's order, z[l] = a[l-1] W[l]ᵀ."""
    m = initreg.toy_second_moments("spiral", ks=(0.5, 3.0), draws=7, n=40, seed=2)
    assert m.moments.shape == (2, 3) and m.k == (0.5, 3.0) and m.draws == 7
    X, _ = initreg.toy_data("spiral", 40, rng=np.random.default_rng(2))
    sizes = initreg.AI_NOTES_SIZES
    for i, k in enumerate((0.5, 3.0)):
        rng = np.random.default_rng([2, i])
        total = np.zeros(3)
        for _ in range(7):
            a = X
            for l in range(3):
                W = rng.normal(0.0, math.sqrt(1.0 / sizes[l]), (sizes[l + 1], sizes[l])) * math.sqrt(k)
                z = a @ W.T
                total[l] += np.mean(z**2)
                a = np.maximum(z, 0.0)
        np.testing.assert_allclose(m.moments[i], total / 7, rtol=1e-12)
    np.testing.assert_allclose(m.ratios, m.moments[:, 1:] / m.moments[:, :-1])
    assert "k = 0.5" in repr(m) and "E[z[3]²]" in repr(m)


def test_toy_second_moments_follow_the_relu_theory():
    """E[(z[l+1])²] = (k/2)·E[(z[l])²]: Xavier's k = 1 halves the second moment, He's k = 2 keeps it."""
    m = initreg.toy_second_moments("circles", ks=(1.0, 2.0, 4.0), draws=3000, seed=5)
    np.testing.assert_allclose(m.ratios, np.array([[0.5], [1.0], [2.0]]) * np.ones((1, 2)), rtol=0.15)
    # the first layer has no ReLU before it: E[(z[1])²] = k·mean(|x|²)/2 on average over the draws
    X, _ = initreg.toy_data("circles", 300, rng=np.random.default_rng(5))
    np.testing.assert_allclose(m.moments[:, 0], np.array([1.0, 2.0, 4.0]) * np.mean(np.sum(X**2, axis=1)) / 2,
                               rtol=0.1)


@pytest.mark.parametrize("kwargs,exc,match", [
    (dict(dataset="moons"), ValueError, "dataset must be one of circles"),
    (dict(ks=()), ValueError, "ks must be a non-empty sequence"),
    (dict(ks="12"), ValueError, "ks must be a non-empty sequence"),
    (dict(ks=(1.0, 0.0)), ValueError, r"ks\[1\] must be > 0"),
    (dict(ks=(1.0, "2")), TypeError, r"ks\[1\] must be a real number"),
    (dict(draws=0), ValueError, "draws must be a positive integer"),
    (dict(n=1), ValueError, "n must be at least 2"),
    (dict(seed=-1), ValueError, "seed must be a non-negative integer"),
])
def test_toy_second_moments_bad_inputs(kwargs, exc, match):
    args = dict(dataset="circles", draws=2)
    args.update(kwargs)
    with pytest.raises(exc, match=match):
        initreg.toy_second_moments(args.pop("dataset"), **args)


# ----------------------------------------------------------------------- decision maps
def test_toy_decision_map_is_the_network_on_its_grid():
    m = initreg.toy_decision_map("gaussians", "appropriate", 40, pixels=30, steps=150, n=120, seed=3)
    run = initreg.playground_run("gaussians", "appropriate", steps=150, n=120, seed=3)
    net = run.network(40)
    assert m.step == 40 and m.proba.shape == (30, 30) and m.proba.dtype == np.float32
    np.testing.assert_allclose(m.grid, np.linspace(-1 + 1 / 30, 1 - 1 / 30, 30), rtol=0, atol=1e-15)
    # an independent evaluation, one point at a time: row i is x2 = grid[i], column j is x1 = grid[j]
    for i, j in [(0, 0), (0, 29), (29, 0), (7, 19), (15, 15)]:
        p = float(np.ravel(net.predict_proba(np.array([[m.grid[j], m.grid[i]]])))[0])
        assert m.proba[i, j] == pytest.approx(p, rel=1e-6, abs=1e-7)
    # the boundary is the level set P = 1/2, inside the square, where P changes side
    assert m.boundary and all(line.ndim == 2 and line.shape[1] == 2 for line in m.boundary)
    vertices = np.concatenate(m.boundary)
    assert np.all(np.abs(vertices) <= 1.0)
    p_at = np.ravel(net.predict_proba(vertices))
    assert np.max(np.abs(p_at - 0.5)) < 0.05  # linear interpolation between cell centres
    side = m.proba > 0.5
    assert side.any() and (~side).any()
    assert not m.proba.flags.writeable and not m.boundary[0].flags.writeable
    assert "gaussians, appropriate, step 40" in repr(m)


def test_toy_decision_map_is_cached_and_stops_at_the_last_step():
    kw = dict(pixels=20, steps=150, n=120, seed=3)
    m = initreg.toy_decision_map("gaussians", "too large", 150, **kw)
    assert initreg.toy_decision_map("gaussians", "too large", 150, **kw) is m
    assert initreg.toy_decision_map("gaussians", "too large", 10_000, **kw) is m  # min(step, last step)
    zero = initreg.toy_decision_map("gaussians", "zero", 150, **kw)
    assert np.all(zero.proba == np.float32(0.5)) and zero.boundary == ()  # nothing moves from zeros


@pytest.mark.parametrize("kwargs,exc,match", [
    (dict(dataset="moons"), ValueError, "dataset must be one of circles"),
    (dict(role="huge"), ValueError, "role must be one of zero"),
    (dict(step=-1), ValueError, "step must be a non-negative integer"),
    (dict(step=2.5), ValueError, "step must be a non-negative integer"),
    (dict(pixels=0), ValueError, "pixels must be a positive integer"),
    (dict(pixels=1), ValueError, "pixels must be at least 2"),
    (dict(pixels=True), ValueError, "pixels must be a positive integer"),
    (dict(lr=0.0), ValueError, "lr must be > 0"),
])
def test_toy_decision_map_bad_inputs(kwargs, exc, match):
    args = dict(dataset="gaussians", role="appropriate", step=3, steps=5, n=40)
    args.update(kwargs)
    with pytest.raises(exc, match=match):
        initreg.toy_decision_map(args.pop("dataset"), args.pop("role"), args.pop("step"), **args)




# ------------------------------------------------------------------------------ figures
from initreg.explorable import FIGURES, Explorable  # noqa: E402
from initreg.explorable.figure import MIN_TEXT_PT  # noqa: E402
from initreg.figures import why_initialization as why  # noqa: E402


def test_plot_linear_chain_draws_the_norms():
    chains = [initreg.linear_chain(s) for s in (0.5, 1.0, 1.5)]
    ex = initreg.plot_linear_chain(chains)
    assert isinstance(ex, Explorable) and [p.name for p in ex.panels] == ["forward", "backward"]
    assert sum(p.width for p in ex.panels) <= 7.2 and all(p.width <= 4.5 for p in ex.panels)
    assert ex.check() == 2
    cv = ex.canvas()
    for name, key in (("forward", "activation_norms"), ("backward", "backprop_norms")):
        (ax,) = cv.panels[name].axes
        assert len(ax.lines) == 3
        for line, c in zip(ax.lines, chains):
            np.testing.assert_array_equal(line.get_ydata(), getattr(c, key))
            assert line.get_color() == initreg.INIT_COLORS[{0.5: "too small", 1.0: "appropriate", 1.5: "too large"}[c.scale]]
    assert "W[1] = ... = W[9]" in ex.caption and "left" not in ex.caption and "right" not in ex.caption
    assert "for s = 1.5 it goes from 1.41 at layer 0 to 54.4 at layer 9" in ex.panels[0].alt
    for bad in ([], [1.0], initreg.linear_chain(1.0), None):
        with pytest.raises(TypeError, match="chains must be"):
            initreg.plot_linear_chain(bad)


def test_plot_unit_weights_shows_each_units_weights(digits):
    runs = [initreg.symmetry_run(digits, s, hidden=(6, 4), epochs=5) for s in ("zeros", "xavier")]
    ex = initreg.plot_unit_weights(runs, n_units=5)
    assert [p.name for p in ex.panels] == ["run0", "run1"] and ex.check() == 2
    cv = ex.canvas()
    for name, run in zip(("run0", "run1"), runs):
        (ax,) = cv.panels[name].axes
        assert len(ax.images) == 5 and len(ax.collections[0].get_paths()) == 5  # an image and a frame per unit
        for i, img in enumerate(ax.images):
            np.testing.assert_array_equal(img.get_array(), run.first_layer[1][i].reshape(8, 8))
            x0, x1, y0, y1 = img.get_extent()
            assert (x0, y1) == ((i % 4) * 10, -(i // 4) * 10) and x1 - x0 == y1 - y0 == 8  # in reading order
    assert "blank" in ex.panels[0].alt and "5 different pictures" in ex.panels[1].alt
    assert "In zeros (tanh) every unit has the same weights. In xavier (tanh) the units differ." in ex.caption
    assert initreg.plot_unit_weights(runs, n_units=50).panels[0].alt.count("units 1 to 6") == 1  # at most n[1]
    with pytest.raises(TypeError, match="runs must be"):
        initreg.plot_unit_weights(runs[0])
    with pytest.raises(TypeError, match="runs must be"):
        initreg.plot_unit_weights([])
    with pytest.raises(ValueError, match="n_units must be a positive integer"):
        initreg.plot_unit_weights(runs, n_units=0)


def test_plot_toy_grid_draws_every_run_and_its_bad_inputs():
    kw = dict(steps=150, n=120, seed=3)
    ex = initreg.plot_toy_grid(datasets=["gaussians", "circles"], step=100, **kw)
    assert [p.name for p in ex.panels] == ["cost", "boundaries"] and ex.check() == 2
    cv = ex.canvas()
    cost_axes, bnd_axes = cv.panels["cost"].axes, cv.panels["boundaries"].axes
    assert len(cost_axes) == 2 and len(bnd_axes) == 8
    for i, d in enumerate(("gaussians", "circles")):
        curves = {line.get_label(): line for line in cost_axes[i].lines}
        for r in initreg.TOY_INITS:
            np.testing.assert_array_equal(curves[r].get_ydata(), initreg.playground_run(d, r, **kw).history.loss)
        for j, r in enumerate(initreg.TOY_INITS):
            ax = bnd_axes[4 * i + j]
            run, m = initreg.playground_run(d, r, **kw), initreg.toy_decision_map(d, r, 100, **kw)
            assert ax.texts[0].get_text() == f"{run.accuracy_at(100):.0%}"
            bands = np.clip(np.ceil(m.proba.astype(float) * 10) - 1, 0, 9).astype(int)
            np.testing.assert_array_equal(ax.images[0].get_array(), why.BAND_COLORS[bands])
            assert len(ax.collections[0].get_segments()) == len(m.boundary)
    assert "after 100 steps" in ex.caption and "gaussians" not in ex.panels[1].alt  # named "two Gaussians"
    for kw_bad, exc, match in [(dict(datasets="gaussians"), ValueError, "datasets must be a non-empty sequence"),
                               (dict(datasets=[]), ValueError, "datasets must be a non-empty sequence"),
                               (dict(datasets=["moons"]), ValueError, "must be one of circles"),
                               (dict(step=200, steps=150), ValueError, "step must be at most steps"),
                               (dict(step=-1), ValueError, "step must be a non-negative integer")]:
        with pytest.raises(exc, match=match):
            initreg.plot_toy_grid(**kw_bad)


def test_band_colors_are_contourf_s_bands_over_white():
    from matplotlib import colormaps

    mid = colormaps["RdBu"](0.45)
    np.testing.assert_allclose(why.BAND_COLORS[4, :3] / 255, 0.45 + 0.55 * np.array(mid[:3]), atol=0.5 / 255)
    assert np.all(why.BAND_COLORS[:, 3] == 255)


@pytest.fixture(scope="module")
def toy():
    return FIGURES["toy_init_figure"]()


def test_toy_init_figure_controls_and_panels(toy):
    assert "toy_init_figure" in FIGURES and initreg.toy_init_figure is FIGURES["toy_init_figure"]
    step = toy.control("step")
    assert step.kind == "time" and step.play and len(step.values) >= 16 and step.values == why.STEP_GRID
    assert step.values[0] == 0 and step.values[-1] == 3000 and step.continuous
    assert [len(toy.control(c).grid) for c in ("dataset", "init")] == [4, 4]
    assert toy.defaults == {"dataset": "circles", "init": "appropriate", "step": 1000}
    cost, boundary = toy.panels
    assert cost.cursor == "step" and toy.depends(cost) == ("dataset", "init")
    assert toy.depends(boundary) == ("dataset", "init", "step")
    assert toy.n_renders == 16 + 16 * len(why.STEP_GRID)
    assert max(p.width for p in toy.panels) <= 4.5 and sum(p.width for p in toy.panels) <= 7.2
    alt = toy.alt_text(boundary, dataset="spiral", init="too large", step=30)
    assert "{" not in alt and "too large (k = 100)" in alt and "spiral" in alt
    assert "left" not in toy.caption and "right" not in toy.caption
    # a live value between the grid steps is drawn from the stored parameters too
    assert toy.png(dataset="gaussians", init="too small", step=42)[:4] == b"\x89PNG"


def test_toy_init_figure_draws_what_the_runs_say(toy):
    cv = toy.canvas()
    st = cv.state
    cv.show({"dataset": "gaussians", "init": "zero", "step": 0})
    b = st["boundary"]
    # zero weights: P(y = 1) = 1/2 everywhere, in contourf's band (0.4, 0.5], and no 0.5 contour
    assert np.all(b.image.get_array() == why.BAND_COLORS[4]) and len(b.line.get_segments()) == 0
    assert b.ax.get_title() == "zero: 50% correct"
    cv.show({"dataset": "gaussians", "init": "appropriate", "step": 300})
    run = initreg.playground_run("gaussians", "appropriate")
    m = initreg.toy_decision_map("gaussians", "appropriate", 300)
    assert len(b.line.get_segments()) == len(m.boundary) > 0
    assert b.ax.get_title() == f"appropriate: {run.accuracy_at(300):.0%} correct"
    assert b.ax.spines["left"].get_edgecolor()[:3] == pytest.approx((0.902, 0.624, 0.0), abs=2e-3)  # orange
    assert sum(len(p.get_offsets()) for p in b.points) == len(run.y)
    costs = st["costs"]
    assert costs.curves["appropriate"].get_linewidth() > costs.curves["zero"].get_linewidth()
    for r, line in costs.curves.items():
        np.testing.assert_array_equal(line.get_ydata(), initreg.playground_run("gaussians", r).history.loss)
        assert not costs.crosses[r].get_visible()  # none of the book's runs diverges
    # the cursor stands at the step: where the axes' data transform puts it
    cost = toy.panels[0]
    ax = costs.ax
    for s in (0, 10, 300, 3000):
        cv.apply({"dataset": "gaussians", "init": "appropriate", "step": s})
        pos = cv.cursor_position(cost)
        left, top, right, bottom = cv._box(cost)
        assert pos["x"] == pytest.approx((ax.transData.transform((s, 1.0))[0] - left) / (right - left), abs=1e-4)


def test_toy_init_figure_marks_a_diverged_run(monkeypatch):
    """No book run diverges (the sigmoid's cost stays finite), so one is made by hand: its
    curve stops at its last step, a cross marks it, and the title says where it stopped."""
    import dataclasses

    real = why.playground_run

    def fake(dataset, role, **kw):
        run = real(dataset, role, **kw)
        if role != "too large":
            return run
        h = dataclasses.replace(run.history, loss=run.history.loss[:41], accuracy=run.history.accuracy[:41],
                                epoch=run.history.epoch[:41], diverged_at=41, steps_taken=40)
        return dataclasses.replace(run, history=h, params=run.params[:41])

    monkeypatch.setattr(why, "playground_run", fake)
    ex = why.toy_init_figure()
    cv = ex.canvas()
    cv.show({"dataset": "circles", "init": "too large", "step": 100})
    costs, b = cv.state["costs"], cv.state["boundary"]
    cross = costs.crosses["too large"]
    assert cross.get_visible() and list(cross.get_xdata()) == [40]
    assert list(cross.get_ydata()) == [real("circles", "too large").history.loss[40]]
    assert len(costs.curves["too large"].get_xdata()) == 41 and not costs.crosses["appropriate"].get_visible()
    assert b.ax.get_title().endswith("at step 40, where it diverged")
    cv.show({"dataset": "circles", "init": "too large", "step": 30})
    assert "diverged" not in b.ax.get_title()


@pytest.mark.parametrize("factory", ["chain", "toy"])
def test_figure_text_is_readable(factory, toy):
    ex = toy if factory == "toy" else initreg.plot_linear_chain([initreg.linear_chain(1.0)])
    cv = ex.canvas()
    for p in ex.panels:
        assert cv.text_px(p) * 72 / ex.dpi >= MIN_TEXT_PT
