"""The loss landscape in two parameters ({ref}`chap-landscapes`): the penalized landscapes,
their minimizers and paths.

One drawing, :func:`landscape_explorer`, shows a landscape with the L1 penalty and with the
L2 penalty side by side at the same λ, and the minimizer's coordinates against λ. The
chapter's two first figures are fixed views of it: :func:`plot_penalized_contours` (the
source article's figure) and :func:`plot_constrained_view` (the same minimizers as the
contact of a level set of f with the L1 diamond or the L2 disc). The gallery of test
functions and the ten-input paths are figures of their own.

Landscapes are drawn as filled bands of f + P (or of f), darker toward the minimum: bands
of a few greys encode in a fraction of the bytes of anti-aliased contour lines, which keeps
every frame of the explorer on the page.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from typing import Any

import contourpy
import matplotlib as mpl
import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import Collection
from matplotlib.figure import Figure, SubFigure
from matplotlib.path import Path
from matplotlib.ticker import FuncFormatter, Locator, MaxNLocator, NullLocator

from .. import _validate as v
from ..explorable import Choice, Explorable, Panel, Slider, add_cursor, cache_raster, register_figure
from ..penalties import PENALTY_LABELS
from ..landscapes import (LANDSCAPE_PATH_RATIOS, LANDSCAPES, Landscape, LassoRidgePaths, as_landscape, landscape,
                          landscape_path, penalized_grid, penalized_minimum)
from .style import PENALTY_COLORS

__all__ = [
    "landscape_explorer",
    "plot_penalized_contours",
    "plot_constrained_view",
    "plot_lasso_ridge_paths",
    "plot_landscape_gallery",
]

_PENALTIES = ("l1", "l2")
#: Plain text, not mathtext: a title that changes with every frame is laid out on every draw.
_PEN_MATH = {"l1": "f + λ‖w‖₁", "l2": "f + λ‖w‖₂²"}
_BALL_MATH = {"l1": "‖w‖₁ ≤ t", "l2": "‖w‖₂ ≤ r"}
_MARK = {"none": "X", "l1": "o", "l2": "s"}
#: Filled bands per landscape, from the minimum up to the 85 % quantile of the box (white above).
N_BANDS = 12
#: The band colours, darkest (lowest) first: greys, so that the penalties' colours stand out.
_BAND_GREYS = tuple(str(round(float(g), 3)) for g in np.linspace(0.45, 0.9, N_BANDS))
_FREE_STYLE = {"color": PENALTY_COLORS["none"], "ms": 10, "mec": "white", "mew": 0.9, "zorder": 6, "ls": "none"}


def _levels(z: np.ndarray, zmin: float, n: int = N_BANDS) -> np.ndarray:
    """``n`` levels from just above ``zmin`` to the 85 % quantile of ``z``, closer together
    near the minimum (geometric in the height above it), where the shape matters."""
    top = float(np.quantile(z, 0.85))
    span = max(top - zmin, 1e-12)
    return zmin + span * np.geomspace(2e-3, 1.0, n)


#: Bands are drawn from every other point of the grid (121 × 121): the same shapes at the
#: panels' size, in a quarter of the time.
_STRIDE = 2


def _band_levels(z: np.ndarray, zmin: float) -> np.ndarray:
    """The band boundaries: below everything, then :func:`_levels`."""
    lv = _levels(z, zmin)
    return np.r_[zmin - (lv[-1] - zmin), lv]


@functools.lru_cache(maxsize=512)
def _band_paths(land: Landscape, penalty: str, lam: float, zmin: float) -> tuple[Path, ...]:
    """The filled bands of f + P (``penalty`` "none": of f) as one Path per band, exactly
    what ``ax.contourf`` draws for these levels on the strided grid (the same contour
    generator and settings), computed once per landscape, penalty and λ: the explorer's
    frames and live view look them up and only set the paths of a kept collection."""
    g1, g2, z = penalized_grid(land, penalty, lam)
    s = slice(None, None, _STRIDE)
    corner = mpl.rcParams["contour.corner_mask"]
    gen = contourpy.contour_generator(g1[s, s], g2[s, s], z[s, s], name=mpl.rcParams["contour.algorithm"],
                                      corner_mask=True if corner == "legacy" else corner,
                                      fill_type=contourpy.FillType.OuterCode)
    levels = _band_levels(z, zmin)
    out = []
    for lo, hi in zip(levels[:-1], levels[1:]):
        vs, cs = gen.create_filled_contour(lo, hi)
        out.append(Path(np.concatenate(vs), np.concatenate(cs)) if len(vs) else Path(np.empty((0, 2))))
    return tuple(out)


def _band_collection(ax: Axes) -> Collection:
    """A kept collection of the bands, darkest first; :func:`_band_paths` fills it."""
    coll = Collection(facecolors=_BAND_GREYS, edgecolors="none", linewidths=0.0, antialiaseds=False, zorder=0)
    coll.set_paths([])
    ax.add_collection(coll, autolim=False)
    return coll


def _ball_xy(penalty: str, w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The boundary of the L1 diamond or L2 disc through ``w``: the ball over which ``w``
    minimizes f (the theorem on penalized and constrained minimizers, {ref}`chap-landscapes`)."""
    if penalty == "l1":
        r = float(np.abs(w).sum())
        return r * np.array([1.0, 0.0, -1.0, 0.0, 1.0]), r * np.array([0.0, 1.0, 0.0, -1.0, 0.0])
    r = float(np.hypot(*w))
    t = np.linspace(0.0, 2.0 * np.pi, 241)
    return r * np.cos(t), r * np.sin(t)


