"""Beyond Xavier and He ({ref}`chap-beyond`): the length and correlation maps, the tanh phase
diagram, trainability against the depth scale, Jacobian spectra, and the chapter's explorer.

=============================  ================================================================
:func:`plot_maps`              the length map and the correlation map, with their fixed points
:func:`plot_phase_diagram`     χ₁ over (σ_w², σ_b²) for tanh, the edge of chaos, sampled checks
:func:`plot_trainability`      training accuracy over σ_w² × depth, with ξ_c and 6ξ_c
:func:`plot_isometry`          Jacobian spectra at one depth, and their spread against depth
:func:`beyond_xavier_explorer` the interactive figure: the point on the phase diagram, q[l] and
                               c[l] computed and sampled, the Jacobian spectrum
=============================  ================================================================

Everything shown is computed by :mod:`initreg.meanfield` and :mod:`initreg.isometry` (the
curves of the maps by their functions); here it is only drawn. The phase diagram is drawn by
one function, :func:`_draw_phase`, for the static figure and the explorer's panel.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from types import SimpleNamespace

import numpy as np
from matplotlib import colormaps, patheffects, ticker
from matplotlib.axes import Axes
from matplotlib.colors import BoundaryNorm
from matplotlib.figure import Figure, SubFigure

from .. import _validate as v
from ..explorable import Choice, Explorable, Panel, Slider, add_cursor, cache_raster, register_figure
from ..isometry import (BEYOND_EXPLORER, BEYOND_SIGMA_B2, BEYOND_SIGMA_W2, ISOMETRY_CASES, IsometryStudy,
                        explorer_phase_diagram, explorer_run)
from ..meanfield import (MeanFieldPoint, PhaseDiagram, SampledTrajectory, TrainabilityStudy, correlation_map,
                         variance_map)
from .style import COLORS, decade_label

__all__ = ["plot_maps", "plot_phase_diagram", "plot_trainability", "plot_isometry", "beyond_xavier_explorer"]

#: log₂ χ₁ levels of the phase diagram's shading: ordered (χ₁ < 1) purple, chaotic orange.
_CHI_LEVELS = np.linspace(-1.5, 1.5, 13)
_CHI_CMAP = colormaps["PuOr_r"]
_INIT_COLORS = {"gaussian": COLORS["blue"], "orthogonal": COLORS["orange"]}
_INIT_NAMES = {"gaussian": "Gaussian", "orthogonal": "orthogonal"}
#: A dark outline that keeps white lines visible on light cells.
_OUTLINE = [patheffects.withStroke(linewidth=3.2, foreground="0.15")]


def _w2_axis(ax: Axes, lo: float, hi: float) -> None:
    """A log σ_w² axis with plain labels at 0.25, 0.5, 1, 2, 4."""
    ax.set_xscale("log")
    ax.set_xlim(lo, hi)
    ticks = [t for t in (0.25, 0.5, 1.0, 2.0, 4.0, 8.0) if lo <= t <= hi]
    ax.xaxis.set_major_locator(ticker.FixedLocator(ticks))
    ax.xaxis.set_minor_locator(ticker.NullLocator())
    ax.xaxis.set_major_formatter(ticker.FuncFormatter(lambda x, _p: f"{x:g}"))


# --------------------------------------------------------------------- the two maps
def plot_maps(points: Sequence[MeanFieldPoint], sampled: Sequence[SampledTrajectory] | None = None) -> Explorable:
    """The length map V(q) (left) and the correlation map at q* (right) of each point, with the
    diagonal; markers at q* and c*, and, if given, crosses at the lengths and correlations of
    the last layer of sampled networks (one :class:`~initreg.SampledTrajectory` per point)."""
    points = list(points)
    if not points or not all(isinstance(p, MeanFieldPoint) for p in points):
        raise TypeError("points must be a non-empty sequence of initreg.MeanFieldPoint")
    if sampled is not None:
        sampled = list(sampled)
        if len(sampled) != len(points) or not all(isinstance(s, SampledTrajectory) for s in sampled):
            raise ValueError(f"sampled must hold one initreg.SampledTrajectory per point ({len(points)})")
    palette = [COLORS[c] for c in ("sky blue", "blue", "bluish green", "orange", "vermillion", "reddish purple")]
    q_top = 1.25 * max(max(p.q_star for p in points), 0.5)
    qs = np.linspace(1e-4, q_top, 120)
    cs = np.linspace(0.0, 1.0, 41)
    curves = [(variance_map(qs, sigma_w2=p.sigma_w2, sigma_b2=p.sigma_b2, activation=p.activation),
               correlation_map(cs, sigma_w2=p.sigma_w2, sigma_b2=p.sigma_b2, activation=p.activation, q=p.q_star))
              for p in points]

    def draw(fig: Figure, length: SubFigure, correlation: SubFigure) -> None:
        ax, bx = length.subplots(), correlation.subplots()
        ax.plot(qs, qs, color="0.6", lw=1, ls=":", label="q[l] = q[l−1]")
        bx.plot(cs, cs, color="0.6", lw=1, ls=":", label="c[l] = c[l−1]")
        for i, (p, (vq, vc)) in enumerate(zip(points, curves)):
            col = palette[i % len(palette)]
            lab = f"σ_w² = {p.sigma_w2:.3g} ({p.phase})"
            ax.plot(qs, vq, color=col, lw=1.6, label=lab)
            ax.plot([p.q_star], [p.q_star], "o", ms=5, color=col)
            bx.plot(cs, vc, color=col, lw=1.6)
            bx.plot([p.c_star], [p.c_star], "o", ms=5, color=col)
            if sampled is not None:
                s = sampled[i]
                ax.plot([s.q[:, -2].mean()], [s.q[:, -1].mean()], "x", ms=7, mew=1.6, color="k")
                bx.plot([s.c[:, -2].mean()], [s.c[:, -1].mean()], "x", ms=7, mew=1.6, color="k")
        ax.set(xlabel="q[l−1]", ylabel="q[l]", xlim=(0, q_top), ylim=(0, q_top), title="length map")
        bx.set(xlabel="c[l−1]", ylabel="c[l]", xlim=(0, 1), ylim=(0, 1.02), title="correlation map at q*")
        for a in (ax, bx):
            a.grid(alpha=0.3)
        ax.legend(frameon=False, loc="upper left", fontsize=8.5, handlelength=1.4)

    act = points[0].activation
    sb = sorted({p.sigma_b2 for p in points})
    cross = (" Black crosses: the last two layers of sampled networks (mean of their lengths and correlations), "
             "which sit on the map at its fixed point." if sampled is not None else "")
    return Explorable.plot(
        draw, figsize=(7.0, 3.3), dpi=96, name="fig-beyond-maps",
        panels=[Panel("length", 3.5, "Curves of q[l] against q[l−1], one per σ_w², each crossing the dotted diagonal "
                      "once at a dot, its fixed point q*, which moves right as σ_w² grows."),
                Panel("correlation", 3.5, "Curves of c[l] against c[l−1]: those of the ordered points meet the "
                      "diagonal only at c = 1, those of the chaotic points cross it below 1, at a dot, c*.")],
        caption=(f"The two maps of a wide {act} layer with σ_b² = {'/'.join(f'{b:g}' for b in sb)}. Left: the length "
                 "map q[l] = σ_w²·E[φ(√q[l−1]·z)²] + σ_b²; it crosses the diagonal at its fixed point q* (dot). "
                 "Right: the correlation map of two inputs at q*. In the ordered phase (χ₁ < 1, its slope at c = 1) "
                 "c = 1 is the only fixed point and attracts; in the chaotic phase it repels and the correlations "
                 "settle at c* < 1." + cross))


# ------------------------------------------------------------------ the phase diagram
def _edges(x: np.ndarray, log: bool) -> np.ndarray:
    """Cell edges around grid values (geometric midpoints on a log axis)."""
    x = np.asarray(x, dtype=float)
    if log:
        lx = np.log(x)
        mid = (lx[1:] + lx[:-1]) / 2
        return np.exp(np.concatenate([[2 * lx[0] - mid[0]], mid, [2 * lx[-1] - mid[-1]]]))
    mid = (x[1:] + x[:-1]) / 2
    return np.concatenate([[max(0.0, 2 * x[0] - mid[0])], mid, [2 * x[-1] - mid[-1]]])


def _draw_phase(ax: Axes, diagram: PhaseDiagram, activation: str) -> None:
    """The phase diagram of ``activation`` on ``diagram``'s grid: log₂ χ₁ shaded (purple ordered,
    orange chaotic), the edge of chaos χ₁ = 1 in black. tanh: the computed χ₁ and its boundary;
    ReLU: χ₁ = σ_w²/2, the edge σ_w² = 2, past which the lengths grow without bound."""
    ws, bs = diagram.sigma_w2, diagram.sigma_b2
    if activation == "relu":
        chi = np.broadcast_to(ws[None, :] / 2.0, (bs.size, ws.size))
        edge_w, edge_b = np.full(2, 2.0), np.array([bs[0], bs[-1]])
        words = (("ordered", 0.7), ("lengths grow\nwithout bound", 3.2))
    else:
        chi = diagram.chi1
        edge_w, edge_b = diagram.boundary, bs
        words = (("ordered", 0.45), ("chaotic", 3.3))
    norm = BoundaryNorm(_CHI_LEVELS, _CHI_CMAP.N, extend="both")
    ax.pcolormesh(_edges(ws, True), _edges(bs, False), np.log2(chi), cmap=_CHI_CMAP, norm=norm, shading="flat",
                  rasterized=True)
    ax.plot(edge_w, edge_b, color="k", lw=1.8, label="edge of chaos, χ₁ = 1")
    top = bs[-1] + (bs[-1] - bs[-2]) / 2
    for text, x in words:
        ax.text(x, 0.62 * top, text, ha="center", va="center", fontsize=9.5,
                bbox=dict(boxstyle="round,pad=0.25", fc="white", ec="none", alpha=0.8))
    _w2_axis(ax, _edges(ws, True)[0], _edges(ws, True)[-1])
    ax.set_ylim(0, top)
    ax.set(xlabel="σ_w²", ylabel="σ_b²")


def plot_phase_diagram(diagram: PhaseDiagram, *, checks: Sequence[tuple[float, float, float]] = (),
                       marks: Sequence[tuple[float, float, str]] = ()) -> Explorable:
    """χ₁ of tanh over (σ_w², σ_b²) with the edge of chaos, ``checks`` (σ_w², σ_b², sampled χ₁)
    as dots coloured by the sampled χ₁ on the same scale, and ``marks`` (σ_w², σ_b², label)."""
    v.instance(diagram, "diagram", PhaseDiagram)
    checks, marks = list(checks), list(marks)
    norm = BoundaryNorm(_CHI_LEVELS, _CHI_CMAP.N, extend="both")

    def draw(fig: Figure) -> None:
        ax = fig.subplots()
        _draw_phase(ax, diagram, diagram.activation)
        if checks:
            w, b, x = (np.array(c) for c in zip(*checks))
            ax.scatter(w, b, c=np.log2(x), cmap=_CHI_CMAP, norm=norm, s=42, edgecolors="k", linewidths=0.9,
                       zorder=3, label="sampled χ₁ (same shading)")
        for w, b, text in marks:
            ax.plot([w], [b], "*", ms=12, color="k", mfc="white", zorder=4, clip_on=False)
            ax.annotate(text, (w, b), xytext=(0, 7), textcoords="offset points", fontsize=9, zorder=4, ha="center",
                        bbox=dict(boxstyle="round,pad=0.15", fc="white", ec="none", alpha=0.8))
        bar = fig.colorbar(ax.collections[0], ax=ax, ticks=[-1.5, -1, -0.5, 0, 0.5, 1, 1.5], pad=0.02)
        bar.ax.set_yticklabels(["0.35", "0.5", "0.71", "1", "1.41", "2", "2.8"])
        bar.set_label("χ₁")
        # one column: a two-column legend is wider than a phone-sized axes and would squeeze it
        ax.legend(frameon=False, loc="lower center", bbox_to_anchor=(0.5, 1.0), ncols=1, fontsize=9)

    n = len(checks)
    return Explorable.plot(
        draw, figsize=(4.2, 3.9), dpi=96, name="fig-beyond-phase",
        caption=(f"The phase diagram of a wide {diagram.activation} network: χ₁ = σ_w²·E[tanh′(√q*·z)²], computed by "
                 "Gauss–Hermite quadrature on a grid of (σ_w², σ_b²), purple where it is below 1 (ordered) and orange "
                 "above (chaotic); the black line is the edge of chaos χ₁ = 1, which starts at σ_w² = 1 for σ_b = 0 "
                 "and bends to larger σ_w² as σ_b² grows."
                 + (f" The {n} dots are χ₁ measured in sampled networks, shaded on the same scale." if n else "")),
        alt=("A shaded map, purple on the left and orange on the right, split by a black line that rises from "
             "σ_w² = 1 at σ_b² = 0 to larger σ_w² at the top" + (", with dots whose shades match the map "
                                                                  "around them" if n else "") + "."))


# ------------------------------------------------------------------- trainability
def plot_trainability(study: TrainabilityStudy) -> Explorable:
    """The training accuracy (mean over the seeds) of every σ_w² and depth, shaded, with ξ_c and
    6ξ_c of the grid's σ_w² as lines and the edge of chaos as a vertical line."""
    v.instance(study, "study", TrainabilityStudy)
    ws = study.sigma_w2
    ds = np.asarray(study.depths, dtype=float)
    acc = study.mean_accuracy

    def draw(fig: Figure) -> None:
        ax = fig.subplots()
        levels = np.linspace(0.0, 1.0, 11)
        cmap = colormaps["viridis"]
        mesh = ax.pcolormesh(_edges(ws, True), _edges(np.log2(ds), False), acc.T, cmap=cmap,
                             norm=BoundaryNorm(levels, cmap.N), shading="flat")
        finite = np.isfinite(study.xi_c)
        for mult, ls, lab in ((1, "--", "ξ_c"), (6, "-", "6 ξ_c")):
            y = np.log2(np.clip(mult * study.xi_c[finite], 2 ** -1, 2 ** 12))
            ax.plot(ws[finite], y, ls, color="white", lw=2.0, label=lab, path_effects=_OUTLINE)
        for i, w in enumerate(ws):
            for j in range(len(ds)):
                a = acc[i, j]
                ax.text(w, np.log2(ds[j]), f"{a:.0%}"[:-1], ha="center", va="center", fontsize=8.5,
                        color="white" if a < 0.55 else "black")
        crit = ws[~finite]
        for w in crit:
            ax.axvline(w, color="white", lw=1, ls=":")
        _w2_axis(ax, _edges(ws, True)[0], _edges(ws, True)[-1])
        ax.set_yticks(np.log2(ds), [f"{d:g}" for d in ds])
        ax.set_ylim(_edges(np.log2(ds), False)[0], _edges(np.log2(ds), False)[-1])
        ax.set(xlabel="σ_w²", ylabel="hidden layers L")
        bar = fig.colorbar(mesh, ax=ax, pad=0.02, ticks=[0, 0.2, 0.4, 0.6, 0.8, 1.0])
        bar.set_label("training accuracy")
        ax.legend(frameon=False, loc="lower center", bbox_to_anchor=(0.5, 1.0), ncols=2, fontsize=9)

    n = len(study.seeds)
    return Explorable.plot(
        draw, figsize=(4.2, 3.9), dpi=96, name="fig-beyond-trainability",
        caption=(f"Which {study.activation} networks train on the digits: the training accuracy (in %, the mean of "
                 f"{n} seeds) after {study.epochs} epochs of minibatch gradient descent (batch {study.batch_size}, "
                 f"learning rate {study.lr:g}), for networks of {study.width} units per hidden layer with "
                 f"σ_b² = {study.sigma_b2:g}, over σ_w² and depth. The white lines are the depth scale ξ_c of each "
                 "σ_w² (dashed) and 6 ξ_c (solid); at the dotted line, the edge of chaos, ξ_c is infinite."),
        alt=("A grid of accuracies, bright at the bottom (few layers) and dark at the top; the bright region "
             "reaches highest around the edge of chaos and ends below the solid white line on both sides."))


