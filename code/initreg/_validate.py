"""Argument checks shared by every public function of :mod:`initreg`.

Each check raises ``ValueError`` or ``TypeError`` with a message that names the
parameter and, for names, lists the valid choices, so a student can act on it:
``scheme must be one of zeros, constant, ...; got 'xavir'``.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np

__all__: list[str] = []  # private helpers; nothing is re-exported


def choice(value: Any, name: str, options: Iterable[str]) -> str:
    """Return ``value`` if it is one of ``options``, else raise naming them all."""
    options = tuple(options)
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a string, one of {', '.join(options)}; got {value!r}")
    if value not in options:
        raise ValueError(f"{name} must be one of {', '.join(options)}; got {value!r}")
    return value


def positive_int(value: Any, name: str) -> int:
    """Return ``value`` as an int if it is a positive integer (bools refused)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ValueError(f"{name} must be a positive integer; got {value!r}")
    if value <= 0:
        raise ValueError(f"{name} must be a positive integer; got {value!r}")
    return int(value)


def nonneg_int(value: Any, name: str) -> int:
    """Return ``value`` as an int if it is an integer >= 0 (bools refused)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 0:
        raise ValueError(f"{name} must be a non-negative integer; got {value!r}")
    return int(value)


def real(value: Any, name: str, *, low: float | None = None, high: float | None = None,
         low_open: bool = False) -> float:
    """Return ``value`` as a finite float within ``[low, high]`` (``(low, high]`` if ``low_open``)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number; got {value!r}")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite; got {value!r}")
    if low is not None and (value < low or (low_open and value == low)):
        bound = f"> {low:g}" if low_open else f">= {low:g}"
        raise ValueError(f"{name} must be {bound}; got {value!r}")
    if high is not None and value > high:
        raise ValueError(f"{name} must be <= {high:g}; got {value!r}")
    return value


def nonneg(value: Any, name: str) -> float:
    """A finite real number >= 0 (a penalty strength λ, a learning rate α of 0, ...)."""
    return real(value, name, low=0.0)


def positive(value: Any, name: str) -> float:
    """A finite real number > 0."""
    return real(value, name, low=0.0, low_open=True)


def generator(rng: Any, name: str = "rng") -> np.random.Generator:
    """Require an explicit ``numpy.random.Generator`` (never global random state)."""
    if not isinstance(rng, np.random.Generator):
        raise TypeError(
            f"{name} must be a numpy.random.Generator, e.g. numpy.random.default_rng(0); "
            f"got {type(rng).__name__}"
        )
    return rng


def array(value: Any, name: str, *, ndim: int | Sequence[int] | None = None,
          dtype: Any = np.float64, finite: bool = True) -> np.ndarray:
    """Convert to a numeric array, checking its number of dimensions and finiteness."""
    if isinstance(value, (str, bytes)):
        raise TypeError(f"{name} must be a numeric array; got a string")
    try:
        arr = np.asarray(value, dtype=dtype)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must be a numeric array; got {type(value).__name__}") from exc
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if arr.ndim not in allowed:
            want = " or ".join(str(d) for d in allowed)
            raise ValueError(f"{name} must have {want} dimension(s); got shape {arr.shape}")
    if finite and arr.size and not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must contain only finite numbers (no NaN or inf)")
    return arr


def items_of(value: Any, name: str, kind: type) -> list[Any]:
    """A non-empty sequence (or the values of a mapping) whose every item is a ``kind``."""
    if isinstance(value, Mapping):
        value = list(value.values())
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence) or not value:
        raise ValueError(f"{name} must be a non-empty sequence of {kind.__name__}")
    for i, item in enumerate(value):
        if not isinstance(item, kind):
            raise TypeError(f"{name}[{i}] must be a {kind.__name__}; got {type(item).__name__}")
    return list(value)


def instance(value: Any, name: str, kind: type, *, example: str | None = None) -> Any:
    """``value`` itself if it is an initreg ``kind`` (a network, a data split, a result),
    else a TypeError naming ``name``, the type it must be and, if given, how to make one."""
    if not isinstance(value, kind):
        how = f" ({example})" if example else ""
        raise TypeError(f"{name} must be an initreg.{kind.__name__}{how}; got {type(value).__name__}")
    return value


def least_squares(X: Any, y: Any) -> tuple[np.ndarray, np.ndarray]:
    """A least-squares problem's data: ``X`` a non-empty matrix of examples (rows) and
    ``y`` one target per row."""
    X = array(X, "X", ndim=2)
    y = array(y, "y", ndim=1)
    if X.shape[0] == 0 or X.shape[1] == 0:
        raise ValueError(f"X must have at least one row and one column; got shape {X.shape}")
    if X.shape[0] != y.shape[0]:
        raise ValueError(f"X and y must have the same number of rows (examples); got {X.shape[0]} and {y.shape[0]}")
    return X, y


def seeds(value: Any, name: str = "seeds", *, distinct: bool = False) -> tuple[int, ...]:
    """A non-empty sequence of non-negative integer seeds (all different when ``distinct``)."""
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence) or len(value) == 0:
        raise ValueError(f"{name} must be a non-empty sequence of non-negative integers; got {value!r}")
    picked = tuple(nonneg_int(s, f"{name}[{i}]") for i, s in enumerate(value))
    if distinct and len(set(picked)) != len(picked):
        raise ValueError(f"{name} must be distinct; got {list(picked)}")
    return picked
