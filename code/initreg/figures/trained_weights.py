"""What the penalties do to a trained network ({ref}`chap-trained-weights`): the weights by
value and by magnitude, the λ sweep on a validation set, and the live figure over penalty × λ.

Every weight figure of the chapter is made of two panel drawings, each set up once and then
shown for one run against the run without a penalty:

* :func:`_values_axes` / :func:`_show_values`: every weight by value, counts on a log axis;
* :func:`_magnitudes_axes` / :func:`_show_magnitudes`: the same weights by ``|w|`` on a log
  axis, exact zeros as a bar of their own, the near-zero threshold and the L1 band ``αλ``.

The source article's figure (:func:`plot_weight_histograms`: by value, L1 and L2), the
proximal step's figure (:func:`plot_abs_weights`: by magnitude, one panel per run) and the
live figure (:func:`trained_weights_explorer`: both panels, for a penalty and a λ) call them.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure, SubFigure
from matplotlib.legend import Legend
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle, StepPatch

from .. import _validate as v
from ..explorable import Choice, Explorable, Panel, Slider, cache_raster, register_figure
from ..weights import (DIGITS_SETUP, EXPLORER_LAMBDAS, LOG_MAGNITUDES, NEAR_ZERO, LambdaSweep,
                       TrainedRun, check_run, magnitude_histogram, strength_run, weight_histogram)
from ..penalties import PENALTY_LABELS
from .style import PENALTY_COLOR_NAMES, PENALTY_COLORS

__all__ = ["plot_weight_histograms", "plot_abs_weights", "plot_lambda_sweep", "trained_weights_explorer"]

#: The histogram by value: bins over ±VALUE_LIMIT (larger weights in the end bins; every
#: run of the chapter stays inside), an odd number so that 0 is the middle of a bin.
VALUE_LIMIT, VALUE_BINS = 1.0, 81
#: The histogram by magnitude: bins of a third of a decade over :data:`~initreg.LOG_MAGNITUDES`.
MAGNITUDE_BINS = 57
#: Where the bar of exact zeros stands on the log10|w| axis, two decades left of the range.
ZERO_X = LOG_MAGNITUDES[0] - 2.0
#: Panel size, inches: two panels side by side fill the 7.2-inch column.
PANEL_W, PANEL_H = 3.6, 3.2

_COUNT_TICKS = ([1, 10, 100, 1000, 10000], ["1", "10", "100", "1000", "10000"])
_BASE_COLOR = PENALTY_COLORS["none"]


def _name(run: TrainedRun, penalty: str) -> str:
    """``"L1"``, ``"L1 proximal"``, ``"L2"``: the penalty a run is shown for."""
    return PENALTY_LABELS[penalty] + (" proximal" if run.update == "proximal" and run.lam > 0 else "")


def _title(run: TrainedRun, penalty: str) -> str:
    return f"{_name(run, penalty)}, λ = {run.lam:g}"


def _legend(sub: Figure | SubFigure, handles: list[object], title: str) -> Legend:
    """The panel's title over a two-row legend, above the axes across the panel's width,
    drawn from a raster per text and colour (live speed)."""
    legend = sub.legend(handles, ["no penalty", "penalty"], loc="outside upper left", frameon=False,
                        handlelength=1.6, title=title, alignment="left",
                        title_fontproperties={"weight": "bold", "size": 10.0})
    handle = legend.legend_handles[1]
    cache_raster(legend, lambda: (tuple(t.get_text() for t in legend.get_texts()), handle.get_color()))
    return legend


def _fast_axes(ax: Axes) -> None:
    """Both axes of ``ax`` drawn from rasters (their limits and labels take few values)."""
    cache_raster(ax.xaxis)
    cache_raster(ax.yaxis)


def _count_axis(ax: Axes) -> None:
    ax.set_yscale("log")
    ax.set_yticks(*_COUNT_TICKS)
    ax.minorticks_off()
    ax.set_ylabel("number of weights")
    ax.grid(alpha=0.3)


# ----------------------------------------------------------------- by value
@dataclass
class _Values:
    """The artists of a panel of weights by value (:func:`_values_axes`)."""

    ax: Axes
    base: StepPatch
    run: StepPatch
    legend: Legend


def _values_axes(sub: Figure | SubFigure, title: str) -> _Values:
    """The axes of weights by value on ``sub``, titled ``title``: the base filled, the run
    as a line (no data yet)."""
    ax = sub.subplots()
    edges = np.linspace(-VALUE_LIMIT, VALUE_LIMIT, VALUE_BINS + 1)
    base = ax.stairs(np.ones(VALUE_BINS), edges, fill=True, color=_BASE_COLOR, alpha=0.45)
    run = ax.stairs(np.ones(VALUE_BINS), edges, color=_BASE_COLOR, lw=1.6)
    _count_axis(ax)
    ax.set(xlabel="weight value w", xlim=(-VALUE_LIMIT, VALUE_LIMIT))
    _fast_axes(ax)
    return _Values(ax, base, run, _legend(sub, [base, run], title))


def _show_values(p: _Values, base: TrainedRun, run: TrainedRun, penalty: str) -> None:
    """Show ``run`` (for ``penalty``) over ``base``; the legend gives both accuracies."""
    p.ax.set_ylim(0.7, 3.0 * base.n_weights)
    p.base.set_data(weight_histogram(base, bins=VALUE_BINS, limit=VALUE_LIMIT)[0])
    p.run.set_data(weight_histogram(run, bins=VALUE_BINS, limit=VALUE_LIMIT)[0])
    p.run.set_edgecolor(PENALTY_COLORS[penalty])
    p.legend.legend_handles[1].set_color(PENALTY_COLORS[penalty])
    for text, r, name in zip(p.legend.get_texts(), (base, run), ("no penalty", _name(run, penalty))):
        text.set_text(f"{name}: train {r.train_accuracy:.1%}, test {r.test_accuracy:.1%}")


# ------------------------------------------------------------- by magnitude
@dataclass
class _Magnitudes:
    """The artists of a panel of weights by magnitude (:func:`_magnitudes_axes`)."""

    ax: Axes
    base: StepPatch
    base_zeros: Rectangle
    run: StepPatch
    run_zeros: Rectangle
    band: Line2D
    legend: Legend


def _magnitudes_axes(sub: Figure | SubFigure, title: str) -> _Magnitudes:
    """The axes of log10|w| on ``sub``, titled ``title``: the base filled, the run as a line,
    a bar of exact zeros for each at :data:`ZERO_X`, the dotted near-zero threshold and the
    dashed band αλ (no data yet)."""
    ax = sub.subplots()
    lo, hi = LOG_MAGNITUDES
    edges = np.linspace(lo, hi, MAGNITUDE_BINS + 1)
    ones = np.ones(MAGNITUDE_BINS)
    base = ax.stairs(ones, edges, fill=True, color=_BASE_COLOR, alpha=0.45)
    base_zeros = ax.bar(ZERO_X, 1, width=1.2, color=_BASE_COLOR, alpha=0.45)[0]
    run = ax.stairs(ones, edges, color=_BASE_COLOR, lw=1.6)
    run_zeros = ax.bar(ZERO_X, 1, width=1.2, color=_BASE_COLOR, alpha=0.9)[0]
    band = ax.axvline(0.0, color=_BASE_COLOR, lw=1.0, ls="--")
    ax.axvline(math.log10(NEAR_ZERO), color="0.3", lw=0.9, ls=":")
    ticks = [ZERO_X] + list(range(-15, int(hi) + 1, 5))
    ax.set_xticks(ticks, ["0"] + [f"1e{t}" if t else "1" for t in ticks[1:]])
    _count_axis(ax)
    ax.set(xlabel="|w|, log scale (exact zeros at 0)", xlim=(ZERO_X - 1.2, hi))
    _fast_axes(ax)
    return _Magnitudes(ax, base, base_zeros, run, run_zeros, band, _legend(sub, [base, run], title))


def _show_magnitudes(p: _Magnitudes, base: TrainedRun, run: TrainedRun, penalty: str) -> None:
    """Show ``run`` (for ``penalty``) over ``base``; the legend gives the share near zero and ‖W‖."""
    color = PENALTY_COLORS[penalty]
    p.ax.set_ylim(0.7, 3.0 * base.n_weights)
    for steps, bar, r in ((p.base, p.base_zeros, base), (p.run, p.run_zeros, run)):
        counts, _, zeros = magnitude_histogram(r, bins=MAGNITUDE_BINS)
        steps.set_data(counts)
        bar.set_height(zeros)
        bar.set_visible(zeros > 0)
    p.run.set_edgecolor(color)
    p.run_zeros.set_facecolor(color)
    p.legend.legend_handles[1].set_color(color)
    has_band = penalty == "l1" and run.band > 0
    p.band.set_visible(has_band)
    if has_band:
        x = math.log10(run.band)
        p.band.set_xdata([x, x])
        p.band.set_color(color)
    for text, r, name in zip(p.legend.get_texts(), (base, run), ("no penalty", _name(run, penalty))):
        text.set_text(f"{name}: {r.near_zero():.1%} near zero, ‖W‖ = {r.norm:.3g}")


# ------------------------------------------------------------ static figures
def _setting(runs: Sequence[TrainedRun]) -> str:
    """E.g. "the [64, 100, 100, 10] tanh network, trained for 30 epochs": what the runs share."""
    r = runs[0]
    acts = ", ".join(dict.fromkeys(r.net.activations))
    return f"the {list(r.net.sizes)} {acts} network, trained for {r.epochs} epochs"


def plot_weight_histograms(base: TrainedRun, l1: TrainedRun, l2: TrainedRun) -> Explorable:
    """The source article's figure: every weight of the network without a penalty (filled,
    vermillion, the article's red) under those of the L1 network (blue) in one panel and of
    the L2 network (bluish green) in the other, on the same bins, counts on a log axis."""
    base, l1, l2 = check_run(base, "base"), check_run(l1, "l1"), check_run(l2, "l2")

    def draw(fig: Figure, l1_panel: SubFigure, l2_panel: SubFigure) -> list[_Values]:
        shown = []
        for sub, run in ((l1_panel, l1), (l2_panel, l2)):
            shown.append(_values_axes(sub, _title(run, run.penalty)))
            _show_values(shown[-1], base, run, run.penalty)
        return shown

    def alt(run: TrainedRun) -> str:
        return (f"Histogram of the {base.n_weights:,} weights by value, counts on a log scale: "
                f"{_title(run, run.penalty)} as a line over the network without a penalty, filled. "
                f"{run.near_zero():.0%} of the {PENALTY_LABELS[run.penalty]} weights are near zero, against "
                f"{base.near_zero():.0%} without a penalty; the largest |w| is {np.abs(run.flat).max():.2f}, "
                f"against {np.abs(base.flat).max():.2f}.")

    return Explorable.plot(
        draw, figsize=(2 * PANEL_W, PANEL_H), name="fig-weight-histograms",
        panels=[Panel("l1_panel", PANEL_W, alt(l1)), Panel("l2_panel", PANEL_W, alt(l2))],
        caption=(f"Histograms of all the weights of {_setting([base])}, biases excluded, on the same bins "
                 f"from −{VALUE_LIMIT:g} to {VALUE_LIMIT:g}, with counts on a log axis. Filled, in vermillion "
                 f"(the source article's red): no penalty. Panel {_title(l1, 'l1')}: the L1 network, in blue. "
                 f"Panel {_title(l2, 'l2')}: the L2 network, in bluish green rather than the article's blue, "
                 "because this book gives L2 its own colour everywhere. The legends give each network's "
                 "training and test accuracy."))


def plot_abs_weights(base: TrainedRun, runs: Sequence[TrainedRun]) -> Explorable:
    """One panel per run: the magnitudes ``|w|`` of its weights (line) over those of
    ``base`` (filled), on a log axis, exact zeros as a bar at 0. The dotted line is the
    near-zero threshold :data:`~initreg.NEAR_ZERO`, the dashed one the L1 band ``αλ``."""
    base = check_run(base, "base")
    runs = v.items_of([runs] if isinstance(runs, TrainedRun) else runs, "runs", TrainedRun)
    names = [f"run{i + 1}" for i in range(len(runs))]

    def draw(fig: Figure, **panels: SubFigure) -> list[_Magnitudes]:
        shown = []
        for name, run in zip(names, runs):
            shown.append(_magnitudes_axes(panels[name], _title(run, run.penalty)))
            _show_magnitudes(shown[-1], base, run, run.penalty)
        return shown

    def alt(run: TrainedRun) -> str:
        zeros = int(np.count_nonzero(run.flat == 0))
        title = _title(run, run.penalty)
        band = f", {run.within(run.band):.0%} inside the band αλ = {run.band:g}" if run.penalty == "l1" else ""
        return (f"Histogram of the magnitudes of the {run.n_weights:,} weights on a log scale, counts on a log "
                f"scale: {title} as a line over the network without a penalty, filled. Of the {title} "
                f"weights, {zeros:,} are exactly 0{band}; {run.near_zero():.0%} are near zero.")

    titles = "; ".join(f"panel {_title(r, r.penalty)}" for r in runs)
    return Explorable.plot(
        draw, figsize=(PANEL_W * len(runs), PANEL_H), name="fig-proximal-zeros",
        panels=[Panel(n, PANEL_W, alt(r)) for n, r in zip(names, runs)],
        caption=(f"Magnitudes |w| of all the weights of {_setting(runs)} ({titles}) on a log axis, counts on "
                 "a log axis too and exact zeros as a bar at 0, over those of the network without a penalty "
                 f"(filled, vermillion); magnitudes below 1e{LOG_MAGNITUDES[0]:g} are counted in the first "
                 "bin. The dashed line is the band αλ of one L1 step, the dotted line the near-zero threshold "
                 f"{NEAR_ZERO:g}. The legends give the share of weights near zero and the norm ‖W‖."))


def _lam_positions(lams: np.ndarray) -> tuple[np.ndarray, float | None]:
    """x positions on a log axis: λ = 0 is drawn one decade left of the smallest λ > 0."""
    pos = lams.astype(float).copy()
    zero_x = None
    if np.any(lams == 0):
        positive = lams[lams > 0]
        zero_x = float(positive.min()) / 10.0 if positive.size else 1.0
        pos[lams == 0] = zero_x
    return pos, zero_x


def _lam_axis(ax: Axes, zero_x: float | None) -> None:
    """A log λ axis, with λ = 0 labelled at ``zero_x`` and a tick every second decade."""
    ax.set_xscale("log")
    ax.set_xlabel("λ")
    ax.grid(alpha=0.3)
    if zero_x is not None:
        ticks = [zero_x] + [10.0 ** k for k in range(int(np.floor(np.log10(zero_x))) + 1, 1, 2)]
        ax.set_xticks(ticks, ["0"] + [f"{t:g}" for t in ticks[1:]])
        ax.minorticks_off()


def plot_lambda_sweep(sweeps: Sequence[LambdaSweep] | Mapping[str, LambdaSweep]) -> Explorable:
    """Three panels against λ (log axis, λ = 0 at the left edge): the training, validation
    and test accuracy; the weight norm ``‖W‖``; the near-zero fraction. On the test curve,
    a star marks the λ of the one-standard-error rule and a black cross the λ of the best
    validation accuracy (both chosen on validation)."""
    sweeps = v.items_of([sweeps] if isinstance(sweeps, LambdaSweep) else sweeps, "sweeps", LambdaSweep)
    names = [PENALTY_LABELS[s.penalty] for s in sweeps]

    def draw(fig: Figure, accuracy: SubFigure, norm: SubFigure, sparsity: SubFigure) -> dict[str, Axes]:
        ax_acc, ax_norm, ax_sparse = accuracy.subplots(), norm.subplots(), sparsity.subplots()
        zero_x = None
        for s, name in zip(sweeps, names):
            c = PENALTY_COLORS[s.penalty]
            x, zx = _lam_positions(s.lams)
            zero_x = zero_x or zx
            ax_acc.plot(x, s.train_accuracy, "-o", color=c, ms=3.5)
            ax_acc.plot(x, s.val_accuracy, ":^", color=c, ms=3.5)
            ax_acc.plot(x, s.test_accuracy, "--s", color=c, ms=3.5)
            o, b = s.one_se_index, s.best_index
            ax_acc.plot(x[o], s.test_accuracy[o], "*", color=c, ms=14, mec="k", mew=0.6, zorder=5)
            ax_acc.plot(x[b], s.test_accuracy[b], "x", color="k", ms=7, mew=1.4, zorder=6)
            ax_norm.plot(x, s.norm, "-o", color=c, ms=3.5, label=name)
            ax_sparse.plot(x, s.near_zero, "-o", color=c, ms=3.5, label=name)
        keys = [Line2D([], [], color=PENALTY_COLORS[s.penalty], lw=6, alpha=0.8) for s in sweeps]
        styles = [Line2D([], [], color="0.3", ls=ls, marker=m, ms=3.5)
                  for ls, m in (("-", "o"), (":", "^"), ("--", "s"))]
        marks = [Line2D([], [], ls="", marker="*", ms=11, color="0.6", mec="k", mew=0.6),
                 Line2D([], [], ls="", marker="x", ms=7, mew=1.4, color="k")]
        ax_acc.legend(keys + styles + marks, names + ["training", "validation", "test", "one-SE choice",
                                                      "best validation"],
                      loc="lower left", frameon=False, handlelength=2.2, labelspacing=0.3)
        ax_acc.set(ylabel="accuracy", ylim=(0, 1.03), title="accuracy")
        ax_norm.set(ylabel="weight norm ‖W‖", yscale="log", title="weight norm")
        ax_sparse.set(ylabel=f"fraction with |w| < {NEAR_ZERO:g}", ylim=(0, 1.03), title="near-zero weights")
        for ax in (ax_norm, ax_sparse):
            ax.legend(frameon=False)
        for ax in (ax_acc, ax_norm, ax_sparse):
            _lam_axis(ax, zero_x)
        return {"accuracy": ax_acc, "norm": ax_norm, "sparsity": ax_sparse}

    def trend(q: str, fmt: str, extreme: Callable[[np.ndarray], int]) -> str:
        """Each penalty's series ``q``: where it starts and ends, and its ``extreme`` on the way."""
        parts = []
        for s, n in zip(sweeps, names):
            y, k = getattr(s, q), extreme(getattr(s, q))
            inside = 0 < k < len(y) - 1 and fmt.format(y[k]) not in (fmt.format(y[0]), fmt.format(y[-1]))
            way = f", through {fmt.format(y[k])} at λ = {s.lams[k]:g}," if inside else ""
            parts.append(f"{n} goes from {fmt.format(y[0])} at λ = {s.lams[0]:g}{way} to {fmt.format(y[-1])} "
                         f"at λ = {s.lams[-1]:g}")
        return "; ".join(parts)

    s0 = sweeps[0]
    return Explorable.plot(
        draw, figsize=(3 * PANEL_W, PANEL_H), name="fig-lambda-sweep",
        panels=[Panel("accuracy", PANEL_W, "Training, validation and test accuracy against lambda on a log axis, "
                      f"one colour per penalty. Test accuracy: {trend('test_accuracy', '{:.0%}', np.argmax)}."),
                Panel("norm", PANEL_W, "The norm of all the weights against lambda, both on log axes: "
                      f"{trend('norm', '{:.3g}', np.argmin)}."),
                Panel("sparsity", PANEL_W, f"The fraction of weights with |w| below {NEAR_ZERO:g} against "
                      f"lambda: {trend('near_zero', '{:.0%}', np.argmax)}.")],
        caption=(f"The network trained on the small training set at each of {len(s0.lams)} values of λ, with "
                 + " and ".join(f"{n} ({PENALTY_COLOR_NAMES[s.penalty]})" for s, n in zip(sweeps, names))
                 + "; λ = 0 is drawn at the left end of the log axis. Panel accuracy: on the training images "
                 f"(solid), the {s0.n_val} validation images (dotted) and the test images (dashed); on the test "
                 "curves, the star marks the λ chosen on validation by the one-standard-error rule, the black "
                 "cross the λ of the best validation accuracy. Panel weight norm: the norm of all the weights. "
                 f"Panel near-zero weights: the fraction of weights with |w| < {NEAR_ZERO:g}."))


