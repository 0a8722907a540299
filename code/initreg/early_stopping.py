"""Early stopping as L2: gradient descent stopped after t steps against the ridge solution.
See {ref}`chap-at-work`.

For least squares ``J(w) = ‖Xw − y‖²/(2m)`` write ``G = XᵀX/m = Σᵢ hᵢuᵢuᵢᵀ`` (eigenvalues
hᵢ, eigenvectors uᵢ) and let w* solve ``Gw* = Xᵀy/m``. Gradient descent from ``w₀ = 0`` with
rate α, ``w ← w − α(Gw − Xᵀy/m)``, gives after t steps, and the L2 minimizer of
``J + λΣw²`` (the book's convention) is,

.. math::  w_t = \\sum_i \\bigl[1 - (1 - \\alpha h_i)^t\\bigr]\\,(u_i^\\top w^*)\\,u_i, \\qquad
           w(\\lambda) = \\sum_i \\frac{h_i}{h_i + 2\\lambda}\\,(u_i^\\top w^*)\\,u_i .

Both shrink each eigen-direction of w* by a factor in (0, 1) (for 0 < αhᵢ < 1). The two
factors are equal exactly when ``λ = λᵢ(t) = hᵢqᵢ/(2(1 − qᵢ))`` with ``qᵢ = (1 − αhᵢ)^t``,
one strength per direction (:func:`matched_lambda`). To first order in αhᵢt all of them
are ``1/(2αt)`` (:func:`equivalent_lambda`, Goodfellow et al.'s α ≈ 1/(τε) in the λΣw²
convention): ``2αt·λᵢ(t) = 1 − αhᵢ(t + 1)/2 + …`` (:func:`matched_lambda_series`), and
``2αt·λᵢ(t) ≤ 1`` for every t, so the ridge solution at ``1/(2αt)`` is shrunk at least
as much as ``w_t`` in every direction.

* :func:`descent_path` runs the iteration itself; :func:`early_stopping_vs_ridge`
  compares it with the ridge path at λ = 1/(2αt) on one least-squares problem.
* :func:`centered_l2_run` trains the small-data network of :mod:`initreg.regularization`
  with L2 toward its initial weights, ``λ‖W − W₀‖²``: the penalty early stopping
  approximates when training does not start at 0.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import sympy as sp

from . import _threads
from . import _validate as v
from .minimizers import regularized_minimizer
from .regularization import SMALL_DATA, SmallDataStudy, small_data_network, small_data_split
from .tables import TextTable
from .training import train
from .weights import weight_norm

__all__ = [
    "early_stopping_filter",
    "ridge_filter",
    "matched_lambda",
    "equivalent_lambda",
    "matched_lambda_expr",
    "matched_lambda_series",
    "descent_path",
    "EarlyStoppingRidge",
    "early_stopping_vs_ridge",
    "CenteredRun",
    "centered_l2_run",
    "NetworkEquivalence",
    "network_equivalence",
    "quadratic_displacement_band",
]


def _curvature(h: object, lr: object) -> tuple[np.ndarray, float]:
    h = v.array(h, "h", ndim=(0, 1, 2))
    lr = v.positive(lr, "lr")
    if np.any(h <= 0) or np.any(lr * h >= 1):
        raise ValueError(f"lr·h must lie in (0, 1) for every curvature h (the filter then rises from 0 to 1); "
                         f"got lr·h from {float(np.min(lr * h)):g} to {float(np.max(lr * h)):g}")
    return h, lr


def _steps(t: object) -> np.ndarray:
    t = np.asarray(t)
    if t.dtype.kind not in "iu" or np.any(t < 1):
        raise ValueError(f"t must hold step counts, integers >= 1; got {t!r}")
    return t


def early_stopping_filter(h: object, lr: float, t: object) -> np.ndarray:
    """``1 − (1 − αh)^t``: how much of the direction of curvature h gradient descent from 0
    has covered after t steps (broadcast over h and t)."""
    h, lr = _curvature(h, lr)
    return 1.0 - (1.0 - lr * h) ** _steps(t)


def ridge_filter(h: object, lam: object) -> np.ndarray:
    """``h/(h + 2λ)``: how much of the direction of curvature h the minimizer of
    ``J + λΣw²`` keeps."""
    h = v.array(h, "h", ndim=(0, 1, 2))
    lam = v.array(lam, "lam", ndim=(0, 1, 2))
    if np.any(h <= 0):
        raise ValueError("h must hold curvatures > 0")
    if np.any(lam < 0):
        raise ValueError("lam must be >= 0")
    return h / (h + 2.0 * lam)


def matched_lambda(h: object, lr: float, t: object) -> np.ndarray:
    """``λ(t) = hq/(2(1 − q))``, ``q = (1 − αh)^t``: the strength at which the L2 minimizer
    keeps exactly as much of the direction h as t steps of gradient descent from 0."""
    h, lr = _curvature(h, lr)
    q = (1.0 - lr * h) ** _steps(t)
    return h * q / (2.0 * (1.0 - q))


def equivalent_lambda(lr: float, t: object) -> np.ndarray:
    """``1/(2αt)``: the first-order strength of every direction (see :func:`matched_lambda_series`)."""
    lr = v.positive(lr, "lr")
    return 1.0 / (2.0 * lr * _steps(t))


_H, _A, _T, _LAM, _EPS = sp.symbols("h alpha t lambda epsilon", positive=True)


def matched_lambda_expr() -> sp.Expr:
    """SymPy: the λ that solves ``1 − (1 − αh)^t = h/(h + 2λ)``, ``hq/(2(1 − q))``."""
    sol = sp.solve(sp.Eq(1 - (1 - _A * _H) ** _T, _H / (_H + 2 * _LAM)), _LAM)
    if len(sol) != 1:  # pragma: no cover - the equation is linear in 1/(h + 2λ)
        raise RuntimeError(f"expected one solution for λ, got {sol}")
    return sp.simplify(sol[0])


@functools.lru_cache(maxsize=4)
def matched_lambda_series(order: int = 2) -> sp.Expr:
    """SymPy: ``2αt·λ(t)`` as a series in ε = αh at fixed t, up to ``O(ε^order)``:
    ``1 − (t + 1)ε/2 + O(ε²)``. Its leading term 1 is λ ≈ 1/(2αt)."""
    order = v.positive_int(order, "order")
    lam = matched_lambda_expr()
    ratio = sp.simplify((2 * _A * _T * lam).subs(_H, _EPS / _A))
    poly = sp.Poly(sp.series(ratio, _EPS, 0, order).removeO(), _EPS)
    terms = sum(sp.factor(sp.simplify(c)) * _EPS**k for (k,), c in poly.terms())
    return terms + sp.O(_EPS**order)


def descent_path(X: np.ndarray, y: np.ndarray, *, lr: float, steps: int) -> np.ndarray:
    """The iterates ``w_0 = 0, w_1, ..., w_steps`` of ``w ← w − α(Gw − Xᵀy/m)`` on
    ``J(w) = ‖Xw − y‖²/(2m)``, shape ``(steps + 1, p)`` (the iteration itself, no formula)."""
    X = v.array(X, "X", ndim=2)
    y = v.array(y, "y", ndim=1)
    if X.shape[0] != y.shape[0] or X.shape[0] == 0:
        raise ValueError(f"X and y must have the same number of rows, at least one; got {X.shape[0]} and {y.shape[0]}")
    lr = v.positive(lr, "lr")
    steps = v.positive_int(steps, "steps")
    m = X.shape[0]
    G, c = X.T @ X / m, X.T @ y / m
    out = np.zeros((steps + 1, X.shape[1]))
    w = out[0].copy()
    for k in range(1, steps + 1):
        w = w - lr * (G @ w - c)
        out[k] = w
    return out


@dataclass(frozen=True)
class EarlyStoppingRidge:
    """Gradient descent from 0 on a least-squares problem against the L2 minimizer.

    ``h`` and ``U`` are the eigenvalues (increasing) and eigenvectors (columns) of
    ``G = XᵀX/m``, ``w_star`` the least-squares solution, ``t`` the steps 1..T. ``descent``
    holds the iterates ``w_t`` (row t − 1 for step t), ``ridge`` the L2 minimizers at
    ``equivalent`` = 1/(2αt), and ``matched[k, i]`` the strength λᵢ(t) at which the L2
    minimizer keeps as much of direction i as step ``t[k]``.
    """

    X: np.ndarray
    y: np.ndarray
    lr: float
    h: np.ndarray
    U: np.ndarray
    w_star: np.ndarray
    t: np.ndarray
    descent: np.ndarray
    ridge: np.ndarray
    equivalent: np.ndarray
    matched: np.ndarray

    @property
    def formula(self) -> np.ndarray:
        """``w_t`` from the spectral formula ``Σᵢ [1 − (1 − αhᵢ)^t](uᵢᵀw*)uᵢ``, row per step."""
        f = early_stopping_filter(self.h[None, :], self.lr, self.t[:, None])
        return (f * (self.U.T @ self.w_star)[None, :]) @ self.U.T

    @property
    def ratio(self) -> np.ndarray:
        """``λᵢ(t)/(1/(2αt))``, per step and direction: 1 where λ ≈ 1/(2αt) is exact."""
        return self.matched / self.equivalent[:, None]

    @property
    def first_order(self) -> np.ndarray:
        """The first-order prediction of ``1 − ratio``: ``αhᵢ(t + 1)/2``."""
        return self.lr * self.h[None, :] * (self.t[:, None] + 1) / 2.0

    @property
    def x(self) -> np.ndarray:
        """``αhᵢt``: how many "time constants" direction i has run, per step and direction."""
        return self.lr * self.h[None, :] * self.t[:, None]

    def coordinates(self, W: np.ndarray) -> np.ndarray:
        """Rows of ``W`` in the eigenbasis: ``W U``."""
        return np.asarray(W) @ self.U

    def __repr__(self) -> str:
        return (f"EarlyStoppingRidge({len(self.h)} inputs, α = {self.lr:g}, t = 1..{int(self.t[-1])}; curvatures "
                f"h = {', '.join(f'{x:.4f}' for x in self.h)}; largest distance between w_t and the L2 minimizer "
                f"at 1/(2αt): {float(np.linalg.norm(self.descent - self.ridge, axis=1).max()):.4f})")


def early_stopping_vs_ridge(X: np.ndarray, y: np.ndarray, *, lr: float, steps: int) -> EarlyStoppingRidge:
    """Run gradient descent from 0 for ``steps`` steps (:func:`descent_path`) and solve the
    L2 problem at λ = 1/(2αt) for every t (:func:`initreg.regularized_minimizer`), with
    the matched strengths λᵢ(t) of each eigen-direction (:class:`EarlyStoppingRidge`)."""
    X = v.array(X, "X", ndim=2)
    y = v.array(y, "y", ndim=1)
    path = descent_path(X, y, lr=lr, steps=steps)
    m = X.shape[0]
    h, U = np.linalg.eigh(X.T @ X / m)
    _curvature(h, lr)
    t = np.arange(1, steps + 1)
    lams = equivalent_lambda(lr, t)
    ridge = np.array([regularized_minimizer(X, y, "l2", float(lam)) for lam in lams])
    w_star = regularized_minimizer(X, y, "none", 0.0)
    matched = matched_lambda(h[None, :], lr, t[:, None])
    return EarlyStoppingRidge(X, y, float(lr), h, U, w_star, t, path[1:], ridge, lams, matched)


@dataclass(frozen=True)
class CenteredRun:
    """The small-data network trained with L2 toward its initial weights W₀ at ``lam``:
    its final test loss and accuracy, training loss, and ``‖W − W₀‖`` (weights only)."""

    seed: int
    lam: float
    epochs: int
    test_loss: float
    test_accuracy: float
    train_loss: float
    displacement: float

    def __repr__(self) -> str:
        return (f"CenteredRun(seed {self.seed}, λ = {self.lam:g}: test loss {self.test_loss:.3f}, test accuracy "
                f"{self.test_accuracy:.3f}, ‖W − W₀‖ = {self.displacement:.3f})")


@functools.lru_cache(maxsize=64)
def _centered(seed: int, lam: float, epochs: int) -> CenteredRun:
    s = SMALL_DATA
    split = small_data_split(seed)
    net = small_data_network(seed)  # the same initial weights as every run of the seed
    start = [w.copy() for w in net.weights]
    shrink = 1.0 / (1.0 + 2.0 * float(s["lr"]) * lam)
    with _threads.one_thread():
        for _ in range(epochs):
            h = train(net, split.X_train, split.y_train, epochs=1, lr=s["lr"])
            if h.diverged:
                raise RuntimeError(f"the centered L2 run of seed {seed} at λ = {lam:g}: training {h.status}")
            for w, w0 in zip(net.weights, start):  # the proximal step of αλ‖W − W₀‖²
                w -= w0
                w *= shrink
                w += w0
        tl, ta = net.evaluate(split.X_test, split.y_test)
        jl, _ = net.evaluate(split.X_train, split.y_train)
    moved = weight_norm([w - w0 for w, w0 in zip(net.weights, start)])
    return CenteredRun(seed, lam, epochs, float(tl), float(ta), float(jl), moved)


def centered_l2_run(seed: int, lam: float, *, epochs: int | None = None) -> CenteredRun:
    """The seed's small-data network (:func:`initreg.small_data_split`, the same initial
    weights W₀ as every run of the seed) trained by full-batch gradient descent on
    ``J + λ‖W − W₀‖²``: each step is the data step ``W ← W − α∂J/∂W`` followed by the
    proximal step of the penalty, ``W − W₀ ← (W − W₀)/(1 + 2αλ)``, whose fixed points are
    exactly the critical points of the penalized cost. Cached."""
    seed = v.nonneg_int(seed, "seed")
    lam = v.positive(lam, "lam")
    epochs = int(SMALL_DATA["epochs"]) if epochs is None else v.positive_int(epochs, "epochs")
    return _centered(seed, lam, epochs)


def quadratic_displacement_band(t: int | None = None, *, max_step: float = 1.0) -> tuple[float, float]:
    """The band of the ratio of distances from the start, L2 at λ = 1/(2αt) over t steps
    of gradient descent, in a quadratic.

    ``t = None`` (continuous time, αh ≪ 1): ``(min, max)`` over x = αht > 0 of
    ``(x/(1 + x))/(1 − e^(−x))``; the maximum, 1, is the limit x → 0 or ∞. For an integer
    ``t``, discrete steps: ``(min, max)`` over 0 < αh < ``max_step`` (at most 2, where
    gradient descent converges) of ``(x/(1 + x))/(1 − (1 − αh)^t)``, the fraction of the
    way the L2 minimizer moves a direction of curvature h against the fraction t steps
    move it. Every direction's ratio lies in the band, so the ratio of the distances does."""
    if t is None:
        x = np.geomspace(1e-4, 1e3, 200_001)
        r = (x / (1.0 + x)) / -np.expm1(-x)
        return float(r.min()), 1.0
    t = v.positive_int(t, "t")
    max_step = v.positive(max_step, "max_step")
    if max_step > 2.0:
        raise ValueError(f"max_step must be in (0, 2], where gradient descent converges; got {max_step!r}")
    ah = np.linspace(0.0, max_step, 400_001)[1:-1]
    x = ah * t
    r = (x / (1.0 + x)) / (1.0 - (1.0 - ah) ** t)
    return float(r.min()), float(r.max())


