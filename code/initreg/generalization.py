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

__all__ = ["CapacityCurve", "capacity_curve", "training_curve"]


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


def _check_split(data: object) -> DataSplit:
    if not isinstance(data, DataSplit):
        raise TypeError(f"data must be an initreg.DataSplit (e.g. initreg.load_digits()); got {type(data).__name__}")
    return data


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
    data = _check_split(data)
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


def training_curve(data: DataSplit, width: int, *, epochs: int, lr: float, seed: int,
                   record_every: int = 10, activation: str = "tanh") -> History:
    """Train one ``[n0, width, classes]`` network and record train and test loss over time."""
    data = _check_split(data)
    width = v.positive_int(width, "width")
    epochs, lr, activation = _check_training(epochs, lr, activation)
    v.nonneg_int(seed, "seed")
    record_every = v.positive_int(record_every, "record_every")
    net = Network([data.n_features, width, data.n_classes], activation, init="xavier",
                  rng=np.random.default_rng(seed))
    return train(net, data.X_train, data.y_train, epochs=epochs, lr=lr, X_test=data.X_test,
                 y_test=data.y_test, record_every=record_every)
