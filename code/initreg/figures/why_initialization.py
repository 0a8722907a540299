"""Why initialization matters ({ref}`chap-why`): the linear chain, equal units and the toy playground.

Four figures, each drawn by one function:

* :func:`plot_linear_chain`: ‖a[l]‖ and ‖∂ŷ/∂a[l]‖ of :func:`initreg.linear_chain` against the layer;
* :func:`plot_unit_weights`: the first layer's units after :func:`initreg.symmetry_run`;
* :func:`plot_toy_grid`: the AI Notes playground at one step, every data set and initialization;
* :func:`toy_init_figure`: the same playground, explorable: data set × initialization × step.

The two playground figures draw their cost curves with one pair of functions,
:func:`_cost_axes` (the axes and one line per initialization, built once) and
:func:`_set_costs` (the curves of one data set), and their decision boundaries with
:func:`_boundary_axes` and :func:`_set_boundary` (one :class:`initreg.DecisionMap`):
the static grid calls them once per axes, the explorable at every frame.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from matplotlib import colormaps
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection, PatchCollection, PathCollection
from matplotlib.colors import LinearSegmentedColormap
from matplotlib.figure import Figure, SubFigure
from matplotlib.image import AxesImage
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle
from matplotlib.text import Text
from matplotlib.ticker import FixedLocator, FuncFormatter, NullLocator

from .. import _validate as v
from ..datasets import TOY_DATASETS
from ..explorable import Choice, Explorable, Panel, Slider, add_cursor, cache_raster, register_figure
from ..playground import (TOY_INITS, DecisionMap, LinearChain, PlaygroundRun, SymmetryRun, playground_run,
                          toy_decision_map)
from .style import CLASS_COLORS, INIT_COLORS

__all__ = ["plot_linear_chain", "plot_unit_weights", "STEP_GRID", "plot_toy_grid", "toy_init_figure"]

#: The cost of a constant guess of 1/2, the level of the zero start: log 2.
LOG2 = math.log(2.0)
#: The steps of :func:`toy_init_figure`'s slider: 0, then 1, 2, 3 and 5 per decade, and 1,500 and
#: 2,000, where the slow starts get moving, up to 3,000.
STEP_GRID: tuple[int, ...] = (0, 1, 2, 3, 5, 10, 20, 30, 50, 100, 200, 300, 500, 1000, 1500, 2000, 3000)
#: Weights from blue (negative) through pure white (zero) to red (positive): RdBu's ends,
#: with a white that stays white in a palette PNG (RdBu's own middle is a light grey).
WEIGHT_CMAP = LinearSegmentedColormap.from_list("weights", ["#053061", "#4393c3", "#ffffff", "#d6604d", "#67001f"])


def _role_of_scale(scale: float) -> str:
    """The colour role of a chain's scale s: below 1 too small, 1 appropriate, above 1 too large."""
    if abs(scale) == 1.0:
        return "appropriate"
    return "too small" if abs(scale) < 1.0 else "too large"


def _and(items: Sequence[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _log_ticks(ax: Axes) -> None:
    """Fixed decade ticks on a log y axis, written as plain numbers, no minor ticks."""
    lo, hi = ax.get_ylim()
    ax.yaxis.set_major_locator(FixedLocator([10.0**e for e in range(-12, 13) if lo <= 10.0**e <= hi]))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda t, _: f"{t:g}"))
    ax.yaxis.set_minor_locator(NullLocator())


