"""The introduction's figures ({ref}`chap-intro`): the capacity and the training-time curves."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from .style import COLORS, new_figure, plot_history

__all__ = ["plot_capacity", "plot_training_curve"]


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
