"""`make mutants`: the book tests its own checks.

Each mutant makes ``initreg`` wrong in one named way, the way people really get it wrong
(a variance off by a factor of 2, a λ/2 convention, a sign taken before the step, the wrong
fan in a Glorot rule), and *consistently*: a sampler together with the variance it states,
a rule together with everything that calls it. The chapters that teach that piece are then
executed against the mutant, and each must stop on an ``AssertionError``, that is, on one
of its checked claims. A chapter that runs to the end, or stops on any other error, lets
the mutant survive, and the target fails naming it.

The mutant is injected without touching a file of the book. Each run is a process of its
own, forked from a server that has imported numpy, SymPy, matplotlib, scikit-learn, IPython
and ``initreg`` once (:data:`PRELOAD`), so that 49 runs do not each pay a kernel's start
and those imports; it runs the mutant's code first, then the chapter's code cells in order
in an IPython shell, and a mutant whose code fails is reported as broken, not caught.
:func:`replace` swaps a function (or constant) for its mutant in every module of
``initreg`` that holds it, so that callers which imported it by name see it too.

A mutant whose mistake is taught in one section of a long chapter names that section: the
chapter then runs its opening cells (imports and data) and that section only, and the same
cut runs once more without any mutant, which must run to the end. A cut that leaves out a
cell the section needs fails that control, and so the target; it cannot pass for a catch.

    python tools/mutants.py                 # every mutant, one kernel per core
    python tools/mutants.py --list          # the mutants and their chapters
    python tools/mutants.py --only NAME ... # some of them
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import re
import signal
import sys
import textwrap
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = ROOT / "chapters"

#: Run in the shell before the mutant's own code, as the first cell of the run.
PRELUDE = '''
import sys
import numpy as np
import initreg


def replace(owner, name, new):
    """Put ``new`` in place of ``owner.name`` wherever initreg holds that object.

    ``owner`` is a module or a class of initreg. Every initreg module whose global of any
    name *is* the old object gets the new one, so a function imported by name elsewhere
    (``from .initializers import init_weights``) is replaced there too. Returns the old
    object, so the mutant can call it.
    """
    old = getattr(owner, name)
    hits = 0
    if isinstance(owner, type):
        setattr(owner, name, new)
        hits += 1
    for mod in list(sys.modules.values()):
        if getattr(mod, "__name__", "").split(".")[0] != "initreg":
            continue
        for key, val in list(vars(mod).items()):
            if val is old:
                setattr(mod, key, new)
                hits += 1
    if not hits:
        raise RuntimeError(f"mutant: {name} not found")
    return old


def mutate_schemes(variance=None, draw=None):
    """Make initialization schemes wrong: ``variance[scheme](n_in, n_out)`` is the variance
    ``init_variance`` states, ``draw[scheme](n_in, n_out, rng)`` the matrix ``init_weights``
    draws (float64); the other schemes are left as they are."""
    old_var, old_w = initreg.initializers.init_variance, initreg.initializers.init_weights
    variance, draw = variance or {}, draw or {}

    def init_variance(n_in, n_out, scheme, *, scale=None):
        if scheme in variance:
            return variance[scheme](n_in, n_out)
        return old_var(n_in, n_out, scheme, scale=scale)

    def init_weights(n_in, n_out, scheme, *, rng, scale=None, dtype=np.float64):
        if scheme in draw:
            return draw[scheme](n_in, n_out, rng).astype(dtype)
        return old_w(n_in, n_out, scheme, rng=rng, scale=scale, dtype=dtype)

    if variance:
        replace(initreg.initializers, "init_variance", init_variance)
    if draw:
        replace(initreg.initializers, "init_weights", init_weights)


def normal(var):
    """A sampler of N(0, var(n_in, n_out)) for :func:`mutate_schemes`."""
    return lambda n_in, n_out, rng: rng.normal(0.0, np.sqrt(var(n_in, n_out)), size=(n_out, n_in))


def uniform(var):
    """A sampler of the uniform law of variance var(n_in, n_out), U[±√(3·var)]."""
    return lambda n_in, n_out, rng: rng.uniform(-1.0, 1.0, size=(n_out, n_in)) * np.sqrt(3.0 * var(n_in, n_out))
'''


@dataclass(frozen=True)
class Mutant:
    """One consistent mistake: its name, what it gets wrong, the chapters that must catch it
    (notebook stems), and the code that makes it (run after :data:`PRELUDE`)."""

    name: str
    mistake: str
    chapters: tuple[str, ...]
    code: str
    #: When set, each chapter runs only its opening cells (before the first ``##`` heading:
    #: the imports and the data) and the ``##`` sections of these headings, where the mistake
    #: is taught: the sections before them would only cost time. The same cut runs once
    #: unmutated too (the control), and must run to the end, so that a section that needs an
    #: earlier one, or fails on its own, is a failure of the target, never a catch.
    sections: tuple[str, ...] = ()


MUTANTS: list[Mutant] = [
    # ------------------------------------------------------------ introduction
    Mutant("gap-sign-flipped", "the generalization gap as training error minus test error",
           ("introduction",), """
        replace(initreg.CapacityCurve, "gap", property(lambda self: self.train_error - self.test_error))
    """),
    # ------------------------------------------------------- why-initialization
    Mutant("toy-init-gain-k", "the playground's N(0, k/n) drawn with gain k instead of √k (variance k²/n)",
           ("why-initialization",), """
        from initreg.initializers import initializer

        def toy_initializer(k):
            k = float(k)
            init = initializer("xavier", gain=k)
            init.__name__ = init.__qualname__ = f"N(0, {k:g}/n)"
            return init

        replace(initreg.playground, "toy_initializer", toy_initializer)
    """),
    Mutant("constant-init-jittered", "a constant initialization with a little noise added to break the symmetry",
           ("why-initialization",), """
        old = initreg.initializers.init_weights

        def init_weights(n_in, n_out, scheme, *, rng, scale=None, dtype=np.float64):
            w = old(n_in, n_out, scheme, rng=rng, scale=scale, dtype=dtype)
            if scheme == "constant":
                w = w + (1e-3 * abs(scale)) * rng.standard_normal(w.shape).astype(w.dtype)
            return w

        replace(initreg.initializers, "init_weights", init_weights)
    """),
    Mutant("merge-keeps-one-outgoing", "merging equal units keeps one unit's outgoing weights instead of their sum",
           ("why-initialization",), """
        def merge_identical_units(net):
            weights = [w.copy() for w in net.weights]
            biases = [b.copy() for b in net.biases]
            for l in range(net.L - 1):
                incoming = np.hstack([weights[l], biases[l][:, None]])
                _, first = np.unique(incoming, axis=0, return_index=True)
                keep = np.sort(first)
                weights[l], biases[l] = weights[l][keep], biases[l][keep]
                weights[l + 1] = weights[l + 1][:, keep]  # the mistake: not summed over the group
            sizes = [net.sizes[0]] + [w.shape[0] for w in weights]
            small = initreg.Network(sizes, list(net.activations), net.output, init="zeros",
                                    rng=np.random.default_rng(0), dtype=net.dtype)
            small.set_params([p for pair in zip(weights, biases) for p in pair])
            return small

        replace(initreg.playground, "merge_identical_units", merge_identical_units)
    """),
    Mutant("chain-grad-off-by-one", "the linear chain's ∂ŷ/∂W[l] taken with a[l] instead of the layer's input a[l-1]",
           ("why-initialization",), """
        import dataclasses

        old = initreg.playground.linear_chain

        def linear_chain(scale, **kwargs):
            c = old(scale, **kwargs)
            grads = [np.outer(c.backprop[l], c.activations[l]) for l in range(1, c.L)] + [c.weight_grads[-1]]
            return dataclasses.replace(c, weight_grads=grads)

        replace(initreg.playground, "linear_chain", linear_chain)
    """),
    # -------------------------------------------------------- xavier-derivation
    Mutant("he-without-the-2", "He's rule as 1/n_in (ReLU's halving forgotten): he_normal draws N(0, 1/n_in), "
           "he_uniform U[±√(3/n_in)], and init_variance says 1/n_in for both",
           ("xavier-derivation", "deep-networks"), """
        one_over_n = lambda n_in, n_out: 1.0 / n_in
        mutate_schemes({"he_normal": one_over_n, "he_uniform": one_over_n},
                       {"he_normal": normal(one_over_n), "he_uniform": uniform(one_over_n)})
    """),
    Mutant("glorot-fan-out-only", "Glorot's rule with the wrong fan, 1/n_out instead of 2/(n_in + n_out): "
           "glorot_normal draws N(0, 1/n_out), glorot_uniform U[±√(3/n_out)], and init_variance says 1/n_out",
           ("xavier-derivation",), """
        fan_out = lambda n_in, n_out: 1.0 / n_out
        mutate_schemes({"glorot_normal": fan_out, "glorot_uniform": fan_out},
                       {"glorot_normal": normal(fan_out), "glorot_uniform": uniform(fan_out)})
    """),
    Mutant("glorot-uniform-half-width-fan-in", "glorot_uniform drawn from U[±√(3/n_in)] (the half-width of "
           "variance 1/n_in) where √(6/(n_in + n_out)) is meant; its stated variance unchanged",
           ("xavier-derivation",), """
        mutate_schemes(draw={"glorot_uniform": uniform(lambda n_in, n_out: 1.0 / n_in)})
    """),
    Mutant("variance-tolerance-is-interval-width", "check_variance's tolerance taken as the width of the "
           "±4 SE interval (8 standard errors) instead of its half-width: every tolerance twice too wide",
           ("xavier-derivation",), """
        _check = initreg.derivations.variance.check_variance

        def check_variance(samples, expected, *, z=4.0):
            c = _check(samples, expected, z=z)
            return initreg.SampledCheck(c.statistic, c.estimate, c.expected, 2 * c.se, c.z, c.m)

        replace(initreg.derivations.variance, "check_variance", check_variance)
    """),
    Mutant("relu-spread-over-var-z", "the spread of ReLU(z)² measured against Var(z) instead of its own "
           "mean Var(z)/2: √(5/4) instead of √5, so a ReLU layer's factor spreads √(5/(4n)) (the tolerances "
           "of every ReLU network halved)",
           ("xavier-derivation",), """
        import math
        import sympy as sp
        _spread = initreg.derivations.variance.square_spread

        def square_spread(activation):
            return sp.sqrt(5) / 2 if activation == "relu" else _spread(activation)

        def factor_spread(self):
            if self.activation == "relu":
                return math.sqrt(5.0 / 4.0 / self.width)
            return _factor_spread(self)

        _factor_spread = initreg.propagation.SignalPropagation.factor_spread
        replace(initreg.derivations.variance, "square_spread", square_spread)
        replace(initreg.propagation.SignalPropagation, "factor_spread", factor_spread)
    """),
    Mutant("explorer-rescaled-by-gain-k", "the interactive figure's linear and ReLU networks rescaled as if W[l] "
           "were multiplied by k instead of √k: layer l's variance multiplied by k^(2l), not k^l",
           ("xavier-derivation",), """
        import math
        SP = initreg.propagation.SignalPropagation

        def rescaled(self, k):
            scale = (k / self.k) ** (2 * np.arange(self.depth + 1))
            return SP(self.activation, float(k), self.width, self.var_z * scale, self.var_a * scale,
                      self.mean_square_a * scale, [s * math.sqrt(c) for s, c in zip(self.samples, scale)])

        replace(SP, "rescaled", rescaled)
        initreg.propagation.explorer_network.cache_clear()
    """),
    # ------------------------------------------------------------ deep-networks
    Mutant("tanh-saturation-0.9", "a tanh unit counted as saturated from |a| > 0.9 (slope 0.19) instead of 0.99, "
           "in the threshold every count reads", ("deep-networks",), """
        initreg.SATURATION_LEVELS["tanh"] = 0.9  # the one dict saturated_fraction and the masks read
    """),
    Mutant("layer-stats-mean-loss", "layer_stats keeps ∂J/∂z[l] of the mean loss (net.backward's dZ) instead of "
           "each example's own ∂ℓ/∂z[l] = m·∂J/∂z[l]", ("deep-networks",), """
        old = initreg.diagnostics.layer_stats

        def layer_stats(net, X, y=None):
            st = old(net, X, y)
            if st.gradients is not None:
                m = st.activations[0].shape[0]
                st.gradients = [g / m for g in st.gradients]
            return st

        replace(initreg.diagnostics, "layer_stats", layer_stats)
    """),
    Mutant("standard-uniform-var-1-over-n", "Glorot's standard U[±1/√n] drawn as U[±√(3/n)], with its variance "
           "stated as 1/n (not 1/(3n))", ("deep-networks",), """
        one_over_n = lambda n_in, n_out: 1.0 / n_in
        mutate_schemes({"standard": one_over_n}, {"standard": uniform(one_over_n)})
    """),
    Mutant("deep-playground-gain-k", "the deep playground's N(0, k/n) drawn with gain k instead of √k "
           "(variance k²/n), in its statistics, its sweep and its figure", ("deep-networks",), """
        import functools
        D = initreg.deep

        def _playground_stats(activation, k, depth, width):
            X, y = D._playground_data()
            net = initreg.Network((X.shape[1], *([width] * depth), 10), activation,
                                  init=initreg.initializer("xavier", gain=k), rng=np.random.default_rng(7))
            with np.errstate(over="ignore", invalid="ignore", under="ignore"):
                return initreg.layer_stats(net, X, y)

        replace(D, "_playground_stats", _playground_stats)
        replace(D, "_cached_playground_stats", functools.lru_cache(maxsize=16)(_playground_stats))
    """, sections=('An initialization playground',)),
    # ------------------------------------ beyond-xavier: mean field, edge of chaos, isometry
    Mutant("relu-chi1-without-the-half", "ReLU's χ₁ taken as σ_w²·1 (its slope is 1, forgetting that it is 0 on half "
           "of the Gaussian): in χ₁, E[φ′²], the SymPy integral (over the whole line) and the edge of chaos",
           ("beyond-xavier",), """
        import sympy as sp
        M = initreg.meanfield
        _slope, _chi1 = M._slope_moment, M.chi1

        def _slope_moment(activation, q):
            return np.where(q > 0, 1.0, 0.0) if activation == "relu" else _slope(activation, q)

        def chi1(*, sigma_w2, sigma_b2, activation):
            if activation == "relu":
                M.fixed_point(sigma_w2=sigma_w2, sigma_b2=sigma_b2, activation=activation)  # its errors kept
                return float(sigma_w2)
            return _chi1(sigma_w2=sigma_w2, sigma_b2=sigma_b2, activation=activation)

        def relu_chi1():
            u = sp.Symbol("u", real=True)
            return sp.simplify(M._sw2 * sp.integrate(M._normal_density(u), (u, -sp.oo, sp.oo)))

        _crit = M.critical_sigma_w2

        def critical_sigma_w2(sigma_b2, *, activation="tanh"):
            return 1.0 if activation == "relu" and sigma_b2 == 0 else _crit(sigma_b2, activation=activation)

        replace(M, "_slope_moment", _slope_moment)
        replace(M, "chi1", chi1)
        replace(M, "relu_chi1", relu_chi1)
        replace(M, "critical_sigma_w2", critical_sigma_w2)
    """),
    Mutant("chi1-at-unit-length", "χ₁ = σ_w²·E[φ′(z)²] with z ~ N(0, 1), the unit length, instead of at the fixed "
           "point q*: in χ₁ and everything built on it (the edge of chaos, the phase diagram, ξ_c)",
           ("beyond-xavier",), """
        M = initreg.meanfield
        _chi1 = M.chi1

        def chi1(*, sigma_w2, sigma_b2, activation):
            if activation in ("relu", "linear"):
                return _chi1(sigma_w2=sigma_w2, sigma_b2=sigma_b2, activation=activation)
            M.fixed_point(sigma_w2=sigma_w2, sigma_b2=sigma_b2, activation=activation)
            return sigma_w2 * float(M._slope_moment(activation, np.asarray(1.0)))

        replace(M, "chi1", chi1)
    """),
    Mutant("correlation-map-drops-bias", "the correlation map's numerator without the bias term, "
           "c[l] = σ_w²·E[φ(u₁)φ(u₂)]/q[l], though q[l] keeps its σ_b²", ("beyond-xavier",), """
        M = initreg.meanfield
        _cm = M._correlation_map

        def _correlation_map(activation, sigma_w2, sigma_b2, q, c):
            full = _cm(activation, sigma_w2, sigma_b2, q, c)
            return full - sigma_b2 / M.variance_map(q, sigma_w2=sigma_w2, sigma_b2=sigma_b2, activation=activation)

        replace(M, "_correlation_map", _correlation_map)
    """),
    Mutant("jacobian-drops-last-derivative", "the input–output Jacobian of L layers taken as the logits' Jacobian "
           "of an L-layer network, W[L] D[L-1] ⋯ W[1]: the last layer's φ′ forgotten", ("beyond-xavier",), """
        I, M = initreg.isometry, initreg.meanfield

        def jacobian_singular_values(*, activation, depth, width, sigma_w2, sigma_b2, init, rng, q0=None, draws=None):
            q_in = I._start_length(activation, sigma_w2, sigma_b2, q0)
            net = M.mean_field_network([width] * (depth + 1), sigma_w2=sigma_w2, sigma_b2=sigma_b2,
                                       activation=activation, rng=rng, init=init)
            x = I._input(width, q_in, rng)
            return np.linalg.svd(initreg.input_jacobian(net, x, of="logits"), compute_uv=False)

        replace(I, "jacobian_singular_values", jacobian_singular_values)
    """),
    # ------------------------------------ beyond-xavier: deep linear, residual, LSUV, frameworks
    Mutant("deep-linear-rate-not-scaled-by-depth", "deep linear networks trained with the same learning rate "
           "c/λmax at every depth, not c/(L·λmax), though L layers move the product together", ("beyond-xavier",), """
        replace(initreg.deeplinear, "deep_linear_rate", lambda c, depth, task: c / task.lambda_max)
    """, sections=('Orthogonal weights in deep linear networks',)),
    Mutant("gpt2-scaling-counts-blocks", "GPT-2's residual scaling 1/√(2·n_layer) taken with the number of blocks: "
           "γ = 1/√(N/2) for N branches instead of 1/√N, in the network and its prediction", ("beyond-xavier",), """
        _res_init = initreg.residual.ResidualNetwork.__init__

        def _res_init_blocks(self, *args, **kwargs):
            _res_init(self, *args, **kwargs)
            if self.scaling == "gpt2":
                self.gamma *= np.sqrt(2.0)
                self.W2 = [w * np.sqrt(2.0) for w in self.W2]

        initreg.residual.ResidualNetwork.__init__ = _res_init_blocks
    """, sections=('Residual networks',)),
    Mutant("lsuv-per-unit-variance", "LSUV measuring each unit's variance over the batch and averaging them, as "
           "batch normalization does, instead of the variance of the layer's whole output", ("beyond-xavier",), """
        def layer_output_variances(net, X):
            A = net.forward(X)
            return np.array([float(np.mean(np.var(A[l] @ W.T + b, axis=0)))
                             for l, (W, b) in enumerate(zip(net.weights, net.biases))])

        replace(initreg.lsuv, "layer_output_variances", layer_output_variances)
    """, sections=('Data-dependent initialization: LSUV',)),
    Mutant("torch-leaky-relu-gain-unsquared", "PyTorch's leaky_relu gain read as √(2/(1 + a)) instead of "
           "√(2/(1 + a²)), so that nn.Linear's kaiming_uniform_(a=√5) seems to draw U(±0.79·√3/√n_in)",
           ("beyond-xavier",), """
        _fw_gain = initreg.frameworks._torch_gain

        def _fw_torch_gain(nonlinearity, param=None):
            if nonlinearity == "leaky_relu":
                return np.sqrt(2.0 / (1 + (0.01 if param is None else param)))
            return _fw_gain(nonlinearity, param)

        replace(initreg.frameworks, "_torch_gain", _fw_torch_gain)
    """, sections=('What the frameworks draw',)),
    Mutant("truncated-normal-std-uncorrected", "Keras's and JAX's truncated normal taken to have the standard "
           "deviation of the normal it is cut from: lecun_normal and the other truncated schemes drawn without "
           "the division by 0.8796, so their variance is 0.77·scale/n", ("beyond-xavier",), """
        _fw_vs = initreg.frameworks._variance_scaling

        def _fw_variance_scaling(shape, rng, scale, mode, distribution):
            if distribution == "truncated_normal":
                return (initreg.frameworks._truncated_normal(shape, rng)
                        * np.sqrt(initreg.frameworks._fan_scale(shape, scale, mode)))
            return _fw_vs(shape, rng, scale, mode, distribution)

        replace(initreg.frameworks, "_variance_scaling", _fw_variance_scaling)
    """, sections=('What the frameworks draw',)),
    # ------------------------------------------------------------- update-rules
    Mutant("l2-gradient-lambda-w", "the L2 gradient taken as λw (the λ/2 convention's) while the cost stays λΣw²: "
           "in l2_update, the penalty's gradient and prox, and the SymPy derivative", ("update-rules", "trained-weights"), """
        from initreg.derivations import penalties as _pen
        replace(initreg.penalties, "l2_update",
                lambda w, grad, alpha, lam: np.asarray(w) - alpha * lam * np.asarray(w) - alpha * np.asarray(grad))
        _old_add_grad = initreg.Penalty.add_grad
        def _add_grad(self, W, dW):
            if self.active and self.name == "l2":
                dW += self.lam * W
            else:
                _old_add_grad(self, W, dW)
        replace(initreg.Penalty, "add_grad", _add_grad)
        _old_prox = initreg.Penalty.prox
        def _prox(self, W, alpha):
            if self.active and self.name == "l2":
                W *= 1.0 / (1.0 + alpha * self.lam)
            else:
                _old_prox(self, W, alpha)
        replace(initreg.Penalty, "prox", _prox)
        _old_derivs = _pen.penalty_derivatives
        def _derivs():
            d = _old_derivs()
            d["l2"] = _pen._lam * _pen._w
            return d
        replace(_pen, "penalty_derivatives", _derivs)
    """),
    Mutant("prox-sign-before-data-step", "the proximal L1 step thresholds |w − αg| but keeps the sign of w, taken "
           "before the data step", ("update-rules",), """
        def _prox_update(w, grad, alpha, lam):
            w, grad = np.asarray(w, float), np.asarray(grad, float)
            return np.sign(w) * np.maximum(np.abs(w - alpha * grad) - alpha * lam, 0.0)
        replace(initreg.penalties, "l1_prox_update", _prox_update)
    """),
    Mutant("soft-threshold-half", "the soft threshold at αλ/2 (a ½ carried over from ½(v − u)²), in soft_threshold, "
           "the proximal step and the training loop's prox", ("update-rules",), """
        _old_st = initreg.penalties.soft_threshold
        replace(initreg.penalties, "soft_threshold", lambda w, t: _old_st(w, t / 2))
        _old_prox = initreg.Penalty.prox
        def _prox(self, W, alpha):
            if self.active and self.name == "l1":
                t = alpha * self.lam / 2
                np.copyto(W, np.sign(W) * np.maximum(np.abs(W) - t, 0.0))
            else:
                _old_prox(self, W, alpha)
        replace(initreg.Penalty, "prox", _prox)
    """),
    Mutant("playground-sign-after-data-step", "the Playground's L1 step with the sign of the weight after the data "
           "step (what the chapter used to say it does)", ("update-rules",), """
        def _pg(w, grad, alpha, lam, dead):
            w, grad = np.asarray(w, float), np.asarray(grad, float)
            u = w - alpha * grad
            v = u - alpha * lam * np.sign(u)
            crossed = (u * v < 0) & ~dead
            return np.where(dead, w, np.where(crossed, 0.0, v)), dead | crossed
        replace(initreg.penalties, "playground_l1_update", _pg)
    """),
    # ---------------------------------------------------------- trained-weights
    Mutant("tw-sign-flips-one-epoch-apart", "the weights kept for the sign-flip count taken one epoch before "
           "the end instead of one step (an epoch is an even number of steps, so a weight that flips every "
           "step looks unchanged)", ("trained-weights",), """
        import dataclasses
        _W = initreg.weights
        _old_tp = _W.train_penalized
        def _tp(data, penalty="none", lam=0.0, *, epochs=30, **kw):
            earlier = _old_tp(data, penalty, lam, epochs=epochs - 1, **kw)
            run = _old_tp(data, penalty, lam, epochs=epochs, **kw)
            return dataclasses.replace(run, previous_weights=earlier.weights)
        replace(_W, "train_penalized", _tp)
    """),
    Mutant("tw-near-zero-threshold-of-another-lambda", "the near-zero threshold taken as αλ of the next λ up "
           "(0.01, at λ = 0.1) instead of 0.001, in the constant and every measurement that defaults to it",
           ("trained-weights",), """
        _W = initreg.weights
        _old_nzf = _W.near_zero_fraction
        def _nzf(weights, tol=1e-2):
            return _old_nzf(weights, tol)
        replace(_W, "near_zero_fraction", _nzf)
        replace(initreg.TrainedRun, "near_zero", lambda self, tol=1e-2: _nzf(self.flat, tol))
        replace(_W, "NEAR_ZERO", 1e-2)
    """),
    Mutant("tw-norm-includes-biases", "the weight norm ‖W‖ of a network taken over its biases too", ("trained-weights",),
           """
        _W = initreg.weights
        def _norm(self):
            w = self.flat
            b = np.concatenate([x.ravel() for x in self.net.biases])
            return float(np.sqrt(w @ w + b @ b))
        replace(initreg.TrainedRun, "norm", property(_norm))
        _old_wn = _W.weight_norm
        def _wn(weights):
            if isinstance(weights, initreg.Network):
                w = _W.weight_vector(weights)
                b = np.concatenate([x.ravel() for x in weights.biases])
                return float(np.sqrt(w @ w + b @ b))
            return _old_wn(weights)
        replace(_W, "weight_norm", _wn)
    """),
    Mutant("tw-validation-overlaps-training", "the validation rows taken from the start of the same permutation "
           "as the training rows (perm[:n_val] instead of perm[n_train:n_train + n_val])", ("trained-weights",), """
        _W = initreg.weights
        def _split(data, n_train, n_val, *, rng):
            perm = rng.permutation(len(data.y_train))
            tr, va = np.sort(perm[:n_train]), np.sort(perm[:n_val])
            return _W.Holdout(data.X_train[tr], data.y_train[tr], data.X_train[va], data.y_train[va],
                              data.X_test, data.y_test, tr, va)
        replace(_W, "holdout_split", _split)
    """),
    # ---------------------------------------------------------- loss-landscapes
    Mutant("ridge-lambda-not-doubled",
           "the L2 penalty taken as (λ/2)‖w‖² in the exact least-squares code: the ridge solve "
           "(G + λI)w = c, its KKT check ∇J + λw = 0 and its objective, all together",
           ("loss-landscapes",), """
        R = initreg.minimizers
        _old_minimize, _old_kkt, _old_objective = R._minimize, R._kkt, R.regularized_objective

        def _minimize(X, y, penalty, lam, tol, max_sweeps, w0, gram=None):
            if penalty == "l2" and lam != 0.0:
                G, c = gram if gram is not None else R._gram(X, y)
                return np.linalg.solve(G + lam * np.eye(X.shape[1]), c)
            return _old_minimize(X, y, penalty, lam, tol, max_sweeps, w0, gram)

        def _kkt(G, c, w, penalty, lam):
            if penalty == "l2":
                return float(np.max(np.abs(G @ w - c + lam * w)))
            return _old_kkt(G, c, w, penalty, lam)

        def regularized_objective(X, y, w, penalty, lam):
            return _old_objective(X, y, w, penalty, lam / 2 if penalty == "l2" else lam)

        replace(R, "_minimize", _minimize)
        replace(R, "_kkt", _kkt)
        replace(R, "regularized_objective", regularized_objective)
    """),
    Mutant("lasso-lambda-max-2-norm",
           "λ_max of the lasso from the 2-norm of Xᵀy/m instead of its ∞-norm (and λ₀ of the "
           "least-squares landscape with it)",
           ("loss-landscapes",), """
        R = initreg.minimizers
        _old_lam0 = initreg.Landscape.lam0

        def lasso_lambda_max(X, y):
            return float(np.linalg.norm(X.T @ y)) / X.shape[0]

        def lam0(self):
            return lasso_lambda_max(*self.data) if self.data is not None else _old_lam0.func(self)

        replace(R, "lasso_lambda_max", lasso_lambda_max)
        replace(initreg.Landscape, "lam0", property(lam0))
    """),
    Mutant("lasso-half-lambda",
           "the soft threshold of the lasso coordinate descent at λ/2, that is the L1 penalty taken "
           "as (λ/2)‖w‖₁ throughout: minimizer, path and its knots, λ_max, KKT check and objective agree",
           ("loss-landscapes",), """
        R = initreg.minimizers
        _old = {name: getattr(R, name) for name in
                ("_minimize", "kkt_violation", "regularized_objective", "lasso_path", "lasso_lambda_max")}
        _old_lam0 = initreg.Landscape.lam0

        def half(penalty, lam):
            return lam / 2 if penalty == "l1" else lam

        def _minimize(X, y, penalty, lam, tol, max_sweeps, w0, gram=None):
            return _old["_minimize"](X, y, penalty, half(penalty, lam), tol, max_sweeps, w0, gram)

        def kkt_violation(X, y, w, penalty, lam):
            return _old["kkt_violation"](X, y, w, penalty, half(penalty, lam))

        def regularized_objective(X, y, w, penalty, lam):
            return _old["regularized_objective"](X, y, w, penalty, half(penalty, lam))

        def lasso_path(X, y):
            p = _old["lasso_path"](X, y)
            return R.LassoPath(2 * p.lams, p.coefs, p.events)

        def lasso_lambda_max(X, y):
            return 2 * _old["lasso_lambda_max"](X, y)

        def lam0(self):
            return lasso_lambda_max(*self.data) if self.data is not None else _old_lam0.func(self)

        for name, new in (("_minimize", _minimize), ("kkt_violation", kkt_violation),
                          ("regularized_objective", regularized_objective), ("lasso_path", lasso_path),
                          ("lasso_lambda_max", lasso_lambda_max)):
            replace(R, name, new)
        replace(initreg.Landscape, "lam0", property(lam0))
    """),
    # ------------------------------------------------------- regularization-views
    Mutant("prior-width-without-m", "the prior a strength stands for computed as if J were the summed error: "
           "τ² = σ²/(2λ) and b = σ²/λ, the m forgotten (prior_scale and prior_strength together)",
           ("regularization-views",), """
        B = initreg.bayes
        def prior_scale(prior, lam, *, m, sigma):
            return float(np.sqrt(sigma**2 / (2 * lam))) if prior == "gaussian" else float(sigma**2 / lam)
        def prior_strength(prior, scale, *, m, sigma):
            return float(sigma**2 / (2 * scale**2)) if prior == "gaussian" else float(sigma**2 / scale)
        replace(B, "prior_scale", prior_scale)
        replace(B, "prior_strength", prior_strength)
    """),
    Mutant("adamw-as-l2-in-gradient", "AdamW's decoupled decay d taken as the L2 penalty's gradient d·w added to the "
           "gradient (what Adam(weight_decay=d) does), in adam_update and in train", ("regularization-views",), """
        _old_adam, _old_train = initreg.optimizers.adam_update, initreg.training.train
        def adam_update(w, grad, m, v_, t, *, alpha, beta1=0.9, beta2=0.999, eps=1e-8, lam=0.0, decay=0.0):
            return _old_adam(w, grad, m, v_, t, alpha=alpha, beta1=beta1, beta2=beta2, eps=eps, lam=lam + decay / 2)
        def train(net, X, y, **kw):
            if kw.get("optimizer") == "adam" and kw.get("decay"):
                kw["penalty"], kw["lam"] = "l2", kw.get("lam", 0.0) + kw.pop("decay") / 2
            return _old_train(net, X, y, **kw)
        replace(initreg.optimizers, "adam_update", adam_update)
        replace(initreg.training, "train", train)
    """),
    Mutant("adam-l2-is-decoupled", "Adam's L2 penalty λ applied as decoupled decay 2λ (the belief that "
           "Adam(weight_decay) already is AdamW), in adam_update and in train", ("regularization-views",), """
        _old_adam, _old_train = initreg.optimizers.adam_update, initreg.training.train
        def adam_update(w, grad, m, v_, t, *, alpha, beta1=0.9, beta2=0.999, eps=1e-8, lam=0.0, decay=0.0):
            return _old_adam(w, grad, m, v_, t, alpha=alpha, beta1=beta1, beta2=beta2, eps=eps, decay=decay + 2 * lam)
        def train(net, X, y, **kw):
            if kw.get("optimizer") == "adam" and kw.get("penalty") == "l2" and kw.get("lam"):
                kw["decay"] = kw.get("decay", 0.0) + 2 * kw.pop("lam")
                kw["penalty"] = "none"
            return _old_train(net, X, y, **kw)
        replace(initreg.optimizers, "adam_update", adam_update)
        replace(initreg.training, "train", train)
    """),
    Mutant("ng-without-the-2", "Ng's (λ/2m)·Σw² differentiated as (λ/2m)·w, the 2 of the square dropped: "
           "convert_l2_strength takes Ng's λ as 4m times the article's", ("regularization-views",), """
        initreg.penalties.L2_PER_EXAMPLE_CONVENTIONS["ng"] = (initreg.penalties.L2_PER_EXAMPLE_CONVENTIONS["ng"][0], 0.5)
    """),
    # --------------------------------------------------- regularization-at-work
    Mutant("es-lambda-without-the-2", "early stopping's first-order strength taken as 1/(αt), Goodfellow et al.'s "
           "α ≈ 1/(τε) read as λ in the book's λΣw² (whose Hessian adds 2λ, not λ), in equivalent_lambda and so in "
           "the L2 path and the ratio it is compared with", ("regularization-at-work",), """
        replace(initreg.early_stopping, "equivalent_lambda", lambda lr, t: 1.0 / (float(lr) * np.asarray(t)))
    """),
    Mutant("dropout-ridge-without-inversion", "input dropout's ridge weight taken as p·Σx²/(2m), the variance "
           "of a mask that is not scaled by 1/(1 − p), in dropout_ridge_weights and everything built on it (the "
           "expected cost, its gradient and its minimizer)", ("regularization-at-work",), """
        def dropout_ridge_weights(X, p):
            X = np.asarray(X, float)
            return p * (X * X).sum(axis=0) / (2.0 * X.shape[0])
        replace(initreg.dropout, "dropout_ridge_weights", dropout_ridge_weights)
    """),
    Mutant("strength-chosen-on-test", "λ, p, the decay and the stopping epoch chosen by the lowest test loss "
           "instead of the lowest validation loss (the test set used to choose)", ("regularization-at-work",), """
        R = initreg.regularization
        replace(R.Sweep, "chosen_index", property(lambda self: np.argmin(self.table("test_loss"), axis=1)))
        replace(R.UnpenalizedPath, "best_epoch", lambda self: int(self.epoch[1 + int(np.argmin(self.test_loss[1:]))]))
    """),
]


def startup_code(mutant: Mutant) -> str:
    return PRELUDE + "\n# --- mutant: " + mutant.name + " ---\n" + textwrap.dedent(mutant.code)


#: A level-2 heading of a Markdown cell: where a section of a chapter begins.
HEADING = re.compile(r"^## +(.+?)\s*$", re.M)


def cut(nb, sections: tuple[str, ...]):
    """The notebook with only its opening code cells and those of ``sections`` (``##``
    headings, as written); all of it when ``sections`` is empty. A heading that the chapter
    does not have is an error."""
    if not sections:
        return nb
    current, seen, cells = None, set(), []
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for heading in HEADING.findall(cell.source):
                current = heading
                seen.add(heading)
        elif current is None or current in sections:
            cells.append(cell)
    missing = set(sections) - seen
    if missing:
        raise ValueError(f"no section {sorted(missing)} in the chapter")
    nb.cells = cells
    return nb


#: What every run imports before it starts (the preload of the fork server): a run is a
#: fork of one process that has imported these once, not a kernel that imports them again.
PRELOAD = ["numpy", "scipy.linalg", "scipy.optimize", "scipy.stats", "sympy", "matplotlib",
           "matplotlib.pyplot", "matplotlib_inline.backend_inline", "sklearn.datasets",
           "sklearn.linear_model", "IPython.core.interactiveshell", "ipywidgets", "myst_nb",
           "nbformat", "initreg"]


def _run_env() -> dict[str, str]:
    """The environment of the fork server and so of every run: one BLAS thread (two runs
    side by side on two cores, and the chapters' sums in the order they were executed in)."""
    env = {var: "1" for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")}
    # A run looks for the claim that fails, not at the figures: nothing is displayed (see
    # run_one), and an interactive figure shown anyway would skip its static player.
    env["INITREG_NO_STATIC_PLAYER"] = "1"
    return env


class _Timeout(Exception):
    pass


def _alarm(signum, frame):  # noqa: ARG001 - signal's signature
    raise _Timeout


def run_one(mutant: Mutant | None, chapter: str, sections: tuple[str, ...],
            timeout: int) -> tuple[str, str, str, float]:
    """Execute one chapter (or its cut to ``sections``) against one mutant, or with none
    (the control): ``(mutant, chapter, verdict, seconds)``.

    The run is a fresh process of its own (forked from the fork server, with
    :data:`PRELOAD` imported), so a mutant never outlives its run. Its cells run, in order,
    in an IPython shell as a kernel runs them (magics, ``get_ipython``, the chapter's folder
    as the working directory), with display turned off: nothing is drawn for a front end.
    The mutant's code (:data:`PRELUDE`, then the mutant) runs first, as a cell of its own.

    A mutant's verdict is ``caught: <the failed claim>``, ``SURVIVED: <why>`` or ``BROKEN:
    <its code's error>``; the control's is ``clean`` or ``FAILED: <why>``.
    """
    import nbformat
    from IPython.core.interactiveshell import InteractiveShell

    name = mutant.name if mutant else "(control, no mutant)"
    t0 = time.perf_counter()
    try:
        nb = cut(nbformat.read(CHAPTERS / f"{chapter}.ipynb", as_version=4), sections)
    except ValueError as exc:
        return name, chapter, f"BROKEN: {exc}", 0.0
    os.chdir(CHAPTERS)
    # the run's prints, plots and tracebacks go nowhere: the verdict is all it reports
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    shell = InteractiveShell.instance()
    shell.display_formatter.format = lambda obj, include=None, exclude=None: ({}, {})
    shell.enable_gui = lambda gui=None: None  # `%matplotlib inline` needs no event loop (a kernel's is none)

    def run(source: str) -> BaseException | None:
        result = shell.run_cell(source, store_history=False, silent=False)
        return result.error_before_exec or result.error_in_exec

    signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(timeout)
    try:
        if mutant:
            error = run(startup_code(mutant))
            if error is not None:
                return name, chapter, f"BROKEN: its code fails: {type(error).__name__}: {error}"[:400], \
                    time.perf_counter() - t0
        for cell in nb.cells:
            if cell.cell_type != "code":
                continue
            error = run(cell.source)
            if error is None:
                continue
            secs = time.perf_counter() - t0
            if isinstance(error, _Timeout):  # the alarm rang inside the cell
                raise error
            if mutant is None:
                return name, chapter, f"FAILED: stopped on {type(error).__name__} ({error})", secs
            if isinstance(error, AssertionError):
                first = str(error).strip().splitlines()
                return name, chapter, "caught: " + (first[0] if first else "an assertion"), secs
            return name, chapter, f"SURVIVED: stopped on {type(error).__name__} ({error}), not on a claim", secs
    except _Timeout:
        verdict = "FAILED" if mutant is None else "SURVIVED"
        return name, chapter, f"{verdict}: still running after {timeout} s", time.perf_counter() - t0
    finally:
        signal.alarm(0)
    return name, chapter, "clean" if mutant is None else "SURVIVED: the chapter ran to the end", \
        time.perf_counter() - t0


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", help="run only these mutants")
    parser.add_argument("--list", action="store_true", help="list the mutants and exit")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--timeout", type=int, default=600, help="seconds per run")
    args = parser.parse_args(argv)
    names = [m.name for m in MUTANTS]
    if len(set(names)) != len(names):
        print("two mutants share a name", file=sys.stderr)
        return 2
    chosen = [m for m in MUTANTS if not args.only or m.name in args.only]
    if args.only and len(chosen) != len(set(args.only)):
        print(f"unknown mutant(s): {sorted(set(args.only) - set(names))}", file=sys.stderr)
        return 2
    if args.list:
        for m in chosen:
            where = ", ".join(m.chapters) + (f" ({'; '.join(m.sections)})" if m.sections else "")
            print(f"{m.name:36} {where:40} {m.mistake}")
        return 0
    failed = []
    for m in chosen:
        bad = [c for c in m.chapters if not (CHAPTERS / f"{c}.ipynb").exists()]
        if bad:
            failed.append(m.name)
            print(f"BROKEN {m.name}: no chapter {bad}", flush=True)
    jobs = [(m, c, m.sections) for m in chosen if m.name not in failed for c in m.chapters]
    # every cut chapter also runs once without a mutant, and must run clean
    controls = sorted({(c, s) for _, c, s in jobs if s})
    jobs += [(None, c, s) for c, s in controls]
    jobs.sort(key=lambda job: bool(job[2]))  # the whole chapters first: the two queues end together
    print(f"{len(chosen)} mutants, {len(jobs)} chapter runs ({len(controls)} of them controls of a cut "
          f"chapter), {args.workers} at a time", flush=True)
    t0 = time.perf_counter()
    os.environ.update(_run_env())
    forks = multiprocessing.get_context("forkserver")
    forks.set_forkserver_preload(PRELOAD)
    with ProcessPoolExecutor(max(1, args.workers), mp_context=forks, max_tasks_per_child=1) as pool:
        futures = {pool.submit(run_one, m, c, s, args.timeout): s for m, c, s in jobs}
        for fut in as_completed(futures):
            name, chapter, verdict, secs = fut.result()
            where = chapter + "".join(f" § {h[:24]}" for h in futures[fut])
            print(f"  {name:36} {where:50} {secs:5.1f} s  {verdict}", flush=True)
            if not (verdict.startswith("caught") or verdict == "clean"):
                failed.append(name if not name.startswith("(control") else f"the control of {where}")
    print(f"{len(jobs)} runs in {time.perf_counter() - t0:.0f} s", flush=True)
    if failed:
        print(f"not caught, or broken: {', '.join(sorted(set(failed)))}", file=sys.stderr)
        return 1
    print(f"every mutant caught ({len(chosen)})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
