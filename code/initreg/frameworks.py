"""What the frameworks draw: the default initialization of a dense layer in PyTorch, Keras
and Flax, and how to ask each of them for every scheme of this book ({ref}`chap-beyond`).

Each default is written down from the framework's source (the file and commit are in
:data:`FRAMEWORK_DEFAULTS`) and *reimplemented here in numpy, formula for formula*, so
that its variance can be measured and compared with the book's schemes
(:func:`initreg.init_variance`):

* PyTorch ``nn.Linear.reset_parameters``: ``init.kaiming_uniform_(weight, a=math.sqrt(5))``,
  then the bias from ``init.uniform_(bias, -1/√fan_in, 1/√fan_in)``. ``kaiming_uniform_``
  draws U(±bound) with bound = √3·gain/√fan_in and gain = ``calculate_gain("leaky_relu", a)``
  = √(2/(1 + a²)) = √(1/3), so bound = 1/√n_in: the book's ``standard``, Var = 1/(3 n_in).
* Keras ``Dense``: ``kernel_initializer="glorot_uniform"``, ``bias_initializer="zeros"``;
  ``GlorotUniform`` is ``VarianceScaling(scale=1, mode="fan_avg", distribution="uniform")``,
  U(±√(3·scale/((fan_in + fan_out)/2))): the book's ``glorot_uniform``.
* Flax ``linen.Dense`` (and ``nnx.Linear``): ``lecun_normal()`` and ``zeros_init()``;
  ``lecun_normal`` is JAX's ``variance_scaling(1.0, "fan_in", "truncated_normal")``: a
  standard normal truncated to (−2, 2), times √(1/fan_in)/0.87962566103423978, the
  constant being that truncated normal's standard deviation. Var = 1/n_in, the variance of
  the book's ``xavier``, but no value beyond 2.27/√n_in.

Keras and Flax store a dense kernel as (n_in, n_out), the transpose of the book's W
(n_out × n_in); their fans are read from that shape. The draws below are made in the
framework's layout and returned in the book's.

:data:`SCHEME_CALLS` says how to ask each framework for every scheme of
:data:`initreg.INIT_SCHEMES`, and :func:`framework_draw` reimplements each of those calls
too, so that the chapter can check that every call draws the scheme's law.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from . import _validate as v
from .initializers import INIT_SCHEMES, init_variance
from .tables import TextTable

__all__ = [
    "FRAMEWORKS",
    "FrameworkDefault",
    "FRAMEWORK_DEFAULTS",
    "TRUNCATED_NORMAL_STD",
    "truncated_normal_moments",
    "default_draw",
    "defaults_table",
    "SCHEME_CALLS",
    "framework_draw",
    "scheme_calls_table",
]

#: The frameworks, in the order of the tables.
FRAMEWORKS: tuple[str, ...] = ("pytorch", "keras", "flax")

#: The constant in JAX's (and Keras's) ``variance_scaling``: "stddev of standard normal
#: truncated to (-2, 2)", as their source writes it.
TRUNCATED_NORMAL_STD = 0.87962566103423978


def truncated_normal_moments(bound: float = 2.0) -> tuple[float, float]:
    """Variance and kurtosis E[z⁴]/E[z²]² of z ~ N(0, 1) truncated to (−bound, bound).

    With φ the standard normal density and Z = 2Φ(bound) − 1:
    E[z²] = 1 − 2·bound·φ(bound)/Z and E[z⁴] = 3E[z²] − 2·bound³·φ(bound)/Z
    (integration by parts of z³·φ(z)).
    """
    b = v.positive(bound, "bound")
    phi = math.exp(-b * b / 2) / math.sqrt(2 * math.pi)
    Z = math.erf(b / math.sqrt(2))
    m2 = 1 - 2 * b * phi / Z
    m4 = 3 * m2 - 2 * b ** 3 * phi / Z
    return m2, m4 / m2 ** 2


def _truncated_normal(shape: tuple[int, ...], rng: np.random.Generator, bound: float = 2.0) -> np.ndarray:
    """N(0, 1) truncated to (−bound, bound): values outside are drawn again (as Keras documents it)."""
    z = rng.standard_normal(shape)
    out = np.abs(z) >= bound
    while out.any():
        z[out] = rng.standard_normal(int(out.sum()))
        out = np.abs(z) >= bound
    return z


# --------------------------------------------------------- the frameworks' own formulas
# Each function takes the weight's shape in the framework's own layout and follows its source.
def _torch_fans(shape: tuple[int, int]) -> tuple[int, int]:
    """torch.nn.init._calculate_fan_in_and_fan_out of a 2-D weight (out_features, in_features)."""
    return shape[1], shape[0]


def _torch_gain(nonlinearity: str, param: float | None = None) -> float:
    """torch.nn.init.calculate_gain."""
    if nonlinearity in ("linear", "sigmoid"):
        return 1.0
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        slope = 0.01 if param is None else param
        return math.sqrt(2.0 / (1 + slope ** 2))
    raise ValueError(f"nonlinearity must be one of linear, sigmoid, tanh, relu, leaky_relu; got {nonlinearity!r}")


def _torch(name: str, shape: tuple[int, int], rng: np.random.Generator, **kw: float | str) -> np.ndarray:
    """torch.nn.init.<name>_(weight, **kw) for a weight of ``shape`` = (out_features, in_features)."""
    fan_in, fan_out = _torch_fans(shape)
    if name == "zeros":
        return np.zeros(shape)
    if name == "constant":
        return np.full(shape, float(kw["val"]))
    if name == "normal":
        return rng.normal(float(kw.get("mean", 0.0)), float(kw.get("std", 1.0)), shape)
    if name == "uniform":
        return rng.uniform(float(kw.get("a", 0.0)), float(kw.get("b", 1.0)), shape)
    if name in ("xavier_uniform", "xavier_normal"):
        std = float(kw.get("gain", 1.0)) * math.sqrt(2.0 / (fan_in + fan_out))
        return rng.uniform(-math.sqrt(3.0) * std, math.sqrt(3.0) * std, shape) if name == "xavier_uniform" \
            else rng.normal(0.0, std, shape)
    if name in ("kaiming_uniform", "kaiming_normal"):
        fan = fan_in if kw.get("mode", "fan_in") == "fan_in" else fan_out
        std = _torch_gain(str(kw.get("nonlinearity", "leaky_relu")), kw.get("a", 0)) / math.sqrt(fan)
        return rng.uniform(-math.sqrt(3.0) * std, math.sqrt(3.0) * std, shape) if name == "kaiming_uniform" \
            else rng.normal(0.0, std, shape)
    if name == "orthogonal":
        rows, cols = shape
        flat = rng.standard_normal((rows, cols))
        if rows < cols:
            flat = flat.T
        q, r = np.linalg.qr(flat)
        q = q * np.sign(np.diag(r))
        return float(kw.get("gain", 1.0)) * (q.T if rows < cols else q)
    raise ValueError(f"no torch.nn.init.{name}_ here")


def _fan_scale(shape: tuple[int, int], scale: float, mode: str) -> float:
    """variance_scaling's scale / n, with n the fan of ``mode`` of a kernel (fan_in, fan_out)."""
    fan_in, fan_out = shape
    n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2}[mode]
    return scale / max(1.0, n)


