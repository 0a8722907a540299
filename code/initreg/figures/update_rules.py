"""The update-rules chapter's figures ({ref}`chap-update-rules`): each rule with the data off.

Both figures draw weight trajectories with one pair of functions, :func:`_trajectory_axes`
(the band ±αλ, the axis and one line per starting weight, built once) and
:func:`_set_trajectories` (the lines of one rule at one αλ): the static figure calls them
once per panel, the explorer at every frame.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure, SubFigure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle
from matplotlib.ticker import MaxNLocator, NullLocator

from .. import _validate as v
from ..explorable import Choice, Explorable, Panel, Slider, add_cursor, cache_raster, register_figure
from ..penalties import RULE_LABELS, RULES, PenaltyAlone, penalty_alone, penalty_dynamics
from .style import PENALTY_COLORS

__all__ = ["plot_penalty_dynamics", "update_rule_explorer"]


def _rule_style(rule: str) -> tuple[str, str]:
    """The colour and line style of a rule: L2 green, the L1 steps blue, the proximal one dashed."""
    return PENALTY_COLORS["l2" if rule == "l2" else "l1"], "--" if rule == "l1_proximal" else "-"


@dataclass
class _Trajectories:
    """The artists of one axes of weight trajectories (:func:`_trajectory_axes`)."""

    ax: Axes
    band: Rectangle
    lines: list[Line2D]


def _trajectory_axes(ax: Axes, n_lines: int) -> _Trajectories:
    """The band ±αλ (grey), the axis w = 0 and ``n_lines`` empty lines, on ``ax``."""
    band = ax.axhspan(-0.01, 0.01, color="0.85", lw=0)
    ax.axhline(0.0, color="0.5", lw=0.6)
    lines = [ax.plot([], [], lw=1.1)[0] for _ in range(n_lines)]
    ax.set(xlabel="step t", ylabel="weight $w_t$")
    return _Trajectories(ax, band, lines)


def _set_trajectories(tr: _Trajectories, run: PenaltyAlone) -> None:
    """Show ``run``: one line per starting weight, in the rule's colour and style, the band ±αλ."""
    color, ls = _rule_style(run.rule)
    tr.band.set_bounds(0.0, -run.alpha_lam, 1.0, 2 * run.alpha_lam)
    ts = np.arange(run.steps + 1)
    for i, line in enumerate(tr.lines):
        line.set_data(ts, run.w[:, i])
        line.set_color(color)
        line.set_linestyle(ls)


# ------------------------------------------------------------------------ static figure

#: Panel titles of :func:`plot_penalty_dynamics`: what each rule does.
_TITLES = {"l2": "L2: $(1-2\\alpha\\lambda)^t w_0$", "l1": "L1: linear, then ±αλ",
           "l1_proximal": "proximal L1: exact zeros"}


def plot_penalty_dynamics(alpha: float, lam: float, w0: Sequence[float], steps: int) -> Explorable:
    """Three panels, one per rule of :data:`~initreg.RULES`: the weights ``w_t`` from each
    ``w0`` with a zero data gradient, the band ±αλ shaded, on a common weight axis.
    See {ref}`chap-update-rules`."""
    w0 = v.array(w0, "w0", ndim=1)
    if w0.size == 0:
        raise ValueError("w0 must hold at least one starting weight")
    alpha = v.nonneg(alpha, "alpha")
    lam = v.nonneg(lam, "lam")
    steps = v.positive_int(steps, "steps")
    runs = {rule: PenaltyAlone(rule, alpha * lam, penalty_dynamics(w0, alpha, lam, steps, rule)) for rule in RULES}
    top = 1.08 * max(float(np.max(np.abs(w0))), alpha * lam)
    ticks = [t for t in MaxNLocator(5).tick_values(-top, top) if abs(t) <= top]

    def draw(fig: Figure, **panels: SubFigure) -> None:
        for rule, sub in panels.items():
            tr = _trajectory_axes(sub.subplots(), w0.size)
            _set_trajectories(tr, runs[rule])
            # ticks within the limits only: a tick label beyond them would be laid out but not drawn
            tr.ax.set(xlim=(0, steps), ylim=(-top, top), yticks=ticks, title=_TITLES[rule])

    n = w0.size
    al = alpha * lam
    return Explorable.plot(
        draw, figsize=(7.2, 2.9), name="fig-update-dynamics",
        panels=[Panel("l2", 2.4, f"L2: {n} curves decay smoothly toward zero and do not reach it in {steps} steps."),
                Panel("l1", 2.4, f"L1: {n} straight lines descend to zero, then zigzag across it inside the thin "
                      f"grey band of half-width {al:g}."),
                Panel("l1_proximal", 2.4, f"Proximal L1: the same straight lines stop on zero and stay flat there.")],
        caption=(f"{n} weights under each rule with a zero data gradient, α = {alpha:g} and λ = {lam:g}. "
                 f"L2 (green): every step shrinks each weight by the same factor 1 − 2αλ = {1 - 2 * al:g}, so "
                 "they approach 0 geometrically and never reach it. L1 (blue): each weight moves by αλ toward 0, "
                 f"then jumps across 0 for good inside the grey band ±αλ = ±{al:g}. Proximal L1 (dashed): the "
                 "same descent, then each weight lands on exactly 0 and stays."))