@dataclass(frozen=True)
class NetworkEquivalence:
    """Early stopping against L2 on the small-data network, at matched strengths.

    For each ``lams[k]`` the stopping epoch is ``t[k] = round(1/(2αλ))``; per seed (rows)
    and strength (columns): the test loss of the unregularized run stopped at t
    (``stopped_*``), of the L2 run toward 0 (the sweep's, ``l2_*``) and of the L2 run toward
    the initial weights (``centered_*``, :func:`centered_l2_run`), and the distances
    ``‖W − W₀‖`` of the stopped and the centered networks from their start.
    """

    seeds: tuple[int, ...]
    lams: np.ndarray
    t: np.ndarray
    stopped_loss: np.ndarray
    l2_loss: np.ndarray
    centered_loss: np.ndarray
    stopped_displacement: np.ndarray
    centered_displacement: np.ndarray

    @property
    def displacement_ratio(self) -> np.ndarray:
        """``‖W − W₀‖`` of the centered L2 network over that of the stopped one."""
        return self.centered_displacement / self.stopped_displacement

    def table(self) -> TextTable:
        """Means over seeds, one row per strength."""
        rows = []
        for k, (lam, t) in enumerate(zip(self.lams, self.t)):
            r = self.displacement_ratio[:, k]
            rows.append((f"{lam:.2g}", f"{t}", f"{self.stopped_loss[:, k].mean():.3f}",
                         f"{self.centered_loss[:, k].mean():.3f}", f"{self.l2_loss[:, k].mean():.3f}",
                         f"{r.min():.3f} to {r.max():.3f}"))
        return TextTable(("λ", "t = 1/(2αλ)", "stopped at t", "L2 toward W₀", "L2 toward 0",
                          "‖W − W₀‖ ratio"), rows)

    def __repr__(self) -> str:
        return repr(self.table())

    def _repr_html_(self) -> str:
        return self.table()._repr_html_()


