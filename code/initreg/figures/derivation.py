"""Deriving Xavier initialization ({ref}`chap-derivation`): tanh's variance and the three regimes.

Both propagation figures draw a run with one pair of functions, :func:`_run_artists` (the
sampled markers and the predicted lines, built once) and :func:`_show_run` (the data of one
:class:`~initreg.SignalPropagation`): the static figure of the three regimes calls them once
per network, the explorer at every frame.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import sympy as sp
from matplotlib import colormaps, ticker
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.colors import BoundaryNorm, ListedColormap
from matplotlib.figure import Figure, SubFigure
from matplotlib.image import AxesImage
from matplotlib.legend import Legend
from matplotlib.lines import Line2D

from ..derivations.variance import VARIANCE_SYMBOLS, tanh_second_moment, tanh_variance_series
from ..explorable import Choice, Explorable, Panel, Slider, add_cursor, cache_raster, register_figure
from ..propagation import EXPLORER_NETWORK, SignalPropagation, explorer_network
from .style import COLORS, INIT_COLORS, decade_label

__all__ = ["plot_activation_variance", "plot_signal_propagation", "variance_propagation_explorer"]


# ------------------------------------------------------------------- how linear is tanh
def plot_activation_variance() -> Explorable:
    """Var(tanh z)/Var(z) against Var(z) for z ~ N(0, Var(z)): exact (quadrature) and the series
    of :func:`initreg.tanh_variance_series` to one, two and three terms; and ReLU's
    E[a²]/Var(z) = 1/2. The fourth assumption of {ref}`chap-derivation` holds where the exact
    curve is near 1."""
    var = np.geomspace(1e-3, 1e2, 200)
    exact = tanh_second_moment(var) / var
    s = VARIANCE_SYMBOLS.s
    series = []
    for order in (1, 2, 3):
        f = sp.lambdify(s, tanh_variance_series(order) / s**2, "numpy")
        y = np.broadcast_to(f(np.sqrt(var)), var.shape)
        keep = (y > -0.1) & (y < 1.3)  # where a curve leaves the axes, it is not drawn
        series.append((order, var[keep], y[keep]))

    def draw(fig: Figure) -> None:
        ax = fig.subplots()
        ax.plot(var, exact, color=COLORS["blue"], lw=2.2, label="tanh, exact")
        for (order, x, y), ls in zip(series, (":", "--", "-.")):
            ax.plot(x, y, ls, color="0.35", lw=1.1, label=f"series, {order} term{'s' if order > 1 else ''}")
        ax.axhline(0.5, color=COLORS["bluish green"], lw=1.5, label="ReLU: E[a²] / Var(z)")
        ax.set_xscale("log")
        ax.set(xlabel="Var(z)", ylabel="Var(a) / Var(z)", ylim=(0, 1.1))
        ax.grid(alpha=0.3)
        ax.legend(frameon=False, loc="lower left")

    return Explorable.plot(
        draw, figsize=(4.5, 3.2), name="fig-derivation-tanh",
        caption=("How linear is tanh? The ratio Var(tanh z)/Var(z) for z ~ N(0, Var(z)): exact (quadrature) "
                 "and the SymPy series to one, two and three terms. Assumption 4 holds where the exact "
                 "curve is close to 1. ReLU halves the second moment at every scale (step 6)."),
        alt=("On a log axis of Var(z), the exact tanh curve stays near 1 for small variances and falls "
             "towards 0 for large ones; the series curves follow it for small variances and then leave it; "
             "a flat line at one half marks ReLU."))


# ------------------------------------------------- a run: sampled markers, predicted lines
@dataclass
class _RunArtists:
    """The artists of one run on a variance-by-layer axes (:func:`_run_artists`)."""

    sampled: Line2D
    article: Line2D
    he: Line2D


def _run_artists(ax: Axes, sampled: str, article: str, he: str) -> _RunArtists:
    """Empty artists for one run, in these colours: markers for the sampled variance of every
    layer, a line for the article's prediction k^l·Var(x), a dashed one for He's (k/2)^l·E[x²]."""
    (s,) = ax.plot([], [], "o", ms=3.2, color=sampled, zorder=3)
    (a,) = ax.plot([], [], "-", lw=1.2, color=article, zorder=2)
    (h,) = ax.plot([], [], "--", lw=1.2, color=he, zorder=2)
    return _RunArtists(s, a, h)


def _show_run(art: _RunArtists, run: SignalPropagation) -> None:
    """Show ``run``: :meth:`~initreg.SignalPropagation.measured` (E[a[l]²] for ReLU, else
    Var(a[l])) at every layer where it is a positive number, the article's prediction, and
    He's for ReLU (hidden otherwise)."""
    ls = np.arange(run.depth + 1)
    measured = run.measured()
    ok = np.isfinite(measured) & (measured > 0)
    art.sampled.set_data(ls[ok], measured[ok])
    art.article.set_data(ls, run.predicted())
    relu = run.activation == "relu"
    art.he.set_data((ls, run.predicted_he()) if relu else ([], []))
    art.he.set_visible(relu)


