"""Gradient descent for :class:`initreg.Network`: full batch or seeded minibatches.

One step with learning rate α on a batch updates every layer as

.. math::  W^{[l]} \\leftarrow W^{[l]} - \\alpha\\,\\bigl(\\partial J/\\partial W^{[l]} + \\partial P/\\partial W^{[l]}\\bigr),
           \\qquad b^{[l]} \\leftarrow b^{[l]} - \\alpha\\,\\partial J/\\partial b^{[l]},

with the penalty P of {ref}`chap-update-rules` (or its proximal step). A step whose loss
or weights stop being finite ends training: the history says ``diverged at step k`` and
the network is put back to its last finite state, so nothing downstream sees NaN.
See {ref}`chap-intro`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from . import _validate as v
from .network import Network
from .regularizers import PENALTIES, UPDATES, Penalty

__all__ = ["History", "train"]


@dataclass
class History:
    """What :func:`train` measured, once per recorded epoch (epoch 0 is before training).

    ``loss`` is the data loss J (mean cross-entropy), ``objective`` is J + P with the
    penalty; ``test_*`` are NaN-free lists, empty when no test data was given.
    ``diverged_at`` is the 1-based step whose loss or weights were not finite, or None.
    """

    epoch: list[int] = field(default_factory=list)
    step: list[int] = field(default_factory=list)
    loss: list[float] = field(default_factory=list)
    objective: list[float] = field(default_factory=list)
    accuracy: list[float] = field(default_factory=list)
    test_loss: list[float] = field(default_factory=list)
    test_accuracy: list[float] = field(default_factory=list)
    diverged_at: int | None = None
    steps_taken: int = 0

    @property
    def diverged(self) -> bool:
        return self.diverged_at is not None

    @property
    def status(self) -> str:
        if self.diverged_at is not None:
            return f"diverged at step {self.diverged_at}"
        return f"completed {self.steps_taken} steps"

    def as_arrays(self) -> dict[str, np.ndarray]:
        """Every recorded series as a numpy array."""
        return {k: np.asarray(getattr(self, k)) for k in
                ("epoch", "step", "loss", "objective", "accuracy", "test_loss", "test_accuracy")}

    def __repr__(self) -> str:
        last = (f", loss {self.loss[-1]:.4g}, accuracy {self.accuracy[-1]:.3f}" if self.loss else "")
        test = f", test accuracy {self.test_accuracy[-1]:.3f}" if self.test_accuracy else ""
        return f"History({self.status}, {len(self.epoch)} records{last}{test})"


def train(
    net: Network,
    X: object,
    y: object,
    *,
    epochs: int,
    lr: float,
    batch_size: int | None = None,
    rng: np.random.Generator | None = None,
    penalty: Penalty | str | None = None,
    lam: float = 0.0,
    update: str = "gradient",
    X_test: object = None,
    y_test: object = None,
    record_every: int = 1,
    callback: Callable[[int, Network], None] | None = None,
) -> History:
    """Train ``net`` in place by gradient descent and return its :class:`History`.

    Parameters
    ----------
    epochs
        Passes over the training data (each is one step in full batch).
    lr
        The learning rate α > 0.
    batch_size
        Rows per step; ``None`` (or ``len(X)``) is full-batch gradient descent.
        Minibatches need ``rng``, which shuffles the rows every epoch.
    penalty, lam
        A :class:`initreg.Penalty`, or a name from ``PENALTIES`` with strength ``lam``.
    update
        ``"gradient"`` adds the penalty's (sub)gradient to the data gradient (the source
        article's rules); ``"proximal"`` takes the data step, then the penalty's proximal map.
    X_test, y_test
        Optional held-out data, evaluated at every record.
    record_every
        Record the metrics every this many epochs (and always at the last one).
    callback
        ``callback(epoch, net)`` after every record, e.g. to keep snapshots of the weights.
    """
    if not isinstance(net, Network):
        raise TypeError(f"net must be an initreg.Network; got {type(net).__name__}")
    Xc = net.check_X(X)
    yc = net.check_y(y, Xc.shape[0])
    epochs = v.nonneg_int(epochs, "epochs")
    lr = v.positive(lr, "lr")
    m = Xc.shape[0]
    if batch_size is None:
        batch = m
    else:
        batch = min(v.positive_int(batch_size, "batch_size"), m)
    if batch < m:
        if rng is None:
            raise ValueError("rng is required for minibatches: pass rng=numpy.random.default_rng(seed)")
        v.generator(rng)
    elif rng is not None:
        v.generator(rng)
    if isinstance(penalty, Penalty):
        if lam:
            raise ValueError("pass lam inside the Penalty, not beside it")
        pen = penalty
    elif penalty is None:
        pen = Penalty("none", 0.0)
    else:
        pen = Penalty(v.choice(penalty, "penalty", PENALTIES), lam)
    v.choice(update, "update", UPDATES)
    record_every = v.positive_int(record_every, "record_every")
    has_test = X_test is not None or y_test is not None
    if has_test:
        if X_test is None or y_test is None:
            raise ValueError("X_test and y_test must be given together")
        Xt = net.check_X(X_test, "X_test")
        yt = net.check_y(y_test, Xt.shape[0], "y_test")
    if callback is not None and not callable(callback):
        raise TypeError("callback must be a function callback(epoch, net)")

    hist = History()
    proximal = update == "proximal"
    full = batch == m
    # the last finite state, restored if a step diverges; kept once per record
    backup = net.get_params()

    def record(epoch: int, step: int, loss: float | None = None, acc: float | None = None) -> bool:
        if loss is None:
            loss, acc = net.evaluate(Xc, yc)
        if not np.isfinite(loss) or not net.params_finite():
            return False
        pen_value = pen.value(net.weights) if pen.active else 0.0
        if has_test:
            tl, ta = net.evaluate(Xt, yt)
            if not np.isfinite(tl):
                return False
            hist.test_loss.append(tl)
            hist.test_accuracy.append(ta)
        hist.epoch.append(epoch)
        hist.step.append(step)
        hist.loss.append(loss)
        hist.objective.append(loss + pen_value)
        hist.accuracy.append(acc)
        if callback is not None:
            callback(epoch, net)
        return True

    with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
        if not record(0, 0):
            raise ValueError("the network's loss on X is not finite before training: check the init scale")
        step = 0
        pending: tuple[int, int] | None = None  # a full-batch record whose loss comes from the next forward
        for epoch in range(1, epochs + 1):
            if full:
                order = None
            else:
                order = rng.permutation(m)
            for start in range(0, m, batch):
                if order is None:
                    xb, yb = Xc, yc
                else:
                    idx = order[start:start + batch]
                    xb, yb = Xc[idx], yc[idx]
                loss, acc = net._step_grads(xb, yb)
                if not np.isfinite(loss):  # the weights after `step` updates overflowed
                    hist.diverged_at = step
                    break
                if pending is not None:
                    # full batch: this forward measured the weights after the previous step
                    if not record(*pending, loss=loss, acc=acc):
                        hist.diverged_at = step
                        break
                    backup = net.get_params()
                    pending = None
                step += 1
                for w, b, gw, gb in zip(net.weights, net.biases, net._grad_W, net._grad_b):
                    if not proximal:
                        pen.add_grad(w, gw)
                    gw *= lr
                    w -= gw
                    gb *= lr
                    b -= gb
                    if proximal:
                        pen.prox(w, lr)
            if hist.diverged_at is not None:
                break
            if epoch % record_every == 0 or epoch == epochs:
                if full and epoch < epochs:
                    pending = (epoch, step)
                elif not record(epoch, step):
                    hist.diverged_at = step
                    break
                else:
                    backup = net.get_params()
        if hist.diverged_at is not None:
            net.set_params(backup)  # back to the state of the last record
            hist.steps_taken = hist.diverged_at - 1
        else:
            hist.steps_taken = step
    return hist