def _variance_scaling(shape: tuple[int, int], rng: np.random.Generator, scale: float, mode: str,
                      distribution: str) -> np.ndarray:
    """Keras's ``VarianceScaling`` and JAX's ``variance_scaling`` for a kernel (fan_in, fan_out):
    Var = scale/n; "truncated_normal" is N(0,1) cut at ±2 times √(scale/n)/0.8796…, "normal"
    (JAX) or "untruncated_normal" (Keras) is N(0, scale/n), "uniform" is U(±√(3·scale/n))."""
    var = _fan_scale(shape, scale, mode)
    if distribution == "truncated_normal":
        return _truncated_normal(shape, rng) * (math.sqrt(var) / TRUNCATED_NORMAL_STD)
    if distribution in ("normal", "untruncated_normal"):
        return rng.standard_normal(shape) * math.sqrt(var)
    if distribution == "uniform":
        return rng.uniform(-1.0, 1.0, shape) * math.sqrt(3.0 * var)
    raise ValueError(f"no variance_scaling distribution {distribution!r}")


def _keras(name: str, shape: tuple[int, int], rng: np.random.Generator, **kw: float | str) -> np.ndarray:
    """keras.initializers.<name>(**kw)(shape) for a kernel of ``shape`` = (n_in, n_out)."""
    named = {"GlorotUniform": (1.0, "fan_avg", "uniform"), "GlorotNormal": (1.0, "fan_avg", "truncated_normal"),
             "HeUniform": (2.0, "fan_in", "uniform"), "HeNormal": (2.0, "fan_in", "truncated_normal"),
             "LecunUniform": (1.0, "fan_in", "uniform"), "LecunNormal": (1.0, "fan_in", "truncated_normal")}
    if name == "Zeros":
        return np.zeros(shape)
    if name == "Constant":
        return np.full(shape, float(kw["value"]))
    if name == "RandomNormal":
        return rng.normal(float(kw.get("mean", 0.0)), float(kw.get("stddev", 0.05)), shape)
    if name == "RandomUniform":
        return rng.uniform(float(kw.get("minval", -0.05)), float(kw.get("maxval", 0.05)), shape)
    if name == "VarianceScaling":
        return _variance_scaling(shape, rng, float(kw.get("scale", 1.0)), str(kw.get("mode", "fan_in")),
                                 str(kw.get("distribution", "truncated_normal")))
    if name in named:
        return _variance_scaling(shape, rng, *named[name])
    if name == "Orthogonal":
        rows, cols = shape  # keras: num_rows = prod(shape[:-1]), num_cols = shape[-1]
        a = rng.standard_normal((max(rows, cols), min(rows, cols)))
        q, r = np.linalg.qr(a)
        q = q * np.sign(np.diag(r))
        if rows < cols:
            q = q.T
        return float(kw.get("gain", 1.0)) * q
    raise ValueError(f"no keras.initializers.{name} here")


