"""Under- and over-fitting, measured: the experiments of the introduction.

Training error tells how well a network fits the examples it sees; test error, on
held-out examples from the same distribution, estimates its generalization error.
:func:`capacity_curve` varies the hidden width and :func:`training_curve` the training
time, both on the same small training subset. See {ref}`chap-intro`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from . import _validate as v
from .datasets import DataSplit
from .network import ACTIVATIONS, Network
from .training import History, train

__all__ = ["CapacityCurve", "TrainingCurve", "capacity_curve", "training_curve"]


@dataclass(frozen=True)
class CapacityCurve:
    """Final training and test error (1 − accuracy) and loss for each hidden width."""

    widths: np.ndarray
    train_error: np.ndarray
    test_error: np.ndarray
    train_loss: np.ndarray
    test_loss: np.ndarray

    @property
    def gap(self) -> np.ndarray:
        """The generalization gap: test error minus training error."""
        return self.test_error - self.train_error



def _check_training(epochs: object, lr: object, activation: object) -> tuple[int, float, str]:
    """Check the training arguments up front, so a bad one is named before any network trains."""
    return (v.positive_int(epochs, "epochs"), v.positive(lr, "lr"),
            v.choice(activation, "activation", ACTIVATIONS))


def capacity_curve(data: DataSplit, widths: Sequence[int], *, epochs: int, lr: float,
                   seed: int, activation: str = "tanh") -> CapacityCurve:
    """Train ``[n0, width, classes]`` networks (Xavier init, full batch) for each width.

    Every network starts from ``numpy.random.default_rng(seed)``, so widths differ only
    in capacity.
    """
    data = v.instance(data, "data", DataSplit, example="e.g. initreg.load_digits()")
    if isinstance(widths, (str, bytes)) or not isinstance(widths, Sequence) or not widths:
        raise ValueError("widths must be a non-empty sequence of positive integers")
    ws = [v.positive_int(w, "widths[i]") for w in widths]
    epochs, lr, activation = _check_training(epochs, lr, activation)
    v.nonneg_int(seed, "seed")
    rows = []
    for w in ws:
        net = Network([data.n_features, w, data.n_classes], activation, init="xavier",
                      rng=np.random.default_rng(seed))
        h = train(net, data.X_train, data.y_train, epochs=epochs, lr=lr, X_test=data.X_test,
                  y_test=data.y_test, record_every=max(epochs, 1))
        if h.diverged:
            raise RuntimeError(f"training width {w} {h.status}; lower lr")
        rows.append((1 - h.accuracy[-1], 1 - h.test_accuracy[-1], h.loss[-1], h.test_loss[-1]))
    a = np.array(rows)
    return CapacityCurve(np.array(ws), a[:, 0], a[:, 1], a[:, 2], a[:, 3])


@dataclass(frozen=True)
class TrainingCurve:
    """One training run, recorded every few epochs, with its test loss taken apart.

    ``history`` holds the training and test loss and accuracy of every record. At each
    record the test images are split into those the network classifies correctly and
    those it gets wrong: ``test_loss_right`` and ``test_loss_wrong`` are their mean
    cross-entropies, ``n_wrong`` how many are wrong. The test loss is the weighted mean
    of the two, so they show whether a rising test loss comes from more mistakes or from
    more confident ones (the introduction, {ref}`chap-intro`).
    """

    history: History
    epoch: np.ndarray
    test_loss_right: np.ndarray
    test_loss_wrong: np.ndarray
    n_wrong: np.ndarray

    @property
    def best_index(self) -> int:
        """The record of the lowest test loss (the first, if several tie)."""
        return int(np.argmin(self.history.test_loss))

    def series(self, key: str) -> np.ndarray:
        """A recorded series of the history (``"loss"``, ``"test_loss"``, ``"accuracy"``,
        ``"test_accuracy"``) as an array."""
        v.choice(key, "key", ("loss", "test_loss", "accuracy", "test_accuracy"))
        return np.asarray(getattr(self.history, key))

    def at_best(self, key: str) -> float:
        """The series ``key`` at the record of the lowest test loss."""
        return float(self.series(key)[self.best_index])

    def after_best(self, key: str) -> np.ndarray:
        """The series ``key`` from the record of the lowest test loss to the end."""
        return self.series(key)[self.best_index:]


def training_curve(data: DataSplit, width: int, *, epochs: int, lr: float, seed: int,
                   record_every: int = 10, activation: str = "tanh") -> TrainingCurve:
    """Train one ``[n0, width, classes]`` network (Xavier init, full batch) and record its
    training and test loss and accuracy every ``record_every`` epochs (a :class:`TrainingCurve`)."""
    data = v.instance(data, "data", DataSplit, example="e.g. initreg.load_digits()")
    width = v.positive_int(width, "width")
    epochs, lr, activation = _check_training(epochs, lr, activation)
    v.nonneg_int(seed, "seed")
    record_every = v.positive_int(record_every, "record_every")
    net = Network([data.n_features, width, data.n_classes], activation, init="xavier",
                  rng=np.random.default_rng(seed))
    rows: list[tuple[int, float, float, int]] = []
    y_test = np.asarray(data.y_test)

    def split(epoch: int, net: Network) -> None:
        p = net.predict_proba(data.X_test)
        with np.errstate(divide="ignore"):
            loss = -np.log(p[np.arange(len(y_test)), y_test])
        wrong = p.argmax(axis=1) != y_test
        rows.append((epoch, float(loss[~wrong].mean()) if (~wrong).any() else 0.0,
                     float(loss[wrong].mean()) if wrong.any() else 0.0, int(wrong.sum())))

    hist = train(net, data.X_train, data.y_train, epochs=epochs, lr=lr, X_test=data.X_test,
                 y_test=data.y_test, record_every=record_every, callback=split)
    if hist.diverged:
        raise RuntimeError(f"training width {width} {hist.status}; lower lr")
    a = np.array(rows, dtype=float)
    return TrainingCurve(hist, a[:, 0].astype(int), a[:, 1], a[:, 2], a[:, 3].astype(int))
