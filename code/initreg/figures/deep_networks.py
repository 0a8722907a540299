"""The deep-networks chapter's figures ({ref}`chap-deep`): the papers' networks layer by
layer, the AI Notes' training, and the initialization playground.

=============================  ==========================================================
:func:`plot_layer_histograms`  one axes: a histogram line per hidden layer (dark to light)
:func:`plot_glorot_bengio`     Glorot and Bengio's figures 6 and 7: activations, gradients
:func:`ai_notes_explorer`      the AI Notes' four starts, epoch by epoch (a time slider)
:func:`plot_he_study`          He et al.'s figure 3: the signal per layer, and training
:func:`deep_init_playground`   every layer of a deep network for an activation and k
=============================  ==========================================================

Everything shown is computed by :mod:`initreg.deep`; here it is only drawn.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from types import SimpleNamespace

import matplotlib
import numpy as np
from matplotlib import ticker
from matplotlib.axes import Axes
from matplotlib.figure import Figure, SubFigure

from .. import _validate as v
from ..deep import (AI_NOTES_INITS, PLAYGROUND_DEPTH, PLAYGROUND_KS, HeStudy, InitStudy, ai_notes_study,
                    deep_playground_stats)
from ..diagnostics import LayerStats
from ..explorable import (MIN_POSITIONS, Choice, Explorable, Panel, Slider, add_cursor, cache_raster,
                          register_figure)
from .style import COLORS, INIT_COLORS, decade_label

__all__ = ["plot_layer_histograms", "plot_glorot_bengio", "ai_notes_explorer", "plot_he_study",
           "deep_init_playground"]


# ----------------------------------------------------------------- shared drawing
def _decade_ticks(ax: Axes, lo: float, hi: float) -> None:
    """Set the y limits of a log axis made by :func:`_log_y`, with at most six decade ticks."""
    ax.set_ylim(lo, hi)
    span = max(1, int(np.ceil(np.log10(hi) - np.floor(np.log10(lo)))))
    step = max(1, int(np.ceil(span / 5)))
    decades = np.arange(np.floor(np.log10(lo)), np.ceil(np.log10(hi)) + 1, step)
    ax.yaxis.set_major_locator(ticker.FixedLocator(10.0 ** decades))


def _log_y(ax: Axes, lo: float, hi: float) -> None:
    """A logarithmic y axis with plain decade labels and no minor ticks."""
    ax.set_yscale("log")
    ax.yaxis.set_minor_locator(ticker.NullLocator())
    ax.yaxis.set_major_formatter(ticker.FuncFormatter(decade_label))
    _decade_ticks(ax, lo, hi)


def _layer_colors(n: int) -> np.ndarray:
    """Dark (first layer) to light (last layer), as in Glorot and Bengio's figures."""
    return matplotlib.colormaps["viridis"](np.linspace(0.0, 0.85, max(n, 1)))


def _layer_histograms(stats: LayerStats, kind: str, bins: int, limits: tuple[float, float] | None,
                      layers: Sequence[int] | None) -> tuple[tuple[float, float], np.ndarray, dict[int, np.ndarray]]:
    """What :func:`plot_layer_histograms` draws: the range, the bin centres and, per layer,
    the fraction of its values in each of ``bins`` equal bins."""
    v.instance(stats, "stats", LayerStats)
    data = stats.values(kind)
    bins = v.positive_int(bins, "bins")
    ls = list(stats.layers) if layers is None else [int(l) for l in layers]
    for l in ls:
        if not 1 <= l <= len(data):
            raise ValueError(f"layers must lie in 1..{len(data)}; got {l}")
    if limits is None:
        s = max(float(data[l - 1].std()) for l in ls)
        s = s if s > 0 else 1.0
        hi = 4.0 * s
        if kind == "activations" and all(stats.functions[l - 1] == "tanh" for l in ls):
            hi = min(hi, 1.0)
        limits = (-hi, hi)
        if kind == "activations" and all(stats.functions[l - 1] == "sigmoid" for l in ls):
            limits = (0.0, 1.0)
    edges = np.linspace(limits[0], limits[1], bins + 1)
    fractions = {}
    for l in ls:
        counts, _ = np.histogram(data[l - 1], bins=bins, range=limits)  # numpy's fast path for equal bins
        fractions[l] = counts / data[l - 1].size
    return limits, 0.5 * (edges[1:] + edges[:-1]), fractions


