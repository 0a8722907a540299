"""What the penalties do to a trained network ({ref}`chap-trained-weights`)."""

from __future__ import annotations

__all__: list[str] = []