# ------------------------------------------------------------------------ the explorer

#: The explorer's steps, and the weights it follows: a fan of six and a sample of 3,000.
_STEPS = 60
_FAN = (-0.5, -0.3, -0.1, 0.1, 0.3, 0.5)
_SAMPLE_SIZE, _SAMPLE_SD, _SAMPLE_SEED = 3000, 0.25, 0
#: αλ: quarter octaves from 0.005 to 0.08, rounded to the two digits the slider shows.
_ALPHA_LAMS = tuple(float(f"{0.005 * 2 ** (k / 4):.2g}") for k in range(17))
#: The steps t the explorer shows: every fourth.
_SHOWN_STEPS = tuple(range(0, _STEPS + 1, 4))
#: Histogram bins 0.01 wide, one centred on 0; exact zeros are drawn apart, as a stem.
_EDGES = (np.arange(-60, 62) - 0.5) * 0.01
_XLIM = 0.6
_YMIN = 0.8


@functools.lru_cache(maxsize=1)
def _sample() -> np.ndarray:
    w = np.random.default_rng(_SAMPLE_SEED).normal(0.0, _SAMPLE_SD, _SAMPLE_SIZE)
    w.setflags(write=False)
    return w


def _share(x: float) -> str:
    """A share in whole percent that says 0% and 100% only when exact."""
    if 0.0 < x < 0.005:
        return "<1%"
    if 0.995 <= x < 1.0:
        return ">99%"
    return f"{x:.0%}"


def _compute(rule: str, alpha_lam: float, steps: int) -> dict:
    return {"fan": penalty_alone(np.asarray(_FAN), alpha_lam, _STEPS, rule),
            "sample": penalty_alone(_sample(), alpha_lam, _STEPS, rule)}


def _setup(fig: Figure, trajectories: SubFigure, histogram: SubFigure) -> dict:
    ax = trajectories.subplots()
    tr = _trajectory_axes(ax, len(_FAN))
    cursor = add_cursor(ax, "steps")
    ax.set(xlim=(0, _STEPS), ylim=(-0.55, 0.55), yticks=[-0.5, 0, 0.5], xticks=[0, 20, 40, 60])
    ax.set_title(" ", y=1.0)  # placed once: the title's place does not change with the values

    bx = histogram.subplots()
    band = bx.axvspan(-0.01, 0.01, color="0.85", lw=0, zorder=0)
    start = _sample()
    bx.stairs(np.histogram(start[start != 0.0], _EDGES)[0], _EDGES, fill=True, color=PENALTY_COLORS["none"],
              alpha=0.3, lw=0)
    hist = bx.stairs(np.zeros(_EDGES.size - 1), _EDGES, fill=True, lw=0)
    (stem,) = bx.plot([0.0, 0.0], [_YMIN, 1.0], color="black", lw=2.5, solid_capstyle="butt",
                      marker="o", ms=5, markevery=[1])
    bx.set_yscale("log")
    bx.set(xlabel="weight", ylabel="count (log scale)", xlim=(-_XLIM, _XLIM), ylim=(_YMIN, 6000),
           yticks=[1, 10, 100, 1000], xticks=[-0.5, 0, 0.5])
    bx.yaxis.set_minor_locator(NullLocator())
    bx.set_title(" ", y=1.0)
    leg = bx.legend([Patch(color=PENALTY_COLORS["none"], alpha=0.3, lw=0), Patch(lw=0), stem],
                    ["$w_0$", "$w_t$", "exactly 0"], frameon=False, loc="upper left")
    key = leg.legend_handles[1]
    # text drawn once per state: the axes do not change, the legend only with the rule's colour
    for axis in (ax.xaxis, ax.yaxis, bx.xaxis, bx.yaxis):
        cache_raster(axis)
    cache_raster(leg, key=lambda: key.get_facecolor())
    cache_raster(bx.title, key=bx.title.get_text, size=256)  # 212 different shares over the 816 frames
    return {"tr": tr, "cursor": cursor, "bx": bx, "band": band, "hist": hist, "stem": stem, "key": key,
            "shown": None}


