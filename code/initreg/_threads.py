"""How many BLAS threads the engine's matrix products use.

The book's networks are small: a training step multiplies matrices of a few hundred rows
and columns. Splitting such a product over threads costs more in synchronization than it
saves, and on a busy machine (a shared Binder, a laptop running the book's build) idle
OpenBLAS threads spin while they wait for a core: measured on the book's 2-core machine
under load, a full-batch run on the digits took 13× longer with two threads than with one.
So :func:`initreg.train` runs with one BLAS thread whenever every product of a step is
below :data:`SMALL_PRODUCT` multiply-adds, and leaves BLAS alone for larger networks.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from contextlib import AbstractContextManager, nullcontext
from typing import Any

__all__: list[str] = []  # private; the policy is documented on initreg.train

#: The largest product (rows × n_in × n_out multiply-adds) that runs on one BLAS thread:
#: about 4 million, a full-batch step on the 1347 training digits with 64 → 48 units.
SMALL_PRODUCT = 1 << 22


@functools.lru_cache(maxsize=1)
def _controller() -> Any:
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()  # inspecting the loaded libraries is slow: do it once


def one_thread() -> AbstractContextManager[Any]:
    """A context in which BLAS uses one thread."""
    return _controller().limit(limits=1, user_api="blas")


def for_products(rows: int, sizes: Sequence[int]) -> AbstractContextManager[Any]:
    """One BLAS thread if every product ``rows × n[l-1] × n[l]`` is small, else no change."""
    largest = rows * max(a * b for a, b in zip(sizes[:-1], sizes[1:]))
    return one_thread() if largest <= SMALL_PRODUCT else nullcontext()
