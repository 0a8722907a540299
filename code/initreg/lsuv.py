"""Data-dependent initialization: Mishkin and Matas's layer-sequential unit variance (LSUV), {ref}`chap-beyond`.

LSUV (their Algorithm 1) starts from orthonormal weights and then, from the first layer
to the last, measures the variance of the layer's output z[l] = a[l-1] W[l]ᵀ + b[l] on one
batch and divides W[l] by its standard deviation, until the variance is within ``tol`` of 1:

.. math::  W^{[l]} \\leftarrow W^{[l]} / \\sqrt{\\mathrm{Var}(z^{[l]})} .

The output is taken before the activation, as the authors' own PyTorch code does (it hooks
each ``nn.Linear``'s output). With zero biases Var(z[l]) scales exactly with W[l]², so one
division makes it 1 on the batch; the loop stops at the next measurement.

What LSUV finds is a scale per layer, k[l] = n[l-1]·mean(W[l]²), the book's k = n·Var(w).
A unit variance z[l-1] of a wide layer gives E[a[l-1]²] = E[g(z)²] for z ~ N(0, 1), so
Var(z[l]) = k[l]·E[g(z)²] = 1 asks for k = 1/E[g(z)²]: 2 for ReLU (He's rule) and
1/E[tanh(z)²] for tanh. :class:`LSUVResult` keeps the scales, and the variances before and
after, for the chapter to compare with those rules.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import _validate as v
from .datasets import DataSplit
from .network import ACTIVATIONS, Network
from .tables import TextTable

__all__ = ["LSUV_TOL", "LSUVResult", "lsuv_init", "layer_output_variances", "LSUVStudy", "lsuv_study"]

#: The tolerance of :func:`lsuv_init`: it stops when |Var(z[l]) − 1| < LSUV_TOL.
LSUV_TOL = 0.01


def layer_output_variances(net: Network, X: object) -> np.ndarray:
    """Var(z[l]) over every example and unit of layer l, l = 1..L, for a batch X:
    z[l] = a[l-1] W[l]ᵀ + b[l] with a[l-1] from :meth:`initreg.Network.forward`."""
    v.instance(net, "net", Network)
    A = net.forward(X)  # A[0] = X, ..., A[L-1], then the output probabilities
    return np.array([float(np.var(A[l] @ W.T + b)) for l, (W, b) in enumerate(zip(net.weights, net.biases))])


@dataclass(frozen=True)
class LSUVResult:
    """What :func:`lsuv_init` did to each layer l = 1..L: the variance of z[l] on the batch
    before it was rescaled (``before``) and after (``after``), the number of divisions
    (``iterations``), and the scale k[l] = n[l-1]·mean(W[l]²) it ends with (``k``)."""

    sizes: tuple[int, ...]
    activations: tuple[str, ...]
    before: np.ndarray
    after: np.ndarray
    iterations: np.ndarray
    k: np.ndarray
    k_start: np.ndarray

    def table(self) -> TextTable:
        rows = [(str(l + 1), f"{self.k_start[l]:.3f}", f"{self.before[l]:.3f}", str(int(self.iterations[l])),
                 f"{self.after[l]:.6f}", f"{self.k[l]:.3f}") for l in range(len(self.k))]
        return TextTable(["layer l", "k[l] before", "Var(z[l]) before", "divisions", "Var(z[l]) after",
                          "k[l] after"], rows, align="right")

    def __repr__(self) -> str:
        return f"LSUVResult(sizes={list(self.sizes)}, k={np.round(self.k, 3).tolist()})"


def lsuv_init(
    net: Network,  # a network drawn with init="orthogonal" (LSUV's starting point), changed in place
    X: object,  # the one batch the variances are measured on
    *,
    tol: float = LSUV_TOL,  # stop when |Var(z[l]) − 1| < tol
    max_iter: int = 10,  # divisions per layer at most
) -> LSUVResult:
    """Rescale ``net``'s weights in place, layer by layer from the first, so that Var(z[l]) = 1
    on the batch ``X`` (Mishkin and Matas's LSUV; module docstring). Returns what it did.

    Raises ``ValueError`` if a layer's output has zero variance (nothing to rescale) or does
    not reach the tolerance within ``max_iter`` divisions.
    """
    v.instance(net, "net", Network)
    Xc = net.check_X(X)
    if Xc.shape[0] < 2:
        raise ValueError(f"X must hold at least 2 examples to measure a variance; got {Xc.shape[0]}")
    tol = v.real(tol, "tol", low=0.0, low_open=True, high=1.0)
    max_iter = v.positive_int(max_iter, "max_iter")
    L = net.L
    before, after = np.zeros(L), np.zeros(L)
    iterations = np.zeros(L, dtype=np.int64)
    k_start = np.array([W.shape[1] * float(np.mean(W * W)) for W in net.weights])
    for l in range(L):
        var = layer_output_variances(net, Xc)[l]
        before[l] = var
        while abs(var - 1.0) >= tol:
            if not var > 0 or not np.isfinite(var):
                raise ValueError(f"layer {l + 1}'s output has variance {float(var)!r} on the batch: "
                                 "LSUV cannot rescale it")
            if iterations[l] == max_iter:
                raise ValueError(f"layer {l + 1} did not reach unit variance within {max_iter} divisions "
                                 f"(variance {var:.4g})")
            net.weights[l][...] = net.weights[l] / np.sqrt(var)
            iterations[l] += 1
            var = layer_output_variances(net, Xc)[l]
        after[l] = var
    k = np.array([W.shape[1] * float(np.mean(W * W)) for W in net.weights])
    return LSUVResult(net.sizes, net.activations, before, after, iterations, k, k_start)


@dataclass(frozen=True)
class LSUVStudy:
    """LSUV on the digits from several seeds: ``k[s, l]`` is the scale k[l+1] it finds from
    seed ``seeds[s]``, ``test_variance[s, l]`` the variance of z[l+1] on the test images,
    which LSUV never saw, and ``batch_variance[s, l]`` on its batch; ``input_mean_square``
    is E[x²] of each batch's pixels. ``networks[s]`` is seed s's network after LSUV and
    ``rows[s]`` the training rows of its batch; ``iterations[s, l]`` counts the divisions of layer l+1."""

    activation: str
    sizes: tuple[int, ...]
    seeds: tuple[int, ...]
    batch: int
    k: np.ndarray
    test_variance: np.ndarray
    batch_variance: np.ndarray
    input_mean_square: np.ndarray
    networks: tuple[Network, ...]
    rows: np.ndarray
    iterations: np.ndarray

    def table(self) -> TextTable:
        """Per layer: the mean k[l] over the seeds with its range, and the range of Var(z[l]) on the test set."""
        rows = []
        for l in range(self.k.shape[1]):
            k, t = self.k[:, l], self.test_variance[:, l]
            rows.append((str(l + 1), f"{k.mean():.3f}", f"{k.min():.3f}–{k.max():.3f}",
                         f"{t.min():.3f}–{t.max():.3f}"))
        return TextTable(["layer l", "k[l], mean", "k[l], seeds", "Var(z[l]) on test, seeds"], rows, align="right")

    def __repr__(self) -> str:
        return f"LSUVStudy({self.activation}, sizes={list(self.sizes)}, {len(self.seeds)} seeds, batch {self.batch})"


def lsuv_study(
    activation: str,  # the hidden activation: one of initreg.ACTIVATIONS
    data: DataSplit,  # e.g. initreg.load_digits()
    *,
    depth: int = 10,  # hidden layers
    width: int = 100,  # units per hidden layer
    batch: int = 128,  # training images LSUV measures on
    seeds: tuple[int, ...] = (0, 1, 2, 3, 4),
) -> LSUVStudy:
    """Run :func:`lsuv_init` on a [n[0], width × depth, n_classes] network from orthogonal
    weights, once per seed: seed s draws its batch of training images, then the weights, from
    ``default_rng(s)``, and the test images measure the variances it leaves."""
    v.choice(activation, "activation", ACTIVATIONS)
    v.instance(data, "data", DataSplit)
    depth = v.positive_int(depth, "depth")
    width = v.positive_int(width, "width")
    batch = v.positive_int(batch, "batch")
    if batch > len(data.y_train):
        raise ValueError(f"batch must be at most {len(data.y_train)} (the training images); got {batch}")
    seeds = tuple(v.nonneg_int(s, f"seeds[{i}]") for i, s in enumerate(v.items_of(list(seeds), "seeds", int)))
    sizes = (data.n_features,) + (width,) * depth + (data.n_classes,)
    ks, tests, batches, ms, nets, picks, its = [], [], [], [], [], [], []
    for s in seeds:
        rng = np.random.default_rng(s)
        rows = rng.choice(len(data.y_train), batch, replace=False)
        Xb = data.X_train[rows]
        net = Network(sizes, activation, init="orthogonal", rng=rng)
        res = lsuv_init(net, Xb)
        ks.append(res.k)
        batches.append(res.after)
        tests.append(layer_output_variances(net, data.X_test))
        ms.append(float(np.mean(Xb * Xb)))
        nets.append(net)
        picks.append(rows)
        its.append(res.iterations)
    return LSUVStudy(activation, sizes, seeds, batch, np.array(ks), np.array(tests), np.array(batches), np.array(ms),
                     tuple(nets), np.array(picks), np.array(its))
