"""Regularization at work ({ref}`chap-at-work`): the seeded sweeps, early stopping against
L2, and the explorer over regularizer × strength × seed.

=================================  ========================================================
:func:`plot_strength_sweeps`       test loss and accuracy against λ: mean and range of seeds
:func:`plot_early_stopping_paths`  gradient descent from 0 and the L2 path at 1/(2αt)
:func:`regularization_explorer`    one run's curves, and test accuracy against strength
=================================  ========================================================

Everything drawn is computed by :mod:`initreg.regularization` and
:mod:`initreg.early_stopping`; here it is only drawn.
"""

from __future__ import annotations

from collections.abc import Sequence
from types import SimpleNamespace

import numpy as np
from matplotlib.figure import Figure, SubFigure
from matplotlib.lines import Line2D
from matplotlib.ticker import NullLocator

from .. import _validate as v
from ..early_stopping import EarlyStoppingRidge
from ..explorable import Choice, Explorable, Panel, Slider, add_cursor, cache_raster, register_figure
from ..regularization import (REGULARIZER_NAMES, REGULARIZERS, SMALL_DATA, STRENGTH_NAMES, SmallDataStudy,
                              small_data_study, strengths_of)
from .style import COLORS, PENALTY_COLORS

__all__ = ["REGULARIZER_COLORS", "plot_strength_sweeps", "plot_early_stopping_paths", "regularization_explorer"]

#: One colour per regularizer: the penalties' own, then black, reddish purple and orange.
REGULARIZER_COLORS: dict[str, str] = {
    "none": PENALTY_COLORS["none"], "l1": PENALTY_COLORS["l1"], "l2": PENALTY_COLORS["l2"],
    "early_stopping": COLORS["black"], "dropout": COLORS["reddish purple"], "adamw": COLORS["orange"],
}
_COLOR_NAMES = {"none": "vermillion", "l1": "blue", "l2": "bluish green", "early_stopping": "black",
                "dropout": "reddish purple", "adamw": "orange"}
PANEL_W, PANEL_H = 3.6, 3.3


def _check_study(study: object) -> SmallDataStudy:
    if not isinstance(study, SmallDataStudy):
        raise TypeError(f"study must be an initreg.SmallDataStudy (see small_data_study); got {type(study).__name__}")
    return study


def _fmt(regularizer: str, value: float) -> str:
    """A strength as the figures write it: λ to two digits, t and p as they are."""
    if regularizer == "early_stopping":
        return f"{int(value)}"
    if regularizer == "dropout":
        return f"{value:g}"
    return "0" if value == 0 else f"{value:.2g}"


