"""Interactive figures written once, shown live in Jupyter and as precomputed frames in HTML.

A figure is one drawing, ``setup`` + ``update``, with its controls and panels
(:class:`Explorable`). Displayed in a notebook it offers one MIME bundle with every view:

* ``application/vnd.jupyter.widget-view+json``: live ipywidgets controls driven by the
  kernel (:mod:`.live`; Jupyter, Binder, Thebe), a play button on time sliders;
* ``text/html``: a self-contained player (:mod:`.static`), with every panel image
  precomputed, native labelled controls and a little JavaScript, for the static book;
* ``image/png``: the default frame (print, and anything that cannot show HTML);
* ``text/plain``: a one-line summary.

The book's HTML build drops the widget view (``nb_mime_priority_overrides`` in
``_config.yml``) and loads :mod:`initreg._sphinx`, which keeps the widgets' saved state out
of the pages. This subpackage imports nothing of the rest of :mod:`initreg` but its
argument checks: it is the machinery the figures are written on.

=================  =======================================================
``controls``       :class:`Choice` and :class:`Slider`
``figure``         :class:`Explorable`, :class:`Panel`, :func:`add_cursor`
``render``         the kept figure, panel images, PNG encoding
``static``         the static player, from ``templates/``
``live``           the ipywidgets view
``raster``         the one rendering speed-up: text drawn once per state
=================  =======================================================
"""

from __future__ import annotations

from collections.abc import Callable

from .controls import MIN_POSITIONS, SLIDER_KINDS, Choice, Slider
from .figure import Explorable, Panel, add_cursor
from .raster import cache_raster

__all__ = ["Choice", "Slider", "Panel", "Explorable", "add_cursor", "cache_raster", "FIGURES", "register_figure",
           "MIN_POSITIONS", "SLIDER_KINDS"]

#: Every interactive figure of the book, by name: a function that builds its Explorable.
#: The tests draw every panel image of each, and the benchmark times them.
FIGURES: dict[str, Callable[[], Explorable]] = {}


def register_figure(factory: Callable[[], Explorable]) -> Callable[[], Explorable]:
    """Decorator: list an Explorable factory in :data:`FIGURES` under its function name."""
    FIGURES[factory.__name__] = factory
    return factory