def _flax(name: str, shape: tuple[int, int], rng: np.random.Generator, **kw: float | str) -> np.ndarray:
    """flax.linen.initializers.<name>(**kw) (JAX's jax.nn.initializers) for a kernel (n_in, n_out)."""
    named = {"glorot_uniform": (1.0, "fan_avg", "uniform"), "glorot_normal": (1.0, "fan_avg", "truncated_normal"),
             "he_uniform": (2.0, "fan_in", "uniform"), "he_normal": (2.0, "fan_in", "truncated_normal"),
             "lecun_uniform": (1.0, "fan_in", "uniform"), "lecun_normal": (1.0, "fan_in", "truncated_normal")}
    if name == "zeros":
        return np.zeros(shape)
    if name == "constant":
        return np.full(shape, float(kw["value"]))
    if name == "normal":
        return rng.standard_normal(shape) * float(kw.get("stddev", 1e-2))
    if name == "uniform":  # JAX's uniform(scale) is U[0, scale), not symmetric
        return rng.uniform(0.0, 1.0, shape) * float(kw.get("scale", 1e-2))
    if name == "symmetric_uniform":  # jax.random.uniform(key, shape, dtype, -s, s), wrapped as an initializer
        s = float(kw["s"])
        return rng.uniform(-s, s, shape)
    if name == "variance_scaling":
        return _variance_scaling(shape, rng, float(kw["scale"]), str(kw["mode"]), str(kw["distribution"]))
    if name in named:
        return _variance_scaling(shape, rng, *named[name])
    if name == "orthogonal":  # column_axis=-1: n_rows = prod(shape)/shape[-1], n_cols = shape[-1]
        rows, cols = shape
        A = rng.standard_normal((cols, rows) if rows < cols else (rows, cols))
        q, r = np.linalg.qr(A)
        q = q * np.sign(np.diag(r))
        if rows < cols:
            q = q.T
        return float(kw.get("scale", 1.0)) * q
    raise ValueError(f"no flax.linen.initializers.{name} here")


