"""Three views of a penalty ({ref}`chap-views`): the posterior, the decay Adam applies to
each weight, and the tuning grids of Adam with L2 and AdamW.

Three static figures, each drawn by one function from the experiments' results:
:func:`plot_posteriors` (the Gaussian and Laplace posteriors of two weights, their modes
and means), :func:`plot_decay_rates` (the decay per step of every weight against its √v̂,
and the weights no data gradient moves) and :func:`plot_decay_grids` (validation loss over
learning rate × strength).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib.figure import Figure, SubFigure
from matplotlib.patches import Rectangle
from matplotlib.ticker import FuncFormatter, NullLocator

from .. import _validate as v
from ..bayes import PosteriorGrid
from ..decoupled import DECAY_FORM_LABELS, DecayGrid, DecayTrace
from ..explorable import Explorable, Panel
from .style import COLORS, PENALTY_COLORS, decade_label

__all__ = ["plot_posteriors", "plot_decay_rates", "plot_decay_grids"]

_PRIOR_TITLES = {"gaussian": "Gaussian prior (L2)", "laplace": "Laplace prior (L1)"}
_PRIOR_PENALTY = {"gaussian": "l2", "laplace": "l1"}
#: Adam with L2 is an L2 penalty, so it keeps the L2 colour; decoupled decay is drawn in black.
_FORM_COLORS = {"adam_l2": PENALTY_COLORS["l2"], "adamw": COLORS["black"]}
_SHORT = {"adam_l2": "L2", "adamw": "AdamW"}


def _hpd_levels(density: np.ndarray, masses: Sequence[float]) -> list[float]:
    """The density levels whose upper sets hold each posterior mass (highest density regions)."""
    flat = np.sort(density.ravel())[::-1]
    cum = np.cumsum(flat)
    return sorted(float(flat[min(np.searchsorted(cum, q), flat.size - 1)]) for q in masses)


def plot_posteriors(grids: Mapping[str, PosteriorGrid], minimizers: Mapping[str, np.ndarray], *,
                    names: tuple[str, str] = ("w₁", "w₂")) -> Explorable:
    """The posterior of two weights under each prior, as its 50 %, 90 % and 99 % highest
    density regions, with the MAP estimate (scipy's), the penalized minimizer (initreg's)
    and the posterior mean. See {ref}`chap-views`."""
    if set(grids) != set(_PRIOR_TITLES) or set(minimizers) != set(_PRIOR_TITLES):
        raise ValueError("grids and minimizers must both have the keys gaussian and laplace")
    for key, g in grids.items():
        v.instance(g, f"grids[{key!r}]", PosteriorGrid)
    masses = (0.5, 0.9, 0.99)

    def panel(sub: SubFigure, prior: str) -> None:
        g = grids[prior]
        ax = sub.subplots(gridspec_kw={"left": 0.2, "right": 0.97, "bottom": 0.15, "top": 0.9})
        color = PENALTY_COLORS[_PRIOR_PENALTY[prior]]
        ax.contour(g.w1, g.w2, g.density.T, levels=_hpd_levels(g.density, masses), colors=color,
                   linewidths=(0.8, 1.2, 1.6))
        w_reg = np.asarray(minimizers[prior], dtype=float)
        ax.plot(*w_reg, "s", ms=11, mfc="none", mec="black", mew=1.4, label="minimizer of J + λP")
        ax.plot(*g.map, "+", ms=11, color="black", mew=1.6, label="posterior mode (scipy)")
        ax.plot(*g.mean, "o", ms=4.5, color="black", label="posterior mean")
        ax.axhline(0.0, color="0.6", lw=0.7, zorder=0)
        ax.axvline(0.0, color="0.6", lw=0.7, zorder=0)
        # the box of the 99.9 % region, with room above it for the legend
        inside = g.density >= _hpd_levels(g.density, (0.999,))[0]
        x_in, y_in = g.w1[inside.any(axis=1)], g.w2[inside.any(axis=0)]
        dx, dy = x_in[-1] - x_in[0], y_in[-1] - y_in[0]
        ax.set(xlim=(x_in[0] - 0.12 * dx, x_in[-1] + 0.12 * dx), ylim=(y_in[0] - 0.12 * dy, y_in[-1] + 0.75 * dy),
               xlabel=names[0], ylabel=names[1], title=_PRIOR_TITLES[prior])
        ax.legend(loc="upper left", fontsize=8.5, framealpha=0.9)

    def draw(fig: Figure, gaussian: SubFigure, laplace: SubFigure) -> None:
        fig.set_layout_engine("none")
        panel(gaussian, "gaussian")
        panel(laplace, "laplace")

    return Explorable.plot(
        draw, figsize=(7.0, 3.6), name="fig-posteriors",
        panels=[Panel("gaussian", 3.5, "Nested green contours of the Gaussian posterior of the two weights; the "
                                       "square, the cross and the dot of the mean coincide at their centre."),
                Panel("laplace", 3.5, "Nested blue contours of the Laplace posterior, cut off sharply along the "
                                      "line where the second weight is 0; the square and the cross sit on that "
                                      "line, the dot of the mean just above it.")],
        caption=("The posterior of the two diabetes weights (body mass index and blood pressure) at the λ of the "
                 "text: the 50 %, 90 % and 99 % regions of highest density. Square: the minimizer of J + λP "
                 "(initreg); cross: the posterior mode found by maximizing scipy's log densities; dot: the "
                 "posterior mean. Under the Gaussian prior the three coincide; under the Laplace prior the mode has "
                 "an exact zero and the mean does not."))


def _log_axes(ax, x: bool = True, y: bool = True) -> None:
    fmt = FuncFormatter(decade_label)
    if x:
        ax.set_xscale("log")
        ax.xaxis.set_major_formatter(fmt)
    if y:
        ax.set_yscale("log")
        ax.yaxis.set_major_formatter(fmt)


def plot_decay_rates(l2: DecayTrace, adamw: DecayTrace, zero_runs: Sequence[DecayTrace]) -> Explorable:
    """Left: every weight's decay per step against its √v̂ under Adam with L2 (dots, with the
    line 2αλ/√v̂) and AdamW (its one value α·d for all weights), and the decay 2αλ of SGD's L2
    rule when it differs. Right: the largest |w| of the weights whose data gradient is 0, step
    by step, for each run of ``zero_runs``; the left panel shows every other weight.
    See {ref}`chap-views`."""
    for name, tr in (("l2", l2), ("adamw", adamw)):
        v.instance(tr, name, DecayTrace)
    if l2.form != "adam_l2" or adamw.form != "adamw":
        raise ValueError("l2 must be an adam_l2 trace and adamw an adamw trace")
    runs = list(zero_runs)
    for i, tr in enumerate(runs):
        v.instance(tr, f"zero_runs[{i}]", DecayTrace)

    def left(sub: SubFigure) -> None:
        ax = sub.subplots(gridspec_kw={"left": 0.21, "right": 0.97, "bottom": 0.15, "top": 0.9})
        keep = l2.shown
        s, r = l2.sqrt_vhat[keep], l2.rate[keep]
        ax.plot(s, r, ".", ms=2.5, alpha=0.5, color=_FORM_COLORS["adam_l2"], label=DECAY_FORM_LABELS["adam_l2"],
                rasterized=True)
        xs = np.geomspace(s.min(), s.max(), 50)
        ax.plot(xs, 2 * l2.alpha * l2.strength / xs, "--", color="0.35", lw=1.0, label="2αλ/√v̂")
        sgd, wd = 2 * l2.alpha * l2.strength, adamw.alpha * adamw.strength
        same = abs(wd - sgd) <= 1e-12 * sgd
        ax.axhline(wd, color=_FORM_COLORS["adamw"], lw=1.6,
                   label=f"{DECAY_FORM_LABELS['adamw']}, α·d" + (" = SGD's 2αλ" if same else ""))
        if not same:
            ax.axhline(sgd, color="0.4", lw=1.2, ls=":", label="SGD with L2, 2αλ")
        _log_axes(ax)
        ax.set_ylim(min(wd, sgd) / 4, None)
        ax.set(xlabel="√v̂ of the weight", ylabel="decay per step", title="Every weight, last step")
        ax.legend(loc="lower left", fontsize=8.5, framealpha=0.9)

    def right(sub: SubFigure) -> None:
        ax = sub.subplots(gridspec_kw={"left": 0.23, "right": 0.97, "bottom": 0.15, "top": 0.9})
        styles = ["-", "--", ":"]
        counts = {"adam_l2": 0, "adamw": 0}
        for tr in runs:
            k = counts[tr.form]
            counts[tr.form] += 1
            size = np.max(np.abs(tr.zero_grad), axis=1)
            sym = "λ" if tr.form == "adam_l2" else "d"
            ax.plot(np.arange(size.size), np.maximum(size, 1e-30), styles[k % 3], color=_FORM_COLORS[tr.form],
                    lw=1.4, label=f"{_SHORT[tr.form]} {sym} = {decade_label(tr.strength)}")
        _log_axes(ax, x=False)
        ax.set_ylim(1e-13, 3.0)
        ax.set(xlabel="step", ylabel="largest |w|, no data gradient", title="Weights the data never moves")
        ax.legend(loc="lower left", fontsize=8.5, framealpha=0.95, ncol=2, columnspacing=0.8, handlelength=1.8)

    def draw(fig: Figure, rates: SubFigure, zero: SubFigure) -> None:
        fig.set_layout_engine("none")
        left(rates)
        right(zero)

    keep = l2.shown
    r_lo, r_hi = float(l2.rate[keep].min()), float(l2.rate[keep].max())
    wd = adamw.alpha * adamw.strength
    where = "below all of them" if wd < r_lo else ("above all of them" if wd > r_hi else "among them")
    ends = {f: [float(np.max(np.abs(tr.zero_grad[-1]))) for tr in runs if tr.form == f] for f in ("adam_l2", "adamw")}
    rates_alt = (f"{int(keep.sum())} green dots of decay per step against √v̂ on log axes, from {r_lo:.2g} to "
                 f"{r_hi:.2g} ({np.log10(r_hi / r_lo):.1f} decades), around a dashed line of slope minus one; a black "
                 f"horizontal line at α·d = {wd:.2g}, {where}.")
    zero_alt = (f"{len(ends['adam_l2'])} green curves of the largest |w| by step, ending at "
                f"{', '.join(f'{e:.1e}' for e in ends['adam_l2'])}; {len(ends['adamw'])} black lines falling "
                f"geometrically on the log axis, ending at {', '.join(f'{e:.1e}' for e in ends['adamw'])}.")
    return Explorable.plot(
        draw, figsize=(7.2, 3.8), name="fig-decay-rates",
        panels=[Panel("rates", 3.6, rates_alt), Panel("zero", 3.6, zero_alt)],
        caption=("Left: the decay per step the regularizer causes, as a fraction of the weight, for every "
                 "weight the data moves, at the last step, against the weight's √v̂ (log axes). Under Adam with "
                 "L2 (green dots) it is 2αλ/√v̂ (dashed): each weight decays at its own rate, slower where its "
                 "gradients have been larger. AdamW decays every weight by α·d (black line), here SGD's 2αλ. "
                 "Right: the largest |w| among the first-layer weights of the inputs that are 0 in every training "
                 "digit, step by step. Under Adam with L2 (green) the three strengths give one curve; under AdamW "
                 "(black) each strength its own geometric decay."))


def plot_decay_grids(l2: DecayGrid, adamw: DecayGrid) -> Explorable:
    """The validation loss averaged over seeds, learning rate (rows) × strength (columns), for
    Adam with L2 and AdamW, on one colour scale; a white dot marks each row's lowest mean
    loss and a black frame the one strength whose worst excess over the rows is smallest.
    See {ref}`chap-views`."""
    for name, g in (("l2", l2), ("adamw", adamw)):
        v.instance(g, name, DecayGrid)
    if l2.form != "adam_l2" or adamw.form != "adamw":
        raise ValueError("l2 must be an adam_l2 grid and adamw an adamw grid")
    lo = float(min(l2.mean_loss.min(), adamw.mean_loss.min()))
    hi = float(np.quantile(np.r_[l2.mean_loss.ravel(), adamw.mean_loss.ravel()], 0.9))

    def edges(x: np.ndarray) -> np.ndarray:
        lg = np.log10(x)
        mid = (lg[1:] + lg[:-1]) / 2
        return 10 ** np.r_[lg[0] - (mid[0] - lg[0]), mid, lg[-1] + (lg[-1] - mid[-1])]

    def panel(sub: SubFigure, g: DecayGrid, colorbar: bool) -> None:
        ax = sub.subplots(gridspec_kw={"left": 0.24 if not colorbar else 0.215, "right": 0.8 if colorbar else 0.97,
                                       "bottom": 0.15, "top": 0.9})
        M = g.mean_loss
        mesh = ax.pcolormesh(edges(g.strengths), edges(g.lrs), M, cmap="viridis_r", vmin=lo, vmax=hi,
                             shading="flat")
        best = np.argmin(M, axis=1)
        ax.plot(g.strengths[best], g.lrs, "o", ms=7, color="white", mec="black", mew=0.8)
        regret = (M - M.min(axis=1, keepdims=True)) / M.min(axis=1, keepdims=True)
        j = int(np.argmin(regret.max(axis=0)))
        e = edges(g.strengths)
        ax.add_patch(Rectangle(
            (e[j], edges(g.lrs)[0]), e[j + 1] - e[j], edges(g.lrs)[-1] - edges(g.lrs)[0], fill=False,
            ec="black", lw=1.6))
        _log_axes(ax)
        ax.set_yticks(g.lrs, [f"{x:g}" for x in g.lrs])
        ax.yaxis.set_minor_locator(NullLocator())
        sym = "λ" if g.form == "adam_l2" else "d"
        ax.set(xlabel=f"strength {sym}", ylabel="learning rate α", title=DECAY_FORM_LABELS[g.form])
        if colorbar:
            bar = sub.colorbar(mesh, ax=ax, pad=0.03)
            bar.set_label("validation loss")

    def draw(fig: Figure, l2_panel: SubFigure, adamw_panel: SubFigure) -> None:
        fig.set_layout_engine("none")
        panel(l2_panel, l2, False)
        panel(adamw_panel, adamw, True)

    n = len(l2.seeds)

    def alt(g: DecayGrid, extra: str) -> str:
        best = np.argmin(g.mean_loss, axis=1) + 1
        M = g.mean_loss
        j = int(np.argmin(((M - M.min(axis=1, keepdims=True)) / M.min(axis=1, keepdims=True)).max(axis=0))) + 1
        return (f"A heat map of validation loss for {DECAY_FORM_LABELS[g.form]}{extra}, {g.lrs.size} learning rates "
                f"(rows) by {g.strengths.size} strengths (columns); from the smallest to the largest learning rate "
                f"the white dots of the row minima sit in columns {', '.join(str(int(b)) for b in best)}, and the "
                f"black frame is column {j}.")

    return Explorable.plot(
        draw, figsize=(7.6, 3.6), name="fig-decay-grids",
        panels=[Panel("l2_panel", 3.5, alt(l2, "")),
                Panel("adamw_panel", 4.1, alt(adamw, ", with its colour bar"))],
        caption=(f"Validation loss of the digits network, averaged over {n} seeds, at every learning rate α and "
                 "strength (λ for Adam with L2, d for AdamW, both on log axes), on one colour scale (lighter is "
                 "lower). White dots: each row's lowest loss. Black frame: the single strength whose largest "
                 "excess over the best of each row is smallest."))