class _EndsAndZero(Locator):
    """Three ticks: the two ends of the view and 0 (every landscape's box holds the origin)."""

    def __call__(self) -> list[float]:
        lo, hi = sorted(self.axis.get_view_interval())
        return [lo, 0.0, hi] if lo < 0.0 < hi else [lo, hi]


def _short_title(land: Landscape) -> str:
    return land.title.split(" (")[0]


def _number(x: float) -> str:
    """Three significant digits, an exact 0 as "0" (never "-0"), and a true minus sign."""
    return f"{x + 0.0:.3g}".replace("-", "−")


# --------------------------------------------------------------------- the explorer
def _data(land: Landscape | str, rel_lam: float, view: str, path: bool) -> dict[str, Any]:
    """What the drawing shows at λ = rel_lam·λ₀: each penalty's minimizer, the cost its
    bands show (f + P, or f in the constrained view) and its minimum, the path (if drawn),
    and the minimizer of f. Everything comes from the experiment's caches."""
    land = as_landscape(land)
    lam = float(rel_lam) * land.lam0
    free = penalized_minimum(land, "none", 0.0)
    out: dict[str, Any] = {"land": land, "lam": lam, "free": free}
    for pen in _PENALTIES:
        mn = penalized_minimum(land, pen, lam)
        out[pen] = {"min": mn, "bands": pen if view == "penalized" else "none",
                    "zmin": mn.objective if view == "penalized" else free.objective,
                    "path": landscape_path(land, pen)[1] if path else None}
    return out


def _setup_contours(sub: SubFigure, penalty: str, view: str) -> dict[str, Any]:
    """One penalty's panel: axes with fixed margins (tick labels change with the function),
    the axes through 0, the ball, the path and the two minimizers; the bands come in update."""
    ax = sub.subplots(gridspec_kw={"left": 0.2, "right": 0.96, "bottom": 0.15, "top": 0.9})
    color = PENALTY_COLORS[penalty]
    ax.axhline(0.0, color="white", lw=0.8, zorder=1)
    ax.axvline(0.0, color="white", lw=0.8, zorder=1)
    st: dict[str, Any] = {"ax": ax, "penalty": penalty, "bands": _band_collection(ax), "level": None}
    if view == "constrained":
        (st["fill"],) = ax.fill([], [], color=color, alpha=0.3, lw=0, zorder=2)
        (st["ball"],) = ax.plot([], [], color=color, lw=1.6, zorder=3)
    else:
        (st["ball"],) = ax.plot([], [], color=color, ls="--", lw=1.3, zorder=3)
    (st["path"],) = ax.plot([], [], color=color, lw=1.4, alpha=0.8, zorder=4)
    (st["free"],) = ax.plot([], [], _MARK["none"], **_FREE_STYLE)
    (st["mark"],) = ax.plot([], [], _MARK[penalty], color=color, ms=9, mec="white", mew=1.1, zorder=7, ls="none")
    ax.set(xlabel="w₁", ylabel="w₂", aspect="equal")
    for axis in (ax.xaxis, ax.yaxis):  # ticks at the box's sides and at 0, whatever the function
        axis.set_major_locator(_EndsAndZero())
        axis.set_major_formatter(FuncFormatter(lambda x, pos: _number(x)))
        cache_raster(axis)
    st["title"] = ax.set_title(" ", y=1.0)  # a fixed place: not measured against the tick labels at every draw
    return st


