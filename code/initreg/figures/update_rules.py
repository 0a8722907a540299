"""The update-rules chapter's figures ({ref}`chap-update-rules`): each rule with the data off."""

from __future__ import annotations

import functools
from collections.abc import Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from .. import _validate as v
from .._explorable_v1 import Choice, Explorable, Slider, _pin_axis_labels, register_figure
from ..penalties import RULE_LABELS, RULES, penalty_dynamics
from .style import PENALTY_COLORS, new_figure

__all__ = ["plot_penalty_dynamics", "update_rule_explorer"]


def _draw_rule(ax: Axes, traj: np.ndarray, rule: str, alpha_lam: float, t_mark: int | None = None) -> None:
    color = PENALTY_COLORS["l2" if rule == "l2" else "l1"]
    ts = np.arange(traj.shape[0])
    ax.axhspan(-alpha_lam, alpha_lam, color="0.85", lw=0, label="±αλ")
    ax.axhline(0.0, color="0.5", lw=0.6)
    ls = "--" if rule == "l1_proximal" else "-"
    for i in range(traj.shape[1]):
        ax.plot(ts, traj[:, i], ls, color=color, lw=1.1, label=RULE_LABELS[rule] if i == 0 else None)
    if t_mark is not None:
        ax.axvline(t_mark, color="0.3", lw=0.8, ls=":")
    ax.set(xlabel="step t", xlim=(0, ts[-1]))


def plot_penalty_dynamics(alpha: float, lam: float, w0: Sequence[float], steps: int) -> Figure:
    """Three panels, one per rule of :data:`RULES`: the weights ``w_t`` from each ``w0`` with
    a zero data gradient, the band ±αλ shaded. See {ref}`chap-update-rules`."""
    w0 = v.array(w0, "w0", ndim=1)
    fig, axes = new_figure(8.0, 3.0, ncols=3, sharey=True)
    titles = {"l2": "L2: $(1-2\\alpha\\lambda)^t w_0$", "l1": "L1: linear, then ±αλ",
              "l1_proximal": "proximal L1: exact zeros"}
    for ax, rule in zip(axes[0], RULES):
        traj = penalty_dynamics(w0, alpha, lam, steps, rule)
        _draw_rule(ax, traj, rule, alpha * lam)
        ax.set_title(titles[rule], fontsize=10)
    axes[0, 0].set_ylabel("weight $w_t$")
    return fig


_DYN_STEPS = 60
_DYN_W0 = (-0.5, -0.3, -0.1, 0.1, 0.3, 0.5)
_DYN_SD = 0.25


@functools.lru_cache(maxsize=1)
def _dyn_population() -> np.ndarray:
    return np.random.default_rng(0).normal(0.0, _DYN_SD, 3000)


@functools.lru_cache(maxsize=64)
def _dyn_run(rule: str, alpha_lam: float) -> tuple[np.ndarray, np.ndarray]:
    fan = penalty_dynamics(np.asarray(_DYN_W0), 1.0, alpha_lam, _DYN_STEPS, rule)
    pop = penalty_dynamics(_dyn_population(), 1.0, alpha_lam, _DYN_STEPS, rule)
    return fan, pop


def _dyn_compute(rule: str, alpha_lam: float, steps: int) -> dict:
    alpha_lam = float(alpha_lam)
    steps = int(steps)
    fan, pops = _dyn_run(rule, alpha_lam)
    pop = pops[steps]
    return {"fan": fan, "pop": pop, "zeros": float(np.mean(pop == 0.0)),
            "inside": float(np.mean(np.abs(pop) <= alpha_lam))}


_DYN_BINS = np.linspace(-0.6, 0.6, 121)


