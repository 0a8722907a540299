"""Two-parameter loss landscapes with an L1 or L2 penalty, their minimizers and paths.

A *landscape* is a cost f(w₁, w₂) on a box of the plane. The penalized costs are

.. math::  f(w) + \\lambda\\,(|w_1| + |w_2|) \\quad (L_1), \\qquad f(w) + \\lambda\\,(w_1^2 + w_2^2) \\quad (L_2).

The landscapes of {ref}`chap-landscapes` (``LANDSCAPES``):

``least_squares``
    ``J(w) = ‖Xw − y‖²/(2m)`` on two standardized columns of scikit-learn's diabetes data
    (body mass index and blood pressure, 442 patients, target standardized). Convex; its
    penalized minimizer is exact (:func:`initreg.regularized_minimizer`).
``himmelblau``
    ``(w₁² + w₂ − 11)² + (w₁ + w₂² − 7)²`` on [−5, 5]²; four global minima, f = 0, at
    (3, 2), (−2.805118, 3.131312), (−3.779310, −3.283186), (3.584428, −1.848126).
``styblinski_tang``
    ``½ Σᵢ (wᵢ⁴ − 16wᵢ² + 5wᵢ)`` on [−5, 5]²; minimum −78.332331 at
    (−2.903534, −2.903534), where 4w³ − 32w + 5 = 0.
``mccormick``
    ``sin(w₁ + w₂) + (w₁ − w₂)² − 1.5w₁ + 2.5w₂ + 1`` on [−1.5, 4] × [−3, 4]; minimum
    −√3/2 − π/3 ≈ −1.913223 at (½ − π/3, −½ − π/3) ≈ (−0.547198, −1.547198).
``matyas``
    ``0.26(w₁² + w₂²) − 0.48w₁w₂`` on [−10, 10]²; minimum 0 at (0, 0).
``rosenbrock``
    ``(1 − w₁)² + 100(w₂ − w₁²)²`` on [−2, 2] × [−1, 3]; minimum 0 at (1, 1).
``beale``
    ``(1.5 − w₁ + w₁w₂)² + (2.25 − w₁ + w₁w₂²)² + (2.625 − w₁ + w₁w₂³)²`` on
    [−4.5, 4.5]²; minimum 0 at (3, 0.5).
``goldstein_price``
    ``[1 + (w₁ + w₂ + 1)²(19 − 14w₁ + 3w₁² − 14w₂ + 6w₁w₂ + 3w₂²)] ×
    [30 + (2w₁ − 3w₂)²(18 − 32w₁ + 12w₁² + 48w₂ − 36w₁w₂ + 27w₂²)]`` on [−2, 2]²;
    minimum 3 at (0, −1).
``rastrigin``
    ``20 + Σᵢ (wᵢ² − 10 cos 2πwᵢ)`` on [−5.12, 5.12]²; minimum 0 at (0, 0), surrounded by
    a lattice of local minima.

Each formula is a SymPy expression, so its gradient is exact and its LaTeX is printed in
the chapter. The minimum of a penalized test function is found numerically *on its box*
(McCormick is unbounded below on the whole plane): the six lowest local minima of the
penalized cost on a 241 × 241 grid, and the known minima of f, are starts for L-BFGS-B
with the exact gradient, and the best polished point wins. For L1 the polishing runs on
w = u − v with u, v ≥ 0, a smooth problem whose bounds put coordinates on exactly 0; a
coordinate left within 1e-7 of 0 is then put on 0 if that does not raise the cost by
more than rounding.

This module computes and returns arrays and result objects; it draws nothing. The
chapter's figures are drawn by :mod:`initreg.figures.landscapes`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import sympy as sp
from scipy.optimize import minimize

from . import _threads
from . import _validate as v
from .minimizers import LassoPath, lasso_path, regularization_path, regularized_minimizer

__all__ = [
    "LANDSCAPES",
    "LANDSCAPE_PENALTIES",
    "LANDSCAPE_GRID",
    "LANDSCAPE_PATH_RATIOS",
    "Landscape",
    "PenalizedMinimum",
    "diabetes_features",
    "least_squares_landscape",
    "landscape",
    "as_landscape",
    "penalized_grid",
    "penalized_minimum",
    "landscape_kkt_violation",
    "landscape_path",
    "local_minimum",
    "grid_local_minima",
    "PathStep",
    "bisect_path_step",
    "orientation_sweep",
    "RidgeZeros",
    "ridge_zeros",
    "LassoRidgePaths",
    "lasso_ridge_paths",
]

_W1, _W2 = sp.symbols("w_1 w_2", real=True)

#: The test functions of the AI Notes, then the least-squares landscape first.
LANDSCAPES: tuple[str, ...] = ("least_squares", "himmelblau", "styblinski_tang", "mccormick", "matyas",
                               "rosenbrock", "beale", "goldstein_price", "rastrigin")
#: The penalties a landscape can carry.
LANDSCAPE_PENALTIES: tuple[str, ...] = ("none", "l1", "l2")

#: Points per side of the grid on which a landscape is evaluated and searched.
LANDSCAPE_GRID: int = 241
_GRID = LANDSCAPE_GRID


@dataclass(frozen=True)
class Landscape:
    """A cost ``f(w₁, w₂)`` given as a SymPy expression, its box and its known minima.

    ``lam0`` is the landscape's reference strength: ``‖∇f(0)‖∞``, the λ at which the origin
    becomes a critical point of ``f + λ‖w‖₁`` (1 when ∇f(0) = 0). For least squares it is
    ``λ_max = ‖Xᵀy‖∞/m``, above which the L1 minimizer is exactly 0.
    """

    name: str
    title: str
    expr: sp.Expr
    domain: tuple[tuple[float, float], tuple[float, float]]
    minima: tuple[tuple[float, float], ...]
    min_value: float
    data: tuple[np.ndarray, np.ndarray] | None = field(default=None, repr=False, compare=False)

    @functools.cached_property
    def _fns(self) -> tuple[Callable, Callable, Callable]:
        f = sp.lambdify((_W1, _W2), self.expr, "numpy")
        g1 = sp.lambdify((_W1, _W2), sp.diff(self.expr, _W1), "numpy")
        g2 = sp.lambdify((_W1, _W2), sp.diff(self.expr, _W2), "numpy")
        return f, g1, g2

    def f(self, w1: np.ndarray | float, w2: np.ndarray | float) -> np.ndarray:
        """The cost at ``(w1, w2)``, elementwise over arrays."""
        w1, w2 = np.broadcast_arrays(np.asarray(w1, float), np.asarray(w2, float))
        return np.broadcast_to(self._fns[0](w1, w2), w1.shape).astype(float)

    def grad(self, w1: np.ndarray | float, w2: np.ndarray | float) -> np.ndarray:
        """``(∂f/∂w₁, ∂f/∂w₂)`` stacked on the first axis."""
        w1, w2 = np.broadcast_arrays(np.asarray(w1, float), np.asarray(w2, float))
        _, g1, g2 = self._fns
        return np.stack([np.broadcast_to(g1(w1, w2), w1.shape), np.broadcast_to(g2(w1, w2), w1.shape)]).astype(float)

    @functools.cached_property
    def _scalar(self) -> Callable[[float, float], tuple[float, float, float]]:
        exprs = (self.expr, sp.diff(self.expr, _W1), sp.diff(self.expr, _W2))
        return sp.lambdify((_W1, _W2), exprs, "math", cse=True)

    def value_and_grad(self, w1: float, w2: float) -> tuple[float, np.ndarray]:
        """``f(w)`` and ``∇f(w)`` at one point, fast (plain floats): what the optimizer calls."""
        f, g1, g2 = self._scalar(float(w1), float(w2))
        return float(f), np.array([g1, g2], dtype=float)

    @property
    def latex(self) -> str:
        return sp.latex(self.expr)

    @functools.cached_property
    def lam0(self) -> float:
        if self.data is not None:
            X, y = self.data
            return float(np.max(np.abs(X.T @ y))) / X.shape[0]
        g = float(np.max(np.abs(self.grad(0.0, 0.0))))
        return g if g > 0 else 1.0

    def __repr__(self) -> str:
        (a, b), (c, d) = self.domain
        return (f"Landscape({self.name!r}: {self.title} on [{a:g}, {b:g}] × [{c:g}, {d:g}], "
                f"minimum {self.min_value:.6g})")


_SPECS: dict[str, tuple[str, str, tuple, tuple, object]] = {
    "himmelblau": ("Himmelblau", "(w_1**2 + w_2 - 11)**2 + (w_1 + w_2**2 - 7)**2", ((-5, 5), (-5, 5)),
                   ((3.0, 2.0), (-2.805118, 3.131312), (-3.779310, -3.283186), (3.584428, -1.848126)), 0),
    "styblinski_tang": ("Styblinski–Tang", "(w_1**4 - 16*w_1**2 + 5*w_1 + w_2**4 - 16*w_2**2 + 5*w_2)/2",
                        ((-5, 5), (-5, 5)), ((-2.903534027771178, -2.903534027771178),), "st"),
    "mccormick": ("McCormick", "sin(w_1 + w_2) + (w_1 - w_2)**2 - 3*w_1/2 + 5*w_2/2 + 1",
                  ((-1.5, 4), (-3, 4)), ((0.5 - np.pi / 3, -0.5 - np.pi / 3),), -np.sqrt(3) / 2 - np.pi / 3),
    "matyas": ("Matyas", "26*(w_1**2 + w_2**2)/100 - 48*w_1*w_2/100", ((-10, 10), (-10, 10)), ((0.0, 0.0),), 0),
    "rosenbrock": ("Rosenbrock", "(1 - w_1)**2 + 100*(w_2 - w_1**2)**2", ((-2, 2), (-1, 3)), ((1.0, 1.0),), 0),
    "beale": ("Beale", "(3/2 - w_1 + w_1*w_2)**2 + (9/4 - w_1 + w_1*w_2**2)**2 + (21/8 - w_1 + w_1*w_2**3)**2",
              ((-4.5, 4.5), (-4.5, 4.5)), ((3.0, 0.5),), 0),
    "goldstein_price": ("Goldstein–Price",
                        "(1 + (w_1 + w_2 + 1)**2*(19 - 14*w_1 + 3*w_1**2 - 14*w_2 + 6*w_1*w_2 + 3*w_2**2))"
                        "*(30 + (2*w_1 - 3*w_2)**2*(18 - 32*w_1 + 12*w_1**2 + 48*w_2 - 36*w_1*w_2 + 27*w_2**2))",
                        ((-2, 2), (-2, 2)), ((0.0, -1.0),), 3),
    "rastrigin": ("Rastrigin", "20 + w_1**2 - 10*cos(2*pi*w_1) + w_2**2 - 10*cos(2*pi*w_2)",
                  ((-5.12, 5.12), (-5.12, 5.12)), ((0.0, 0.0),), 0),
}


def diabetes_features(names: tuple[str, ...] = ("bmi", "bp")) -> tuple[np.ndarray, np.ndarray]:
    """``(X, y)``: columns ``names`` of scikit-learn's bundled diabetes data and its target.

    Every column and the target are standardized (mean 0, standard deviation 1), so no
    intercept is needed and ``XᵀX/m`` has a unit diagonal. 442 patients; no download.
    """
    from sklearn.datasets import load_diabetes

    data = load_diabetes(scaled=False)
    valid = tuple(data.feature_names)
    if isinstance(names, str) or not isinstance(names, (tuple, list)) or not names:
        raise TypeError(f"names must be a non-empty tuple of feature names from {', '.join(valid)}")
    cols = [valid.index(v.choice(n, "names", valid)) for n in names]
    X = data.data[:, cols]
    X = (X - X.mean(0)) / X.std(0)
    y = (data.target - data.target.mean()) / data.target.std()
    return X, y


def least_squares_landscape(X: np.ndarray, y: np.ndarray, *, name: str = "least_squares",
                            title: str = "least squares") -> Landscape:
    """``J(w) = ‖Xw − y‖²/(2m)`` for two columns of X, as a :class:`Landscape`.

    Its box is a square around the origin and the least-squares solution; its minimum is exact.
    """
    for text, label in ((name, "name"), (title, "title")):
        if not isinstance(text, str) or not text.strip():
            raise TypeError(f"{label} must be a non-empty string; got {text!r}")
    X = v.array(X, "X", ndim=2)
    y = v.array(y, "y", ndim=1)
    if X.shape[1] != 2:
        raise ValueError(f"X must have exactly 2 columns for a two-parameter landscape; got {X.shape[1]}")
    if X.shape[0] != y.shape[0]:
        raise ValueError(f"X and y must have the same number of rows; got {X.shape[0]} and {y.shape[0]}")
    m = X.shape[0]
    G = X.T @ X / m
    c = X.T @ y / m
    w = regularized_minimizer(X, y, "none", 0.0)
    r = X @ w - y
    g11, g12, g22 = (sp.Float(float(t), 17) for t in (G[0, 0], G[0, 1], G[1, 1]))
    expr = (g11 * _W1**2 / 2 + g12 * _W1 * _W2 + g22 * _W2**2 / 2 - sp.Float(float(c[0]), 17) * _W1
            - sp.Float(float(c[1]), 17) * _W2 + sp.Float(float(y @ y) / (2 * m), 17))
    reach = float(np.max(np.abs(w)))
    centre = w / 2
    half = 0.5 * max(abs(w[0]), abs(w[1])) + 0.45 * reach
    domain = tuple((float(centre[i] - half), float(centre[i] + half)) for i in range(2))
    return Landscape(name, title, expr, domain, ((float(w[0]), float(w[1])),), float(r @ r) / (2 * m), data=(X, y))


def orientation_sweep(X: np.ndarray, y: np.ndarray, penalty: str, lam: float,
                      n_angles: int = 180) -> tuple[np.ndarray, np.ndarray]:
    """``(angles, W)``: the minimizer of ``J_φ + P`` as the least-squares ellipse of two
    columns is turned about its centre, at ``n_angles`` angles φ = πk/n (k = 0…n−1).

    ``J_φ(w) = ‖X_φw − y_φ‖²/(2m)`` with ``X_φ = XR_φᵀ`` (R_φ the rotation by φ) and
    ``y_φ = X_φw₀`` (w₀ the least-squares solution of X, y): the Hessian ``R_φGR_φᵀ`` has the
    shape of G turned by φ, and the minimizer of ``J_φ`` is w₀ for every φ (half a turn
    brings the ellipse back). Each row of W is :func:`initreg.regularized_minimizer`.
    See {ref}`chap-landscapes`.
    """
    X = v.array(X, "X", ndim=2)
    y = v.array(y, "y", ndim=1)
    if X.shape[1] != 2:
        raise ValueError(f"X must have exactly 2 columns (a turn of the plane); got {X.shape[1]}")
    v.choice(penalty, "penalty", LANDSCAPE_PENALTIES)
    lam = v.nonneg(lam, "lam")
    n_angles = v.positive_int(n_angles, "n_angles")
    w0 = regularized_minimizer(X, y, "none", 0.0)
    angles = np.pi * np.arange(n_angles) / n_angles
    W = np.empty((n_angles, 2))
    for k, phi in enumerate(angles):
        R = np.array([[np.cos(phi), -np.sin(phi)], [np.sin(phi), np.cos(phi)]])
        Xr = X @ R.T
        W[k] = regularized_minimizer(Xr, Xr @ w0, penalty, lam)
    return angles, W


@dataclass(frozen=True)
class RidgeZeros:
    """Where the coordinates of the L2 path are exactly 0: ``lams[j]`` holds, in increasing
    order, every λ > 0 at which ``w_j(λ) = 0``, and ``multiplicities[j]`` the multiplicity of
    each as a root of ``N_j`` (odd: ``w_j`` changes sign there). ``degrees[j]`` is the degree
    of ``N_j``, at most p − 1, which bounds the number of zeros. See :func:`ridge_zeros`."""

    lams: tuple[np.ndarray, ...]
    multiplicities: tuple[tuple[int, ...], ...]
    degrees: tuple[int, ...]

    @property
    def counts(self) -> np.ndarray:
        """The number of distinct zeros of each coordinate on λ > 0."""
        return np.array([len(z) for z in self.lams])

    @property
    def total(self) -> int:
        return int(self.counts.sum())

    def __repr__(self) -> str:
        parts = [f"w_{j + 1}: " + ", ".join(f"{x:.6g}" for x in z) for j, z in enumerate(self.lams) if len(z)]
        return f"RidgeZeros({self.total} zeros on λ > 0" + ("; " + "; ".join(parts) if parts else "") + ")"


def ridge_zeros(X: np.ndarray, y: np.ndarray) -> RidgeZeros:
    """Every λ > 0 at which a coordinate of the L2 minimizer ``w(λ) = (G + 2λI)⁻¹c`` is 0.

    With G = XᵀX/m and c = Xᵀy/m, Cramer's rule gives ``w_j(λ) = N_j(2λ)/det(G + 2λI)``,
    where ``N_j(μ) = [adj(G + μI)c]_j`` is a polynomial in μ of degree at most p − 1 with
    leading coefficient c_j, and ``det(G + 2λI) > 0`` for λ > 0. So ``w_j(λ) = 0`` exactly at
    the positive roots of N_j: finitely many, each an isolated point. The polynomials are
    built in exact rational arithmetic from the floating-point G and c (the adjugate by the
    Faddeev–LeVerrier recursion), their roots on μ > 0 are counted by Sturm's theorem and
    isolated in rational intervals of width 10⁻¹⁸. See {ref}`chap-landscapes`.
    """
    X = v.array(X, "X", ndim=2)
    y = v.array(y, "y", ndim=1)
    if X.shape[0] != y.shape[0] or X.shape[0] == 0 or X.shape[1] == 0:
        raise ValueError(f"X (one row per example) and y must be non-empty with as many rows; "
                         f"got shapes {X.shape} and {y.shape}")
    from sympy.polys.matrices import DomainMatrix

    QQ = sp.QQ
    m, p = X.shape
    G, c = X.T @ X / m, X.T @ y / m

    def q(x: float) -> object:
        return QQ(*float(x).as_integer_ratio())

    A = DomainMatrix([[-q(G[i, j]) for j in range(p)] for i in range(p)], (p, p), QQ)  # A = −G
    cq = DomainMatrix([[q(x)] for x in c], (p, 1), QQ)
    eye = DomainMatrix.eye(p, QQ)
    # adj(μI − A) = Σ_k μ^(p−1−k) B_k with B_0 = I, B_k = A·B_(k−1) + a_k·I, a_k = −tr(A·B_(k−1))/k
    B, cols = eye, [cq.to_Matrix()]
    for k in range(1, p):
        AB = A * B
        a_k = -sum((AB[i, i].element for i in range(p)), QQ.zero) / QQ(k)
        B = AB + eye.mul(a_k)
        cols.append((B * cq).to_Matrix())
    mu = sp.Symbol("mu", positive=True)
    lams, mults, degs = [], [], []
    for j in range(p):
        poly = sp.Poly([col[j] for col in cols], mu, domain=QQ)
        if poly.is_zero:
            raise ValueError(f"coordinate {j + 1} of the L2 path is 0 for every λ (X'y has no component "
                             "that reaches it); its zeros are not isolated")
        degs.append(int(poly.degree()))
        roots = [(iv, k) for iv, k in poly.intervals(inf=0, eps=sp.Rational(1, 10**18)) if iv[1] > 0]
        lams.append(np.array([float((lo + hi) / 2) / 2 for (lo, hi), _ in roots]))
        mults.append(tuple(int(k) for _, k in roots))
    return RidgeZeros(tuple(lams), tuple(mults), tuple(degs))


@dataclass(frozen=True)
class LassoRidgePaths:
    """The L1 and L2 paths of one least-squares problem on a grid of λ: ``l1[i]`` and
    ``l2[i]`` are the minimizers at ``lams[i]`` (one column per input of ``names``), with the
    exact L1 path (``lasso``, its knots) and every λ at which an L2 coordinate is 0
    (``ridge``). See :func:`lasso_ridge_paths`."""

    names: tuple[str, ...]
    lams: np.ndarray
    l1: np.ndarray
    l2: np.ndarray
    lasso: LassoPath
    ridge: RidgeZeros

    @property
    def knots(self) -> np.ndarray:
        """The knots of the L1 path strictly between λ_max and 0 that lie in the grid's range."""
        k = self.lasso.lams[1:-1]
        return k[(k >= self.lams[0]) & (k <= self.lams[-1])]

    @property
    def zeros(self) -> np.ndarray:
        """Every λ in the grid's range at which an L2 coordinate is 0, in increasing order."""
        z = np.sort(np.concatenate(self.ridge.lams))
        return z[(z >= self.lams[0]) & (z <= self.lams[-1])]

    def __repr__(self) -> str:
        return (f"LassoRidgePaths({len(self.names)} inputs, {len(self.lams)} λ from {self.lams[0]:.3g} to "
                f"{self.lams[-1]:.3g}; {len(self.knots)} L1 knots and {len(self.zeros)} L2 zeros in that range)")


