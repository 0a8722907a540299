"""The loss landscape in two parameters ({ref}`chap-landscapes`)."""

from __future__ import annotations

__all__: list[str] = []
