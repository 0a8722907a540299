"""Residual networks at initialization: how the stream's variance grows with depth, and the
two fixes of {ref}`chap-beyond` (GPT-2's 1/√N branch scaling and Fixup's zero last layer).

A residual network of N branches carries a stream x⁽⁰⁾ = x and adds each branch to it,

.. math::  x^{(k)} = x^{(k-1)} + F_k(x^{(k-1)}), \\qquad
           F_k(x) = \\gamma\\, W_2^{(k)}\\, \\varphi\\bigl(W_1^{(k)}\\, \\nu(x)\\bigr), \\qquad k = 1, \\dots, N,

where W₁ (hidden × width) is drawn from He's N(0, 2/width) for ReLU (Xavier's N(0, 1/width)
for linear branches), W₂ (width × hidden) from N(0, 1/hidden), γ scales the branch's last
layer, and ν is the identity or, with ``norm="layer"``, a layer normalization of each
example's vector (GPT-2's "pre-norm" branches, without the learned gain and bias, which
start at 1 and 0). Every W₂ is zero-mean and independent of the stream, so the branch
adds its variance to the stream's, Cov(x, F(x)) = 0:

* without normalization, E[F(x)²] = γ²·c·E[x²] with c = 1 for these branches, so
  q⁽ᵏ⁾ = (1 + γ²)·q⁽ᵏ⁻¹⁾ and q⁽ᴺ⁾/q⁽⁰⁾ = (1 + γ²)^N: 2^N for γ = 1;
* with pre-normalization, E[F(x)²] = γ² whatever q is, so q⁽ᴺ⁾ = q⁽⁰⁾ + N·γ².

:data:`RESIDUAL_SCALINGS` names the choices of γ: ``"none"`` (γ = 1); ``"gpt2"``
(γ = 1/√N, as GPT-2 and nanoGPT scale each residual projection ``c_proj``, whose
``2 * n_layer`` counts the two branches of every transformer block, so q⁽ᴺ⁾/q⁽⁰⁾ →
e, or q⁽⁰⁾ + 1); and ``"fixup"`` (Zhang, Dauphin and Ma's rule: every W₂ = 0 and every W₁
scaled by N^{-1/(2m-2)} = N^{-1/2} for m = 2 layers per branch, so the network starts as
the identity). :meth:`ResidualNetwork.predicted` gives these predictions, and
:func:`residual_growth` measures them over depths and seeds.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from . import _threads
from . import _validate as v
from .initializers import init_weights
from .tables import TextTable

__all__ = ["RESIDUAL_SCALINGS", "RESIDUAL_NORMS", "ResidualNetwork", "ResidualGrowth", "residual_growth"]

#: How the last layer of every branch is scaled at initialization (see the module docstring).
RESIDUAL_SCALINGS: tuple[str, ...] = ("none", "gpt2", "fixup")
#: What each branch sees: the stream itself, or its layer normalization (GPT-2's pre-norm).
RESIDUAL_NORMS: tuple[str, ...] = ("none", "layer")
#: The branch activations whose growth has a closed form (positively homogeneous ones).
_BRANCH_ACTIVATIONS = ("relu", "linear")


def _layer_norm(x: np.ndarray) -> np.ndarray:
    """(x − mean)/std over each row's units: every row then has mean 0 and mean square 1."""
    mu = x.mean(axis=1, keepdims=True)
    sd = x.std(axis=1, keepdims=True)
    return (x - mu) / np.where(sd > 0, sd, 1.0)


