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
  where He's ``k = 2`` keeps it, and :func:`toy_decision_map` gives a run's probability
  over the plane and its decision boundary at any step.

Nothing here draws: the chapter's figures are in :mod:`initreg.figures.why_initialization`.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from . import _validate as v
from .datasets import TOY_DATASETS, DataSplit, toy_data
from .initializers import INIT_SCHEMES, Initializer, initializer
from .network import ACTIVATIONS, Network
from .training import History, train

__all__ = [
    "LinearChain",
    "linear_chain",
    "distinct_units",
    "symmetry_gap",
    "merge_identical_units",
    "SymmetryRun",
    "symmetry_run",
    "TOY_INITS",
    "AI_NOTES_SIZES",
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
    "DecisionMap",
    "toy_decision_map",
]


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


# ------------------------------------------------------------------------------- symmetry

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
    net = v.instance(net, "net", Network)
    return [int(np.unique(_unit_params(net, l), axis=0).shape[0]) for l in range(net.L - 1)]


def symmetry_gap(net: Network) -> np.ndarray:
    """For each hidden layer, ``max_i max |θ_i - θ_1|`` over its units' parameters ``θ_i``.

    ``θ_i`` is unit ``i``'s incoming row of ``W[l]``, its bias and its outgoing column of
    ``W[l+1]``, as in :func:`distinct_units`. Exactly 0 when every unit equals the first.
    """
    net = v.instance(net, "net", Network)
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
    net = v.instance(net, "net", Network)
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
    v.instance(data, "data", DataSplit, example="e.g. initreg.load_digits()")
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


# ---------------------------------------------------------------------- the AI Notes toys
#: The AI Notes playground's four initializations, W[l] ~ N(0, k/n[l-1]), by role → k.
TOY_INITS: dict[str, float] = {"zero": 0.0, "too small": 0.01, "appropriate": 1.0, "too large": 100.0}
#: The AI Notes playground network: 2 inputs, ReLU layers of 6 and 3 units, one sigmoid output.
AI_NOTES_SIZES: tuple[int, ...] = (2, 6, 3, 1)


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
    net = v.instance(net, "net", Network)
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

    @functools.cached_property
    def cost(self) -> np.ndarray:
        """The cost J after each step ``0..last_step``, as a read-only array."""
        J = np.array(self.history.loss[:self.last_step + 1], dtype=np.float64)
        J.setflags(write=False)
        return J

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
class DecisionMap:
    """What a :func:`playground_run` network predicts over the square ``[-1, 1]²`` at one step.

    ``grid`` holds the centres of ``pixels`` equal cells along each axis, and
    ``proba[i, j]`` is ``P(y = 1)`` at the point ``(x₁, x₂) = (grid[j], grid[i])`` (rows go
    up ``x₂``, columns along ``x₁``; float32, enough for a picture). ``boundary`` is the
    decision boundary ``P(y = 1) = 1/2``: polylines of ``(x₁, x₂)`` vertices, linearly
    interpolated between cell centres, none when the probability never crosses 1/2.
    ``step`` is the step shown, ``min(step asked, run.last_step)``.
    """

    dataset: str
    role: str
    step: int
    grid: np.ndarray
    proba: np.ndarray
    boundary: tuple[np.ndarray, ...]

    def __repr__(self) -> str:
        return (f"DecisionMap({self.dataset}, {self.role}, step {self.step}: P(y = 1) from "
                f"{float(self.proba.min()):.3g} to {float(self.proba.max()):.3g} on {self.grid.size}² cells, "
                f"{len(self.boundary)} boundary line{'s' * (len(self.boundary) != 1)})")


def toy_decision_map(
    dataset: str,  # one of TOY_DATASETS
    role: str,  # one of TOY_INITS
    step: int,  # gradient steps; past a diverged run's last step, its last step
    *,
    pixels: int = 200,  # cells along each axis
    steps: int = 3000,
    lr: float = 0.1,
    n: int = 300,
    seed: int = 0,
) -> DecisionMap:
    """``P(y = 1)`` of ``playground_run(dataset, role, steps=..., lr=..., n=..., seed=...)``
    after ``step`` steps, on a ``pixels × pixels`` grid over ``[-1, 1]²``, and its 0.5 contour.

    The run's stored parameters give the network at any step without retraining. Cached:
    the same arguments return the same (read-only) map. See {ref}`chap-why`.
    """
    v.choice(dataset, "dataset", TOY_DATASETS)
    v.choice(role, "role", tuple(TOY_INITS))
    step = v.nonneg_int(step, "step")
    pixels = v.positive_int(pixels, "pixels")
    if pixels < 2:
        raise ValueError(f"pixels must be at least 2; got {pixels}")
    run = playground_run(dataset, role, steps=steps, lr=lr, n=n, seed=seed)
    return _toy_decision_map(dataset, role, min(step, run.last_step), pixels, steps, lr, n, seed)


@functools.lru_cache(maxsize=320)  # a figure's every (data set, role, step) of its grid: about 50 MB
def _toy_decision_map(dataset: str, role: str, step: int, pixels: int, steps: int, lr: float, n: int,
                      seed: int) -> DecisionMap:
    import contourpy  # matplotlib's contouring, without matplotlib

    net = playground_run(dataset, role, steps=steps, lr=lr, n=n, seed=seed).network(step)
    g = (np.arange(pixels) + 0.5) * (2.0 / pixels) - 1.0
    gx, gy = np.meshgrid(g, g)
    p = np.asarray(net.predict_proba(np.c_[gx.ravel(), gy.ravel()]), dtype=np.float64).reshape(gx.shape)
    lines: tuple[np.ndarray, ...] = ()
    if p.min() < 0.5 < p.max():
        lines = tuple(np.asarray(line, dtype=np.float64)
                      for line in contourpy.contour_generator(g, g, p, line_type="Separate").lines(0.5))
    proba = p.astype(np.float32)
    for a in (g, proba, *lines):
        a.setflags(write=False)
    return DecisionMap(dataset, role, step, g, proba, lines)


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
    seeds = v.seeds(seeds)
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
