"""Built-in plugin: ``memory://``, a store that lives as long as the object.

Each ``open_store("memory://")`` gives a new, empty store: for tests, previews and scripts.
Maps are kept as canonical documents, so what you load is a copy, never the object you saved.
"""

from __future__ import annotations

import builtins
import datetime as dt
import threading
from typing import Any

from coprod_toc.errors import ConflictError, GroupNotFoundError, MapNotFoundError, StoreError
from coprod_toc.evidence.records import erasure_digest
from coprod_toc.format import from_document, to_document
from coprod_toc.graph import TheoryOfChange
from coprod_toc.group import GroupRecord
from coprod_toc.storage import (
    Store,
    VersionInfo,
    check_group_save,
    check_member_code,
    check_save,
    erased_member_text,
    group_from_text,
    group_text,
    member_digest,
    refuse_erased_members,
    refuse_erased_people,
)

SCHEME = "memory"

# Each saved version with its canonical document, oldest first.
_Versions = list[tuple[VersionInfo, dict[str, Any]]]


class MemoryStore(Store):
    def __init__(self, url: str) -> None:
        self.url = url
        self._maps: dict[str, _Versions] = {}
        self._erased: set[str] = set()  # digests of the people erased (see erasure_digest)
        self._groups: dict[str, list[tuple[VersionInfo, str]]] = {}
        self._erased_members: set[str] = set()  # see member_digest
        self._lock = threading.Lock()

    def save_version(
        self,
        name: str,
        toc: TheoryOfChange,
        *,
        expected_version: int | None = None,
        message: str | None = None,
    ) -> int:
        self.check_open()
        check_save(name, toc)
        document = to_document(toc)
        with self._lock:
            refuse_erased_people(name, toc, self._erased)
            versions = self._maps.get(name, [])
            latest = len(versions)
            if expected_version is not None and expected_version != latest:
                raise ConflictError(name, expected_version, latest)
            info = VersionInfo(name, latest + 1, dt.datetime.now(dt.UTC), toc.title, message)
            self._maps[name] = [*versions, (info, document)]
            return info.version

    def load(self, name: str, version: int | None = None) -> TheoryOfChange:
        versions = self._versions(name)
        if version is None:
            return from_document(versions[-1][1])
        if not isinstance(version, int) or not 1 <= version <= len(versions):
            raise MapNotFoundError(f"map {name!r} has no version {version!r}")
        return from_document(versions[version - 1][1])

    def list(self) -> list[str]:
        self.check_open()
        with self._lock:
            return sorted(self._maps)

    def history(self, name: str) -> builtins.list[VersionInfo]:
        return [info for info, _ in self._versions(name)]

    def delete(self, name: str) -> None:
        self.check_open()
        with self._lock:
            if self._maps.pop(name, None) is None:
                raise MapNotFoundError(f"no map named {name!r}")

    def erase_participant(self, participant: str) -> int:
        self.check_open()
        rewritten = 0
        with self._lock:
            for versions in self._maps.values():
                for i, (info, document) in enumerate(versions):
                    toc = from_document(document)
                    if toc.erase_participant(participant):
                        versions[i] = (info, to_document(toc))
                        rewritten += 1
            if rewritten:
                self._erased.add(erasure_digest(participant))
        return rewritten

    def save_group_version(
        self,
        name: str,
        record: GroupRecord,
        *,
        expected_version: int | None = None,
        message: str | None = None,
    ) -> int:
        self.check_open()
        check_group_save(name, record)
        text = group_text(record)
        with self._lock:
            refuse_erased_members(name, record, self._erased_members)
            versions = self._groups.get(name, [])
            latest = len(versions)
            if expected_version is not None and expected_version != latest:
                raise ConflictError(name, expected_version, latest, what="group")
            now = dt.datetime.now(dt.UTC)
            info = VersionInfo(name, latest + 1, now, record.group.name, message)
            self._groups[name] = [*versions, (info, text)]
            return info.version

    def load_group(self, name: str, version: int | None = None) -> GroupRecord:
        versions = self._group_versions(name)
        if version is None:
            version = len(versions)
        if isinstance(version, bool) or not isinstance(version, int):
            raise GroupNotFoundError(f"group {name!r} has no version {version!r}")
        if not 1 <= version <= len(versions):
            raise GroupNotFoundError(f"group {name!r} has no version {version!r}")
        return group_from_text(versions[version - 1][1], self.url, name, version)

    def list_groups(self) -> builtins.list[str]:
        self.check_open()
        with self._lock:
            return sorted(self._groups)

    def group_history(self, name: str) -> builtins.list[VersionInfo]:
        return [info for info, _ in self._group_versions(name)]

    def delete_group(self, name: str) -> None:
        self.check_open()
        with self._lock:
            if self._groups.pop(name, None) is None:
                raise GroupNotFoundError(f"no group named {name!r}")

    def erase_member(self, name: str, code: str) -> int:
        check_member_code(code)
        self.check_open()
        rewritten = 0
        with self._lock:  # the whole erasure: no save comes between
            versions = self._groups.get(name) if isinstance(name, str) else None
            if versions is None:
                raise GroupNotFoundError(f"no group named {name!r}")
            for i, (info, text) in enumerate(versions):
                erased = erased_member_text(text, code, self.url, name, info.version)
                if erased is not None:
                    versions[i] = (info, erased)
                    rewritten += 1
            if rewritten:  # kept so that a record loaded before cannot bring them back
                self._erased_members.add(member_digest(name, code))
        return rewritten

    def _group_versions(self, name: str) -> builtins.list[tuple[VersionInfo, str]]:
        self.check_open()
        with self._lock:
            try:
                return self._groups[name]
            except (KeyError, TypeError):
                raise GroupNotFoundError(f"no group named {name!r}") from None

    def _versions(self, name: str) -> _Versions:
        self.check_open()
        with self._lock:
            try:
                return self._maps[name]
            except (KeyError, TypeError):
                raise MapNotFoundError(f"no map named {name!r}") from None


def open_store(url: str) -> Store | None:
    if not url.startswith(f"{SCHEME}://"):
        return None
    if url != f"{SCHEME}://":
        raise StoreError(f"{url!r}: a memory store takes no path; use 'memory://'")
    return MemoryStore(url)