def _draw_layer_histograms(ax: Axes, kind: str, limits: tuple[float, float], centers: np.ndarray,
                           fractions: dict[int, np.ndarray], cmap: str, legend: bool) -> None:
    colors = matplotlib.colormaps[cmap](np.linspace(0.0, 0.85, max(len(fractions), 1)))
    for c, (l, f) in zip(colors, fractions.items()):
        ax.plot(centers, f, color=c, lw=1.3, label=f"layer {l}")
    ax.set_xlim(*limits)
    ax.set_ylim(bottom=0)
    ax.set_ylabel("fraction of values")
    ax.set_xlabel("activation a[l]" if kind == "activations" else "back-propagated gradient ∂ℓ/∂z[l]")
    ax.ticklabel_format(axis="x", style="sci", scilimits=(-2, 3))
    if legend:
        ax.legend(frameon=False, ncol=1 if len(fractions) <= 6 else 2)


def plot_layer_histograms(ax: Axes, stats: LayerStats, kind: str = "activations", *, bins: int = 60,
                          limits: tuple[float, float] | None = None, layers: Sequence[int] | None = None,
                          cmap: str = "viridis", legend: bool = True) -> None:
    """Draw the normalized histogram of a[l] (or ∂ℓ/∂z[l]) of each hidden layer as a line on ``ax``.

    Layers go from dark (layer 1) to light (layer L-1), as in Glorot and Bengio's
    figures 6 and 7. ``limits`` fixes the horizontal range (default: ±4 times the largest
    layer standard deviation, clipped to [-1, 1] for tanh activations, [0, 1] for sigmoid).
    """
    _draw_layer_histograms(ax, kind, *_layer_histograms(stats, kind, bins, limits, layers), cmap, legend)


# ------------------------------------------------------------ Glorot & Bengio, figs 6-7
#: How the chapter names Glorot and Bengio's two initializations.
_GB_NAMES = {"standard": "standard", "glorot_uniform": "normalized"}


def plot_glorot_bengio(study: InitStudy) -> Explorable:
    """Glorot and Bengio's figures 6 (activations) and 7 (back-propagated gradients) at
    initialization: a panel per kind, with one histogram plot per scheme (the paper's rows)
    stacked in it, every layer a line (:func:`plot_layer_histograms`). The gradient plots
    share their horizontal range."""
    if not isinstance(study, InitStudy):
        raise TypeError(f"study must be an InitStudy; got {type(study).__name__}")
    names = list(study.stats)
    gmax = max(float(st.gradient_std.max()) for st in study.stats.values())
    layers = len(study.sizes) - 2
    limits = {"activations": (-1.0, 1.0), "gradients": (-4 * gmax, 4 * gmax)}
    # the histograms once: the static player draws the figure once per panel
    hists = {(n, kind): _layer_histograms(study.stats[n], kind, 80, limits[kind], None)
             for n in names for kind in limits}
    rows = len(names)
    # fixed margins (a row per scheme, each with its title): the layout engine's pass was
    # most of the figure's cost
    margins = dict(left=0.18, right=0.97, bottom=0.5 / (2.3 * rows + 0.3), top=1 - 0.3 / (2.3 * rows + 0.3),
                   hspace=0.45)

    def draw(fig: Figure, activations: SubFigure, gradients: SubFigure) -> None:
        fig.set_layout_engine("none")
        for kind, sub in (("activations", activations), ("gradients", gradients)):
            axes = sub.subplots(rows, 1, squeeze=False, gridspec_kw=margins)[:, 0]
            for i, (n, ax) in enumerate(zip(names, axes)):
                _draw_layer_histograms(ax, kind, *hists[n, kind], "viridis", legend=(i == 0 and kind == "activations"))
                ax.set_title(f"{kind}, {_GB_NAMES.get(n, n)} initialization", color=INIT_COLORS.get(n, "k"))
                if i < rows - 1:
                    ax.set_xlabel("")

    def alt(kind: str, first: str, rest: str) -> str:
        text = (f"{'Activation' if kind == 'activations' else 'Back-propagated gradient'} histograms, one line per "
                f"layer. Under the {_GB_NAMES.get(names[0], names[0])} initialization they {first}")
        others = ", ".join(_GB_NAMES.get(n, n) for n in names[1:])
        return text + (f"; under the {others} one the {layers} layers {rest}." if others else ".")

    return Explorable.plot(
        draw, figsize=(6.8, 2.3 * rows + 0.3), dpi=96, name="fig-deep-glorot",
        panels=[Panel("activations", 3.4, alt("activations", "grow narrower and taller from the first to the last "
                                              "layer", "nearly coincide")),
                Panel("gradients", 3.4, alt("gradients", "are narrowest at the first layer and widest at the last",
                                            "nearly coincide"))],
        caption=(f"Glorot and Bengio's figures 6 and 7, reproduced on the digits: normalized histograms of "
                 f"the activations (their figure 6) and of the back-propagated gradients (figure 7) of the "
                 f"{layers} tanh layers of {study.sizes[1]:,} units at initialization, under the "
                 f"{' and the '.join(_GB_NAMES.get(n, n) for n in names)} initializations, one above the other. "
                 "Dark lines are the first layer, light lines the last."))


