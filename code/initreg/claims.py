"""The numbers a chapter quotes and the claims it checks, in one place: :class:`Page`.

Every chapter makes one ``page = initreg.Page()`` and then, in its hidden check cells,

* ``page.value(name, x, fmt)`` for a number the prose quotes: it is formatted once (so the
  stored output is exactly the text on the page, which strict nbval compares) and glued
  under ``name`` for the HTML book;
* ``page.check(words, measured, above=..., below=..., ...)`` for a claim: it compares the
  measured value with the bound the prose states, raises :class:`AssertionError` in the
  claim's own words when it does not hold, and records it;
* ``page.claims()`` at the end of a section: a collapsible box, HTML class
  ``initreg-claims``, that lists the section's claims with their measured values and
  bounds ("✓ width 1 misclassifies 69% of its training images (claim: above 50%)").

The prose quotes a number as ``{eval}`page.name```. The HTML book resolves the role
from the glued value (:mod:`initreg._sphinx`); JupyterLab with ``jupyterlab-myst``
evaluates the same expression in the kernel, and shows the value stored in the cell's
``user_expressions`` metadata (``tools/notebooks.py`` stores it) before the kernel runs.
Both are the same text, ``str(page.name)``. See the README, "Prose numbers".
"""

from __future__ import annotations

import html
import math
import numbers
import string
from dataclasses import dataclass
from typing import Any

__all__ = ["Page", "Shown", "Claim"]

#: The relations a claim may state, in the words the box uses.
_RELATIONS: dict[str, str] = {
    "above": "above",
    "at_least": "at least",
    "below": "below",
    "at_most": "at most",
    "equals": "exactly",
}


class Shown(str):
    """A number as the page shows it: a string whose repr is itself (no quotes), so that
    the kernel's ``text/plain`` of ``page.name`` is exactly the text of the page."""

    def __repr__(self) -> str:
        return str(self)

    def _repr_pretty_(self, p: Any, cycle: bool) -> None:
        p.text(str(self))


def _format(value: Any, fmt: str) -> str:
    """``fmt.format(value)``, naming the value and the format if it does not apply."""
    if not isinstance(fmt, str) or "{" not in fmt:
        raise TypeError(f"fmt must be a format string such as '{{:.3f}}'; got {fmt!r}")
    try:
        return fmt.format(value)
    except (ValueError, TypeError, IndexError, KeyError) as exc:
        raise ValueError(f"fmt {fmt!r} cannot format {value!r}: {exc}") from exc


def _number(value: Any, name: str) -> Any:
    """A finite real number as a Python float (or int), or a bool, or the value unchanged
    if it is not numeric (lists, strings: only ``equals`` applies to them)."""
    if hasattr(value, "item") and getattr(value, "shape", None) == ():  # numpy scalars
        value = value.item()
    if isinstance(value, bool):
        return value
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        value = float(value)
        if math.isnan(value):
            raise ValueError(f"{name} is NaN: a claim cannot be checked on it")
        return value
    if hasattr(value, "shape"):
        raise TypeError(f"{name} must be one number, not an array of shape {value.shape}: "
                        "reduce it first (its max, min or mean, as the claim says)")
    return value


@dataclass(frozen=True)
class Claim:
    """One checked claim: its words (with the measured value in place), the relation and
    bounds it states, and the measured value."""

    text: str
    measured: Any
    bounds: tuple[tuple[str, Any], ...]
    bound_text: str

    def line(self) -> str:
        return f"✓ {self.text} (claim: {self.bound_text})"


