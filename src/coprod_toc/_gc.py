"""Pausing Python's cyclic garbage collector while a large map is built or written out.

Building a map of 100,000 nodes allocates a million small objects, none of them garbage;
each allocation burst makes the collector walk everything alive, which costs about as much
as the build itself. Reference counting still frees what is dropped meanwhile, and the
collector is switched back on (if it was on) however the block ends.

When the block made many objects and kept them (a large map, a store's snapshot of it),
they are long-lived, so they are then moved to the collector's oldest generation at once:
otherwise the next young collections would each walk all of them again, only to find them
alive. Moving is done by freezing and unfreezing everything, which also moves the program's
own few young objects; so it is done only after large blocks, never for small maps, and
never when the program has frozen objects of its own (``gc.freeze()``, as pre-forking
servers do).

The collector belongs to the whole process, so it is paused only while the calling thread
is the process's only thread: no other thread can then see it off. In a threaded host (a
web server's workers) nothing is paused, and a large load or save costs more instead.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["collection_paused"]

#: New objects (net) after which a block's are moved to the oldest generation: a map of a
#: few thousand nodes.
LARGE_BLOCK = 50_000


@contextmanager
def collection_paused() -> Iterator[None]:
    if threading.active_count() > 1:  # another thread would see the collector off
        yield
        return
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            if gc.get_count()[0] > LARGE_BLOCK and gc.get_freeze_count() == 0:
                gc.freeze()  # every tracked object, in constant time …
                gc.unfreeze()  # … back, into the oldest generation
            gc.enable()
