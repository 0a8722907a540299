"""The introduction's figures ({ref}`chap-intro`): the capacity and the training-time curves."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure, SubFigure

from .. import _validate as v
from ..explorable import Explorable, Panel
from ..generalization import CapacityCurve, TrainingCurve
from .style import COLORS

__all__ = ["plot_capacity", "plot_training_curve"]


def plot_capacity(curve: CapacityCurve) -> Explorable:
    """Training and test error against hidden width (a :class:`initreg.CapacityCurve`)."""
    v.instance(curve, "curve", CapacityCurve)

    def draw(fig: Figure) -> None:
        ax = fig.subplots()
        ax.plot(curve.widths, curve.train_error, "o-", color=COLORS["blue"], label="training error")
        ax.plot(curve.widths, curve.test_error, "s--", color=COLORS["vermillion"], label="test error")
        ax.set_xscale("log", base=2)
        ax.set(xlabel="hidden width $n^{[1]}$", ylabel="error (1 − accuracy)", ylim=(-0.02, 1.0))
        ax.legend(frameon=False)
        ax.grid(alpha=0.3)

    return Explorable.plot(
        draw, figsize=(4.5, 3.2), name="fig-capacity",
        caption=(f"Training and test error of one-hidden-layer tanh networks of growing width, trained on "
                 f"the small training set. Narrow networks underfit (both errors high); wide ones fit the "
                 f"training set exactly while the test error stays far above it."),
        alt=("Two curves against hidden width on a log axis: the training error falls to zero as the network "
             "widens, while the test error falls less and levels off well above zero."))


def plot_training_curve(curve: TrainingCurve) -> Explorable:
    """A :class:`initreg.TrainingCurve`: the training and test loss (left panel) and accuracy
    (right panel) against epochs on a log scale, from the first record after epoch 0, the
    epoch of the lowest test loss dashed in both. Linear loss and accuracy axes, so that the
    rise of the test loss and the level of the test accuracy read directly."""
    v.instance(curve, "curve", TrainingCurve)
    epoch = np.asarray(curve.history.epoch)
    keep = epoch > 0
    best = epoch[curve.best_index]

    def panel(sub: SubFigure, train_key: str, test_key: str, ylabel: str, title: str,
              ylim: tuple[float, float]) -> None:
        ax = sub.subplots()
        ax.plot(epoch[keep], curve.series(train_key)[keep], color=COLORS["blue"], label=f"training {title}")
        ax.plot(epoch[keep], curve.series(test_key)[keep], color=COLORS["vermillion"], label=f"test {title}")
        ax.axvline(best, color="0.4", ls="--", lw=1, label="lowest test loss")
        ax.set_xscale("log")
        ax.set(xlabel="epoch", ylabel=ylabel, title=title, ylim=ylim)
        ax.legend(frameon=False)
        ax.grid(alpha=0.3)

    def draw(fig: Figure, loss: SubFigure, accuracy: SubFigure) -> None:
        test_acc = curve.series("test_accuracy")[keep]
        panel(loss, "loss", "test_loss", "cross-entropy", "loss",
              (0.0, 1.05 * float(curve.series("test_loss")[keep].max())))
        panel(accuracy, "accuracy", "test_accuracy", "accuracy", "accuracy",
              (max(0.0, float(test_acc.min()) - 0.05), 1.01))

    return Explorable.plot(
        draw, figsize=(7.0, 3.2), name="fig-training-curve",
        panels=[Panel("loss", 3.5, "The training loss falls toward zero; the test loss falls to a minimum at the "
                      "dashed line, early in training, and then rises slowly."),
                Panel("accuracy", 3.5, "The training accuracy reaches one early; the test accuracy climbs until "
                      "the dashed line and then creeps up a little more, never falling.")],
        caption=("A [64, 128, 10] tanh network trained on the small training set, against the epoch on a log "
                 "scale. The loss panel: the training and test cross-entropy; the test loss is lowest at the "
                 "dashed line and rises after it. The accuracy panel: the training and test accuracy; the test "
                 "accuracy does not fall after the dashed line."))