def lasso_ridge_paths(X: np.ndarray, y: np.ndarray, names: tuple[str, ...], lams: np.ndarray) -> LassoRidgePaths:
    """The L1 path (exact, :func:`initreg.lasso_path`, read at each λ) and the L2 path
    (:func:`initreg.regularization_path`) of ``J(w) = ‖Xw − y‖²/(2m)`` at the increasing,
    positive ``lams``, with the L2 zeros of :func:`ridge_zeros`. ``names`` names the columns
    of X. See {ref}`chap-landscapes`."""
    X = v.array(X, "X", ndim=2)
    y = v.array(y, "y", ndim=1)
    lams = v.array(lams, "lams", ndim=1)
    if lams.size < 2 or np.any(lams <= 0) or np.any(np.diff(lams) <= 0):
        raise ValueError("lams must hold at least two increasing values > 0 (a log axis)")
    if isinstance(names, str) or not isinstance(names, (Sequence, np.ndarray)) or len(names) != X.shape[1] \
            or not all(isinstance(n, str) for n in names):
        raise ValueError(f"names must name every column of X ({X.shape[1]}) with a string; got {names!r}")
    path = lasso_path(X, y)
    return LassoRidgePaths(tuple(names), lams, np.array([path.at(float(lam)) for lam in lams]),
                           regularization_path(X, y, "l2", lams), path, ridge_zeros(X, y))