_DRAW: dict[str, Callable[..., np.ndarray]] = {"pytorch": _torch, "keras": _keras, "flax": _flax}


def _book_layout(framework: str, n_in: int, n_out: int) -> tuple[int, int]:
    """The weight's shape in the framework's own layout."""
    return (n_out, n_in) if framework == "pytorch" else (n_in, n_out)


# ------------------------------------------------------------------ the defaults
@dataclass(frozen=True)
class FrameworkDefault:
    """One framework's default dense layer: the calls its source makes, the laws in the
    book's notation, the book's scheme with the same weight variance, and where it was read."""

    framework: str
    layer: str
    weight_call: str
    weight_law: str
    bias_call: str
    bias_law: str
    book_scheme: str
    source: str

    def weight_variance(self, n_in: int, n_out: int) -> float:
        """Var(w) of the default, as the book's :func:`initreg.init_variance` of :attr:`book_scheme`."""
        return init_variance(n_in, n_out, self.book_scheme)

    def bias_variance(self, n_in: int) -> float:
        """Var(b): 1/(3 n_in) for PyTorch's U(±1/√n_in), 0 for the zeros of Keras and Flax."""
        return 1.0 / (3.0 * v.positive_int(n_in, "n_in")) if self.framework == "pytorch" else 0.0


#: The default initialization of a dense layer in each framework, read from its source.
FRAMEWORK_DEFAULTS: dict[str, FrameworkDefault] = {
    "pytorch": FrameworkDefault(
        "pytorch", "torch.nn.Linear", "init.kaiming_uniform_(self.weight, a=math.sqrt(5))",
        "U(±1/√n_in)", "init.uniform_(self.bias, -1/√fan_in, 1/√fan_in)", "U(±1/√n_in)", "standard",
        "pytorch/pytorch@f2889c8 torch/nn/modules/linear.py (Linear.reset_parameters); torch/nn/init.py"),
    "keras": FrameworkDefault(
        "keras", "keras.layers.Dense", 'kernel_initializer="glorot_uniform"',
        "U(±√(6/(n_in + n_out)))", 'bias_initializer="zeros"', "0", "glorot_uniform",
        "keras-team/keras@3422977 keras/src/layers/core/dense.py; keras/src/initializers/random_initializers.py"),
    "flax": FrameworkDefault(
        "flax", "flax.linen.Dense", "kernel_init = initializers.lecun_normal()",
        "N(0, 1) cut to (−2, 2), × 1/(0.8796·√n_in)", "bias_init = initializers.zeros_init()", "0", "xavier",
        "google/flax@18f8f31 flax/linen/linear.py; jax-ml/jax@04f6bfa jax/_src/nn/initializers.py"),
}


def _check_framework(framework: str, n_in: int, n_out: int, rng: np.random.Generator) -> tuple[int, int]:
    v.choice(framework, "framework", FRAMEWORKS)
    v.generator(rng)
    return v.positive_int(n_in, "n_in"), v.positive_int(n_out, "n_out")