def _update_contours(st: dict[str, Any], data: dict[str, Any], view: str, overlays: bool) -> None:
    ax, pen = st["ax"], st["penalty"]
    land, d, free = data["land"], data[st["penalty"]], data["free"]
    mn = d["min"]
    if st["level"] is not None:
        st["level"].remove()
        st["level"] = None
    lam = data["lam"] if d["bands"] != "none" else 0.0
    st["bands"].set_paths(list(_band_paths(land, d["bands"], lam, d["zmin"])))
    bx, by = _ball_xy(pen, mn.w) if overlays or view == "constrained" else (np.empty(0), np.empty(0))
    st["ball"].set_data(bx, by)
    if view == "constrained":
        st["fill"].set_xy(np.c_[bx, by] if bx.size else np.zeros((1, 2)))
        # the level set of f through the minimizer: it touches the ball there
        g1, g2, z = penalized_grid(land, "none", 0.0)
        st["level"] = ax.contour(g1, g2, z, levels=[mn.f], colors=PENALTY_COLORS["none"], linewidths=1.5,
                                 zorder=3)
    W = d["path"] if overlays else np.empty((0, 2))
    st["path"].set_data(W[:, 0], W[:, 1])
    st["free"].set_data([free.w[0]], [free.w[1]])
    st["mark"].set_data([mn.w[0]], [mn.w[1]])
    (a, b), (c, e) = land.domain
    ax.set_xlim(a, b)
    ax.set_ylim(c, e)
    if view == "constrained":
        st["title"].set_text(f"min f subject to {_BALL_MATH[pen]}")
    else:
        st["title"].set_text(f"{_PEN_MATH[pen]}: min at ({_number(mn.w[0])}, {_number(mn.w[1])})")


_COORD_STYLE = {("l1", 0): "-", ("l1", 1): "--", ("l2", 0): "-", ("l2", 1): "--"}


def _setup_coordinates(sub: SubFigure) -> dict[str, Any]:
    """The minimizer's coordinates against λ/λ₀ (a log axis, the same for every function);
    λ/λ₀ itself is the cursor."""
    ax = sub.subplots(gridspec_kw={"left": 0.15, "right": 0.97, "bottom": 0.15, "top": 0.9})
    rel = np.asarray(LANDSCAPE_PATH_RATIOS)
    lines = {}
    for (pen, j), ls in _COORD_STYLE.items():
        (lines[pen, j],) = ax.plot([], [], ls, color=PENALTY_COLORS[pen], lw=1.5,
                                   label=PENALTY_LABELS[pen] if j == 0 else None)
    ax.axhline(0.0, color="0.5", lw=0.7)
    ax.set_xscale("log")
    ax.set(xlabel="λ / λ₀", ylabel="minimizer: w₁ solid, w₂ dashed", xlim=(rel[0], rel[-1]),
           xticks=[0.01, 0.1, 1.0, 10.0], xticklabels=["0.01", "0.1", "1", "10"])
    ax.xaxis.set_minor_locator(NullLocator())
    ax.yaxis.set_major_locator(MaxNLocator(5))
    ax.grid(alpha=0.3)
    cursor = add_cursor(ax, "rel_lam", color="0.25", lw=1.2, ls=":")
    title = ax.set_title(" ", y=1.0)
    legend = ax.legend(loc="upper right", frameon=True, framealpha=0.9)
    # the axes and the legend change with the function only (the title names it): drawn once per function
    for axis in (ax.xaxis, ax.yaxis):
        cache_raster(axis)
    cache_raster(legend, key=lambda: (title.get_text(), legend._loc))
    return {"ax": ax, "lines": lines, "cursor": cursor, "title": title, "legend": legend}