def _shown_values(run: SignalPropagation) -> np.ndarray:
    """Every value :func:`_show_run` draws for ``run`` (positive and finite ones)."""
    vals = [run.measured(), run.predicted()] + ([run.predicted_he()] if run.activation == "relu" else [])
    flat = np.concatenate(vals)
    return flat[np.isfinite(flat) & (flat > 0)]


def _log_limits(ax: Axes, values: np.ndarray, *, at_least: tuple[float, float] = (1e-2, 1e2)) -> None:
    """A log y axis from a decade below to a decade above ``values`` (covering ``at_least``),
    with at most six plain decade labels, every 1, 2, 5, 10 or 20 decades, and no minor ticks."""
    lo = min(at_least[0], float(values.min()) if values.size else at_least[0])
    hi = max(at_least[1], float(values.max()) if values.size else at_least[1])
    d0, d1 = math.floor(math.log10(lo)), math.ceil(math.log10(hi))
    step = next(s for s in (1, 2, 5, 10, 20, 50, 100) if (d1 - d0) / s <= 5)
    ax.set_ylim(10.0**d0 / 2, 10.0**d1 * 2)
    first = math.ceil(d0 / step) * step
    ax.yaxis.set_major_locator(ticker.FixedLocator(10.0 ** np.arange(first, d1 + 1, step)))
    ax.yaxis.set_minor_locator(ticker.NullLocator())
    ax.yaxis.set_major_formatter(ticker.FuncFormatter(decade_label))


def _legend_corner(ax: Axes, runs: Sequence[SignalPropagation], entries: int) -> str:
    """The corner of ``ax`` where the legend (``entries`` lines) covers the fewest of the
    points :func:`_show_run` draws for ``runs``, in the axes' current limits (not "best",
    which would also avoid the depth cursor and move with it)."""
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    xs, ys = [], []
    for run in runs:
        for vals in (run.measured(), run.predicted()) + ((run.predicted_he(),) if run.activation == "relu" else ()):
            ok = np.isfinite(vals) & (vals > 0)
            xs.append((np.arange(run.depth + 1)[ok] - x0) / (x1 - x0))
            ys.append((np.log10(vals[ok]) - math.log10(y0)) / (math.log10(y1) - math.log10(y0)))
    x, y = np.concatenate(xs), np.concatenate(ys)
    tall = 0.1 + 0.09 * entries  # the legend's height, as a fraction of the axes
    boxes = {"upper left": (x < 0.6) & (y > 1 - tall), "lower left": (x < 0.6) & (y < tall),
             "upper right": (x > 0.4) & (y > 1 - tall), "lower right": (x > 0.4) & (y < tall)}
    return min(boxes, key=lambda corner: int(boxes[corner].sum()))


def _regime(run: SignalPropagation) -> str:
    """What the prediction says the signal does: its per-layer factor k (k/2 for ReLU) against 1."""
    f = run.k / 2.0 if run.activation == "relu" else run.k
    return "level" if math.isclose(f, 1.0) else ("vanishes" if f < 1 else "explodes")


_ROLE = {"vanishes": "too small", "level": "appropriate", "explodes": "too large"}


