"""Initialization on small networks: what goes wrong, measured. See {ref}`chap-why`.

Three experiments, in the order of the chapter:

* :func:`linear_chain`: the AI Notes' deep linear network {cite:p}`katanforoosh2019initializing`,
  ``ŷ = W[L] W[L-1] ... W[1] x`` with ``W[1] = ... = W[L-1] = s·I``, so that
  ``a[l] = s^l x``, ``ŷ = s^(L-1) W[L] x`` and the back-propagated gradient
  ``∂ŷ/∂a[l] = s^(L-1-l) W[L]``: signals and gradients explode for ``s > 1`` and vanish
  for ``s < 1``, geometrically in the depth.
* :func:`symmetry_run`, :func:`distinct_units`, :func:`symmetry_gap`: a network whose
  hidden units start equal (zeros, a constant) gets equal gradients for them, so they
  stay equal for ever: each hidden layer acts as one unit.
* :func:`playground_run`, :data:`TOY_INITS`, :func:`toy_initializer`: the AI Notes
  playground, the network ``[2, 6, 3, 1]`` (ReLU, ReLU, sigmoid output) trained by
  full-batch gradient descent from ``W[l] ~ N(0, k/n[l-1])`` with ``k`` = 0, 0.01, 1, 100,
  on the four toy sets; :func:`toy_seed_sweep` repeats it over seeds,
  :func:`toy_second_moments` measures how Xavier's ``k = 1`` halves a ReLU signal per layer
  where He's ``k = 2`` keeps it, and :func:`toy_init_figure` is its interactive figure.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import FixedLocator, FuncFormatter, NullLocator

from . import _validate as v
from .datasets import TOY_DATASETS, DataSplit, toy_data
from ._explorable_v1 import Choice, Explorable, Slider, register_figure
from .initializers import INIT_SCHEMES, Initializer, initializer
from .network import ACTIVATIONS, Network
from .figures.style import INIT_COLORS, new_figure, plot_decision_boundary
from .training import History, train

__all__ = [
    "LinearChain",
    "linear_chain",
    "plot_linear_chain",
    "distinct_units",
    "symmetry_gap",
    "merge_identical_units",
    "SymmetryRun",
    "symmetry_run",
    "plot_unit_weights",
    "TOY_INITS",
    "AI_NOTES_SIZES",
    "STEP_GRID",
    "toy_initializer",
    "dead_relu_units",
    "InitScaling",
    "toy_init_scaling",
    "PlaygroundRun",
    "playground_run",
    "SeedSweep",
    "toy_seed_sweep",
    "SecondMoments",
    "toy_second_moments",
    "plot_toy_grid",
    "toy_init_figure",
]


def _role_of_scale(scale: float) -> str:
    """The colour role of a chain scale: < 1 too small, 1 appropriate, > 1 too large."""
    if abs(scale) == 1.0:
        return "appropriate"
    return "too small" if abs(scale) < 1.0 else "too large"


# --------------------------------------------------------------------------- linear chain
@dataclass(frozen=True)
class LinearChain:
    """Forward and backward pass of the deep linear network of :func:`linear_chain`.

    ``activations[l]`` is ``a[l]`` for ``l = 0..L-1`` (``a[0] = x``), ``output`` is
    ``ŷ = W[L] a[L-1]``, ``backprop[l]`` is ``∂ŷ/∂a[l]`` and ``weight_grads[l-1]`` is
    ``∂ŷ/∂W[l]`` for ``l = 1..L``.
    """

    scale: float
    L: int
    weights: list[np.ndarray]
    activations: np.ndarray
    output: float
    backprop: np.ndarray
    weight_grads: list[np.ndarray]

    @property
    def activation_norms(self) -> np.ndarray:
        """‖a[l]‖ for l = 0..L-1."""
        return np.linalg.norm(self.activations, axis=1)

    @property
    def backprop_norms(self) -> np.ndarray:
        """‖∂ŷ/∂a[l]‖ for l = 0..L-1."""
        return np.linalg.norm(self.backprop, axis=1)

    @property
    def weight_grad_norms(self) -> np.ndarray:
        """‖∂ŷ/∂W[l]‖ (Frobenius) for l = 1..L."""
        return np.array([np.linalg.norm(g) for g in self.weight_grads])

    def __repr__(self) -> str:
        return (f"LinearChain(W[1..{self.L - 1}] = {self.scale:g}·I, L = {self.L}: "
                f"ŷ = {self.output:.4g}, ‖a[{self.L - 1}]‖/‖x‖ = "
                f"{self.activation_norms[-1] / self.activation_norms[0]:.4g})")


def linear_chain(
    scale: float,  # s, the diagonal of W[1] = ... = W[L-1] = s·I
    *,
    L: int = 10,  # layers with weights; the output layer is W[L]
    x: Sequence[float] | np.ndarray = (1.0, 1.0),  # the input a[0], n entries
    w_out: Sequence[float] | np.ndarray | None = None,  # W[L] as n numbers; default all ones
) -> LinearChain:
    """The AI Notes' deep linear network: ``ŷ = W[L] (s·I)^(L-1) x = s^(L-1) W[L] x``.

    Layers ``1..L-1`` are ``n × n`` with ``W[l] = s·I`` and the identity activation, so
    ``a[l] = s^l x``; the output layer ``W[L]`` is ``1 × n``. The forward pass runs in
    :class:`initreg.Network`; the backward pass of ``ŷ`` gives ``∂ŷ/∂a[l] = s^(L-1-l) W[L]``
    and ``∂ŷ/∂W[l] = (∂ŷ/∂a[l])ᵀ a[l-1]ᵀ = s^(L-2) W[L]ᵀ xᵀ`` for every hidden layer.
    See {ref}`chap-why`.
    """
    scale = v.real(scale, "scale")
    L = v.positive_int(L, "L")
    if L < 2:
        raise ValueError(f"L must be at least 2 (one hidden layer and the output layer); got {L}")
    xa = v.array(x, "x", ndim=1)
    n = xa.size
    if n == 0:
        raise ValueError("x must have at least one entry")
    if w_out is None:
        wo = np.ones(n)
    else:
        wo = v.array(w_out, "w_out", ndim=1)
        if wo.size != n:
            raise ValueError(f"w_out must have as many entries as x ({n}); got {wo.size}")

    def init(n_in: int, n_out: int, rng: np.random.Generator) -> np.ndarray:
        return scale * np.eye(n) if n_out == n else wo[None, :].copy()

    init.__name__ = f"{scale:g}·I"
    net = Network([n] * L + [1], "linear", "sigmoid", init=init, rng=np.random.default_rng(0))
    A = net.forward(xa[None, :])  # [a0, a1, ..., a(L-1), sigmoid(ŷ)]
    acts = np.array([a[0] for a in A[:-1]])
    with np.errstate(over="ignore", invalid="ignore"):
        y_hat = float(acts[-1] @ net.weights[-1][0] + net.biases[-1][0])
        back = np.empty((L, n))
        back[L - 1] = net.weights[-1][0]
        for l in range(L - 1, 0, -1):  # a[l] = W[l] a[l-1], and net.weights[l-1] is W[l]
            back[l - 1] = back[l] @ net.weights[l - 1]
        grads = [np.outer(back[l], acts[l - 1]) for l in range(1, L)] + [acts[L - 1][None, :].copy()]
    if not (np.all(np.isfinite(acts)) and np.isfinite(y_hat) and np.all(np.isfinite(back))):
        raise ValueError(f"scale**(L-1) = {scale:g}**{L - 1} overflows: use a smaller scale or fewer layers")
    return LinearChain(scale, L, [w.copy() for w in net.weights], acts, y_hat, back, grads)


def plot_linear_chain(chains: Sequence[LinearChain]) -> Figure:
    """‖a[l]‖ and ‖∂ŷ/∂a[l]‖ against the layer l, one line per chain (log scale)."""
    chains = list(chains) if isinstance(chains, Sequence) else chains
    if not isinstance(chains, list) or not chains or not all(isinstance(c, LinearChain) for c in chains):
        raise TypeError("chains must be a non-empty sequence of LinearChain (from initreg.linear_chain)")
    fig, axes = new_figure(8.0, 3.0, ncols=2)
    for c in chains:
        col = INIT_COLORS[_role_of_scale(c.scale)]
        lab = f"$W = {c.scale:g}\\,I$"
        layers = np.arange(c.L)
        axes[0, 0].plot(layers, c.activation_norms, "o-", color=col, label=lab, ms=4)
        axes[0, 1].plot(layers, c.backprop_norms, "s-", color=col, label=lab, ms=4)
    axes[0, 0].set(xlabel="layer $l$", ylabel=r"$\|a^{[l]}\|$", title="forward: activations", yscale="log")
    axes[0, 1].set(xlabel="layer $l$", ylabel=r"$\|\partial \hat y / \partial a^{[l]}\|$",
                   title="backward: gradients", yscale="log")
    for ax in axes[0]:
        ax.grid(alpha=0.3)
        ax.set_xticks(np.arange(chains[0].L))
    axes[0, 0].legend(frameon=False)
    return fig


# ------------------------------------------------------------------------------- symmetry
def _check_net(net: object) -> Network:
    if not isinstance(net, Network):
        raise TypeError(f"net must be an initreg.Network; got {type(net).__name__}")
    return net


def _unit_params(net: Network, l: int) -> np.ndarray:
    """Hidden layer l+1's units as rows: [incoming W row | bias | outgoing W column]."""
    return np.hstack([net.weights[l], net.biases[l][:, None], net.weights[l + 1].T])


