"""The static player: every panel image precomputed, controls and a little JavaScript.

For each panel, :func:`panel_frames` renders one image per combination of the controls the
panel depends on (the others at their defaults), stores identical images once, and records
where the panel's cursor stands at every value of its control. :func:`player_html` writes
the player from the template files in ``templates/``: native, labelled controls that work
with the keyboard (a play button for time sliders; space toggles it), one ``<img>`` per
panel (the panels wrap into a column on a narrow screen), the caption, and the frames as
data URLs in a JSON block, so the page needs no kernel and no network.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
from functools import lru_cache
from importlib import resources
from string import Template
from typing import TYPE_CHECKING, Any

from .controls import Choice, grid_of
from .render import encode

if TYPE_CHECKING:  # pragma: no cover
    from .figure import Explorable, Panel

#: Frames are embedded as data URLs: the page needs no file and no network to show them.
DATA_URL = "data:image/png;base64,"
#: The accessible name of a player's group of controls.
CONTROLS_LABEL = "Figure controls"
#: CSS pixels per inch: a panel ``w`` inches wide is shown ``w × 96`` CSS pixels wide.
CSS_DPI = 96


@lru_cache(maxsize=None)
def _templates() -> dict[str, Template]:
    """The blocks of ``templates/player.html`` (``<!-- block: NAME -->``), the CSS and the JS."""
    root = resources.files(__package__) / "templates"
    blocks: dict[str, Template] = {}
    name = None
    lines: list[str] = []
    for line in (root / "player.html").read_text(encoding="utf-8").splitlines():
        if line.startswith("<!-- block: "):
            if name:
                blocks[name] = Template("\n".join(lines).strip())
            name, lines = line[len("<!-- block: "):].split(" ")[0], []
        elif name:
            lines.append(line)
    if name:
        blocks[name] = Template("\n".join(lines).strip())
    blocks["css"] = Template((root / "player.css").read_text(encoding="utf-8"))
    blocks["js"] = Template((root / "player.js").read_text(encoding="utf-8"))
    return blocks


def panel_frames(ex: "Explorable", panel: "Panel", *, images: bool = True, cv: Any = None) -> dict[str, Any]:
    """Every image of ``panel``: ``{"combos", "images", "index", "cursor", "alts", "text_px"}``.

    ``combos`` are the combinations of the controls it depends on (last fastest), ``index``
    maps each to its image in ``images`` (unique base64 PNGs), ``alts`` its alt text (with
    the cursor's control at every value, if it has one), ``cursor`` the cursor's position at
    every value of its control, per combination.
    """
    deps = ex.depends(panel)
    combos = ex.combinations(deps)
    cv = ex.canvas() if cv is None else cv
    pngs: list[str] = []
    seen: dict[str, int] = {}
    index: list[int] = []
    cursor: list[list[dict[str, float] | None]] = []
    alts: list[Any] = []
    cur_grid = grid_of(ex.control(panel.cursor)) if panel.cursor else None
    for vals in combos:
        cv.apply(vals)
        cv.render_panel(panel)
        if images:
            img = cv.panel_image(panel)
            key = hashlib.sha1(img.tobytes()).hexdigest()  # identical pixels are encoded once
            if key not in seen:
                seen[key] = len(pngs)
                pngs.append(base64.b64encode(encode(img)).decode("ascii"))
            index.append(seen[key])
        if cur_grid is None:
            alts.append(ex.alt_text(panel, **vals))
        else:
            at, alt = [], []
            place = getattr(cv.cursor_line(panel), "_ix_at", None)
            for c in cur_grid:
                moved = vals | {panel.cursor: c}
                if place is None:  # run the update and read where it put the line
                    cv.apply(moved)
                    at.append(cv.cursor_position(panel))
                else:
                    x = place(c)
                    at.append(None if x is None else cv.cursor_position(panel, float(x)))
                alt.append(ex.alt_text(panel, **moved))
            cursor.append(at)
            alts.append(alt)
    cv.apply(ex.defaults)
    cv.render_panel(panel)
    left, top, right, bottom = cv._box(panel)
    return {"size": (right - left, bottom - top), "combos": combos, "images": pngs, "index": index, "cursor": cursor or None, "alts": alts,
            "text_px": round(cv.text_px(panel), 2), "deps": deps}


def player_html(ex: "Explorable", cv: Any = None) -> str:
    """The self-contained HTML player of ``ex`` (see the module docstring), drawn on the kept
    figure ``cv`` (one :meth:`~.figure.Explorable.canvas` for every panel)."""
    cv = ex.canvas() if cv is None else cv
    t = _templates()
    uid = html.escape(ex.name)
    names = [c.name for c in ex.controls]
    grids = [grid_of(c) for c in ex.controls]
    start = [g.index(c.default) for c, g in zip(ex.controls, grids)]
    controls = []
    for i, (c, g) in enumerate(zip(ex.controls, grids)):
        cid = f"{uid}-{c.name}"
        if isinstance(c, Choice):
            opts = "".join(f'<option value="{j}"{" selected" if j == start[i] else ""}>{html.escape(lab)}</option>'
                           for j, (lab, _) in enumerate(c.pairs))
            controls.append(t["choice"].substitute(id=cid, ix=i, label=html.escape(c.text), options=opts))
        else:
            shown = c.describe(g[start[i]])
            play = t["play"].substitute(id=cid, label=html.escape(c.text)) if c.play else ""
            controls.append(t["slider"].substitute(id=cid, ix=i, kind=c.kind, label=html.escape(c.text), max=len(g) - 1,
                                                   value=start[i], shown=html.escape(shown), play=play))
    panels, payload_panels = [], []
    for p in ex.panels:
        fr = panel_frames(ex, p, cv=cv)
        deps = [names.index(d) for d in fr["deps"]]
        k = _flat([start[d] for d in deps], [len(grids[d]) for d in deps])
        alt = fr["alts"][k] if p.cursor is None else fr["alts"][k][start[names.index(p.cursor)]]
        w_css, h_css = (round(n * CSS_DPI / ex.dpi) for n in fr["size"])  # the panel's natural CSS size
        cursor_html = ""
        if p.cursor is not None:
            pos = fr["cursor"][k][start[names.index(p.cursor)]]
            cursor_html = t["cursor"].substitute(style=_cursor_style(pos))
        panels.append(t["panel"].substitute(
            name=html.escape(p.name), src=DATA_URL + fr["images"][fr["index"][k]], alt=html.escape(alt),
            width=w_css, height=h_css, text_px=fr["text_px"], dpi=ex.dpi, cursor=cursor_html))
        payload_panels.append({"deps": deps, "sizes": [len(grids[d]) for d in deps],
                               "images": [DATA_URL + b for b in fr["images"]], "index": fr["index"],
                               "alts": fr["alts"], "cursor": names.index(p.cursor) if p.cursor else None,
                               "at": fr["cursor"]})
    labels = [None if isinstance(c, Choice) else [c.describe(x) for x in g] for c, g in zip(ex.controls, grids)]
    payload = json.dumps({"panels": payload_panels, "labels": labels, "sizes": [len(g) for g in grids]},
                         separators=(",", ":"))
    return t["figure"].substitute(
        id=uid, frames=ex.n_frames, css=t["css"].substitute(), controls_label=html.escape(CONTROLS_LABEL),
        controls="".join(controls), hidden_controls="" if controls else " hidden", panels="".join(panels),
        caption=html.escape(ex.caption), payload=payload.replace("</", "<\\/"),
        script=t["script"].substitute(js=t["js"].substitute()) if controls else "")


def _flat(idx: list[int], sizes: list[int]) -> int:
    k = 0
    for i, n in zip(idx, sizes):
        k = k * n + i
    return k


def _cursor_style(pos: dict[str, float] | None) -> str:
    if pos is None:
        return "display:none"
    return (f"left:{100 * pos['x']:.3f}%;top:{100 * pos['top']:.3f}%;"
            f"height:{100 * (pos['bottom'] - pos['top']):.3f}%")