@functools.lru_cache(maxsize=None)
def landscape(name: str) -> Landscape:
    """The landscape ``name`` (one of :data:`LANDSCAPES`); see the module docstring."""
    v.choice(name, "name", LANDSCAPES)
    if name == "least_squares":
        X, y = diabetes_features(("bmi", "bp"))
        return least_squares_landscape(X, y, title="least squares (diabetes: bmi, bp)")
    title, text, domain, minima, value = _SPECS[name]
    expr = sp.sympify(text, locals={"w_1": _W1, "w_2": _W2})
    if value == "st":
        value = float(expr.subs({_W1: minima[0][0], _W2: minima[0][1]}))
    dom = tuple((float(a), float(b)) for a, b in domain)
    return Landscape(name, title, expr, dom, tuple((float(a), float(b)) for a, b in minima), float(value))


def as_landscape(land: Landscape | str) -> Landscape:
    """``land`` itself if it is a :class:`Landscape`, else the landscape of that name (one of
    :data:`LANDSCAPES`); an error names ``land`` and the choices."""
    if isinstance(land, Landscape):
        return land
    if not isinstance(land, str) or land not in LANDSCAPES:
        exc = TypeError if not isinstance(land, str) else ValueError
        raise exc(f"land must be a Landscape or one of {', '.join(LANDSCAPES)}; got {land!r}")
    return landscape(land)