_CORNERS = {"upper right": (1, 1), "lower right": (1, 0), "upper left": (0, 1), "lower left": (0, 0)}


def _free_corner(x: np.ndarray, y: np.ndarray) -> str:
    """The corner of the unit square with the fewest of the points ``(x, y)`` (axes
    fractions) in its third: where the legend hides the least of the curves. Decided by the
    curves alone, not by the cursor, so the panel depends on the function only."""
    counts = {loc: int(np.sum(((x > 0.6) if cx else (x < 0.4)) & ((y > 0.65) if cy else (y < 0.35))))
              for loc, (cx, cy) in _CORNERS.items()}
    return min(counts, key=counts.get)


def _update_coordinates(st: dict[str, Any], data: dict[str, Any], rel_lam: float) -> None:
    ax, land = st["ax"], data["land"]
    rel = np.asarray(LANDSCAPE_PATH_RATIOS)
    for (pen, j), line in st["lines"].items():
        line.set_data(rel, data[pen]["path"][:, j])
    ys = np.concatenate([data[pen]["path"].ravel() for pen in _PENALTIES] + [[0.0]])
    lo, hi = float(ys.min()), float(ys.max())
    # at least a twentieth of the box: paths that stay at 0 (Matyas, Rastrigin) get a readable axis
    span = max(hi - lo, 0.05 * float(np.ptp(land.domain[0])))
    mid = 0.5 * (lo + hi)
    y0, y1 = min(lo, mid - span / 2) - 0.06 * span, max(hi, mid + span / 2) + 0.06 * span
    ax.set_ylim(y0, y1)
    xs = np.log10(rel / rel[0]) / np.log10(rel[-1] / rel[0])
    fine = np.linspace(0.0, 1.0, 200)  # the curves between the path's points, too
    ys = [np.interp(fine, xs, (data[pen]["path"][:, j] - y0) / (y1 - y0)) for pen in _PENALTIES for j in range(2)]
    st["legend"].set_loc(_free_corner(np.tile(fine, len(ys)), np.concatenate(ys)))
    st["cursor"].set_xdata([rel_lam, rel_lam])
    st["title"].set_text(f"{_short_title(land)}, λ₀ = {land.lam0:.3g}")


def _contour_alt(pen: str, view: str, overlays: bool) -> str:
    """The alt text template of a penalty's panel (over the controls ``function`` and ``rel_lam``)."""
    what = f"f plus the {PENALTY_LABELS[pen]} penalty" if view == "penalized" else "f alone"
    ball = "diamond" if pen == "l1" else "circle"
    text = (f"Filled contours of the {{function}} function, {what}, at lambda over lambda-zero {{rel_lam}}, darker "
            f"toward the minimum, with the minimizer of f (a cross) and of f plus the {PENALTY_LABELS[pen]} penalty "
            f"(a {'dot' if pen == 'l1' else 'square'})")
    if view == "constrained":
        text += f", the {PENALTY_LABELS[pen]} {ball} through that minimizer filled, and the level set of f through it"
    if overlays:
        text += f"; the path of the minimizer as lambda grows and the {ball} through it are drawn over them"
    return text + "."