# ------------------------------------------------------------------ static: the sweeps
def plot_strength_sweeps(study: SmallDataStudy, regularizers: Sequence[str] = ("l1", "l2")) -> Explorable:
    """Two panels against λ (a log axis, λ = 0 one step left of the smallest λ): the test loss
    and the test accuracy of each regularizer, the mean over seeds as a line and the range
    of the seeds as a band; the dotted line is the mean without a regularizer."""
    study = _check_study(study)
    regs = [v.choice(r, f"regularizers[{i}]", ("l1", "l2")) for i, r in enumerate(regularizers)]
    if not regs:
        raise ValueError("regularizers must name at least one of l1, l2")
    lams = np.asarray(strengths_of("l2"))
    x = np.arange(len(lams), dtype=float)  # positions: the grid is even on a log axis
    x[0] = -1.0  # λ = 0, set apart from the log-spaced λ > 0
    n = len(study.seeds)

    def draw(fig: Figure, loss: SubFigure, accuracy: SubFigure) -> None:
        for sub, q, ylabel in ((loss, "test_loss", "test loss (cross-entropy)"),
                               (accuracy, "test_accuracy", "test accuracy")):
            ax = sub.subplots()
            base = float(study.none(q).mean())
            ax.axhline(base, color=REGULARIZER_COLORS["none"], ls=":", lw=1.2, label="no penalty (mean)")
            for r in regs:
                t = study.sweeps[r].table(q)
                c = REGULARIZER_COLORS[r]
                ax.fill_between(x, t.min(axis=0), t.max(axis=0), color=c, alpha=0.2, lw=0)
                ax.plot(x, t.mean(axis=0), "-o", ms=3, color=c, label=f"{REGULARIZER_NAMES[r]}: mean of {n} seeds")
            ticks = [k for k in range(1, len(lams)) if k % 5 == 1]
            ax.set_xticks([-1.0] + ticks, ["0"] + [f"{lams[k]:.0e}".replace("e-0", "e-") for k in ticks])
            ax.xaxis.set_minor_locator(NullLocator())
            ax.set(xlabel="λ (five steps per decade)", ylabel=ylabel, xlim=(-1.6, len(lams) - 0.5))
            if q == "test_loss":
                ax.set_yscale("log")
                ax.set_ylim(0.3, 2.5)
                ax.yaxis.set_minor_locator(NullLocator())
                ax.set_yticks([0.3, 0.5, 1.0, 2.0], ["0.3", "0.5", "1", "2"])
            else:
                ax.set_ylim(0.2, 0.95)
            ax.grid(alpha=0.3)
            ax.legend(frameon=False, loc="upper left" if q == "test_loss" else "lower left")

    def trend(q: str, fmt: str) -> str:
        parts = []
        for r in regs:
            m = study.sweeps[r].table(q).mean(axis=0)
            k = int(np.argmin(m) if q == "test_loss" else np.argmax(m))
            parts.append(f"{REGULARIZER_NAMES[r]} from {fmt.format(m[0])} at λ = 0 to {fmt.format(m[k])} at "
                         f"λ = {lams[k]:.2g} and {fmt.format(m[-1])} at λ = {lams[-1]:.2g}")
        return "; ".join(parts)

    return Explorable.plot(
        draw, figsize=(2 * PANEL_W, PANEL_H), name="fig-at-work-sweeps",
        panels=[Panel("loss", PANEL_W, f"Test loss against lambda, mean over seeds: {trend('test_loss', '{:.3f}')}."),
                Panel("accuracy", PANEL_W, "Test accuracy against lambda, mean over seeds: "
                      f"{trend('test_accuracy', '{:.1%}')}.")],
        caption=("The small-data network trained with "
                 + " and with ".join(f"{REGULARIZER_NAMES[r]} ({_COLOR_NAMES[r]})" for r in regs)
                 + f" at each of the {len(lams)} values of λ, for each of {n} seeds (each with its own "
                 f"{SMALL_DATA['n_train']} training images and initial weights): the line is the mean over the "
                 "seeds, the band their range. The dotted vermillion line is the mean without a penalty. Panel "
                 "test loss: the cross-entropy on the test images, on a log axis. Panel test accuracy: the share of "
                 "test images classified correctly."))


