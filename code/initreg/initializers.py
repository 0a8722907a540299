"""Weight initializers: the schemes of Part I, each with the variance it draws.

Every scheme returns ``W[l]`` of shape ``(n[l], n[l-1]) = (n_out, n_in)``, the
source article's layout, drawn from an explicit ``numpy.random.Generator``.
The derivations behind the variances are in {ref}`chap-derivation`.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from . import _validate as v

__all__ = ["INIT_SCHEMES", "init_weights", "init_variance", "initializer", "Initializer"]

#: The scheme names :func:`init_weights` accepts.
INIT_SCHEMES: tuple[str, ...] = (
    "zeros",
    "constant",
    "normal",
    "uniform",
    "standard",
    "xavier",
    "glorot_normal",
    "glorot_uniform",
    "he_normal",
    "he_uniform",
    "orthogonal",
)

_NEEDS_SCALE = ("constant", "normal", "uniform")

#: A plain function ``(n_in, n_out, rng) -> W`` that the network calls per layer.
Initializer = Callable[[int, int, np.random.Generator], np.ndarray]


def init_variance(n_in: int, n_out: int, scheme: str, *, scale: float | None = None) -> float:
    """The variance Var(w) of one entry of ``W`` under ``scheme`` (0 for the constant schemes).

    ``standard``: 1/(3 n_in); ``xavier``: 1/n_in; ``glorot_*``: 2/(n_in + n_out);
    ``he_*``: 2/n_in; ``normal``: scale²; ``uniform``: scale²/3; ``orthogonal``:
    1/max(n_in, n_out) (the mean square of an entry of a matrix with orthonormal rows, or
    columns). See {ref}`chap-derivation`.
    """
    n_in = v.positive_int(n_in, "n_in")
    n_out = v.positive_int(n_out, "n_out")
    v.choice(scheme, "scheme", INIT_SCHEMES)
    scale = _check_scale(scheme, scale)
    return {
        "zeros": 0.0,
        "constant": 0.0,
        "normal": scale**2,
        "uniform": scale**2 / 3.0,
        "standard": 1.0 / (3.0 * n_in),
        "xavier": 1.0 / n_in,
        "glorot_normal": 2.0 / (n_in + n_out),
        "glorot_uniform": 2.0 / (n_in + n_out),
        "he_normal": 2.0 / n_in,
        "he_uniform": 2.0 / n_in,
        "orthogonal": 1.0 / max(n_in, n_out),
    }[scheme]


def _check_scale(scheme: str, scale: float | None) -> float:
    if scheme in _NEEDS_SCALE:
        if scale is None:
            raise ValueError(f"scale is required for scheme {scheme!r} (one of {', '.join(_NEEDS_SCALE)})")
        if scheme == "constant":
            return v.real(scale, "scale")
        return v.nonneg(scale, "scale")
    if scale is not None:
        raise ValueError(
            f"scale is only used by the schemes {', '.join(_NEEDS_SCALE)}; "
            f"scheme {scheme!r} sets its own variance"
        )
    return 0.0


def init_weights(
    n_in: int,  # n[l-1], the units feeding the layer
    n_out: int,  # n[l], the units of the layer
    scheme: str,  # one of INIT_SCHEMES
    *,
    rng: np.random.Generator,
    scale: float | None = None,  # the value, std or half-width for constant/normal/uniform
    dtype: type = np.float64,
) -> np.ndarray:
    """Draw ``W[l]`` of shape ``(n_out, n_in)`` from ``scheme``.

    ========================  =====================================  ========================
    scheme                    distribution                           Var(w)
    ========================  =====================================  ========================
    ``zeros``                 every entry 0                          0
    ``constant``              every entry ``scale``                  0
    ``normal``                N(0, scale²)                           scale²
    ``uniform``               U[-scale, scale]                       scale²/3
    ``standard``              U[-1/√n_in, 1/√n_in] (Glorot eq. 1)    1/(3·n_in)
    ``xavier``                N(0, 1/n_in) (the source article)      1/n_in
    ``glorot_normal``         N(0, 2/(n_in+n_out))                   2/(n_in+n_out)
    ``glorot_uniform``        U[±√(6/(n_in+n_out))]                  2/(n_in+n_out)
    ``he_normal``             N(0, 2/n_in)                           2/n_in
    ``he_uniform``            U[±√(6/n_in)]                          2/n_in
    ``orthogonal``            orthonormal rows (n_out ≤ n_in) or     1/max(n_in, n_out)
                              columns, as ``torch.nn.init.orthogonal_``
    ========================  =====================================  ========================

    ``orthogonal`` is drawn as PyTorch draws it: the QR factorization of a standard normal
    matrix (transposed when it has more columns than rows), with the signs of R's diagonal
    moved into Q, which makes Q uniform (Haar) over the orthogonal matrices.

    Derived in {ref}`chap-derivation`; used throughout Part I.
    """
    n_in = v.positive_int(n_in, "n_in")
    n_out = v.positive_int(n_out, "n_out")
    v.choice(scheme, "scheme", INIT_SCHEMES)
    scale = _check_scale(scheme, scale)
    v.generator(rng)
    try:
        dt = None if dtype is None else np.dtype(dtype)
    except TypeError:
        dt = None
    if dt is None or dt.type not in (np.float32, np.float64):
        raise TypeError(f"dtype must be numpy.float32 or numpy.float64; got {dtype!r}")
    shape = (n_out, n_in)
    if scheme == "zeros":
        w = np.zeros(shape)
    elif scheme == "constant":
        w = np.full(shape, scale)
    elif scheme in ("normal", "xavier", "glorot_normal", "he_normal"):
        var = init_variance(n_in, n_out, scheme, scale=scale if scheme == "normal" else None)
        w = rng.normal(0.0, math.sqrt(var), size=shape)
    elif scheme == "orthogonal":
        w = _orthogonal(n_out, n_in, rng)
    else:  # the uniform family U[-a, a], whose variance is a²/3
        a = {
            "uniform": scale,
            "standard": 1.0 / math.sqrt(n_in),
            "glorot_uniform": math.sqrt(6.0 / (n_in + n_out)),
            "he_uniform": math.sqrt(6.0 / n_in),
        }[scheme]
        w = rng.uniform(-a, a, size=shape)
    return w.astype(dt, copy=False)


def _orthogonal(rows: int, cols: int, rng: np.random.Generator) -> np.ndarray:
    """``torch.nn.init.orthogonal_``: QR of an N(0, 1) matrix, R's diagonal signs moved into Q."""
    flat = rng.normal(size=(rows, cols))
    if rows < cols:
        flat = flat.T
    q, r = np.linalg.qr(flat)
    q = q * np.sign(np.diag(r))
    return q.T if rows < cols else q


def initializer(scheme: str, *, scale: float | None = None, gain: float = 1.0) -> Initializer:
    """A plain function ``(n_in, n_out, rng) -> W`` for :class:`initreg.Network`.

    ``gain`` multiplies every draw, so its variance is ``gain²·Var(w)``; for example
    ``initializer("xavier", gain=k**0.5)`` draws N(0, k/n[l-1]), the family of {ref}`chap-why`.
    """
    v.choice(scheme, "scheme", INIT_SCHEMES)
    _check_scale(scheme, scale)
    gain = v.nonneg(gain, "gain")

    def init(n_in: int, n_out: int, rng: np.random.Generator) -> np.ndarray:
        w = init_weights(n_in, n_out, scheme, rng=rng, scale=scale)
        # "+ 0.0" turns the -0.0 of a negative draw times gain 0 into 0.0
        return w * gain + 0.0 if gain != 1.0 else w

    init.__name__ = f"{scheme}" + (f"(scale={scale:g})" if scale is not None else "") + (
        f"×{gain:g}" if gain != 1.0 else "")
    init.__qualname__ = init.__name__
    return init