@register_figure
def landscape_explorer(lands: Sequence[Landscape | str] = LANDSCAPES, *, view: str = "penalized",
                       overlays: bool = True, coordinates: bool = True, alts: Mapping[str, str] | None = None,
                       name: str = "fig-landscape-explorer") -> Explorable:
    """The chapter's interactive figure ({ref}`chap-landscapes`): pick the function and λ/λ₀.

    One panel per penalty, side by side at the same λ = (λ/λ₀)·λ₀: the filled bands of
    f + P (``view="penalized"``) or of f alone (``view="constrained"``, with the ball of the
    minimizer's own norm filled and the level set of f through the minimizer), the minimizer
    of f (cross) and of f + P (dot, square); with ``overlays`` the path of the minimizer as λ
    grows and the L1 diamond or L2 circle through it (dashed). With ``coordinates``, a third
    panel plots both minimizers' coordinates against λ/λ₀, λ/λ₀ drawn as a cursor. The
    slider's 19 positions are the path's λ/λ₀, so every frame shows a point of the path.
    ``alts`` replaces the alt text of the panels it names (``"l1"``, ``"l2"``, ``"coords"``).
    """
    v.choice(view, "view", ("penalized", "constrained"))
    lands = tuple(lands)
    if not lands:
        raise ValueError("lands must name at least one landscape")
    options = {}
    for item in lands:
        land = as_landscape(item)
        options[_short_title(land)] = item
    path = overlays or coordinates

    def compute(function: Landscape | str, rel_lam: float) -> dict[str, Any]:
        return _data(function, float(rel_lam), view, path)

    def setup(fig: Figure, l1: SubFigure, l2: SubFigure, coords: SubFigure | None = None) -> dict[str, Any]:
        fig.set_layout_engine("none")  # fixed margins: the tick labels change with the function
        st = {"l1": _setup_contours(l1, "l1", view), "l2": _setup_contours(l2, "l2", view)}
        if coords is not None:
            st["coords"] = _setup_coordinates(coords)
        return st

    def update(st: dict[str, Any], data: dict[str, Any], function: Landscape | str, rel_lam: float) -> None:
        for pen in _PENALTIES:
            _update_contours(st[pen], data, view, overlays)
        if "coords" in st:
            _update_coordinates(st["coords"], data, rel_lam)

    alts = dict(alts or {})
    panels = [Panel(pen, 3.5, alts.pop(pen, _contour_alt(pen, view, overlays)), depends=("function", "rel_lam"))
              for pen in _PENALTIES]
    if coordinates:
        panels.append(Panel("coords", 4.4, alts.pop("coords", (
            "The two coordinates of the L1 and of the L2 minimizer of the {function} function against lambda over "
            "lambda-zero on a log axis, with a vertical line at {rel_lam}.")), depends=("function",), cursor="rel_lam"))
    if alts:
        raise ValueError(f"alts names panels this figure does not have: {sorted(alts)}")
    rel = LANDSCAPE_PATH_RATIOS
    return Explorable(
        update,
        [Choice("function", options, label="function"),
         Slider("rel_lam", rel[0], rel[-1], grid=list(rel), kind="strength", log=True, label="λ / λ₀",
                default=rel[11], fmt="{:.3g}")],  # 0.681: least squares' L1 minimizer has w₂ = 0
        setup=setup, compute=compute, panels=panels, figsize=(7.0, 3.3), name=name,
        caption=_explorer_caption(view, overlays, coordinates))


def _explorer_caption(view: str, overlays: bool, coordinates: bool) -> str:
    what = "bands of f + P" if view == "penalized" else "bands of f alone, the ball of the minimizer's own norm filled"
    text = (f"A landscape f with the L1 penalty and with the L2 penalty at the same λ: {what}, darker toward the "
            f"minimum, the minimizer of f (cross) and of f + P (dot for L1, square for L2)")
    if overlays:
        text += ", its path as λ grows (solid) and the L1 diamond or L2 circle through it (dashed), the constraint it solves"
    text += "."
    if coordinates:
        text += (" The coordinates panel plots both minimizers' coordinates against λ/λ₀, the vertical line at the "
                 "slider's λ")
    return text + ("; λ₀ is the function's reference strength ‖∇f(0)‖∞ (λ_max for least squares, 1 where "
                   "∇f(0) = 0).")


def _fixed(land: Landscape | str, lam: float) -> tuple[Landscape | str, Landscape, float, float]:
    """``(control value, landscape, λ, λ/λ₀)`` of a landscape and a λ, checked."""
    found = as_landscape(land)
    lam = v.nonneg(lam, "lam")
    if not found.lam0 > 0:
        raise ValueError(f"the landscape's λ₀ must be positive to place λ on the slider; got {found.lam0!r}")
    return land, found, lam, lam / found.lam0


def _where(w: np.ndarray) -> str:
    """Where a minimizer lies, in words, for alt text."""
    at = f"({_number(w[0])}, {_number(w[1])})"
    if w[0] == 0.0 and w[1] == 0.0:
        return f"{at}, the origin"
    if w[0] == 0.0 or w[1] == 0.0:
        return f"{at}, on the w{2 if w[0] == 0.0 else 1} axis"
    return f"{at}, off both axes"