# ------------------------------------------------------------------ the three regimes
def plot_signal_propagation(runs: Sequence[SignalPropagation], *, labels: Sequence[str] | None = None,
                            colors: Sequence[str] | None = None) -> Explorable:
    """Var(a[l]) against l for each run (markers), with the prediction k^l·Var(x) (lines).

    For ReLU runs the measured quantity is E[a[l]²] and He's (k/2)^l·E[x²] is drawn dashed.
    By default each run is labelled by its k and what the prediction says it does
    (vanishes, level, explodes), in the colour of that role (:data:`initreg.INIT_COLORS`).
    """
    runs = list(runs)
    if not runs or not all(isinstance(r, SignalPropagation) for r in runs):
        raise TypeError("runs must be a non-empty sequence of initreg.SignalPropagation")
    for name, given in (("labels", labels), ("colors", colors)):
        if given is not None and len(given) != len(runs):
            raise ValueError(f"{name} must have one entry per run ({len(runs)}); got {len(given)}")
    regimes = [_regime(r) for r in runs]
    labels = list(labels) if labels is not None else [
        f"k = {r.k:g} ({g})" if r.activation != "tanh" else f"k = {r.k:g}" for r, g in zip(runs, regimes)]
    colors = list(colors) if colors is not None else [INIT_COLORS[_ROLE[g]] for g in regimes]
    relu = any(r.activation == "relu" for r in runs)

    def draw(fig: Figure) -> None:
        ax = fig.subplots()
        for run, label, color in zip(runs, labels, colors):
            art = _run_artists(ax, color, color, color)
            _show_run(art, run)
            art.sampled.set_label(label)
        ax.set_yscale("log")
        _log_limits(ax, np.concatenate([_shown_values(r) for r in runs]))
        ax.set_xlim(-1, max(r.depth for r in runs) + 1)
        ax.set(xlabel="layer l", ylabel="E[a[l]²]" if all(r.activation == "relu" for r in runs) else "Var(a[l])")
        ax.grid(alpha=0.3)
        ax.legend(frameon=False, loc=_legend_corner(ax, runs, len(runs)))

    acts = sorted({r.activation for r in runs})
    depths, widths = sorted({r.depth for r in runs}), sorted({r.width for r in runs})
    many = len(runs) > 1
    net = (f"{'' if many else 'a '}{'/'.join(map(str, depths))}-layer {'/'.join(acts)} "
           f"network{'s' if many else ''} of width {'/'.join(map(str, widths))}{', one per k,' if many else ''}")
    three = {"vanishes", "level", "explodes"} <= set(regimes) and acts == ["linear"]
    caption = (("The three regimes, sampled: the" if three else "The") + f" variance of every layer of {net} with "
               "W[l] ~ N(0, k/n) (markers), against the prediction k^l·Var(x) (lines)"
               + ("; for ReLU the mean square E[a[l]²] and He's prediction (k/2)^l·E[x²] (dashed)" if relu else "")
               + "." + (" Below 1 the signal vanishes, at 1 it stays level, above 1 it explodes." if three else ""))
    ends = "; ".join(f"{lab}: from {r.measured()[0]:.2g} to {r.measured()[-1]:.2g}, predicted {r.predicted()[-1]:.2g}"
                     for r, lab in zip(runs, labels))
    return Explorable.plot(
        draw, figsize=(4.5, 3.2), name="fig-derivation-regimes", caption=caption,
        alt=(f"One row of markers per network on a log scale against the layer, each along its predicted "
             f"straight line. {ends}."))


# ------------------------------------------------------------------------ the explorer
#: The explorer's factors k = n·Var(w): from 0.25 to 4, dense around 1 (0.9, 1 and 1.1 are
#: the three regimes of the static figure, 2 is He's level for ReLU).
_FACTORS = (0.25, 0.35, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.1, 1.25, 1.4, 1.6, 2.0, 2.5, 3.0, 4.0)
#: The depths the line marks: every third layer up to the network's 50.
_DEPTHS = tuple(range(5, EXPLORER_NETWORK["depth"] + 1, 3))
#: The shape panel's bins of a[l]/√E[a[l]²], and its colour levels (fractions of a layer's
#: values per bin): white below one value in 2000, then six shades of blue.
_SHAPE_EDGES = np.linspace(-4.0, 4.0, 41)
_SHAPE_LEVELS = (5e-4, 3e-3, 1e-2, 3e-2, 0.1, 0.3, 1.0)


@functools.lru_cache(maxsize=64)
def _explorer_data(activation: str, k: float) -> tuple[SignalPropagation, np.ndarray, np.ndarray]:
    """The explorer's run (:func:`initreg.explorer_network`), the values its variance panel draws,
    and the shape panel's image (bins × layers)."""
    run = explorer_network(activation, k)
    return run, _shown_values(run), run.standardized_histograms(_SHAPE_EDGES).T


@dataclass
class _ExplorerState:
    ax: Axes
    art: _RunArtists
    legends: dict[bool, Legend]  # by "with He's line"
    shown_legends: dict[bool, Artist]  # their cache_raster proxies, shown or hidden
    corners: dict[bool, str]  # where each legend stands (the proxies' key)
    shape: AxesImage
    cursors: tuple[Line2D, Line2D]  # at layer L, on both panels


