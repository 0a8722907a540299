"""Plotting conventions shared by every chapter: one colour per idea, colour-blind safe.

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
    "COLORS",
    "PENALTY_COLORS",
    "INIT_COLORS",
    "new_figure",
    "plot_history",
    "plot_decision_boundary",
    "plot_capacity",
    "plot_training_curve",
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


def plot_capacity(curve: object) -> Figure:
    """Training and test error against hidden width (a :class:`initreg.CapacityCurve`)."""
    fig, axes = new_figure(6.0, 3.2)
    ax = axes[0, 0]
    ax.plot(curve.widths, curve.train_error, "o-", color=COLORS["blue"], label="training error")
    ax.plot(curve.widths, curve.test_error, "s--", color=COLORS["vermillion"], label="test error")
    ax.set_xscale("log", base=2)
    ax.set(xlabel="hidden width $n^{[1]}$", ylabel="error (1 − accuracy)", ylim=(-0.02, 1.0))
    ax.legend(frameon=False)
    ax.grid(alpha=0.3)
    return fig


def plot_training_curve(curve: object) -> Figure:
    """A :class:`initreg.TrainingCurve`: the training and test loss (left) and accuracy
    (right) against epochs on a log scale, from the first record after epoch 0, with the
    epoch of the lowest test loss marked in both. The loss and accuracy axes are linear,
    so that the rise of the test loss and the level of the test accuracy read directly."""
    fig, axes = new_figure(8.0, 3.2, ncols=2)
    h = curve.history
    epoch = np.asarray(h.epoch)
    keep = epoch > 0
    best = epoch[curve.best_index]
    panels = (("loss", "test_loss", "cross-entropy", "loss"),
              ("accuracy", "test_accuracy", "accuracy", "accuracy"))
    for ax, (train_key, test_key, ylabel, title) in zip(axes[0], panels):
        ax.plot(epoch[keep], curve.series(train_key)[keep], color=COLORS["blue"], label=f"training {title}")
        ax.plot(epoch[keep], curve.series(test_key)[keep], color=COLORS["vermillion"], label=f"test {title}")
        ax.axvline(best, color="0.4", ls="--", lw=1, label="lowest test loss")
        ax.set_xscale("log")
        ax.set(xlabel="epoch", ylabel=ylabel, title=title)
        ax.legend(frameon=False, fontsize="small")
        ax.grid(alpha=0.3)
    test_acc = curve.series("test_accuracy")[keep]
    axes[0, 0].set_ylim(0.0, 1.05 * float(curve.series("test_loss")[keep].max()))
    axes[0, 1].set_ylim(max(0.0, float(test_acc.min()) - 0.05), 1.01)
    return fig


class _TextTable:
    """Rows of strings shown as an HTML table in a notebook and as aligned text elsewhere
    (columns left-aligned, or right-aligned for numbers)."""

    def __init__(self, header: Sequence[str], rows: Sequence[Sequence[str]], *, align: str = "left") -> None:
        if align not in ("left", "right"):
            raise ValueError(f"align must be one of left, right; got {align!r}")
        self.header = tuple(header)
        self.rows = [tuple(r) for r in rows]
        self.align = align

    def _repr_html_(self) -> str:
        import html

        pad = 'style="padding:0.1em 0.7em"'
        head = "".join(f"<th {pad}>{html.escape(h)}</th>" for h in self.header)
        body = "".join("<tr>" + "".join(f"<td {pad}>{html.escape(c)}</td>" for c in r) + "</tr>" for r in self.rows)
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"

    def _line(self, row: Sequence[str], widths: Sequence[int]) -> str:
        if self.align == "right":
            return "  ".join(c.rjust(w) for c, w in zip(row, widths))
        return "  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip()

    def __repr__(self) -> str:
        cols = list(zip(self.header, *self.rows))
        widths = [max(len(c) for c in col) for col in cols]
        return "\n".join([self._line(self.header, widths), self._line(tuple("-" * w for w in widths), widths)]
                         + [self._line(r, widths) for r in self.rows])

