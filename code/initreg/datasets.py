"""The book's data: four toy 2-D sets and the real handwritten digits.

* :func:`toy_data` draws the four two-class sets of the AI Notes playground (circles,
  spiral, checkerboard, two Gaussians) from an explicit ``numpy.random.Generator``.
* :func:`load_digits` splits scikit-learn's bundled digits (1,797 real 8×8 images,
  no download) into train and test sets with a fixed seed and scales the pixels.

See {ref}`chap-intro` and {ref}`chap-why`.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import _validate as v

__all__ = ["TOY_DATASETS", "SCALINGS", "DataSplit", "toy_data", "load_digits"]

#: Names accepted by :func:`toy_data`.
TOY_DATASETS: tuple[str, ...] = ("circles", "spiral", "checkerboard", "gaussians")
#: Pixel scalings accepted by :func:`load_digits`.
SCALINGS: tuple[str, ...] = ("standard", "unit")


@dataclass(frozen=True)
class DataSplit:
    """A train/test split: rows are examples, ``y`` integer class labels."""

    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    name: str = ""

    @property
    def n_features(self) -> int:
        return int(self.X_train.shape[1])

    @property
    def n_classes(self) -> int:
        return int(max(self.y_train.max(), self.y_test.max()) + 1)

    def subset(self, n_train: int, *, rng: np.random.Generator) -> "DataSplit":
        """The same test set with ``n_train`` training rows drawn without replacement."""
        n_train = v.positive_int(n_train, "n_train")
        if n_train > len(self.y_train):
            raise ValueError(f"n_train must be at most {len(self.y_train)}; got {n_train}")
        idx = np.sort(v.generator(rng).choice(len(self.y_train), n_train, replace=False))
        return DataSplit(self.X_train[idx], self.y_train[idx], self.X_test, self.y_test,
                         f"{self.name} ({n_train} training rows)")

    def __repr__(self) -> str:
        return (f"DataSplit({self.name!r}: {len(self.y_train)} train / {len(self.y_test)} test rows, "
                f"{self.n_features} features, {self.n_classes} classes)")


def toy_data(name: str, n: int = 300, *, rng: np.random.Generator, noise: float = 0.1) -> tuple[np.ndarray, np.ndarray]:
    """``(X, y)``: ``n`` points in [-1, 1]² of the two-class set ``name``, labels 0/1.

    ``circles``: a disc of class 1 inside a ring of class 0; ``spiral``: two interleaved
    arms; ``checkerboard``: the sign of x₁·x₂; ``gaussians``: two blobs at ±(0.5, 0.5).
    ``noise`` is the standard deviation of Gaussian jitter (in units of the square's half-width).
    """
    v.choice(name, "name", TOY_DATASETS)
    n = v.positive_int(n, "n")
    if n < 2:
        raise ValueError(f"n must be at least 2 (one point per class); got {n}")
    v.generator(rng)
    noise = v.nonneg(noise, "noise")
    half = n // 2
    y = np.r_[np.zeros(n - half, dtype=np.int64), np.ones(half, dtype=np.int64)]
    if name == "circles":
        r = np.where(y == 1, rng.uniform(0.0, 0.45, n), rng.uniform(0.6, 0.95, n))
        t = rng.uniform(0.0, 2 * np.pi, n)
        X = np.c_[r * np.cos(t), r * np.sin(t)]
    elif name == "spiral":
        s = rng.uniform(0.0, 1.0, n)
        t = 1.75 * 2 * np.pi * s + np.pi * y
        r = 0.9 * s + 0.05
        X = np.c_[r * np.cos(t), r * np.sin(t)]
    elif name == "checkerboard":
        X = rng.uniform(-0.95, 0.95, (n, 2))
        y = (X[:, 0] * X[:, 1] > 0).astype(np.int64)
    else:  # gaussians
        centres = np.where(y[:, None] == 1, 0.5, -0.5)
        X = centres + rng.normal(0.0, 0.25, (n, 2))
    X = X + rng.normal(0.0, noise * 0.5, X.shape)
    order = rng.permutation(n)
    return np.clip(X[order], -1.0, 1.0), y[order]


@functools.lru_cache(maxsize=1)
def _digits_data() -> tuple[np.ndarray, np.ndarray]:
    """The 1,797 images and labels, read from scikit-learn's ``digits.csv.gz`` as its
    ``load_digits`` reads it, without importing scikit-learn (half a second of a live
    figure's first update in a fresh kernel). Read-only arrays, cached."""
    import gzip
    import importlib.util

    spec = importlib.util.find_spec("sklearn")
    path = None
    if spec is not None and spec.submodule_search_locations:
        path = Path(list(spec.submodule_search_locations)[0]) / "datasets" / "data" / "digits.csv.gz"
    if path is not None and path.is_file():
        with gzip.open(path, "rt", encoding="utf-8") as f:
            data = np.loadtxt(f, delimiter=",")
        X, y = data[:, :-1].astype(np.float64), data[:, -1].astype(np.int64)
    else:  # pragma: no cover - an installation that moved the file
        from sklearn.datasets import load_digits as _sk_load_digits

        bunch = _sk_load_digits()
        X, y = bunch.data.astype(np.float64), bunch.target.astype(np.int64)
    X.setflags(write=False)
    y.setflags(write=False)
    return X, y


def load_digits(*, test_size: float = 0.25, seed: int = 0, scaling: str = "standard") -> DataSplit:
    """scikit-learn's bundled digits (1,797 images of 8×8 pixels, 10 classes), split and scaled.

    The split is stratified by class with ``numpy.random.default_rng(seed)``. ``scaling``:
    ``"standard"`` centres every pixel on its training mean and divides by its training
    standard deviation (pixels that are constant in training stay 0); ``"unit"`` maps the
    0..16 intensities to [0, 1].
    """
    test_size = v.real(test_size, "test_size", low=0.0, low_open=True, high=0.9)
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer; got {seed!r}")
    v.choice(scaling, "scaling", SCALINGS)
    X, y = _digits_data()
    rng = np.random.default_rng(seed)
    test_idx = []
    for c in np.unique(y):
        rows = np.flatnonzero(y == c)
        k = int(round(test_size * rows.size))
        test_idx.append(rng.choice(rows, k, replace=False))
    test = np.zeros(y.size, dtype=bool)
    test[np.concatenate(test_idx)] = True
    train_rows = np.flatnonzero(~test)
    test_rows = np.flatnonzero(test)
    train_rows = train_rows[rng.permutation(train_rows.size)]
    Xtr, Xte = X[train_rows], X[test_rows]
    if scaling == "standard":
        mu = Xtr.mean(axis=0)
        sd = Xtr.std(axis=0)
        sd[sd == 0] = 1.0
        Xtr, Xte = (Xtr - mu) / sd, (Xte - mu) / sd
    else:
        Xtr, Xte = Xtr / 16.0, Xte / 16.0
    return DataSplit(Xtr, y[train_rows], Xte, y[test_rows], "digits")