def distinct_units(net: Network) -> list[int]:
    """For each hidden layer ``l = 1..L-1``, how many of its ``n[l]`` units differ.

    Unit ``i`` of layer ``l`` is its incoming weights ``W[l][i, :]``, its bias ``b[l][i]``
    and its outgoing weights ``W[l+1][:, i]``; two units are the same when all of these are
    equal to the last bit. A layer whose units are all the same computes one number per
    example, repeated ``n[l]`` times. See {ref}`chap-why`.
    """
    net = _check_net(net)
    return [int(np.unique(_unit_params(net, l), axis=0).shape[0]) for l in range(net.L - 1)]


def symmetry_gap(net: Network) -> np.ndarray:
    """For each hidden layer, ``max_i max |θ_i - θ_1|`` over its units' parameters ``θ_i``.

    ``θ_i`` is unit ``i``'s incoming row of ``W[l]``, its bias and its outgoing column of
    ``W[l+1]``, as in :func:`distinct_units`. Exactly 0 when every unit equals the first.
    """
    net = _check_net(net)
    return np.array([float(np.max(np.abs(p - p[0]))) for p in
                     (_unit_params(net, l) for l in range(net.L - 1))])


def merge_identical_units(net: Network) -> Network:
    """The smallest network that computes exactly what ``net`` computes, by merging units.

    Hidden units of layer ``l`` with the same incoming weights ``W[l][i, :]`` and bias
    ``b[l][i]`` have the same activation on every input, so they can be replaced by one
    unit whose outgoing weights are the sum of theirs: ``W[l+1][:, i] ← Σ_group W[l+1][:, j]``.
    Applied layer by layer from the input. A network whose units never separated collapses
    to ``[n[0], 1, ..., 1, n[L]]``: one unit per layer. See {ref}`chap-why`.
    """
    net = _check_net(net)
    weights = [w.copy() for w in net.weights]
    biases = [b.copy() for b in net.biases]
    for l in range(net.L - 1):
        incoming = np.hstack([weights[l], biases[l][:, None]])
        _, first, group = np.unique(incoming, axis=0, return_index=True, return_inverse=True)
        order = np.argsort(first)  # keep the units in their original order
        rank = np.empty_like(order)
        rank[order] = np.arange(order.size)
        group = rank[np.ravel(group)]
        keep = np.sort(first)
        outgoing = np.zeros((weights[l + 1].shape[0], keep.size), dtype=weights[l + 1].dtype)
        np.add.at(outgoing.T, group, weights[l + 1].T)
        weights[l], biases[l], weights[l + 1] = weights[l][keep], biases[l][keep], outgoing
    sizes = [net.sizes[0]] + [w.shape[0] for w in weights]
    small = Network(sizes, list(net.activations), net.output, init="zeros", rng=np.random.default_rng(0),
                    dtype=net.dtype)
    small.set_params([p for pair in zip(weights, biases) for p in pair])
    small.init_name = f"merged from {net.init_name}"
    return small


