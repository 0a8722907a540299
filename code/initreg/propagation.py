"""Signal propagation: random inputs through a random deep network, layer by layer.

:func:`signal_propagation` sends ``m`` inputs x ~ N(0, I) through ``depth`` random layers
a[l] = g(W[l] a[l-1]) with W[l] ~ N(0, k/n) (or a named scheme) and records the variance
and mean square of every layer, to compare them with the prediction (n·Var(w))^l·Var(x)
of {ref}`chap-derivation` (and He et al.'s (k/2)^l for ReLU). A
:class:`SignalPropagation` holds the result: its per-layer factors, the spread that a
finite width gives them, and histograms of every layer.

:func:`explorer_network` is the cached run behind the chapter's interactive figure
(:data:`EXPLORER_NETWORK`: one network per activation and factor k, 50 layers deep).
Nothing here draws: the figures are in :mod:`initreg.figures.derivation`.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np

from . import _threads
from . import _validate as v
from .initializers import init_variance, initializer
from .network import ACTIVATIONS

__all__ = ["SignalPropagation", "signal_propagation", "EXPLORER_NETWORK", "explorer_network"]


@dataclass(frozen=True)
class SignalPropagation:
    """Per-layer statistics of random inputs sent through a random deep network.

    Index 0 is the input; index l is layer l. ``var_z[0]`` and ``var_a[0]`` are Var(x).
    ``samples[l]`` keeps a few thousand values of a[l] for histograms. ``scheme`` names how
    the weights were drawn: ``"xavier×√k"`` (N(0, k/n)) or a scheme of ``INIT_SCHEMES``.
    """

    activation: str
    k: float
    width: int
    var_z: np.ndarray
    var_a: np.ndarray
    mean_square_a: np.ndarray
    samples: list[np.ndarray]
    scheme: str = "xavier×√k"

    @property
    def depth(self) -> int:
        return len(self.var_z) - 1

    def predicted(self) -> np.ndarray:
        """The source article's prediction Var(a[l]) = k^l·Var(x), l = 0..depth."""
        return self.var_a[0] * self.k ** np.arange(self.depth + 1)

    def predicted_he(self) -> np.ndarray:
        """He et al.'s prediction for ReLU: E[a[l]²] = (k/2)^l·E[x²], l = 0..depth."""
        return self.mean_square_a[0] * (self.k / 2.0) ** np.arange(self.depth + 1)

    def measured(self) -> np.ndarray:
        """What the predictions are about: E[a[l]²] for ReLU (He et al.'s quantity), else Var(a[l])."""
        return self.mean_square_a if self.activation == "relu" else self.var_a

    def layer_factors(self) -> np.ndarray:
        """The factor of each layer, v[l]/v[l-1] for l = 1..depth, where v[l] = E[a[l]²] is the
        mean square over every example and unit of the layer (Var(a[l]) for the zero-mean
        linear and tanh layers, and He et al.'s quantity for ReLU)."""
        ms = self.mean_square_a
        return ms[1:] / ms[:-1]

    def layer_factor(self) -> float:
        """The geometric mean of :meth:`layer_factors`, (v[L]/v[0])^(1/L): k for linear layers,
        k/2 for ReLU (:meth:`expected_factor`)."""
        ms = self.mean_square_a
        return float((ms[-1] / ms[0]) ** (1.0 / self.depth))

    def _spread_constant(self) -> float:
        if self.activation not in _SQUARE_SPREAD:
            raise ValueError(f"activation must be one of {', '.join(_SQUARE_SPREAD)} for a per-layer spread; "
                             f"got {self.activation!r} (a {self.activation} layer's expected factor depends on "
                             "the variance it receives)")
        return _SQUARE_SPREAD[self.activation]

    def expected_factor(self) -> float:
        """What one layer multiplies E[a²] by, in expectation: k (linear), k/2 (ReLU)."""
        self._spread_constant()
        return self.k / 2.0 if self.activation == "relu" else self.k

    def factor_spread(self) -> float:
        """The largest relative spread (sd/mean) of one layer's factor: √(2/n) linear, √(5/n) ReLU.

        Given what enters the layer, its n units are independent. For one input, each unit's
        g(z)² has relative spread √2 (z² is a scaled χ²₁) or √5 (ReLU(z)², variance 5s⁴/4
        against the mean s²/2; :func:`initreg.square_spread`), so their mean has √(2/n) or
        √(5/n). Several inputs average them, which can only lower the spread (the sd of a
        sum is at most the sum of the sds); inputs that all point the same way keep it.
        """
        return self._spread_constant() / math.sqrt(self.width)

    def factor_tolerance(self, z: float = 4.0) -> float:
        """``z`` times the largest standard deviation of log :meth:`layer_factor`: z·spread/√L.

        The log of the geometric mean is the mean of the L layers' log factors, whose
        spreads are at most :meth:`factor_spread` each (log f ≈ f − 1 for a small spread) and
        which are uncorrelated: each layer's fresh W has the same expected factor whatever
        it receives.
        """
        z = v.positive(z, "z")
        return z * self.factor_spread() / math.sqrt(self.depth)

    def rescaled(self, k: float) -> SignalPropagation:
        """The same network with every W[l] multiplied by √(k/self.k), for linear and ReLU layers.

        Both are positively homogeneous, g(cz) = c·g(z) for c > 0, so z[l] and a[l] are
        multiplied by (k/self.k)^(l/2) exactly, their variances and mean squares by
        (k/self.k)^l: the run that :func:`signal_propagation` samples with factor ``k`` from the
        same seed (which draws the same standard normals), up to rounding, without sampling.
        """
        if self.activation not in ("linear", "relu") or self.scheme != "xavier×√k":
            raise ValueError(f"only a linear or ReLU run of W[l] ~ N(0, k/n) rescales; got a {self.activation} "
                             f"run of {self.scheme}")
        r = v.positive(k, "k") / self.k
        scale = r ** np.arange(self.depth + 1)
        return SignalPropagation(self.activation, float(k), self.width, self.var_z * scale, self.var_a * scale,
                                 self.mean_square_a * scale, [s * math.sqrt(c) for s, c in zip(self.samples, scale)])

    def standardized_histograms(self, edges: object) -> np.ndarray:
        """The shape of every layer: row l is the fraction of the kept values of a[l]/√E[a[l]²]
        that fall in each bin of ``edges`` (l = 0..depth; values outside the bins are not
        counted, so a row sums to at most 1). Dividing by the root mean square takes out the
        scale that :meth:`measured` shows: what is left is the law's shape (a normal for
        linear layers, half of the mass at 0 for ReLU, no normal tails for tanh at large k,
        whose values never leave ±1). A layer whose mean square is 0 or not finite gets a
        row of NaN.
        """
        e = v.array(edges, "edges", ndim=1)
        if e.size < 2 or np.any(np.diff(e) <= 0):
            raise ValueError("edges must be at least 2 strictly increasing bin edges")
        out = np.full((self.depth + 1, e.size - 1), np.nan)
        for l, (s, ms) in enumerate(zip(self.samples, self.mean_square_a)):
            if np.isfinite(ms) and ms > 0 and s.size:
                out[l] = np.histogram(s / math.sqrt(ms), bins=e)[0] / s.size
        return out


