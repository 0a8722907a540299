"""initreg: the code behind the book *Initialization and Regularization*.

One module per concept, in the order of the book, in three layers that import downward only.

**Mathematics and engine** (no plotting):

==================  ===============================================================
``datasets``        the toy 2-D sets and the real digits data
``initializers``    the initialization schemes and their variances (Part I)
``network``         the network engine: forward and backward passes
``training``        gradient descent, full batch or minibatch, with divergence checks
``optimizers``      Adam, with the L2 penalty in its gradient or decoupled decay (AdamW)
``penalties``       L1/L2 penalties, update rules, proximal steps, L2 conventions (Part II)
``minimizers``      exact minimizers and paths of penalized least squares (Part II)
``derivations``     SymPy derivations: variance propagation, update rules (Parts I, II)
``claims``          the numbers a chapter quotes and the claims it checks (every chapter)
``tables``          tables of results, as HTML and as text
==================  ===============================================================

**Experiments** (no plotting), one per chapter topic, each returning plain results:

==================  ===============================================================
``generalization``  under- and over-fitting, measured (the introduction)
``playground``      initialization on the toy sets: symmetry, too small, too large
``propagation``     random inputs through random deep networks, layer by layer (Part I)
``diagnostics``     per-layer statistics of activations and gradients (Part I)
``deep``            deep networks reproduced from the papers (Part I)
``meanfield``       the length and correlation maps, the edge of chaos, trainability (Part I)
``isometry``        Jacobian spectra at initialization: dynamical isometry (Part I)
``deeplinear``      deep linear networks: Saxe et al.'s orthogonal initialization (Part I)
``residual``        residual networks' variance through depth: 1/√N scaling, Fixup (Part I)
``lsuv``            data-dependent initialization: Mishkin and Matas's LSUV (Part I)
``frameworks``      what PyTorch, Keras and Flax draw, reimplemented from their source (Part I)
``weights``         what the penalties do to a trained network's weights (Part II)
``landscapes``      two-parameter loss landscapes and regularization paths (Part II)
``regularization``  when a regularizer helps: seeded small-data sweeps (Part II)
``early_stopping``  early stopping against L2: gradient descent and ridge (Part II)
``dropout``         input dropout on linear regression as a ridge penalty (Part II)
``bayes``           the penalties as priors: MAP estimates, Bayes risk (Part II)
``decoupled``       weight decay against L2 under Adam, weight by weight (Part II)
==================  ===============================================================

**Figures** (``figures``, one module per chapter) are drawn on the **explorable**
machinery (``explorable``: one drawing, live in Jupyter and static in HTML). Both are
imported on first use, so the layers above work without matplotlib and ipywidgets.

Every public name is importable from ``initreg`` directly.
"""

from importlib import import_module as _import
from typing import Any as _Any

from .datasets import *  # noqa: F401,F403
from .initializers import *  # noqa: F401,F403
from .network import *  # noqa: F401,F403
from .training import *  # noqa: F401,F403
from .optimizers import *  # noqa: F401,F403
from .penalties import *  # noqa: F401,F403
from .minimizers import *  # noqa: F401,F403
from .derivations import *  # noqa: F401,F403
from .claims import *  # noqa: F401,F403
from .tables import *  # noqa: F401,F403
from .generalization import *  # noqa: F401,F403
from .playground import *  # noqa: F401,F403
from .propagation import *  # noqa: F401,F403
from .diagnostics import *  # noqa: F401,F403
from .deep import *  # noqa: F401,F403
from .meanfield import *  # noqa: F401,F403
from .isometry import *  # noqa: F401,F403
from .deeplinear import *  # noqa: F401,F403
from .residual import *  # noqa: F401,F403
from .lsuv import *  # noqa: F401,F403
from .frameworks import *  # noqa: F401,F403
from .weights import *  # noqa: F401,F403
from .landscapes import *  # noqa: F401,F403
from .regularization import *  # noqa: F401,F403
from .early_stopping import *  # noqa: F401,F403
from .dropout import *  # noqa: F401,F403
from .bayes import *  # noqa: F401,F403
from .decoupled import *  # noqa: F401,F403

from . import (  # noqa: E402
    datasets, initializers, network, training, optimizers, penalties, minimizers, derivations, claims, tables,
    generalization, playground, propagation, diagnostics, deep, weights, landscapes,
    meanfield, isometry, deeplinear, residual, lsuv, frameworks,
    bayes, decoupled,
    regularization, early_stopping, dropout,
)

__version__ = "0.1.0"
_MODULES = (datasets, initializers, network, training, optimizers, penalties, minimizers, derivations, claims, tables,
            generalization, playground, propagation, diagnostics, deep, weights, landscapes,
            meanfield, isometry, deeplinear, residual, lsuv, frameworks,
            bayes, decoupled,
            regularization, early_stopping, dropout)
#: The two packages imported on first use: the figures and the machinery they are drawn on.
_LAZY = ("figures", "explorable")
_EAGER_NAMES = [name for mod in _MODULES for name in mod.__all__]


def _lazy_names() -> dict[str, str]:
    """Every public name of the lazy packages, by the package that holds it."""
    out = {}
    for pkg in _LAZY:
        mod = _import(f".{pkg}", __name__)
        out.update({n: pkg for n in mod.__all__})
    return out


def __getattr__(name: str) -> _Any:
    if name in _LAZY:
        return _import(f".{name}", __name__)
    if name == "__all__":
        return _EAGER_NAMES + list(_lazy_names())
    if not name.startswith("_"):
        where = _lazy_names().get(name)
        if where is not None:
            return getattr(_import(f".{where}", __name__), name)
    raise AttributeError(f"module 'initreg' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EAGER_NAMES) | set(_LAZY) | set(_lazy_names()))
