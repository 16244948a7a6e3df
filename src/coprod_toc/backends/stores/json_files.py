"""Built-in plugin: ``json://DIR``, maps kept as JSON files in a folder.

Each map is a folder holding one file per version (``DIR/NAME/00000001.json``…): a first
line of metadata (when, title, message, and a SHA-256 of the rest), then the map's canonical
JSON. Files you can read, diff and keep in version control. Group records are kept the same
way under ``DIR/.groups/NAME/``.

A version file is written under a temporary name, flushed to disk, and only then given its
final name with a hard link, which fails if that name exists: a half-written file never has
a version's name, and two writers can never both make version N — the second gets a
:class:`ConflictError`. ``json://maps`` is relative to the working folder, ``json:///srv/maps``
absolute.
"""

from __future__ import annotations

import builtins
import contextlib
import datetime as dt
import hashlib
import json
import os
import re
import shutil
import time
import uuid
from collections.abc import Callable, Mapping
from pathlib import Path

from coprod_toc.errors import (
    ConflictError,
    CoprodTocError,
    GroupNotFoundError,
    MapNotFoundError,
    StoreError,
)
from coprod_toc.evidence.records import erasure_digest
from coprod_toc.format import dumps, loads
from coprod_toc.graph import TheoryOfChange
from coprod_toc.group import GroupRecord
from coprod_toc.storage import (
    Store,
    VersionInfo,
    check_group_save,
    check_map_name,
    check_member_code,
    check_save,
    erased_member_text,
    group_from_text,
    group_text,
    member_digest,
    refuse_erased_members,
    refuse_erased_people,
)
from coprod_toc.storage.rows import stored_text

__all__ = ["JsonStore"]

SCHEME = "json"
_VERSION_FILE = re.compile(r"(\d{8,})\.json")
_TEMPORARY = ".tmp-"
_MAGIC = "coprod-toc-store"
_STALE_SECONDS = 3600
_ERASED = ".erased"  # digests of the people erased, one a line
_GROUPS = ".groups"  # the group records' folders: a map's name never starts with "."