def _setup_explorer(fig: Figure, variance: SubFigure, shape: SubFigure) -> _ExplorerState:
    depth = EXPLORER_NETWORK["depth"]
    ax = variance.subplots()
    art = _run_artists(ax, COLORS["blue"], "0.45", COLORS["bluish green"])
    ax.set_yscale("log")
    ax.set(xlabel="layer l", xlim=(-1, depth + 1))
    ax.yaxis.set_label_coords(-0.2, 0.5)  # where the widest decade labels (1e-30) leave room
    ax.grid(alpha=0.3)
    cursor = add_cursor(ax, "depth")
    # one legend with He's line (ReLU) and one without; update shows one of them
    legends = {True: Legend(ax, [art.sampled, art.article, art.he],
                            ["sampled E[a[l]²]", "article: k^l·Var(x)", "He: (k/2)^l·E[x²]"], frameon=False),
               False: Legend(ax, [art.sampled, art.article], ["sampled Var(a[l])", "article: k^l·Var(x)"],
                             frameon=False)}
    corners = {True: "upper left", False: "upper left"}
    shown_legends = {}
    for with_he, leg in legends.items():
        ax.add_artist(leg)
        shown_legends[with_he] = cache_raster(leg, lambda with_he=with_he: corners[with_he], size=8)
    sx = shape.subplots()
    blues = colormaps["Blues"](np.linspace(0.25, 1.0, len(_SHAPE_LEVELS) - 1))
    cmap = ListedColormap(blues).with_extremes(under="white", bad="white")
    image = sx.imshow(np.zeros((len(_SHAPE_EDGES) - 1, depth + 1)), origin="lower", aspect="auto",
                      interpolation="nearest", cmap=cmap, norm=BoundaryNorm(_SHAPE_LEVELS, cmap.N),
                      extent=(-0.5, depth + 0.5, _SHAPE_EDGES[0], _SHAPE_EDGES[-1]))
    sx.set(xlabel="layer l", ylabel="a[l] / √E[a[l]²]", title="shape of each layer")
    shape_cursor = add_cursor(sx, "depth")
    for axis in (ax.xaxis, sx.xaxis, sx.yaxis):  # fixed limits: drawn once
        cache_raster(axis)
    cache_raster(ax.yaxis, size=48)  # one state per activation and k (limits, label)
    return _ExplorerState(ax, art, legends, shown_legends, corners, image, (cursor, shape_cursor))


def _update_explorer(state: _ExplorerState, data: tuple[SignalPropagation, np.ndarray, np.ndarray], *,
                     activation: str, k: float, depth: int) -> None:
    run, shown, shape = data
    relu = activation == "relu"
    _show_run(state.art, run)
    _log_limits(state.ax, shown)
    for with_he, leg in state.legends.items():
        state.shown_legends[with_he].set_visible(with_he == relu)
        state.corners[with_he] = corner = _legend_corner(state.ax, [run], 3 if with_he else 2)
        leg.set_loc(corner)
    state.ax.set_ylabel("E[a[l]²]" if relu else "Var(a[l])")
    state.ax.set_title(f"{activation}, n·Var(w) = {k:g}")
    state.shape.set_data(shape)
    for line in state.cursors:
        line.set_xdata([depth, depth])


@register_figure
def variance_propagation_explorer() -> Explorable:
    """Chapter 2's figure: the variance of every layer of a sampled deep network against
    (n·Var(w))^l, and the shape of every layer's values, for tanh, ReLU and linear layers.

    One network per activation and k (:func:`initreg.explorer_network`: width 200, 200
    Gaussian inputs, W[l] ~ N(0, k/n), 50 layers); the depth slider moves a line to layer L,
    the output of the network's first L layers, which is the network of depth L.
    See {ref}`chap-derivation`.
    """
    depth, width = EXPLORER_NETWORK["depth"], EXPLORER_NETWORK["width"]
    return Explorable(
        _update_explorer,
        [Choice("activation", {"tanh": "tanh", "ReLU": "relu", "linear": "linear"}, label="activation"),
         Slider("k", _FACTORS[0], _FACTORS[-1], grid=_FACTORS, log=True, kind="strength", label="n·Var(w)",
                default=1.0),
         Slider("depth", _DEPTHS[0], _DEPTHS[-1], grid=_DEPTHS, integer=True, kind="strength", label="depth L",
                default=29)],
        setup=_setup_explorer,
        compute=lambda activation, k, depth: _explorer_data(activation, float(k)),
        panels=[Panel("variance", 3.9, f"Log-scale plot of the variance of each of the {depth} layers of a sampled "
                      "{activation} network with n·Var(w) = {k}, the sampled values against the predicted line; "
                      "a vertical line marks layer {depth}.", depends=("activation", "k"), cursor="depth"),
                Panel("shape", 3.3, "Shade map of the values of every layer of the same {activation} network "
                      "divided by their root mean square, layer by layer; a vertical line marks layer {depth}.",
                      depends=("activation", "k"), cursor="depth")],
        figsize=(7.2, 3.2), name="fig-variance-propagation",
        caption=(f"A sampled network of width {width}, {depth} layers, W[l] ~ N(0, k/n), fed {width} Gaussian "
                 "inputs. The variance panel: the variance of every layer (markers) against the prediction "
                 "(n·Var(w))^l·Var(x); for ReLU the mean square E[a²] and He's prediction (n·Var(w)/2)^l "
                 "(dashed). The shape panel: every layer's values divided by their root mean square, darker "
                 "where more of them fall: a normal law for linear layers, half of the values at 0 for ReLU, "
                 "and for tanh at large k values pressed towards ±1, without the normal law's tails. The line "
                 "marks layer L, the output of a network L layers deep (its first L layers)."),
    )