def _penalty_value(penalty: str, lam: float, w1: np.ndarray, w2: np.ndarray) -> np.ndarray:
    if penalty == "l1":
        return lam * (np.abs(w1) + np.abs(w2))
    if penalty == "l2":
        return lam * (w1 * w1 + w2 * w2)
    return np.zeros(np.broadcast(w1, w2).shape)


@functools.lru_cache(maxsize=32)
def _base_grid(name: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    return _grid_of(landscape(name))


def _grid_of(land: Landscape) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    (a, b), (c, d) = land.domain
    g1, g2 = np.meshgrid(np.linspace(a, b, _GRID), np.linspace(c, d, _GRID))
    return g1, g2, land.f(g1, g2)


def penalized_grid(land: Landscape | str, penalty: str, lam: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(W1, W2, f + P)`` on a 241 × 241 grid over the landscape's box.

    The grid of f is computed once per named landscape (cached); only P is added per call.
    """
    land = as_landscape(land)
    v.choice(penalty, "penalty", LANDSCAPE_PENALTIES)
    lam = v.nonneg(lam, "lam")
    g1, g2, z = _base_grid(land.name) if land.name in LANDSCAPES and land is landscape(land.name) else _grid_of(land)
    return g1, g2, z + _penalty_value(penalty, lam, g1, g2)


@dataclass(frozen=True)
class PenalizedMinimum:
    """The minimizer ``w`` of ``f + P`` on the landscape's box, ``f(w)`` and ``f(w) + P(w)``."""

    landscape: str
    penalty: str
    lam: float
    w: np.ndarray
    f: float
    objective: float
    method: str

    def __repr__(self) -> str:
        w = ", ".join(f"{x:.6g}" for x in self.w)
        return (f"PenalizedMinimum({self.landscape}, {self.penalty}, λ = {self.lam:.4g}: w = ({w}), "
                f"f = {self.f:.6g}, f + P = {self.objective:.6g}; {self.method})")


def _grid_starts(z: np.ndarray, g1: np.ndarray, g2: np.ndarray, k: int) -> list[np.ndarray]:
    """The k lowest local minima of a grid (each point no higher than its 8 neighbours)."""
    pad = np.pad(z, 1, constant_values=np.inf)
    n1, n2 = z.shape
    is_min = np.ones(z.shape, bool)
    for di in (-1, 0, 1):
        for dj in (-1, 0, 1):
            if di or dj:
                is_min &= z <= pad[1 + di:1 + di + n1, 1 + dj:1 + dj + n2]
    idx = np.flatnonzero(is_min.ravel())
    idx = idx[np.argsort(z.ravel()[idx], kind="stable")][:k]
    return [np.array([g1.ravel()[i], g2.ravel()[i]]) for i in idx]


def _polish(land: Landscape, penalty: str, lam: float, start: np.ndarray) -> tuple[np.ndarray, float]:
    (a, b), (c, d) = land.domain
    opts = {"ftol": 1e-15, "gtol": 1e-12, "maxiter": 5000}
    if penalty == "l1" and lam > 0:
        def obj(z: np.ndarray) -> tuple[float, np.ndarray]:
            f, g = land.value_and_grad(z[0] - z[2], z[1] - z[3])
            return f + lam * float(z.sum()), np.concatenate([g + lam, -g + lam])

        x0 = np.concatenate([np.maximum(start, 0.0), np.maximum(-start, 0.0)])
        bounds = [(0.0, max(b, 0.0)), (0.0, max(d, 0.0)), (0.0, max(-a, 0.0)), (0.0, max(-c, 0.0))]
        res = minimize(obj, x0, jac=True, method="L-BFGS-B", bounds=bounds, options=opts)
        w = res.x[:2] - res.x[2:]
    else:
        k = lam if penalty == "l2" else 0.0

        def obj(w: np.ndarray) -> tuple[float, np.ndarray]:
            f, g = land.value_and_grad(w[0], w[1])
            return f + k * float(w @ w), g + 2 * k * w

        res = minimize(obj, np.asarray(start, float), jac=True, method="L-BFGS-B", bounds=[(a, b), (c, d)],
                       options=opts)
        w = res.x
    return w, land.value_and_grad(w[0], w[1])[0] + float(_penalty_value(penalty, lam, w[0], w[1]))


def _minimum(land: Landscape, penalty: str, lam: float, extra: tuple[np.ndarray, ...] = (),
             k: int = 6) -> PenalizedMinimum:
    if land.data is not None:
        X, y = land.data
        w = regularized_minimizer(X, y, "none" if penalty == "none" else penalty, lam)
        fw = float(land.f(w[0], w[1]))
        return PenalizedMinimum(land.name, penalty, lam, w, fw, fw + float(_penalty_value(penalty, lam, w[0], w[1])),
                                "exact (regularized_minimizer)")
    g1, g2, z = penalized_grid(land, penalty, lam)
    starts = _grid_starts(z, g1, g2, k) + [np.asarray(m, float) for m in land.minima] + list(extra)
    best_w, best = None, np.inf
    # two-variable problems: BLAS threads only add contention (measured 60x slower under load)
    with _threads.one_thread():
        for s in starts:
            w, val = _polish(land, penalty, lam, s)
            if val < best:
                best_w, best = w, val
    best_w, best = _snap(land, penalty, lam, best_w, best)
    return PenalizedMinimum(land.name, penalty, lam, best_w, float(land.f(best_w[0], best_w[1])), best,
                            f"grid {_GRID}² + L-BFGS-B from {len(starts)} starts")


def _snap(land: Landscape, penalty: str, lam: float, w: np.ndarray, val: float) -> tuple[np.ndarray, float]:
    """L1 only: a coordinate the optimizer left within 1e-7 of 0 is put on 0 if that costs no
    more than rounding (1e-12 of the objective)."""
    if penalty != "l1":
        return w, val
    for j in range(2):
        if 0.0 < abs(w[j]) <= 1e-7:
            trial = w.copy()
            trial[j] = 0.0
            tval = land.value_and_grad(*trial)[0] + float(_penalty_value(penalty, lam, trial[0], trial[1]))
            if tval <= val + 1e-12 * max(1.0, abs(val)):
                w, val = trial, tval
    return w, val


def penalized_minimum(land: Landscape | str, penalty: str, lam: float) -> PenalizedMinimum:
    """The minimizer of ``f + P`` on the landscape's box (exact for least squares).

    Test functions: each of the six lowest local minima of ``f + P`` on the grid of
    :func:`penalized_grid`, and each known minimum of f, starts an L-BFGS-B run with the
    exact gradient; the lowest result wins. L1 is polished as ``w = u − v``, ``u, v ≥ 0``,
    so coordinates that should be 0 land on their bound, exactly 0; one left within 1e-7
    of 0 is put on 0 if that raises ``f + P`` by no more than 1e-12 of it. See
    {ref}`chap-landscapes`.
    """
    land = as_landscape(land)
    v.choice(penalty, "penalty", LANDSCAPE_PENALTIES)
    lam = v.nonneg(lam, "lam")
    if land.name in LANDSCAPES and land is landscape(land.name):
        return _cached_minimum(land.name, penalty, lam)
    return _minimum(land, penalty, lam)


@functools.lru_cache(maxsize=4096)
def _cached_minimum(name: str, penalty: str, lam: float) -> PenalizedMinimum:
    return _minimum(landscape(name), penalty, lam)


def landscape_kkt_violation(land: Landscape | str, penalty: str, lam: float, w: np.ndarray) -> float:
    """How far ``w`` is from satisfying the first-order conditions of ``min f + P`` on the box.

    With g = ∇f(w) (plus 2λw for L2), inside the box: ``|g_j| = 0`` (none, L2);
    ``g_j = −λ·sign(w_j)`` where ``w_j ≠ 0`` and ``|g_j| ≤ λ`` where ``w_j = 0`` (L1). On a
    side of the box the derivative must not point inward. Returns the largest violation, in
    units of the gradient; a local minimizer gives 0 up to the optimizer's tolerance. See
    {ref}`chap-landscapes`.
    """
    land = as_landscape(land)
    v.choice(penalty, "penalty", LANDSCAPE_PENALTIES)
    lam = v.nonneg(lam, "lam")
    w = v.array(w, "w", ndim=1)
    if w.shape != (2,):
        raise ValueError(f"w must hold two coordinates; got shape {w.shape}")
    g = land.value_and_grad(w[0], w[1])[1]
    if penalty == "l2":
        g = g + 2.0 * lam * w
    worst = 0.0
    for j, (lo, hi) in enumerate(land.domain):
        l1 = penalty == "l1" and lam > 0
        d = g[j] + (lam * np.sign(w[j]) if l1 else 0.0)  # derivative of f + P along +w_j (w_j ≠ 0)
        if w[j] <= lo:
            worst = max(worst, -d)  # at the lower side: must not decrease when moving up
        elif w[j] >= hi:
            worst = max(worst, d)
        elif l1 and w[j] == 0.0:
            worst = max(worst, abs(g[j]) - lam)
        else:
            worst = max(worst, abs(d))
    return float(worst)


#: The λ/λ₀ of a landscape's path (:func:`landscape_path`): six per decade from 0.01 to 10.
LANDSCAPE_PATH_RATIOS: tuple[float, ...] = tuple(float(x) for x in 10.0 ** np.linspace(-2.0, 1.0, 19))


@functools.lru_cache(maxsize=64)
def _cached_path(name: str, penalty: str) -> tuple[np.ndarray, np.ndarray]:
    land = landscape(name)
    lams = land.lam0 * np.asarray(LANDSCAPE_PATH_RATIOS)
    if land.data is not None:
        X, y = land.data
        return lams, regularization_path(X, y, penalty, lams)
    return lams, np.array([_cached_minimum(name, penalty, float(lam)).w for lam in lams])


def landscape_path(land: Landscape | str, penalty: str) -> tuple[np.ndarray, np.ndarray]:
    """``(lams, W)``: the penalized minimizer at the 19 values λ = λ₀·r, r in
    :data:`LANDSCAPE_PATH_RATIOS` (10^(−2…1), six per decade); W of shape (19, 2).

    Least squares: exact (:func:`initreg.regularization_path`). Test functions:
    :func:`penalized_minimum` at each λ, a global search each time, so the path jumps
    from one basin to another where their penalized minima trade places. Cached.
    """
    land = as_landscape(land)
    v.choice(penalty, "penalty", ("l1", "l2"))
    if land.name in LANDSCAPES and land is landscape(land.name):
        return _cached_path(land.name, penalty)
    raise ValueError(f"landscape_path needs a named landscape, one of {', '.join(LANDSCAPES)}")


def local_minimum(land: Landscape | str, penalty: str, lam: float, start: np.ndarray) -> PenalizedMinimum:
    """The minimizer of ``f + P`` that one descent from ``start`` reaches: the bottom of
    ``start``'s basin, not a global search.

    Test functions: one L-BFGS-B run on the box from ``start``, as in
    :func:`penalized_minimum` (L1 as ``w = u − v``). Least squares is convex, so its one
    basin's bottom is the exact minimizer. See {ref}`chap-landscapes`.
    """
    land = as_landscape(land)
    v.choice(penalty, "penalty", LANDSCAPE_PENALTIES)
    lam = v.nonneg(lam, "lam")
    start = v.array(start, "start", ndim=1)
    if start.shape != (2,):
        raise ValueError(f"start must hold two coordinates; got shape {start.shape}")
    if land.data is not None:
        return _minimum(land, penalty, lam)
    with _threads.one_thread():
        w, val = _polish(land, penalty, lam, start)
    w, val = _snap(land, penalty, lam, w, val)
    return PenalizedMinimum(land.name, penalty, lam, w, float(land.f(w[0], w[1])), val, "L-BFGS-B from one start")


def grid_local_minima(land: Landscape | str, penalty: str, lam: float) -> np.ndarray:
    """The points of the grid of :func:`penalized_grid` where ``f + P`` is strictly lower than
    at each of its eight neighbours, shape ``(n, 2)``; points on the border of the box are
    not counted (they have fewer neighbours). See {ref}`chap-landscapes`.
    """
    g1, g2, z = penalized_grid(land, penalty, lam)
    inner = z[1:-1, 1:-1]
    is_min = np.ones(inner.shape, bool)
    n1, n2 = inner.shape
    for di in (-1, 0, 1):
        for dj in (-1, 0, 1):
            if di or dj:
                is_min &= inner < z[1 + di:1 + di + n1, 1 + dj:1 + dj + n2]
    i, j = np.nonzero(is_min)
    return np.column_stack([g1[1:-1, 1:-1][i, j], g2[1:-1, 1:-1][i, j]])


@dataclass(frozen=True)
class PathStep:
    """One step of a landscape's path, bisected: the bracket ``[lam_lo, lam_hi]`` left after
    ``halvings`` halvings, the global minimizers ``w_lo`` and ``w_hi`` at its ends, and
    ``step``, the distance the minimizer moved across the step before any halving."""

    landscape: str
    penalty: str
    lam_lo: float
    lam_hi: float
    w_lo: np.ndarray
    w_hi: np.ndarray
    step: float
    halvings: int

    @property
    def gap(self) -> float:
        """How far the minimizer still moves across the last bracket: ``‖w_hi − w_lo‖``."""
        return float(np.hypot(*(self.w_hi - self.w_lo)))

    def __repr__(self) -> str:
        lo = ", ".join(f"{x:.4g}" for x in self.w_lo)
        hi = ", ".join(f"{x:.4g}" for x in self.w_hi)
        return (f"PathStep({self.landscape}, {self.penalty}: moves {self.step:.4g} across the step; after "
                f"{self.halvings} halvings still {self.gap:.4g}, from ({lo}) at λ = {self.lam_lo:.10g} to "
                f"({hi}) at λ = {self.lam_hi:.10g})")


def bisect_path_step(land: Landscape | str, penalty: str, lam_lo: float, lam_hi: float, *,
                     halvings: int = 30) -> PathStep:
    """Halve ``[lam_lo, lam_hi]`` ``halvings`` times, keeping each time the half across which
    the global minimizer (:func:`penalized_minimum`) moves farther.

    Where the path is continuous the move shrinks with the bracket (like 2⁻ⁿ where it is
    smooth); where the minimizer jumps from one basin to another it does not: after n
    halvings it still moves by about the distance between the basins, across a bracket
    2ⁿ times narrower than the step. See {ref}`chap-landscapes`.
    """
    land = as_landscape(land)
    v.choice(penalty, "penalty", ("l1", "l2"))
    lo = v.nonneg(lam_lo, "lam_lo")
    hi = v.nonneg(lam_hi, "lam_hi")
    if not lo < hi:
        raise ValueError(f"lam_lo must be below lam_hi; got {lo!r} and {hi!r}")
    halvings = v.nonneg_int(halvings, "halvings")
    w_lo, w_hi = penalized_minimum(land, penalty, lo).w, penalized_minimum(land, penalty, hi).w
    step = float(np.hypot(*(w_hi - w_lo)))
    for _ in range(halvings):
        mid = 0.5 * (lo + hi)
        w = penalized_minimum(land, penalty, mid).w
        if np.hypot(*(w - w_lo)) >= np.hypot(*(w_hi - w)):
            hi, w_hi = mid, w
        else:
            lo, w_lo = mid, w
    return PathStep(land.name, penalty, lo, hi, w_lo, w_hi, step, halvings)
