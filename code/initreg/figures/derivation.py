"""Deriving Xavier initialization ({ref}`chap-derivation`): tanh's variance and the three regimes."""

from __future__ import annotations

__all__: list[str] = []
