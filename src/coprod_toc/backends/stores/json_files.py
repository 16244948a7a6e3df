"""Built-in plugin: ``json://DIR``, maps kept as JSON files in a folder.

Each map is a folder holding one file per version (``DIR/NAME/00000001.json``…): a first
line of metadata (when, title, message, and a SHA-256 of the rest), then the map's canonical
JSON. Files you can read, diff and keep in version control.

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
from collections.abc import Mapping
from pathlib import Path

from coprod_toc.errors import ConflictError, CoprodTocError, MapNotFoundError, StoreError
from coprod_toc.evidence.records import erasure_digest
from coprod_toc.format import dumps, loads
from coprod_toc.graph import TheoryOfChange
from coprod_toc.storage import (
    Store,
    VersionInfo,
    check_map_name,
    check_save,
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
            entries = os.listdir(self._map_folder(name))
        except (FileNotFoundError, NotADirectoryError):
            return []
        except OSError as exc:
            raise StoreError(f"{self.url!r}: cannot read map {name!r}: {exc}") from None
        return sorted(int(m.group(1)) for e in entries if (m := _VERSION_FILE.fullmatch(e)))

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
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise MapNotFoundError(f"map {name!r} has no version {version!r}") from None
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
        folder = self._map_folder(name)
        meta = {
            "store": _MAGIC,
            "saved_at": dt.datetime.now(dt.UTC).isoformat(),
            "title": toc.title,
            "message": message,
        }
        try:
            folder.mkdir(exist_ok=True)
            _remove_stale_temporaries(folder)
            temporary = _write_temporary(folder, meta, toc)
            try:
                while True:
                    versions = self._versions(name)
                    latest = versions[-1] if versions else 0
                    if expected_version is not None and expected_version != latest:
                        raise ConflictError(name, expected_version, latest)
                    try:
                        # Atomic, and refuses to replace: exactly one writer makes each version.
                        os.link(temporary, folder / f"{latest + 1:08d}.json")
                    except FileExistsError:
                        if expected_version is not None:
                            raise ConflictError(name, expected_version, latest + 1) from None
                        continue  # someone saved meanwhile; go after their version
                    _sync_folder(folder)
                    return latest + 1
            finally:
                temporary.unlink(missing_ok=True)
        except OSError as exc:
            raise StoreError(f"{self.url!r}: cannot save map {name!r}: {exc}") from None

    def _erased(self) -> set[str]:
        """The digests of the people erased from this store (``DIR/.erased``)."""
        try:
            return set((self.folder / _ERASED).read_text("ascii").split())
        except FileNotFoundError:
            return set()
        except (OSError, UnicodeError) as exc:
            raise StoreError(f"{self.url!r}: cannot read {_ERASED}: {exc}") from None

    def _remember_erased(self, participant: str) -> None:
        try:
            with open(self.folder / _ERASED, "a", encoding="ascii") as file:
                file.write(erasure_digest(participant) + "\n")
                file.flush()
                os.fsync(file.fileno())
        except OSError as exc:
            raise StoreError(f"{self.url!r}: cannot write {_ERASED}: {exc}") from None

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
                    temporary = _write_temporary(folder, meta, toc)
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
            out.append(
                VersionInfo(
                    name,
                    version,
                    dt.datetime.fromisoformat(str(meta["saved_at"])),
                    str(meta["title"]),
                    None if meta.get("message") is None else str(meta["message"]),
                )
            )
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


def _write_temporary(folder: Path, meta: Mapping[str, object], toc: TheoryOfChange) -> Path:
    """A version file, written whole and synced to disk under a temporary name: a line of
    metadata with the body's checksum, then the map's canonical JSON."""
    body = dumps(toc).encode("utf-8")
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