@dataclass(frozen=True)
class SymmetryRun:
    """A network trained from ``init`` on a :class:`initreg.DataSplit`, watched for symmetry.

    ``gaps[r]`` is :func:`symmetry_gap` at the ``r``-th record of ``history`` and
    ``distinct_history[r]`` is :func:`distinct_units` there (one column per hidden layer);
    ``distinct`` is :func:`distinct_units` after training; ``moved[l-1]`` says whether
    ``(W[l], b[l])`` changed at all during training; ``first_units[r]`` is ``W[1]`` at the
    start (r = 0) and at the end (r = 1).
    """

    label: str
    activation: str
    sizes: tuple[int, ...]
    history: History
    gaps: np.ndarray
    distinct: list[int]
    moved: list[tuple[bool, bool]]
    net: Network
    first_layer: tuple[np.ndarray, np.ndarray]
    distinct_history: np.ndarray

    @property
    def symmetric(self) -> bool:
        """True when every hidden layer kept all its units identical at every record."""
        return bool(self.gaps.size == 0 or np.all(self.gaps == 0.0))

    @property
    def moved_names(self) -> list[str]:
        """The parameter arrays that changed, e.g. ``['b[3]']``."""
        out = []
        for l, (w, b) in enumerate(self.moved, start=1):
            out += [f"W[{l}]"] * w + [f"b[{l}]"] * b
        return out

    def __repr__(self) -> str:
        acc = self.history.test_accuracy[-1] if self.history.test_accuracy else self.history.accuracy[-1]
        moved = ", ".join(self.moved_names) or "nothing"
        return (f"SymmetryRun({self.label}, {self.activation}: distinct units per hidden layer "
                f"{self.distinct} of {list(self.sizes[1:-1])}; changed: {moved}; "
                f"test accuracy {acc:.3f})")


def symmetry_run(
    data: DataSplit,
    init: str | Initializer,  # a scheme of INIT_SCHEMES or initreg.initializer(...)
    *,
    hidden: Sequence[int] = (32, 16),  # n[1], ..., n[L-1]
    activation: str = "tanh",
    epochs: int = 300,
    lr: float = 0.5,
    seed: int = 0,
    record_every: int = 10,
    label: str | None = None,
    nudge: float = 0.0,  # added to W[1][0, :] after initialization: a test of the symmetry's stability
) -> SymmetryRun:
    """Train ``[n[0], *hidden, classes]`` from ``init`` (full batch) and watch its units.

    If every unit of a hidden layer starts with the same parameters, back-propagation gives
    each the same gradient, ``∂J/∂W[l][i,:] = Σ_examples dZ[l]_i a[l-1]``, so gradient descent
    keeps them equal: the symmetry is never broken. A ``nudge`` added to the incoming
    weights of one unit, ``W[1][0, :]``, tests whether training amplifies a small difference.
    See {ref}`chap-why`.
    """
    if not isinstance(data, DataSplit):
        raise TypeError(f"data must be an initreg.DataSplit (e.g. initreg.load_digits()); got {type(data).__name__}")
    if isinstance(hidden, (str, bytes)) or not isinstance(hidden, Sequence) or len(hidden) == 0:
        raise ValueError(f"hidden must be a non-empty sequence of widths n[1], ..., n[L-1]; got {hidden!r}")
    widths = [v.positive_int(h, f"hidden[{i}]") for i, h in enumerate(hidden)]
    v.choice(activation, "activation", ACTIVATIONS)
    epochs = v.positive_int(epochs, "epochs")
    v.positive(lr, "lr")
    seed = v.nonneg_int(seed, "seed")
    record_every = v.positive_int(record_every, "record_every")
    if label is not None and not isinstance(label, str):
        raise TypeError(f"label must be a string or None; got {type(label).__name__}")
    if isinstance(init, str):
        v.choice(init, "init", INIT_SCHEMES)
    elif not callable(init):
        raise TypeError(f"init must be one of {', '.join(INIT_SCHEMES)} or a function (n_in, n_out, rng) -> W")
    nudge = v.real(nudge, "nudge")
    sizes = (data.n_features, *widths, data.n_classes)
    net = Network(list(sizes), activation, init=init, rng=np.random.default_rng(seed))
    if nudge:
        net.weights[0][0, :] += nudge
    start = net.get_params()
    w1_start = net.weights[0].copy()
    gaps: list[np.ndarray] = []
    counts: list[list[int]] = []

    def watch(epoch: int, current: Network) -> None:
        gap = symmetry_gap(current)
        gaps.append(gap)
        # a layer whose gap is 0 has one distinct unit; only the others need the (slower) count
        counts.append([1 if g == 0.0 else n for g, n in zip(gap, distinct_units(current))]
                      if np.any(gap != 0.0) else [1] * gap.size)

    hist = train(net, data.X_train, data.y_train, epochs=epochs, lr=lr, X_test=data.X_test,
                 y_test=data.y_test, record_every=record_every, callback=watch)
    end = net.get_params()
    moved = [(bool(np.any(end[2 * l] != start[2 * l])), bool(np.any(end[2 * l + 1] != start[2 * l + 1])))
             for l in range(net.L)]
    return SymmetryRun(label or net.init_name, activation, sizes, hist, np.array(gaps), distinct_units(net),
                       moved, net, (w1_start, net.weights[0].copy()),
                       np.array(counts, dtype=np.int64).reshape(len(counts), len(widths)))


def plot_unit_weights(runs: Sequence[SymmetryRun], *, n_units: int = 8) -> Figure:
    """The incoming weights ``W[1][i, :]`` of the first ``n_units`` hidden units after
    training, each drawn as an image of the input (8×8 for the digits); one row per run."""
    if isinstance(runs, SymmetryRun) or not isinstance(runs, Sequence) or not runs \
            or not all(isinstance(r, SymmetryRun) for r in runs):
        raise TypeError("runs must be a non-empty sequence of SymmetryRun (from initreg.symmetry_run)")
    n_units = v.positive_int(n_units, "n_units")
    n_units = min(n_units, min(r.sizes[1] for r in runs))
    side = int(round(math.sqrt(runs[0].sizes[0])))
    if side * side != runs[0].sizes[0] or any(r.sizes[0] != runs[0].sizes[0] for r in runs):
        raise ValueError("plot_unit_weights needs square inputs of one size (such as the 8×8 digits)")
    fig, axes = new_figure(1.0 * n_units + 1.2, 1.05 * len(runs) + 0.3, ncols=n_units, nrows=len(runs))
    for r, run in enumerate(runs):
        w = run.first_layer[1][:n_units]
        lim = float(np.max(np.abs(w))) or 1.0
        for i in range(n_units):
            ax = axes[r, i]
            ax.imshow(w[i].reshape(side, side), cmap="RdBu_r", vmin=-lim, vmax=lim)
            ax.set(xticks=[], yticks=[])
            if r == 0:
                ax.set_title(f"unit {i + 1}", fontsize=9)
        axes[r, 0].set_ylabel(f"{run.label}\n({run.activation})", fontsize=9)
    return fig


