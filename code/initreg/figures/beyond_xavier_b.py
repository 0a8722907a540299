"""Static figures of {ref}`chap-beyond`'s sections on deep linear networks, residual networks
and LSUV: what :mod:`initreg.deeplinear`, :mod:`initreg.residual` and :mod:`initreg.lsuv`
measured, drawn.

==============================  ==================================================================
:func:`plot_deep_linear`        steps to the loss threshold against depth, and the product's spread
:func:`plot_residual_growth`    the stream's growth against the number of branches, per scaling
:func:`plot_lsuv`               the scale k[l] LSUV finds in every layer, against the analytic rules
==============================  ==================================================================

Each is one drawing function wrapped in :meth:`initreg.Explorable.plot`.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from matplotlib import ticker
from matplotlib.axes import Axes
from matplotlib.figure import Figure, SubFigure

from ..deeplinear import DeepLinearStudy
from ..explorable import Explorable, Panel
from ..lsuv import LSUVStudy
from ..residual import ResidualGrowth
from .style import COLORS, INIT_COLORS, decade_label

__all__ = ["plot_deep_linear", "plot_residual_growth", "plot_lsuv"]

#: Gaussian N(0, 1/n) in the book's colour for Xavier's rule; orthogonal in blue.
_INIT_STYLE = {"xavier": (INIT_COLORS["xavier"], "Gaussian N(0, 1/n)"), "orthogonal": (COLORS["blue"], "orthogonal")}
_SCALING_STYLE = {"none": (COLORS["vermillion"], "unscaled"), "gpt2": (COLORS["blue"], "GPT-2: 1/√N"),
                  "fixup": (COLORS["bluish green"], "Fixup: last layer 0")}
_ACT_STYLE = {"tanh": INIT_COLORS["xavier"], "relu": INIT_COLORS["he_normal"], "linear": COLORS["black"],
              "sigmoid": COLORS["reddish purple"]}


def _log_axis(ax: Axes, axis: str = "y", base: int = 10) -> None:
    """A log axis with plain labels and no minor ticks."""
    getattr(ax, f"set_{axis}scale")("log", base=base)
    a = ax.yaxis if axis == "y" else ax.xaxis
    a.set_minor_locator(ticker.NullLocator())
    if base == 10:
        a.set_major_formatter(ticker.FuncFormatter(decade_label))
    else:
        a.set_major_formatter(ticker.FuncFormatter(lambda x, _p: f"{x:g}"))


def _check_studies(studies: object) -> dict[str, DeepLinearStudy]:
    if not isinstance(studies, Mapping) or not studies:
        raise TypeError("studies must be a non-empty mapping of labels to DeepLinearStudy objects")
    for k, s in studies.items():
        if not isinstance(s, DeepLinearStudy):
            raise TypeError(f"studies[{k!r}] must be a DeepLinearStudy; got {type(s).__name__}")
    return dict(studies)


def plot_deep_linear(studies: Mapping[str, DeepLinearStudy]) -> Explorable:
    """Two panels. Left: the steps each seed needs to reach the threshold at its
    initialization's best rate, against the depth (dots; the median as a line), one line
    style per study (e.g. per hidden width), runs that never reached it at the top edge.
    Right: σmax/σmin of the end-to-end matrix W[L] ⋯ W[1] at initialization (median and range)."""
    studies = _check_studies(studies)
    first = next(iter(studies.values()))
    cap = max(s.max_steps for s in studies.values())
    styles = ["-", "--", ":", "-."]

    def draw(fig: Figure, steps: SubFigure, spectrum: SubFigure) -> None:
        ax, bx = steps.subplots(), spectrum.subplots()
        for (label, st), ls in zip(studies.items(), styles):
            depths = np.array(st.depths)
            for j, init in enumerate(st.inits):
                color, name = _INIT_STYLE.get(init, (COLORS["black"], init))
                shift = 1.0 + 0.04 * (j - 0.5)  # the two initializations' dots side by side
                for d in st.depths:
                    s = st.best_steps(init, d)
                    reached = np.isfinite(s)
                    ax.plot(np.full(reached.sum(), d * shift), s[reached], "o", ms=3, color=color, alpha=0.6)
                    if (~reached).any():
                        ax.plot([d * shift], [cap * 1.4], "^", ms=5, color=color, alpha=0.9)
                med = st.median_steps(init)
                ok = np.isfinite(med)
                ax.plot(depths[ok], med[ok], ls, color=color, lw=1.4)
                cond = st.condition(init)
                bx.fill_between(depths, cond.min(axis=1), cond.max(axis=1), color=color, alpha=0.15, lw=0)
                bx.plot(depths, np.median(cond, axis=1), ls, marker="o", ms=3, color=color, lw=1.4,
                        label=f"{name}, {label}")
        ax.axhline(cap * 1.4, color="0.6", lw=0.8, ls=":")
        ax.text(first.depths[0], cap * 1.55, f"not reached in {cap} steps", fontsize=9, color="0.35")
        for a in (ax, bx):
            _log_axis(a, "x", base=2)
            a.set_xticks(first.depths)
            a.set_xlabel("depth L (weight matrices)")
            a.grid(alpha=0.3)
        _log_axis(ax)
        ax.set_ylim(1, cap * 3)
        ax.set_ylabel("steps to the threshold")
        ax.set_title("training time")
        _log_axis(bx)
        bx.set_ylabel("σmax / σmin of W[L] ⋯ W[1]")
        bx.set_title("the product at initialization")
        bx.legend(frameon=False, loc="upper left", fontsize=9)

    labels = ", ".join(studies)
    return Explorable.plot(
        draw, figsize=(7.4, 3.6), dpi=96, name="fig-beyond-deep-linear",
        panels=[Panel("steps", 3.7, "Steps against depth on log axes: the orthogonal dots stay low and flat or rise "
                      "slowly, the Gaussian dots climb steeply with depth and reach the not-reached line at the "
                      "deepest networks."),
                Panel("spectrum", 3.7, "The ratio of the largest to the smallest singular value of the product at "
                      "initialization against depth: the Gaussian curves climb by orders of magnitude, the "
                      "orthogonal ones stay flat.")],
        caption=(f"Deep linear networks on the digits ({first.task_name}), trained by full-batch gradient descent "
                 f"from Gaussian N(0, 1/n) and orthogonal weights ({labels}). Left: the steps each of "
                 f"{len(first.seeds)} seeds needs to bring the loss {first.fraction:.0%} of the way back from the "
                 "optimum to the zero map's loss, at the best learning rate of the grid for each depth "
                 "(dots; the median as a line; a triangle at the top where a seed did not reach it). Right: the "
                 "spread of the singular values of the end-to-end matrix at initialization (median over the seeds, "
                 "and their range)."))


def plot_residual_growth(growths: Mapping[str, ResidualGrowth]) -> Explorable:
    """One panel per :class:`ResidualGrowth` (e.g. without and with pre-normalization): the
    stream's q⁽ᴺ⁾/q⁽⁰⁾ against N for every scaling, every seed a dot, the prediction a line."""
    if not isinstance(growths, Mapping) or not growths:
        raise TypeError("growths must be a non-empty mapping of titles to ResidualGrowth objects")
    for k, g in growths.items():
        if not isinstance(g, ResidualGrowth):
            raise TypeError(f"growths[{k!r}] must be a ResidualGrowth; got {type(g).__name__}")
    items = list(growths.items())
    names = [f"p{i}" for i in range(len(items))]

    def draw(fig: Figure, **panels: SubFigure) -> None:
        for (title, g), name in zip(items, names):
            ax = panels[name].subplots()
            depths = np.array(g.depths)
            for s in g.scalings:
                color, label = _SCALING_STYLE.get(s, (COLORS["black"], s))
                m = g.measured[s]
                for i in range(m.shape[1]):
                    ax.plot(depths, m[:, i], "o", ms=3, color=color, alpha=0.55)
                ax.plot(depths, g.predicted[s], "-", color=color, lw=1.3, label=label)
            _log_axis(ax, "x", base=2)
            ax.set_xticks(depths)
            _log_axis(ax)
            ax.set_xlabel("branches N")
            ax.set_ylabel("q⁽ᴺ⁾ / q⁽⁰⁾")
            ax.set_title(title)
            ax.grid(alpha=0.3)
            ax.legend(frameon=False, loc="upper left")

    first = items[0][1]
    return Explorable.plot(
        draw, figsize=(7.4, 3.4), dpi=96, name="fig-beyond-residual",
        panels=[Panel(n, 3.7, f"{t}: the unscaled network's mean square climbs with the number of branches, "
                      "GPT-2's scaled one levels off near a constant, Fixup's stays at one; the dots of every "
                      "seed sit on the predicted lines.") for (t, _), n in zip(items, names)],
        caption=(f"The mean square of a residual network's stream after N ReLU branches, relative to its input's, "
                 f"for {len(first.seeds)} seeds (dots) and as predicted (lines): {first.width} units, "
                 f"{first.m} Gaussian inputs."))