def default_draw(framework: str, n_in: int, n_out: int, *, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """``(W, b)`` of a dense layer n_in → n_out as ``framework``'s default draws them,
    reimplemented in numpy from its source; W in the book's layout (n_out × n_in)."""
    n_in, n_out = _check_framework(framework, n_in, n_out, rng)
    if framework == "pytorch":
        W = _torch("kaiming_uniform", (n_out, n_in), rng, a=math.sqrt(5))
        fan_in, _ = _torch_fans((n_out, n_in))
        bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0
        return W, _torch("uniform", (n_out, 1), rng, a=-bound, b=bound)[:, 0]
    if framework == "keras":
        return _keras("GlorotUniform", (n_in, n_out), rng).T, np.zeros(n_out)
    return _flax("lecun_normal", (n_in, n_out), rng).T, np.zeros(n_out)


def defaults_table() -> TextTable:
    """The defaults, one row per framework: the calls, the laws and the book's scheme of the same variance."""
    rows = []
    for f in FRAMEWORKS:
        d = FRAMEWORK_DEFAULTS[f]
        var = {"standard": "1/(3 n_in)", "glorot_uniform": "2/(n_in + n_out)", "xavier": "1/n_in"}[d.book_scheme]
        bvar = "1/(3 n_in)" if f == "pytorch" else "0"
        rows.append((d.layer, d.weight_call, d.weight_law, var, d.book_scheme, d.bias_law, bvar))
    return TextTable(["layer", "weight, in the source", "W[l] drawn from", "Var(w)", "the book's scheme",
                      "b[l]", "Var(b)"], rows)


# ---------------------------------------------------- every scheme in every framework
#: For every scheme of the book, the function of each framework that draws the same law and
#: its keyword arguments, each argument written as Python source (``s`` stands for the
#: scheme's scale: std, half-width or value). This is the one source of truth: the call a
#: reader writes (:data:`SCHEME_CALLS`, :func:`scheme_calls_table`) is rendered from it, and
#: :func:`framework_draw` evaluates the same argument strings and calls the numpy
#: reimplementation of the same function.
_SCHEME_ARGS: dict[str, dict[str, tuple[str, dict[str, str]]]] = {
    "zeros": {"pytorch": ("zeros", {}), "keras": ("Zeros", {}), "flax": ("zeros", {})},
    "constant": {"pytorch": ("constant", {"val": "s"}), "keras": ("Constant", {"value": "s"}),
                 "flax": ("constant", {"value": "s"})},
    "normal": {"pytorch": ("normal", {"mean": "0.0", "std": "s"}),
               "keras": ("RandomNormal", {"mean": "0.0", "stddev": "s"}),
               "flax": ("normal", {"stddev": "s"})},
    "uniform": {"pytorch": ("uniform", {"a": "-s", "b": "s"}),
                "keras": ("RandomUniform", {"minval": "-s", "maxval": "s"}),
                "flax": ("symmetric_uniform", {"s": "s"})},
    "standard": {"pytorch": ("kaiming_uniform", {"a": "math.sqrt(5)"}),
                 "keras": ("VarianceScaling", {"scale": "1/3", "mode": '"fan_in"', "distribution": '"uniform"'}),
                 "flax": ("variance_scaling", {"scale": "1/3", "mode": '"fan_in"', "distribution": '"uniform"'})},
    "xavier": {"pytorch": ("kaiming_normal", {"nonlinearity": '"linear"'}),
               "keras": ("VarianceScaling", {"scale": "1.0", "mode": '"fan_in"',
                                             "distribution": '"untruncated_normal"'}),
               "flax": ("variance_scaling", {"scale": "1.0", "mode": '"fan_in"', "distribution": '"normal"'})},
    "glorot_normal": {"pytorch": ("xavier_normal", {}),
                      "keras": ("VarianceScaling", {"scale": "1.0", "mode": '"fan_avg"',
                                                    "distribution": '"untruncated_normal"'}),
                      "flax": ("variance_scaling", {"scale": "1.0", "mode": '"fan_avg"',
                                                    "distribution": '"normal"'})},
    "glorot_uniform": {"pytorch": ("xavier_uniform", {}), "keras": ("GlorotUniform", {}),
                       "flax": ("glorot_uniform", {})},
    "he_normal": {"pytorch": ("kaiming_normal", {"nonlinearity": '"relu"'}),
                  "keras": ("VarianceScaling", {"scale": "2.0", "mode": '"fan_in"',
                                                "distribution": '"untruncated_normal"'}),
                  "flax": ("variance_scaling", {"scale": "2.0", "mode": '"fan_in"', "distribution": '"normal"'})},
    "he_uniform": {"pytorch": ("kaiming_uniform", {"nonlinearity": '"relu"'}), "keras": ("HeUniform", {}),
                   "flax": ("he_uniform", {})},
    "orthogonal": {"pytorch": ("orthogonal", {}), "keras": ("Orthogonal", {}), "flax": ("orthogonal", {})},
}


def _render_call(framework: str, name: str, kw: dict[str, str]) -> str:
    """The call a reader writes, rendered from the function's name and its argument strings."""
    args = ", ".join(f"{k}={a}" for k, a in kw.items())
    if framework == "pytorch":
        return f"nn.init.{name}_(w{', ' + args if args else ''})"
    if framework == "flax" and name == "symmetric_uniform":  # Flax has no U(−s, s) initializer
        return f"lambda key, shape, dtype=jnp.float32: jax.random.uniform(key, shape, dtype, -{kw['s']}, {kw['s']})"
    if framework == "flax" and name == "zeros":  # an initializer itself, not a factory
        return "initializers.zeros"
    return f"initializers.{name}({args})"


def _eval_args(kw: dict[str, str], s: float) -> dict[str, object]:
    """The argument strings evaluated, with ``s`` the scheme's scale."""
    return {k: eval(a, {"__builtins__": {}, "math": math}, {"s": s}) for k, a in kw.items()}  # noqa: S307


#: For every scheme of the book, the call in each framework that draws the same law, as
#: ``(call as a reader writes it, the function reimplemented here, its arguments as source)``,
#: all three from :data:`_SCHEME_ARGS`.
SCHEME_CALLS: dict[str, dict[str, tuple[str, str, dict[str, str]]]] = {
    scheme: {f: (_render_call(f, name, kw), name, kw) for f, (name, kw) in calls.items()}
    for scheme, calls in _SCHEME_ARGS.items()
}


def framework_draw(scheme: str, framework: str, n_in: int, n_out: int, *, rng: np.random.Generator,
                   scale: float | None = None) -> np.ndarray:
    """W (n_out × n_in, the book's layout) as ``framework`` draws it through the call that
    :data:`SCHEME_CALLS` gives for ``scheme``, reimplemented in numpy from its source.
    ``scale`` is the scheme's s for ``constant``, ``normal`` and ``uniform``."""
    v.choice(scheme, "scheme", INIT_SCHEMES)
    n_in, n_out = _check_framework(framework, n_in, n_out, rng)
    if scheme in ("constant", "normal", "uniform"):
        if scale is None:
            raise ValueError(f"scale is required for scheme {scheme!r}")
        s = v.real(scale, "scale") if scheme == "constant" else v.nonneg(scale, "scale")
    elif scale is not None:
        raise ValueError(f"scale is only used by the schemes constant, normal, uniform; got it for {scheme!r}")
    else:
        s = 0.0
    _, name, kw = SCHEME_CALLS[scheme][framework]
    args = _eval_args(kw, s)
    W = _DRAW[framework](name, _book_layout(framework, n_in, n_out), rng, **args)
    return W if framework == "pytorch" else W.T


def scheme_calls_table() -> TextTable:
    """Every scheme of the book, and the call that draws it in each framework."""
    rows = [(s,) + tuple(SCHEME_CALLS[s][f][0] for f in FRAMEWORKS) for s in INIT_SCHEMES]
    return TextTable(["the book's scheme", "PyTorch (torch.nn.init)", "Keras (keras.initializers)",
                      "Flax (flax.linen.initializers)"], rows)
