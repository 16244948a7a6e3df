"""The store interface that every storage backend implements.

A store keeps named maps with their whole history: each save makes a new version (1, 2, …),
and a save that names the version it started from is refused with :class:`ConflictError` if
someone saved in between, so no update is ever lost silently.

A map is unchanged when its title, nodes, links, assumptions and evidence all equal the
latest version's: ``save(..., if_changed=True)`` then writes nothing and returns that
version. The base class gives every store this option, third-party stores included: a store
implements :meth:`Store.save_version`, and :meth:`Store.save` asks
:meth:`Store.unchanged_version` first, which a store may answer faster than by loading the
latest version.
"""

from __future__ import annotations

import abc
import builtins
import datetime as dt
import re
import warnings
from collections.abc import Container
from types import TracebackType
from typing import Any

import attrs

from coprod_toc.analysis.diff import MapDiff, diff
from coprod_toc.errors import (
    ConflictError,
    ErasedPersonError,
    GroupNotFoundError,
    MapNotFoundError,
    StoreError,
)
from coprod_toc.evidence.records import erasure_digest, people_named
from coprod_toc.graph import TheoryOfChange
from coprod_toc.group.records import GroupRecord

__all__ = ["Store", "VersionInfo", "check_map_name", "check_save", "refuse_erased_people"]

_NAME_RE = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}")


def check_map_name(name: object) -> str:
    """Return ``name`` if it can name a map in any store, else raise :class:`StoreError`.

    1–128 letters, digits, ``_ . -``, not starting with ``.`` or ``-``: safe as a file name,
    a URL part and a database key.
    """
    if not isinstance(name, str) or not _NAME_RE.fullmatch(name):
        raise StoreError(
            f"{name!r} cannot name a map or a group record: use 1-128 letters, digits, '_', "
            "'.' or '-', "
            f"starting with a letter, digit or '_'"
        )
    return name


def check_save(name: object, toc: object) -> None:
    """What every store checks before a save: a usable name and a map (else StoreError)."""
    check_map_name(name)
    if not isinstance(toc, TheoryOfChange):
        raise StoreError(f"save() takes a TheoryOfChange, not {type(toc).__name__}")


def refuse_erased_people(name: str, toc: TheoryOfChange, erased: Container[str]) -> None:
    """What a store that keeps whole documents checks before a save: that the map names no
    one it erased (``erased`` holds their :func:`erasure_digest`), so a map loaded before an
    erasure cannot bring them back.

    :raises ErasedPersonError: naming the map and the person.
    """
    people: set[str] = set()
    for _, record in toc.evidence.records():
        people |= people_named(record)
    for person in sorted(people):
        if erasure_digest(person) in erased:
            raise ErasedPersonError(name, person)


@attrs.frozen
class VersionInfo:
    """One saved version of a map."""

    name: str
    version: int
    saved_at: dt.datetime
    title: str
    message: str | None = None

    def to_dict(self) -> dict[str, object]:
        return {
            "name": self.name,
            "version": self.version,
            "saved_at": self.saved_at.isoformat(),
            "title": self.title,
            "message": self.message,
        }