class Page:
    """The computed numbers and the checked claims of one chapter.

    ``page.name`` is the text of the number glued as ``name`` (a :class:`Shown`), which
    is what ``{eval}`page.name``` shows in the prose.
    """

    def __init__(self) -> None:
        self._values: dict[str, Shown] = {}
        self._claims: list[Claim] = []
        self._boxed = 0

    # ----------------------------------------------------------------- numbers
    def value(self, name: str, x: Any, fmt: str = "{}") -> Shown:
        """Format ``x`` with ``fmt`` once, glue the text as ``name`` and return it.

        The text, not the number, is stored: the page, the notebook's stored output and
        JupyterLab all show the same characters. Setting a name again replaces it (a
        reader re-running a cell); the book's build refuses a name glued twice.
        """
        if not isinstance(name, str) or not name.isidentifier() or name.startswith("_"):
            raise ValueError(f"name must be a Python identifier not starting with '_' (it is read as "
                             f"page.name); got {name!r}")
        if name in ("value", "check", "claims", "values"):
            raise ValueError(f"name {name!r} is a method of Page; choose another")
        text = Shown(_format(_number(x, name), fmt))
        self._values[name] = text
        _glue(name, text)
        return text

    @property
    def values(self) -> dict[str, str]:
        """Every number set so far, by name (copies of the texts)."""
        return {k: str(val) for k, val in self._values.items()}

    def __getattr__(self, name: str) -> Shown:
        if name.startswith("_"):
            raise AttributeError(name)
        try:
            return self._values[name]
        except KeyError:
            known = ", ".join(sorted(self._values)) or "none yet"
            raise AttributeError(f"page has no value {name!r}: set it with page.value({name!r}, x, fmt) "
                                 f"or page.check(..., name={name!r}) first (known: {known})") from None

    # ------------------------------------------------------------------ claims
    def check(
        self,
        words: str,
        measured: Any,
        *,
        above: Any = None,
        at_least: Any = None,
        below: Any = None,
        at_most: Any = None,
        equals: Any = None,
        fmt: str = "{:.4g}",
        name: str | None = None,
    ) -> Shown:
        """Check one claim: ``measured`` against the bounds it states; record it and return
        the measured value as the page shows it.

        ``words`` is the claim as the reader should read it, with ``{}`` where the
        measured value goes (formatted with ``fmt``) and ``{other}`` for numbers already
        set on the page. Give one relation (``above``, ``at_least``, ``below``,
        ``at_most``, ``equals``) or a lower and an upper bound together. An array is
        refused: reduce it first to the number the claim is about (its largest or
        smallest element for "every", a ratio for "rises"). ``name`` also glues the
        measured value, for the prose.

        Raises :class:`AssertionError` with the claim's words, the measured value and the
        bound when the claim is false.
        """
        if not isinstance(words, str) or not words.strip():
            raise ValueError("words must be the claim, in words")
        given = {"above": above, "at_least": at_least, "below": below, "at_most": at_most, "equals": equals}
        bounds = tuple((k, _number(b, k)) for k, b in given.items() if b is not None)
        kinds = [k for k, _ in bounds]
        lower = [k for k in kinds if k in ("above", "at_least")]
        upper = [k for k in kinds if k in ("below", "at_most")]
        if not bounds:
            raise ValueError("check needs a bound: one of above, at_least, below, at_most, equals")
        if "equals" in kinds and len(kinds) > 1:
            raise ValueError("equals cannot be combined with another bound")
        if len(lower) > 1 or len(upper) > 1:
            raise ValueError(f"give at most one lower and one upper bound; got {', '.join(kinds)}")
        value = _number(measured, "measured")
        ok = all(_holds(value, kind, bound) for kind, bound in bounds)
        shown = Shown(_format(value, fmt)) if _is_real(value) else Shown(str(value))
        bound_text = " and ".join(
            f"{_RELATIONS[k]} {_show_bound(b, fmt)}" for k, b in bounds)
        fields = [f for _, f, _, _ in string.Formatter().parse(words) if f is not None]
        missing = [f for f in fields if f and f not in self._values]
        if missing:
            raise ValueError(f"words name {', '.join(repr(m) for m in missing)}, which the page has not set")
        text = words.format(shown, **self._values) if "" in fields else words.format(**self._values)
        if "" not in fields:
            text = f"{text}: {shown}"
        if not ok:
            raise AssertionError(f"claim failed: {text} (claim: {bound_text}; measured {value!r})")
        self._claims.append(Claim(text, value, bounds, bound_text))
        if name is not None:
            self.value(name, value, fmt) if _is_real(value) else self.value(name, str(value))
        return shown

    def claims(self, title: str = "Checked claims") -> "ClaimsBox":
        """The box of the claims checked since the last box (display it as a cell's result)."""
        new = self._claims[self._boxed:]
        if not new:
            raise ValueError("no claim was checked since the last box")
        self._boxed = len(self._claims)
        return ClaimsBox(title, tuple(new))

    @property
    def all_claims(self) -> list[Claim]:
        """Every claim checked so far, in order."""
        return list(self._claims)

    def __repr__(self) -> str:
        return f"Page({len(self._values)} values, {len(self._claims)} checked claims)"


@dataclass(frozen=True)
class ClaimsBox:
    """A collapsible list of checked claims (HTML class ``initreg-claims``)."""

    title: str
    claims: tuple[Claim, ...]

    def _summary(self) -> str:
        n = len(self.claims)
        return f"{self.title}: {n} claim{'s' if n != 1 else ''}, all true when the book was built"

    def __repr__(self) -> str:
        return "\n".join([self._summary()] + [c.line() for c in self.claims])

    def _repr_html_(self) -> str:
        items = "".join(
            f'<li><span class="initreg-claim">{html.escape(c.text)}</span> '
            f'<span class="initreg-bound">(claim: {html.escape(c.bound_text)})</span></li>'
            for c in self.claims)
        return ('<details class="initreg-claims">'
                f'<summary>✓ {html.escape(self._summary())}</summary>'
                f'<ul style="list-style:\'✓ \';margin:0.4em 0 0.2em 0">{items}</ul></details>')


def _is_real(value: Any) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _show_bound(bound: Any, fmt: str) -> str:
    return _format(bound, fmt) if _is_real(bound) else repr(bound) if isinstance(bound, str) else str(bound)


def _holds(value: Any, kind: str, bound: Any) -> bool:
    if kind == "equals":
        if isinstance(value, bool) != isinstance(bound, bool):
            return False  # True is not 1 for a claim
        return bool(value == bound)
    if not _is_real(value):
        raise TypeError(f"{kind} needs a real number; got {value!r} (only equals applies to it)")
    if not _is_real(bound):
        raise TypeError(f"{kind} must be a real number; got {bound!r}")
    return {"above": value > bound, "at_least": value >= bound,
            "below": value < bound, "at_most": value <= bound}[kind]


def _glue(name: str, text: Shown) -> None:
    """Store ``text`` as myst-nb's glue does (``display=False``): a display output with
    only ``application/papermill.record/text/plain``, which the book reads and hides."""
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:  # pragma: no cover - IPython comes with ipykernel
        return
    if get_ipython() is None:
        return  # plain Python (tests, scripts): nothing to glue into
    prefix = "application/papermill.record/"
    display({prefix + "text/plain": str(text)}, raw=True,
            metadata={"scrapbook": {"name": name, "mime_prefix": prefix}})