class JsonStore(Store):
    def __init__(self, url: str, folder: Path) -> None:
        self.url = url
        self.folder = folder
        try:
            folder.mkdir(exist_ok=True)
        except OSError as exc:
            raise StoreError(f"{url!r}: cannot use the folder {str(folder)!r}: {exc}") from None

    # ------------------------------------------------------------------ files

    def _map_folder(self, name: str) -> Path:
        self.check_open()  # every call that names a map comes through here
        return self.folder / check_map_name(name)

    def _versions(self, name: str) -> builtins.list[int]:
        """The versions of map ``name`` on disk, oldest first; [] if there is no such map."""
        try:
            return _version_files(self._map_folder(name))
        except OSError as exc:
            raise StoreError(f"{self.url!r}: cannot read map {name!r}: {exc}") from None

    def _existing_versions(self, name: str) -> builtins.list[int]:
        try:
            check_map_name(name)
        except StoreError:
            raise MapNotFoundError(f"no map named {name!r}") from None
        versions = self._versions(name)
        if not versions:
            raise MapNotFoundError(f"no map named {name!r}")
        return versions

    def _read(self, name: str, version: int) -> tuple[dict[str, object], str]:
        """The metadata and the document text of one version, checked against its checksum."""
        path = self._map_folder(name) / f"{version:08d}.json"
        return self._read_file(path, MapNotFoundError(f"map {name!r} has no version {version!r}"))

    def _read_file(self, path: Path, missing: StoreError) -> tuple[dict[str, object], str]:
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise missing from None
        except OSError as exc:
            raise StoreError(f"{self.url!r}: cannot read {str(path)!r}: {exc}") from None
        first, _, rest = data.partition(b"\n")
        try:
            meta = json.loads(first)
            if not isinstance(meta, dict) or meta.get("store") != _MAGIC:
                raise ValueError("no store header")
            if meta.get("sha256") != hashlib.sha256(rest).hexdigest():
                raise ValueError("its checksum does not match its content")
            return meta, rest.decode("utf-8")
        except ValueError as exc:
            raise StoreError(f"{self.url!r}: {str(path)!r} is damaged: {exc}") from None

    # ------------------------------------------------------------------ the interface

    def save_version(
        self,
        name: str,
        toc: TheoryOfChange,
        *,
        expected_version: int | None = None,
        message: str | None = None,
    ) -> int:
        check_save(name, toc)
        refuse_erased_people(name, toc, self._erased())
        body = dumps(toc).encode("utf-8")
        return self._save_file(
            self._map_folder(name), body, toc.title, message, name, expected_version, "map"
        )

    def _save_file(
        self,
        folder: Path,
        body: bytes,
        title: str,
        message: str | None,
        name: str,
        expected_version: int | None,
        what: str,
        check: Callable[[], None] | None = None,
    ) -> int:
        """Write the next version file in ``folder`` (a map's or a group's); ``check`` runs
        just before each attempt to make the version, and may refuse it."""
        meta = {
            "store": _MAGIC,
            "saved_at": dt.datetime.now(dt.UTC).isoformat(),
            "title": title,
            "message": message,
        }
        try:
            folder.mkdir(parents=True, exist_ok=True)
            _remove_stale_temporaries(folder)
            temporary = _write_temporary(folder, meta, body)
            try:
                while True:
                    if check is not None:
                        check()
                    versions = _version_files(folder)
                    latest = versions[-1] if versions else 0
                    if expected_version is not None and expected_version != latest:
                        raise ConflictError(name, expected_version, latest, what=what)
                    try:
                        # Atomic, and refuses to replace: exactly one writer makes each version.
                        os.link(temporary, folder / f"{latest + 1:08d}.json")
                    except FileExistsError:
                        if expected_version is not None:
                            raise ConflictError(
                                name, expected_version, latest + 1, what=what
                            ) from None
                        continue  # someone saved meanwhile; go after their version
                    _sync_folder(folder)
                    return latest + 1
            finally:
                temporary.unlink(missing_ok=True)
        except OSError as exc:
            raise StoreError(f"{self.url!r}: cannot save {what} {name!r}: {exc}") from None

    def _erased(self) -> set[str]:
        """The digests of the people erased from this store (``DIR/.erased``)."""
        return _lines(self.folder / _ERASED, self.url)

    def _remember_erased(self, participant: str) -> None:
        _append_line(self.folder / _ERASED, erasure_digest(participant), self.url)

    def erase_participant(self, participant: str) -> int:
        rewritten = 0
        for name in self.list():
            folder = self._map_folder(name)
            for version in self._versions(name):
                meta, text = self._read(name, version)
                toc = loads(text, format="json")
                if not toc.erase_participant(participant):
                    continue
                temporary = None
                try:
                    temporary = _write_temporary(folder, meta, dumps(toc).encode("utf-8"))
                    os.replace(temporary, folder / f"{version:08d}.json")  # atomic
                    _sync_folder(folder)
                except OSError as exc:
                    raise StoreError(f"{self.url!r}: cannot rewrite map {name!r}: {exc}") from None
                finally:
                    if temporary is not None:
                        temporary.unlink(missing_ok=True)
                rewritten += 1
        if rewritten:
            self._remember_erased(participant)
        self._remove_leftovers(participant)
        return rewritten

    def _remove_leftovers(self, participant: str) -> None:
        """What a killed save or an interrupted delete left behind may hold the person too:
        deleted maps' folders go, and temporary files that name them."""
        needle = stored_text(participant).encode("utf-8")
        for doomed in self.folder.glob(".deleted-*"):
            shutil.rmtree(doomed, ignore_errors=True)
        for leftover in self.folder.glob(f"*/{_TEMPORARY}*"):
            with contextlib.suppress(OSError):
                if needle in leftover.read_bytes():
                    leftover.unlink()

    def load(self, name: str, version: int | None = None) -> TheoryOfChange:
        versions = self._existing_versions(name)
        if version is None:
            version = versions[-1]
        elif isinstance(version, bool) or not isinstance(version, int) or version < 1:
            raise MapNotFoundError(f"map {name!r} has no version {version!r}")
        _, text = self._read(name, version)
        try:
            return loads(text, format="json")
        except CoprodTocError as exc:
            raise StoreError(
                f"{self.url!r}: version {version} of map {name!r} cannot be read: {exc}"
            ) from None

    def list(self) -> list[str]:
        self.check_open()
        try:
            entries = sorted(os.listdir(self.folder))
        except OSError as exc:
            raise StoreError(f"{self.url!r}: cannot list the folder: {exc}") from None
        return [e for e in entries if not e.startswith(".") and self._versions(e)]

    def history(self, name: str) -> builtins.list[VersionInfo]:
        out = []
        for version in self._existing_versions(name):
            meta, _ = self._read(name, version)
            out.append(_version_info(name, version, meta))
        return out

    def delete(self, name: str) -> None:
        self._existing_versions(name)
        folder = self._map_folder(name)
        # Out of sight in one step, then removed: a reader never sees half a map.
        doomed = self.folder / f".deleted-{name}-{uuid.uuid4().hex}"
        try:
            folder.rename(doomed)
        except FileNotFoundError:
            raise MapNotFoundError(f"no map named {name!r}") from None
        except OSError as exc:
            raise StoreError(f"{self.url!r}: cannot delete map {name!r}: {exc}") from None
        shutil.rmtree(doomed, ignore_errors=True)
        _sync_folder(self.folder)

    # ------------------------------------------------------------------ group records
    # DIR/.groups/NAME/00000001.json…, the same files as a map's, with the group's canonical
    # JSON; the members erased from groups are kept in DIR/.groups/.erased.

    def _group_folder(self, name: str) -> Path:
        self.check_open()
        return self.folder / _GROUPS / check_map_name(name)

    def _group_files(self, name: str) -> builtins.list[int]:
        if not _is_name(name):
            raise GroupNotFoundError(f"no group named {name!r}")
        try:
            versions = _version_files(self._group_folder(name))
        except OSError as exc:
            raise StoreError(f"{self.url!r}: cannot read group {name!r}: {exc}") from None
        if not versions:
            raise GroupNotFoundError(f"no group named {name!r}")
        return versions

    def _read_group(self, name: str, version: int) -> tuple[dict[str, object], str]:
        path = self._group_folder(name) / f"{version:08d}.json"
        return self._read_file(
            path, GroupNotFoundError(f"group {name!r} has no version {version!r}")
        )

    def save_group_version(
        self,
        name: str,
        record: GroupRecord,
        *,
        expected_version: int | None = None,
        message: str | None = None,
    ) -> int:
        check_group_save(name, record)
        folder = self._group_folder(name)
        body = group_text(record).encode("utf-8")

        def refuse_erased() -> None:  # asked again just before each version is made
            refuse_erased_members(name, record, _lines(self._groups_erased, self.url))

        return self._save_file(
            folder, body, record.group.name, message, name, expected_version, "group",
            refuse_erased,
        )  # fmt: skip

    def load_group(self, name: str, version: int | None = None) -> GroupRecord:
        versions = self._group_files(name)
        if version is None:
            version = versions[-1]
        elif isinstance(version, bool) or not isinstance(version, int) or version < 1:
            raise GroupNotFoundError(f"group {name!r} has no version {version!r}")
        _, text = self._read_group(name, version)
        return group_from_text(text, self.url, name, version)

    def list_groups(self) -> builtins.list[str]:
        self.check_open()
        try:
            entries = sorted(os.listdir(self.folder / _GROUPS))
        except FileNotFoundError:
            return []
        except OSError as exc:
            raise StoreError(f"{self.url!r}: cannot list the groups: {exc}") from None
        return [
            e for e in entries
            if _is_name(e) and _version_files(self.folder / _GROUPS / e)
        ]  # fmt: skip

    def group_history(self, name: str) -> builtins.list[VersionInfo]:
        out = []
        for version in self._group_files(name):
            meta, _ = self._read_group(name, version)
            out.append(_version_info(name, version, meta))
        return out

    def delete_group(self, name: str) -> None:
        self._group_files(name)
        doomed = self.folder / f".deleted-group-{name}-{uuid.uuid4().hex}"
        try:
            self._group_folder(name).rename(doomed)
        except FileNotFoundError:
            raise GroupNotFoundError(f"no group named {name!r}") from None
        except OSError as exc:
            raise StoreError(f"{self.url!r}: cannot delete group {name!r}: {exc}") from None
        shutil.rmtree(doomed, ignore_errors=True)
        _sync_folder(self.folder / _GROUPS)

    def erase_member(self, name: str, code: str) -> int:
        """Erase a member from every version. Saves may run meanwhile: the member's digest
        is kept first (so saves from then on are refused), then the versions are rewritten
        pass after pass until one finds none naming them."""
        check_member_code(code)
        folder = self._group_folder(name)
        rewritten: set[int] = set()
        kept = False
        while True:
            found = 0
            for version in self._group_files(name):
                meta, text = self._read_group(name, version)
                erased = erased_member_text(text, code, self.url, name, version)
                if erased is None:
                    continue
                if not kept:  # before any rewrite: a save from now on is refused
                    _append_line(self._groups_erased, member_digest(name, code), self.url)
                    kept = True
                self._rewrite(folder, version, meta, erased, name)
                rewritten.add(version)
                found += 1
            if not found:
                return len(rewritten)

    def _rewrite(
        self, folder: Path, version: int, meta: Mapping[str, object], text: str, name: str
    ) -> None:
        temporary = None
        try:
            temporary = _write_temporary(folder, meta, text.encode("utf-8"))
            os.replace(temporary, folder / f"{version:08d}.json")  # atomic
            _sync_folder(folder)
        except OSError as exc:
            raise StoreError(f"{self.url!r}: cannot rewrite group {name!r}: {exc}") from None
        finally:
            if temporary is not None:
                temporary.unlink(missing_ok=True)

    @property
    def _groups_erased(self) -> Path:
        """The digests of the members erased from any group (each digest names its group):
        beside the groups' folders, so deleting a group keeps them."""
        return self.folder / _GROUPS / _ERASED


