"""Placeholder: filled by its chapter issue."""

__all__: list[str] = []