def network_equivalence(study: SmallDataStudy, indices: tuple[int, ...] = (13, 11, 9, 7)) -> NetworkEquivalence:
    """Compare, for each λ = ``LAMBDAS[i]`` (``i`` in ``indices``), the study's networks
    stopped at t = round(1/(2αλ)) with its L2 networks at λ (toward 0) and with
    :func:`centered_l2_run` (toward W₀), for every seed of ``study``."""
    if not isinstance(study, SmallDataStudy):
        raise TypeError(f"study must be an initreg.SmallDataStudy (see small_data_study); got {type(study).__name__}")
    if isinstance(indices, (str, bytes)) or not indices:
        raise ValueError("indices must be a non-empty sequence of positions 1..15 in LAMBDAS")
    idx = [v.positive_int(i, f"indices[{k}]") for k, i in enumerate(indices)]
    sweep = study.sweeps["l2"]
    lams = np.array([sweep.strengths[i] if i < len(sweep.strengths) else -1.0 for i in idx])
    if np.any(lams <= 0):
        raise ValueError(f"indices must lie in 1..{len(sweep.strengths) - 1}; got {list(indices)}")
    alpha, epochs = float(SMALL_DATA["lr"]), int(SMALL_DATA["epochs"])
    t = np.array([int(round(1.0 / (2.0 * alpha * lam))) for lam in lams])
    if np.any(t < 1) or np.any(t > epochs):
        raise ValueError(f"every 1/(2αλ) must be a stopping epoch in 1..{epochs}; got {t.tolist()}")
    shape = (len(study.seeds), len(lams))
    out = {k: np.empty(shape) for k in ("sl", "ll", "cl", "sd", "cd")}
    for a, seed in enumerate(study.seeds):
        path = study.paths[a]
        for b, (i, lam, tk) in enumerate(zip(idx, lams, t)):
            c = centered_l2_run(seed, float(lam))
            out["sl"][a, b] = path.test_loss[tk]
            out["sd"][a, b] = path.displacement[tk]
            out["ll"][a, b] = sweep.runs[a][i].final_test_loss
            out["cl"][a, b] = c.test_loss
            out["cd"][a, b] = c.displacement
    return NetworkEquivalence(study.seeds, lams, t, out["sl"], out["ll"], out["cl"], out["sd"], out["cd"])