# --------------------------------------------------------------------------- linear chain
def plot_linear_chain(chains: Sequence[LinearChain]) -> Explorable:
    """‖a[l]‖ (panel "forward: activations") and ‖∂ŷ/∂a[l]‖ (panel "backward: gradients")
    against the layer l, one line per :class:`initreg.LinearChain`, on log scales; each
    chain in the colour of its scale's role (below 1, 1, above 1). See {ref}`chap-why`."""
    if isinstance(chains, LinearChain) or not isinstance(chains, Sequence) or not chains \
            or not all(isinstance(c, LinearChain) for c in chains):
        raise TypeError("chains must be a non-empty sequence of LinearChain (from initreg.linear_chain)")
    chains = list(chains)
    L = max(c.L for c in chains)
    hidden = f"W[1] = ... = W[{L - 1}]" if all(c.L == L for c in chains) else "W[1] = ... = W[L-1]"

    def panel(sub: SubFigure, key: str, marker: str, ylabel: str, title: str, legend: bool) -> None:
        ax = sub.subplots()
        for c in chains:
            ax.plot(np.arange(c.L), getattr(c, key), marker + "-", color=INIT_COLORS[_role_of_scale(c.scale)],
                    label=f"$W = {c.scale:g}\\,I$", ms=4)
        ax.set(xlabel="layer $l$", ylabel=ylabel, title=title, yscale="log")
        _log_ticks(ax)
        ax.set_xticks(np.arange(0, L, 1 if L <= 12 else math.ceil(L / 10)))
        ax.grid(alpha=0.3)
        if legend:
            ax.legend(frameon=False)

    def draw(fig: Figure, forward: SubFigure, backward: SubFigure) -> None:
        panel(forward, "activation_norms", "o", r"$\|a^{[l]}\|$", "forward: activations", True)
        panel(backward, "backprop_norms", "s", r"$\|\partial \hat y / \partial a^{[l]}\|$", "backward: gradients",
              False)

    def trend(key: str) -> str:
        return "; ".join(f"for s = {c.scale:g} it goes from {getattr(c, key)[0]:.3g} at layer 0 to "
                         f"{getattr(c, key)[-1]:.3g} at layer {c.L - 1}" for c in chains)

    scales = ", ".join(f"{c.scale:g}" for c in chains)
    return Explorable.plot(
        draw, figsize=(7.0, 3.0), name="fig-linear-chain",
        panels=[Panel("forward", 3.5, "The size of the activation a[l] against the layer l on a log scale, one "
                      f"line per s: {trend('activation_norms')}."),
                Panel("backward", 3.5, "The size of the gradient of the output with respect to a[l] against the "
                      f"layer l on a log scale: {trend('backprop_norms')}.")],
        caption=(f"The deep linear network of the AI Notes with {hidden} = s I, for s = {scales}. "
                 "The panel \"forward: activations\" shows the size of the activation a[l] at each layer; the "
                 "panel \"backward: gradients\" shows the size of the gradient of the output with respect to "
                 "a[l], which the backward pass carries from the output (the last layer) to the input "
                 "(layer 0). Both are geometric in the layer: straight lines on the log scale."))


