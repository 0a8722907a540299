"""The seeded small-data sweeps (initreg.regularization), on a shortened regime: runs against
networks trained directly, the choices on validation against argmin by hand, the per-seed
gains, bad inputs; and the chapter's figures (initreg.figures.at_work) draw and pass the
explorable checks."""

from types import MappingProxyType

import numpy as np
import pytest

import initreg
from initreg import early_stopping as E
from initreg import regularization as R
from initreg.figures import at_work as F

SHORT = dict(R.SMALL_DATA) | {"epochs": 20, "record_every": 5}
SEEDS = (0, 1)


@pytest.fixture(scope="module")
def short():
    """Every function of the module on 20 epochs (stopping epochs 20 down to 5), caches cleared."""
    mp = pytest.MonkeyPatch()
    for mod in (R, E, F):
        mp.setattr(mod, "SMALL_DATA", MappingProxyType(SHORT))
    mp.setitem(R._GRIDS, "early_stopping", tuple(float(t) for t in range(20, 4, -1)))
    R._path.cache_clear()
    R._study.cache_clear()
    E._centered.cache_clear()
    yield R.small_data_study(SEEDS)
    R._path.cache_clear()
    R._study.cache_clear()
    E._centered.cache_clear()
    mp.undo()


def test_the_splits_are_disjoint_and_the_seeds_differ():
    a, b = R.small_data_split(0), R.small_data_split(1)
    assert a.shared_rows == 0 and len(a.y_train) == 100 and len(a.y_val) == 300
    assert not np.array_equal(a.train_rows, b.train_rows)
    np.testing.assert_array_equal(a.X_test, b.X_test)
    np.testing.assert_array_equal(R.small_data_split(0).train_rows, a.train_rows)
    assert not np.array_equal(R.small_data_network(0).weights[0], R.small_data_network(1).weights[0])


def test_the_grids_have_sixteen_strengths_the_first_off():
    for r in R.REGULARIZERS[1:]:
        g = R.strengths_of(r)
        assert len(g) == 16
        assert g[0] == (300.0 if r == "early_stopping" else 0.0)
    assert np.allclose(np.diff(np.log10(R.LAMBDAS[1:])), 0.2)
    assert R.STOP_EPOCHS[-1] == 5 and len(set(R.STOP_EPOCHS)) == 16


def direct(seed, epochs, **kw):
    """The seed's network trained by initreg.train directly, and its (test loss, test accuracy, val loss)."""
    split = R.small_data_split(seed)
    net = initreg.Network((64, 32, 10), "tanh", init="xavier", rng=np.random.default_rng([seed, 1]))
    initreg.train(net, split.X_train, split.y_train, epochs=epochs, lr=kw.pop("lr", 2.0), **kw)
    return net.evaluate(split.X_test, split.y_test) + (net.evaluate(split.X_val, split.y_val)[0],)


@pytest.mark.parametrize("regularizer, strength, kw", [
    ("l2", 1e-3, dict(penalty="l2", lam=1e-3)),
    ("l1", 1e-3, dict(penalty="l1", lam=1e-3)),
    ("dropout", 0.3, dict(dropout=0.3, rng=np.random.default_rng([1, 2]))),
    ("adamw", 0.5, dict(optimizer="adam", lr=0.01, decay=0.5)),
])
def test_a_run_is_the_network_trained_directly(short, regularizer, strength, kw):
    run = R.train_regularized(regularizer, strength, 1)
    tl, ta, vl = direct(1, 20, **kw)
    assert run.final_test_loss == pytest.approx(tl, rel=1e-12)
    assert run.final_test_accuracy == ta
    assert run.val_loss == pytest.approx(vl, rel=1e-12)
    assert list(run.epoch) == list(range(0, 21, 5))


def test_early_stopping_is_the_run_trained_for_t_epochs(short):
    path = R.unpenalized_path(0)
    assert len(path.epoch) == 21 and path.displacement[0] == 0.0
    for t in (5, 13):
        run = path.stopped(t)
        tl, ta, vl = direct(0, t)
        assert run.epoch[-1] == t and run.final_test_loss == pytest.approx(tl, rel=1e-12)
        assert run.val_loss == pytest.approx(vl, rel=1e-12) and run.final_test_accuracy == ta
    assert path.best_epoch() == 1 + int(np.argmin(path.val_loss[1:]))


