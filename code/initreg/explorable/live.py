"""The live view of an :class:`~.figure.Explorable`: ipywidgets controls driven by the kernel.

One figure is kept (:class:`~.render.Canvas`); every change of a control calls ``update``
and renders it once. A time slider gets an ipywidgets ``Play`` button, linked to the
slider in the front end, that steps through its positions and stops at the end.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

from .controls import Slider

if TYPE_CHECKING:  # pragma: no cover
    from .figure import Explorable

#: Milliseconds per position of a playing time slider, as in the static player.
PLAY_MS = 700


def widget(ex: "Explorable") -> Any:
    """The controls above the figure, redrawn on every change."""
    import ipywidgets as w

    cv = ex.canvas()
    ctls = [c.widget() for c in ex.controls]
    image = w.Image(format="png", layout=w.Layout(max_width="100%"))
    status = w.HTML()

    def refresh(_change: object = None) -> None:
        vals = {c.name: wid.value for c, wid in zip(ex.controls, ctls)}
        try:
            cv.show(vals)
            image.value = cv.png(fast=True)
            status.value = ""
        except (ValueError, TypeError) as exc:  # a bad combination: say so, keep the widget
            status.value = f"<b>Cannot draw this combination:</b> {html.escape(str(exc))}"

    row = []
    for c, wid in zip(ex.controls, ctls):
        wid.observe(refresh, names="value")
        if isinstance(c, Slider) and c.play:
            n = len(c.values)
            play = w.Play(value=c.values.index(c.default), min=0, max=n - 1, step=1, interval=PLAY_MS,
                          description=f"Play {c.text}", repeat=False, show_repeat=False)
            if c.continuous:
                play.observe(lambda ch, wid=wid, c=c: setattr(wid, "value", c.values[ch["new"]]), names="value")
            else:
                w.jslink((play, "value"), (wid, "index"))
            row.append(w.HBox([play, wid]))
        else:
            row.append(wid)
    refresh()
    return w.VBox([w.HBox(row, layout=w.Layout(flex_flow="row wrap")), image, status,
                   w.HTML(f"<em>{html.escape(ex.caption)}</em>")])