# ------------------------------------------------------ static: early stopping vs L2
def plot_early_stopping_paths(result: EarlyStoppingRidge, *, marks: Sequence[int] = (1, 2, 5, 10, 20, 50, 100, 200)
                              ) -> Explorable:
    """Two panels. Paths: the contours of J(w) = ‖Xw − y‖²/(2m), gradient descent from 0
    (dots at the steps ``marks``) and the L2 minimizers at λ = 1/(2αt) for the same t
    (squares), a thin segment joining each pair. Ratio: ``2αt·λᵢ(t)`` for both
    eigen-directions against ``αhᵢt`` (log axis), with the continuous-time curve
    x/(eˣ − 1) and the first-order line 1 − x/2."""
    if not isinstance(result, EarlyStoppingRidge):
        raise TypeError(f"result must be an initreg.EarlyStoppingRidge; got {type(result).__name__}")
    T = int(result.t[-1])
    ks = [int(t) - 1 for t in marks if 1 <= int(t) <= T]
    if not ks:
        raise ValueError(f"marks must hold at least one step in 1..{T}")
    X, y = result.X, result.y
    m = X.shape[0]
    G, c = X.T @ X / m, X.T @ y / m
    ws = result.w_star
    lo = np.minimum(0.0, ws) - 0.25 * np.abs(ws).max()
    hi = np.maximum(0.0, ws) + 0.25 * np.abs(ws).max()
    g1, g2 = np.meshgrid(np.linspace(lo[0], hi[0], 121), np.linspace(lo[1], hi[1], 121))
    W = np.stack([g1.ravel(), g2.ravel()], axis=1)
    J = (0.5 * np.einsum("ij,jk,ik->i", W, G, W) - W @ c).reshape(g1.shape)
    J0 = float(0.5 * ws @ G @ ws - ws @ c)
    dirs = ("flattest direction", "steepest direction")

    def draw(fig: Figure, paths: SubFigure, ratio: SubFigure) -> None:
        ax = paths.subplots()
        levels = J0 + (0.0 - J0) * np.array([0.02, 0.08, 0.2, 0.4, 0.65, 1.0, 1.5])
        ax.contour(g1, g2, J, levels=np.sort(levels), colors="0.6", linewidths=0.8)
        d, r = result.descent, result.ridge
        ax.plot(np.r_[0.0, d[:, 0]], np.r_[0.0, d[:, 1]], "-", color=REGULARIZER_COLORS["early_stopping"], lw=1.2,
                label="gradient descent, steps t")
        ax.plot(r[:, 0], r[:, 1], "-", color=REGULARIZER_COLORS["l2"], lw=1.2, label="L2 minimizer at λ = 1/(2αt)")
        for k in ks:
            ax.plot([d[k, 0], r[k, 0]], [d[k, 1], r[k, 1]], "-", color="0.5", lw=0.7)
        ax.plot(d[ks, 0], d[ks, 1], "o", ms=4, color=REGULARIZER_COLORS["early_stopping"])
        ax.plot(r[ks, 0], r[ks, 1], "s", ms=4, color=REGULARIZER_COLORS["l2"])
        ax.plot([ws[0]], [ws[1]], "X", ms=9, color=REGULARIZER_COLORS["none"], mec="white", label="least squares w*")
        ax.plot([0.0], [0.0], "+", ms=9, color="k")
        ax.set(xlabel="w₁ (bmi)", ylabel="w₂ (bp)", aspect="equal", xlim=(lo[0], hi[0]), ylim=(lo[1], hi[1]))
        paths.legend(*ax.get_legend_handles_labels(), frameon=False, loc="outside upper left", fontsize=9)
        bx = ratio.subplots()
        xs = np.geomspace(1e-3, 30, 300)
        bx.plot(xs, xs / np.expm1(xs), "-", color="0.4", lw=1.0, label="x/(eˣ − 1)")
        bx.plot(xs, 1 - xs / 2, "--", color="0.4", lw=1.0, label="1 − x/2")
        for i, (mk, name) in enumerate(zip(("o", "s"), dirs)):
            bx.plot(result.x[:, i], result.ratio[:, i], mk, ms=3, mfc="none", color="0.5" if i
                    else REGULARIZER_COLORS["early_stopping"], label=f"{name}, h = {result.h[i]:.2f}")
        bx.set_xscale("log")
        bx.set(xlabel="x = αhᵢt", ylabel="2αt·λᵢ(t)", ylim=(-0.05, 1.1), xlim=(1e-3, 30))
        bx.grid(alpha=0.3)
        bx.legend(frameon=False, loc="lower left", fontsize=9)

    gap = np.linalg.norm(result.descent - result.ridge, axis=1)
    kmax = int(np.argmax(gap))
    return Explorable.plot(
        draw, figsize=(2 * PANEL_W, PANEL_H + 0.3), name="fig-early-stopping-paths",
        panels=[Panel("paths", PANEL_W, f"Contours of the least-squares cost in the plane of the two weights. Both "
                      f"paths start at the origin and end near the least-squares solution; they are farthest apart, "
                      f"{gap[kmax]:.3f}, at step {int(result.t[kmax])}, and the L2 minimizers lie nearer the origin."),
                Panel("ratio", PANEL_W, "The matched strength times 2 alpha t against alpha h t on a log axis: near 1 "
                      "for small x, falling toward 0 beyond x = 1, the points of both directions on or below the curve "
                      "x/(e^x − 1) (discrete steps have q ≤ e^(−x)).")],
        caption=(f"Gradient descent from 0 with α = {result.lr:g} on the two-input least-squares cost of "
                 "the loss-landscapes chapter against the L2 minimizer at λ = 1/(2αt). Panel paths: the iterates w_t "
                 f"(black line, dots at t = {', '.join(str(k + 1) for k in ks)}) and the L2 minimizers (bluish green, "
                 "squares at the same t), a grey segment joining each pair; the cross is the least-squares "
                 "solution. Panel ratio: for each eigen-direction i of XᵀX/m, the strength λᵢ(t) at which L2 "
                 "keeps "
                 "as much of it as t steps do, times 2αt, against x = αhᵢt: the first-order 1/(2αt) is right "
                 "while x ≪ 1 (dashed: 1 − x/2) and too strong beyond; the solid curve is the continuous-time "
                 "limit x/(eˣ − 1)."))


