"""initreg: the code behind the book *Initialization and Regularization*.

One module per concept, in the order of the book:

==================  ===============================================================
``datasets``        the toy 2-D sets and the real digits data
``network``         the network engine: forward and backward passes
``training``        gradient descent, full batch or minibatch, with divergence checks
``generalization``  under- and over-fitting, measured (the introduction)
``initializers``    the initialization schemes and their variances (Part I)
``playground``      initialization on the toy sets: symmetry, too small, too large (Part I)
``derivations``     SymPy derivations: variance propagation, update rules (Parts I, II)
``diagnostics``     per-layer statistics of activations and gradients (Part I)
``deep``            deep networks reproduced from the papers (Part I)
``regularizers``    L1/L2 penalties, update rules, proximal steps, exact optima (Part II)
``weights``         what the penalties do to a trained network's weights (Part II)
``landscapes``      two-parameter loss landscapes and regularization paths (Part II)
``plotting``        the book's colours and common plots
``explorable``      interactive figures, live in Jupyter and static in HTML
``claims``          the numbers a chapter quotes and the claims it checks (every chapter)
==================  ===============================================================

Every public name is importable from ``initreg`` directly.
"""

from .datasets import *  # noqa: F401,F403
from .network import *  # noqa: F401,F403
from .training import *  # noqa: F401,F403
from .generalization import *  # noqa: F401,F403
from .initializers import *  # noqa: F401,F403
from .playground import *  # noqa: F401,F403
from .derivations import *  # noqa: F401,F403
from .diagnostics import *  # noqa: F401,F403
from .deep import *  # noqa: F401,F403
from .regularizers import *  # noqa: F401,F403
from .weights import *  # noqa: F401,F403
from .landscapes import *  # noqa: F401,F403
from .plotting import *  # noqa: F401,F403
from .explorable import *  # noqa: F401,F403
from .claims import *  # noqa: F401,F403

from . import (  # noqa: E402
    datasets, network, training, generalization, initializers, playground, derivations,
    diagnostics, deep, regularizers, weights, landscapes, plotting, explorable, claims,
)

__version__ = "0.1.0"
_MODULES = (datasets, network, training, generalization, initializers, playground, derivations, diagnostics, deep, regularizers, weights, landscapes, plotting, explorable, claims)
__all__ = [name for mod in _MODULES for name in mod.__all__]