def test_strength_zero_is_the_run_without_a_regularizer(short):
    base = short.run("none", 0, 0)
    for r in ("l1", "l2", "dropout"):
        off = R.train_regularized(r, 0.0, 0)
        np.testing.assert_array_equal(off.test_loss, base.test_loss)
    np.testing.assert_array_equal(short.run("none", 9, 0).test_loss, base.test_loss)
    assert short.run("early_stopping", 0, 0).final_test_loss == base.final_test_loss


def test_choices_and_gains_by_hand(short):
    base = np.array([p.test_loss[-1] for p in short.paths])  # the unregularized runs, gradient descent
    np.testing.assert_array_equal(short.none("test_loss"), base)
    for r in ("l1", "l2", "dropout", "adamw"):
        sw = short.sweeps[r]
        vl = np.array([[run.val_loss for run in row] for row in sw.runs])
        np.testing.assert_array_equal(sw.chosen_index, vl.argmin(axis=1))
        tl = np.array([[run.final_test_loss for run in row] for row in sw.runs])
        off = tl[:, 0] if r == "adamw" else base  # AdamW's change is against Adam alone (decay 0)
        np.testing.assert_allclose(short.gain(r, "test_loss"), tl[[0, 1], vl.argmin(axis=1)] - off)
    es = short.chosen("early_stopping", "test_loss")
    for i, p in enumerate(short.paths):
        assert es[i] == p.test_loss[np.argmin(p.val_loss[1:]) + 1]
    table = short.comparison()
    assert len(table.rows) == 1 + 5 and "chosen per seed" in table.header


def test_network_equivalence_pairs_epochs_and_strengths(short):
    eq = E.network_equivalence(short, (13, 15))
    np.testing.assert_array_equal(eq.t, [int(round(1 / (4 * R.LAMBDAS[i]))) for i in (13, 15)])
    assert eq.stopped_loss[0, 0] == short.paths[0].test_loss[eq.t[0]]
    assert np.all(eq.displacement_ratio > 0)
    assert "L2 toward W₀" in repr(eq)


def test_a_centered_run_with_a_tiny_penalty_is_the_unpenalized_network(short):
    c = E.centered_l2_run(0, 1e-12, epochs=6)
    tl, _, _ = direct(0, 6)
    assert c.test_loss == pytest.approx(tl, rel=1e-9)
    assert c.displacement == pytest.approx(R.unpenalized_path(0).displacement[6], rel=1e-6)
    assert E.centered_l2_run(0, 1e4, epochs=3).displacement < 1e-3