def _dyn_setup(fig: Figure) -> dict:
    """The axes and artists of :func:`update_rule_explorer`, built once; :func:`_dyn_update` sets them."""
    from matplotlib.patches import Rectangle
    from matplotlib.text import Text
    from matplotlib.ticker import NullLocator

    # fixed margins instead of the constrained layout
    fig.set_layout_engine("none")
    ax, bx = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.2, 1], "left": 0.085, "right": 0.985,
                                             "bottom": 0.15, "top": 0.9, "wspace": 0.28})
    # left: the band ±αλ, the axis, one line per starting weight, the mark at step t
    band = ax.axhspan(-0.01, 0.01, color="0.85", lw=0)
    ax.axhline(0.0, color="0.5", lw=0.6)
    lines = [ax.plot([], [], lw=1.1)[0] for _ in _DYN_W0]
    mark = ax.axvline(0.0, color="0.3", lw=0.8, ls=":")
    ax.set(xlabel="step t", xlim=(0, _DYN_STEPS), ylim=(-0.55, 0.55), ylabel="weight $w_t$",
           yticks=[-0.5, 0, 0.5], xticks=[0, 20, 40, 60])
    ax.set_title(" ", fontsize=9, y=1.0)  # an explicit y: the title is not re-placed every frame
    # right: the population at step 0 (fixed) and at step t, one filled outline each, log counts
    bins = _DYN_BINS
    bx.stairs(np.histogram(_dyn_population(), bins)[0], bins, fill=True, color=PENALTY_COLORS["none"],
              alpha=0.35, label="$w_0$")
    hist = bx.stairs(np.zeros(bins.size - 1), bins, fill=True, color=PENALTY_COLORS["l1"], alpha=0.8,
                     label="$w_t$")
    bx_band = bx.axvspan(-0.01, 0.01, color="0.85", lw=0, zorder=0)
    bx.set_yscale("log")
    bx.set(xlabel="weight", ylabel="count (log scale)", xlim=(-0.6, 0.6), ylim=(0.8, 4000),
           yticks=[1, 10, 100, 1000], xticks=[-0.5, 0, 0.5])
    bx.yaxis.set_minor_locator(NullLocator())
    bx.set_title(" ", fontsize=9, y=1.0)
    leg = bx.legend(frameon=False, fontsize=8, loc="upper left")
    # Nothing of the layout depends on the values, but matplotlib would measure it again at
    # every frame: the axis labels' places (from every tick label's box) and the legend's
    # (a tree of boxes). Fix the axis labels where matplotlib puts them, and draw the
    # legend's entries as plain artists (axes coordinates) where the legend put them.
    _pin_axis_labels(fig)
    to_axes = bx.transAxes.inverted()
    entries = []
    for handle, text in zip(leg.legend_handles, leg.get_texts()):
        (x0, y0), (x1, y1) = to_axes.transform(handle.get_window_extent().get_points())
        patch = Rectangle((x0, y0), x1 - x0, y1 - y0)
        patch.update_from(handle)
        label = Text(*to_axes.transform(text.get_transform().transform(text.get_position())), text.get_text())
        label.update_from(text)
        for artist in (patch, label):
            artist.set_transform(bx.transAxes)
            artist.set_zorder(leg.get_zorder())
            bx.add_artist(artist)
        entries.append((patch, label))
    leg.remove()
    return {"ax": ax, "bx": bx, "band": band, "lines": lines, "mark": mark, "hist": hist,
            "bx_band": bx_band, "leg_patch": entries[1][0], "leg_text": entries[1][1]}


def _dyn_update(s: dict, data: dict, rule: str, alpha_lam: float, steps: int) -> None:
    alpha_lam = float(alpha_lam)
    steps = int(steps)
    color = PENALTY_COLORS["l2" if rule == "l2" else "l1"]
    s["band"].set_bounds(0.0, -alpha_lam, 1.0, 2 * alpha_lam)
    ts = np.arange(data["fan"].shape[0])
    ls = "--" if rule == "l1_proximal" else "-"
    for i, line in enumerate(s["lines"]):
        line.set_data(ts, data["fan"][:, i])
        line.set_color(color)
        line.set_linestyle(ls)
    s["mark"].set_xdata([steps, steps])
    s["ax"].title.set_text(f"{RULE_LABELS[rule]}, ∂J/∂w = 0, αλ = {alpha_lam:g}")
    s["hist"].set_data(np.histogram(data["pop"], _DYN_BINS)[0])
    s["hist"].set_color(color)
    s["bx_band"].set_bounds(-alpha_lam, 0.0, 2 * alpha_lam, 1.0)
    s["leg_patch"].set_color(color)
    s["leg_text"].set_text(f"$w_{{{steps}}}$")
    s["bx"].title.set_text(f"{data['pop'].size} weights at t = {steps}: {data['zeros']:.0%} at 0, "
                           f"{data['inside']:.0%} in ±αλ")


@register_figure
def update_rule_explorer() -> Explorable:
    """Live figure of {ref}`chap-update-rules`: the three rules with a zero data gradient."""
    return Explorable(
        _dyn_update,
        [Choice("rule", {"L2": "l2", "L1": "l1", "proximal L1": "l1_proximal"}, label="rule"),
         Slider("alpha_lam", 0.01, 0.08, grid=[0.01, 0.02, 0.04, 0.08], log=True, label="α·λ",
                default=0.02),
         Slider("steps", 0, _DYN_STEPS, grid=[0, 10, 20, 40, 60], integer=True, label="steps t", default=20)],
        setup=_dyn_setup,
        compute=_dyn_compute,
        caption=(f"The three update rules with a zero data gradient. Left: {len(_DYN_W0)} weights over "
                 f"{_DYN_STEPS} steps (the dotted line marks step t); right: {_dyn_population().size} weights "
                 f"drawn from N(0, {_DYN_SD:g}²) (light) and the same weights after t steps, on a log "
                 "count axis. The grey band is ±αλ. L2 shrinks every weight by the same factor; L1 moves "
                 "each by αλ toward 0 and leaves it jumping inside the band; the proximal step sets it "
                 "to exactly 0."),
        alt=("Left, weight trajectories under the {rule} with alpha times lambda = {alpha_lam}; right, "
             "a histogram of a few thousand weights before and after {steps} steps."),
        name="fig-update-rule-explorer",
    )
