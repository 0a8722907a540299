"""What the penalties do to trained weights (initreg.weights): the measurements against
numpy, the seeded training runs, the validation split, the λ sweep and bad inputs; and the
chapter's figures (initreg.figures.trained_weights): what each panel shows."""

import dataclasses
import math

import numpy as np
import pytest

import initreg


# ------------------------------------------------------------------ fixtures
@pytest.fixture(scope="module")
def small(digits):
    """150 training rows: a problem small enough to train in a fraction of a second."""
    return digits.subset(150, rng=np.random.default_rng(3))


SMALL = dict(sizes=(64, 32, 10), epochs=40, lr=0.1, batch_size=50, seed=4)


@pytest.fixture(scope="module")
def small_runs(small):
    return {
        "none": initreg.train_penalized(small, **SMALL),
        "l1": initreg.train_penalized(small, "l1", 0.01, **SMALL),
        "l1prox": initreg.train_penalized(small, "l1", 0.01, update="proximal", **SMALL),
        "l2": initreg.train_penalized(small, "l2", 0.01, **SMALL),
    }


# ------------------------------------------------------------- measurements
def random_mats(seed=0):
    rng = np.random.default_rng(seed)
    mats = [rng.normal(0, 0.01, (5, 3)), rng.laplace(0, 0.002, (4, 5)), rng.normal(0, 1, (2, 4))]
    mats[1][0, :2] = 0.0  # exact zeros
    mats[0][1, 1] = 1e-3  # exactly on the threshold
    return mats


def test_weight_vector_concatenates_every_matrix():
    mats = random_mats()
    flat = initreg.weight_vector(mats)
    np.testing.assert_array_equal(flat, np.concatenate([m.ravel() for m in mats]))
    np.testing.assert_array_equal(initreg.weight_vector(mats[0]), mats[0].ravel())


def test_weight_vector_of_a_network_leaves_out_the_biases():
    net = initreg.Network([4, 3, 2], rng=np.random.default_rng(0))
    for b in net.biases:
        b[...] = 7.0
    flat = initreg.weight_vector(net)
    assert flat.size == 4 * 3 + 3 * 2
    assert not np.any(flat == 7.0)


def test_fractions_and_norm_match_numpy():
    mats = random_mats(1)
    w = np.concatenate([m.ravel() for m in mats])
    for tol in (1e-4, 1e-3, 0.05):
        assert initreg.near_zero_fraction(mats, tol) == np.mean(np.abs(w) < tol)
        assert initreg.fraction_within(mats, tol) == np.mean(np.abs(w) <= tol)
    assert initreg.exact_zero_fraction(mats) == np.mean(w == 0) == 2 / w.size
    assert initreg.fraction_within(mats, 0.0) == initreg.exact_zero_fraction(mats)
    assert initreg.weight_norm(mats) == pytest.approx(np.linalg.norm(w), rel=1e-14)


def test_near_zero_is_strict_and_within_is_inclusive():
    w = np.array([-2e-3, -1e-3, 0.0, 5e-4, 1e-3, 3e-3])
    assert initreg.near_zero_fraction(w, 1e-3) == 2 / 6  # 0 and 5e-4
    assert initreg.fraction_within(w, 1e-3) == 4 / 6  # and the two on the boundary


def test_magnitude_histogram_matches_a_count_by_hand():
    rng = np.random.default_rng(7)
    w = np.concatenate([10.0 ** rng.uniform(-20, 2, 500) * rng.choice([-1, 1], 500), np.zeros(7), [1e-18, 10.0]])
    counts, edges, zeros = initreg.magnitude_histogram([w.reshape(1, -1)], bins=19, log_range=(-18.0, 1.0))
    assert zeros == 7 and counts.sum() + zeros == w.size
    np.testing.assert_allclose(edges, np.linspace(-18, 1, 20))
    by_hand = np.zeros(19, dtype=int)
    for x in w[w != 0]:
        e = math.log10(abs(x))
        by_hand[min(max(int(math.floor(e + 18.0)), 0), 18)] += 1  # bins of one decade, ends clipped
    np.testing.assert_array_equal(counts, by_hand)
    # the default bins: a third of a decade over LOG_MAGNITUDES
    counts, edges, _ = initreg.magnitude_histogram(w)
    assert len(counts) == 57 and (edges[0], edges[-1]) == initreg.LOG_MAGNITUDES