# ------------------------------------------------------------------ the AI Notes
#: Short names of the AI Notes' initializations, for legends and panel names.
_AI_SHORT = {"zero": "zero", "uniform U(±1/√n)": "uniform", "Xavier N(0, 1/n)": "Xavier",
             "standard normal N(0, 1)": "N(0, 1)"}
_AI_PANELS = {"zero": "zero", "uniform U(±1/√n)": "uniform", "Xavier N(0, 1/n)": "xavier",
              "standard normal N(0, 1)": "normal"}
_AI_EDGES = np.linspace(-1.0, 1.0, 41)
_AI_FLOOR = 1e-4  # an empty bin, drawn below the log axis


@functools.lru_cache(maxsize=4)
def _ai_notes_frames(seed: int, epochs: int) -> dict[int, dict[str, tuple[list[np.ndarray], float]]]:
    """Per snapshot epoch and initialization: each hidden layer's histogram (fractions of the
    values in the bins of ``_AI_EDGES``) and the test accuracy."""
    runs = ai_notes_study(epochs=epochs, snapshots=tuple(range(epochs + 1)), seed=seed)
    out: dict[int, dict[str, tuple[list[np.ndarray], float]]] = {}
    for e in range(epochs + 1):
        out[e] = {}
        for label, run in runs.items():
            hists = []
            for a in run.at(e).activations:
                counts, _ = np.histogram(np.clip(a, -1.0, 1.0), bins=len(_AI_EDGES) - 1, range=(-1.0, 1.0))
                hists.append(np.maximum(counts / a.size, _AI_FLOOR))
            out[e][label] = (hists, run.accuracy_at(e, test=True))
    return out


