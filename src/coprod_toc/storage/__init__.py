"""Storage: the :class:`Store` interface every storage backend implements, and the kit for
writing one.

* :mod:`coprod_toc.storage.store`: ``Store``, ``VersionInfo`` and the checks every store
  makes before a save (``check_save``, ``check_map_name``, ``refuse_erased_people``);
* :mod:`coprod_toc.storage.rows`: the row engine for stores that keep a map as table rows
  (one per node, link and evidence record, each valid for a range of versions):
  ``Snapshot`` and ``plan_changes`` say which rows a save ends and begins, ``map_from_rows``
  reads them back, and ``plan_erasure`` with its helpers erases a person from every version.

The built-in stores (memory, SQLite, JSON files) live in :mod:`coprod_toc.backends.stores`
and use nothing but this kit, as a third-party store would.
"""

from coprod_toc.storage.rows import (
    CURRENT,
    RememberedMaps,
    RowChanges,
    Snapshot,
    loaded_snapshot,
    map_from_rows,
    plan_changes,
    plan_erasure,
)
from coprod_toc.storage.store import (
    Store,
    VersionInfo,
    check_map_name,
    check_save,
    refuse_erased_people,
)

__all__ = [
    "CURRENT",
    "RememberedMaps",
    "RowChanges",
    "Snapshot",
    "Store",
    "VersionInfo",
    "check_map_name",
    "check_save",
    "loaded_snapshot",
    "map_from_rows",
    "plan_changes",
    "plan_erasure",
    "refuse_erased_people",
]
