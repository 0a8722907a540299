"""The controls of an interactive figure: a drop-down (:class:`Choice`) and a slider
(:class:`Slider`). Each knows its grid of values (every one of which the static player
shows a frame for), its live ipywidget, and how it describes a value in words."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .. import _validate as v

__all__ = ["Choice", "Slider", "Control", "SLIDER_KINDS", "MIN_POSITIONS"]

#: What a slider moves over. A ``"time"`` slider (steps, epochs) gets a play button; time
#: and ``"strength"`` sliders (λ, a scale, a depth) need :data:`MIN_POSITIONS` positions, so
#: that moving them reads as a continuous change; a ``"value"`` slider is anything else.
SLIDER_KINDS: tuple[str, ...] = ("time", "strength", "value")
#: The fewest positions of a time or strength slider.
MIN_POSITIONS = 16


def _identifier(name: object) -> str:
    if not isinstance(name, str) or not name.isidentifier():
        raise ValueError(f"name must be a Python identifier (the draw function's keyword); got {name!r}")
    return name


@dataclass(frozen=True)
class Choice:
    """A drop-down: ``options`` is a sequence of values or a mapping ``label -> value``.

    The static player has a frame for every option.
    """

    name: str
    options: Sequence[Any] | Mapping[str, Any]
    label: str | None = None
    default: Any = None

    def __post_init__(self) -> None:
        _identifier(self.name)
        if isinstance(self.options, Mapping):
            pairs = tuple((str(k), val) for k, val in self.options.items())
        elif isinstance(self.options, (str, bytes)) or not isinstance(self.options, Sequence):
            raise TypeError(f"options of {self.name!r} must be a sequence or a mapping label -> value")
        else:
            pairs = tuple((str(o), o) for o in self.options)
        if not pairs:
            raise ValueError(f"options of {self.name!r} must not be empty")
        object.__setattr__(self, "_pairs", pairs)
        values = [p[1] for p in pairs]
        default = values[0] if self.default is None else self.default
        if default not in values:
            raise ValueError(f"default of {self.name!r} must be one of {', '.join(p[0] for p in pairs)}; "
                             f"got {default!r}")
        object.__setattr__(self, "default", default)

    @property
    def pairs(self) -> tuple[tuple[str, Any], ...]:
        return self._pairs  # type: ignore[attr-defined]

    @property
    def grid(self) -> list[Any]:
        return [p[1] for p in self.pairs]

    @property
    def text(self) -> str:
        return self.label or self.name

    def describe(self, value: Any) -> str:
        for lab, val in self.pairs:
            if val == value:
                return lab
        return str(value)

    def widget(self) -> Any:
        import ipywidgets as w

        return w.Dropdown(options=list(self.pairs), value=self.default, description=self.text,
                          style={"description_width": "initial"})


@dataclass(frozen=True)
class Slider:
    """A slider from ``min`` to ``max`` over the values of ``grid``.

    ``grid`` is an explicit increasing list of values or a number of evenly spaced values
    (log-spaced when ``log``); ``integer`` sliders take whole numbers. ``kind`` says what it
    moves over (:data:`SLIDER_KINDS`): a time slider gets a play button, and time and
    strength sliders need at least :data:`MIN_POSITIONS` positions. ``fmt`` formats a value
    for its label and for screen readers. Live, the slider moves over the same grid
    (``continuous=False``, the default: every position is then a lookup of what the static
    book precomputed) or over every value from ``min`` to ``max`` (``continuous=True``, for
    figures that compute any value fast).
    """

    name: str
    min: float
    max: float
    grid: Sequence[float] | int = 16
    kind: str = "value"
    log: bool = False
    integer: bool = False
    label: str | None = None
    default: float | None = None
    fmt: str = "{:g}"
    continuous: bool = False
    values: tuple[float, ...] = field(init=False, repr=False, default=())

    def __post_init__(self) -> None:
        _identifier(self.name)
        v.choice(self.kind, "kind", SLIDER_KINDS)
        lo = v.real(self.min, "min")
        hi = v.real(self.max, "max")
        if not lo < hi:
            raise ValueError(f"min must be below max for slider {self.name!r}; got {lo} and {hi}")
        if self.log and lo <= 0:
            raise ValueError(f"a log slider needs min > 0; got {lo}")
        if isinstance(self.grid, int) and not isinstance(self.grid, bool):
            n = v.positive_int(self.grid, "grid")
            if n < 2:
                raise ValueError("grid must have at least 2 values")
            vals = np.geomspace(lo, hi, n) if self.log else np.linspace(lo, hi, n)
        else:
            vals = np.asarray([v.real(g, "grid value") for g in self.grid])
            if vals.size < 2:
                raise ValueError("grid must have at least 2 values")
            if np.any(np.diff(vals) <= 0):
                raise ValueError(f"grid of {self.name!r} must be strictly increasing")
            if vals[0] < lo or vals[-1] > hi:
                raise ValueError(f"grid of {self.name!r} must lie within [min, max] = [{lo:g}, {hi:g}]")
        if self.integer:
            vals = np.unique(np.round(vals).astype(int))
            values: tuple[float, ...] = tuple(int(x) for x in vals)
        else:
            values = tuple(float(x) for x in vals)
        if self.kind in ("time", "strength") and len(values) < MIN_POSITIONS:
            raise ValueError(f"a {self.kind} slider needs at least {MIN_POSITIONS} positions; "
                             f"{self.name!r} has {len(values)}")
        object.__setattr__(self, "values", values)
        default = values[0] if self.default is None else self.default
        if default not in values:
            raise ValueError(f"default of {self.name!r} must be one of the grid values {values}; got {default!r}")
        object.__setattr__(self, "default", default)

    @property
    def grid_values(self) -> list[float]:
        return list(self.values)

    @property
    def text(self) -> str:
        return self.label or self.name

    @property
    def play(self) -> bool:
        """A time slider has a play button."""
        return self.kind == "time"

    def describe(self, value: Any) -> str:
        return value if isinstance(value, str) else self.fmt.format(value)

    def widget(self) -> Any:
        import ipywidgets as w

        style = {"description_width": "initial"}
        if not self.continuous:
            return w.SelectionSlider(options=[(self.describe(x), x) for x in self.values], value=self.default,
                                     description=self.text, continuous_update=False, style=style)
        if self.integer:
            return w.IntSlider(value=int(self.default), min=int(self.min), max=int(self.max), step=1,
                               description=self.text, continuous_update=False, style=style)
        if self.log:
            lo, hi = math.log10(self.min), math.log10(self.max)
            return w.FloatLogSlider(value=float(self.default), base=10, min=lo, max=hi, step=(hi - lo) / 200,
                                    description=self.text, continuous_update=False, style=style)
        return w.FloatSlider(value=float(self.default), min=self.min, max=self.max,
                             step=(self.max - self.min) / 200, description=self.text,
                             continuous_update=False, style=style)


Control = Choice | Slider


def grid_of(control: Control) -> list[Any]:
    """The values the static player has a frame for."""
    return control.grid if isinstance(control, Choice) else control.grid_values
