"""Pausing Python's cyclic garbage collector while a large map is built or written out.

Building a map of 100,000 nodes allocates a million small objects, none of them garbage;
each allocation burst makes the collector walk everything alive, which costs about as much
as the build itself. Reference counting still frees what is dropped meanwhile, and the
collector is switched back on (if it was on) however the block ends.

What the block made and kept is long-lived (a map, a store's snapshot of it), so it is then
moved to the collector's oldest generation at once: otherwise the next young collections
would each walk all of it again, only to find it alive. This is skipped when the program
has frozen objects of its own (``gc.freeze()``, as pre-forking servers do), since moving
is done by freezing and unfreezing everything.
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
            if gc.get_freeze_count() == 0:
                gc.freeze()  # every tracked object, in constant time …
                gc.unfreeze()  # … back, into the oldest generation
            gc.enable()