class ResidualNetwork:
    """A residual stream of ``width`` units with ``branches`` two-layer branches (module docstring).

    ``net.W1[k]`` (hidden × width) and ``net.W2[k]`` (width × hidden) are the layers of
    branch k+1; ``net.gamma`` is the factor already multiplied into every W₂. Biases are 0
    (Fixup's scalar biases and multiplier start at 0 and 1, and leave the forward pass as it is).
    """

    def __init__(
        self,
        width: int,  # n, the units of the stream
        branches: int,  # N, the residual branches
        *,
        hidden: int | None = None,  # the units inside a branch (default: width)
        activation: str = "relu",  # φ inside each branch: relu or linear
        scaling: str = "none",  # one of RESIDUAL_SCALINGS
        norm: str = "none",  # one of RESIDUAL_NORMS
        rng: np.random.Generator,
    ) -> None:
        self.width = v.positive_int(width, "width")
        self.branches = v.positive_int(branches, "branches")
        self.hidden = self.width if hidden is None else v.positive_int(hidden, "hidden")
        self.activation = v.choice(activation, "activation", _BRANCH_ACTIVATIONS)
        self.scaling = v.choice(scaling, "scaling", RESIDUAL_SCALINGS)
        self.norm = v.choice(norm, "norm", RESIDUAL_NORMS)
        v.generator(rng)
        inner = "he_normal" if self.activation == "relu" else "xavier"
        N = self.branches
        self.gamma = {"none": 1.0, "gpt2": 1.0 / math.sqrt(N), "fixup": 0.0}[self.scaling]
        inner_scale = N ** -0.5 if self.scaling == "fixup" else 1.0  # N^(-1/(2m-2)), m = 2
        self.W1: list[np.ndarray] = []
        self.W2: list[np.ndarray] = []
        for _ in range(N):  # W1 then W2 of branch 1, then of branch 2, ...
            self.W1.append(inner_scale * init_weights(self.width, self.hidden, inner, rng=rng))
            w2 = init_weights(self.hidden, self.width, "xavier", rng=rng)
            self.W2.append(self.gamma * w2 + 0.0)  # + 0.0: no -0.0 under Fixup's γ = 0

    def branch(self, k: int, x: np.ndarray) -> np.ndarray:
        """F_k(x) = γ W₂ φ(W₁ ν(x)) for a batch x (rows are examples), k = 1..N."""
        if not 1 <= k <= self.branches:
            raise ValueError(f"k must lie in 1..{self.branches}; got {k}")
        u = _layer_norm(x) if self.norm == "layer" else x
        h = u @ self.W1[k - 1].T
        if self.activation == "relu":
            h = np.maximum(h, 0.0)
        return h @ self.W2[k - 1].T

    def forward(self, X: object) -> list[np.ndarray]:
        """The stream ``[x⁽⁰⁾, x⁽¹⁾, ..., x⁽ᴺ⁾]`` for a batch X (m × width)."""
        x = v.array(X, "X", ndim=2)
        if x.shape[1] != self.width:
            raise ValueError(f"X must have {self.width} columns (the stream's width); got {x.shape[1]}")
        out = [x]
        with _threads.one_thread():
            for k in range(1, self.branches + 1):
                x = x + self.branch(k, x)
                out.append(x)
        return out

    def mean_squares(self, X: object) -> np.ndarray:
        """q⁽ᵏ⁾ = E[(x⁽ᵏ⁾)²] over every example and unit, k = 0..N."""
        return np.array([float(np.mean(x * x)) for x in self.forward(X)])

    def predicted(self, q0: float = 1.0) -> np.ndarray:
        """The expected q⁽ᵏ⁾, k = 0..N, from q⁽⁰⁾ = ``q0``: (1 + γ²)^k·q0 without normalization,
        q0 + k·γ² with it (module docstring; for Fixup γ = 0 and q⁽ᵏ⁾ = q0)."""
        q0 = v.positive(q0, "q0")
        k = np.arange(self.branches + 1)
        a2 = self.gamma ** 2
        return q0 + k * a2 if self.norm == "layer" else q0 * (1.0 + a2) ** k

    def __repr__(self) -> str:
        return (f"ResidualNetwork(width={self.width}, branches={self.branches}, hidden={self.hidden}, "
                f"{self.activation}, scaling={self.scaling!r}, norm={self.norm!r}, γ={self.gamma:.4g})")


