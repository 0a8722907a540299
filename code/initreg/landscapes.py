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
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import sympy as sp
from scipy.optimize import minimize

from . import _threads
from . import _validate as v
from matplotlib.ticker import MaxNLocator

from ._explorable_v1 import Choice, Explorable, Slider, register_figure
from .figures.style import PENALTY_COLORS, new_figure
from .minimizers import lasso_path, regularization_path, regularized_minimizer

__all__ = [
    "LANDSCAPES",
    "LANDSCAPE_PENALTIES",
    "LANDSCAPE_GRID",
    "Landscape",
    "PenalizedMinimum",
    "diabetes_features",
    "least_squares_landscape",
    "landscape",
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
    "plot_penalized_contours",
    "plot_constrained_view",
    "plot_lasso_ridge_paths",
    "plot_landscape_gallery",
    "landscape_explorer",
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


def _as_landscape(land: Landscape | str) -> Landscape:
    """A :class:`Landscape`, or the named one; an error names ``land`` and the choices."""
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
    land = _as_landscape(land)
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
    land = _as_landscape(land)
    v.choice(penalty, "penalty", LANDSCAPE_PENALTIES)
    lam = v.nonneg(lam, "lam")
    if land.name in LANDSCAPES and land is landscape(land.name):
        return _cached_minimum(land.name, penalty, lam)
    return _minimum(land, penalty, lam)


@functools.lru_cache(maxsize=1024)
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
    land = _as_landscape(land)
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


#: λ/λ₀ values of a landscape's path (:func:`landscape_path`): six per decade from 0.01 to 10.
_PATH_REL = tuple(float(x) for x in 10.0 ** np.linspace(-2.0, 1.0, 19))


@functools.lru_cache(maxsize=64)
def _cached_path(name: str, penalty: str) -> tuple[np.ndarray, np.ndarray]:
    land = landscape(name)
    lams = land.lam0 * np.asarray(_PATH_REL)
    if land.data is not None:
        X, y = land.data
        return lams, regularization_path(X, y, penalty, lams)
    return lams, np.array([_cached_minimum(name, penalty, float(lam)).w for lam in lams])


def landscape_path(land: Landscape | str, penalty: str) -> tuple[np.ndarray, np.ndarray]:
    """``(lams, W)``: the penalized minimizer at 19 values λ = λ₀·10^(−2…1), W of shape (19, 2).

    Least squares: exact (:func:`initreg.regularization_path`). Test functions:
    :func:`penalized_minimum` at each λ, a global search each time, so the path jumps
    from one basin to another where their penalized minima trade places. Cached.
    """
    land = _as_landscape(land)
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
    land = _as_landscape(land)
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
    land = _as_landscape(land)
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


# ------------------------------------------------------------------------------ plots

_PEN_TEXT = {"none": "no penalty", "l1": "L1", "l2": "L2"}
_MARK = {"none": "X", "l1": "o", "l2": "s"}


def _levels(z: np.ndarray, zmin: float, n: int = 14) -> np.ndarray:
    top = float(np.quantile(z, 0.85))
    span = max(top - zmin, 1e-12)
    return zmin + span * np.geomspace(2e-3, 1.0, n)


def _ball(ax: object, penalty: str, w: np.ndarray, **kw: object) -> None:
    """The boundary of the L1 diamond or L2 disc through ``w``: the constraint that w solves."""
    t = np.linspace(0, 2 * np.pi, 400)
    if penalty == "l1":
        r = float(np.abs(w).sum())
        ax.plot(r * np.array([1, 0, -1, 0, 1]), r * np.array([0, 1, 0, -1, 0]), **kw)
    elif penalty == "l2":
        r = float(np.hypot(*w))
        ax.plot(r * np.cos(t), r * np.sin(t), **kw)


def _draw_contours(ax: object, land: Landscape, penalty: str, lam: float, *, path: bool = False,
                   ball: bool = False, legend: bool = True, stride: int = 1, n_levels: int = 14) -> PenalizedMinimum:
    g1, g2, z = penalized_grid(land, penalty, lam)
    mn = penalized_minimum(land, penalty, lam)
    color = PENALTY_COLORS[penalty] if penalty != "none" else "0.35"
    s = slice(None, None, stride)
    ax.contour(g1[s, s], g2[s, s], z[s, s], levels=_levels(z, mn.objective, n_levels), colors=color, linewidths=0.8,
               alpha=0.8, negative_linestyles="solid")
    ax.axhline(0, color="0.75", lw=0.6, zorder=0)
    ax.axvline(0, color="0.75", lw=0.6, zorder=0)
    if path and penalty != "none":
        _, W = landscape_path(land, penalty)
        ax.plot(W[:, 0], W[:, 1], "-", color=color, lw=1.2, alpha=0.55, label="path as λ grows")
    if ball and penalty != "none":
        _ball(ax, penalty, mn.w, color=color, ls="--", lw=1.2, label="constraint through minimizer")
    free = penalized_minimum(land, "none", 0.0)
    ax.plot(*free.w, "X", color=PENALTY_COLORS["none"], ms=10, mec="white", mew=0.8, label="min f", zorder=5)
    if penalty != "none":
        ax.plot(*mn.w, _MARK[penalty], color=color, ms=9, mec="white", mew=1.0,
                label=f"min f + {_PEN_TEXT[penalty]}", zorder=6)
    (a, b), (c, d) = land.domain
    ax.set(xlim=(a, b), ylim=(c, d), aspect="equal", xlabel="$w_1$", ylabel="$w_2$")
    if legend:
        ax.legend(loc="upper left", fontsize=7, frameon=True, framealpha=0.85)
    return mn


def plot_penalized_contours(land: Landscape | str, lam: float) -> "Figure":
    """The source article's figure: contours of f + λ‖w‖₁ (left) and f + λ‖w‖² (right).

    Each panel marks the minimizer of f (vermillion cross) and of the penalized cost. See
    {ref}`chap-landscapes`.
    """
    land = _as_landscape(land)
    lam = v.nonneg(lam, "lam")
    fig, axes = new_figure(8.0, 3.9, ncols=2)
    for ax, pen, title in zip(axes[0], ("l1", "l2"), ("$f + \\lambda\\|w\\|_1$", "$f + \\lambda\\|w\\|_2^2$")):
        _draw_contours(ax, land, pen, lam)
        ax.set_title(f"{title}, λ = {lam:.3g}", fontsize=10)
    return fig


def plot_constrained_view(land: Landscape | str, lam: float) -> "Figure":
    """Contours of f alone, with the L1 diamond (left) and the L2 disc (right) through each minimizer.

    The penalized minimizer also minimizes f on the ball ``{‖w‖ ≤ ‖w*‖}`` of its own norm,
    so the level set of f through it touches the ball there: at a corner for L1 (an exact
    zero), at a tangent point for L2. See {ref}`chap-landscapes`.
    """
    land = _as_landscape(land)
    lam = v.nonneg(lam, "lam")
    fig, axes = new_figure(8.0, 3.9, ncols=2)
    g1, g2, z = penalized_grid(land, "none", 0.0)
    for ax, pen, title in zip(axes[0], ("l1", "l2"), ("$\\|w\\|_1 \\leq t$", "$\\|w\\|_2 \\leq r$")):
        mn = penalized_minimum(land, pen, lam)
        color = PENALTY_COLORS[pen]
        free = penalized_minimum(land, "none", 0.0)
        ax.contour(g1, g2, z, levels=_levels(z, free.objective, 10), colors="0.6", linewidths=0.7,
                   negative_linestyles="solid")
        ax.contour(g1, g2, z, levels=[mn.f], colors=PENALTY_COLORS["none"], linewidths=1.4,
                   negative_linestyles="solid")
        (a, b), (c, d) = land.domain
        ax.fill([], [], color=color, alpha=0.25)
        if pen == "l1":
            r = float(np.abs(mn.w).sum())
            ax.fill(r * np.array([1, 0, -1, 0]), r * np.array([0, 1, 0, -1]), color=color, alpha=0.25, lw=0)
        else:
            r = float(np.hypot(*mn.w))
            t = np.linspace(0, 2 * np.pi, 400)
            ax.fill(r * np.cos(t), r * np.sin(t), color=color, alpha=0.25, lw=0)
        _ball(ax, pen, mn.w, color=color, lw=1.5)
        ax.plot(*free.w, "X", color=PENALTY_COLORS["none"], ms=10, mec="white", mew=0.8, label="min f")
        ax.plot(*mn.w, _MARK[pen], color=color, ms=9, mec="white", mew=1.0, label=f"min f + {_PEN_TEXT[pen]}")
        ax.axhline(0, color="0.75", lw=0.6, zorder=0)
        ax.axvline(0, color="0.75", lw=0.6, zorder=0)
        ax.set(xlim=(a, b), ylim=(c, d), aspect="equal", xlabel="$w_1$", ylabel="$w_2$")
        ax.set_title(f"min f subject to {title}", fontsize=10)
        ax.legend(loc="upper left", fontsize=7, framealpha=0.85)
    return fig


def plot_lasso_ridge_paths(X: np.ndarray, y: np.ndarray, names: tuple[str, ...], lams: np.ndarray) -> "Figure":
    """Every coordinate of the L1 (left) and L2 (right) minimizer against λ (log axis).

    The L1 panel marks the knots of the exact path (:func:`initreg.lasso_path`), where a
    coordinate leaves or enters 0; the L2 panel marks with a dot each λ at which a
    coordinate is 0 (:func:`ridge_zeros`): a single point, where it changes sign. See
    {ref}`chap-landscapes`.
    """
    lams = v.array(lams, "lams", ndim=1)
    if np.any(lams <= 0):
        raise ValueError("lams must be > 0 for a log axis")
    X = v.array(X, "X", ndim=2)
    if len(names) != X.shape[1]:
        raise ValueError(f"names must name every column of X ({X.shape[1]}); got {len(names)}")
    path = lasso_path(X, y)
    fig, axes = new_figure(8.0, 3.4, ncols=2, sharey=True)
    styles = ["-", "--", ":", "-."]
    for ax, pen in zip(axes[0], ("l1", "l2")):
        W = np.array([path.at(l) for l in lams]) if pen == "l1" else regularization_path(X, y, "l2", lams)
        for j, name in enumerate(names):
            ax.plot(lams, W[:, j], styles[j % 4], color=PENALTY_COLORS[pen], lw=1.3)
            ax.annotate(name, (lams[0], W[0, j]), xytext=(-3, 0), textcoords="offset points",
                        ha="right", va="center", fontsize=7, color="0.25")
        if pen == "l1":
            for k in path.lams[1:-1]:
                if lams[0] <= k <= lams[-1]:
                    ax.axvline(k, color="0.7", lw=0.6, ls=":")
        else:
            zeros = np.concatenate(ridge_zeros(X, y).lams)
            zeros = zeros[(zeros >= lams[0]) & (zeros <= lams[-1])]
            ax.plot(zeros, np.zeros_like(zeros), "o", ms=5, color="black", mfc="white", mew=1.0, zorder=5,
                    label="a coordinate is 0")
            ax.legend(loc="lower right", fontsize=7, framealpha=0.85)
        ax.axhline(0, color="0.4", lw=0.6)
        ax.set_xscale("log")
        ax.set(xlabel="λ", xlim=(lams[0] / 3.5, lams[-1]), title=f"{_PEN_TEXT[pen]} path")
    axes[0, 0].set_ylabel("coefficient $w_j$")
    return fig


def plot_landscape_gallery(rel_lam: float = 1.0, names: tuple[str, ...] = LANDSCAPES[1:]) -> "Figure":
    """Small multiples of the test functions: contours of f and the minimizers of f, f + L1 and
    f + L2 at λ = rel_lam·λ₀ of each function. See {ref}`chap-landscapes`."""
    rel_lam = v.nonneg(rel_lam, "rel_lam")
    n = len(names)
    ncols = 4
    nrows = -(-n // ncols)
    fig, axes = new_figure(8.0, 2.25 * nrows, ncols=ncols, nrows=nrows)
    for ax, name in zip(axes.ravel(), names):
        land = landscape(name)
        g1, g2, z = penalized_grid(land, "none", 0.0)
        ax.contour(g1, g2, z, levels=_levels(z, land.min_value, 12), colors="0.55", linewidths=0.6,
                   negative_linestyles="solid")
        for pen in ("none", "l1", "l2"):
            mn = penalized_minimum(land, pen, rel_lam * land.lam0 if pen != "none" else 0.0)
            ax.plot(*mn.w, _MARK[pen], color=PENALTY_COLORS[pen], ms=7, mec="white", mew=0.7,
                    label=_PEN_TEXT[pen], zorder=5)
        ax.axhline(0, color="0.8", lw=0.5, zorder=0)
        ax.axvline(0, color="0.8", lw=0.5, zorder=0)
        (a, b), (c, d) = land.domain
        ax.set(xlim=(a, b), ylim=(c, d), aspect="equal", xticks=[], yticks=[])
        ax.set_title(f"{land.title}, λ₀ = {land.lam0:.3g}", fontsize=8)
    for ax in axes.ravel()[n:]:
        ax.set_axis_off()
    axes[0, 0].legend(loc="lower left", fontsize=6, framealpha=0.85)
    return fig


# ------------------------------------------------------------------- interactive figure

_REL_GRID = tuple(float(x) for x in 10.0 ** np.linspace(-1.5, 0.0, 4))


def _explore_compute(name: str, penalty: str, rel_lam: float) -> dict:
    land = landscape(name)
    # the static grid's λ/λ₀ are path values: look them up so frames reuse the path's minima
    near = [r for r in _PATH_REL if abs(r - float(rel_lam)) <= 1e-12 * r]
    lam = (near[0] if near else float(rel_lam)) * land.lam0
    lams, W = landscape_path(land, penalty)
    mn = penalized_minimum(land, penalty, lam)
    return {"land": land, "lam": lam, "min": mn, "lams": lams, "W": W,
            "free": penalized_minimum(land, "none", 0.0),
            "contours": _contour_paths(land.name, penalty, lam, mn.objective, _EXPLORE_LEVELS, _EXPLORE_STRIDE)}


#: The live figure draws 10 contour levels on every other point of the grid (121 × 121).
_EXPLORE_LEVELS = 10
_EXPLORE_STRIDE = 2


@functools.lru_cache(maxsize=256)
def _contour_paths(name: str, penalty: str, lam: float, zmin: float, n_levels: int, stride: int) -> tuple:
    """The contour lines of f + P as matplotlib Paths, one per level: what ``ax.contour`` draws.

    The same contour generator and settings as ``Axes.contour`` (``contour.algorithm``,
    ``contour.corner_mask``), so a kept collection can show them with ``set_paths``.
    """
    import contourpy
    import matplotlib as mpl
    from matplotlib.path import Path

    g1, g2, z = penalized_grid(name, penalty, lam)
    s = slice(None, None, stride)
    corner = mpl.rcParams["contour.corner_mask"]
    gen = contourpy.contour_generator(g1[s, s], g2[s, s], z[s, s], name=mpl.rcParams["contour.algorithm"],
                                      corner_mask=True if corner == "legacy" else corner,
                                      line_type=contourpy.LineType.SeparateCode)
    paths = []
    for level in _levels(z, zmin, n_levels):
        vs, cs = gen.create_contour(level)
        paths.append(Path(np.concatenate(vs), np.concatenate(cs)) if len(vs) else Path(np.empty((0, 2))))
    return tuple(paths)


def _explore_setup(fig: "Figure") -> dict:
    """The live figure's axes and artists, empty: :func:`_explore_update` fills them."""
    from matplotlib.collections import Collection
    from matplotlib.ticker import NullLocator

    # fixed margins and few ticks, not the constrained layout: tick labels change with the function
    fig.set_layout_engine("none")
    ax, bx = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1, 1.1], "left": 0.07, "right": 0.985,
                                             "bottom": 0.15, "top": 0.9, "wspace": 0.22})
    # left: contours of f + P (a kept collection whose paths change), path, ball and minimizers
    contours = Collection(facecolors="none", linewidths=0.8, alpha=0.8, zorder=2)
    contours.set_paths([])
    ax.add_collection(contours, autolim=False)
    ax.axhline(0, color="0.75", lw=0.6, zorder=0)
    ax.axvline(0, color="0.75", lw=0.6, zorder=0)
    (path,) = ax.plot([], [], "-", lw=1.2, alpha=0.55, label="path as λ grows")
    (ball,) = ax.plot([], [], ls="--", lw=1.2, label="constraint through minimizer")
    ax.plot([], [], "X", color=PENALTY_COLORS["none"], ms=10, mec="white", mew=0.8, label="min f", zorder=5)
    free = ax.lines[-1]
    (mark,) = ax.plot([], [], "o", ms=9, mec="white", mew=1.0, zorder=6)
    ax.set_aspect("equal")
    ax.tick_params(labelsize=7)
    # right: the minimizer's coordinates along the path, against λ/λ₀ (a fixed axis)
    coords = [bx.plot([], [], ls, lw=1.4, label=f"$w_{j + 1}$")[0] for j, ls in ((0, "-"), (1, "--"))]
    dots = [bx.plot([], [], "o", ms=7, mec="white")[0] for _ in range(2)]
    rel = np.asarray(_PATH_REL)
    bx.plot(np.full(2, rel[0] / 1.6), np.zeros(2), "X", color=PENALTY_COLORS["none"], ms=7, mec="white",
            clip_on=False)
    free_dots = bx.lines[-1]
    vline = bx.axvline(1.0, color="0.3", lw=0.8, ls=":")
    bx.axhline(0, color="0.5", lw=0.6)
    bx.set_xscale("log")
    bx.set(xlabel="λ / λ₀", xlim=(rel[0] / 2, rel[-1]), xticks=[0.01, 0.1, 1, 10],
           xticklabels=["0.01", "0.1", "1", "10"])
    bx.xaxis.set_minor_locator(NullLocator())
    bx.yaxis.set_major_locator(MaxNLocator(5))
    bx.tick_params(labelsize=8)
    legend = bx.legend(handles=coords, frameon=False, fontsize=8, loc="best")
    # Titles at y = 1 and axis labels at fixed places, so a frame does not measure every tick
    # label to place them (a third of the render): the same places as the automatic ones,
    # since the axes are fixed (no layout engine) and so are bx's x tick labels.
    titles = (ax.set_title(" ", fontsize=9, y=1.0), bx.set_title(" ", fontsize=9, y=1.0))
    fig.draw_without_rendering()
    bottom = bx.xaxis.label.get_position()[1]  # pixels, below bx's x tick labels
    bx.xaxis.set_label_coords(0.5, (bottom - bx.bbox.y0) / bx.bbox.height)
    for axis in (ax.xaxis, ax.yaxis, bx.yaxis):  # no label: nothing to place
        axis.set_label_coords(0.5, 0.5)
    return {"ax": ax, "bx": bx, "contours": contours, "path": path, "ball": ball, "free": free, "mark": mark,
            "coords": coords, "dots": dots, "free_dots": free_dots, "vline": vline, "legend": legend,
            "titles": titles}