# ---------------------------------------------------------------------- the AI Notes toys
#: The AI Notes playground's four initializations, W[l] ~ N(0, k/n[l-1]), by role → k.
TOY_INITS: dict[str, float] = {"zero": 0.0, "too small": 0.01, "appropriate": 1.0, "too large": 100.0}
#: The AI Notes playground network: 2 inputs, ReLU layers of 6 and 3 units, one sigmoid output.
AI_NOTES_SIZES: tuple[int, ...] = (2, 6, 3, 1)
#: The steps at which the static interactive figure shows the training.
STEP_GRID: tuple[int, ...] = (0, 10, 30, 100, 300, 1000, 3000)


def toy_initializer(k: float) -> Initializer:
    """``W[l] ~ N(0, k/n[l-1])``: ``initreg.initializer("xavier", gain=√k)``.

    ``k = 1`` is the source article's Xavier rule (the AI Notes' "appropriate"); for the
    playground's ReLU layers He's ``k = 2`` is the one that keeps the signal's second moment
    level (:func:`toy_second_moments`). ``k = 0`` gives all zeros. See {ref}`chap-why`.
    """
    k = v.nonneg(k, "k")
    init = initializer("xavier", gain=math.sqrt(k))
    init.__name__ = init.__qualname__ = f"N(0, {k:g}/n)"
    return init


def dead_relu_units(net: Network, X: object) -> list[int]:
    """For each hidden ReLU layer, how many units output 0 on every row of ``X`` (``None``
    entries are layers with another activation). A dead unit passes no gradient back."""
    net = _check_net(net)
    A = net.forward(X)
    return [int(np.sum(np.all(a == 0.0, axis=0))) if act == "relu" else None
            for a, act in zip(A[1:-1], net.activations)]


def _logits(net: Network, X: np.ndarray) -> np.ndarray:
    """The output pre-activation z[L] = a[L-1] W[L]ᵀ + b[L] (before the sigmoid)."""
    A = net.forward(X)
    return A[-2] @ net.weights[-1].T + net.biases[-1]


@dataclass(frozen=True)
class InitScaling:
    """The AI Notes network at initialization, for each role of :data:`TOY_INITS`.

    ``loss[r]`` is the cost J, ``logit_std[r]`` the standard deviation of the output
    pre-activation z[L] over the data, and ``grad_norms[r, l-1]`` is ‖∂J/∂W[l]‖.
    """

    dataset: str
    roles: tuple[str, ...]
    k: np.ndarray
    loss: np.ndarray
    logit_std: np.ndarray
    grad_norms: np.ndarray

    def __repr__(self) -> str:
        L = self.grad_norms.shape[1]
        head = (f"{self.dataset}, step 0  {'k':>6}  {'cost J':>8}  {'std z[L]':>9}  "
                + "  ".join(f"{f'|dJ/dW[{l}]|':>11}" for l in range(1, L + 1)))
        rows = [head]
        for i, r in enumerate(self.roles):
            rows.append(f"{r:<{len(self.dataset) + 8}}  {self.k[i]:>6g}  {self.loss[i]:>8.4g}  "
                        f"{self.logit_std[i]:>9.3g}  " + "  ".join(f"{g:>11.3g}" for g in self.grad_norms[i]))
        return "\n".join(rows)

    def relative_to(self, role: str = "appropriate") -> "InitScaling":
        """Every row divided by the row of ``role`` (losses too)."""
        i = self.roles.index(v.choice(role, "role", self.roles))
        with np.errstate(divide="ignore", invalid="ignore"):
            return InitScaling(self.dataset, self.roles, self.k, self.loss / self.loss[i],
                               self.logit_std / self.logit_std[i], self.grad_norms / self.grad_norms[i])


def toy_init_scaling(dataset: str, *, n: int = 300, seed: int = 0) -> InitScaling:
    """Cost, output spread and gradient norms of the AI Notes network at step 0, per role.

    With zero biases and ReLU (``g(cz) = c·g(z)`` for ``c > 0``), scaling every ``W[l]`` by
    ``√k`` scales the output pre-activation by ``(√k)^L = k^(3/2)`` for ``L = 3``, and the
    gradient ``∂z[L]/∂W[l]`` by ``(√k)^(L-1) = k``: the toy network's version of the
    geometric growth of :func:`linear_chain`. See {ref}`chap-why`.
    """
    v.choice(dataset, "dataset", TOY_DATASETS)
    n = v.positive_int(n, "n")
    if n < 2:
        raise ValueError(f"n must be at least 2; got {n}")
    seed = v.nonneg_int(seed, "seed")
    X, y = toy_data(dataset, n, rng=np.random.default_rng(seed))
    roles = tuple(TOY_INITS)
    rows = []
    for r in roles:
        net = Network(list(AI_NOTES_SIZES), "relu", "sigmoid", init=toy_initializer(TOY_INITS[r]),
                      rng=np.random.default_rng(seed))
        g = net.backward(X, y)
        rows.append((g.loss, float(np.std(_logits(net, X))), [float(np.linalg.norm(d)) for d in g.dW]))
    return InitScaling(dataset, roles, np.array([TOY_INITS[r] for r in roles]),
                       np.array([r[0] for r in rows]), np.array([r[1] for r in rows]),
                       np.array([r[2] for r in rows]))