@register_figure
def ai_notes_explorer(seed: int = 0, epochs: int = 15) -> Explorable:
    """The AI Notes' visualization, epoch by epoch: a [64, 100, 100, 100, 10] tanh network
    trained on the digits from each of :data:`initreg.AI_NOTES_INITS`
    (:func:`initreg.ai_notes_study` with a snapshot every epoch, cached).

    A panel per initialization shows the histogram of every hidden layer's activations at
    the epoch of the time slider (a line per layer, dark to light) and the test accuracy
    then; a last panel shows the four test-accuracy curves, the epoch marked by a cursor.
    """
    seed = v.nonneg_int(seed, "seed")
    epochs = v.positive_int(epochs, "epochs")
    if epochs + 1 < MIN_POSITIONS:
        raise ValueError(f"epochs must be at least {MIN_POSITIONS - 1}: the epoch slider needs {MIN_POSITIONS} "
                         f"positions, 0 to epochs; got {epochs}")
    runs = ai_notes_study(epochs=epochs, snapshots=tuple(range(epochs + 1)), seed=seed)
    n_layers = len(next(iter(runs.values())).stats[0].activations)
    labels = list(AI_NOTES_INITS)
    colors = _layer_colors(n_layers)

    # fixed margins, the same in every panel, instead of the constrained layout: the static
    # player sets the figure up once per panel, and the layout was a third of that
    margins = dict(left=0.2, right=0.96, bottom=0.17, top=0.88)

    def setup(fig: Figure, **panels: SubFigure) -> SimpleNamespace:
        fig.set_layout_engine("none")
        lines, titles = {}, {}
        for label in labels:
            sub = panels[_AI_PANELS[label]]
            ax = sub.subplots(gridspec_kw=margins)
            lines[label] = [ax.stairs(np.full(len(_AI_EDGES) - 1, _AI_FLOOR), _AI_EDGES, baseline=_AI_FLOOR,
                                      color=c, lw=1.4, label=f"layer {l}")
                            for l, c in enumerate(colors, start=1)]
            _log_y(ax, 1e-3, 5.0)  # the band above 1 holds the keys
            ax.set(xlim=(-1.05, 1.05), xlabel="activation a[l]", ylabel="fraction of values")
            keys = ax.legend(frameon=False, loc="upper center", ncols=n_layers, handlelength=1.0,
                             columnspacing=0.9, handletextpad=0.4)
            titles[label] = ax.set_title(" ", color=INIT_COLORS[AI_NOTES_INITS[label][1]])
            for artist in (ax.xaxis, ax.yaxis, keys):  # the same in every frame: drawn from pixels
                cache_raster(artist, lambda: None)
        ax = panels["accuracy"].subplots(gridspec_kw=margins)
        for label, run in runs.items():
            ax.plot(run.history.epoch, run.history.test_accuracy, color=INIT_COLORS[AI_NOTES_INITS[label][1]],
                    lw=1.6, label=_AI_SHORT[label])
        ax.axhline(0.1, color="0.5", ls=":", lw=1)
        ax.set(xlabel="epoch", ylabel="test accuracy", ylim=(0, 1.02), xlim=(0, epochs),
               title="test accuracy during training")
        ax.xaxis.set_major_locator(ticker.MaxNLocator(6, integer=True))
        ax.grid(alpha=0.3)
        keys = ax.legend(frameon=False, loc="lower right", bbox_to_anchor=(1.0, 0.14))
        for artist in (ax.xaxis, ax.yaxis, keys):
            cache_raster(artist, lambda: None)
        cursor = add_cursor(ax, "epoch")
        return SimpleNamespace(lines=lines, titles=titles, cursor=cursor)

    def compute(epoch: int) -> dict[str, tuple[list[np.ndarray], float]]:
        return _ai_notes_frames(seed, epochs)[int(epoch)]

    def update(state: SimpleNamespace, data: dict[str, tuple[list[np.ndarray], float]], epoch: int) -> None:
        for label in labels:
            hists, acc = data[label]
            for line, h in zip(state.lines[label], hists):
                line.set_data(h)
            state.titles[label].set_text(f"{_AI_SHORT[label]}, epoch {epoch}: test accuracy {acc:.0%}")
        state.cursor.set_xdata([epoch, epoch])

    def alt(label: str) -> str:
        return (f"Histograms of the activations of the {n_layers} tanh layers of the network trained from the "
                f"{label} initialization, after {{epoch}} epochs, on a log scale.")

    hidden = ", ".join(str(a.shape[1]) for a in runs[labels[0]].stats[0].activations)
    return Explorable(
        update,
        # shown at the end of training (the chapter shows the start apart); play starts from 0
        [Slider("epoch", 0, epochs, grid=epochs + 1, integer=True, kind="time", label="epoch", default=epochs)],
        setup=setup, compute=compute, figsize=(6.8, 2.8), dpi=96, name="fig-ai-notes-training",
        panels=[*(Panel(_AI_PANELS[label], 3.4, alt(label), depends=("epoch",)) for label in labels),
                Panel("accuracy", 3.4, "The test accuracy of the four networks against the epoch; a line marks "
                      "epoch {epoch}. Xavier's rises fastest, zero's stays at the chance level.",
                      depends=(), cursor="epoch")],
        caption=(f"A [64, {hidden}, 10] tanh network trained on the digits from four initializations, seed "
                 f"{seed}: a panel per initialization with the histogram of each hidden layer's activations "
                 "(on 200 training digits, log scale; dark: layer 1, light: the last) at the chosen epoch and "
                 "its test accuracy then; the last panel holds the four test-accuracy curves."))


# --------------------------------------------------------------------- He et al., fig 3
_HE_NAMES = {"xavier": "Xavier 1/n", "he_normal": "He 2/n"}


