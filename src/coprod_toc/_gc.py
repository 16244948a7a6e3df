"""Pausing Python's cyclic garbage collector while a large map is built or written out.

Building a map of 100,000 nodes allocates a million small objects, none of them garbage;
each allocation burst makes the collector walk everything alive, which costs about as much
as the build itself. Reference counting still frees what is dropped meanwhile, and the
collector is switched back on (if it was on) however the block ends.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["collection_paused"]


@contextmanager
def collection_paused() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
