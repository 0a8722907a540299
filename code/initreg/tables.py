"""Tables of results shown in a notebook as HTML and as aligned text elsewhere."""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["TextTable"]


class TextTable:
    """Rows of strings shown as an HTML table in a notebook and as aligned text elsewhere
    (columns left-aligned, or right-aligned for numbers)."""

    def __init__(self, header: Sequence[str], rows: Sequence[Sequence[str]], *, align: str = "left") -> None:
        if align not in ("left", "right"):
            raise ValueError(f"align must be one of left, right; got {align!r}")
        self.header = tuple(header)
        self.rows = [tuple(r) for r in rows]
        self.align = align

    def _repr_html_(self) -> str:
        import html

        pad = 'style="padding:0.1em 0.7em"'
        head = "".join(f"<th {pad}>{html.escape(h)}</th>" for h in self.header)
        body = "".join("<tr>" + "".join(f"<td {pad}>{html.escape(c)}</td>" for c in r) + "</tr>" for r in self.rows)
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"

    def _line(self, row: Sequence[str], widths: Sequence[int]) -> str:
        if self.align == "right":
            return "  ".join(c.rjust(w) for c, w in zip(row, widths))
        return "  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip()

    def __repr__(self) -> str:
        cols = list(zip(self.header, *self.rows))
        widths = [max(len(c) for c in col) for col in cols]
        return "\n".join([self._line(self.header, widths), self._line(tuple("-" * w for w in widths), widths)]
                         + [self._line(r, widths) for r in self.rows])