def plot_penalized_contours(land: Landscape | str, lam: float) -> Explorable:
    """The source article's figure: bands of f + λ‖w‖₁ and of f + λ‖w‖², the minimizer of f
    (cross) and of each penalized cost. A fixed view of :func:`landscape_explorer`. See
    {ref}`chap-landscapes`."""
    value, found, lam, rel = _fixed(land, lam)
    title = _short_title(found)
    mins = {pen: penalized_minimum(found, pen, rel * found.lam0).w for pen in _PENALTIES}
    shape = {"l1": ", with corners where they cross the axes", "l2": ""}
    mark = {"l1": "a dot", "l2": "a square"}
    alts = {pen: (f"Bands of the {title} function plus an {PENALTY_LABELS[pen]} penalty over its box in the w1-w2 plane, "
                  f"darker toward the minimum{shape[pen]}; the penalized minimizer ({mark[pen]}) is at "
                  f"{_where(mins[pen])}, nearer the origin than the unregularized minimizer (a cross).")
            for pen in _PENALTIES}
    return landscape_explorer((value,), view="penalized", overlays=False, coordinates=False, alts=alts).at(
        function=value, rel_lam=rel, name="fig-penalized-contours", caption=(
            f"The {title} loss plus an L1 penalty and plus an L2 penalty with the same λ = {lam:.3g}, drawn as "
            f"bands, darker toward the minimum. The cross marks the unregularized minimizer; the dot and the "
            f"square the minimizers of the penalized costs, their coordinates in each panel's title. The L1 "
            f"bands have corners on the axes (white lines), where a minimizer can sit with a coordinate exactly "
            f"0; the L2 penalty adds a round bowl, and its minimizer has no reason to lie on an axis."))


def plot_constrained_view(land: Landscape | str, lam: float) -> Explorable:
    """The same minimizers as the solutions of a constrained problem: bands of f alone, the
    L1 diamond and the L2 disc of each minimizer's own norm, and the level set of f through
    it (vermillion), which touches the ball there. A fixed view of :func:`landscape_explorer`.
    See {ref}`chap-landscapes`."""
    value, found, lam, rel = _fixed(land, lam)
    mins = {pen: penalized_minimum(found, pen, rel * found.lam0).w for pen in _PENALTIES}
    ball = {"l1": "diamond", "l2": "disc"}
    alts = {pen: (f"Bands of the {_short_title(found)} function alone around its minimum (a cross), and a "
                  f"{'blue' if pen == 'l1' else 'green'} {ball[pen]} centred at the origin through the "
                  f"{PENALTY_LABELS[pen]} minimizer at {_where(mins[pen])}; the level set of f through that point, "
                  f"drawn in vermillion, touches the {ball[pen]} there.") for pen in _PENALTIES}
    return landscape_explorer((value,), view="constrained", overlays=False, coordinates=False, alts=alts).at(
        function=value, rel_lam=rel, name="fig-constrained-view", caption=(
            f"The constrained view of the same two minimizers (λ = {lam:.3g}). Bands: the loss alone. In the "
            f"L1 panel, the diamond whose size is the L1 norm of the L1 minimizer; in the L2 panel, the disc "
            f"through the L2 minimizer. The level set of the loss through each minimizer (vermillion) touches "
            f"its ball there: {_contact('l1', mins['l1'])}, and {_contact('l2', mins['l2'])}."))


def _contact(pen: str, w: np.ndarray) -> str:
    """Where the level set of f touches the ball through ``w``, in words, for a caption."""
    ball = "the diamond" if pen == "l1" else "the disc"
    if w[0] == 0.0 and w[1] == 0.0:
        return f"{ball} has shrunk to the origin"
    if w[0] == 0.0 or w[1] == 0.0:
        where = "corner" if pen == "l1" else "point"
        return f"at {ball}'s {where} on the w{'₂' if w[0] == 0.0 else '₁'} axis"
    return (f"on an edge of {ball}, off both axes" if pen == "l1" else
            f"at a tangent point of {ball} where both coordinates are non-zero")