def plot_he_study(study: HeStudy) -> Explorable:
    """He et al.'s figure 3 on the digits, two panels: log₂ of E[a[l]²]/E[x²] per layer (the
    mean of the networks, their range, and the predictions −l for 1/n and 0 for 2/n), and the
    test accuracy against the epoch of every trained network (the first with markers)."""
    if not isinstance(study, HeStudy):
        raise TypeError(f"study must be a HeStudy; got {type(study).__name__}")
    ls = np.arange(1, study.depth + 1)
    predicted = {"xavier": -ls.astype(float), "he_normal": np.zeros(study.depth)}
    n_nets = next(iter(study.log2_ratios.values())).shape[0]

    def draw(fig: Figure, signal: SubFigure, training: SubFigure) -> None:
        ax, bx = signal.subplots(), training.subplots()
        for s, r in study.log2_ratios.items():
            c = INIT_COLORS.get(s, "k")
            lab = _HE_NAMES.get(s, s)
            ax.fill_between(ls, r.min(axis=0), r.max(axis=0), color=c, alpha=0.2, lw=0)
            ax.plot(ls, r.mean(axis=0), "o", ms=3.5, color=c, label=f"{lab}: sampled")
            if s in predicted:
                ax.plot(ls, predicted[s], "-", lw=1, color=c, label=f"{lab}: predicted")
            runs = study.histories[s]
            for i, h in enumerate(runs):  # every trained run, the first one marked
                bx.plot(h.epoch, h.test_accuracy, "o-" if i == 0 else "-", ms=3, lw=1.4 if i == 0 else 0.8,
                        alpha=1.0 if i == 0 else 0.55, color=c,
                        label=(lab if len(runs) == 1 else f"{lab}: {len(runs)} runs") if i == 0 else None)
        ax.set(xlabel="layer l", ylabel="log₂ E[a[l]²] / E[x²]", title="the signal at initialization")
        ax.grid(alpha=0.3)
        ax.legend(frameon=False, loc="lower left")
        bx.axhline(0.1, color="0.5", ls=":", lw=1, label="chance (10 classes)")
        bx.set(xlabel="epoch", ylabel="test accuracy", ylim=(0, 1.02), title="training")
        bx.grid(alpha=0.3)
        bx.legend(frameon=False, loc="upper left")

    return Explorable.plot(
        draw, figsize=(6.8, 3.2), dpi=96, name="fig-deep-he",
        panels=[Panel("signal", 3.4, "The Xavier markers fall along a straight line to about minus thirty at "
                      "the last layer, the He markers stay near zero, each along its predicted line, with a shaded "
                      "band around each."),
                Panel("training", 3.4, "The Xavier accuracy stays flat at the chance level; the He accuracies "
                      "rise unevenly, each with drops between epochs.")],
        caption=(f"He et al.'s figure 3 on the digits. The signal at initialization: the mean square of the "
                 f"activations of each of {study.depth} ReLU layers of {study.sizes[1]} units, relative to the "
                 f"input's, on a log₂ scale: the mean over {n_nets} random networks (markers), their range (band) "
                 "and He et al.'s prediction (line). Training: the test accuracy of every trained network of "
                 "each kind, the first with markers."))


# ---------------------------------------------------------------- the playground
#: k = n·Var(w) of the named rules, shown with the value.
_K_NAMES = {1.0: "Xavier", 2.0: "He"}
_PLAY_BINS = 40
#: The activations' own range, where it has one.
_PLAY_RANGES = {"tanh": (-1.0, 1.0), "sigmoid": (0.0, 1.0)}
_PLAY_FLOOR = 1e-4  # an empty bin, drawn below the log axis


def _k_text(k: float) -> str:
    name = _K_NAMES.get(round(float(k), 12))
    return f"{k:.3g}" + (f" ({name})" if name else "")


def _sci(x: float) -> str:
    """2.3·10⁻⁴ as "2.3e−4", 0.25 as "0.25"."""
    if 1e-2 <= abs(x) < 1e3:
        return f"{x:.2g}"
    m, e = f"{x:.1e}".split("e")
    return f"{m}e{int(e)}".replace("-", "−")


def _shown_layers(depth: int) -> list[int]:
    """The layers whose histograms the playground draws: the first, the last and the quarters
    between (1, 5, 10, 15, 20 of 20 layers)."""
    return sorted({max(1, round(depth * i / 4)) for i in range(5)})


def _hist(values: np.ndarray, lo: float, hi: float) -> np.ndarray:
    """The fraction of the (finite) values in each of the bins over [lo, hi]; the few beyond
    the range are counted in no bin (not piled up in the last one)."""
    x = values[np.isfinite(values)]
    counts, _ = np.histogram(x, bins=_PLAY_BINS, range=(lo, hi))  # numpy's fast path for equal bins
    return np.maximum(counts / max(x.size, 1), _PLAY_FLOOR)