# ---------------------------------------------------------------------- isometry
def _log_s_hist(s: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """The share of singular values in each bin of log₁₀ s; values below the range in the first bin."""
    x = np.log10(np.maximum(s, 10.0 ** edges[0]))
    x = np.minimum(x, edges[-1] - 1e-9)
    return np.histogram(x, bins=edges)[0] / max(s.size, 1)


def plot_isometry(study: IsometryStudy, depth: int | None = None) -> Explorable:
    """Left: the singular values of J at ``depth`` (default the deepest) for every case of
    :data:`initreg.ISOMETRY_CASES`, Gaussian against orthogonal weights (histograms of log₁₀ s).
    Right: Var(λ)/E[λ]² against depth (markers) with :func:`initreg.predicted_lambda_variance`
    (lines)."""
    v.instance(study, "study", IsometryStudy)
    depth = study.depths[-1] if depth is None else v.positive_int(depth, "depth")
    if depth not in study.depths:
        raise ValueError(f"depth must be one of {study.depths}; got {depth}")
    edges = np.linspace(-6.0, 1.5, 31)
    cases = list(ISOMETRY_CASES)
    floor = 1e-3

    def draw(fig: Figure, spectra: SubFigure, spread: SubFigure) -> None:
        axes = spectra.subplots(len(cases), 1, sharex=True)
        for ax, case in zip(axes, cases):
            for init, col in _INIT_COLORS.items():
                s = study[(case, init)].at(depth).ravel()
                ax.stairs(_log_s_hist(s, edges), edges, color=col, lw=1.5, fill=init == "orthogonal",
                          alpha=0.45 if init == "orthogonal" else 1.0, label=_INIT_NAMES[init])
            ax.axvline(0.0, color="0.4", lw=0.8, ls=":")
            ax.set_ylim(0, 1.05)
            ax.set_yticks([0, 0.5, 1])
            act, w2, _ = ISOMETRY_CASES[case]
            ax.text(0.98, 0.92, f"{act}, σ_w² = {w2:.3g}", transform=ax.transAxes, va="top", ha="right", fontsize=9)
        axes[0].legend(frameon=False, loc="center left", bbox_to_anchor=(0.08, 0.55), fontsize=9)
        axes[len(cases) // 2].set_ylabel("share of singular values")
        axes[-1].set_xlabel("log₁₀ s (s ≤ 10⁻⁶ in the first bin)")
        axes[0].set_title(f"spectrum of J at L = {depth}", fontsize=10)
        bx = spread.subplots()
        ds = np.asarray(study.depths)
        markers = {"linear": "s", "tanh": "o", "relu": "^"}
        for case in cases:
            for init, col in _INIT_COLORS.items():
                sp = study[(case, init)]
                var = sp.moments()[1]
                pred = sp.predicted()
                ls = "-" if init == "gaussian" else "--"
                bx.plot(ds, np.maximum(pred, floor), ls, color=col, lw=1.0, alpha=0.8)
                bx.plot(ds, np.maximum(var, floor), markers[case], ms=4.5, color=col,
                        mfc=col if init == "gaussian" else "white",
                        label=f"{ISOMETRY_CASES[case][0]}, {_INIT_NAMES[init]}")
        bx.set_xscale("log", base=2)
        bx.set_yscale("log")
        bx.xaxis.set_major_formatter(ticker.FuncFormatter(lambda x, _p: f"{x:g}"))
        bx.yaxis.set_major_formatter(ticker.FuncFormatter(decade_label))
        bx.set(xlabel="depth L", ylabel="spread of λ = s²: Var(λ) / E[λ]²", ylim=(floor / 1.5, 200))
        bx.grid(alpha=0.3)
        bx.legend(frameon=False, fontsize=8.5, loc="lower center", bbox_to_anchor=(0.5, 1.0), ncols=2,
                  handlelength=1.0, columnspacing=0.8)

    w = study.width
    return Explorable.plot(
        draw, figsize=(7.0, 4.2), dpi=96, name="fig-beyond-isometry",
        panels=[Panel("spectra", 3.4, f"Three histograms of the singular values at depth {depth}: for linear units "
                      "and ReLU the Gaussian and the orthogonal spectra spread over decades, the linear orthogonal one "
                      "is a single bar at 1; for tanh the orthogonal spectrum is a narrow peak at 1 and the Gaussian "
                      "one spreads."),
                Panel("spread", 3.6, "The relative variance of λ against depth on log–log axes: the markers follow "
                      "their straight predicted lines, rising in proportion to depth, except orthogonal tanh, which "
                      "stays two decades lower, and orthogonal linear, at the floor.")],
        caption=(f"Dynamical isometry, sampled: the singular values s of the input–output Jacobian of networks of "
                 f"width {w} at initialization, each at its edge of chaos (linear σ_w² = 1; tanh at q* = 1/64; ReLU "
                 f"σ_w² = 2), with Gaussian and orthogonal weights. Left: their histograms at depth {depth}, a dotted "
                 "line at s = 1. Right: the relative variance of λ = s² (markers; filled Gaussian, open orthogonal) "
                 "against the prediction L·(μ₂/μ₁² − 1 + v_W) (lines; solid Gaussian, dashed orthogonal). "
                 f"Orthogonal linear networks are exactly isometric (variance 0, drawn at {floor:g})."))


# ------------------------------------------------------------------------ the explorer
_SPEC_EDGES = np.linspace(-6.0, 4.0, 41)
_ACT_NAMES = {"tanh": "tanh", "ReLU": "relu"}
_W2_NAMES = {1.0: "Xavier", 2.0: "He", round(25 / 9, 12): "PyTorch's (5/3)²"}


def _w2_text(w: float) -> str:
    name = _W2_NAMES.get(round(float(w), 12))
    return f"{w:.3g}" + (f", {name}" if name else "")


def _signal_limits(values: np.ndarray) -> tuple[float, float]:
    ok = values[np.isfinite(values) & (values > 0)]
    lo = float(ok.min()) if ok.size else 1e-2
    hi = float(ok.max()) if ok.size else 1.0
    lo, hi = min(lo, 0.05), max(hi, 5.0)
    d0, d1 = math.floor(math.log10(lo)), math.ceil(math.log10(hi))
    return 10.0 ** d0, 10.0 ** d1


@register_figure
def beyond_xavier_explorer() -> Explorable:
    """{ref}`chap-beyond`'s figure: for tanh or ReLU, σ_b² and σ_w² (:data:`initreg.BEYOND_SIGMA_W2`),
    the point on the phase diagram (a cursor on σ_w², a line at σ_b²); the length q[l] and the
    correlation c[l] of two inputs through 30 layers, by the maps (lines) and in two sampled
    networks (markers); and the singular values of the Jacobian of 16 layers, Gaussian against
    orthogonal weights (:func:`initreg.explorer_run`)."""
    p = BEYOND_EXPLORER
    depth, sdepth = int(p["depth"]), int(p["spectrum_depth"])
    diagram = explorer_phase_diagram("tanh")
    explorer_run("tanh", 1.76, 0.05)  # the first frame's runs, when the figure is built
    label_of = {val: lab for lab, val in _ACT_NAMES.items()}

    def setup(fig: Figure, phase: SubFigure, signal: SubFigure, spectrum: SubFigure) -> SimpleNamespace:
        fig.set_layout_engine("none")
        px = phase.subplots(gridspec_kw=dict(left=0.2, right=0.95, bottom=0.16, top=0.88))
        meshes = {}
        for act in ("tanh", "relu"):
            n_before = len(px.collections)
            n_lines, n_texts = len(px.lines), len(px.texts)
            _draw_phase(px, diagram, act)
            words = [cache_raster(t, lambda: None) for t in px.texts[n_texts:]]  # fixed words: drawn once
            meshes[act] = list(px.collections[n_before:]) + list(px.lines[n_lines:]) + words
        bline = px.axhline(0.0, color="k", lw=1.2, ls="--")
        cursor = add_cursor(px, "sigma_w2", at=lambda w: float(w), color="k", lw=1.2, ls="--")
        ptitle = px.set_title(" ")
        cache_raster(ptitle, lambda: ptitle.get_text(), size=8)  # one text per activation and σ_b²
        cache_raster(px.xaxis)
        cache_raster(px.yaxis)
        qa, ca = signal.subplots(2, 1, sharex=True, gridspec_kw=dict(left=0.2, right=0.96, bottom=0.16, top=0.88,
                                                                     hspace=0.12))
        (q_line,) = qa.plot([], [], "-", color=COLORS["blue"], lw=1.6, label="maps")
        (q_dots,) = qa.plot([], [], "o", ms=3, color=COLORS["vermillion"], label="sampled")
        (c_line,) = ca.plot([], [], "-", color=COLORS["blue"], lw=1.6)
        (c_dots,) = ca.plot([], [], "o", ms=3, color=COLORS["vermillion"])
        qa.set_yscale("log")
        qa.yaxis.set_minor_locator(ticker.NullLocator())
        qa.yaxis.set_major_formatter(ticker.FuncFormatter(decade_label))
        qa.set_ylabel("length q[l]")
        cache_raster(qa.legend(frameon=False, loc="lower left", ncols=2, fontsize=9, borderaxespad=0.1),
                     lambda: None)  # the same keys in every frame
        ca.set(xlabel="layer l", ylabel="correlation c[l]", ylim=(-0.05, 1.05), xlim=(-0.5, depth + 0.5))
        for a in (qa, ca):
            a.grid(alpha=0.3)
        stitle = qa.set_title(" ")
        cache_raster(stitle, lambda: stitle.get_text(), size=128)  # one text per setting
        for axis in (ca.xaxis, ca.yaxis, qa.xaxis, qa.yaxis):  # qa's y limits take a few decades' values
            cache_raster(axis)
        sx = spectrum.subplots(gridspec_kw=dict(left=0.2, right=0.96, bottom=0.16, top=0.88))
        stairs = {init: sx.stairs(np.zeros(len(_SPEC_EDGES) - 1), _SPEC_EDGES, color=col, lw=1.5,
                                  fill=init == "orthogonal", alpha=0.45 if init == "orthogonal" else 1.0,
                                  label=_INIT_NAMES[init]) for init, col in _INIT_COLORS.items()}
        sx.axvline(0.0, color="0.4", lw=0.8, ls=":")
        (mean_line,) = sx.plot([], [], color="k", lw=1.2, ls="--", label="√(χ₁^L)")
        sx.set(xlabel="log₁₀ s (≤ −6 in the first bin)", ylabel="share of singular values", ylim=(0, 1.05),
               xlim=(_SPEC_EDGES[0], _SPEC_EDGES[-1]), title=f"spectrum of J at L = {sdepth}")
        cache_raster(sx.legend(frameon=False, loc="upper left", fontsize=9), lambda: None)
        cache_raster(sx.title, lambda: None)
        cache_raster(sx.xaxis)
        cache_raster(sx.yaxis)
        return SimpleNamespace(meshes=meshes, bline=bline, cursor=cursor, ptitle=ptitle, qa=qa, q_line=q_line, q_dots=q_dots,
                               c_line=c_line, c_dots=c_dots, stitle=stitle, stairs=stairs, mean_line=mean_line)

    def compute(activation: str, sigma_b2: float, sigma_w2: float) -> SimpleNamespace:
        run = explorer_run(activation, float(sigma_w2), float(sigma_b2))
        ls = np.arange(depth + 1)
        q_s, c_s = run.sampled.q.mean(axis=0), run.sampled.c.mean(axis=0)
        ok = np.isfinite(run.trajectory.q)
        lim = _signal_limits(np.concatenate([run.trajectory.q[ok], q_s[np.isfinite(q_s)]]))
        hists = {init: _log_s_hist(s, _SPEC_EDGES) for init, s in run.spectra.items()}
        mean_x = None if run.chi1 is None else 0.5 * sdepth * math.log10(run.chi1)
        return SimpleNamespace(ls=ls, q=(ls[ok], run.trajectory.q[ok]), c=(ls[ok], run.trajectory.c[ok]),
                               q_s=q_s, c_s=c_s, lim=lim, hists=hists, mean_x=mean_x, chi1=run.chi1)

    def update(state: SimpleNamespace, data: SimpleNamespace, activation: str, sigma_b2: float,
               sigma_w2: float) -> None:
        for act, artists in state.meshes.items():
            for a in artists:
                a.set_visible(act == activation)
        state.bline.set_ydata([sigma_b2, sigma_b2])
        state.cursor.set_xdata([sigma_w2, sigma_w2])
        state.ptitle.set_text(f"{label_of[activation]}, σ_b² = {sigma_b2:g}")
        state.q_line.set_data(*data.q)
        state.q_dots.set_data(data.ls, data.q_s)
        state.c_line.set_data(*data.c)
        state.c_dots.set_data(data.ls, data.c_s)
        state.qa.set_ylim(*data.lim)
        chi = "no fixed point" if data.chi1 is None else f"χ₁ = {data.chi1:.3g}"
        state.stitle.set_text(f"σ_w² = {_w2_text(sigma_w2)}: {chi}")
        for init, art in state.stairs.items():
            art.set_data(data.hists[init], _SPEC_EDGES)
        x = data.mean_x
        if x is None or not (_SPEC_EDGES[0] < x < _SPEC_EDGES[-1]):
            state.mean_line.set_data([], [])
        else:
            state.mean_line.set_data([x, x], [0, 1.05])

    return Explorable(
        update,
        [Choice("activation", _ACT_NAMES, label="activation"),
         Choice("sigma_b2", {f"{b:g}": b for b in BEYOND_SIGMA_B2}, label="σ_b²", default=0.05),
         Slider("sigma_w2", BEYOND_SIGMA_W2[0], BEYOND_SIGMA_W2[-1], grid=BEYOND_SIGMA_W2, log=True, kind="strength",
                label="σ_w²", default=1.76, fmt="{:.3g}")],
        setup=setup, compute=compute, figsize=(9.9, 3.6), dpi=96, name="fig-beyond-explorer",
        panels=[Panel("phase", 3.2, "The {activation} phase diagram over σ_w² and σ_b², ordered on the left, with the "
                      "edge of chaos as a black line; dashed lines cross at σ_w² = {sigma_w2}, σ_b² = {sigma_b2}.",
                      depends=("activation", "sigma_b2"), cursor="sigma_w2"),
                Panel("signal", 3.4, "Two stacked plots against the layer for {activation}, σ_w² = {sigma_w2}, "
                      "σ_b² = {sigma_b2}: the length q[l] on a log scale and the correlation c[l] of two inputs, "
                      "computed by the maps as lines and sampled as dots."),
                Panel("spectrum", 3.3, "Histograms of the singular values of the Jacobian of 16 {activation} layers "
                      "with σ_w² = {sigma_w2} and σ_b² = {sigma_b2}, for Gaussian and orthogonal weights, on a log "
                      "scale of s.")],
        caption=(f"Explore the mean-field picture. Left: where (σ_w², σ_b²) sits on the phase diagram of the chosen "
                 f"activation (the crossing of the dashed lines). Middle: the length q[l] and the correlation c[l] of "
                 f"two inputs of length {p['q0']:g} and correlation {p['c0']:g} through {depth} layers, computed by "
                 f"the length and correlation maps (line) and measured in {int(p['n_nets'])} sampled networks of "
                 f"width {int(p['width'])} (dots). Right: the singular values of the input–output Jacobian of "
                 f"{sdepth} layers of width {int(p['spectrum_width'])} (two networks per weight law, inputs at the "
                 "fixed point), Gaussian against orthogonal weights; the dashed line is √(χ₁^L), the typical "
                 "stretch the mean-field theory predicts."),
    )