def test_weight_histogram_counts_every_weight():
    mats = random_mats(2)
    w = np.concatenate([m.ravel() for m in mats])
    counts, edges = initreg.weight_histogram(mats, bins=21, limit=0.05)
    assert counts.sum() == w.size and len(edges) == 22
    assert edges[0] == -0.05 and edges[-1] == 0.05
    inside = np.abs(w) < 0.05
    ref, _ = np.histogram(w[inside], bins=edges)
    assert counts[0] == ref[0] + np.sum(w <= -0.05)
    assert counts[-1] == ref[-1] + np.sum(w >= 0.05)
    np.testing.assert_array_equal(counts[1:-1], ref[1:-1])


@pytest.mark.parametrize("call,exc,match", [
    (lambda: initreg.near_zero_fraction([np.ones(3)], 0.0), ValueError, "tol must be > 0"),
    (lambda: initreg.near_zero_fraction([np.ones(3)], -1), ValueError, "tol"),
    (lambda: initreg.fraction_within([np.ones(3)], -0.1), ValueError, "bound must be >= 0"),
    (lambda: initreg.fraction_within([np.ones(3)], float("nan")), ValueError, "bound must be finite"),
    (lambda: initreg.weight_vector([]), ValueError, "at least one weight matrix"),
    (lambda: initreg.weight_vector("weights"), TypeError, "weights must be"),
    (lambda: initreg.weight_vector(3.0), TypeError, "weights must be"),
    (lambda: initreg.weight_vector([np.array([1.0, np.nan])]), ValueError, "finite"),
    (lambda: initreg.weight_histogram([np.ones(3)], bins=0), ValueError, "bins"),
    (lambda: initreg.weight_histogram([np.ones(3)], limit=0), ValueError, "limit"),
    (lambda: initreg.magnitude_histogram([np.ones(3)], bins=0), ValueError, "bins"),
    (lambda: initreg.magnitude_histogram([np.ones(3)], log_range=(1.0, -1.0)), ValueError, "low < high"),
    (lambda: initreg.magnitude_histogram([np.ones(3)], log_range=(0.0, np.inf)), ValueError, "finite"),
])
def test_measurements_reject_bad_input(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


# ------------------------------------------------------------------ training
def test_l1_makes_weights_sparse_and_l2_small(small_runs):
    none, l1, l2 = small_runs["none"], small_runs["l1"], small_runs["l2"]
    assert l1.near_zero() > 0.3 and l1.near_zero() > 10 * none.near_zero()
    assert l2.norm < none.norm and l1.norm < none.norm
    assert l2.near_zero() < l1.near_zero()


def test_only_the_proximal_step_gives_exact_zeros(small_runs):
    l1, prox = small_runs["l1"], small_runs["l1prox"]
    assert l1.exact_zeros == 0.0
    assert prox.exact_zeros > 0.3
    assert l1.within(l1.band) > 0.3  # the subgradient weights sit in the band instead
    # subgradient weights in the band keep changing sign from one step to the next ...
    assert l1.sign_flip_fraction(l1.band) > 0.5
    # ... while the proximal zeros rest at 0
    changes = prox.last_step_changes(prox.band)
    assert changes.zeros == round(prox.exact_zeros * prox.n_weights)
    assert changes.stayed_fraction > 0.75


def test_runs_keep_the_weights_one_step_before_the_end(small):
    """previous_weights are the weights before the last minibatch step: the last epoch
    recomputed here step by step with the L1 rule on initreg.l1_update and backward."""
    lam = 0.01
    run = initreg.train_penalized(small, "l1", lam, **SMALL)
    m, b = len(small.y_train), SMALL["batch_size"]
    assert run.steps == SMALL["epochs"] * int(np.ceil(m / b))
    net = initreg.Network(SMALL["sizes"], "tanh", init="xavier", rng=np.random.default_rng(SMALL["seed"]))
    order_rng = np.random.default_rng(SMALL["seed"] + 1)
    initreg.train(net, small.X_train, small.y_train, epochs=SMALL["epochs"] - 1, lr=SMALL["lr"], batch_size=b,
                  rng=order_rng, penalty="l1", lam=lam)
    order = order_rng.permutation(m)
    before = None
    for start in range(0, m, b):
        before = [w.copy() for w in net.weights]
        rows = order[start:start + b]
        g = net.backward(small.X_train[rows], small.y_train[rows])
        for l in range(len(net.weights)):
            net.weights[l][...] = initreg.l1_update(net.weights[l], g.dW[l], SMALL["lr"], lam)
            net.biases[l][...] -= SMALL["lr"] * g.db[l]
    for mine, theirs in zip(before, run.previous_weights):
        np.testing.assert_allclose(theirs, mine, rtol=0, atol=1e-10)
    for mine, theirs in zip(net.weights, run.weights):
        np.testing.assert_allclose(theirs, mine, rtol=0, atol=1e-10)
    # one step moves every weight by at most αλ plus the data step: previous ≠ now
    assert not np.array_equal(run.previous_weights[0], run.weights[0])


def test_full_batch_runs_keep_the_previous_step_too(small):
    kw = {**SMALL, "batch_size": 1000, "epochs": 5}
    run = initreg.train_penalized(small, "l2", 0.01, **kw)
    assert run.steps == 5
    net = initreg.Network(SMALL["sizes"], "tanh", init="xavier", rng=np.random.default_rng(SMALL["seed"]))
    initreg.train(net, small.X_train, small.y_train, epochs=4, lr=SMALL["lr"], penalty="l2", lam=0.01)
    for w_net, w_prev in zip(net.weights, run.previous_weights):
        np.testing.assert_allclose(w_prev, w_net, rtol=0, atol=1e-12)


def test_runs_are_seeded_and_differ_only_by_the_penalty(small):
    a = initreg.train_penalized(small, "l2", 0.01, **SMALL)
    b = initreg.train_penalized(small, "l2", 0.01, **SMALL)
    for wa, wb in zip(a.weights, b.weights):
        np.testing.assert_array_equal(wa, wb)
    other = initreg.train_penalized(small, "l2", 0.01, **{**SMALL, "seed": 5})
    assert not np.array_equal(a.weights[0], other.weights[0])


def test_training_in_two_calls_equals_one_call(small):
    """train_penalized takes the last epoch one step at a time: the result must be the same
    as one uninterrupted training run with the same seeds."""
    run = initreg.train_penalized(small, "l1", 0.003, **SMALL)
    net = initreg.Network(SMALL["sizes"], "tanh", init="xavier", rng=np.random.default_rng(SMALL["seed"]))
    initreg.train(net, small.X_train, small.y_train, epochs=SMALL["epochs"], lr=SMALL["lr"],
                  batch_size=SMALL["batch_size"], rng=np.random.default_rng(SMALL["seed"] + 1),
                  penalty="l1", lam=0.003)
    for w_run, w_net in zip(run.weights, net.weights):
        np.testing.assert_allclose(w_run, w_net, rtol=0, atol=1e-12)
    assert not np.array_equal(run.previous_weights[0], run.weights[0])
    assert run.train_accuracy == net.evaluate(small.X_train, small.y_train)[1]
    assert run.test_accuracy == net.evaluate(small.X_test, small.y_test)[1]


def test_run_records_are_read_only(small_runs):
    run = small_runs["l2"]
    with pytest.raises(ValueError):
        run.weights[0][0, 0] = 1.0
    assert run.n_weights == 64 * 32 + 32 * 10
    assert run.label == "L2, λ = 0.01" and small_runs["l1prox"].label == "L1 (proximal), λ = 0.01"
    assert small_runs["none"].label == "no penalty"
    assert run.band == pytest.approx(0.1 * 0.01)


def test_last_step_changes_count_flips_and_zeros_apart(small_runs):
    run = dataclasses.replace(
        small_runs["none"],
        weights=(np.array([[0.5, -1e-4, 2e-4, 0.0, 3e-4, 0.0, 5e-4]]),),
        previous_weights=(np.array([[-0.5, 1e-4, 2e-4, 1e-4, -1e-5, 0.0, 0.0]]),),
    )
    c = run.last_step_changes(1e-3)
    # in the band: -1e-4 (flipped), 2e-4 (kept), 0 (entered 0), 3e-4 (flipped), 0 (stayed),
    # 5e-4 (left 0: neither a flip nor counted)
    assert (c.in_band, c.counted, c.flipped) == (6, 3, 2)
    assert (c.zeros, c.stayed, c.entered, c.left) == (2, 1, 1, 1)
    assert c.flip_fraction == run.sign_flip_fraction(1e-3) == 2 / 3
    assert c.stayed_fraction == 1 / 2
    assert run.sign_flip_fraction(1.0) == 3 / 4  # 0.5 flipped too
    nothing = run.last_step_changes(1e-6)
    assert nothing.counted == 0 and np.isnan(nothing.flip_fraction)
    with pytest.raises(ValueError, match="bound must be >= 0"):
        run.last_step_changes(-1.0)


def test_magnitude_shares_match_a_histogram():
    rng = np.random.default_rng(5)
    w = np.concatenate([rng.uniform(-0.1, 0.1, 997), [0.0, 0.1, -0.1, 0.3]])
    shares = initreg.magnitude_shares([w.reshape(1, -1)], 0.1, bins=5)
    inside = np.abs(w)[np.abs(w) <= 0.1]
    ref, _ = np.histogram(inside, bins=5, range=(0, 0.1))  # numpy's last bin includes 0.1
    np.testing.assert_allclose(shares, ref / inside.size, atol=1e-15)
    assert shares.sum() == pytest.approx(1.0)
    assert np.all(np.isnan(initreg.magnitude_shares(np.array([1.0, 2.0]), 0.5)))
    with pytest.raises(ValueError, match="bound must be > 0"):
        initreg.magnitude_shares(w, 0.0)
    with pytest.raises(ValueError, match="bins"):
        initreg.magnitude_shares(w, 0.1, bins=0)


def test_pruned_network_removes_the_small_weights_only(small, small_runs):
    run = small_runs["l1"]
    net = initreg.pruned_network(run, run.band)
    for w_net, w_run in zip(net.weights, run.weights):
        small_w = np.abs(w_run) <= run.band
        assert np.all(w_net[small_w] == 0.0)
        np.testing.assert_array_equal(w_net[~small_w], w_run[~small_w])
    for b_net, b_run in zip(net.biases, run.net.biases):
        np.testing.assert_array_equal(b_net, b_run)
    # nothing pruned: the same network
    same = initreg.pruned_network(run, 0.0)
    assert same.evaluate(small.X_test, small.y_test)[1] == run.test_accuracy
    assert run.net.weights[0] is not net.weights[0]  # a copy: the run is untouched
    with pytest.raises(TypeError, match="run must be a TrainedRun"):
        initreg.pruned_network(run.net, 0.1)
    with pytest.raises(ValueError, match="bound must be >= 0"):
        initreg.pruned_network(run, -0.1)


@pytest.mark.parametrize("kwargs,exc,match", [
    (dict(penalty="l3"), ValueError, "penalty must be one of none, l1, l2"),
    (dict(penalty="l1", lam=-0.1), ValueError, "lam must be >= 0"),
    (dict(penalty="l1", lam=float("inf")), ValueError, "lam must be finite"),
    (dict(penalty="none", lam=0.1), ValueError, "lam must be 0 when penalty is 'none'"),
    (dict(update="newton"), ValueError, "update must be one of gradient, proximal"),
    (dict(epochs=0), ValueError, "epochs"),
    (dict(lr=0.0), ValueError, "lr"),
    (dict(batch_size=0), ValueError, "batch_size"),
    (dict(seed=-1), ValueError, "seed"),
    (dict(sizes=(10, 5, 10)), ValueError, "sizes must start with n\\[0\\] = 64"),
    (dict(sizes=(64, 5, 3)), ValueError, "end with n\\[L\\] = 10"),
    (dict(sizes="64"), ValueError, "sizes"),
    (dict(activation="swish"), ValueError, "activation must be one of"),
])
def test_train_penalized_rejects_bad_input(small, kwargs, exc, match):
    with pytest.raises(exc, match=match):
        initreg.train_penalized(small, **{"epochs": 1, **kwargs})


def test_train_penalized_needs_a_datasplit():
    with pytest.raises(TypeError, match="data must be an initreg.DataSplit"):
        initreg.train_penalized((np.zeros((3, 64)), np.zeros(3)))


@pytest.mark.parametrize("call,exc,match", [
    (lambda: initreg.digits_run("l4", 0.1), ValueError, "penalty must be one of"),
    (lambda: initreg.digits_run("l1", -1.0), ValueError, "lam must be >= 0"),
    (lambda: initreg.digits_run("none", 0.5), ValueError, "lam must be 0"),
    (lambda: initreg.digits_run("l1", 0.1, update="adam"), ValueError, "update must be one of"),
    (lambda: initreg.digits_run("l1", 0.1, seed=-1), ValueError, "seed"),
    (lambda: initreg.compare_seeds(0.0), ValueError, "lam must be > 0"),
    (lambda: initreg.compare_seeds(0.01, seeds=[]), ValueError, "seeds must be a non-empty"),
    (lambda: initreg.compare_seeds(0.01, seeds=[0, 0]), ValueError, "distinct"),
    (lambda: initreg.compare_seeds(0.01, seeds=[-1]), ValueError, "seeds\\[0\\]"),
    (lambda: initreg.compare_penalties([]), ValueError, "lams must be a non-empty sequence"),
    (lambda: initreg.compare_penalties([0.0]), ValueError, "lams\\[0\\] must be > 0"),
    (lambda: initreg.compare_penalties([0.1], penalties=["none"]), ValueError, "must be one of l1, l2"),
    (lambda: initreg.compare_penalties([0.1], penalties="l1"), ValueError, "penalties must be"),
    (lambda: initreg.strength_run("none", 0.0), ValueError, "penalty must be one of l1, l2"),
    (lambda: initreg.strength_run("l1", -0.1), ValueError, "lam must be >= 0"),
    (lambda: initreg.strength_runs("l2", []), ValueError, "lams must be a non-empty"),
    (lambda: initreg.strength_runs("l2", [0.0, -1.0]), ValueError, "lams\\[1\\] must be >= 0"),
])
def test_digits_experiment_rejects_bad_input(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


def test_strength_runs_are_the_chapters_runs():
    base, l1 = initreg.strength_runs("l1", [0.0, 0.01])
    assert base is initreg.digits_run() and l1 is initreg.digits_run("l1", 0.01)
    assert initreg.strength_run("l2", 0.0) is base  # λ = 0 is the run without a penalty, for either penalty
    grid = initreg.EXPLORER_LAMBDAS
    assert grid[0] == 0.0 and np.all(np.diff(grid) > 0) and len(grid) >= initreg.explorable.MIN_POSITIONS
    assert set(initreg.AI_NOTES_LAMBDAS) <= set(grid)


def test_digits_run_seeds():
    assert initreg.digits_run(seed=initreg.DIGITS_SETUP["seed"]) is initreg.digits_run()
    other = initreg.digits_run(seed=1)
    assert other.seed == 1 and not np.array_equal(other.weights[0], initreg.digits_run().weights[0])


def test_compare_seeds_repeats_the_four_runs():
    s = initreg.compare_seeds(0.01, seeds=[0, 1])
    assert s.seeds == (0, 1) and set(s.runs) == set(s.KEYS)
    assert s.runs["none"][0] is initreg.digits_run()
    assert s.runs["l1_proximal"][1] is initreg.digits_run("l1", 0.01, update="proximal", seed=1)
    acc = s.series("l2", "test_accuracy")
    np.testing.assert_array_equal(acc, [r.test_accuracy for r in s.runs["l2"]])
    np.testing.assert_array_equal(s.series("l1", "max_abs"), [np.abs(r.flat).max() for r in s.runs["l1"]])
    assert s.series("l1", "near_zero")[1] == s.runs["l1"][1].near_zero()
    assert "seed 1" in repr(s) and s._repr_html_().count("<tr>") == 9
    with pytest.raises(ValueError, match="quantity must be one of"):
        s.series("l1", "loss")
    with pytest.raises(ValueError, match="key must be one of"):
        s.series("l3", "norm")


def test_run_table(small_runs):
    table = initreg.run_table(small_runs)
    assert len(table.rows) == 4
    assert table.rows[0][:2] == ("no penalty", "–")
    assert table.rows[2][0] == "L1 (proximal)"
    assert table.rows[1][5] == f"{small_runs['l1'].near_zero():.1%}"
    assert table._repr_html_().count("<tr>") == 5
    with pytest.raises(TypeError, match="runs\\[0\\] must be a TrainedRun"):
        initreg.run_table([1.0])
    with pytest.raises(ValueError, match="non-empty"):
        initreg.run_table([])


# ------------------------------------------------------------ choosing λ
def test_holdout_split_is_disjoint_and_keeps_the_test_set(digits):
    split = initreg.holdout_split(digits, 120, 80, rng=np.random.default_rng(1))
    assert len(split.y_train) == 120 and len(split.y_val) == 80
    rows = {tuple(r) for r in split.X_train}
    assert not any(tuple(r) in rows for r in split.X_val)
    assert split.shared_rows == 0 and len(set(split.train_rows) | set(split.val_rows)) == 200
    np.testing.assert_array_equal(split.X_train, digits.X_train[split.train_rows])
    np.testing.assert_array_equal(split.y_val, digits.y_train[split.val_rows])
    overlapping = dataclasses.replace(split, val_rows=split.train_rows[:10])
    assert overlapping.shared_rows == 10
    np.testing.assert_array_equal(split.X_test, digits.X_test)
    assert split.train_split.X_test is split.X_val
    with pytest.raises(ValueError, match="n_train \\+ n_val must be at most the 1347"):
        initreg.holdout_split(digits, 1000, 400, rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match="n_val"):
        initreg.holdout_split(digits, 100, 0, rng=np.random.default_rng(0))
    with pytest.raises(TypeError, match="rng"):
        initreg.holdout_split(digits, 100, 10, rng=0)


@pytest.fixture(scope="module")
def sweeps(digits):
    split = initreg.holdout_split(digits, 100, 100, rng=np.random.default_rng(2))
    return initreg.lambda_sweeps(split, [0.0, 1e-3, 0.03, 1.0], sizes=(64, 16, 10), epochs=30, batch_size=50)


def test_sweep_shapes_and_shared_baseline(sweeps):
    assert set(sweeps) == {"l1", "l2"}
    for p, s in sweeps.items():
        assert s.penalty == p
        np.testing.assert_array_equal(s.lams, [0.0, 1e-3, 0.03, 1.0])
        assert np.all(np.diff(s.lams) > 0)
        for arr in (s.train_accuracy, s.val_accuracy, s.test_accuracy, s.val_loss, s.norm, s.near_zero):
            assert arr.shape == (4,) and np.all(np.isfinite(arr))
        assert s.n_val == 100
        assert 0 <= s.best_index < 4 and 0 <= s.one_se_index < 4
    # λ = 0 is the same unregularized run for both penalties
    assert sweeps["l1"].norm[0] == sweeps["l2"].norm[0]
    assert sweeps["l1"].test_accuracy[0] == sweeps["l2"].test_accuracy[0]
    # the strongest L2 penalty shrinks the weights far below the unregularized ones
    assert sweeps["l2"].norm[-1] < 0.01 * sweeps["l2"].norm[0]


def test_sweep_choices_use_validation_only():
    s = initreg.LambdaSweep(
        penalty="l2", lams=np.array([0.0, 0.01, 0.1, 1.0]),
        train_accuracy=np.array([1.0, 1.0, 0.9, 0.1]),
        val_accuracy=np.array([0.90, 0.91, 0.90, 0.1]),
        test_accuracy=np.array([0.5, 0.6, 0.99, 0.1]),  # must not matter
        val_loss=np.array([0.3, 0.2, 0.25, 2.3]), norm=np.ones(4), near_zero=np.zeros(4), n_val=100)
    assert s.best_index == 1 and s.best_lam == 0.01
    se = np.sqrt(0.91 * 0.09 / 100)
    assert s.standard_error == pytest.approx(se)
    assert s.one_se_index == 2 and s.one_se_lam == 0.1  # 0.90 >= 0.91 - 0.0286
    tie = dataclasses.replace(s, val_accuracy=np.array([0.91, 0.91, 0.5, 0.1]))
    assert tie.best_index == 1  # equal accuracy: the lower validation loss wins


@pytest.mark.parametrize("kwargs,exc,match", [
    (dict(lams=[]), ValueError, "lams must be a non-empty"),
    (dict(lams=[0.1, 0.01]), ValueError, "strictly increasing"),
    (dict(lams=[0.0, -1.0]), ValueError, "lams\\[1\\] must be >= 0"),
    (dict(penalties=["l1", "l1"]), ValueError, "distinct"),
    (dict(penalties=["none"]), ValueError, "must be one of l1, l2"),
    (dict(penalties=[]), ValueError, "penalties must be"),
    (dict(epochs=0), ValueError, "epochs"),
])
def test_lambda_sweeps_reject_bad_input(digits, kwargs, exc, match):
    split = initreg.holdout_split(digits, 50, 50, rng=np.random.default_rng(0))
    args = dict(lams=[0.0, 0.1], epochs=1)
    args.update(kwargs)
    with pytest.raises(exc, match=match):
        initreg.lambda_sweeps(split, **args)


def test_lambda_sweep_needs_a_holdout_and_a_penalty(digits):
    with pytest.raises(TypeError, match="split must be an initreg.Holdout"):
        initreg.lambda_sweep(digits, "l1", [0.0, 0.1])
    split = initreg.holdout_split(digits, 50, 50, rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match="penalty must be one of l1, l2"):
        initreg.lambda_sweep(split, "none", [0.0, 0.1])


# ------------------------------------------------------------------- figures
@pytest.fixture(scope="module")
def F():
    from initreg.figures import trained_weights
    return trained_weights


def panel_sizes_fit_a_screen(ex):
    assert all(p.width <= 4.5 for p in ex.panels)
    assert ex.figsize[0] <= 7.2 or len(ex.panels) > 2


def test_article_figure_shows_each_run_over_the_base(F, small_runs):
    base, l1, l2 = small_runs["none"], small_runs["l1"], small_runs["l2"]
    ex = F.plot_weight_histograms(base, l1, l2)
    assert [p.name for p in ex.panels] == ["l1_panel", "l2_panel"] and ex.check() == 2
    panel_sizes_fit_a_screen(ex)
    cv = ex.canvas()
    for shown, run, color in zip(cv.state, (l1, l2), ("l1", "l2")):
        np.testing.assert_array_equal(shown.run.get_data().values, np.histogram(
            np.clip(run.flat, -1, 1), bins=81, range=(-1, 1))[0])
        np.testing.assert_array_equal(shown.base.get_data().values,
                                      initreg.weight_histogram(base, bins=81, limit=1.0)[0])
        assert shown.run.get_edgecolor()[:3] == pytest.approx(
            tuple(int(initreg.PENALTY_COLORS[color][i:i + 2], 16) / 255 for i in (1, 3, 5)))
        texts = [t.get_text() for t in shown.legend.get_texts()]
        assert texts[0] == f"no penalty: train {base.train_accuracy:.1%}, test {base.test_accuracy:.1%}"
        assert texts[1].startswith(f"{color.upper()}: train {run.train_accuracy:.1%}")
    assert "left" not in ex.caption and "right" not in ex.caption
    with pytest.raises(TypeError, match="l1 must be a TrainedRun"):
        F.plot_weight_histograms(base, None, l2)


def test_magnitude_figure_shows_the_zeros_and_the_band(F, small_runs):
    base, l1, prox = small_runs["none"], small_runs["l1"], small_runs["l1prox"]
    ex = F.plot_abs_weights(base, [l1, prox])
    assert ex.check() == 2
    panel_sizes_fit_a_screen(ex)
    sub, pr = ex.canvas().state
    assert not sub.run_zeros.get_visible()  # the subgradient rule leaves no exact zero
    assert pr.run_zeros.get_visible() and pr.run_zeros.get_height() == np.count_nonzero(prox.flat == 0) > 0
    counts, _, _ = initreg.magnitude_histogram(prox, bins=57)
    np.testing.assert_array_equal(pr.run.get_data().values, counts)
    for shown, run in ((sub, l1), (pr, prox)):
        assert shown.band.get_visible() and shown.band.get_xdata()[0] == pytest.approx(math.log10(run.band))
        assert f"{run.near_zero():.1%} near zero" in shown.legend.get_texts()[1].get_text()
    assert len(F.plot_abs_weights(base, l1).panels) == 1
    with pytest.raises(ValueError, match="runs must be a non-empty"):
        F.plot_abs_weights(base, [])
    with pytest.raises(TypeError, match="runs\\[1\\] must be a TrainedRun"):
        F.plot_abs_weights(base, [l1, 0.5])


def test_sweep_figure_marks_the_choices_made_on_validation(F, sweeps):
    ex = F.plot_lambda_sweep(sweeps)
    assert [p.name for p in ex.panels] == ["accuracy", "norm", "sparsity"] and ex.check() == 3
    panel_sizes_fit_a_screen(ex)
    axes = ex.canvas().state
    lines = axes["accuracy"].get_lines()
    for s in sweeps.values():
        x = s.lams.copy()
        x[x == 0] = s.lams[s.lams > 0].min() / 10  # λ = 0 one decade left of the smallest λ
        stars = [ln for ln in lines if ln.get_marker() == "*" and ln.get_color() == initreg.PENALTY_COLORS[s.penalty]]
        assert len(stars) == 1
        o = s.one_se_index
        assert (stars[0].get_xdata()[0], stars[0].get_ydata()[0]) == (x[o], s.test_accuracy[o])
    assert axes["norm"].get_yscale() == "log"
    assert [t.get_text() for t in axes["norm"].get_xticklabels()][0] == "0"
    with pytest.raises(TypeError, match="sweeps\\[0\\] must be a LambdaSweep"):
        F.plot_lambda_sweep([1])
    with pytest.raises(ValueError, match="non-empty"):
        F.plot_lambda_sweep([])


@pytest.fixture(scope="module")
def small_explorer(F, small):
    """The live figure's drawing over 16 strengths of the small problem (cheap to train)."""
    lams = (0.0,) + tuple(np.geomspace(1e-4, 1.0, 15))
    cache = {}

    def run(penalty, lam):
        key = ("none", 0.0) if lam == 0 else (penalty, lam)
        if key not in cache:
            cache[key] = initreg.train_penalized(small, *key, **SMALL)
        return cache[key]

    return F.trained_weights_explorer(lams=lams, run=run), run


def test_explorer_frames_are_drawn_from_their_values_alone(small_explorer):
    ex, run = small_explorer
    assert ex.check() == ex.n_renders == 2 * 2 * 16  # every panel image, in any order


def test_explorer_frame_shows_the_chosen_run(small_explorer):
    ex, run = small_explorer
    lam = ex.control("lam").values[8]
    cv = ex.canvas()
    cv.show(ex.values(penalty="l2", lam=lam))
    values, mags = cv.state
    r = run("l2", lam)
    np.testing.assert_array_equal(values.run.get_data().values, initreg.weight_histogram(r, bins=81, limit=1.0)[0])
    assert not mags.band.get_visible()  # no L1 band for L2
    assert values.legend.get_texts()[1].get_text().startswith(f"L2: train {r.train_accuracy:.1%}")
    cv.show(ex.values(penalty="l1", lam=lam))
    assert mags.band.get_visible() and mags.band.get_xdata()[0] == pytest.approx(math.log10(run("l1", lam).band))
    cv.show(ex.values(penalty="l1", lam=0.0))  # λ = 0: the run is the base itself
    np.testing.assert_array_equal(values.run.get_data().values, values.base.get_data().values)
    assert not mags.band.get_visible()


def test_explorer_controls_and_page_weight(F):
    ex = F.trained_weights_explorer()
    assert "trained_weights_explorer" in initreg.explorable.FIGURES
    pen, lam = ex.controls
    assert pen.grid == ["l1", "l2"] and lam.kind == "strength" and lam.values == initreg.EXPLORER_LAMBDAS
    assert ex.defaults == {"penalty": "l1", "lam": 0.0}  # the first frame needs one run: a fast cold start
    assert ex.n_renders == 2 * 2 * len(initreg.EXPLORER_LAMBDAS)
    panel_sizes_fit_a_screen(ex)
    assert "left" not in ex.caption and "right" not in ex.caption
    with pytest.raises(ValueError, match="lams must start at λ = 0"):
        F.trained_weights_explorer(lams=[0.01, 0.1])
    with pytest.raises(TypeError, match="run must be a function"):
        F.trained_weights_explorer(run=0.5)


# ------------------------------------------------ argument checks found by benchmarks/audit_inputs.py
@pytest.mark.parametrize("name,exc", [("", ValueError), ("  ", ValueError), (3, TypeError), (None, TypeError)])
def test_check_run_refuses_a_name_that_is_not_a_label(name, exc):
    with pytest.raises(exc, match="name must be a (non-empty )?string"):
        initreg.check_run(None, name)


def test_check_run_names_any_label():
    with pytest.raises(TypeError, match=r"run\('l1', 0\) must be a TrainedRun"):
        initreg.check_run(None, "run('l1', 0)")


@pytest.mark.parametrize("log_range", [[], None, (1.0,), (-3.0, 0.0, 1.0), "ab"])
def test_magnitude_histogram_refuses_a_log_range_that_is_not_a_pair(log_range):
    with pytest.raises(ValueError, match="log_range must be a pair"):
        initreg.magnitude_histogram([np.ones(3)], log_range=log_range)
