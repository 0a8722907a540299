"""Why initialization matters ({ref}`chap-why`): the linear chain, equal units and the toy playground."""

from __future__ import annotations

__all__: list[str] = []