@dataclass(frozen=True)
class ResidualGrowth:
    """The stream's growth q⁽ᴺ⁾/q⁽⁰⁾ at the top of residual networks of every depth N.

    ``measured[s][j, i]`` is the ratio for scaling ``scalings[s]``, depth ``depths[j]`` and
    seed ``seeds[i]``; ``predicted[s][j]`` is :meth:`ResidualNetwork.predicted`'s.
    """

    norm: str
    width: int
    m: int
    depths: tuple[int, ...]
    seeds: tuple[int, ...]
    scalings: tuple[str, ...]
    measured: dict[str, np.ndarray]
    predicted: dict[str, np.ndarray]

    def log_error(self, scaling: str) -> np.ndarray:
        """|ln(measured/predicted)| for every depth and seed."""
        v.choice(scaling, "scaling", self.scalings)
        return np.abs(np.log(self.measured[scaling] / self.predicted[scaling][:, None]))

    def table(self) -> TextTable:
        """Per depth: each scaling's predicted growth and the range measured over the seeds."""
        header = ["branches N"]
        for s in self.scalings:
            header += [f"{s}: predicted", f"{s}: measured (seeds)"]
        rows = []
        for j, d in enumerate(self.depths):
            row = [str(d)]
            for s in self.scalings:
                mm = self.measured[s][j]
                row += [_g(self.predicted[s][j]), f"{_g(mm.min())}–{_g(mm.max())}"]
            rows.append(row)
        return TextTable(header, rows, align="right")

    def __repr__(self) -> str:
        return (f"ResidualGrowth(norm={self.norm!r}, width {self.width}, depths {list(self.depths)}, "
                f"{len(self.seeds)} seeds)")


def _g(x: float) -> str:
    return f"{x:.3g}" if x < 1e4 else f"{x:.2e}"


@functools.lru_cache(maxsize=8)
def _growth(norm: str, depths: tuple[int, ...], seeds: tuple[int, ...], width: int, m: int,
            scalings: tuple[str, ...]) -> ResidualGrowth:
    measured, predicted = {}, {}
    for s in scalings:
        meas = np.zeros((len(depths), len(seeds)))
        pred = np.zeros(len(depths))
        for j, N in enumerate(depths):
            for i, seed in enumerate(seeds):
                rng = np.random.default_rng([seed, N])
                X = rng.standard_normal((m, width))
                net = ResidualNetwork(width, N, scaling=s, norm=norm, rng=rng)
                q = net.mean_squares(X)
                meas[j, i] = q[-1] / q[0]
            pred[j] = ResidualNetwork(1, N, scaling=s, norm=norm, rng=np.random.default_rng(0)).predicted()[-1]
        measured[s], predicted[s] = meas, pred
    return ResidualGrowth(norm, width, m, depths, seeds, scalings, measured, predicted)


def residual_growth(
    *,
    norm: str = "none",  # one of RESIDUAL_NORMS
    depths: Sequence[int] = (1, 2, 4, 8, 16, 32, 64),  # N, the branches
    seeds: Sequence[int] = (0, 1, 2, 3, 4),
    width: int = 128,  # the stream's and every branch's units
    m: int = 128,  # inputs x ~ N(0, I)
    scalings: Sequence[str] = RESIDUAL_SCALINGS,
) -> ResidualGrowth:
    """Measure q⁽ᴺ⁾/q⁽⁰⁾ of ReLU residual networks of every depth N under every scaling, from
    every seed: seed s at depth N draws its m inputs x ~ N(0, I), then its branches, from
    ``default_rng([s, N])``. Cached."""
    v.choice(norm, "norm", RESIDUAL_NORMS)
    depths = tuple(v.positive_int(d, f"depths[{i}]") for i, d in enumerate(v.items_of(list(depths), "depths", int)))
    seeds = tuple(v.nonneg_int(s, f"seeds[{i}]") for i, s in enumerate(v.items_of(list(seeds), "seeds", int)))
    scalings = tuple(v.choice(s, f"scalings[{i}]", RESIDUAL_SCALINGS)
                     for i, s in enumerate(v.items_of(list(scalings), "scalings", str)))
    width = v.positive_int(width, "width")
    m = v.positive_int(m, "m")
    return _growth(norm, depths, seeds, width, m, scalings)