# ---------------------------------------------------------------------- the gallery
def plot_landscape_gallery(rel_lam: float = 1.0, names: Sequence[str] = LANDSCAPES[1:]) -> Explorable:
    """Small multiples of the test functions, four to a panel (two by two): bands of f and
    the minimizers of f (cross), f + L1 (dot) and f + L2 (square) at λ = rel_lam·λ₀ of each
    function. See {ref}`chap-landscapes`."""
    rel_lam = v.nonneg(rel_lam, "rel_lam")
    names = tuple(names)
    if not names:
        raise ValueError("names must hold at least one landscape")
    lands = [landscape(n) for n in names]
    mins = {(land.name, pen): penalized_minimum(land, pen, rel_lam * land.lam0 if pen != "none" else 0.0)
            for land in lands for pen in ("none", "l1", "l2")}
    groups = [lands[i:i + 4] for i in range(0, len(lands), 4)]

    def draw_one(ax: Axes, land: Landscape) -> None:
        _band_collection(ax).set_paths(list(_band_paths(land, "none", 0.0, land.min_value)))
        ax.axhline(0.0, color="white", lw=0.7, zorder=1)
        ax.axvline(0.0, color="white", lw=0.7, zorder=1)
        for pen in ("none", "l1", "l2"):
            w = mins[land.name, pen].w
            style = (_FREE_STYLE | {"ms": 8}) if pen == "none" else {
                "color": PENALTY_COLORS[pen], "ms": 7, "mec": "white", "mew": 0.8, "zorder": 7, "ls": "none"}
            ax.plot([w[0]], [w[1]], _MARK[pen], **style)
        (a, b), (c, d) = land.domain
        ax.set(xlim=(a, b), ylim=(c, d), aspect="equal", xticks=[], yticks=[])
        ax.set_title(f"{land.title}\nλ₀ = {land.lam0:.3g}", fontsize=9.0, linespacing=1.15)

    def draw(fig: Figure, **subs: SubFigure) -> None:
        fig.set_layout_engine("none")
        for k, group in enumerate(groups):
            axes = subs[f"group{k + 1}"].subplots(2, 2, gridspec_kw={"left": 0.03, "right": 0.97, "bottom": 0.02,
                                                                     "top": 0.9, "hspace": 0.42, "wspace": 0.1})
            for ax, land in zip(axes.ravel(), group):
                draw_one(ax, land)
            for ax in axes.ravel()[len(group):]:
                ax.set_axis_off()

    def alt(group: list[Landscape]) -> str:
        parts = [f"{land.title}, the L1 minimizer at {_where(mins[land.name, 'l1'].w)} and the L2 minimizer at "
                 f"{_where(mins[land.name, 'l2'].w)}" for land in group]
        return ("Filled contours of " + ", ".join(land.title for land in group) + " on their boxes, each with its "
                "minimizer (a cross) and those of f plus L1 (a dot) and f plus L2 (a square): " + "; ".join(parts)
                + ".")

    panels = [Panel(f"group{k + 1}", 3.5, alt(group)) for k, group in enumerate(groups)]
    return Explorable.plot(
        draw, panels=panels, figsize=(3.5 * len(groups), 4.4), name="fig-test-functions",
        caption=(f"The AI Notes' test functions on their usual boxes (bands of f, darker toward the minimum), "
                 f"with the minimizer of f (cross), of f + λ‖w‖₁ (blue dot) and of f + λ‖w‖² (green square), at "
                 f"λ = {rel_lam:g}·λ₀ for each function. Under L1 several minimizers lie exactly on an axis (the "
                 f"white lines); under L2 none does, except where f itself is minimized at the origin (Matyas, "
                 f"Rastrigin), where all three markers coincide."))


