"""The network engine: a fully connected network in the source article's notation.

Layer ``l = 1..L`` computes, for a batch ``A[0] = X`` of ``m`` rows,

.. math::  Z^{[l]} = A^{[l-1]} W^{[l]\\top} + b^{[l]}, \\qquad A^{[l]} = g^{[l]}(Z^{[l]}),

with ``W[l]`` of shape ``(n[l], n[l-1])`` and ``b[l]`` of shape ``(n[l],)``: each row of
``A`` is one example, so ``z = W a + b`` holds row by row, as in the article (and as in
PyTorch's ``Linear``). Hidden layers use tanh, sigmoid, ReLU or the identity; the output
is a softmax with cross-entropy (classes) or a sigmoid with binary cross-entropy (two
classes). See {ref}`chap-intro` and {ref}`notation`.

:meth:`Network.forward` and :meth:`Network.backward` are these formulas, line by line.
The training loop runs the same formulas through the *fast path*, the section marked so at
the end of the class (``make bench`` measures it against the plain passes, the matrix
products alone and PyTorch): every parameter lives in one contiguous array, of which
``net.weights[l-1]`` and ``net.biases[l-1]`` are views, so a gradient step, a backup or a
finiteness check is one numpy call whatever the depth; the passes write into buffers
preallocated per batch size, in place; and the per-step Python work is a few dozen numpy
calls, whatever the network. The arithmetic, and so every rounding, is the same as the
plain passes' (tests/test_network.py checks it bit for bit).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from . import _threads
from . import _validate as v
from .initializers import INIT_SCHEMES, Initializer, init_weights

__all__ = ["ACTIVATIONS", "OUTPUTS", "Network", "Gradients", "input_jacobian"]

#: Hidden-layer activations g(z).
ACTIVATIONS: tuple[str, ...] = ("tanh", "sigmoid", "relu", "linear")
#: Output layers and their losses.
OUTPUTS: tuple[str, ...] = ("softmax", "sigmoid")

_DTYPES = {np.dtype(np.float32): np.float32, np.dtype(np.float64): np.float64}
_ALIGN_BYTES = 64  # every parameter block starts on a cache line


def _sigmoid(z: np.ndarray, out: np.ndarray) -> np.ndarray:
    """σ(z) = 1/(1+e^{-z}) through tanh, σ(z) = (1 + tanh(z/2))/2: no overflow for any z."""
    np.multiply(z, 0.5, out=out)
    np.tanh(out, out=out)
    out += 1.0
    out *= 0.5
    return out


#: Beyond |z| = 20, tanh(z) is ±1 to double precision (1 − tanh(19.1) < 2⁻⁵³).
_TANH_CLIP = 20.0


def _tanh(z: np.ndarray) -> None:
    """tanh in place: numpy's for float32; ``2/(1 + e^{−2z}) − 1`` for float64.

    numpy vectorizes float32 tanh and exp, but not float64 tanh on AVX2 machines, where it
    was over a third of the elementwise work of a float64 training step. The float64
    formula (z clipped to ±20, so e^{−2z} cannot overflow; tanh is exactly ±1 there) is
    three times faster and within 4·10⁻¹⁶ of numpy's tanh everywhere (tested), an error
    the size of the last bit of a value near 1. It keeps |a| ≤ 1 and tanh(0) = 0.
    """
    if z.dtype != np.float64:
        np.tanh(z, out=z)
        return
    np.clip(z, -_TANH_CLIP, _TANH_CLIP, out=z)
    z *= -2.0
    np.exp(z, out=z)
    z += 1.0
    np.divide(2.0, z, out=z)
    z -= 1.0


def _activate(kind: str, z: np.ndarray) -> None:
    """Apply g in place."""
    if kind == "tanh":
        _tanh(z)
    elif kind == "relu":
        np.maximum(z, 0.0, out=z)
    elif kind == "sigmoid":
        _sigmoid(z, z)
    # linear: nothing to do


def _g(kind: str, z: np.ndarray) -> np.ndarray:
    """g(z), a new array (the engine's tanh and sigmoid, as the fast path computes them)."""
    a = z.copy()
    _activate(kind, a)
    return a


def _times_g_prime(kind: str, d: np.ndarray, a: np.ndarray) -> np.ndarray:
    """``d ⊙ g'(z)`` with g' written through ``a = g(z)``: tanh' = 1 − a², σ' = (1 − a)a,
    ReLU' = [a > 0], and 1 for the identity."""
    if kind == "tanh":
        return d * (1.0 - a * a)
    if kind == "sigmoid":
        return d * ((1.0 - a) * a)
    if kind == "relu":
        return d * (a > 0.0)
    return d


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


class _Targets:
    """Labels prepared once for the loss: integer labels, and one-hot rows (softmax) or
    0/1 targets as a column (sigmoid), in the network's dtype."""

    __slots__ = ("y", "Y", "idx")

    def __init__(self, y: np.ndarray, Y: np.ndarray, idx: np.ndarray | None) -> None:
        self.y = y
        self.Y = Y
        self.idx = idx  # softmax: flat index of each row's true class in an (m, k) array


class _Batch:
    """Buffers for one batch size m: activations A[1..L] (A[L] holds the logits Z[L]),
    back-propagated errors dZ[1..L], scratch arrays, and a column for row maxima and sums."""

    __slots__ = ("m", "A", "dZ", "tmp", "col", "pre")

    def __init__(self, m: int, sizes: tuple[int, ...], dtype: type) -> None:
        self.m = m
        self.A = [np.empty((m, n), dtype=dtype) for n in sizes[1:]]
        self.dZ = [np.empty((m, n), dtype=dtype) for n in sizes[1:]]
        self.tmp = [np.empty((m, n), dtype=dtype) for n in sizes[1:]]
        self.col = np.empty((m, 1), dtype=dtype)
        self.pre: list[np.ndarray] | None = None  # A[l] before dropout, made at the first dropout step


def _blas_policy(method: Callable[..., Any]) -> Callable[..., Any]:
    """Run a public pass under :func:`initreg.train`'s BLAS-thread policy
    (:mod:`initreg._threads`): one thread when every product is small. The same products
    then round the same way in a training run and in a pass outside it, whatever the
    number of threads the machine gives BLAS."""
    @functools.wraps(method)
    def wrapper(self: "Network", X: object, *args: Any, **kwargs: Any) -> Any:
        try:
            rows = int(np.shape(X)[0]) if np.ndim(X) >= 1 else 1
        except (TypeError, ValueError):  # not an array: the pass's own checks will say so
            rows = 1
        with _threads.for_products(rows, list(self.sizes)):
            return method(self, X, *args, **kwargs)

    return wrapper


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
    Change them in place (``net.weights[0][...] = W``, or :meth:`set_params`); an array
    put in their place (``net.weights[0] = W``) is copied in at the next pass.
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
        elif isinstance(activation, Sequence):
            acts = tuple(v.choice(a, f"activation[{i}]", ACTIVATIONS) for i, a in enumerate(activation))
            if len(acts) != n_hidden:
                raise ValueError(
                    f"activation must name one activation per hidden layer ({n_hidden}); got {len(acts)}"
                )
        else:
            raise TypeError(f"activation must be one of {', '.join(ACTIVATIONS)} or a sequence of them "
                            f"(one per hidden layer); got {activation!r}")
        self.activations: tuple[str, ...] = acts
        self.output: str = v.choice(output, "output", OUTPUTS)
        if self.output == "sigmoid" and self.sizes[-1] != 1:
            raise ValueError(f"a sigmoid output has n[L] = 1 unit; sizes ends with {self.sizes[-1]}")
        if self.output == "softmax" and self.sizes[-1] < 2:
            raise ValueError(f"a softmax output needs n[L] >= 2 classes; sizes ends with {self.sizes[-1]}")
        try:
            dt = np.dtype(dtype)
        except TypeError:
            dt = None
        if dt not in _DTYPES:
            raise TypeError(f"dtype must be numpy.float32 or numpy.float64; got {dtype!r}")
        self.dtype = _DTYPES[dt]
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
        weights = []
        for n_in, n_out in zip(self.sizes[:-1], self.sizes[1:]):
            w = init_fn(n_in, n_out, rng)
            try:
                w = np.asarray(w, dtype=np.float64)
            except (TypeError, ValueError) as exc:
                raise TypeError(f"init must return a numeric array; got {type(w).__name__}") from exc
            if w.shape != (n_out, n_in):
                raise ValueError(f"init returned shape {w.shape}; W must have shape (n_out, n_in) = {(n_out, n_in)}")
            if not np.all(np.isfinite(w)):
                raise ValueError("init returned non-finite weights")
            weights.append(w)
        self._pack(weights, [np.zeros(n) for n in self.sizes[1:]])

    # --------------------------------------------------------- parameter store
    def _pack(self, weights: Sequence[np.ndarray], biases: Sequence[np.ndarray]) -> None:
        """Lay every parameter out in one flat array and make weights/biases views of it."""
        item = np.dtype(self.dtype).itemsize
        align = max(1, _ALIGN_BYTES // item)
        spans: list[tuple[int, tuple[int, ...]]] = []
        total = 0
        for n_in, n_out in zip(self.sizes[:-1], self.sizes[1:]):
            for shape in ((n_out, n_in), (n_out,)):
                spans.append((total, shape))
                total += -(-math.prod(shape) // align) * align
        flat = np.zeros(total, dtype=self.dtype)
        gflat = np.zeros(total, dtype=self.dtype)
        views = [flat[s:s + math.prod(sh)].reshape(sh) for s, sh in spans]
        gviews = [gflat[s:s + math.prod(sh)].reshape(sh) for s, sh in spans]
        for dst, src in zip(views, [a for pair in zip(weights, biases) for a in pair]):
            dst[...] = src
        self._flat = flat
        self._gflat = gflat  # the training loop's gradients
        self.weights: list[np.ndarray] = views[0::2]
        self.biases: list[np.ndarray] = views[1::2]
        self._own_w = tuple(self.weights)
        self._own_b = tuple(self.biases)
        self._grad_W = gviews[0::2]
        self._grad_b = gviews[1::2]
        self._pub: tuple[list[np.ndarray], list[np.ndarray]] | None = None  # backward()'s gradients
        self._buffers: dict[int, _Batch] = {}

    def _sync(self) -> None:
        """Make sure weights/biases are still the views of the flat store.

        If arrays were put in their place (``net.weights[0] = W``), or the object was
        deep-copied or unpickled, their values are copied into a fresh store.
        """
        ws, bs = self.weights, self.biases
        if (len(ws) == len(self._own_w) and len(bs) == len(self._own_b)
                and all(a is b for a, b in zip(ws, self._own_w))
                and all(a is b for a, b in zip(bs, self._own_b))
                and self._own_w[0].base is self._flat):
            return
        L = len(self.sizes) - 1
        if not isinstance(ws, list) or not isinstance(bs, list) or len(ws) != L or len(bs) != L:
            raise ValueError(f"net.weights and net.biases must be lists of L = {L} arrays")
        new_w, new_b = [], []
        for l, (n_in, n_out) in enumerate(zip(self.sizes[:-1], self.sizes[1:])):
            w = v.array(ws[l], f"weights[{l}]", dtype=self.dtype)
            b = v.array(bs[l], f"biases[{l}]", dtype=self.dtype)
            if w.shape != (n_out, n_in) or b.shape != (n_out,):
                raise ValueError(f"weights[{l}] and biases[{l}] must have shapes {(n_out, n_in)} and "
                                 f"{(n_out,)}; got {w.shape} and {b.shape}")
            new_w.append(w)
            new_b.append(b)
        self._pack(new_w, new_b)

    def _writable(self) -> None:
        """Refuse to train a network whose weights were frozen (``setflags(write=False)``)."""
        for name, arrays in (("weights", self.weights), ("biases", self.biases)):
            for l, a in enumerate(arrays):
                if not a.flags.writeable:
                    raise ValueError(f"{name}[{l}] is read-only: train a copy (net.copy())")

    def __deepcopy__(self, memo: dict[int, Any]) -> "Network":
        return self.copy()

    def __getstate__(self) -> dict[str, Any]:
        self._sync()
        state = {k: val for k, val in self.__dict__.items()
                 if k not in ("_flat", "_gflat", "_own_w", "_own_b", "_grad_W", "_grad_b", "_pub", "_buffers"
                              )}
        state["weights"] = [w.copy() for w in self.weights]
        state["biases"] = [b.copy() for b in self.biases]
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        weights, biases = state.pop("weights"), state.pop("biases")
        self.__dict__.update(state)
        self._pack(weights, biases)

    # ------------------------------------------------------------------ basics
    @property
    def L(self) -> int:
        """The number of layers with weights (the article's L)."""
        return len(self.sizes) - 1

    @property
    def n_params(self) -> int:
        return sum(w.size + b.size for w, b in zip(self.weights, self.biases))

    def __repr__(self) -> str:
        acts = ",".join(self.activations) if len(set(self.activations)) > 1 else (self.activations[0] if self.activations else "-")
        return (f"Network(sizes={list(self.sizes)}, activation={acts}, output={self.output}, "
                f"init={self.init_name}, dtype={np.dtype(self.dtype).name})")

    def copy(self) -> "Network":
        """An independent copy (weights, biases and settings)."""
        self._sync()
        new = object.__new__(Network)
        new.__dict__.update(self.__dict__)
        new._pack(self.weights, self.biases)
        return new

    def get_params(self) -> list[np.ndarray]:
        """Copies of ``[W[1], b[1], ..., W[L], b[L]]``."""
        self._sync()
        out = []
        for w, b in zip(self.weights, self.biases):
            out += [w.copy(), b.copy()]
        return out

    def set_params(self, params: Sequence[np.ndarray]) -> None:
        """Load ``[W[1], b[1], ..., W[L], b[L]]`` (as returned by :meth:`get_params`)."""
        self._sync()
        if isinstance(params, (str, bytes)) or not isinstance(params, Sequence):
            raise TypeError(f"params must be a sequence [W[1], b[1], ..., W[L], b[L]]; got {type(params).__name__}")
        if len(params) != 2 * self.L:
            raise ValueError(f"params must hold 2·L = {2 * self.L} arrays; got {len(params)}")
        checked = []
        for l, (w, b) in enumerate(zip(params[::2], params[1::2])):
            w = v.array(w, f"params[{2 * l}]", dtype=self.dtype)
            b = v.array(b, f"params[{2 * l + 1}]", dtype=self.dtype)
            if w.shape != self.weights[l].shape or b.shape != self.biases[l].shape:
                raise ValueError(f"params for layer {l + 1} have shapes {w.shape}, {b.shape}; "
                                 f"expected {self.weights[l].shape}, {self.biases[l].shape}")
            checked.append((w, b))
        for l, (w, b) in enumerate(checked):
            self.weights[l][...] = w
            self.biases[l][...] = b

    def params_finite(self) -> bool:
        """True if every weight and bias is finite (one pass over the flat store)."""
        self._sync()
        return self._finite()

    def _finite(self) -> bool:
        # A sum is finite only if every term is; it can overflow on huge finite values,
        # so a non-finite sum is confirmed elementwise.
        with np.errstate(over="ignore", invalid="ignore"):
            if math.isfinite(np.add.reduce(self._flat)):
                return True
        return bool(np.isfinite(self._flat).all())

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
        if isinstance(y, (str, bytes)):
            raise TypeError(f"{name} must hold integer class labels; got a string")
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

    def _targets(self, y: np.ndarray) -> _Targets:
        """Checked labels ready for the loss: one-hot rows (softmax) or a 0/1 column (sigmoid)."""
        if self.output == "softmax":
            k = self.sizes[-1]
            idx = np.arange(y.shape[0]) * k + y
            Y = np.zeros((y.shape[0], k), dtype=self.dtype)
            Y.ravel()[idx] = 1.0
            return _Targets(y, Y, idx)
        return _Targets(y, y.astype(self.dtype).reshape(-1, 1), None)

    def _batch_targets(self, t: _Targets, n: int, n_in: int) -> tuple[np.ndarray, _Targets]:
        """Buffers for minibatches of n rows: inputs and targets, filled by :meth:`_fill_targets`."""
        xb = np.empty((n, n_in), dtype=self.dtype)
        tb = _Targets(np.empty(n, dtype=np.int64), np.empty((n,) + t.Y.shape[1:], dtype=self.dtype),
                      None if t.idx is None else np.empty(n, dtype=np.int64))
        return xb, tb

    def _fill_targets(self, tb: _Targets, t: _Targets, rows: np.ndarray) -> None:
        """The targets of ``rows`` of ``t`` into the buffers ``tb`` (no allocation)."""
        np.take(t.y, rows, out=tb.y)
        np.take(t.Y, rows, axis=0, out=tb.Y)
        if tb.idx is not None:
            k = self.sizes[-1]
            np.multiply(np.arange(rows.shape[0]), k, out=tb.idx)
            tb.idx += tb.y

    # ------------------------------------------------- the passes, as the book writes them
    # These are the mathematics. The training loop runs the same formulas through the fast
    # path below (preallocated buffers, in-place work); tests/test_network.py checks that
    # both give the same bits.
    def _layers(self, X: np.ndarray) -> tuple[list[np.ndarray], np.ndarray]:
        """``A[0..L-1]`` and the logits ``Z[L]`` of a checked X."""
        A = [X]
        for l, (W, b) in enumerate(zip(self.weights, self.biases), start=1):
            Z = np.dot(A[-1], W.T) + b  # Z[l] = A[l-1] W[l]ᵀ + b[l]
            if l == self.L:
                return A, Z
            A.append(_g(self.activations[l - 1], Z))  # A[l] = g(Z[l])
        raise AssertionError("a network has at least one layer")  # pragma: no cover

    def _cost(self, Z: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
        """The mean loss J of the logits Z[L] and the output probabilities A[L] (softmax
        with cross-entropy, computed from z − max z so that exp cannot overflow; or the
        sigmoid with binary cross-entropy softplus(z) − y·z)."""
        if self.output == "softmax":
            shifted = Z - np.maximum.reduce(Z, axis=1, keepdims=True)
            e = np.exp(shifted)
            total = np.add.reduce(e, axis=1, keepdims=True)
            picked = shifted[np.arange(Z.shape[0]), y]  # z[i, y_i] − max_j z[i, j]
            return float(np.mean(np.log(total[:, 0]) - picked)), e / total
        z = Z[:, 0]
        return float(np.mean(np.logaddexp(0.0, z) - y * z)), _sigmoid(Z, np.empty_like(Z))

    def _accuracy(self, P: np.ndarray, y: np.ndarray) -> float:
        if self.output == "softmax":
            return float(np.mean(P.argmax(axis=1) == y))
        return float(np.mean((P[:, 0] > 0.5) == (y == 1)))

    @_blas_policy
    def forward(self, X: object) -> list[np.ndarray]:
        """The activations ``[A[0], A[1], ..., A[L]]``: ``A[0] = X``,
        ``Z[l] = A[l-1] W[l]ᵀ + b[l]``, ``A[l] = g(Z[l])``, and ``A[L]`` the output
        probabilities (softmax, or the sigmoid of a two-class output)."""
        self._sync()
        Xc = self.check_X(X)
        with np.errstate(over="ignore", invalid="ignore"):
            A, Z = self._layers(Xc)
            return A + [self._output_probs(Z)]

    def _output_probs(self, logits: np.ndarray) -> np.ndarray:
        if self.output == "softmax":
            p = logits - logits.max(axis=1, keepdims=True)
            np.exp(p, out=p)
            p /= p.sum(axis=1, keepdims=True)
            return p
        return _sigmoid(logits, np.empty_like(logits))

    @_blas_policy
    def predict_proba(self, X: object) -> np.ndarray:
        """Class probabilities: shape (m, n_classes) for softmax, (m,) = P(y=1) for sigmoid."""
        p = self.forward(X)[-1]
        return p if self.output == "softmax" else p[:, 0]

    def predict(self, X: object) -> np.ndarray:
        """Predicted class labels."""
        p = self.predict_proba(X)
        return p.argmax(axis=1) if self.output == "softmax" else (p > 0.5).astype(np.int64)

    @_blas_policy
    def evaluate(self, X: object, y: object) -> tuple[float, float]:
        """``(J, accuracy)`` on a data set: the mean loss and the share classified correctly."""
        self._sync()
        Xc = self.check_X(X)
        yc = self.check_y(y, Xc.shape[0])
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            _, Z = self._layers(Xc)
            J, P = self._cost(Z, yc)
        return J, self._accuracy(P, yc)

    @_blas_policy
    def backward(self, X: object, y: object) -> Gradients:
        """The mean loss J and its gradients, by back-propagation:

        ``dZ[L] = (A[L] − Y)/m`` (Y the one-hot labels, or the 0/1 labels of a sigmoid
        output), then for ``l = L, …, 1``: ``dW[l] = dZ[l]ᵀ A[l-1]``,
        ``db[l] = Σ_i dZ[l]_i`` and ``dZ[l-1] = (dZ[l] W[l]) ⊙ g'(Z[l-1])``, with g'
        written through A = g(Z): ``1 − A²`` (tanh), ``A(1 − A)`` (sigmoid), ``[A > 0]``
        (ReLU), 1 (identity).
        """
        self._sync()
        Xc = self.check_X(X)
        yc = self.check_y(y, Xc.shape[0])
        m = Xc.shape[0]
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            A, Z = self._layers(Xc)
            J, P = self._cost(Z, yc)
            dZ = [(P - self._targets(yc).Y) * (1.0 / m)]
            dW, db = [], []
            for l in range(self.L, 0, -1):
                d = dZ[0]
                dW.insert(0, np.dot(d.T, A[l - 1]))
                db.insert(0, np.add.reduce(d, axis=0))
                if l > 1:
                    dZ.insert(0, _times_g_prime(self.activations[l - 2], np.dot(d, self.weights[l - 1]), A[l - 1]))
        return Gradients(J, dW, db, dZ)

    # ================================================================== the fast path
    # What :func:`initreg.train` runs: the same formulas as the passes above, written into
    # buffers preallocated per batch size, in place, over one flat parameter store. It is
    # here because the book's training runs spend their time in it: ``make bench`` times a
    # step of it against the plain passes on the book's networks.
    def _bufs(self, m: int) -> _Batch:
        """Preallocated buffers for a batch of m rows."""
        bufs = self._buffers.get(m)
        if bufs is None:
            if len(self._buffers) >= 8:  # keep memory bounded when batch sizes vary
                self._buffers.clear()
            bufs = self._buffers[m] = _Batch(m, self.sizes, self.dtype)
        return bufs

    def _forward(self, X: np.ndarray, keep: list[np.ndarray] | None = None) -> list[np.ndarray]:
        """A[1..L] for a checked X (C-ordered, this dtype); the last holds the *logits* Z[L].

        With ``keep`` (inverted dropout: one mask per hidden layer, 0 or 1/(1 − p)), each
        hidden A[l] is multiplied by its mask after g, and the activation before it is kept
        in the batch's ``pre`` buffers for the backward pass.
        """
        bufs = self._bufs(X.shape[0])
        A = bufs.A
        if keep is not None and bufs.pre is None:
            bufs.pre = [np.empty_like(a) for a in A[:-1]]
        a = X
        last = len(A) - 1
        acts = self.activations
        for l, (w, b) in enumerate(zip(self.weights, self.biases)):
            z = A[l]
            np.dot(a, w.T, out=z)
            np.add(z, b, out=z)
            if l < last:
                _activate(acts[l], z)
                if keep is not None:
                    np.copyto(bufs.pre[l], z)
                    z *= keep[l]
            a = z
        return A

    def _loss(self, logits: np.ndarray, t: _Targets, bufs: _Batch, delta: np.ndarray | None,
              scale: float, want_acc: bool) -> tuple[float, float | None]:
        """Mean loss (and batch accuracy if ``want_acc``) of checked targets.

        If ``delta`` is given, ``scale · m · ∂J/∂Z[L]`` is written into it (``scale = 1/m``
        gives the gradient of the mean loss).
        """
        acc = None
        # The formulas (and so the rounding) are those the book's stored outputs were made
        # with: a change in the last bit can move a chaotic small-network run.
        if self.output == "softmax":
            p = delta if delta is not None else bufs.tmp[-1]
            col = bufs.col
            np.maximum.reduce(logits, axis=1, keepdims=True, out=col)
            np.subtract(logits, col, out=p)  # shifted logits: exp cannot overflow
            picked = p.ravel().take(t.idx)  # z[i, y_i] − max_j z[i, j]
            np.exp(p, out=p)
            np.add.reduce(p, axis=1, keepdims=True, out=col)
            loss = float(np.mean(np.log(col[:, 0]) - picked))
            np.divide(p, col, out=p)  # probabilities
            if want_acc:
                acc = float(np.mean(p.argmax(axis=1) == t.y))
            if delta is not None:
                np.subtract(p, t.Y, out=p)
                p *= scale
            return loss, acc
        # sigmoid + binary cross-entropy, J = mean(softplus(z) - y z), stable for any z
        z = logits[:, 0]
        loss = float(np.mean(np.logaddexp(0.0, z) - t.y * z))
        if want_acc or delta is not None:
            p = _sigmoid(logits, delta if delta is not None else bufs.col)
            if want_acc:
                acc = float(np.mean((p[:, 0] > 0.5) == (t.y == 1)))
            if delta is not None:
                np.subtract(p, t.Y, out=p)
                p *= scale
        return loss, acc

    def _grads(self, X: np.ndarray, t: _Targets, scale: float, want_acc: bool,
               gW: list[np.ndarray], gb: list[np.ndarray],
               keep: list[np.ndarray] | None = None) -> tuple[float, float | None]:
        """Forward and backward on a checked batch; ``scale·m·∂J/∂W[l]`` lands in ``gW[l-1]``
        (and likewise for b). Returns the mean loss, and the batch accuracy if ``want_acc``,
        both of the weights before any update. With ``keep``, the pass is that of the
        network with the hidden units dropped as the masks say (see :meth:`_forward`)."""
        bufs = self._bufs(X.shape[0])
        A, dZ, tmp = bufs.A, bufs.dZ, bufs.tmp
        self._forward(X, keep)
        pre = bufs.pre if keep is not None else A
        loss, acc = self._loss(A[-1], t, bufs, dZ[-1], scale, want_acc)
        acts = self.activations
        W = self.weights
        for l in range(len(A) - 1, -1, -1):
            d = dZ[l]
            a_prev = A[l - 1] if l > 0 else X
            np.dot(d.T, a_prev, out=gW[l])
            np.add.reduce(d, axis=0, out=gb[l])
            if l > 0:
                dp = dZ[l - 1]
                np.dot(d, W[l], out=dp)
                if keep is not None:
                    dp *= keep[l - 1]
                kind = acts[l - 1]
                if kind != "linear":
                    a, s = pre[l - 1], tmp[l - 1]
                    if kind == "tanh":
                        np.multiply(a, a, out=s)
                        np.subtract(1.0, s, out=s)
                    elif kind == "relu":
                        np.greater(a, 0.0, out=s)
                    else:  # sigmoid
                        np.subtract(1.0, a, out=s)
                        s *= a
                    dp *= s
        return loss, acc

    def _sgd_step(self, X: np.ndarray, t: _Targets, lr: float, want_acc: bool = False) -> tuple[float, float | None]:
        """One plain gradient step ``θ ← θ − α ∂J/∂θ`` on a checked batch, exactly as the
        training loop takes it: two passes over the flat store (× α, then subtract).
        Returns the loss (and accuracy) of the weights *before* the step; a non-finite
        loss leaves the weights untouched.
        """
        loss, acc = self._grads(X, t, 1.0 / X.shape[0], want_acc, self._grad_W, self._grad_b)
        if math.isfinite(loss):
            g = self._gflat
            g *= lr
            np.subtract(self._flat, g, out=self._flat)
        return loss, acc

    def _evaluate(self, X: np.ndarray, t: _Targets) -> tuple[float, float]:
        """``(J, accuracy)`` of a checked batch, as :meth:`evaluate` (the training loop's records)."""
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            bufs = self._bufs(X.shape[0])
            A = self._forward(X)
            loss, acc = self._loss(A[-1], t, bufs, None, 1.0, True)
        return loss, float(acc)


def input_jacobian(net: Network, x: object, *, of: str = "output") -> np.ndarray:
    """The Jacobian of the network at one input: ``∂a[L]/∂x`` (``of="output"``, the output
    probabilities) or ``∂z[L]/∂x`` (``of="logits"``), of shape ``(n[L], n[0])``.

    By the chain rule through the layers, ``∂z[L]/∂x = W[L] D[L-1] W[L-1] ⋯ D[1] W[1]`` with
    ``D[l] = diag(g'(z[l]))``; the output adds the softmax's ``diag(p) − p pᵀ`` (or the
    sigmoid's ``p(1 − p)``) in front. Its singular values say how the network stretches a
    small change of its input; in {ref}`chap-beyond` they are the spectrum of dynamical
    isometry.
    """
    v.instance(net, "net", Network)
    v.choice(of, "of", ("output", "logits"))
    xs = v.array(x, "x", ndim=(1, 2), dtype=net.dtype)
    if xs.ndim == 2:
        if xs.shape[0] != 1:
            raise ValueError(f"x must be one input (shape (n[0],) or (1, n[0])); got shape {xs.shape}")
        xs = xs[0]
    A, Z = net._layers(net.check_X(xs[None, :], "x"))
    J = np.array(net.weights[0], dtype=net.dtype)  # ∂z[1]/∂x
    for l in range(1, net.L):
        d = _times_g_prime(net.activations[l - 1], np.ones_like(A[l][0]), A[l][0])  # g'(z[l])
        J = np.dot(net.weights[l], d[:, None] * J)
    if of == "logits":
        return J
    p = net._output_probs(Z)[0]
    if net.output == "softmax":
        return np.dot(np.diag(p) - np.outer(p, p), J)
    return (p * (1.0 - p))[:, None] * J