@dataclass(frozen=True)
class PlaygroundRun:
    """One AI Notes playground run: a data set, an initialization role and its history.

    ``params[s]`` holds every weight and bias, flattened, after ``s`` steps (``s`` up to
    :attr:`last_step`; fewer when training diverged). Runs are cached and shared by
    :func:`playground_run`: treat them as read-only.
    """

    dataset: str
    role: str
    k: float
    lr: float
    X: np.ndarray
    y: np.ndarray
    history: History
    params: np.ndarray
    _template: Network = field(repr=False)

    @property
    def last_step(self) -> int:
        return int(self.params.shape[0] - 1)

    def network(self, step: int) -> Network:
        """The network after ``min(step, last_step)`` gradient steps (a fresh copy)."""
        step = v.nonneg_int(step, "step")
        flat = self.params[min(step, self.last_step)]
        net = self._template.copy()
        parts, i = [], 0
        for p in self._template.get_params():
            parts.append(flat[i:i + p.size].reshape(p.shape))
            i += p.size
        net.set_params(parts)
        return net

    def loss_at(self, step: int) -> float:
        """The cost J after ``min(step, last_step)`` steps."""
        step = v.nonneg_int(step, "step")
        return float(self.history.loss[min(step, self.last_step)])

    def accuracy_at(self, step: int) -> float:
        step = v.nonneg_int(step, "step")
        return float(self.history.accuracy[min(step, self.last_step)])

    def __repr__(self) -> str:
        return (f"PlaygroundRun({self.dataset}, {self.role} (k = {self.k:g}): {self.history.status}, "
                f"cost {self.history.loss[0]:.4g} → {self.history.loss[-1]:.4g}, "
                f"accuracy {self.history.accuracy[-1]:.3f})")


def playground_run(
    dataset: str,  # one of TOY_DATASETS
    role: str,  # one of TOY_INITS: zero, too small, appropriate, too large
    *,
    steps: int = 3000,
    lr: float = 0.1,
    n: int = 300,
    seed: int = 0,
) -> PlaygroundRun:
    """Train the AI Notes network ``[2, 6, 3, 1]`` (ReLU, ReLU, sigmoid) on a toy set.

    The data are ``toy_data(dataset, n, rng=default_rng(seed))``; the weights are drawn from
    ``N(0, k/n[l-1])`` with ``k = TOY_INITS[role]`` by ``default_rng(seed)``, biases 0; then
    ``steps`` steps of full-batch gradient descent with learning rate ``lr`` on the binary
    cross-entropy. Every step's parameters are kept. Cached: the same arguments return the
    same run. See {ref}`chap-why`.
    """
    v.choice(dataset, "dataset", TOY_DATASETS)
    v.choice(role, "role", tuple(TOY_INITS))
    steps = v.nonneg_int(steps, "steps")
    lr = v.positive(lr, "lr")
    n = v.positive_int(n, "n")
    if n < 2:
        raise ValueError(f"n must be at least 2; got {n}")
    seed = v.nonneg_int(seed, "seed")
    return _playground_run(dataset, role, steps, lr, n, seed)


@functools.lru_cache(maxsize=64)
def _playground_run(dataset: str, role: str, steps: int, lr: float, n: int, seed: int) -> PlaygroundRun:
    X, y = toy_data(dataset, n, rng=np.random.default_rng(seed))
    k = TOY_INITS[role]
    net = Network(list(AI_NOTES_SIZES), "relu", "sigmoid", init=toy_initializer(k),
                  rng=np.random.default_rng(seed))
    template = net.copy()
    rows: list[np.ndarray] = []

    def keep(epoch: int, current: Network) -> None:
        rows.append(np.concatenate([p.ravel() for p in current.get_params()]))

    hist = train(net, X, y, epochs=steps, lr=lr, callback=keep)
    X.setflags(write=False)
    y.setflags(write=False)
    params = np.array(rows)
    params.setflags(write=False)
    return PlaygroundRun(dataset, role, k, lr, X, y, hist, params, template)


@dataclass(frozen=True)
class SeedSweep:
    """The cost of :func:`playground_run` for several seeds and roles.

    ``cost[i, j, s]`` is the cost J after ``s`` steps of role ``roles[i]`` with seed
    ``seeds[j]`` (NaN after the step at which a diverged run stopped), ``final_cost[i, j]``
    is its last finite value and ``final_accuracy[i, j]`` the training accuracy there;
    every seed draws its own data set and its own weights.
    """

    dataset: str
    steps: int
    seeds: tuple[int, ...]
    roles: tuple[str, ...]
    final_cost: np.ndarray
    final_accuracy: np.ndarray
    cost: np.ndarray

    def _row(self, role: str) -> int:
        return self.roles.index(v.choice(role, "role", self.roles))

    def learned(self, threshold: float = 0.1) -> dict[str, int]:
        """For each role, how many seeds end with a cost below ``threshold``."""
        threshold = v.positive(threshold, "threshold")
        return {r: int(np.sum(self.final_cost[i] < threshold)) for i, r in enumerate(self.roles)}

    def rises(self, role: str, upto: int | None = None) -> np.ndarray:
        """For each seed, at how many of the steps ``s = 1..upto`` the cost rose:
        ``J(s) > J(s-1)``, strictly (a rise of one rounding error counts). ``upto``
        defaults to all ``steps``; steps after a divergence do not count."""
        i = self._row(role)
        upto = self.steps if upto is None else v.positive_int(upto, "upto")
        if upto > self.steps:
            raise ValueError(f"upto must be at most steps = {self.steps}; got {upto}")
        J = self.cost[i, :, :upto + 1]
        return np.sum(J[:, 1:] > J[:, :-1], axis=1)

    def __repr__(self) -> str:
        head = f"{self.dataset}, cost after {self.steps} steps, seeds {self.seeds[0]}..{self.seeds[-1]}"
        width = max(len(r) for r in self.roles)
        rows = [head] + [f"{r:<{width}}  " + " ".join(f"{c:6.3f}" for c in self.final_cost[i])
                         for i, r in enumerate(self.roles)]
        return "\n".join(rows)