#: sd/mean of one unit's g(z)² for z ~ N(0, s²), g linear or ReLU: √2 and √5
#: (:func:`initreg.square_spread` derives them; a test compares).
_SQUARE_SPREAD: dict[str, float] = {"linear": math.sqrt(2.0), "relu": math.sqrt(5.0)}

#: The schemes :func:`signal_propagation` accepts by name: those with a variance of their own.
_PROPAGATION_SCHEMES = ("standard", "xavier", "glorot_normal", "glorot_uniform", "he_normal", "he_uniform")


def _g(kind: str, z: np.ndarray) -> np.ndarray:
    """g(z) for the hidden activations of :data:`initreg.ACTIVATIONS`."""
    if kind == "tanh":
        return np.tanh(z)
    if kind == "sigmoid":
        return 0.5 * (1.0 + np.tanh(0.5 * z))
    if kind == "relu":
        return np.maximum(z, 0.0)
    return z


def signal_propagation(
    k: float | str,  # n·Var(w): every W[l] ~ N(0, k/n); or a scheme name
    depth: int,  # layers L
    activation: str,  # g, one of ACTIVATIONS
    *,
    width: int = 256,  # n = n[l] for every layer, inputs included
    m: int = 256,  # examples x ~ N(0, I)
    rng: np.random.Generator,
    keep: int = 2000,  # values of a[l] kept for histograms
) -> SignalPropagation:
    """Send ``m`` inputs x ~ N(0, I) through ``depth`` random layers a[l] = g(W[l] a[l-1]).

    Every W[l] has shape (n, n) with entries N(0, k/n), biases 0, so one layer multiplies
    Var(z) by k = n·Var(w) while g is linear ({ref}`chap-derivation`). ``k`` may instead
    name a scheme (``standard``, ``xavier``, ``glorot_*``, ``he_*``): W[l] is then drawn by
    :func:`initreg.init_weights` and k = n·:func:`initreg.init_variance` of that scheme.
    The input, then W[1], W[2], ... are drawn in that order from ``rng``, so a run is the
    first layers of any deeper run from the same seed. The variances are over every example
    and unit of a layer. The products are small: they run on one BLAS thread.
    """
    if isinstance(k, str):
        scheme = v.choice(k, "k (a scheme name)", _PROPAGATION_SCHEMES)
    else:
        scheme = "xavier×√k"
        k = v.positive(k, "k")
    depth = v.positive_int(depth, "depth")
    v.choice(activation, "activation", ACTIVATIONS)
    width = v.positive_int(width, "width")
    m = v.positive_int(m, "m")
    v.generator(rng)
    keep = v.positive_int(keep, "keep")
    if scheme == "xavier×√k":
        init = initializer("xavier", gain=math.sqrt(k))
    else:
        init = initializer(scheme)
        k = width * init_variance(width, width, scheme)
    a = rng.standard_normal((m, width))
    var_z = [a.var()]
    var_a = [a.var()]
    ms = [np.mean(a * a)]
    samples = [a.ravel()[:keep].copy()]
    with _threads.one_thread(), np.errstate(over="ignore", invalid="ignore"):
        for _ in range(depth):
            z = a @ init(width, width, rng).T
            a = _g(activation, z)
            var_z.append(z.var())
            var_a.append(a.var())
            ms.append(np.mean(a * a))
            samples.append(a.ravel()[:keep].copy())
    return SignalPropagation(activation, float(k), width, np.array(var_z), np.array(var_a), np.array(ms), samples,
                             scheme)


#: The networks of {ref}`chap-derivation`'s interactive figure: ``depth`` layers of
#: ``width`` units fed ``m`` Gaussian inputs, every one drawn from ``default_rng(seed)``.
EXPLORER_NETWORK: dict[str, int] = {"depth": 50, "width": 200, "m": 200, "seed": 12345}


@functools.lru_cache(maxsize=64)
def explorer_network(activation: str, k: float) -> SignalPropagation:
    """The interactive figure's network for one activation and factor k, sampled once.

    ``signal_propagation(k, 50, activation, width=200, m=200, rng=default_rng(12345))``
    (:data:`EXPLORER_NETWORK`): every k draws the same standard normals, scaled by √k.
    Cached: the figure's frames and the chapter's checks of them share each run.

    Linear and ReLU runs are the k = 1 run :meth:`~SignalPropagation.rescaled` (the same
    numbers up to rounding; a test compares them with the sampled ones); tanh is sampled.
    """
    if activation in ("linear", "relu") and k != 1.0:
        return explorer_network(activation, 1.0).rescaled(k)
    p = EXPLORER_NETWORK
    return signal_propagation(float(k), p["depth"], activation, width=p["width"], m=p["m"],
                              rng=np.random.default_rng(p["seed"]))