# ------------------------------------------------------------------------------- symmetry
def plot_unit_weights(runs: Sequence[SymmetryRun], *, n_units: int = 8) -> Explorable:
    """The incoming weights ``W[1][i, :]`` of the first ``n_units`` hidden units after
    training, each drawn as an image of the input (8×8 for the digits), four to a row; one
    panel per :class:`initreg.SymmetryRun`, titled with its start. See {ref}`chap-why`."""
    if isinstance(runs, SymmetryRun) or not isinstance(runs, Sequence) or not runs \
            or not all(isinstance(r, SymmetryRun) for r in runs):
        raise TypeError("runs must be a non-empty sequence of SymmetryRun (from initreg.symmetry_run)")
    runs = list(runs)
    n_units = min(v.positive_int(n_units, "n_units"), min(r.sizes[1] for r in runs))
    side = int(round(math.sqrt(runs[0].sizes[0])))
    if side * side != runs[0].sizes[0] or any(r.sizes[0] != runs[0].sizes[0] for r in runs):
        raise ValueError("plot_unit_weights needs square inputs of one size (such as the 8×8 digits)")
    cols = min(4, n_units)
    rows = math.ceil(n_units / cols)
    names = [f"run{i}" for i in range(len(runs))]
    titles = [f"{r.label} ({r.activation})" for r in runs]

    gap = side / 4  # between two units' images, in input pixels

    def draw(fig: Figure, **panels: SubFigure) -> None:
        for name, title, run in zip(names, titles, runs):
            ax = panels[name].subplots()  # one axes per panel: the units side by side, each framed
            w = run.first_layer[1][:n_units]
            lim = float(np.max(np.abs(w))) or 1.0
            frames = []
            for i in range(n_units):
                x0, top = (i % cols) * (side + gap), -(i // cols) * (side + gap)
                ax.imshow(w[i].reshape(side, side), cmap=WEIGHT_CMAP, vmin=-lim, vmax=lim,
                          extent=(x0, x0 + side, top - side, top), interpolation="nearest")
                frames.append(Rectangle((x0, top - side), side, side))
            ax.add_collection(PatchCollection(frames, facecolor="none", edgecolor="black", linewidth=1.0))
            ax.set(xlim=(-gap / 2, cols * (side + gap) - gap / 2), ylim=(-rows * (side + gap) + gap / 2, gap / 2),
                   aspect="equal", xticks=[], yticks=[])
            ax.set_frame_on(False)
            ax.set_title(title)

    def seen(run: SymmetryRun) -> str:
        w = run.first_layer[1][:n_units]
        distinct = int(np.unique(w, axis=0).shape[0])
        if not np.any(w):
            return f"all {n_units} images are blank: every weight is zero"
        if distinct == 1:
            return f"all {n_units} images are the same picture"
        return f"{distinct} different pictures among the {n_units} units"

    same = [t for t, r in zip(titles, runs) if np.unique(r.first_layer[1][:n_units], axis=0).shape[0] == 1]
    apart = [t for t in titles if t not in same]
    found = " ".join(s for s in (
        f"In {_and(same)} every unit has the same weights." if same else "",
        f"In {_and(apart)} the units differ." if apart else "") if s)
    return Explorable.plot(
        draw, figsize=(3.4 * len(runs), 0.45 + 0.8 * rows), name="fig-unit-weights",
        panels=[Panel(name, 3.4, f"{title}: the incoming weights of hidden units 1 to {n_units} of layer 1 after "
                      f"training, each a {side}×{side} image of the input; {seen(run)}.")
                for name, title, run in zip(names, titles, runs)],
        caption=(f"Incoming weights of the first {n_units} units of hidden layer 1 after training, drawn as "
                 f"{side}×{side} images of the input (red positive, blue negative, white zero; each panel on its "
                 f"own scale), units in reading order, one panel per start, titled with it. {found}"))


# ---------------------------------------------------------------------- the AI Notes toys
@dataclass
class _Costs:
    """The artists of one axes of playground cost curves (:func:`_cost_axes`)."""

    ax: Axes
    curves: dict[str, Line2D]
    crosses: dict[str, Line2D]


def _cost_axes(ax: Axes, xmax: int) -> _Costs:
    """Empty cost curves of the four initializations on ``ax``: gradient steps 0 to ``xmax``
    on a symlog axis (linear to 10), the cost J on a log axis, the level log 2 dashed, and
    a cross per initialization that marks where a diverged run stopped."""
    curves, crosses = {}, {}
    for r in TOY_INITS:
        (curves[r],) = ax.plot([], [], color=INIT_COLORS[r], label=r)
        (crosses[r],) = ax.plot([], [], "x", color=INIT_COLORS[r], ms=8, mew=2.0, zorder=4)
    ax.axhline(LOG2, color="0.45", ls="--", lw=0.9)
    ax.text(1.0, LOG2, "log 2 ", color="0.3", va="bottom", ha="right", fontsize=9,
            transform=ax.get_yaxis_transform())
    ax.set_xscale("symlog", linthresh=10)
    ax.set_yscale("log")
    ax.set_xlim(0, max(int(xmax), 1))
    ax.xaxis.set_major_locator(FixedLocator([t for t in (0, 10, 100, 1000, 10000) if t <= max(xmax, 1)]))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda t, _: f"{t:g}"))
    ax.xaxis.set_minor_locator(NullLocator())
    ax.grid(alpha=0.3)
    return _Costs(ax, curves, crosses)


def _set_costs(cs: _Costs, runs: dict[str, PlaygroundRun], bold: str | None) -> None:
    """The cost of every run over its steps, ``bold`` drawn thick (None: all alike), a cross
    at the last step of a run that diverged; the cost axis fitted to the four runs."""
    for r, run in runs.items():
        line = cs.curves[r]
        line.set_data(np.arange(run.last_step + 1), run.cost)
        chosen = bold is None or r == bold
        line.set_linewidth(1.5 if bold is None else 2.4 if chosen else 1.1)
        line.set_alpha(1.0 if chosen else 0.75)
        line.set_zorder(3 if chosen else 2)
        cross = cs.crosses[r]
        cross.set_data([run.last_step], [run.cost[-1]])
        cross.set_visible(run.history.diverged)
    losses = np.concatenate([run.cost for run in runs.values()])
    cs.ax.set_ylim(max(float(losses.min()), 1e-4) * 0.7, float(losses.max()) * 1.6)
    _log_ticks(cs.ax)


