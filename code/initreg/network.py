"""The network engine: a fully connected network in the source article's notation.

Layer ``l = 1..L`` computes, for a batch ``A[0] = X`` of ``m`` rows,

.. math::  Z^{[l]} = A^{[l-1]} W^{[l]\\top} + b^{[l]}, \\qquad A^{[l]} = g^{[l]}(Z^{[l]}),

with ``W[l]`` of shape ``(n[l], n[l-1])`` and ``b[l]`` of shape ``(n[l],)``: each row of
``A`` is one example, so ``z = W a + b`` holds row by row, as in the article (and as in
PyTorch's ``Linear``). Hidden layers use tanh, sigmoid, ReLU or the identity; the output
is a softmax with cross-entropy (classes) or a sigmoid with binary cross-entropy (two
classes). Forward and backward passes are vectorized over the batch and reuse
preallocated buffers, so a training step costs little more than its matrix products.
See {ref}`chap-intro` and {ref}`notation`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from . import _validate as v
from .initializers import INIT_SCHEMES, Initializer, init_weights

__all__ = ["ACTIVATIONS", "OUTPUTS", "Network", "Gradients"]

#: Hidden-layer activations g(z).
ACTIVATIONS: tuple[str, ...] = ("tanh", "sigmoid", "relu", "linear")
#: Output layers and their losses.
OUTPUTS: tuple[str, ...] = ("softmax", "sigmoid")

_DTYPES = {np.dtype(np.float32): np.float32, np.dtype(np.float64): np.float64}


def _sigmoid(z: np.ndarray, out: np.ndarray) -> np.ndarray:
    """σ(z) = 1/(1+e^{-z}) through tanh, σ(z) = (1 + tanh(z/2))/2: no overflow for any z."""
    np.multiply(z, 0.5, out=out)
    np.tanh(out, out=out)
    out += 1.0
    out *= 0.5
    return out


def _activate(kind: str, z: np.ndarray) -> None:
    """Apply g in place."""
    if kind == "tanh":
        np.tanh(z, out=z)
    elif kind == "relu":
        np.maximum(z, 0.0, out=z)
    elif kind == "sigmoid":
        _sigmoid(z, z)
    # linear: nothing to do


def _times_derivative(kind: str, a: np.ndarray, d: np.ndarray, tmp: np.ndarray) -> None:
    """d *= g'(z), written with a = g(z): tanh' = 1 - a², σ' = a(1 - a), ReLU' = [a > 0]."""
    if kind == "tanh":
        np.multiply(a, a, out=tmp)
        np.subtract(1.0, tmp, out=tmp)
        d *= tmp
    elif kind == "sigmoid":
        np.subtract(1.0, a, out=tmp)
        tmp *= a
        d *= tmp
    elif kind == "relu":
        np.greater(a, 0.0, out=tmp)
        d *= tmp


@dataclass
class Gradients:
    """The loss and its gradients from one forward and backward pass.

    ``dW[l-1]`` is ∂J/∂W[l] (shape of ``W[l]``), ``db[l-1]`` is ∂J/∂b[l], and ``dZ[l-1]``
    is the back-propagated gradient ∂J/∂Z[l] for every example (shape ``(m, n[l])``).
    """

    loss: float
    dW: list[np.ndarray]
    db: list[np.ndarray]
    dZ: list[np.ndarray]


class Network:
    """A fully connected network ``n[0] → n[1] → … → n[L]``.

    Parameters
    ----------
    sizes
        ``(n[0], n[1], ..., n[L])``: inputs, hidden widths, outputs. A ``"sigmoid"``
        output has ``n[L] = 1``; a ``"softmax"`` output has one unit per class.
    activation
        The hidden activation, one of :data:`ACTIVATIONS`, or one per hidden layer.
    output
        ``"softmax"`` (cross-entropy over classes) or ``"sigmoid"`` (binary cross-entropy).
    init
        A scheme name from :data:`initreg.INIT_SCHEMES` or a plain function
        ``(n_in, n_out, rng) -> W`` (see :func:`initreg.initializer`). Biases start at 0.
    rng
        The ``numpy.random.Generator`` that draws the weights.
    dtype
        ``numpy.float64`` (default) or ``numpy.float32``.

    The weights are ``net.weights[l-1] = W[l]`` and the biases ``net.biases[l-1] = b[l]``.
    """

    def __init__(
        self,
        sizes: Sequence[int],
        activation: str | Sequence[str] = "tanh",
        output: str = "softmax",
        *,
        init: str | Initializer = "xavier",
        rng: np.random.Generator,
        dtype: type = np.float64,
    ) -> None:
        if isinstance(sizes, (str, bytes)) or not isinstance(sizes, Sequence):
            raise TypeError(f"sizes must be a sequence of layer widths (n[0], ..., n[L]); got {sizes!r}")
        if len(sizes) < 2:
            raise ValueError(f"sizes must list at least n[0] and n[L]; got {tuple(sizes)!r}")
        self.sizes: tuple[int, ...] = tuple(v.positive_int(n, f"sizes[{i}]") for i, n in enumerate(sizes))
        n_hidden = len(self.sizes) - 2
        if isinstance(activation, str):
            acts = (v.choice(activation, "activation", ACTIVATIONS),) * n_hidden
        else:
            acts = tuple(v.choice(a, f"activation[{i}]", ACTIVATIONS) for i, a in enumerate(activation))
            if len(acts) != n_hidden:
                raise ValueError(
                    f"activation must name one activation per hidden layer ({n_hidden}); got {len(acts)}"
                )
        self.activations: tuple[str, ...] = acts
        self.output: str = v.choice(output, "output", OUTPUTS)
        if self.output == "sigmoid" and self.sizes[-1] != 1:
            raise ValueError(f"a sigmoid output has n[L] = 1 unit; sizes ends with {self.sizes[-1]}")
        if self.output == "softmax" and self.sizes[-1] < 2:
            raise ValueError(f"a softmax output needs n[L] >= 2 classes; sizes ends with {self.sizes[-1]}")
        if np.dtype(dtype) not in _DTYPES:
            raise TypeError(f"dtype must be numpy.float32 or numpy.float64; got {dtype!r}")
        self.dtype = _DTYPES[np.dtype(dtype)]
        v.generator(rng)
        if isinstance(init, str):
            scheme = v.choice(init, "init", INIT_SCHEMES)
            if scheme in ("constant", "normal", "uniform"):
                raise ValueError(
                    f"init {scheme!r} needs a scale: pass initreg.initializer({scheme!r}, scale=...)"
                )
            init_fn: Initializer = lambda n_in, n_out, r: init_weights(n_in, n_out, scheme, rng=r)  # noqa: E731
            self.init_name = scheme
        elif callable(init):
            init_fn = init
            self.init_name = getattr(init, "__name__", "custom")
        else:
            raise TypeError(f"init must be one of {', '.join(INIT_SCHEMES)} or a function (n_in, n_out, rng) -> W")
        self.weights: list[np.ndarray] = []
        self.biases: list[np.ndarray] = []
        for n_in, n_out in zip(self.sizes[:-1], self.sizes[1:]):
            w = np.asarray(init_fn(n_in, n_out, rng))
            if w.shape != (n_out, n_in):
                raise ValueError(f"init returned shape {w.shape}; W must have shape (n_out, n_in) = {(n_out, n_in)}")
            if not np.all(np.isfinite(w)):
                raise ValueError("init returned non-finite weights")
            self.weights.append(np.array(w, dtype=self.dtype, order="C"))
            self.biases.append(np.zeros(n_out, dtype=self.dtype))
        self._buffers: dict[int, tuple[list[np.ndarray], list[np.ndarray], list[np.ndarray]]] = {}
        self._grad_W = [np.empty_like(w) for w in self.weights]
        self._grad_b = [np.empty_like(b) for b in self.biases]

    # ------------------------------------------------------------------ basics
    @property
    def L(self) -> int:
        """The number of layers with weights (the article's L)."""
        return len(self.weights)

    @property
    def n_params(self) -> int:
        return sum(w.size + b.size for w, b in zip(self.weights, self.biases))

    def __repr__(self) -> str:
        acts = ",".join(self.activations) if len(set(self.activations)) > 1 else (self.activations[0] if self.activations else "-")
        return (f"Network(sizes={list(self.sizes)}, activation={acts}, output={self.output}, "
                f"init={self.init_name}, dtype={np.dtype(self.dtype).name})")

    def copy(self) -> "Network":
        """An independent copy (weights, biases and settings)."""
        new = object.__new__(Network)
        new.__dict__.update(self.__dict__)
        new.weights = [w.copy() for w in self.weights]
        new.biases = [b.copy() for b in self.biases]
        new._buffers = {}
        new._grad_W = [np.empty_like(w) for w in self.weights]
        new._grad_b = [np.empty_like(b) for b in self.biases]
        return new

    def get_params(self) -> list[np.ndarray]:
        """Copies of ``[W[1], b[1], ..., W[L], b[L]]``."""
        out = []
        for w, b in zip(self.weights, self.biases):
            out += [w.copy(), b.copy()]
        return out

    def set_params(self, params: Sequence[np.ndarray]) -> None:
        """Load ``[W[1], b[1], ..., W[L], b[L]]`` (as returned by :meth:`get_params`)."""
        if len(params) != 2 * self.L:
            raise ValueError(f"params must hold 2·L = {2 * self.L} arrays; got {len(params)}")
        for l, (w, b) in enumerate(zip(params[::2], params[1::2])):
            w = np.asarray(w)
            b = np.asarray(b)
            if w.shape != self.weights[l].shape or b.shape != self.biases[l].shape:
                raise ValueError(f"params for layer {l + 1} have shapes {w.shape}, {b.shape}; "
                                 f"expected {self.weights[l].shape}, {self.biases[l].shape}")
            self.weights[l][...] = w
            self.biases[l][...] = b

    def params_finite(self) -> bool:
        return all(np.isfinite(w).all() and np.isfinite(b).all() for w, b in zip(self.weights, self.biases))

    # ------------------------------------------------------------ input checks
    def check_X(self, X: object, name: str = "X") -> np.ndarray:
        """``X`` as a C-ordered array of this network's dtype with ``n[0]`` columns."""
        arr = v.array(X, name, ndim=2, dtype=self.dtype)
        if arr.shape[1] != self.sizes[0]:
            raise ValueError(f"{name} must have n[0] = {self.sizes[0]} columns; got shape {arr.shape}")
        if arr.shape[0] == 0:
            raise ValueError(f"{name} must have at least one row")
        return np.ascontiguousarray(arr)

    def check_y(self, y: object, m: int, name: str = "y") -> np.ndarray:
        """Integer class labels ``0..n_classes-1``, one per row of X."""
        arr = np.asarray(y)
        if arr.ndim != 1 or arr.shape[0] != m:
            raise ValueError(f"{name} must be a 1-D array of {m} labels (one per row of X); got shape {arr.shape}")
        if arr.dtype.kind == "f":
            if not np.all(np.isfinite(arr)) or not np.all(arr == np.round(arr)):
                raise ValueError(f"{name} must hold integer class labels (no NaN, no fractions)")
            arr = arr.astype(np.int64)
        elif arr.dtype.kind not in "iub":
            raise TypeError(f"{name} must hold integer class labels; got dtype {arr.dtype}")
        arr = arr.astype(np.int64, copy=False)
        k = self.n_classes
        if arr.size and (arr.min() < 0 or arr.max() >= k):
            raise ValueError(f"{name} must hold labels in 0..{k - 1} for this network's output; "
                             f"got values from {arr.min()} to {arr.max()}")
        return arr

    @property
    def n_classes(self) -> int:
        return 2 if self.output == "sigmoid" else self.sizes[-1]

    # ------------------------------------------------------------- the passes
    def _bufs(self, m: int) -> tuple[list[np.ndarray], list[np.ndarray], list[np.ndarray]]:
        """Preallocated A[1..L], dZ[1..L] and scratch arrays for a batch of m rows."""
        bufs = self._buffers.get(m)
        if bufs is None:
            A = [np.empty((m, n), dtype=self.dtype) for n in self.sizes[1:]]
            dZ = [np.empty((m, n), dtype=self.dtype) for n in self.sizes[1:]]
            tmp = [np.empty((m, n), dtype=self.dtype) for n in self.sizes[1:]]
            if len(self._buffers) > 8:  # keep memory bounded when batch sizes vary
                self._buffers.clear()
            bufs = self._buffers[m] = (A, dZ, tmp)
        return bufs

    def _forward(self, X: np.ndarray) -> list[np.ndarray]:
        """A[1..L] for a checked X; the last holds the output *logits* Z[L]."""
        A, _, _ = self._bufs(X.shape[0])
        a = X
        for l, (w, b) in enumerate(zip(self.weights, self.biases)):
            z = A[l]
            np.matmul(a, w.T, out=z)
            z += b
            if l < self.L - 1:
                _activate(self.activations[l], z)
            a = z
        return A

    def _loss_and_delta(self, logits: np.ndarray, y: np.ndarray, delta: np.ndarray | None,
                        tmp: np.ndarray) -> tuple[float, np.ndarray]:
        """Mean loss and class probabilities; if ``delta`` is given, ∂J/∂Z[L] written into it."""
        m = logits.shape[0]
        if self.output == "softmax":
            p = tmp
            np.subtract(logits, logits.max(axis=1, keepdims=True), out=p)
            rows = np.arange(m)
            picked = p[rows, y].copy()
            np.exp(p, out=p)
            s = p.sum(axis=1)
            loss = float(np.mean(np.log(s) - picked))
            p /= s[:, None]
            if delta is not None:
                np.copyto(delta, p)
                delta[rows, y] -= 1.0
                delta *= 1.0 / m
            return loss, p
        # sigmoid + binary cross-entropy, J = mean(softplus(z) - y z), stable for any z
        z = logits[:, 0]
        softplus = np.logaddexp(0.0, z)
        loss = float(np.mean(softplus - y * z))
        p = _sigmoid(logits, tmp)
        if delta is not None:
            np.subtract(p[:, 0], y, out=delta[:, 0])
            delta *= 1.0 / m
        return loss, p

    def forward(self, X: object) -> list[np.ndarray]:
        """The activations ``[A[0], A[1], ..., A[L]]`` (copies), ``A[L]`` the output probabilities."""
        Xc = self.check_X(X)
        with np.errstate(over="ignore", invalid="ignore"):
            A = self._forward(Xc)
            out = self._output_probs(A[-1])
        return [Xc] + [a.copy() for a in A[:-1]] + [out]

    def _output_probs(self, logits: np.ndarray) -> np.ndarray:
        if self.output == "softmax":
            p = logits - logits.max(axis=1, keepdims=True)
            np.exp(p, out=p)
            p /= p.sum(axis=1, keepdims=True)
            return p
        return _sigmoid(logits, np.empty_like(logits))

    def predict_proba(self, X: object) -> np.ndarray:
        """Class probabilities: shape (m, n_classes) for softmax, (m,) = P(y=1) for sigmoid."""
        Xc = self.check_X(X)
        with np.errstate(over="ignore", invalid="ignore"):
            p = self._output_probs(self._forward(Xc)[-1].copy())
        return p if self.output == "softmax" else p[:, 0]

    def predict(self, X: object) -> np.ndarray:
        """Predicted class labels."""
        p = self.predict_proba(X)
        return p.argmax(axis=1) if self.output == "softmax" else (p > 0.5).astype(np.int64)

    def evaluate(self, X: object, y: object) -> tuple[float, float]:
        """``(mean loss, accuracy)`` on a data set, without changing the weights."""
        Xc = self.check_X(X)
        yc = self.check_y(y, Xc.shape[0])
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            A = self._forward(Xc)
            _, _, tmp = self._bufs(Xc.shape[0])
            loss, p = self._loss_and_delta(A[-1], yc, None, tmp[-1])
        return loss, _accuracy(p, yc, self.output)

    def backward(self, X: object, y: object) -> Gradients:
        """Loss and gradients of the mean loss J with respect to every W[l], b[l] (copies)."""
        Xc = self.check_X(X)
        yc = self.check_y(y, Xc.shape[0])
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            loss, _ = self._step_grads(Xc, yc)
        _, dZ, _ = self._bufs(Xc.shape[0])
        return Gradients(loss, [g.copy() for g in self._grad_W], [g.copy() for g in self._grad_b],
                         [d.copy() for d in dZ])

    def _step_grads(self, X: np.ndarray, y: np.ndarray) -> tuple[float, float]:
        """Forward and backward on a checked batch; gradients land in ``_grad_W``/``_grad_b``.

        Returns the mean loss and the accuracy of the batch (before any update).
        """
        A, dZ, tmp = self._bufs(X.shape[0])
        self._forward(X)
        loss, p = self._loss_and_delta(A[-1], y, dZ[-1], tmp[-1])
        acc = _accuracy(p, y, self.output)
        for l in range(self.L - 1, -1, -1):
            a_prev = A[l - 1] if l > 0 else X
            np.matmul(dZ[l].T, a_prev, out=self._grad_W[l])
            np.sum(dZ[l], axis=0, out=self._grad_b[l])
            if l > 0:
                np.matmul(dZ[l], self.weights[l], out=dZ[l - 1])
                _times_derivative(self.activations[l - 1], A[l - 1], dZ[l - 1], tmp[l - 1])
        return loss, acc


def _accuracy(p: np.ndarray, y: np.ndarray, output: str) -> float:
    if output == "softmax":
        return float(np.mean(p.argmax(axis=1) == y))
    return float(np.mean((p[:, 0] > 0.5) == (y == 1)))


Callback = Callable[[int, Network], None]
