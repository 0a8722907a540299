"""Gradient descent for :class:`initreg.Network`: full batch or seeded minibatches.

One step with learning rate α on a batch updates every layer as

.. math::  W^{[l]} \\leftarrow W^{[l]} - \\alpha\\,\\bigl(\\partial J/\\partial W^{[l]} + \\partial P/\\partial W^{[l]}\\bigr),
           \\qquad b^{[l]} \\leftarrow b^{[l]} - \\alpha\\,\\partial J/\\partial b^{[l]},

with the penalty P of {ref}`chap-update-rules` (or its proximal step). A step whose loss
or weights stop being finite ends training: the history says ``diverged at step k`` and
the network is put back to its last finite state, so nothing downstream sees NaN.
See {ref}`chap-intro`.

Divergence costs almost nothing to watch: every step computes the loss of the weights it
starts from anyway, so a non-finite loss is noticed at once; the weights themselves are
checked (one sum over the flat parameter store) and copied into a preallocated backup
only at records. With ``record_every=k`` a step costs its forward, backward and one
subtraction, and nothing else.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from typing import Any
from dataclasses import dataclass, field

import numpy as np

from . import _threads
from . import _validate as v
from .network import Network
from .optimizers import OPTIMIZERS, adam_checks
from .penalties import PENALTIES, UPDATES, Penalty

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


def _rows(data: object) -> int:
    try:
        return int(np.shape(data)[0])  # type: ignore[arg-type]
    except (TypeError, ValueError, IndexError):
        return 0  # not an array: train's own checks will say so


def _blas_policy(fn: Callable[..., History]) -> Callable[..., History]:
    """Run ``train`` on one BLAS thread when its products are small (see :mod:`initreg._threads`)."""
    @functools.wraps(fn)
    def wrapper(net: Network, X: object, y: object, **kwargs: Any) -> History:
        sizes = getattr(net, "sizes", None)
        if not isinstance(net, Network) or not sizes:
            return fn(net, X, y, **kwargs)
        batch = kwargs.get("batch_size")
        rows = max(batch if isinstance(batch, int) and not isinstance(batch, bool) else _rows(X),
                   _rows(kwargs.get("X_test")))
        with _threads.for_products(rows, list(sizes)):
            return fn(net, X, y, **kwargs)

    return wrapper


@_blas_policy
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
    optimizer: str = "sgd",
    betas: tuple[float, float] = (0.9, 0.999),
    eps: float = 1e-8,
    decay: float = 0.0,
    dropout: float = 0.0,
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
        A :class:`initreg.Penalty`, or a name from ``PENALTIES`` with strength ``lam`` (λ ≥ 0).
        ``lam > 0`` with ``penalty=None`` is refused (a forgotten penalty); pass
        ``penalty="none"`` to train a sweep's unpenalized run with the same arguments.
    update
        ``"gradient"`` adds the penalty's (sub)gradient to the data gradient (the source
        article's rules); ``"proximal"`` takes the data step, then the penalty's proximal map.
    X_test, y_test
        Optional held-out data, evaluated at every record.
    record_every
        Record the metrics every this many epochs (and always at the last one). A record
        evaluates the loss (free in full batch: the next step's forward measures it), checks
        the weights and backs them up; recording less often makes long runs cheaper.
    callback
        ``callback(epoch, net)`` after every record, e.g. to keep snapshots of the weights.
        It may read the network, call ``net.forward/evaluate/backward`` on any data, or
        change the weights in place; the run goes on from the weights it leaves.
    optimizer
        ``"sgd"`` (the step ``θ ← θ − α·g``) or ``"adam"`` (:func:`initreg.adam_update` on
        every parameter, with ``betas = (β₁, β₂)`` and ``eps``; the penalty's gradient is
        folded into g, so ``penalty="l2"`` is ``torch.optim.Adam(weight_decay=2λ)``).
        Proximal updates are for ``"sgd"``.
    decay
        Decoupled weight decay: before each step every weight matrix (never a bias) is
        multiplied by ``1 − α·decay``, for either optimizer (with Adam, AdamW's rule).
    dropout
        Inverted dropout on the hidden units during training, with probability ``p`` in
        [0, 1): at every step each hidden unit of each example is kept with probability
        1 − p, its activation divided by 1 − p, the masks drawn from ``rng`` (so dropout
        needs one). Every record evaluates the plain network, with no unit dropped.
        ``dropout=0`` is the run without dropout, bit for bit.

    Notes
    -----
    A run whose every matrix product is small (``rows × n[l-1] × n[l]`` up to about
    4 million multiply-adds, as for every network of the book) uses one BLAS thread:
    threads cost more than they save at that size, and far more on a busy machine.

    Raises
    ------
    ValueError, TypeError
        For a bad argument (the message names it), a network whose weights are read-only,
        or a loss that is not finite before the first step.
    """
    v.instance(net, "net", Network)
    net._sync()
    net._writable()
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
    else:
        lam = v.nonneg(lam, "lam")
        if penalty is None:
            if lam != 0.0:  # a forgotten penalty would silently train without one
                raise ValueError(f"lam = {lam:g} needs a penalty: pass penalty='l1' or 'l2' "
                                 "(or penalty='none' to train without one)")
            pen = Penalty("none", 0.0)
        else:
            pen = Penalty(v.choice(penalty, "penalty", PENALTIES), lam)
    v.choice(update, "update", UPDATES)
    v.choice(optimizer, "optimizer", OPTIMIZERS)
    adam = optimizer == "adam"
    if isinstance(betas, (str, bytes)) or not isinstance(betas, (tuple, list)) or len(betas) != 2:
        raise ValueError(f"betas must be a pair (beta1, beta2); got {betas!r}")
    _, beta1, beta2, eps, _, decay = adam_checks(lr, betas[0], betas[1], eps, 0.0, decay)
    if adam and update == "proximal":
        raise ValueError("update='proximal' takes plain gradient steps: use optimizer='sgd'")
    dropout = v.real(dropout, "dropout", low=0.0)
    if dropout >= 1.0:
        raise ValueError(f"dropout must be in [0, 1); got {dropout!r}")
    if dropout and rng is None:
        raise ValueError("dropout draws its masks from rng: pass rng=numpy.random.default_rng(seed)")
    if dropout and rng is not None:
        v.generator(rng)
    record_every = v.positive_int(record_every, "record_every")
    has_test = X_test is not None or y_test is not None
    if has_test:
        if X_test is None or y_test is None:
            raise ValueError("X_test and y_test must be given together")
        Xt = net.check_X(X_test, "X_test")
        tt = net._targets(net.check_y(y_test, Xt.shape[0], "y_test"))
    if callback is not None and not callable(callback):
        raise TypeError("callback must be a function callback(epoch, net)")

    hist = History()
    proximal = update == "proximal"
    penalized = pen.active
    # A step is dW += dP/dW (gradient updates with a penalty), then two passes over the
    # flat parameter store: × α, and subtract.
    grad_penalty = penalized and not proximal
    full = batch == m
    targets = net._targets(yc)
    # The last recorded (finite) state, restored if a step diverges. It is refreshed in
    # place at every record: one copy of the flat store, no allocation per step.
    backup = net._flat.copy()
    moved = [False]  # set when a callback changed the weights in place of a record

    def record(epoch: int, step: int, loss: float | None = None, acc: float | None = None) -> bool:
        if loss is None:
            loss, acc = net._evaluate(Xc, targets)
        if not math.isfinite(loss) or not net._finite():
            return False
        pen_value = pen.value(net.weights) if penalized else 0.0
        if not math.isfinite(pen_value):
            return False
        if has_test:
            tl, ta = net._evaluate(Xt, tt)
            if not math.isfinite(tl):
                return False
            hist.test_loss.append(tl)
            hist.test_accuracy.append(ta)
        hist.epoch.append(epoch)
        hist.step.append(step)
        hist.loss.append(loss)
        hist.objective.append(loss + pen_value)
        hist.accuracy.append(acc)
        np.copyto(backup, net._flat)
        if callback is not None:
            gflat = net._gflat
            callback(epoch, net)
            net._sync()  # the callback may have put new arrays in place of the weights
            net._writable()
            if net._gflat is not gflat:  # re-packed: carry the pending gradient over
                np.copyto(net._gflat, gflat)
            if not np.array_equal(net._flat, backup):  # it changed the weights: the run goes on from them
                if not net._finite():
                    raise ValueError(f"callback left non-finite weights at epoch {epoch}")
                moved[0] = True
                np.copyto(backup, net._flat)
        return True

    masks: dict[int, list[np.ndarray]] = {}  # dropout's keep masks, per batch size

    def gradient(xb: np.ndarray, tb: object, want_acc: bool) -> tuple[float, float | None]:
        keep = None
        if dropout:
            n = xb.shape[0]
            if n not in masks:
                masks[n] = [np.empty((n, k), dtype=net.dtype) for k in net.sizes[1:-1]]
            keep = masks[n]
            for mk in keep:  # kept with probability 1 − p, then scaled by 1/(1 − p)
                np.greater_equal(rng.random(mk.shape), dropout, out=mk, casting="unsafe")
                mk *= 1.0 / (1.0 - dropout)
        return net._grads(xb, tb, 1.0 / xb.shape[0], want_acc, net._grad_W, net._grad_b, keep)

    if adam:  # the moments, over the flat store, and scratch space for the step
        m1, m2, work = (np.zeros_like(net._flat) for _ in range(3))
    t_adam = 0

    def update() -> None:
        nonlocal t_adam
        flat, gflat = net._flat, net._gflat
        if grad_penalty:
            for w, gw in zip(net.weights, net._grad_W):
                pen.add_grad(w, gw)
        if decay:  # decoupled: the weights shrink before the step, by the same factor
            for w in net.weights:
                w *= 1.0 - lr * decay
        if adam:  # initreg.adam_update, in place over the flat store (the same arithmetic)
            t_adam += 1
            # (np.* with out=: an augmented assignment here would make them local names)
            np.subtract(gflat, m1, out=work)
            np.multiply(work, 1.0 - beta1, out=work)
            np.add(m1, work, out=m1)                  # m ← m + (1 − β₁)(g − m)
            np.multiply(m2, beta2, out=m2)
            np.multiply(gflat, gflat, out=work)
            np.multiply(work, 1.0 - beta2, out=work)
            np.add(m2, work, out=m2)                  # v ← β₂v + (1 − β₂)g²
            np.sqrt(m2, out=work)
            np.divide(work, math.sqrt(1.0 - beta2**t_adam), out=work)
            np.add(work, eps, out=work)               # √v / √(1 − β₂ᵗ) + ε
            np.divide(m1, work, out=work)
            np.multiply(work, -lr / (1.0 - beta1**t_adam), out=work)
            np.add(flat, work, out=flat)              # w ← w − α/(1 − β₁ᵗ) · m/(…)
            return
        gflat *= lr
        np.subtract(flat, gflat, out=flat)
        if penalized and proximal:
            for w in net.weights:
                pen.prox(w, lr)

    with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
        if not record(0, 0):
            raise ValueError("the network's loss on X is not finite before training: check the init scale")
        step = 0
        pending: tuple[int, int] | None = None  # a full-batch record whose loss comes from the next forward
        if not full:
            batches = {n: net._batch_targets(targets, n, Xc.shape[1]) for n in {batch, m % batch} if n}
        for epoch in range(1, epochs + 1):
            if full:
                loss, acc = gradient(Xc, targets, pending is not None)
                if not math.isfinite(loss):  # the weights after `step` updates overflowed
                    hist.diverged_at = step
                    break
                if pending is not None:
                    # this forward measured the weights after the previous step: record them
                    # before this step's update
                    if not record(*pending, loss=loss, acc=acc):
                        hist.diverged_at = step
                        break
                    pending = None
                    if moved[0]:  # the gradient must be that of the weights the callback left
                        moved[0] = False
                        loss, _ = gradient(Xc, targets, False)
                        if not math.isfinite(loss):
                            hist.diverged_at = step
                            break
                update()
                step += 1
            else:
                order = rng.permutation(m)
                for start in range(0, m, batch):
                    rows = order[start:start + batch]
                    xb, tb = batches[rows.shape[0]]
                    np.take(Xc, rows, axis=0, out=xb)
                    net._fill_targets(tb, targets, rows)
                    loss, _ = gradient(xb, tb, False)
                    if not math.isfinite(loss):
                        hist.diverged_at = step
                        break
                    update()
                    step += 1
            if hist.diverged_at is not None:
                break
            if epoch % record_every == 0 or epoch == epochs:
                if full and epoch < epochs and not dropout:  # the next forward is the plain network's
                    pending = (epoch, step)
                elif not record(epoch, step):
                    hist.diverged_at = step
                    break
        if hist.diverged_at is not None:
            np.copyto(net._flat, backup)  # back to the state of the last record
            hist.steps_taken = hist.diverged_at - 1
        else:
            hist.steps_taken = step
    return hist