def _update(s: dict, data: dict, rule: str, alpha_lam: float, steps: int) -> None:
    fan, sample = data["fan"], data["sample"]
    if s["shown"] != (rule, alpha_lam):  # the trajectories change with these two only
        s["shown"] = (rule, alpha_lam)
        _set_trajectories(s["tr"], fan)
        s["tr"].ax.title.set_text(f"{RULE_LABELS[rule]}, αλ = {alpha_lam:g}")
    s["cursor"].set_xdata([steps, steps])
    color, _ = _rule_style(rule)
    w = sample.w[steps]
    zeros = int(np.count_nonzero(w == 0.0))
    s["hist"].set_data(np.histogram(w[w != 0.0], _EDGES)[0])
    s["hist"].set_color(color)
    s["key"].set_color(color)
    s["band"].set_bounds(-alpha_lam, 0.0, 2 * alpha_lam, 1.0)
    s["stem"].set_ydata([_YMIN, max(zeros, _YMIN)])
    s["stem"].set_visible(zeros > 0)
    s["bx"].title.set_text(f"exactly 0: {_share(sample.zero_fraction(steps))}, "
                           f"in ±αλ: {_share(sample.band_fraction(steps))}")


@register_figure
def update_rule_explorer() -> Explorable:
    """Live figure of {ref}`chap-update-rules`: the three rules with a zero data gradient,
    on a fan of weights (with the step t as a cursor) and on a sample's histogram at step t."""
    return Explorable(
        _update,
        [Choice("rule", {"L2": "l2", "L1": "l1", "proximal L1": "l1_proximal"}, label="rule"),
         Slider("alpha_lam", _ALPHA_LAMS[0], _ALPHA_LAMS[-1], grid=_ALPHA_LAMS, kind="strength", log=True,
                label="α·λ", default=0.02),
         Slider("steps", 0, _STEPS, grid=_SHOWN_STEPS, integer=True, kind="time", label="step t", default=20)],
        setup=_setup, compute=_compute,
        panels=[Panel("trajectories", 3.6, f"Trajectories of {len(_FAN)} weights from {_FAN[0]:g} to {_FAN[-1]:g} "
                      f"under the {{rule}} rule with α·λ = {{alpha_lam}} over {_STEPS} steps, a line marking step "
                      "{steps}.", depends=("rule", "alpha_lam"), cursor="steps"),
                Panel("histogram", 3.6, f"Histogram of {_SAMPLE_SIZE:,} weights at step {{steps}} under the {{rule}} "
                      "rule with α·λ = {alpha_lam}, over their starting histogram, on a log count axis, the weights "
                      "at exactly 0 as a stem.")],
        figsize=(7.2, 3.0), dpi=96, name="fig-update-rule-explorer",
        caption=(f"The three update rules with a zero data gradient. Trajectories: {len(_FAN)} weights over "
                 f"{_STEPS} steps, the line marking step t. Histogram: {_SAMPLE_SIZE:,} weights drawn from "
                 f"N(0, {_SAMPLE_SD:g}²) (light) and the same weights at step t, on a log count axis; the black "
                 "stem counts the weights at exactly 0. The grey band is ±αλ. L2 shrinks every weight by the "
                 "same factor; L1 moves each by αλ toward 0 and leaves it jumping inside the band; the proximal "
                 "step sets it to exactly 0."),
    )