def _explore_update(st: dict, data: dict, name: str, penalty: str, rel_lam: float) -> None:
    """Show one combination: every artist, limit, tick and text that depends on the values."""
    land, lam, mn, free = data["land"], data["lam"], data["min"], data["free"]
    color = PENALTY_COLORS[penalty] if penalty != "none" else "0.35"
    ax, bx = st["ax"], st["bx"]
    # left panel
    st["contours"].set_paths(list(data["contours"]))
    st["contours"].set_edgecolor(color)
    pen = penalty != "none"
    W = data["W"] if pen else np.empty((0, 2))
    st["path"].set_data(W[:, 0], W[:, 1])
    st["path"].set_color(color)
    if penalty == "l1":
        r = float(np.abs(mn.w).sum())
        bx_, by_ = r * np.array([1, 0, -1, 0, 1]), r * np.array([0, 1, 0, -1, 0])
    elif penalty == "l2":
        r = float(np.hypot(*mn.w))
        t = np.linspace(0, 2 * np.pi, 400)
        bx_, by_ = r * np.cos(t), r * np.sin(t)
    else:
        bx_ = by_ = np.empty(0)
    st["ball"].set_data(bx_, by_)
    st["ball"].set_color(color)
    st["free"].set_data([free.w[0]], [free.w[1]])
    st["mark"].set_data([mn.w[0]] if pen else [], [mn.w[1]] if pen else [])
    st["mark"].set_marker(_MARK[penalty])
    st["mark"].set_color(color)
    (a, b), (c, d) = land.domain
    ax.set_xlim(a, b)
    ax.set_ylim(c, d)
    ax.set_xticks([a, 0, b])
    ax.set_yticks([c, 0, d])
    st["titles"][0].set_text(f"{land.title.split(' (')[0]}: f + {_PEN_TEXT[penalty]}")
    # right panel
    rel = data["lams"] / land.lam0
    for j in range(2):
        st["coords"][j].set_data(rel, data["W"][:, j])
        st["dots"][j].set_data([rel_lam], [mn.w[j]])
        st["dots"][j].set_marker(_MARK[penalty])
        for line in (st["coords"][j], st["dots"][j], st["legend"].legend_handles[j]):
            line.set_color(color)
    st["free_dots"].set_ydata(free.w)
    st["vline"].set_xdata([rel_lam, rel_lam])
    # autoscale w over what is plotted (and 0, the axhline), as a new axes would; not relim(),
    # which maps the axhline through the previous frame's limits and can leave 1e-16 behind
    ys = np.concatenate([data["W"].ravel(), mn.w, free.w, [0.0]])
    bx.dataLim.intervaly = (float(ys.min()), float(ys.max()))
    bx.autoscale_view(scalex=False)
    w = ", ".join(f"{x:.3g}" for x in mn.w)
    st["titles"][1].set_text(f"λ = {lam:.3g}: minimizer w = ({w})")