@dataclass
class _Boundary:
    """The artists of one decision-boundary axes (:func:`_boundary_axes`)."""

    ax: Axes
    image: AxesImage
    line: LineCollection
    points: list[PathCollection]


#: The colours of the ten probability bands (0, 0.1], ..., (0.9, 1]: RdBu at each band's
#: middle, at 55% over white (as ``contourf(..., cmap="RdBu", alpha=0.55)`` shades them), as
#: opaque RGBA bytes (the image format matplotlib draws fastest).
BAND_COLORS: np.ndarray = np.round(255 * (0.45 + 0.55 * colormaps["RdBu"]((np.arange(10) + 0.5) / 10))
                                   ).astype(np.uint8)


def _boundary_axes(ax: Axes, pixels: int) -> _Boundary:
    """An empty map of P(y = 1) over [-1, 1]² on ``ax``: the probability shaded in the ten
    bands (0, 0.1], ..., (0.9, 1] from red (class 0) to blue (class 1), the 0.5 contour in
    black, the points of the two classes, a thick frame (coloured by :func:`_set_boundary`)."""
    image = ax.imshow(np.zeros((pixels, pixels, 4), dtype=np.uint8), extent=(-1.0, 1.0, -1.0, 1.0),
                      origin="lower", interpolation="nearest")
    line = LineCollection([], colors="k", linewidths=1.3)
    ax.add_collection(line)
    points = [ax.scatter([], [], s=9, c=col, marker=mk, edgecolors="white", linewidths=0.3)
              for col, mk in zip(CLASS_COLORS, ("o", "s"))]
    ax.set(xlim=(-1.0, 1.0), ylim=(-1.0, 1.0), aspect="equal", xticks=[], yticks=[])
    for side in ax.spines.values():
        side.set_linewidth(2.5)
    return _Boundary(ax, image, line, points)


def _set_boundary(b: _Boundary, m: DecisionMap, run: PlaygroundRun) -> None:
    """Show the map ``m`` of ``run``'s network and ``run``'s points, framed in its role's colour."""
    bands = np.clip(np.ceil(m.proba.astype(np.float64) * 10.0) - 1.0, 0.0, 9.0).astype(np.intp)  # contourf's
    b.image.set_data(BAND_COLORS[bands])
    b.line.set_segments(m.boundary)
    for c, points in enumerate(b.points):
        points.set_offsets(run.X[run.y == c])
    for side in b.ax.spines.values():
        side.set_edgecolor(INIT_COLORS[m.role])


def _init_label(role: str) -> str:
    return f"{role} (k = {TOY_INITS[role]:g})"


_DATASET_NAMES = {"circles": "circles", "spiral": "spiral", "checkerboard": "checkerboard",
                  "gaussians": "two Gaussians"}
_TRAINING = ("The network [2, 6, 3, 1] (ReLU, ReLU, sigmoid) trained by full-batch gradient descent "
             "(learning rate {lr:g}) on {n} points from W[l] ~ N(0, k/n[l-1]), one random draw (seed {seed}). ")
_COLOURS = "zero black, too small sky blue, appropriate orange, too large purple"
_SHADING = ("its probability of class 1 shaded from red (class 0, circles) to blue (class 1, squares), the "
            "0.5 contour in black")