# -------------------------------------------------------------- live figure
@register_figure
def trained_weights_explorer(
    lams: Sequence[float] = EXPLORER_LAMBDAS,  # the slider's λ, increasing, from 0
    run: Callable[[str, float], TrainedRun] = strength_run,  # (penalty, λ) -> run; λ = 0: no penalty
) -> Explorable:
    """The live figure of {ref}`chap-trained-weights`: the digits network trained with L1 or
    L2 at each λ of :data:`~initreg.EXPLORER_LAMBDAS` (λ = 0: no penalty), its weights by
    value and by magnitude over those of the network without a penalty. The runs are the
    chapter's own (:func:`~initreg.strength_run`, trained once and cached); ``run`` and
    ``lams`` put other runs in the same drawing (the tests use small ones)."""
    lams = [float(x) for x in lams]
    if not lams or lams[0] != 0.0:
        raise ValueError(f"lams must start at λ = 0, the run without a penalty; got {lams[:1]}")
    if not callable(run):
        raise TypeError("run must be a function (penalty, lam) -> TrainedRun")
    st = DIGITS_SETUP

    def setup(fig: Figure, values: SubFigure, magnitudes: SubFigure) -> tuple[_Values, _Magnitudes]:
        return _values_axes(values, "by value"), _magnitudes_axes(magnitudes, "by magnitude")

    def compute(penalty: str, lam: float) -> tuple[TrainedRun, TrainedRun]:
        # the chapter's runs: trained on first use, then cached by the experiment module
        return check_run(run("l1", 0.0), "run('l1', 0)"), check_run(run(penalty, lam), f"run({penalty!r}, {lam:g})")

    def update(state: tuple[_Values, _Magnitudes], data: tuple[TrainedRun, TrainedRun], penalty: str,
               lam: float) -> None:
        base, shown = data
        _show_values(state[0], base, shown, penalty)
        _show_magnitudes(state[1], base, shown, penalty)

    return Explorable(
        update,
        [Choice("penalty", {"L1": "l1", "L2": "l2"}, label="penalty"),
         Slider("lam", 0.0, lams[-1], grid=lams, kind="strength", label="λ", fmt="{:g}")],
        setup=setup, compute=compute,
        panels=[Panel("values", PANEL_W, "Histogram of the weights of the digits network trained with {penalty} "
                      "at lambda {lam}, by value, drawn as a line over those of the network without a penalty; "
                      "the legend gives both networks' training and test accuracies."),
                Panel("magnitudes", PANEL_W, "Histogram of the same weights by magnitude on a log scale, with "
                      "exact zeros as a bar of their own, for {penalty} at lambda {lam} over the network "
                      "without a penalty; the legend gives the share of weights near zero and the weight norm.")],
        figsize=(2 * PANEL_W, PANEL_H), name="fig-trained-weights-explorer",
        caption=(f"The {list(st['sizes'])} {st['activation']} network trained on the digits by SGD "
                 f"(α = {st['lr']:g}, batches of {st['batch_size']}, {st['epochs']} epochs) with L1 (blue) or L2 "
                 "(bluish green) at the chosen λ, against the same network without a penalty (filled, "
                 "vermillion); at λ = 0 the two are the same network. "
                 "Panel by value: every weight of every weight matrix (biases excluded), counts on a log axis; "
                 "the legend gives the training and test accuracies. Panel by magnitude: the same weights by "
                 "|w| on a log axis, exact zeros as a bar at 0; the dotted line is the near-zero threshold "
                 f"{NEAR_ZERO:g}, the dashed line the L1 band αλ; the legend gives the share of weights near zero "
                 "and the norm ‖W‖."))
