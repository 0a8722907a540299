"""The figures' shared style: one colour per idea, colour-blind safe, and common drawings.

Colours come from the Okabe–Ito palette, which stays distinguishable under the
common colour-vision deficiencies. Each idea keeps its colour throughout the book:
no penalty / L1 / L2, and the four initializations (zero, too small, appropriate,
too large). See {ref}`notation`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

__all__ = [
    "CLASS_COLORS",
    "COLORS",
    "PENALTY_COLORS",
    "INIT_COLORS",
    "new_figure",
    "plot_history",
    "plot_decision_boundary",
    "decade_label",
]

#: The Okabe–Ito palette.
COLORS: dict[str, str] = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky blue": "#56B4E9",
    "bluish green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish purple": "#CC79A7",
}

#: No penalty in vermillion ("red", as in the source article), L1 in blue, L2 in bluish green.
PENALTY_COLORS: dict[str, str] = {
    "none": COLORS["vermillion"],
    "l1": COLORS["blue"],
    "l2": COLORS["bluish green"],
}

#: The four initializations of Part I, by role; each scheme maps to a role's colour.
INIT_COLORS: dict[str, str] = {
    "zero": COLORS["black"],
    "too small": COLORS["sky blue"],
    "appropriate": COLORS["orange"],
    "too large": COLORS["reddish purple"],
    # scheme names, by the role they play in the book
    "zeros": COLORS["black"],
    "constant": COLORS["black"],
    "standard": COLORS["sky blue"],
    "uniform": COLORS["sky blue"],
    "xavier": COLORS["orange"],
    "glorot_normal": COLORS["orange"],
    "glorot_uniform": COLORS["orange"],
    "normal": COLORS["reddish purple"],
    "he_normal": COLORS["bluish green"],
    "he_uniform": COLORS["bluish green"],
}

#: Class colours for the two-class toy sets.
CLASS_COLORS: tuple[str, str] = (COLORS["vermillion"], COLORS["blue"])


def new_figure(width: float = 8.0, height: float = 3.0, *, ncols: int = 1, nrows: int = 1,
               **subplot_kw: object) -> tuple[Figure, np.ndarray]:
    """A figure outside pyplot's global state, with a grid of axes (always a 2-D array)."""
    fig = Figure(figsize=(width, height), layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=False, **subplot_kw)
    return fig, axes


def plot_history(ax: Axes, history: object, *, key: str = "loss", label: str | None = None,
                 color: str | None = None, x: str = "step", **kw: object) -> None:
    """Plot one recorded series of a :class:`initreg.History` against steps or epochs."""
    xs = np.asarray(getattr(history, x))
    ys = np.asarray(getattr(history, key))
    if ys.size:
        ax.plot(xs, ys, label=label, color=color, **kw)
    if getattr(history, "diverged_at", None) is not None:
        ax.axvline(xs[-1] if xs.size else 0, color=color or "k", ls=":", lw=1)


def plot_decision_boundary(ax: Axes, predict_proba: object, X: np.ndarray, y: np.ndarray, *,
                           resolution: int = 120, lim: float = 1.0,
                           levels: Sequence[float] = (0.5,)) -> None:
    """Shade P(y = 1) of a two-class model over [-lim, lim]², draw its 0.5 contour and the points."""
    g = np.linspace(-lim, lim, resolution)
    gx, gy = np.meshgrid(g, g)
    p = np.asarray(predict_proba(np.c_[gx.ravel(), gy.ravel()])).reshape(gx.shape)
    ax.contourf(gx, gy, p, levels=np.linspace(0, 1, 11), cmap="RdBu", vmin=0, vmax=1, alpha=0.55)
    if p.min() < levels[0] < p.max():
        ax.contour(gx, gy, p, levels=list(levels), colors="k", linewidths=1.2)
    for c, col, mk in ((0, CLASS_COLORS[0], "o"), (1, CLASS_COLORS[1], "s")):
        sel = y == c
        ax.scatter(X[sel, 0], X[sel, 1], s=9, c=col, marker=mk, edgecolors="white", linewidths=0.3,
                   label=f"class {c}")
    ax.set(xlim=(-lim, lim), ylim=(-lim, lim), aspect="equal", xticks=[], yticks=[])


def decade_label(y: float, _pos: object = None) -> str:
    """A log axis's tick as plain text, cheaper to draw than mathtext: 1, 10, 100, 0.1, 0.01,
    0.001, else 1e5, 1e-8; a tick between decades as two digits. For
    ``matplotlib.ticker.FuncFormatter``."""
    if y <= 0 or not np.isfinite(y):
        return ""
    e = int(round(np.log10(y)))
    if abs(np.log10(y) - e) > 1e-6:
        return f"{y:.2g}"
    return {0: "1", 1: "10", 2: "100", -1: "0.1", -2: "0.01", -3: "0.001"}.get(e, f"1e{e}")