def _is_name(name: object) -> bool:
    try:
        check_map_name(name)
    except StoreError:
        return False
    return True


def _version_info(name: str, version: int, meta: Mapping[str, object]) -> VersionInfo:
    message = meta.get("message")
    return VersionInfo(
        name,
        version,
        dt.datetime.fromisoformat(str(meta["saved_at"])),
        str(meta["title"]),
        None if message is None else str(message),
    )


def _lines(path: Path, url: str) -> set[str]:
    """The digests kept one a line in ``path`` (none if it does not exist)."""
    try:
        return set(path.read_text("ascii").split())
    except FileNotFoundError:
        return set()
    except (OSError, UnicodeError) as exc:
        raise StoreError(f"{url!r}: cannot read {str(path)!r}: {exc}") from None


def _append_line(path: Path, line: str, url: str) -> None:
    try:
        with open(path, "a", encoding="ascii") as file:
            file.write(line + "\n")
            file.flush()
            os.fsync(file.fileno())
    except OSError as exc:
        raise StoreError(f"{url!r}: cannot write {str(path)!r}: {exc}") from None


def _version_files(folder: Path) -> list[int]:
    """The versions in a map's or group's folder, oldest first; [] if there is no folder."""
    try:
        entries = os.listdir(folder)
    except (FileNotFoundError, NotADirectoryError):
        return []
    return sorted(int(m.group(1)) for e in entries if (m := _VERSION_FILE.fullmatch(e)))