def plot_lsuv(studies: Mapping[str, LSUVStudy], rules: Mapping[str, float]) -> Explorable:
    """The scale k[l] = n[l-1]·mean(W[l]²) that LSUV leaves in every layer, per activation
    (the seeds' range as a band, their mean as markers), with the analytic rules ``rules``
    (label → k) as horizontal lines."""
    if not isinstance(studies, Mapping) or not studies:
        raise TypeError("studies must be a non-empty mapping of activations to LSUVStudy objects")
    for k, s in studies.items():
        if not isinstance(s, LSUVStudy):
            raise TypeError(f"studies[{k!r}] must be an LSUVStudy; got {type(s).__name__}")
    if not isinstance(rules, Mapping):
        raise TypeError("rules must be a mapping of labels to values of k")

    def draw(fig: Figure) -> None:
        ax = fig.subplots()
        for act, st in studies.items():
            color = _ACT_STYLE.get(act, COLORS["black"])
            ls = np.arange(1, st.k.shape[1] + 1)
            ax.fill_between(ls, st.k.min(axis=0), st.k.max(axis=0), color=color, alpha=0.2, lw=0)
            ax.plot(ls, st.k.mean(axis=0), "o-", ms=4, lw=1.2, color=color, label=f"LSUV, {act}")
        for (label, k), style in zip(rules.items(), [":", "--", "-.", (0, (1, 3))]):
            ax.axhline(k, color="0.3", lw=1.0, ls=style, label=label)
        ax.set_xlabel("layer l")
        ax.set_ylabel("k[l] = n[l−1]·mean(W[l]²)")
        ax.set_xlim(0.5, max(s.k.shape[1] for s in studies.values()) + 0.5)
        ax.set_ylim(0, None)
        ax.grid(alpha=0.3)
        ax.legend(frameon=False, loc="lower right", ncol=2)

    first = next(iter(studies.values()))
    return Explorable.plot(
        draw, figsize=(4.2, 3.6), dpi=96, name="fig-beyond-lsuv",
        alt=("The scale found by LSUV in each layer: the tanh markers sit on the tanh rule from the third layer on, "
             "the ReLU markers scatter around He's value of two with a band that widens in the deeper layers; both "
             "start near one in the first layer, which sees the pixels."),
        caption=(f"The scale k[l] LSUV leaves in every layer of a [{', '.join(map(str, first.sizes[:2]))}, …, "
                 f"{first.sizes[-1]}] network of {len(first.sizes) - 2} hidden layers, started from orthogonal "
                 f"weights and rescaled on one batch of {first.batch} training digits "
                 f"(layer {len(first.sizes) - 1} is the output layer): the mean over {len(first.seeds)} seeds "
                 "(markers) and their range (band), with the analytic rules (lines)."))