def plot_toy_grid(
    *,
    step: int | None = None,  # the step whose decision boundaries are shown (default: the last)
    datasets: Sequence[str] = TOY_DATASETS,
    steps: int = 3000,
    lr: float = 0.1,
    n: int = 300,
    seed: int = 0,
) -> Explorable:
    """Every (data set, initialization) pair of :func:`initreg.playground_run` at once: the
    panel "cost" has the four cost curves of each data set, one small plot per set; the
    panel "boundaries" has each network's decision boundary and training accuracy after
    ``step`` steps, one row per data set and one column per initialization. See {ref}`chap-why`.
    """
    if isinstance(datasets, str) or not isinstance(datasets, Sequence) or not datasets:
        raise ValueError(f"datasets must be a non-empty sequence of names from {', '.join(TOY_DATASETS)}")
    datasets = [v.choice(d, "datasets[i]", TOY_DATASETS) for d in datasets]
    steps = v.nonneg_int(steps, "steps")
    step = steps if step is None else v.nonneg_int(step, "step")
    if step > steps:
        raise ValueError(f"step must be at most steps = {steps}; got {step}")
    kw = dict(steps=steps, lr=lr, n=n, seed=seed)
    runs = {(d, r): playground_run(d, r, **kw) for d in datasets for r in TOY_INITS}
    maps = {key: toy_decision_map(*key, step, **kw) for key in runs}
    roles = tuple(TOY_INITS)

    def draw(fig: Figure, cost: SubFigure, boundaries: SubFigure) -> None:
        cax = cost.subplots(len(datasets), 1, sharex=True, squeeze=False)[:, 0]
        for ax, d in zip(cax, datasets):
            _set_costs(_cost_axes(ax, steps), {r: runs[d, r] for r in roles}, None)
            ax.set_title(_DATASET_NAMES[d], loc="left")
            ax.set_ylabel("cost J")
        cax[-1].set_xlabel("gradient steps")
        cost.legend(*cax[0].get_legend_handles_labels(), loc="outside upper center", ncols=2, frameon=False,
                    handlelength=1.4, columnspacing=1.0)
        bax = boundaries.subplots(len(datasets), len(roles), squeeze=False)
        for i, d in enumerate(datasets):
            for j, r in enumerate(roles):
                ax = bax[i, j]
                _set_boundary(_boundary_axes(ax, maps[d, r].grid.size), maps[d, r], runs[d, r])
                ax.text(0.03, 0.03, f"{runs[d, r].accuracy_at(step):.0%}", transform=ax.transAxes, fontsize=9,
                        bbox=dict(facecolor="white", alpha=0.85, lw=0, pad=1.5))
                if i == 0:
                    ax.set_title(f"{r}\nk = {TOY_INITS[r]:g}", fontsize=9.5)
            bax[i, 0].set_ylabel(_DATASET_NAMES[d])

    def accuracies(d: str) -> str:
        return ", ".join(f"{r} {runs[d, r].accuracy_at(step):.0%}" for r in roles)

    rise = {d: max(roles, key=lambda r: runs[d, r].history.loss[0]) for d in datasets}
    lowest = {d: min(roles, key=lambda r: runs[d, r].cost[-1]) for d in datasets}
    return Explorable.plot(
        draw, figsize=(7.0, 0.75 + 1.05 * len(datasets)), name="fig-toy-grid",
        panels=[Panel("cost", 2.5, "Cost against gradient steps, one small log-scale plot per data set, four curves "
                      "each: " + "; ".join(f"on the {_DATASET_NAMES[d]} {rise[d]} starts highest and {lowest[d]} "
                                           f"ends lowest" for d in datasets) + "."),
                Panel("boundaries", 4.5, f"Decision boundaries after {step:,} steps, one row per data set and one "
                      "column per initialization, with the training accuracy: "
                      + "; ".join(f"{_DATASET_NAMES[d]}: {accuracies(d)}" for d in datasets) + ".")],
        caption=(_TRAINING.format(lr=lr, n=n, seed=seed)
                 + "The cost curves, one small plot per data set titled with its name, show the cost of the four "
                   "initializations against the number of steps (log scale after 10 steps) in the book's colours "
                   f"({_COLOURS}); the dashed line is log 2, the cost of a constant guess of 1/2. The decision "
                   "boundaries, one row per data set and one column per initialization (titled with its k), show "
                   f"each network after {step:,} steps: {_SHADING}, the training points, and the training accuracy "
                   "in the corner."))