class Store(abc.ABC):
    """Where maps are kept. Open one with ``ct.open_store(url)``; close it when done
    (or use it as a context manager)."""

    #: The URL the store was opened with.
    url: str

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        # Stores written before save_version existed defined save itself: keep them working,
        # with if_changed, and say what to rename.
        if "save" in cls.__dict__ and "save_version" not in cls.__dict__:
            warnings.warn(
                f"{cls.__qualname__} defines save(); define save_version() instead (same "
                "arguments): Store.save() calls it and adds if_changed",
                DeprecationWarning,
                stacklevel=2,
            )
            cls.save_version = cls.__dict__["save"]  # type: ignore[method-assign]
            cls.save = Store.save  # type: ignore[method-assign]

    def save(
        self,
        name: str,
        toc: TheoryOfChange,
        *,
        expected_version: int | None = None,
        message: str | None = None,
        if_changed: bool = False,
    ) -> int:
        """Save ``toc`` as the next version of map ``name``; return the new version number.

        :param expected_version: the version this edit started from (``0`` for a new map).
            If the latest version is another one, nothing is saved and :class:`ConflictError`
            is raised. ``None`` saves whatever the latest version is.
        :param message: a note kept in the history ("added the co-production outcomes").
        :param if_changed: if ``toc`` equals the latest version (title, nodes, links,
            assumptions and evidence), save nothing and return that version's number.
        """
        check_save(name, toc)
        if if_changed:
            latest = self.unchanged_version(name, toc)
            if latest is not None:
                if expected_version is not None and expected_version != latest:
                    raise ConflictError(name, expected_version, latest)
                return latest
        return self.save_version(name, toc, expected_version=expected_version, message=message)

    @abc.abstractmethod
    def save_version(
        self,
        name: str,
        toc: TheoryOfChange,
        *,
        expected_version: int | None = None,
        message: str | None = None,
    ) -> int:
        """Write ``toc`` as the next version of map ``name`` (what :meth:`save` does when it
        saves): check ``expected_version`` against the latest version inside the write, so
        that two writers can never both make the same version, and return the new number."""

    def unchanged_version(self, name: str, toc: TheoryOfChange) -> int | None:
        """The latest version of map ``name`` if ``toc`` equals it, else ``None`` (also when
        there is no such map). Stores that can tell faster than loading it override this."""
        try:
            latest = self.history(name)[-1].version
            return latest if self.load(name, latest) == toc else None
        except MapNotFoundError:
            return None

    @abc.abstractmethod
    def load(self, name: str, version: int | None = None) -> TheoryOfChange:
        """The latest version of map ``name``, or the given version.

        :raises MapNotFoundError: no such map, or no such version.
        """

    @abc.abstractmethod
    def list(self) -> list[str]:
        """The names of the maps in the store, sorted."""

    @abc.abstractmethod
    def history(self, name: str) -> builtins.list[VersionInfo]:
        """Every version of map ``name``, oldest first.

        :raises MapNotFoundError: no such map.
        """

    @abc.abstractmethod
    def delete(self, name: str) -> None:
        """Remove map ``name`` and all its versions.

        :raises MapNotFoundError: no such map.
        """

    def diff(self, name: str, a: int, b: int | None = None) -> MapDiff:
        """What changed in map ``name`` from version ``a`` to version ``b`` (the latest if
        ``None``): nodes and links added, removed and changed, with the changed fields.

        :raises MapNotFoundError: no such map, or no such version.
        """
        return diff(self.load(name, a), self.load(name, b))

    def erase_participant(self, participant: str) -> int:
        """Remove one person's evidence from every version of every map: the right to
        erasure reaches stored history too. Returns how many versions were rewritten.

        Only the evidence changes; version numbers, dates and the maps stay as they were.
        """
        raise StoreError(f"{type(self).__name__} cannot erase a participant from its history")

    # ------------------------------------------------------------------ group records

    def save_group(
        self,
        name: str,
        record: GroupRecord,
        *,
        expected_version: int | None = None,
        message: str | None = None,
        if_changed: bool = False,
    ) -> int:
        """Save a co-production group's record as the next version of group ``name``;
        return the new version number. ``expected_version``, ``message`` and
        ``if_changed`` work as for :meth:`save`.

        :raises StoreError: the store keeps no group records (the base class).
        :raises ErasedPersonError: the record names a member erased from this group.
        """
        from coprod_toc.storage.groups import check_group_save

        check_group_save(name, record, expected_version, message)
        if if_changed:
            try:
                latest = self.group_history(name)[-1].version
            except GroupNotFoundError:
                latest = None
            if latest is not None and self.load_group(name, latest) == record:
                if expected_version is not None and expected_version != latest:
                    raise ConflictError(name, expected_version, latest, what="group")
                return latest
        return self.save_group_version(
            name, record, expected_version=expected_version, message=message
        )

    def save_group_version(
        self,
        name: str,
        record: GroupRecord,
        *,
        expected_version: int | None = None,
        message: str | None = None,
    ) -> int:
        """Write ``record`` as the next version of group ``name`` (what :meth:`save_group`
        does when it saves), checking ``expected_version`` inside the write."""
        raise self._keeps_no_groups()

    def load_group(self, name: str, version: int | None = None) -> GroupRecord:
        """The latest version of group ``name``'s record, or the given version.

        :raises GroupNotFoundError: no such group, or no such version.
        """
        raise self._keeps_no_groups()

    def list_groups(self) -> builtins.list[str]:
        """The names of the group records in the store, sorted."""
        raise self._keeps_no_groups()

    def group_history(self, name: str) -> builtins.list[VersionInfo]:
        """Every version of group ``name``'s record, oldest first (``title`` is the
        group's name as the record gives it).

        :raises GroupNotFoundError: no such group.
        """
        raise self._keeps_no_groups()

    def delete_group(self, name: str) -> None:
        """Remove group ``name``'s record and all its versions.

        :raises GroupNotFoundError: no such group.
        """
        raise self._keeps_no_groups()

    def erase_member(self, name: str, code: str) -> int:
        """Remove one member from every version of group ``name``'s record: their entry,
        their place in each engagement and charter agreement. Later saves of a record that
        still names them are refused. Returns how many versions were rewritten.

        :raises GroupNotFoundError: no such group.
        """
        raise self._keeps_no_groups()

    def _keeps_no_groups(self) -> StoreError:
        self.check_open()
        return StoreError(
            f"{type(self).__name__} ({self.url!r}) keeps no group records: use a store that "
            "does (memory://, sqlite:///, json://, or the SQL plugin's)"
        )

    #: True once :meth:`close` was called: every later call raises :class:`StoreError`.
    closed: bool = False

    def close(self) -> None:
        """Release what the store holds open (connections, files). Safe to call twice; a
        store that overrides it calls ``super().close()``."""
        self.closed = True

    def check_open(self) -> None:
        """Raise :class:`StoreError` if the store was closed: what every method of a store
        checks first, so a closed store of any kind refuses alike."""
        if self.closed:
            raise StoreError(f"the store {self.url!r} is closed")

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