def _write_temporary(folder: Path, meta: Mapping[str, object], body: bytes) -> Path:
    """A version file, written whole and synced to disk under a temporary name: a line of
    metadata with the body's checksum, then the canonical JSON of the map or group."""
    meta = {**meta, "sha256": hashlib.sha256(body).hexdigest()}
    temporary = folder / f"{_TEMPORARY}{uuid.uuid4().hex}"
    with open(temporary, "xb") as file:
        file.write(json.dumps(meta, ensure_ascii=False).encode("utf-8") + b"\n" + body)
        file.flush()
        os.fsync(file.fileno())
    return temporary


def _remove_stale_temporaries(folder: Path) -> None:
    """Temporary files left by a save that was killed (an hour old: no save takes that long)."""
    cutoff = time.time() - _STALE_SECONDS
    for leftover in folder.glob(f"{_TEMPORARY}*"):
        with contextlib.suppress(OSError):
            if leftover.stat().st_mtime < cutoff:
                leftover.unlink()


def _sync_folder(folder: Path) -> None:
    """Make a new or removed name in ``folder`` survive a power cut (where the OS allows)."""
    with contextlib.suppress(OSError):  # not every platform can open a folder
        descriptor = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


def open_store(url: str) -> Store | None:
    prefix = f"{SCHEME}://"
    if not url.startswith(prefix):
        return None
    if len(url) == len(prefix):
        raise StoreError(f"{url!r}: give a folder, e.g. 'json://maps' or 'json:///srv/maps'")
    return JsonStore(url, Path(url[len(prefix) :]))
