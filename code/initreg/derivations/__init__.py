"""Symbolic derivations with SymPy, each checked numerically in its chapter.

``variance``   Var(z) = n·Var(w)·Var(x) and the Xavier, Glorot and He rules (Part I)
``penalties``  the L1 and L2 update rules from their regularized costs (Part II)
``priors``     the penalties as Gaussian and Laplace priors: the MAP estimate (Part II)
"""

from .variance import *  # noqa: F401,F403
from .penalties import *  # noqa: F401,F403
from .priors import *  # noqa: F401,F403
from . import variance, penalties, priors  # noqa: E402

__all__ = [*variance.__all__, *penalties.__all__, *priors.__all__]
