"""Deep networks reproduced from the papers ({ref}`chap-deep`)."""

from __future__ import annotations

__all__: list[str] = []
