"""The kept figure of an :class:`~.figure.Explorable` and how it becomes pixels.

:class:`Canvas` holds one figure, set up once; ``show`` updates it to a setting of the
controls and renders it with Agg. A panel can be rendered alone (its subfigure only, which
costs a fraction of the whole figure) and cut out of the canvas, with its cursors hidden,
for the static player. Frames are encoded from the rendered buffer (no second render by
``savefig``): fast PNG live, a palette PNG of few colours for the static book.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure, SubFigure
from matplotlib.text import Text

from .figure import cursor_lines

if TYPE_CHECKING:  # pragma: no cover
    from PIL.Image import Image

    from .figure import Explorable, Panel

#: Colours of a static frame: plots of a few line colours, greys and text anti-aliasing
#: look the same with 64 as with 256, at half the bytes (measured on the book's panels).
PALETTE_COLORS = 64


class Canvas:
    """One kept figure of an :class:`~.figure.Explorable`."""

    def __init__(self, ex: "Explorable", fig: Figure, panels: dict[str, Figure | SubFigure], state: Any) -> None:
        self.ex, self.fig, self.panels, self.state = ex, fig, panels, state
        self.agg = FigureCanvasAgg(fig)
        self._cursor_lines: dict[str, list[Any]] = {}

    def cursors(self, panel: "Panel") -> list[Any]:
        """The cursor lines of a panel (found once: a setup adds them, updates move them)."""
        if panel.name not in self._cursor_lines:
            self._cursor_lines[panel.name] = cursor_lines(self.panels[panel.name])
        return self._cursor_lines[panel.name]

    # ----------------------------------------------------------------- drawing
    def apply(self, values: Mapping[str, Any]) -> None:
        """Update the artists to ``values`` (no rendering)."""
        self.ex.call(self.state, values)

    def show(self, values: Mapping[str, Any]) -> Figure:
        """Update the figure to ``values`` and render the whole figure once."""
        self.apply(values)
        self.agg.draw()
        return self.fig

    def _box(self, panel: "Panel") -> tuple[int, int, int, int]:
        """The panel's pixel box in the canvas, ``(left, top, right, bottom)``, rows from the top."""
        sub = self.panels[panel.name]
        w, h = self.agg.get_width_height()
        if sub is self.fig:
            return 0, 0, w, h
        x0, y0, x1, y1 = sub.bbox.extents
        # clamped to the canvas: a figure width that is not a whole number of pixels puts the
        # last panel's edge half a pixel outside, and a crop there would add a black column
        return (max(0, int(round(x0))), max(0, int(round(h - y1))), min(w, int(round(x1))),
                min(h, int(round(h - y0))))

    def render_panel(self, panel: "Panel", *, cursors: bool = False) -> None:
        """Render ``panel`` alone into the canvas's buffer, the cursor of the control it declares
        as ``panel.cursor`` hidden unless ``cursors`` (the player draws that one). A cursor line
        the panel does not declare, as in a figure fixed by ``Explorable.at``, is drawn."""
        sub = self.panels[panel.name]
        hidden = [] if cursors else [c for c in self.cursors(panel) if c.get_visible()
                                     and c._ix_cursor == panel.cursor]  # type: ignore[attr-defined]
        for c in hidden:
            c.set_visible(False)
        try:
            renderer = self.agg.get_renderer()
            renderer.clear()
            sub.draw(renderer)
        finally:
            for c in hidden:
                c.set_visible(True)

    def panel_image(self, panel: "Panel") -> "Image":
        """The last rendered pixels of ``panel``, an RGB image."""
        from PIL import Image

        img = Image.frombuffer("RGBA", self.agg.get_width_height(), self.agg.buffer_rgba(), "raw", "RGBA", 0, 1)
        return img.crop(self._box(panel)).convert("RGB")

    def panel_pixels(self, panel: "Panel", values: Mapping[str, Any]) -> bytes:
        """The bytes of ``panel`` at ``values``, as the static player draws it (for checks)."""
        self.apply(values)
        self.render_panel(panel)
        return self.panel_image(panel).tobytes()

    def pixels(self) -> bytes:
        """The last rendered frame of the whole figure, RGBA bytes."""
        return bytes(self.agg.buffer_rgba())

    def png(self, *, fast: bool = False) -> bytes:
        """The last rendered whole figure as PNG: quick to encode live (``fast``), else a
        palette PNG as the static book stores it."""
        from PIL import Image

        img = Image.frombuffer("RGBA", self.agg.get_width_height(), self.agg.buffer_rgba(), "raw", "RGBA", 0, 1)
        return encode(img.convert("RGB"), fast=fast)

    # -------------------------------------------------------------- measuring
    def text_px(self, panel: "Panel") -> float:
        """The smallest font of the panel's shown text, in the frame's pixels: visible texts,
        and the texts a :func:`~.raster.cache_raster` proxy draws from its rasters (the proxy
        hides its artist). A panel with no text gives infinity."""
        from .raster import RasterCache

        sub = self.panels[panel.name]
        texts = [t for t in sub.findobj(Text) if t.get_visible()]
        for proxy in sub.findobj(lambda a: isinstance(a, RasterCache)):
            if proxy.get_visible():
                texts += [t for t in proxy._artist.findobj(Text)
                          if t is proxy._artist or t.get_visible()]
        sizes = [t.get_fontsize() for t in texts if t.get_text().strip() and t.get_figure(root=True) is self.fig]
        return min(sizes) * self.fig.dpi / 72.0 if sizes else float("inf")

    def cursor_line(self, panel: "Panel") -> Any:
        """The line that :func:`~.figure.add_cursor` made for the panel's declared cursor."""
        found = [c for c in self.cursors(panel) if c._ix_cursor == panel.cursor]  # type: ignore[attr-defined]
        if not found:
            raise ValueError(f"panel {panel.name!r} declares the cursor {panel.cursor!r} but its setup "
                             "added none (initreg.explorable.add_cursor)")
        return found[0]

    def cursor_position(self, panel: "Panel", x: float | None = None) -> dict[str, float] | None:
        """Where the panel's cursor is drawn, as fractions of the panel's image:
        ``{"x", "top", "bottom"}``, or None when it is hidden or off the axes. ``x`` (data
        coordinates) places it there instead of where the last update put it."""
        line = self.cursor_line(panel)
        if x is None:
            if not line.get_visible():
                return None
            x = float(np.asarray(line.get_xdata(), dtype=float)[0])
        ax = line.axes
        left, top, right, bottom = self._box(panel)
        _, h = self.agg.get_width_height()
        px = ax.transData.transform((x, 0.0))[0]
        a0, a1 = ax.bbox.x0, ax.bbox.x1
        if not a0 - 0.5 <= px <= a1 + 0.5:
            return None
        width, height = right - left, bottom - top
        return {"x": round((px - left) / width, 5),
                "top": round((h - ax.bbox.y1 - top) / height, 5),
                "bottom": round((h - ax.bbox.y0 - top) / height, 5)}


def encode(img: "Image", *, fast: bool = False) -> bytes:
    """PNG bytes of an RGB image: zlib level 1 (``fast``, live) or a palette of
    :data:`PALETTE_COLORS` colours, without dithering, at zlib level 8 (the static book).

    The palette comes from a fast octree: on the book's panels it encodes in about half
    the time of median cut, and the files are a tenth smaller; zlib level 8 is twice as
    fast as level 9 for 1.5% more bytes.
    """
    from PIL import Image

    out = io.BytesIO()
    if fast:
        img.save(out, format="PNG", compress_level=1)
    else:
        q = img.quantize(colors=PALETTE_COLORS, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
        # the octree averages a white background with the light greys near it: put the
        # whitest entry back to white, or the background shows as a grey box on a white card
        pal = q.getpalette()
        n = len(pal) // 3
        sums = [sum(pal[3 * i:3 * i + 3]) for i in range(n)]
        i = max(range(n), key=sums.__getitem__)
        if min(pal[3 * i:3 * i + 3]) >= 240:
            pal[3 * i:3 * i + 3] = [255, 255, 255]
            q.putpalette(pal)
        q.save(out, format="PNG", compress_level=8)
    return out.getvalue()
