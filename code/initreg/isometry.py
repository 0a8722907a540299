"""Dynamical isometry: the singular values of a network's input–output Jacobian at
initialization, as depth grows ({ref}`chap-beyond`; Pennington, Schoenholz & Ganguli 2017).

For L hidden layers a[l] = φ(z[l]), z[l] = W[l] a[l-1] + b[l], the Jacobian of the last
activations with respect to the input is

    J = ∂a[L]/∂x = D[L] W[L] D[L-1] W[L-1] ⋯ D[1] W[1],   D[l] = diag(φ′(z[l])),

and its singular values say how much a small change of the input is stretched along each
direction. A network is *dynamically isometric* when they all stay near 1 as L grows: the
gradient then reaches every layer undistorted. At the edge of chaos (χ₁ = 1) the mean of
λ = s² is 1 at every depth, and, for wide layers in free probability, its variance grows
linearly in L:

    Var(λ) = L·(μ₂/μ₁² − 1 + v_W),   μ_k = E[φ′(√q*·z)^(2k)],

with v_W = 1 for Gaussian weights (a Marchenko–Pastur factor per layer) and 0 for
orthogonal ones (Pennington et al.'s eq. with s₁ = −v_W): :func:`predicted_lambda_variance`.
Linear and ReLU units give μ₂/μ₁² = 1 and 2, so only orthogonal weights with a φ′ that
hardly varies, tanh with a small q*, keep the spectrum concentrated.

:func:`jacobian_singular_values` samples one network (:func:`initreg.mean_field_network`,
the Jacobian by :func:`initreg.input_jacobian`); :func:`jacobian_spectra` several per depth;
:func:`isometry_study` the paper's comparison. Nothing here draws: the figures are in
:mod:`initreg.figures.beyond_xavier`.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from . import _threads
from . import _validate as v
from .meanfield import (MEAN_FIELD_INITS, MeanFieldTrajectory, PhaseDiagram, SampledTrajectory, StandardDraws, chi1,
                        critical_point, fixed_point, mean_field_network, mean_field_trajectory, phase_diagram,
                        sample_trajectory, slope_moment_ratio, standard_draws)
from .derivations.variance import PYTORCH_GAINS
from .network import ACTIVATIONS, input_jacobian
from .tables import TextTable

__all__ = [
    "ISOMETRY_CASES",
    "ISOMETRY_Q_STAR",
    "jacobian_singular_values",
    "lambda_moments",
    "SampledChi1",
    "sampled_chi1",
    "predicted_lambda_variance",
    "JacobianSpectra",
    "jacobian_spectra",
    "IsometryStudy",
    "isometry_study",
    "BEYOND_EXPLORER",
    "BEYOND_SIGMA_W2",
    "BEYOND_SIGMA_B2",
    "ExplorerRun",
    "explorer_run",
    "PHASE_GRID",
    "explorer_phase_diagram",
]

#: The fixed length of the tanh networks at the edge of chaos, Pennington et al.'s smallest.
ISOMETRY_Q_STAR = 1.0 / 64.0


def _cases() -> dict[str, tuple[str, float, float]]:
    w2, b2 = critical_point(ISOMETRY_Q_STAR, activation="tanh")
    return {"linear": ("linear", 1.0, 0.0), "tanh": ("tanh", w2, b2), "relu": ("relu", 2.0, 0.0)}


#: The three networks of the comparison, each at its edge of chaos (χ₁ = 1), as
#: (activation, σ_w², σ_b²): linear units at σ_w² = 1, tanh at q* = 1/64
#: (:func:`initreg.critical_point`), ReLU at He's σ_w² = 2.
ISOMETRY_CASES: dict[str, tuple[str, float, float]] = _cases()


def _input(width: int, q0: float, rng: np.random.Generator) -> np.ndarray:
    x = rng.standard_normal(width)
    return x * math.sqrt(width * q0) / np.linalg.norm(x)


def _start_length(activation: str, sigma_w2: float, sigma_b2: float, q0: float | None) -> float:
    """The input's length: given, or the one that puts layer 1 at the fixed point,
    σ_w²·q0 + σ_b² = q* (10⁻¹² where q* = 0: the Jacobian at the input 0's doorstep), or 1 where
    there is no finite fixed point."""
    if q0 is not None:
        return v.positive(q0, "q0")
    try:
        q = fixed_point(sigma_w2=sigma_w2, sigma_b2=sigma_b2, activation=activation)
    except ValueError:
        return 1.0
    return (q - sigma_b2) / sigma_w2 if q > sigma_b2 else 1e-12


def jacobian_singular_values(
    *,
    activation: str,  # φ, one of ACTIVATIONS
    depth: int,  # L hidden layers
    width: int,  # n, every layer and the input
    sigma_w2: float,
    sigma_b2: float,
    init: str,  # one of MEAN_FIELD_INITS: "gaussian" or "orthogonal"
    rng: np.random.Generator,
    q0: float | None = None,  # the input's length ‖x‖²/n; default: at the fixed point
    draws: StandardDraws | None = None,  # the network's random part, if already drawn
) -> np.ndarray:
    """The n singular values of J = ∂a[L]/∂x = D[L] W[L] ⋯ D[1] W[1] of one sampled network,
    largest first (Pennington et al.'s J, a D after every W).

    The network is :func:`initreg.mean_field_network` ``([n]·(L+2))``, L hidden layers and a
    read-out set to the identity (bias 0), so that :func:`initreg.input_jacobian`
    (``of="logits"``) is exactly J. The input is a random direction of length
    ``q0`` (default: the length that puts layer 1 at q*, where the mean-field theory's spectrum
    applies from the first layer). Weights and biases are drawn first (unless ``draws`` are
    given), then the input. See {ref}`chap-beyond`.
    """
    v.choice(activation, "activation", ACTIVATIONS)
    depth = v.positive_int(depth, "depth")
    width = v.positive_int(width, "width")
    v.choice(init, "init", MEAN_FIELD_INITS)
    v.generator(rng)
    sigma_w2 = v.positive(sigma_w2, "sigma_w2")
    sigma_b2 = v.nonneg(sigma_b2, "sigma_b2")
    q_in = _start_length(activation, sigma_w2, sigma_b2, q0)
    sizes = [width] * (depth + 2)
    if draws is not None and (draws.sizes != tuple(sizes) or draws.init != init):
        raise ValueError(f"draws must be {init} draws of sizes {sizes}; got {draws.init} draws of {list(draws.sizes)}")
    net = mean_field_network(sizes if draws is None else None, sigma_w2=sigma_w2, sigma_b2=sigma_b2,
                             activation=activation, rng=rng, init=init, draws=draws)
    net.weights[-1][...] = np.eye(width)  # the read-out passes a[L] = φ(z[L]) on: its logits' Jacobian is D[L] J
    net.biases[-1][...] = 0.0
    x = _input(width, q_in, rng)
    with _threads.one_thread(), np.errstate(over="ignore", invalid="ignore"):
        J = input_jacobian(net, x, of="logits")
        if not np.all(np.isfinite(J)):
            raise ValueError(f"the Jacobian of {depth} {activation} layers at sigma_w2 = {sigma_w2:g} overflowed")
        return np.linalg.svd(J, compute_uv=False)


def lambda_moments(singular_values: object) -> tuple[float, float]:
    """The mean of λ = s² and its variance relative to the mean squared, Var(λ)/E[λ]², over
    every singular value given (several networks' pooled)."""
    s = v.array(singular_values, "singular_values", ndim=(1, 2)).ravel()
    lam = s * s
    m = float(lam.mean())
    if m <= 0:
        raise ValueError("singular_values must not all be 0")
    return m, float(lam.var() / (m * m))


def predicted_lambda_variance(*, activation: str, sigma_w2: float, sigma_b2: float, depth: int,
                              init: str) -> float:
    """Var(λ)/E[λ]² of J Jᵀ for wide layers at the fixed point: L·(μ₂/μ₁² − 1 + v_W), with
    μ_k = E[φ′(√q*·z)^(2k)] and v_W = 1 (Gaussian) or 0 (orthogonal) ({ref}`chap-beyond`).

    Each layer multiplies the spectrum by a free copy of D² (relative variance μ₂/μ₁² − 1) and
    of WᵀW (relative variance 1 for Gaussian weights, 0 for orthogonal ones), and relative
    variances add under free multiplication (the first coefficient of the S-transform).
    """
    v.choice(activation, "activation", ACTIVATIONS)
    depth = v.positive_int(depth, "depth")
    v.choice(init, "init", MEAN_FIELD_INITS)
    q = fixed_point(sigma_w2=sigma_w2, sigma_b2=sigma_b2, activation=activation)
    ratio = slope_moment_ratio(q, activation=activation)
    v_w = 1.0 if init == "gaussian" else 0.0
    return depth * (ratio - 1.0 + v_w)


@dataclass(frozen=True)
class SampledChi1:
    """χ₁ measured in sampled networks: ``estimate`` = exp(mean of the networks' log E[λ]/L),
    ``se`` the standard error of that mean log (a relative error)."""

    estimate: float
    se: float
    per_network: np.ndarray  # each network's E[λ]^(1/L)


def sampled_chi1(*, sigma_w2: float, sigma_b2: float, activation: str, rng: np.random.Generator, depth: int = 8,
                 width: int = 128, n_nets: int = 4) -> SampledChi1:
    """χ₁ measured in sampled networks: E[λ]^(1/L) of their Jacobians at the fixed point.

    E[λ] = tr(J Jᵀ)/n, and each layer multiplies its expectation by σ_w²·E[φ′(z)²] = χ₁ (the
    fresh W[l] averages over directions), so the L-th root estimates χ₁, one estimate per
    network ({ref}`chap-beyond`)."""
    depth = v.positive_int(depth, "depth")
    n_nets = v.positive_int(n_nets, "n_nets")
    if n_nets < 2:
        raise ValueError(f"n_nets must be at least 2 (for a standard error); got {n_nets}")
    logs = np.array([math.log(lambda_moments(jacobian_singular_values(
        activation=activation, depth=depth, width=width, sigma_w2=sigma_w2, sigma_b2=sigma_b2, init="gaussian",
        rng=rng))[0]) / depth for _ in range(n_nets)])
    return SampledChi1(float(math.exp(logs.mean())), float(logs.std(ddof=1) / math.sqrt(n_nets)), np.exp(logs))


@dataclass(frozen=True)
class JacobianSpectra:
    """The singular values of J for one network kind at several depths: ``singular_values[d]``
    has one row per sampled network at depth ``depths[d]``."""

    activation: str
    init: str
    sigma_w2: float
    sigma_b2: float
    width: int
    depths: tuple[int, ...]
    singular_values: tuple[np.ndarray, ...]

    def at(self, depth: int) -> np.ndarray:
        """The rows (networks) of singular values at ``depth``."""
        if depth not in self.depths:
            raise ValueError(f"depth must be one of {', '.join(map(str, self.depths))}; got {depth!r}")
        return self.singular_values[self.depths.index(depth)]

    def moments(self) -> tuple[np.ndarray, np.ndarray]:
        """E[λ] and Var(λ)/E[λ]² at every depth (networks pooled)."""
        pairs = [lambda_moments(s) for s in self.singular_values]
        return np.array([p[0] for p in pairs]), np.array([p[1] for p in pairs])

    def predicted(self) -> np.ndarray:
        """:func:`predicted_lambda_variance` at every depth."""
        return np.array([predicted_lambda_variance(activation=self.activation, sigma_w2=self.sigma_w2,
                                                   sigma_b2=self.sigma_b2, depth=d, init=self.init)
                         for d in self.depths])

    def fraction_within(self, factor: float = 2.0) -> np.ndarray:
        """At every depth, the share of singular values within a factor ``factor`` of 1."""
        factor = v.real(factor, "factor", low=1.0, low_open=True)
        return np.array([float(np.mean((s >= 1 / factor) & (s <= factor))) for s in self.singular_values])


def jacobian_spectra(
    depths: Sequence[int],
    *,
    activation: str,
    sigma_w2: float,
    sigma_b2: float,
    init: str,
    width: int = 128,
    n_nets: int = 3,
    seed: int = 0,
) -> JacobianSpectra:
    """:func:`jacobian_singular_values` of ``n_nets`` networks at each depth, network r at
    every depth drawn from ``numpy.random.default_rng([seed, r, depth])`` ({ref}`chap-beyond`)."""
    ds = tuple(v.positive_int(d, "depths[i]") for d in depths)
    if not ds:
        raise ValueError("depths must not be empty")
    n_nets = v.positive_int(n_nets, "n_nets")
    seed = v.nonneg_int(seed, "seed")
    out = []
    for d in ds:
        out.append(np.array([jacobian_singular_values(activation=activation, depth=d, width=width, sigma_w2=sigma_w2,
                                                      sigma_b2=sigma_b2, init=init,
                                                      rng=np.random.default_rng([seed, r, d]))
                             for r in range(n_nets)]))
    return JacobianSpectra(activation, init, float(sigma_w2), float(sigma_b2), int(width), ds, tuple(out))


@dataclass(frozen=True)
class IsometryStudy:
    """Pennington et al.'s comparison: ``spectra[(case, init)]`` for every case of
    :data:`ISOMETRY_CASES` and both weight laws, at the same depths."""

    depths: tuple[int, ...]
    width: int
    spectra: dict[tuple[str, str], JacobianSpectra]

    def __getitem__(self, key: tuple[str, str]) -> JacobianSpectra:
        return self.spectra[key]

    def table(self) -> TextTable:
        """Var(λ)/E[λ]² measured (and predicted) at every depth, one row per case and weight law."""
        rows = []
        for (case, init), sp in self.spectra.items():
            var, pred = sp.moments()[1], sp.predicted()
            rows.append([f"{case}, {init}"] + [f"{m:.3g} ({p:.3g})" for m, p in zip(var, pred)])
        return TextTable(["network"] + [f"L = {d}" for d in self.depths], rows, align="right")


def isometry_study(depths: Sequence[int] = (1, 2, 4, 8, 16, 32), *, width: int = 128, n_nets: int = 3,
                   seed: int = 0) -> IsometryStudy:
    """Every case of :data:`ISOMETRY_CASES` with Gaussian and orthogonal weights at each depth
    (:func:`jacobian_spectra`; both laws of one case use the same seeds). See {ref}`chap-beyond`."""
    spectra = {}
    for case, (act, w2, b2) in ISOMETRY_CASES.items():
        for init in MEAN_FIELD_INITS:
            spectra[(case, init)] = jacobian_spectra(depths, activation=act, sigma_w2=w2, sigma_b2=b2, init=init,
                                                     width=width, n_nets=n_nets, seed=seed)
    first = next(iter(spectra.values()))
    return IsometryStudy(first.depths, first.width, spectra)


# ------------------------------------------------------ the chapter's interactive figure
#: The runs behind {ref}`chap-beyond`'s interactive figure: two inputs of length ``q0`` and
#: correlation ``c0`` through ``depth`` layers (the maps, and ``n_nets`` sampled networks of
#: ``width`` units with ``n_pairs`` pairs each), and the Jacobian spectrum of ``n_spectra``
#: networks of ``spectrum_width`` units at ``spectrum_depth`` layers, per weight law.
BEYOND_EXPLORER: dict[str, float] = {"q0": 1.0, "c0": 0.5, "depth": 30, "width": 128, "n_nets": 2, "n_pairs": 4,
                                     "spectrum_depth": 16, "spectrum_width": 64, "n_spectra": 2, "seed": 2017}
#: The σ_w² of the figure's slider: 0.5 to 4, with Xavier's 1, He's 2 and PyTorch's (5/3)².
BEYOND_SIGMA_W2: tuple[float, ...] = (0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.15, 1.3, 1.5, 1.76, 2.0, 2.25, 2.5,
                                      float(PYTORCH_GAINS["tanh"]) ** 2, 3.1, 3.5, 4.0)
#: Its σ_b² choices.
BEYOND_SIGMA_B2: tuple[float, ...] = (0.0, 0.05, 0.2)


@dataclass(frozen=True)
class ExplorerRun:
    """What the figure draws for one (activation, σ_w², σ_b²): the maps' trajectory, the sampled
    one, χ₁ where the fixed point exists (else None), and the Jacobian's singular values per
    weight law (the networks' pooled)."""

    trajectory: MeanFieldTrajectory
    sampled: SampledTrajectory
    chi1: float | None
    spectra: dict[str, np.ndarray]


@functools.lru_cache(maxsize=1)
def _explorer_draws() -> tuple[tuple[StandardDraws, ...], dict[str, tuple[StandardDraws, ...]]]:
    """The figure's networks, drawn once from ``default_rng(seed)``: the sampled ones, then the
    Jacobians' (Gaussian, then orthogonal). Every setting scales the same draws."""
    p = BEYOND_EXPLORER
    rng = np.random.default_rng(int(p["seed"]))
    sampled = tuple(standard_draws([int(p["width"])] * (int(p["depth"]) + 1) + [2], rng=rng)
                    for _ in range(int(p["n_nets"])))
    spectra = {init: tuple(standard_draws([int(p["spectrum_width"])] * (int(p["spectrum_depth"]) + 2), init=init,
                                          rng=rng) for _ in range(int(p["n_spectra"])))
               for init in MEAN_FIELD_INITS}
    return sampled, spectra


@functools.lru_cache(maxsize=256)
def explorer_run(activation: str, sigma_w2: float, sigma_b2: float) -> ExplorerRun:
    """The interactive figure's computation for one setting, cached (:data:`BEYOND_EXPLORER`).
    Every setting uses the same networks (:func:`initreg.standard_draws` scaled by σ_w and σ_b)
    and the same inputs, so that moving a control changes only what it names.
    See {ref}`chap-beyond`."""
    v.choice(activation, "activation", ACTIVATIONS)
    p = BEYOND_EXPLORER
    depth, q0, c0 = int(p["depth"]), float(p["q0"]), float(p["c0"])
    traj = mean_field_trajectory(q0, c0, depth, sigma_w2=sigma_w2, sigma_b2=sigma_b2, activation=activation)
    nets, jac_nets = _explorer_draws()
    sampled = sample_trajectory(q0, c0, depth, sigma_w2=sigma_w2, sigma_b2=sigma_b2, activation=activation,
                                width=int(p["width"]), n_pairs=int(p["n_pairs"]), draws=nets,
                                rng=np.random.default_rng([int(p["seed"]), 1]))
    try:
        x1: float | None = chi1(sigma_w2=sigma_w2, sigma_b2=sigma_b2, activation=activation)
    except ValueError:
        x1 = sigma_w2 / 2.0 if activation == "relu" else (sigma_w2 if activation == "linear" else None)
    rng = np.random.default_rng([int(p["seed"]), 2])
    spectra = {init: np.concatenate([jacobian_singular_values(
        activation=activation, depth=int(p["spectrum_depth"]), width=int(p["spectrum_width"]), sigma_w2=sigma_w2,
        sigma_b2=sigma_b2, init=init, rng=rng, draws=d) for d in jac_nets[init]]) for init in MEAN_FIELD_INITS}
    return ExplorerRun(traj, sampled, x1, spectra)


#: The tanh phase diagram the figure and the chapter draw: its grid.
PHASE_GRID: dict[str, tuple[float, float, int]] = {"sigma_w2": (0.25, 5.0, 39), "sigma_b2": (0.0, 0.5, 21)}


@functools.lru_cache(maxsize=2)
def explorer_phase_diagram(activation: str = "tanh") -> PhaseDiagram:
    """:func:`initreg.phase_diagram` on :data:`PHASE_GRID` (σ_w² log-spaced), cached."""
    lo, hi, n = PHASE_GRID["sigma_w2"]
    blo, bhi, bn = PHASE_GRID["sigma_b2"]
    return phase_diagram(np.geomspace(lo, hi, n), np.linspace(blo, bhi, bn), activation=activation)
