"""The one rendering speed-up of the explorable machinery: text drawn once per state.

Text is what a live frame costs: matplotlib lays out and renders every tick label, axis
label and legend entry glyph by glyph on every draw, even when nothing about it changed.
:func:`cache_raster` puts a proxy in an artist's place that renders it once per state (a
key naming everything that changes its pixels) into a transparent buffer and pastes those
pixels on later Agg draws. A figure's ``setup`` uses it for axes whose limits take few
values, and for legends; ``make bench`` shows which live figures need it for the 150 ms goal.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable

import numpy as np
from matplotlib.artist import Artist
from matplotlib.axis import Axis
from matplotlib.backends.backend_agg import RendererAgg

from .. import _validate as v

__all__ = ["cache_raster"]


def cache_raster(artist: Artist, key: Callable[[], object] | None = None, *, size: int = 32) -> Artist:
    """Draw ``artist`` from rasters kept per ``key()`` (the ``size`` most recent states).

    ``key`` must name everything that changes the artist's pixels; for an :class:`Axis`
    it defaults to the axes' position, the view limits and the axis label. The proxy is
    added to the artist's parent (same zorder) and returned: hide or show the proxy, not
    the artist. Other renderers (PDF, the layout pass) draw the artist itself.
    """
    if not isinstance(artist, Artist):
        raise TypeError(f"artist must be a matplotlib Artist (an Axis, a legend, a text); got {type(artist).__name__}")
    if key is not None and not callable(key):
        raise TypeError(f"key must be a function () -> state (or None for an Axis); got {type(key).__name__}")
    size = v.positive_int(size, "size")
    if key is None:
        if not isinstance(artist, Axis):
            raise TypeError("key is required for an artist that is not an Axis")
        key = _axis_key(artist)
    proxy = RasterCache(artist, key, size)
    parent = artist.axes if artist.axes is not None else artist.get_figure(root=False)
    parent.add_artist(proxy)
    return proxy


#: A rendered artist's pixels, cropped to what it covers: (RGBA rows bottom first, x, y).
Stamp = tuple[np.ndarray, int, int]


def _stamp(draw: Callable[[RendererAgg], object], off: RendererAgg) -> Stamp | None:
    """Render ``draw`` into the transparent offscreen renderer ``off``; crop what it covered."""
    off.clear()
    draw(off)
    rgba = np.asarray(off.buffer_rgba())
    rows = np.flatnonzero(rgba[..., 3].any(axis=1))
    if rows.size == 0:
        return None
    cols = np.flatnonzero(rgba[..., 3].any(axis=0))
    # draw_image takes the bottom row first, placed by its distance from the bottom
    return (rgba[rows[-1]:(rows[0] - 1 if rows[0] else None):-1, cols[0]:cols[-1] + 1].copy(),
            int(cols[0]), rgba.shape[0] - 1 - int(rows[-1]))


def _paste(renderer: RendererAgg, stamp: Stamp | None) -> None:
    """Composite a :func:`_stamp` onto an Agg renderer of the same size and dpi."""
    if stamp is not None:
        gc = renderer.new_gc()
        renderer.draw_image(gc, stamp[1], stamp[2], stamp[0])
        gc.restore()


class RasterCache(Artist):
    """Stands in for ``artist`` (hidden itself) and draws it from rasters kept per ``key()``.

    (Made by :func:`cache_raster`.)

    For an :class:`Explorable`'s ``setup``: ``ax.add_artist(RasterCache(ax.xaxis,
    _axis_key(ax.xaxis)))`` makes an axis whose limits do not change cost one blit per frame.

    Text is what a live frame costs: matplotlib lays out and renders every tick label,
    axis label and legend entry glyph by glyph on every draw, even when it has not changed.
    This proxy, added in the artist's place (same parent, same zorder), renders the artist
    once per state into a transparent Agg buffer of the canvas's size, keeps the cropped
    pixels (the ``size`` most recent states) and blits them on later Agg draws, so a frame
    lays out only the text that changed. ``key()`` must name everything that changes the
    artist's pixels (view limits, texts, visibility of parts). Other renderers (PDF, SVG,
    the layout pass) get the artist itself. Hide or show the proxy, not the artist.
    """

    def __init__(self, artist: Artist, key: Callable[[], object], size: int = 32) -> None:
        super().__init__()
        self._artist, self._key, self._size = artist, key, size
        self._cache: OrderedDict[object, Stamp | None] = OrderedDict()
        self._off: tuple[tuple[int, int, float], RendererAgg] | None = None
        artist.set_visible(False)
        self.set_zorder(artist.get_zorder())
        # not clipped to the axes (tick labels lie outside them), so that the axes' tight
        # bounding box counts the proxy in
        self.set_clip_on(False)

    def _shown(self, method: str, renderer: object) -> object:
        self._artist.set_visible(True)
        try:
            return getattr(self._artist, method)(renderer)
        finally:
            self._artist.set_visible(False)

    def _draw_artist(self, renderer: object) -> None:
        self._shown("draw", renderer)

    # layout engines and savefig(bbox_inches="tight") measure the artist through its proxy
    def get_window_extent(self, renderer: object = None) -> object:
        return self._shown("get_window_extent", renderer)

    def get_tightbbox(self, renderer: object = None) -> object:
        return self._shown("get_tightbbox", renderer)

    def draw(self, renderer: object) -> None:
        if not self.get_visible():
            return
        if not isinstance(renderer, RendererAgg):
            self._draw_artist(renderer)
            return
        w, h = int(renderer.width), int(renderer.height)
        key = (w, h, renderer.dpi, self._key())
        if key in self._cache:
            self._cache.move_to_end(key)
        else:
            # one offscreen renderer per size and dpi: its text metrics cache stays warm
            if self._off is None or self._off[0] != key[:3]:
                self._off = (key[:3], RendererAgg(w, h, renderer.dpi))
            self._cache[key] = _stamp(self._draw_artist, self._off[1])
            while len(self._cache) > self._size:
                self._cache.popitem(last=False)
        _paste(renderer, self._cache[key])


def _axis_key(axis: object) -> Callable[[], object]:
    """A :class:`RasterCache` key for an axis whose ticks follow its limits: the axes'
    position, the view limits and the axis label."""
    ax = axis.axes  # type: ignore[attr-defined]
    return lambda: (tuple(ax.get_position().bounds), tuple(axis.get_view_interval()),  # type: ignore[attr-defined]
                    axis.label.get_text())  # type: ignore[attr-defined]