@functools.lru_cache(maxsize=512)
def _playground_view(activation: str, k: float, depth: int, width: int) -> SimpleNamespace:
    """What :func:`deep_init_playground` draws (cached): per histogram panel the range and
    each shown layer's fractions; the standard deviations per layer, their y limits, the
    mean saturated fraction."""
    st = deep_playground_stats(activation, k, depth, width)
    show = _shown_layers(depth)
    panels = {}
    for kind in ("activations", "gradients"):
        values = [st.values(kind)[l - 1] for l in show]
        sds = [float(np.std(x[np.isfinite(x)])) if np.isfinite(x).any() else 0.0 for x in values]
        top = max(sds)
        sigma = top if top > 0 and np.isfinite(top) else 1.0  # the widest shown layer's std
        if kind == "gradients":  # in units of sigma: the same axis for every k
            values = [x / sigma for x in values]
            lo, hi = -4.0, 4.0
        else:
            lo, hi = _PLAY_RANGES.get(activation, (0.0 if activation == "relu" else -4.0 * sigma, 4.0 * sigma))
        panels[kind] = SimpleNamespace(range=(lo, hi), sigma=sigma, fractions=[_hist(x, lo, hi) for x in values])
    a_sd, g_sd = st.activation_std, st.gradient_std
    ok_a = np.isfinite(a_sd) & (a_sd > 0)
    ok_g = np.isfinite(g_sd) & (g_sd > 0)
    both = np.concatenate([a_sd[ok_a], g_sd[ok_g]])
    lo, hi = (float(both.min()) / 2, float(both.max()) * 2) if both.size else (1e-3, 1.0)
    return SimpleNamespace(show=show, panels=panels, a_sd=(st.layers[ok_a], a_sd[ok_a]),
                           g_sd=(st.layers[ok_g], g_sd[ok_g]), ylim=(max(lo, 1e-300), min(hi, 1e300)),
                           saturation=float(np.mean(st.saturation)))