def toy_seed_sweep(
    dataset: str,
    *,
    seeds: Sequence[int] = tuple(range(8)),
    roles: Sequence[str] = ("too small", "appropriate", "too large"),
    steps: int = 1000,
    lr: float = 0.1,
    n: int = 300,
) -> SeedSweep:
    """Repeat :func:`playground_run` over ``seeds``: how typical is one random draw?

    Seed ``s`` draws the data set and the weights with ``default_rng(s)``, as
    :func:`playground_run` does, and the runs are its cached runs. See {ref}`chap-why`.
    """
    v.choice(dataset, "dataset", TOY_DATASETS)
    if isinstance(seeds, (str, bytes)) or not isinstance(seeds, Sequence) or len(seeds) == 0:
        raise ValueError(f"seeds must be a non-empty sequence of non-negative integers; got {seeds!r}")
    seeds = tuple(v.nonneg_int(s, f"seeds[{i}]") for i, s in enumerate(seeds))
    if isinstance(roles, (str, bytes)) or not isinstance(roles, Sequence) or len(roles) == 0:
        raise ValueError(f"roles must be a non-empty sequence of names from {', '.join(TOY_INITS)}")
    roles = tuple(v.choice(r, f"roles[{i}]", tuple(TOY_INITS)) for i, r in enumerate(roles))
    steps = v.positive_int(steps, "steps")
    runs = [[playground_run(dataset, r, steps=steps, lr=lr, n=n, seed=s) for s in seeds] for r in roles]
    cost = np.full((len(roles), len(seeds), steps + 1), np.nan)
    for i, row in enumerate(runs):
        for j, run in enumerate(row):
            J = np.asarray(run.history.loss)
            cost[i, j, :J.size] = J
    final = np.array([[run.history.loss[-1] for run in row] for row in runs])
    acc = np.array([[run.history.accuracy[-1] for run in row] for row in runs])
    return SeedSweep(dataset, steps, seeds, roles, final, acc, cost)


@dataclass(frozen=True)
class SecondMoments:
    """``moments[i, l-1]``: the mean of ``(z[l])²`` over units, points and weight draws for
    ``k[i]``, in the AI Notes network at initialization; see :func:`toy_second_moments`."""

    dataset: str
    k: tuple[float, ...]
    draws: int
    moments: np.ndarray

    @property
    def ratios(self) -> np.ndarray:
        """``ratios[i, l-1] = E[(z[l+1])²] / E[(z[l])²]``: the factor per layer."""
        return self.moments[:, 1:] / self.moments[:, :-1]

    def __repr__(self) -> str:
        L = self.moments.shape[1]
        rows = [f"{self.dataset}, step 0, mean over {self.draws} weight draws"]
        rows.append(f"{'':<8}" + "".join(f"{f'E[z[{l}]²]':>10}" for l in range(1, L + 1))
                    + "".join(f"{f'[{l + 1}]/[{l}]':>9}" for l in range(1, L)))
        for i, k in enumerate(self.k):
            rows.append(f"{f'k = {k:g}':<8}" + "".join(f"{m:>10.4f}" for m in self.moments[i])
                        + "".join(f"{r:>9.3f}" for r in self.ratios[i]))
        return "\n".join(rows)


def toy_second_moments(
    dataset: str,
    ks: Sequence[float] = (1.0, 2.0),  # the k of N(0, k/n[l-1]) to compare
    *,
    draws: int = 1000,  # independent weight draws per k
    n: int = 300,
    seed: int = 0,
) -> SecondMoments:
    """The second moment ``E[(z[l])²]`` of each layer of the AI Notes network at step 0.

    For ``draws`` networks ``[2, 6, 3, 1]`` (ReLU, ReLU, sigmoid) with ``W[l] ~ N(0, k/n[l-1])``
    and zero biases, on ``toy_data(dataset, n, rng=default_rng(seed))``, the mean of
    ``(z[l])²`` over units, points and draws. A ReLU keeps half of the second moment of a
    symmetric ``z``, ``E[g(z)²] = E[z²]/2``, so ``E[(z[l+1])²] = n[l]·(k/n[l])·E[(z[l])²]/2
    = (k/2)·E[(z[l])²]``: Xavier's ``k = 1`` halves it at every layer, He's ``k = 2`` keeps
    it level. See {ref}`chap-why` and step 6 of {ref}`chap-derivation`.
    """
    v.choice(dataset, "dataset", TOY_DATASETS)
    if isinstance(ks, (str, bytes)) or not isinstance(ks, Sequence) or len(ks) == 0:
        raise ValueError(f"ks must be a non-empty sequence of numbers k > 0; got {ks!r}")
    ks = tuple(v.positive(k, f"ks[{i}]") for i, k in enumerate(ks))
    draws = v.positive_int(draws, "draws")
    n = v.positive_int(n, "n")
    if n < 2:
        raise ValueError(f"n must be at least 2; got {n}")
    seed = v.nonneg_int(seed, "seed")
    X, _ = toy_data(dataset, n, rng=np.random.default_rng(seed))
    L = len(AI_NOTES_SIZES) - 1
    moments = np.zeros((len(ks), L))
    for i, k in enumerate(ks):
        rng = np.random.default_rng([seed, i])
        init = toy_initializer(k)
        for _ in range(draws):
            net = Network(list(AI_NOTES_SIZES), "relu", "sigmoid", init=init, rng=rng)
            A = net.forward(X)  # [a0, a1, ..., a(L-1), sigmoid(z[L])]
            for l in range(L):  # z[l+1] = a[l] W[l+1]ᵀ + b[l+1]
                z = A[l] @ net.weights[l].T + net.biases[l]
                moments[i, l] += float(np.mean(z * z))
    return SecondMoments(dataset, ks, draws, moments / draws)


_LOG2 = math.log(2.0)


