"""Storage: the :class:`Store` interface every storage backend implements, and the kit for
writing one.

* :mod:`coprod_toc.storage.store`: ``Store``, ``VersionInfo`` and the checks every store
  makes before a save (``check_save``, ``check_map_name``, ``refuse_erased_people``);
* :mod:`coprod_toc.storage.rows`: the row engine for stores that keep a map as table rows
  (one per node, link and evidence record, each valid for a range of versions):
  ``Snapshot`` and ``plan_changes`` say which rows a save ends and begins, ``map_from_rows``
  reads them back;
* :mod:`coprod_toc.storage.erasure`: ``plan_erasure`` and its helpers erase a person from
  every version such a store keeps, and refuse a save that would bring them back;
* :mod:`coprod_toc.storage.upgrade`: moving what earlier versions kept elsewhere into rows;
* :mod:`coprod_toc.storage.groups`: what stores that keep group records share (the checks,
  the text each version is kept as, erasing a member).

The built-in stores (memory, SQLite, JSON files) live in :mod:`coprod_toc.backends.stores`
and use nothing but this kit, as a third-party store would.
"""

from coprod_toc.storage.erasure import (
    ErasurePlan,
    StoredEvidence,
    StoredLink,
    erase_evidence_row,
    erase_link_row,
    erased_people_check,
    plan_erasure,
)
from coprod_toc.storage.groups import (
    check_group_save,
    check_member_code,
    erased_member_text,
    group_from_text,
    group_text,
    member_digest,
    refuse_erased_members,
)
from coprod_toc.storage.rows import (
    CURRENT,
    EvidenceRow,
    LinkRow,
    NodeRow,
    RememberedMaps,
    RowChanges,
    Snapshot,
    collection_paused,
    evidence_body,
    header_body,
    link_body,
    loaded_snapshot,
    map_from_rows,
    node_body,
    plan_changes,
    stored_text,
)
from coprod_toc.storage.store import (
    Store,
    VersionInfo,
    check_map_name,
    check_save,
    refuse_erased_people,
)
from coprod_toc.storage.upgrade import EvidenceHistory, evidence_history

__all__ = [
    "CURRENT",
    "ErasurePlan",
    "EvidenceHistory",
    "EvidenceRow",
    "LinkRow",
    "NodeRow",
    "RememberedMaps",
    "RowChanges",
    "Snapshot",
    "Store",
    "StoredEvidence",
    "StoredLink",
    "VersionInfo",
    "check_group_save",
    "check_map_name",
    "check_member_code",
    "check_save",
    "collection_paused",
    "erase_evidence_row",
    "erase_link_row",
    "erased_member_text",
    "erased_people_check",
    "evidence_body",
    "evidence_history",
    "group_from_text",
    "group_text",
    "header_body",
    "link_body",
    "loaded_snapshot",
    "map_from_rows",
    "member_digest",
    "node_body",
    "plan_changes",
    "plan_erasure",
    "refuse_erased_members",
    "refuse_erased_people",
    "stored_text",
]
