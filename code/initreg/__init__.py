"""initreg: the code behind the book *Initialization and Regularization*.

One module per concept, in the order of the book:

==================  ===============================================================
``datasets``        the toy 2-D sets and the real digits data
``initializers``    the initialization schemes and their variances (Part I)
``network``         the network engine: forward and backward passes
``training``        gradient descent, full batch or minibatch, with divergence checks
``regularizers``    L1/L2 penalties, their update rules and proximal steps (Part II)
``generalization``  under- and over-fitting, measured (the introduction)
``plotting``        the book's colours and common plots
``explorable``      interactive figures, live in Jupyter and static in HTML
==================  ===============================================================

Every public name is importable from ``initreg`` directly.
"""

from .datasets import *  # noqa: F401,F403
from .initializers import *  # noqa: F401,F403
from .network import *  # noqa: F401,F403
from .training import *  # noqa: F401,F403
from .regularizers import *  # noqa: F401,F403
from .generalization import *  # noqa: F401,F403
from .plotting import *  # noqa: F401,F403
from .explorable import *  # noqa: F401,F403

from . import (datasets, initializers, network, training, regularizers, generalization,  # noqa: E402
               plotting, explorable)

__version__ = "0.1.0"
__all__ = [name for mod in (datasets, initializers, network, training, regularizers, generalization,
                                plotting, explorable)
           for name in mod.__all__]
