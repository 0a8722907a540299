"""The book's figures, one module per chapter; every figure is drawn by one function.

Each figure is an :class:`initreg.explorable.Explorable`: the same drawing serves the
figure on the page, the live ipywidgets view and every precomputed frame of the static
player. The modules import the experiments' results and draw them; nothing here computes
an experiment.

=======================  ==========================================================
``style``                the book's colours (Okabe–Ito) and shared drawings
``introduction``         capacity and training-time curves ({ref}`chap-intro`)
``update_rules``         each update rule with the data off ({ref}`chap-update-rules`)
=======================  ==========================================================
"""

from .style import *  # noqa: F401,F403
from .introduction import *  # noqa: F401,F403
from .update_rules import *  # noqa: F401,F403
from . import style, introduction, update_rules  # noqa: E402

_MODULES = (style, introduction, update_rules)
__all__ = [name for mod in _MODULES for name in mod.__all__]
