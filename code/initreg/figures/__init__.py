"""The book's figures, one module per chapter; every figure is drawn by one function.

Each figure is an :class:`initreg.explorable.Explorable`: the same drawing serves the
figure on the page, the live ipywidgets view and every precomputed frame of the static
player. The modules take the experiments' results and draw them; nothing here computes
an experiment that a chapter reports.

=======================  ==========================================================
``style``                the book's colours (Okabe–Ito) and shared drawings
``introduction``         capacity and training-time curves ({ref}`chap-intro`)
``why_initialization``   the linear chain, equal units, the toy playground ({ref}`chap-why`)
``derivation``           tanh's variance and the three regimes ({ref}`chap-derivation`)
``deep_networks``        the papers' deep networks and the playground ({ref}`chap-deep`)
``beyond_xavier``        mean field, trainability, Jacobian spectra, the explorer ({ref}`chap-beyond`)
``beyond_xavier_b``      deep linear and residual networks, LSUV ({ref}`chap-beyond`)
``update_rules``         each update rule with the data off ({ref}`chap-update-rules`)
``trained_weights``      trained weights under each penalty ({ref}`chap-trained-weights`)
``landscapes``           penalized landscapes and their minimizers ({ref}`chap-landscapes`)
``at_work``              sweeps over seeds, early stopping as L2, the explorer ({ref}`chap-at-work`)
``views``                the posterior, Adam's decay per weight, the tuning grids ({ref}`chap-views`)
=======================  ==========================================================
"""

from .style import *  # noqa: F401,F403
from .introduction import *  # noqa: F401,F403
from .why_initialization import *  # noqa: F401,F403
from .derivation import *  # noqa: F401,F403
from .deep_networks import *  # noqa: F401,F403
from .beyond_xavier import *  # noqa: F401,F403
from .beyond_xavier_b import *  # noqa: F401,F403
from .update_rules import *  # noqa: F401,F403
from .trained_weights import *  # noqa: F401,F403
from .landscapes import *  # noqa: F401,F403
from .at_work import *  # noqa: F401,F403
from .views import *  # noqa: F401,F403
from . import (  # noqa: E402
    style, introduction, why_initialization, derivation, deep_networks, beyond_xavier, update_rules, trained_weights, landscapes,
    beyond_xavier_b,
    views,
    at_work,
)

_MODULES = (style, introduction, why_initialization, derivation, deep_networks, beyond_xavier, update_rules, trained_weights,
            landscapes, beyond_xavier_b,
            views,
            at_work)
__all__ = [name for mod in _MODULES for name in mod.__all__]
