"""The figures' shared style: one colour per idea, colour-blind safe, and common drawings.

Colours come from the Okabe–Ito palette, which stays distinguishable under the
common colour-vision deficiencies. Each idea keeps its colour throughout the book:
no penalty / L1 / L2, and the four initializations (zero, too small, appropriate,
too large). See {ref}`notation`.
"""

from __future__ import annotations

import numbers

import numpy as np

__all__ = [
    "CLASS_COLORS",
    "COLORS",
    "PENALTY_COLORS",
    "INIT_COLORS",
    "PENALTY_COLOR_NAMES",
    "decade_label",
]

#: The Okabe–Ito palette.
COLORS: dict[str, str] = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky blue": "#56B4E9",
    "bluish green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish purple": "#CC79A7",
}

#: No penalty in vermillion ("red", as in the source article), L1 in blue, L2 in bluish green;
#: their labels are the engine's :data:`initreg.PENALTY_LABELS`, keyed alike, and the colours' own
#: names, for captions, :data:`PENALTY_COLOR_NAMES`.
PENALTY_COLOR_NAMES: dict[str, str] = {"none": "vermillion", "l1": "blue", "l2": "bluish green"}
PENALTY_COLORS: dict[str, str] = {key: COLORS[name] for key, name in PENALTY_COLOR_NAMES.items()}

#: The four initializations of Part I, by role; each scheme maps to a role's colour.
INIT_COLORS: dict[str, str] = {
    "zero": COLORS["black"],
    "too small": COLORS["sky blue"],
    "appropriate": COLORS["orange"],
    "too large": COLORS["reddish purple"],
    # scheme names, by the role they play in the book
    "zeros": COLORS["black"],
    "constant": COLORS["black"],
    "standard": COLORS["sky blue"],
    "uniform": COLORS["sky blue"],
    "xavier": COLORS["orange"],
    "glorot_normal": COLORS["orange"],
    "glorot_uniform": COLORS["orange"],
    "normal": COLORS["reddish purple"],
    "he_normal": COLORS["bluish green"],
    "he_uniform": COLORS["bluish green"],
}

#: Class colours for the two-class toy sets.
CLASS_COLORS: tuple[str, str] = (COLORS["vermillion"], COLORS["blue"])


def decade_label(y: float, _pos: object = None) -> str:
    """A log axis's tick as plain text, cheaper to draw than mathtext: 1, 10, 100, 0.1, 0.01,
    0.001, else 1e5, 1e-8; a tick between decades as two digits. For
    ``matplotlib.ticker.FuncFormatter``. A tick a log axis cannot hold (0, negative, NaN,
    ±inf) gets no label; a value that is not a number is a TypeError."""
    if isinstance(y, bool) or not isinstance(y, numbers.Real):
        raise TypeError(f"y must be a real number (a tick value); got {type(y).__name__}")
    if y <= 0 or not np.isfinite(y):
        return ""
    e = int(round(np.log10(y)))
    if abs(np.log10(y) - e) > 1e-6:
        return f"{y:.2g}"
    return {0: "1", 1: "10", 2: "100", -1: "0.1", -2: "0.01", -3: "0.001"}.get(e, f"1e{e}")