@register_figure
def deep_init_playground(width: int = 128, depth: int = PLAYGROUND_DEPTH) -> Explorable:
    """The initialization playground of {ref}`chap-deep`: every layer of a deep network at
    initialization (:func:`initreg.deep_playground_stats`).

    A [64, width × depth, 10] network on 200 digits with W[l] ~ N(0, k/n[l-1]); the controls
    are the activation and k = n·Var(w) (:data:`initreg.PLAYGROUND_KS`; live, any k). Panels:
    the histograms of a[l] and of ∂ℓ/∂z[l] of five layers from the first to the last, and the
    standard deviation of both in every layer with the saturated fraction.
    """
    width = v.positive_int(width, "width")
    depth = v.positive_int(depth, "depth")
    show = _shown_layers(depth)
    _playground_view("tanh", 1.0, depth, width)  # the data and the first frame's network, when it is built
    colors = _layer_colors(len(show))
    names = {"tanh": "tanh", "sigmoid": "sigmoid", "ReLU": "relu", "linear": "linear"}
    label_of = {val: lab for lab, val in names.items()}

    # fixed margins, the same in the three panels (the keys above the axes, the spread's title
    # above its keys): the static player sets the figure up once per panel
    margins = dict(left=0.21, right=0.96, bottom=0.16, top=0.78)

    def setup(fig: Figure, activations: SubFigure, gradients: SubFigure, spread: SubFigure) -> SimpleNamespace:
        fig.set_layout_engine("none")
        stairs, axes = {}, {}
        for kind, sub, xlabel in (("activations", activations, "activation a[l]"),
                                  ("gradients", gradients, "back-propagated gradient ∂ℓ/∂z[l] / σ")):
            ax = sub.subplots(gridspec_kw=margins)
            stairs[kind] = [ax.stairs(np.full(_PLAY_BINS, _PLAY_FLOOR), np.linspace(0, 1, _PLAY_BINS + 1),
                                      baseline=_PLAY_FLOOR, color=c, lw=1.3, label=f"layer {l}" if i == 0 else str(l))
                            for i, (l, c) in enumerate(zip(show, colors))]
            _log_y(ax, 1e-3, 1.5)
            ax.set_xlabel(xlabel)
            ax.set_ylabel("fraction of values")
            ax.ticklabel_format(axis="x", style="sci", scilimits=(-2, 3))
            keys = ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncols=len(show), frameon=False,
                             handlelength=1.0, handletextpad=0.4, columnspacing=0.9, borderaxespad=0.2)
            cache_raster(keys, lambda: None)  # the same keys in every frame
            cache_raster(ax.yaxis)
            cache_raster(ax.xaxis)  # fixed for the gradients, and for tanh and sigmoid activations
            axes[kind] = ax
        unit = axes["gradients"].text(0.98, 0.97, " ", ha="right", va="top", transform=axes["gradients"].transAxes)
        sx = spread.subplots(gridspec_kw=margins)
        (a_line,) = sx.plot([], [], "o-", ms=3, color=COLORS["blue"], label="std a[l]")
        (g_line,) = sx.plot([], [], "s--", ms=3, color=COLORS["vermillion"], label="std ∂ℓ/∂z[l]")
        _log_y(sx, 1e-3, 1.0)
        sx.set(xlabel="layer l", xlim=(0.5, depth + 0.5), ylabel="standard deviation")
        sx.grid(alpha=0.3)
        keys = sx.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncols=2, frameon=False,
                         handlelength=1.8, borderaxespad=0.2)
        cache_raster(keys, lambda: None)
        cache_raster(sx.xaxis)
        title = spread.suptitle(" ", fontsize=10, y=0.97, va="top")
        return SimpleNamespace(stairs=stairs, axes=axes, sx=sx, a_line=a_line, g_line=g_line, title=title,
                               unit=unit)

    def compute(activation: str, k: float) -> SimpleNamespace:
        return _playground_view(activation, float(k), depth, width)

    def update(state: SimpleNamespace, view: SimpleNamespace, activation: str, k: float) -> None:
        for kind, p in view.panels.items():
            edges = np.linspace(*p.range, _PLAY_BINS + 1)
            for art, f in zip(state.stairs[kind], p.fractions):
                art.set_data(f, edges, baseline=_PLAY_FLOOR)
            pad = 0.05 * (p.range[1] - p.range[0])  # matplotlib's default margins
            state.axes[kind].set_xlim(p.range[0] - pad, p.range[1] + pad)
        state.unit.set_text(f"σ = {_sci(view.panels['gradients'].sigma)}")
        state.a_line.set_data(*view.a_sd)
        state.g_line.set_data(*view.g_sd)
        _decade_ticks(state.sx, *view.ylim)
        title = f"{label_of[activation]}, k = {_k_text(k)}"
        if activation in ("tanh", "sigmoid"):
            title += f": {view.saturation:.1%} saturated"
        state.title.set_text(title)

    kinds = {"activations": "activations",
             "gradients": "back-propagated gradients, in units of the widest layer's standard deviation σ,"}
    return Explorable(
        update,
        [Choice("activation", names, label="activation"),
         Slider("k", PLAYGROUND_KS[0], PLAYGROUND_KS[-1], grid=PLAYGROUND_KS, log=True, kind="strength",
                label="k = n·Var(w)", default=1.0, fmt="{:.3g}", continuous=True)],
        setup=setup, compute=compute, figsize=(6.8, 2.9), dpi=96, name="fig-init-playground",
        panels=[*(Panel(kind, 3.4, f"Histograms of the {text} of layers {', '.join(map(str, show))} of a "
                        f"{depth}-layer {{activation}} network with k = n·Var(w) = {{k}}, on a log scale.",
                        depends=("activation", "k")) for kind, text in kinds.items()),
                Panel("spread", 3.4, f"The standard deviation of the activations and of the gradients in each of "
                      f"the {depth} layers of a {{activation}} network with k = {{k}}, on a log scale.",
                      depends=("activation", "k"))],
        caption=(f"The initialization playground: a network of {depth} hidden layers of {width} units with "
                 "weights W[l] ~ N(0, k/n[l-1]), at initialization, on 200 digits. Histograms of the activations "
                 f"and of the back-propagated gradients of layers {', '.join(map(str, show))} (dark: first, light: "
                 "last; the gradients in units of σ, the standard deviation of the widest of them), and the "
                 "standard deviation of both in every layer, with the saturated fraction for tanh and sigmoid. "
                 "k = 1 is Xavier's rule, k = 2 He's."))
