"""Exact minimizers of a penalized least-squares cost: what the update rules converge to.

For ``J(w) = ‖Xw − y‖²/(2m)`` and a penalty λ‖w‖₁ or λ‖w‖² (the book's convention, which
adds 2λ to the curvature of every direction): the exact regularized minimizer (a linear
solve for L2, coordinate descent polished by an active-set solve for L1), its optimality
(KKT) conditions, the exact L1 path (the piecewise-linear homotopy of LARS–lasso) and the
L2 path. See {ref}`chap-landscapes`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from . import _validate as v
from .penalties import PENALTIES

__all__ = [
    "regularized_objective",
    "kkt_violation",
    "regularized_minimizer",
    "regularization_path",
    "lasso_lambda_max",
    "LassoPath",
    "lasso_path",
]


def _gram(X: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    m = X.shape[0]
    return X.T @ X / m, X.T @ y / m


def _coef(w: object, p: int) -> np.ndarray:
    w = v.array(w, "w", ndim=1)
    if w.shape[0] != p:
        raise ValueError(f"w must have one entry per column of X ({p}); got {w.shape[0]}")
    return w


def regularized_objective(X: np.ndarray, y: np.ndarray, w: np.ndarray, penalty: str, lam: float) -> float:
    """``J(w) + P(w)`` with ``J(w) = ‖Xw − y‖²/(2m)`` and P = λ‖w‖₁, λ‖w‖² or 0."""
    X, y = v.least_squares(X, y)
    w = _coef(w, X.shape[1])
    v.choice(penalty, "penalty", PENALTIES)
    lam = v.nonneg(lam, "lam")
    r = X @ w - y
    J = float(r @ r) / (2 * X.shape[0])
    if penalty == "l1":
        return J + lam * float(np.abs(w).sum())
    if penalty == "l2":
        return J + lam * float(w @ w)
    return J


def _kkt(G: np.ndarray, c: np.ndarray, w: np.ndarray, penalty: str, lam: float) -> float:
    g = G @ w - c  # ∇J
    if penalty == "l2":
        return float(np.max(np.abs(g + 2.0 * lam * w)))
    if penalty == "none" or lam == 0.0:
        return float(np.max(np.abs(g)))
    nz = w != 0.0
    on = np.abs(g[nz] + lam * np.sign(w[nz]))
    off = np.maximum(np.abs(g[~nz]) - lam, 0.0)
    return float(max(on.max(initial=0.0), off.max(initial=0.0)))


def kkt_violation(X: np.ndarray, y: np.ndarray, w: np.ndarray, penalty: str, lam: float) -> float:
    """How far ``w`` is from optimal for ``J + P``, in units of the gradient ∇J = Xᵀ(Xw − y)/m.

    L2 and none: ``max_j |∇J_j + 2λw_j|`` (the gradient of J + P vanishes). L1: the
    subgradient conditions ``∇J_j = −λ·sign(w_j)`` where ``w_j ≠ 0`` and ``|∇J_j| ≤ λ``
    where ``w_j = 0``; the violation is the largest amount by which one fails. For
    ``penalty="none"`` the minimizer of a rank-deficient X is not unique, and this only
    checks that ``w`` is one of them. See {ref}`chap-landscapes`.
    """
    X, y = v.least_squares(X, y)
    w = _coef(w, X.shape[1])
    v.choice(penalty, "penalty", PENALTIES)
    lam = v.nonneg(lam, "lam")
    G, c = _gram(X, y)
    return _kkt(G, c, w, penalty, lam)


def _accept(G: np.ndarray, c: np.ndarray, w: np.ndarray, lam: float, tol: float) -> bool:
    scale = max(float(np.max(np.abs(c))), lam, 1e-300)
    floor = 64 * np.finfo(float).eps * (float(np.max(np.abs(G))) * float(np.abs(w).sum()) + scale)
    return _kkt(G, c, w, "l1", lam) <= max(tol * scale, floor)


def _polish(G: np.ndarray, c: np.ndarray, w: np.ndarray, lam: float) -> np.ndarray | None:
    """The active-set solve: with the support A and signs s of ``w``, ``G_AA w_A = c_A − λ s_A``."""
    A = np.flatnonzero(w)
    if A.size == 0:
        return np.zeros_like(w)
    s = np.sign(w[A])
    GAA = G[np.ix_(A, A)]
    try:
        wA = np.linalg.solve(GAA, c[A] - lam * s)
    except np.linalg.LinAlgError:
        return None
    if not np.all(np.sign(wA) == s):
        return None
    out = np.zeros_like(w)
    out[A] = wA
    return out


def _lasso_cd(G: np.ndarray, c: np.ndarray, lam: float, w: np.ndarray, tol: float, max_sweeps: int) -> np.ndarray:
    """Cyclic coordinate descent on ``½wᵀGw − cᵀw + λ‖w‖₁``, polished by an active-set solve."""
    p = c.shape[0]
    w = w.astype(float, copy=True)
    diag = np.diag(G).copy()
    g = G @ w - c
    for sweep in range(1, max_sweeps + 1):
        for j in range(p):
            if diag[j] <= 0.0:  # a zero column: w_j does not change J, the penalty puts it at 0
                new = 0.0
            else:
                z = w[j] - g[j] / diag[j]
                new = np.sign(z) * max(abs(z) - lam / diag[j], 0.0)
            if new != w[j]:
                g += G[:, j] * (new - w[j])
                w[j] = new
        if sweep % 5 == 0 or sweep == max_sweeps:
            g = G @ w - c  # refresh, so rounding does not accumulate
            if _accept(G, c, w, lam, tol):
                return w
            polished = _polish(G, c, w, lam)
            if polished is not None and _accept(G, c, polished, lam, tol):
                return polished
    raise RuntimeError(f"coordinate descent did not reach the KKT tolerance {tol:g} in {max_sweeps} sweeps; "
                       "the columns of X may be nearly collinear: standardize them or raise max_sweeps")


def regularized_minimizer(
    X: np.ndarray,           # (m, p) data, one example per row
    y: np.ndarray,           # (m,) targets
    penalty: str,            # "none", "l1" or "l2"
    lam: float,              # λ ≥ 0
    *,
    tol: float = 1e-12,      # relative tolerance on the optimality (KKT) conditions, for L1
    max_sweeps: int = 100_000,
) -> np.ndarray:
    """The exact minimizer of ``J(w) + P(w)``, ``J(w) = ‖Xw − y‖²/(2m)``, for any number of columns.

    * ``"none"`` (or λ = 0 without L2): least squares, ``XᵀX w = Xᵀy``; the minimum-norm
      solution (``lstsq``) when X has dependent columns.
    * ``"l2"``: ``(XᵀX/m + 2λI) w = Xᵀy/m``, one linear solve (unique for λ > 0).
    * ``"l1"``: coordinate descent, ``w_j ← S(w_j − ∇J_j/G_jj, λ/G_jj)`` with S the soft
      threshold, until the KKT conditions of :func:`kkt_violation` hold to ``tol`` (relative
      to ‖Xᵀy/m‖∞); then the active-set system ``G_AA w_A = Xᵀ_A y/m − λ·sign(w_A)`` is
      solved directly, so the result is exact to rounding and its zeros are exact zeros.

    Cross-checked against scikit-learn's ``Lasso(alpha=λ)`` and ``Ridge(alpha=2mλ)`` (both
    without intercept) in the tests. See {ref}`chap-landscapes`.
    """
    X, y = v.least_squares(X, y)
    v.choice(penalty, "penalty", PENALTIES)
    lam = v.nonneg(lam, "lam")
    tol = v.positive(tol, "tol")
    max_sweeps = v.positive_int(max_sweeps, "max_sweeps")
    return _minimize(X, y, penalty, lam, tol, max_sweeps, None)


def _minimize(X: np.ndarray, y: np.ndarray, penalty: str, lam: float, tol: float, max_sweeps: int,
              w0: np.ndarray | None, gram: tuple[np.ndarray, np.ndarray] | None = None) -> np.ndarray:
    p = X.shape[1]
    if penalty == "none" or lam == 0.0:
        return np.linalg.lstsq(X, y, rcond=None)[0]
    G, c = gram if gram is not None else _gram(X, y)
    if penalty == "l2":
        return np.linalg.solve(G + 2.0 * lam * np.eye(p), c)
    if float(np.max(np.abs(c))) <= lam:  # the origin satisfies the KKT conditions
        return np.zeros(p)
    return _lasso_cd(G, c, lam, np.zeros(p) if w0 is None else w0, tol, max_sweeps)


def regularization_path(X: np.ndarray, y: np.ndarray, penalty: str, lams: Sequence[float]) -> np.ndarray:
    """The minimizer of ``J + P`` at each λ of ``lams``: an array of shape ``(len(lams), p)``.

    Each row is :func:`regularized_minimizer` at that λ (L1 warm-starts from the previous
    row). Under L1 a coordinate is exactly 0 on whole intervals of λ, and for every λ
    above a finite value (see :func:`lasso_path`); under L2,
    ``w(λ) = (XᵀX/m + 2λI)⁻¹Xᵀy/m`` tends to 0 as λ → ∞ without reaching it (for Xᵀy ≠ 0),
    and a coordinate is 0 only at isolated values of λ, where it changes sign
    (:func:`initreg.ridge_zeros`). See {ref}`chap-landscapes`.
    """
    X, y = v.least_squares(X, y)
    v.choice(penalty, "penalty", PENALTIES)
    lams = v.array(lams, "lams", ndim=1)
    if lams.size == 0:
        raise ValueError("lams must hold at least one value")
    if np.any(lams < 0):
        raise ValueError(f"lams must all be >= 0; got {float(lams.min())!r}")
    gram = _gram(X, y)
    out = np.empty((lams.size, X.shape[1]))
    w = None
    for i, lam in enumerate(lams):
        w = _minimize(X, y, penalty, float(lam), 1e-12, 100_000, w, gram)
        out[i] = w
    return out


def lasso_lambda_max(X: np.ndarray, y: np.ndarray) -> float:
    """``λ_max = ‖Xᵀy‖∞/m``: the smallest λ at which every L1 coordinate is exactly 0.

    At w = 0 the KKT conditions read ``|X_jᵀy/m| ≤ λ`` for every j. See {ref}`chap-landscapes`.
    """
    X, y = v.least_squares(X, y)
    return float(np.max(np.abs(X.T @ y))) / X.shape[0]


@dataclass(frozen=True)
class LassoPath:
    """The exact L1 regularization path of a least-squares cost, as its knots.

    Between two knots the minimizer is linear in λ, so :meth:`at` is exact everywhere.
    ``lams`` decreases from ``λ_max`` to 0; ``coefs[k]`` is the minimizer at ``lams[k]``;
    ``events[k]`` says which coordinate entered (``+j``, 1-based) or left (``−j``) the
    active set at ``lams[k]``. See {ref}`chap-landscapes`.
    """

    lams: np.ndarray
    coefs: np.ndarray
    events: tuple[int, ...]

    def at(self, lam: float) -> np.ndarray:
        """The minimizer at ``lam``, by linear interpolation between the two knots around it."""
        lam = v.nonneg(lam, "lam")
        if lam >= self.lams[0]:
            return np.zeros(self.coefs.shape[1])
        k = int(np.searchsorted(-self.lams, -lam, side="right")) - 1  # lams[k] >= lam > lams[k+1]
        k = min(max(k, 0), len(self.lams) - 2)
        hi, lo = self.lams[k], self.lams[k + 1]
        t = (hi - lam) / (hi - lo)
        w = self.coefs[k] + t * (self.coefs[k + 1] - self.coefs[k])
        w[(self.coefs[k] == 0) & (self.coefs[k + 1] == 0)] = 0.0
        return w

    @property
    def zero_lambda(self) -> np.ndarray:
        """For each coordinate j, ``sup{λ : w_j(λ) ≠ 0}``: above it, w_j is exactly 0 for good."""
        out = np.zeros(self.coefs.shape[1])
        for j in range(self.coefs.shape[1]):
            nz = np.flatnonzero(self.coefs[1:, j] != 0.0)
            if nz.size:
                out[j] = self.lams[nz[0]]
        return out

    def __repr__(self) -> str:
        return (f"LassoPath({self.coefs.shape[1]} coordinates, {len(self.lams)} knots, "
                f"λ_max = {self.lams[0]:.6g})")


def lasso_path(X: np.ndarray, y: np.ndarray) -> LassoPath:
    """The exact L1 path of ``J(w) + λ‖w‖₁``, from λ_max down to 0, by the LARS–lasso homotopy.

    With active set A and signs s, the minimizer is ``w_A(λ) = G_AA⁻¹(c_A − λ s_A)``
    (G = XᵀX/m, c = Xᵀy/m). Going down in λ, the next knot is the largest λ at which an
    inactive coordinate's correlation ``|c_j − G_jA w_A(λ)|`` reaches λ (it enters) or an
    active coordinate reaches 0 (it leaves). Needs the active columns to stay linearly
    independent, which holds for data in general position. See {ref}`chap-landscapes`.
    """
    X, y = v.least_squares(X, y)
    G, c = _gram(X, y)
    p = c.shape[0]
    lam = float(np.max(np.abs(c)))
    if lam == 0.0:
        return LassoPath(np.array([0.0]), np.zeros((1, p)), (0,))
    rel = 1e-12
    rank = int(np.linalg.matrix_rank(X))
    first = int(np.argmax(np.abs(c)))
    active = [first]
    signs = np.sign(c)
    lams, coefs, events = [lam], [np.zeros(p)], [first + 1]
    for _ in range(20 * p + 20):
        A = np.asarray(active)
        GAA = G[np.ix_(A, A)]
        if np.linalg.matrix_rank(GAA) < A.size:
            raise ValueError("lasso_path needs linearly independent active columns of X; "
                             "these columns are collinear (use regularized_minimizer instead)")
        a = np.linalg.solve(GAA, c[A])
        b = np.linalg.solve(GAA, signs[A])
        best, event = 0.0, 0
        inactive = np.setdiff1d(np.arange(p), A)
        # with as many active columns as the rank of X the fit is exact up to λ and every
        # inactive correlation stays proportional to λ: nothing more can enter
        if inactive.size and A.size < rank:
            GIA = G[np.ix_(inactive, A)]
            pj = c[inactive] - GIA @ a
            qj = GIA @ b
            for j, pv, qv in zip(inactive, pj, qj):
                for sgn in (1.0, -1.0):
                    if sgn - qv != 0.0:
                        cand = pv / (sgn - qv)
                        if best < cand < lam * (1 - rel):
                            best, event = cand, int(j) + 1
        for i, k in enumerate(A):
            if b[i] != 0.0:
                cand = a[i] / b[i]
                if best < cand < lam * (1 - rel):
                    best, event = cand, -(int(k) + 1)
        w = np.zeros(p)
        w[A] = a - best * b
        if event < 0:
            w[-event - 1] = 0.0
        lams.append(best)
        coefs.append(w)
        events.append(event)
        if best == 0.0:
            break
        if event > 0:
            j = event - 1
            active.append(j)
            # the sign of an entering coordinate is the sign of its correlation at the knot
            r = c[j] - G[j, A] @ (a - best * b)
            signs[j] = np.sign(r)
        else:
            active.remove(-event - 1)
        lam = best
    else:  # pragma: no cover - a path has at most a few times p knots
        raise RuntimeError("lasso_path did not reach λ = 0")
    return LassoPath(np.asarray(lams), np.vstack(coefs), tuple(events))