def _draw_cost(ax, runs: dict[str, PlaygroundRun], role: str, step: int, *, legend: bool = True,
               xmax: int | None = None) -> None:
    """Cost curves of every role up to ``step`` (``role`` drawn bold) on a symlog step axis.

    Text is the slowest thing matplotlib draws, so without ``legend`` the panel has no text
    but its tick labels and axis labels (the interactive figure's caption names the colours).
    """
    top = 0.0
    bottom = np.inf
    for r, run in runs.items():
        upto = min(step, run.last_step)
        xs = np.arange(upto + 1)
        ys = np.asarray(run.history.loss[:upto + 1])
        top = max(top, max(run.history.loss))
        bottom = min(bottom, min(run.history.loss))
        bold = r == role or not role
        ax.plot(xs, ys, color=INIT_COLORS[r], lw=(1.6 if not role else 2.2) if bold else 1.0,
                alpha=1.0 if bold else 0.7,
                label=f"{r} (k = {run.k:g})", zorder=3 if bold else 2)
        if run.history.diverged and step > run.last_step:
            ax.plot([run.last_step], [ys[-1]], "x", color=INIT_COLORS[r], ms=7)
    ax.axhline(_LOG2, color="0.45", ls="--", lw=0.9)
    if legend:
        ax.text(1.0, _LOG2, " log 2", color="0.35", fontsize=8, va="bottom", ha="right",
                transform=ax.get_yaxis_transform())
    if step > 0:
        ax.axvline(step, color="0.6", lw=0.8, zorder=1)
    xmax = xmax or max(run.history.step[-1] for run in runs.values())
    ax.set_xscale("symlog", linthresh=10)
    ax.set_yscale("log")
    lo, hi = max(bottom, 1e-4) * 0.7, top * 1.6
    ax.set(xlim=(0, max(xmax, 1)), ylim=(lo, hi), xlabel="gradient steps", ylabel="cost J")
    # fixed ticks, no minor ticks: the automatic log locators dominate the redraw time
    ax.xaxis.set_major_locator(FixedLocator([t for t in (0, 10, 100, 1000, 10000) if t <= max(xmax, 1)]))
    ax.yaxis.set_major_locator(FixedLocator([10.0**e for e in range(-4, 4) if lo <= 10.0**e <= hi]))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda t, _: f"{t:g}"))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda t, _: f"{t:g}"))
    ax.xaxis.set_minor_locator(NullLocator())
    ax.yaxis.set_minor_locator(NullLocator())
    ax.grid(alpha=0.3)
    if legend:
        ax.legend(frameon=False, fontsize=7, loc="lower left")


def plot_toy_grid(
    *,
    step: int | None = None,  # the step whose decision boundaries are shown (default: the last)
    datasets: Sequence[str] = TOY_DATASETS,
    steps: int = 3000,
    lr: float = 0.1,
    n: int = 300,
    seed: int = 0,
    resolution: int = 80,
) -> Figure:
    """One row per data set: the four roles' cost curves, then each role's decision boundary.

    Uses :func:`playground_run` for every (data set, role) pair. See {ref}`chap-why`.
    """
    if isinstance(datasets, str) or not isinstance(datasets, Sequence) or not datasets:
        raise ValueError(f"datasets must be a non-empty sequence of names from {', '.join(TOY_DATASETS)}")
    for d in datasets:
        v.choice(d, "datasets[i]", TOY_DATASETS)
    steps = v.nonneg_int(steps, "steps")
    step = steps if step is None else v.nonneg_int(step, "step")
    if step > steps:
        raise ValueError(f"step must be at most steps = {steps}; got {step}")
    resolution = v.positive_int(resolution, "resolution")
    roles = tuple(TOY_INITS)
    fig, axes = new_figure(10.0, 2.05 * len(datasets) + 0.3, ncols=1 + len(roles), nrows=len(datasets))
    for i, d in enumerate(datasets):
        runs = {r: playground_run(d, r, steps=steps, lr=lr, n=n, seed=seed) for r in roles}
        _draw_cost(axes[i, 0], runs, "", steps, legend=(i == 0), xmax=steps)
        axes[i, 0].set_title(d, fontsize=10, loc="left")
        if i < len(datasets) - 1:
            axes[i, 0].set_xlabel("")
        for j, r in enumerate(roles, start=1):
            run = runs[r]
            ax = axes[i, j]
            plot_decision_boundary(ax, run.network(step).predict_proba, run.X, run.y, resolution=resolution)
            for side in ax.spines.values():
                side.set_edgecolor(INIT_COLORS[r])
                side.set_linewidth(2.0)
            if i == 0:
                ax.set_title(f"{r} (k = {run.k:g})", fontsize=9, color=INIT_COLORS[r])
            ax.text(0.02, 0.02, f"{run.accuracy_at(step):.0%}", transform=ax.transAxes, fontsize=8,
                    bbox=dict(facecolor="white", alpha=0.8, lw=0, pad=1))
    return fig


#: Pixels per side of the interactive figure's decision-boundary image (about the size of
#: the panel in the book's frames, so the probability bands have smooth edges).
_BOUNDARY_PIXELS = 200


@functools.lru_cache(maxsize=256)
def _toy_boundary(dataset: str, init: str, step: int) -> tuple[np.ndarray, tuple[np.ndarray, ...]]:
    """P(y = 1) over [-1, 1]² of the playground network after ``step`` steps, for the figure.

    Returns the band of every pixel, 0..9 for the probability bands (0, 0.1], ..., (0.9, 1]
    that :func:`initreg.plotting.plot_decision_boundary` fills (its ``contourf`` bands are
    closed at the top, the lowest at both ends), and the polylines of the 0.5 contour.
    """
    import contourpy

    net = playground_run(dataset, init).network(step)
    g = (np.arange(_BOUNDARY_PIXELS) + 0.5) * (2.0 / _BOUNDARY_PIXELS) - 1.0  # pixel centres
    gx, gy = np.meshgrid(g, g)
    p = np.asarray(net.predict_proba(np.c_[gx.ravel(), gy.ravel()])).reshape(gx.shape)
    bands = np.clip(np.ceil(p * 10.0) - 1.0, 0, 9).astype(np.uint8)
    bands.setflags(write=False)
    lines: tuple[np.ndarray, ...] = ()
    if p.min() < 0.5 < p.max():
        lines = tuple(contourpy.contour_generator(g, g, p, line_type="Separate").lines(0.5))
    return bands, lines


def _toy_compute(dataset: str, init: str, step: int) -> dict[str, object]:
    step = v.nonneg_int(int(step), "step")
    runs = {r: playground_run(dataset, r) for r in TOY_INITS}
    bands, lines = _toy_boundary(dataset, init, min(step, runs[init].last_step))
    return {"runs": runs, "bands": bands, "lines": lines}