def _toy_setup(fig: Figure, cost: SubFigure, boundary: SubFigure) -> dict[str, object]:
    """The two panels of :func:`toy_init_figure`, built once: the cost curves with a legend
    and the step cursor, and the decision boundary with its title."""
    ax = cost.subplots()
    costs = _cost_axes(ax, STEP_GRID[-1])
    ax.set(xlabel="gradient steps", ylabel="cost J")
    # two rows at the top right, above every curve but the start of too large, at the left
    ax.legend(loc="upper right", ncols=2, frameon=True, framealpha=0.9, edgecolor="none", handlelength=1.4,
              columnspacing=1.0, borderaxespad=0.3)
    now = add_cursor(ax, "step")
    for axis in (ax.xaxis, ax.yaxis):  # few states: the x axis never changes, the y axis per data set
        cache_raster(axis)
    bx = boundary.subplots()
    b = _boundary_axes(bx, 200)
    bx.set_title(" ")
    return {"costs": costs, "now": now, "boundary": b}


def _toy_update(state: dict, data: dict[str, object], dataset: str, init: str, step: int) -> None:
    """Show one (data set, initialization, step) in the artists of :func:`_toy_setup`."""
    runs: dict[str, PlaygroundRun] = data["runs"]  # type: ignore[assignment]
    m: DecisionMap = data["map"]  # type: ignore[assignment]
    costs: _Costs = state["costs"]  # type: ignore[assignment]
    b: _Boundary = state["boundary"]  # type: ignore[assignment]
    _set_costs(costs, runs, init)
    costs.ax.set_title(f"{_DATASET_NAMES[dataset]}: cost of the four starts")
    state["now"].set_xdata([step, step])  # type: ignore[attr-defined]
    run = runs[init]
    _set_boundary(b, m, run)
    # the step is the slider's and the cursor's: without it, the frames of a network that
    # does not move (the zero start) are one image, stored once
    stopped = f" at step {run.last_step:,}, where it diverged" if step > run.last_step else ""
    title: Text = b.ax.title
    title.set_text(f"{init}: {run.accuracy_at(m.step):.0%} correct{stopped}")


@register_figure
def toy_init_figure() -> Explorable:
    """The AI Notes playground, explorable: data set × initialization × training step.

    The sixteen runs of :func:`initreg.playground_run` are trained when the figure is built
    (cached: in the chapter they already are), so moving a control only looks up stored
    parameters (:func:`initreg.toy_decision_map`) and redraws. The panel "cost" depends on
    the data set and the initialization, the step being its cursor; the decision boundary
    depends on all three. See {ref}`chap-why`.
    """
    roles = {_init_label(r): r for r in TOY_INITS}
    for d in TOY_DATASETS:
        for r in TOY_INITS:
            playground_run(d, r)

    def compute(dataset: str, init: str, step: int) -> dict[str, object]:
        step = v.nonneg_int(int(step), "step")
        return {"runs": {r: playground_run(dataset, r) for r in TOY_INITS},
                "map": toy_decision_map(dataset, init, step)}

    return Explorable(
        _toy_update,
        [Choice("dataset", {_DATASET_NAMES[d]: d for d in TOY_DATASETS}, label="data set"),
         Choice("init", roles, label="initialization", default="appropriate"),
         Slider("step", 0, STEP_GRID[-1], grid=STEP_GRID, integer=True, kind="time", label="gradient steps",
                default=1000, fmt="{:,}", continuous=True)],
        setup=_toy_setup, compute=compute,
        panels=[Panel("cost", 3.6, "The cost J of the four initializations on the {dataset} data against gradient "
                      "steps, both on log scales, the {init} curve in bold, with a vertical line at step {step}.",
                      depends=("dataset", "init"), cursor="step"),
                Panel("boundary", 3.4, "The decision boundary of the {init} network on the {dataset} data after "
                      "{step} gradient steps, drawn over the two classes of training points, with its training "
                      "accuracy in the title.")],
        figsize=(7.0, 3.3), name="fig-toy-init",
        caption=(_TRAINING.format(lr=0.1, n=300, seed=0)
                 + "The panel titled with the data set shows the cost of all four initializations over the "
                   f"3,000 steps in the book's colours ({_COLOURS}), the chosen one in bold; the grey vertical "
                   "line marks the chosen step, the dashed line is log 2, the cost of a constant guess of 1/2, "
                   "and a cross would mark the last step of a run that diverged. The panel titled with the "
                   f"initialization and its accuracy shows that network's decision boundary at the chosen step: "
                   f"{_SHADING}, and the training points; its frame has the initialization's colour."))