# ------------------------------------------------------------------------ the paths
def _spread(ys: np.ndarray, gap: float) -> np.ndarray:
    """Label heights as close to ``ys`` as they can be with at least ``gap`` between two
    neighbours: labels that would overlap are merged into a cluster, spaced by ``gap`` and
    centred on the mean of their targets, until no two clusters overlap."""
    order = np.argsort(ys, kind="stable")
    target = np.asarray(ys, float)[order]
    clusters = [[i] for i in range(len(target))]

    def place(c: list[int]) -> np.ndarray:
        return target[c].mean() + gap * (np.arange(len(c)) - (len(c) - 1) / 2)

    merged = True
    while merged:
        merged = False
        for k in range(len(clusters) - 1):
            if place(clusters[k])[-1] + gap > place(clusters[k + 1])[0] + 1e-12:
                clusters[k:k + 2] = [clusters[k] + clusters[k + 1]]
                merged = True
                break
    out = np.empty(len(target))
    out[order] = np.concatenate([place(c) for c in clusters])
    return out


def plot_lasso_ridge_paths(paths: LassoRidgePaths) -> Explorable:
    """Every coordinate of the L1 and of the L2 minimizer against λ (log axis), one panel per
    penalty: the L1 panel marks the knots of the exact path, where a coordinate leaves or
    enters 0; the L2 panel marks with a dot each λ at which a coordinate is 0, a single
    point where it changes sign. See {ref}`chap-landscapes`."""
    v.instance(paths, "paths", LassoRidgePaths)
    lams = paths.lams
    ys = np.concatenate([paths.l1.ravel(), paths.l2.ravel(), [0.0]])
    pad = 0.05 * (ys.max() - ys.min())
    ylim = (float(ys.min() - pad), float(ys.max() + pad))
    styles = ["-", "--", ":", "-."]

    def panel(sub: SubFigure, pen: str) -> None:
        ax = sub.subplots(gridspec_kw={"left": 0.17, "right": 0.97, "bottom": 0.15, "top": 0.9})
        W = paths.l1 if pen == "l1" else paths.l2
        color = PENALTY_COLORS[pen]
        for j in range(W.shape[1]):
            ax.plot(lams, W[:, j], styles[j % 4], color=color, lw=1.3)
        if pen == "l1":
            for k in paths.knots:
                ax.axvline(k, color="0.65", lw=0.7, ls=":", zorder=0)
        else:
            z = paths.zeros
            ax.plot(z, np.zeros_like(z), "o", ms=6, color="black", mfc="white", mew=1.1, zorder=5,
                    label="a coordinate is 0")
            ax.legend(loc="lower right", framealpha=0.9)
        ax.axhline(0.0, color="0.4", lw=0.6)
        ax.set_xscale("log")
        x0 = lams[0] / 4.0
        ax.set(xlabel="λ", ylabel="coefficient $w_j$", xlim=(x0, lams[-1]), ylim=ylim,
               title=f"{PENALTY_LABELS[pen]} path")
        # the inputs' names at the left end of their curves, spread so that none overlap
        height = sub.bbox.height * 0.75 / sub.dpi * 72.0  # points, the axes' share of the panel
        gap = 1.15 * 9.0 * (ylim[1] - ylim[0]) / height
        for name, yl in zip(paths.names, _spread(W[0], gap)):
            ax.text(lams[0] / 1.12, yl, name, ha="right", va="center", fontsize=9.0, color="0.2")

    def draw(fig: Figure, l1: SubFigure, l2: SubFigure) -> None:
        fig.set_layout_engine("none")
        panel(l1, "l1")
        panel(l2, "l2")

    n = len(paths.names)
    return Explorable.plot(
        draw, figsize=(7.0, 3.6), name="fig-paths",
        panels=[Panel("l1", 3.5, f"The L1 path: {n} blue curves of coefficient against lambda on a log scale, "
                                 "made of straight segments, reach the zero line one after another as lambda "
                                 "increases, with vertical dotted lines at the breakpoints."),
                Panel("l2", 3.5, f"The L2 path: {n} green curves bend smoothly toward zero as lambda increases; a "
                                 "few cross the zero line, each crossing marked with a dot.")],
        caption=(f"Regularization paths of the {n} standardized diabetes inputs, λ on a log axis. L1 path: every "
                 "coefficient is piecewise linear in λ and exactly 0 above its own value of λ; dotted lines mark "
                 "the knots where a coefficient enters or leaves. L2 path: the coefficients shrink smoothly; one is "
                 "0 only at an isolated λ where it changes sign (dots), never over an interval."))