def _toy_setup(fig: Figure) -> dict[str, object]:
    """The two panels of :func:`toy_init_figure` and their artists, built once.

    The cost panel is :func:`_draw_cost` without legend, its artists made once; the
    boundary panel is :func:`initreg.plotting.plot_decision_boundary` with the filled
    contours drawn as an image of probability bands and the 0.5 contour as a line collection.
    """
    from matplotlib.collections import LineCollection

    from ._explorable_v1 import _axis_key, _RasterCache
    from .figures.style import CLASS_COLORS

    fig.set_layout_engine("none")  # fixed axes, as the frames have always had
    ax_cost = fig.add_axes((0.085, 0.15, 0.46, 0.80))
    ax_b = fig.add_axes((0.60, 0.03, 0.39, 0.86))
    curves, crosses = {}, {}
    for r in TOY_INITS:  # in _draw_cost's order, which settles ties of zorder
        (curves[r],) = ax_cost.plot([], [], color=INIT_COLORS[r])
        (crosses[r],) = ax_cost.plot([], [], "x", color=INIT_COLORS[r], ms=7)
    ax_cost.axhline(_LOG2, color="0.45", ls="--", lw=0.9)
    now = ax_cost.axvline(0.0, color="0.6", lw=0.8, zorder=1)
    ax_cost.set_xscale("symlog", linthresh=10)
    ax_cost.set_yscale("log")
    ax_cost.set(xlabel="gradient steps", ylabel="cost J")
    for axis in (ax_cost.xaxis, ax_cost.yaxis):
        axis.set_major_formatter(FuncFormatter(lambda t, _: f"{t:g}"))
        axis.set_minor_locator(NullLocator())
    ax_cost.grid(alpha=0.3)
    for axis in (ax_cost.xaxis, ax_cost.yaxis):  # a few states (the data set's cost range)
        ax_cost.add_artist(_RasterCache(axis, _axis_key(axis)))
    image = ax_b.imshow(np.zeros((_BOUNDARY_PIXELS, _BOUNDARY_PIXELS)), cmap="RdBu", vmin=0.0, vmax=1.0,
                        alpha=0.55, extent=(-1.0, 1.0, -1.0, 1.0), origin="lower", interpolation="nearest")
    boundary = LineCollection([], colors="k", linewidths=1.2)
    ax_b.add_collection(boundary)
    points = [ax_b.scatter([], [], s=9, c=col, marker=mk, edgecolors="white", linewidths=0.3)
              for col, mk in ((CLASS_COLORS[0], "o"), (CLASS_COLORS[1], "s"))]
    ax_b.set(xlim=(-1.0, 1.0), ylim=(-1.0, 1.0), aspect="equal", xticks=[], yticks=[])
    for side in ax_b.spines.values():
        side.set_linewidth(2.0)
    ax_b.set_title(" ", fontsize=9, y=1.0)  # a fixed y: no title placement pass per frame
    return {"ax_cost": ax_cost, "ax_b": ax_b, "curves": curves, "crosses": crosses, "now": now,
            "image": image, "boundary": boundary, "points": points}


def _toy_update(state: dict, data: dict[str, object], dataset: str, init: str, step: int) -> None:
    """Show one (data set, initialization, step) in the artists of :func:`_toy_setup`."""
    runs: dict[str, PlaygroundRun] = data["runs"]  # type: ignore[assignment]
    run = runs[init]
    step = int(step)
    ax_cost, ax_b = state["ax_cost"], state["ax_b"]
    # the cost panel, as _draw_cost(ax_cost, runs, init, step, legend=False) draws it
    for r, rr in runs.items():
        upto = min(step, rr.last_step)
        bold = r == init
        line = state["curves"][r]
        line.set_data(np.arange(upto + 1), np.asarray(rr.history.loss[:upto + 1]))
        line.set_linewidth(2.2 if bold else 1.0)
        line.set_alpha(1.0 if bold else 0.7)
        line.set_zorder(3 if bold else 2)
        cross = state["crosses"][r]
        cross.set_data([rr.last_step], [rr.history.loss[rr.last_step]])
        cross.set_visible(bool(rr.history.diverged and step > rr.last_step))
    state["now"].set_xdata([step, step])
    state["now"].set_visible(step > 0)
    top = max(max(rr.history.loss) for rr in runs.values())
    bottom = min(min(rr.history.loss) for rr in runs.values())
    xmax = max(max(rr.history.step[-1] for rr in runs.values()), 1)
    lo, hi = max(bottom, 1e-4) * 0.7, top * 1.6
    ax_cost.set(xlim=(0, xmax), ylim=(lo, hi))
    ax_cost.xaxis.set_major_locator(FixedLocator([t for t in (0, 10, 100, 1000, 10000) if t <= xmax]))
    ax_cost.yaxis.set_major_locator(FixedLocator([10.0**e for e in range(-4, 4) if lo <= 10.0**e <= hi]))
    # the decision boundary
    state["image"].set_data((data["bands"] + 0.5) / 10.0)  # type: ignore[operator]
    state["boundary"].set_segments(data["lines"])
    for c, points in enumerate(state["points"]):
        points.set_offsets(run.X[run.y == c])
    for side in ax_b.spines.values():
        side.set_edgecolor(INIT_COLORS[init])
    shown = min(step, run.last_step)
    note = f" (stopped at {run.last_step})" if shown < step else ""
    ax_b.title.set_text(f"{dataset}, {init}, step {step}{note}: {run.accuracy_at(shown):.0%} correct")
    ax_b.title.set_color(INIT_COLORS[init])


@register_figure
def toy_init_figure() -> Explorable:
    """The AI Notes playground, explorable: data set × initialization × training steps.

    Each (data set, role) pair is trained once (:func:`playground_run`, cached), so moving
    the step slider only looks up stored parameters and redraws. See {ref}`chap-why`.
    """
    roles = {f"{r} (k = {k:g})": r for r, k in TOY_INITS.items()}
    return Explorable(
        _toy_update,
        [Choice("dataset", TOY_DATASETS, label="data set"),
         Choice("init", roles, label="initialization", default="appropriate"),
         Slider("step", 0, STEP_GRID[-1], grid=STEP_GRID, integer=True, label="gradient steps",
                default=1000)],
        setup=_toy_setup,
        compute=_toy_compute,
        caption=("The network [2, 6, 3, 1] (ReLU, ReLU, sigmoid) trained by full-batch gradient descent "
                 "(learning rate 0.1) from W[l] ~ N(0, k/n[l-1]). Left: the cost of all four "
                 "initializations up to the chosen step, the chosen one bold, in the book's colours "
                 "(zero black, too small sky blue, appropriate orange, too large purple); the dashed "
                 "line is log 2, the cost of a constant guess of 1/2. Right: the chosen network's "
                 "decision boundary, its probability of class 1 and its training accuracy at that step."),
        alt=("Cost curves of the four initializations on the {dataset} data up to step {step}, with the "
             "{init} curve in bold, and the decision boundary of the {init} network after {step} steps "
             "drawn over the two classes of points."),
        figsize=(8.0, 3.2),
        name="fig-toy-init",
    )