@register_figure
def landscape_explorer() -> Explorable:
    """Live figure of {ref}`chap-landscapes`: pick the landscape, the penalty and λ."""
    return Explorable(
        _explore_update,
        [Choice("name", {landscape(n).title.split(" (")[0]: n for n in LANDSCAPES}, label="function"),
         Choice("penalty", {"L1": "l1", "L2": "l2"}, label="penalty"),
         Slider("rel_lam", _REL_GRID[0], _REL_GRID[-1], grid=list(_REL_GRID), log=True, label="λ / λ₀",
                default=_REL_GRID[3], fmt="{:.2g}")],
        setup=_explore_setup,
        compute=_explore_compute,
        caption=("Contours of f + P (left) with the minimizer of f (cross), the penalized minimizer (dot "
                 "or square), its path as λ grows (solid) and the L1 diamond or L2 circle through it "
                 "(dashed); right, the two coordinates of the minimizer against λ/λ₀, where λ₀ is the "
                 "function's reference strength ‖∇f(0)‖∞ (λ_max for least squares; 1 where ∇f(0) = 0)."),
        alt=("Contour plot of the {name} function with the {penalty} penalty at lambda over lambda-zero "
             "{rel_lam}, its minimizers marked, and the minimizer's coordinates plotted against lambda."),
        name="fig-landscape-explorer",
    )