@pytest.mark.parametrize("call, exc, match", [
    (lambda: R.train_regularized("l3", 0.1, 0), ValueError, "regularizer must be one of"),
    (lambda: R.train_regularized("l2", -0.1, 0), ValueError, "strength must be >= 0"),
    (lambda: R.train_regularized("none", 0.1, 0), ValueError, "strength must be 0"),
    (lambda: R.train_regularized("dropout", 1.0, 0), ValueError, "probability p, in"),
    (lambda: R.train_regularized("early_stopping", 2.5, 0), ValueError, "stopping epoch, an integer"),
    (lambda: R.small_data_split(-1), ValueError, "seed must be a non-negative integer"),
    (lambda: R.small_data_study([0, 0]), ValueError, "seeds must be distinct"),
    (lambda: R.small_data_study([]), ValueError, "non-empty sequence"),
    (lambda: R.strengths_of("none"), ValueError, "regularizer must be one of"),
    (lambda: E.centered_l2_run(0, 0.0), ValueError, "lam must be > 0"),
    (lambda: E.network_equivalence("study"), TypeError, "SmallDataStudy"),
])
def test_bad_inputs_are_named(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


def test_a_study_names_a_bad_query(short):
    with pytest.raises(ValueError, match="index must be in 0..15"):
        short.run("l2", 16, 0)
    with pytest.raises(ValueError, match="seed must be one of 0, 1"):
        short.run("l2", 3, 7)
    with pytest.raises(ValueError, match="quantity must be one of"):
        short.none("test_error")
    with pytest.raises(ValueError, match="t must be at most 20"):
        short.paths[0].stopped(21)


# ------------------------------------------------------------------------------ figures
def test_the_explorer_draws_every_frame_and_passes_its_checks(short):
    ex = F.regularization_explorer(short)
    assert ex.check() == ex.n_renders
    assert len(ex.control("strength").values) >= 16
    assert set(ex.control("regularizer").grid) == set(R.REGULARIZERS)
    png = ex.png(regularizer="early_stopping", strength=4, seed=1)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    _, total = ex.time_update(regularizer="dropout", strength=3, seed=0)
    assert total < 5.0


def test_the_static_figures_draw(short):
    for fig in (F.plot_strength_sweeps(short), F.plot_strength_sweeps(short, ("l1",)),
                F.plot_early_stopping_paths(initreg.early_stopping_vs_ridge(
                    *initreg.diabetes_features(("bmi", "bp")), lr=0.1, steps=30), marks=(1, 5, 30))):
        assert fig.png()[:4] == b"\x89PNG"
        assert fig.check() >= 1


def test_the_figures_name_bad_inputs():
    with pytest.raises(TypeError, match="SmallDataStudy"):
        F.plot_strength_sweeps("study")
    with pytest.raises(TypeError, match="SmallDataStudy"):
        F.regularization_explorer("study")
    with pytest.raises(TypeError, match="EarlyStoppingRidge"):
        F.plot_early_stopping_paths(None)


def test_a_run_records_which_test_images_it_gets_right_and_its_confidence(short):
    run = R.train_regularized("l2", 1e-3, 1)
    split, net = R.small_data_split(1), R.small_data_network(1)
    initreg.train(net, split.X_train, split.y_train, epochs=20, lr=SHORT["lr"], penalty="l2", lam=1e-3)
    P = net.predict_proba(split.X_test)
    np.testing.assert_array_equal(run.test_correct, P.argmax(axis=1) == split.y_test)
    assert run.test_correct.mean() == run.final_test_accuracy
    assert run.test_confidence == pytest.approx(P.max(axis=1).mean(), rel=1e-12)
    w = np.concatenate([m.ravel() for m in net.weights])
    assert run.small_weights == np.mean(np.abs(w) < 0.5)
    stopped = short.paths[0].stopped(20)
    assert stopped.test_correct.mean() == stopped.final_test_accuracy


def test_the_paired_bootstrap_resamples_test_images_by_hand(short):
    bs = short.paired_bootstrap("l2", None, n_boot=50, rng=np.random.default_rng(3))
    sw = short.sweeps["l2"]
    ca = np.array([sw.runs[i][k].test_correct for i, k in enumerate(sw.chosen_index)], float)
    cb = np.array([sw.runs[i][0].test_correct for i in range(2)], float)
    idx = np.random.default_rng(3).integers(0, ca.shape[1], size=(50, ca.shape[1]))
    np.testing.assert_allclose(bs, [100 * (ca[:, j] - cb[:, j]).mean() for j in idx])
    full = 100 * (ca - cb).mean()  # the bootstrap is centred on the mean gain of the seeds' accuracies
    assert abs(bs.mean() - full) < 4 * bs.std() / np.sqrt(50) + 1e-12
    np.testing.assert_allclose(full, 100 * short.gain("l2", "test_accuracy").mean())
    aw = short.paired_bootstrap("adamw", None, n_boot=20, rng=np.random.default_rng(0))
    a0 = short.sweeps["adamw"].table("test_accuracy")[:, 0]
    assert abs(aw.mean() - 100 * (short.chosen("adamw", "test_accuracy") - a0).mean()) < 3.0
    with pytest.raises(TypeError, match="rng must be a numpy.random.Generator"):
        short.paired_bootstrap("l2", rng=0)