# ------------------------------------------------------------------- the explorer
def _values_of(regularizer: str) -> tuple[float, ...]:
    return (0.0,) * 16 if regularizer == "none" else strengths_of(regularizer)


@register_figure
def regularization_explorer(study: SmallDataStudy | None = None) -> Explorable:
    """The live figure of {ref}`chap-at-work`: pick a regularizer, its strength (16
    positions, 0 = off) and a seed. Panel curves: the training and test loss against the
    epoch of the network of every seed at that setting, the chosen seed bold (early stopping: the unregularized
    runs, stopped at the line), over the mean test loss without a regularizer (dotted), and
    the mean ± standard deviation over seeds of the final test loss and accuracy. Panel
    strength: the test loss and test accuracy at every strength, the mean over seeds
    (line), their range (band) and the chosen seed (thin line); the slider's strength is a
    cursor. ``study`` defaults to the chapter's (:func:`~initreg.small_data_study`; the
    tests pass a small one)."""
    study = small_data_study() if study is None else _check_study(study)
    seeds = study.seeds
    n = len(seeds)
    epochs = int(SMALL_DATA["epochs"])
    tables = {r: {q: study.sweeps[r].table(q) for q in ("test_loss", "test_accuracy")}
              for r in REGULARIZERS[1:]}
    tables["none"] = {q: np.repeat(study.none(q)[:, None], 16, axis=1) for q in ("test_loss", "test_accuracy")}
    base_runs = [study.run("none", 0, s) for s in seeds]
    base_epoch = base_runs[0].epoch
    base_test = np.mean([r.test_loss for r in base_runs], axis=0)
    pos = np.arange(16, dtype=float)
    margins = dict(left=0.2, right=0.96)

    def setup(fig: Figure, curves: SubFigure, strength: SubFigure) -> SimpleNamespace:
        fig.set_layout_engine("none")
        ax = curves.subplots(gridspec_kw=margins | dict(bottom=0.15, top=0.8))
        (base,) = ax.plot(base_epoch, base_test, ":", color=REGULARIZER_COLORS["none"], lw=1.4,
                          label="test, no regularizer (mean)", zorder=3)
        trains = [ax.plot([], [], "-", lw=0.9, alpha=0.8)[0] for _ in seeds]
        tests = [ax.plot([], [], "--", lw=0.9, alpha=0.8)[0] for _ in seeds]
        stop = ax.axvline(0.0, color="0.3", lw=1.0, ls="-.")
        ax.set_yscale("log")
        ax.set(xlabel="epoch", ylabel="loss (cross-entropy)", xlim=(0, epochs), ylim=(1e-6, 3.0))
        ax.yaxis.set_minor_locator(NullLocator())
        ax.set_yticks([1e-6, 1e-4, 1e-2, 1.0], ["1e-6", "1e-4", "0.01", "1"])
        ax.grid(alpha=0.3)
        keys = ax.legend(handles=[Line2D([], [], color="0.3", ls="-", lw=1.2), Line2D([], [], color="0.3", ls="--",
                                                                                          lw=1.2), base],
                         labels=["training", "test", "test, no regularizer (mean)"], frameon=False, loc="lower left",
                         fontsize=9)
        title = curves.suptitle(" ", fontsize=10, y=0.97, va="top")
        note = curves.text(0.58, 0.865, " ", ha="center", va="top", fontsize=9)
        for artist in (ax.xaxis, ax.yaxis):
            cache_raster(artist)
        cache_raster(keys, lambda: None)
        sub = strength.subplots(2, 1, sharex=True, gridspec_kw=margins | dict(bottom=0.15, top=0.88, hspace=0.12))
        lines = {}
        for bx, q in zip(sub, ("test_loss", "test_accuracy")):
            band = bx.fill_between(pos, pos * 0 + 0.5, pos * 0 + 0.6, color="0.7", alpha=0.3, lw=0)
            (mean,) = bx.plot([], [], "-o", ms=2.5, lw=1.5)
            (one,) = bx.plot([], [], "-", lw=0.9, color="0.3")
            r0 = float(tables["none"][q][:, 0].mean())
            bx.plot([-0.5, 15.5], [r0, r0], ":", lw=1.2, color=REGULARIZER_COLORS["none"])
            bx.grid(alpha=0.3)
            lines[q] = SimpleNamespace(band=band, mean=mean, one=one)
        cursor = add_cursor(sub[1], "strength", at=lambda k: float(k))
        sub[0].set(ylabel="test loss", yscale="log", ylim=(0.25, 2.5))
        sub[0].yaxis.set_minor_locator(NullLocator())
        sub[0].set_yticks([0.3, 0.5, 1.0, 2.0], ["0.3", "0.5", "1", "2"])
        sub[1].set(ylabel="test accuracy", ylim=(0.2, 1.0), xlim=(-0.5, 15.5))
        cache_raster(sub[0].yaxis)
        cache_raster(sub[1].yaxis)
        cache_raster(sub[1].xaxis, lambda: (tuple(t.get_text() for t in sub[1].get_xticklabels()),
                                             sub[1].get_xlabel()))
        head = strength.suptitle(" ", fontsize=10, y=0.97, va="top")
        return SimpleNamespace(trains=trains, tests=tests, stop=stop, title=title, note=note, lines=lines, sub=sub,
                               head=head, cursor=cursor)

    def compute(regularizer: str, strength: int, seed: int) -> list:
        return [study.run(regularizer, int(strength), s) for s in seeds]

    def update(state: SimpleNamespace, runs: list, regularizer: str, strength: int, seed: int) -> None:
        color = REGULARIZER_COLORS[regularizer]
        for s, run, tr, te in zip(seeds, runs, state.trains, state.tests):
            tr.set_data(run.epoch, run.train_loss)
            te.set_data(run.epoch, run.test_loss)
            mine = s == seed  # the chosen seed bold, the others faint
            for ln in (tr, te):
                ln.set_color(color)
                ln.set_linewidth(2.0 if mine else 0.7)
                ln.set_alpha(1.0 if mine else 0.4)
                ln.set_zorder(4 if mine else 2)
        es = regularizer == "early_stopping"
        state.stop.set_visible(es)
        if es:
            t = float(runs[0].epoch[-1])
            state.stop.set_xdata([t, t])
        values = _values_of(regularizer)
        name = REGULARIZER_NAMES[regularizer]
        setting = name if regularizer == "none" else (f"{name}, {STRENGTH_NAMES[regularizer]} = "
                                                      f"{_fmt(regularizer, values[int(strength)])}")
        state.title.set_text(f"{setting}: {n} seeds")
        tl = np.array([r.final_test_loss for r in runs])
        ta = np.array([r.final_test_accuracy for r in runs])
        sd = (lambda a: float(a.std(ddof=1))) if n > 1 else (lambda a: 0.0)
        state.note.set_text(f"test loss {tl.mean():.3f} ± {sd(tl):.3f}, accuracy {ta.mean():.1%} ± {sd(ta):.1%}")
        i = seeds.index(seed)
        for q, ln in state.lines.items():
            t = tables[regularizer][q]
            ln.band.set_verts([np.c_[np.r_[pos, pos[::-1]], np.r_[t.min(axis=0), t.max(axis=0)[::-1]]]])
            ln.band.set_color(color)
            ln.mean.set_data(pos, t.mean(axis=0))
            ln.mean.set_color(color)
            ln.one.set_data(pos, t[i])
        state.cursor.set_xdata([float(strength), float(strength)])
        ticks = [0, 5, 10, 15]
        state.sub[1].set_xticks(ticks, [_fmt(regularizer, values[k]) for k in ticks])
        state.sub[1].set_xlabel("strength: " + ("none" if regularizer == "none" else STRENGTH_NAMES[regularizer]))
        state.head.set_text(f"{name}: mean, range; seed {seed} thin")

    names = {REGULARIZER_NAMES[r] if r != "none" else "none": r for r in REGULARIZERS}
    lam, stops, drops, decays = (strengths_of(r) for r in ("l2", "early_stopping", "dropout", "adamw"))
    return Explorable(
        update,
        [Choice("regularizer", names, label="regularizer", default="l2"),
         Slider("strength", 0, 15, grid=16, integer=True, kind="strength", label="strength (0 = off)",
                default=7, fmt="{:d}"),
         Choice("seed", {f"seed {s}": s for s in seeds}, label="seed")],
        setup=setup, compute=compute, figsize=(2 * PANEL_W, PANEL_H + 0.3), dpi=96, name="fig-regularization-explorer",
        panels=[Panel("curves", PANEL_W, f"Training and test loss against the epoch, on a log scale, of the {n} "
                      "networks (one per seed) trained with {regularizer} at strength position {strength}, {seed} drawn "
                      "bold, over the mean test loss without a regularizer (dotted).",
                      depends=("regularizer", "strength", "seed")),
                Panel("strength", PANEL_W, "Test loss and test accuracy against the strength of {regularizer}: the "
                      "mean over seeds as a line, their range as a band, {seed} as a thin line, the mean without "
                      "a regularizer dotted.", depends=("regularizer", "seed"), cursor="strength")],
        caption=(f"The small-data network ({SMALL_DATA['n_train']} training images, {list(SMALL_DATA['sizes'])} tanh, "
                 f"{epochs} full-batch epochs) with the regularizer and strength you choose, for each of {n} seeds; "
                 "every setting is a network trained when the book was built. Strength position 0 is the "
                 f"regularizer switched off (for AdamW: Adam alone); the higher positions are λ of L1 and L2 from "
                 f"{lam[1]:.2g} to {lam[-1]:.2g} (five per decade), stopping epochs from {int(stops[1])} down to "
                 f"{int(stops[-1])}, dropout probabilities from {drops[1]:g} to {drops[-1]:g}, and AdamW decays from "
                 f"{decays[1]:.2g} to {decays[-1]:.2g}. Panel curves: the training loss (solid) and test "
                 "loss (dashed) of every seed's network against the epoch, the chosen seed's bold, over the mean test loss without a "
                 "regularizer (dotted vermillion), with the mean ± standard deviation over seeds of the final test "
                 "loss and accuracy; for early stopping the runs stop at the dash-dotted line. Panel strength: the "
                 f"test loss and the test accuracy at every strength, the mean over the {n} seeds (line), their "
                 "range (band) and the chosen seed (thin grey line); the dotted line is the mean without a "
                 "regularizer; a vertical line marks the strength."))
