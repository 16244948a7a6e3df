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
web server's workers) it stays on, collecting its youngest generation less often while a
block runs, and a large load or save costs more.
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


#: While another thread runs, the collector stays on and runs its youngest generation
#: after this many allocations instead of 700: far fewer walks of a large map being built
#: (cycles made meanwhile wait a little longer to be freed).
THREADED_THRESHOLD = 1_000_000
_lock = threading.Lock()
_depth = 0  # blocks running with the raised threshold, in any thread
_saved: tuple[int, ...] = ()


@contextmanager
def collection_paused() -> Iterator[None]:
    """A block that makes many objects at once (a large load or save) without the garbage
    collector walking them again and again; other threads never see the collector off."""
    if threading.active_count() > 1:  # another thread would see the collector off
        with _raised_threshold():
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


@contextmanager
def _raised_threshold() -> Iterator[None]:
    """The collector left on, its youngest generation collected less often, for as long
    as any thread is in such a block (the first in raises it, the last out restores it)."""
    global _depth, _saved
    with _lock:
        if _depth == 0:
            _saved = gc.get_threshold()
            gc.set_threshold(max(_saved[0], THREADED_THRESHOLD), *_saved[1:])
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0:
                gc.set_threshold(*_saved)
