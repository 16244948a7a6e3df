"""The file a survey is read from: a path on disk, or bytes already in memory (a web upload).

Importers read a :class:`SurveyFile` with :meth:`~SurveyFile.open` as often as they need;
messages name it by :attr:`~SurveyFile.name`, so an upload never shows a temporary path.
"""

from __future__ import annotations

import hashlib
import io
import os
from pathlib import Path
from typing import IO, Any, BinaryIO, TypeAlias

from coprod_toc.errors import FormatError

__all__ = ["HEAD_BYTES", "SurveyFile", "SurveySource"]

#: What ``ct.import_survey`` reads: a path, the file's bytes or text, or an open binary file.
SurveySource: TypeAlias = "str | os.PathLike[str] | bytes | bytearray | memoryview | IO[bytes]"

#: How much of a file detection looks at.
HEAD_BYTES = 64 * 1024
#: Longer strings are not paths (Linux allows 4,096 bytes).
_LONGEST_PATH = 4096


class SurveyFile(os.PathLike[str]):
    """One survey export: where its bytes are, and the name messages give it.

    Made from a path (read from disk each time it is opened, so a large file is never held
    in memory), from bytes, or from an open binary file (read once into memory). A file
    on disk also works where a path is expected (``os.fspath``, ``Path(file)``), for
    importers written against paths.
    """

    def __init__(self, *, name: str, path: Path | None = None, data: bytes | None = None):
        if (path is None) == (data is None):
            raise ValueError("a SurveyFile has a path or data, not both")
        self.name = name
        self.path = path
        self._data = data
        self._head: bytes | None = None
        self._fingerprint: str | None = None
        #: What readers keep while the file is being imported (its rows, a peek at them).
        self.memo: dict[Any, Any] = {}

    @classmethod
    def of(cls, source: SurveySource | SurveyFile, *, name: str | None = None) -> SurveyFile:
        """A survey file from a path, bytes or an open binary file.

        :param name: how messages name it (default: the path, else the file object's name,
            else ``"upload"``).
        :raises FormatError: a text-mode file object, or something that is none of these.
        """
        if isinstance(source, SurveyFile):
            return source
        if isinstance(source, bytes | bytearray | memoryview):
            return cls(name=name or "upload", data=bytes(source))
        if isinstance(source, str) and ("\n" in source or "\r" in source):
            # The file's text itself (an upload a web framework has already decoded).
            return cls(name=name or "upload", data=source.encode("utf-8"))
        if isinstance(source, str) and (len(source) > _LONGEST_PATH or "\x00" in source):
            raise FormatError(
                "a survey given as a string is a path, or the file's text with its line "
                f"breaks; this is neither ({len(source):,} characters on one line)",
                source=name or "upload",
            )
        if isinstance(source, str | os.PathLike):
            path = Path(source)
            return cls(name=name or str(path), path=path)
        read = getattr(source, "read", None)
        if read is None:
            raise FormatError(
                "a survey is a path, the file's bytes or an open binary file, not "
                f"{type(source).__name__}",
                source=name,
            )
        shown = name or _handle_name(source)
        data = read()
        if isinstance(data, str):
            raise FormatError("open the file in binary mode ('rb'), not as text", source=shown)
        if not isinstance(data, bytes | bytearray | memoryview):
            raise FormatError(f"reading it gave {type(data).__name__}, not bytes", source=shown)
        return cls(name=shown, data=bytes(data))

    def open(self, mode: str = "rb") -> BinaryIO:
        """A fresh binary handle at the start of the file.

        :raises FormatError: the file cannot be read.
        """
        if mode != "rb":
            raise ValueError("survey files are opened in binary mode ('rb')")
        if self._data is not None:
            return io.BytesIO(self._data)
        assert self.path is not None
        try:
            return self.path.open("rb")
        except OSError as exc:
            raise FormatError(
                f"cannot read the file: {exc.strerror or exc}", source=self.name
            ) from None

    def read_bytes(self) -> bytes:
        with self.open() as handle:
            return handle.read()

    def head(self, size: int = HEAD_BYTES) -> bytes:
        """The first ``size`` bytes (64 KiB by default, as detection sees them)."""
        if size > HEAD_BYTES:
            with self.open() as handle:
                return handle.read(size)
        if self._head is None:
            with self.open() as handle:
                self._head = handle.read(HEAD_BYTES)
        return self._head[:size]

    def chunks(self, size: int = 1 << 20) -> Any:
        """The file in blocks, from the start."""
        with self.open() as handle:
            while block := handle.read(size):
                yield block

    @property
    def fingerprint(self) -> str:
        """16 hex digits of a SHA-256 of the bytes: what tells a file imported before."""
        if self._fingerprint is None:
            digest = hashlib.sha256()
            for block in self.chunks():
                digest.update(block)
            self._fingerprint = digest.hexdigest()[:16]
        return self._fingerprint

    def size(self) -> int:
        if self._data is not None:
            return len(self._data)
        assert self.path is not None
        try:
            return self.path.stat().st_size
        except OSError as exc:
            raise FormatError(
                f"cannot read the file: {exc.strerror or exc}", source=self.name
            ) from None

    def __fspath__(self) -> str:
        if self.path is None:
            raise TypeError(f"{self.name!r} is held in memory, not on disk: read it with .open()")
        return os.fspath(self.path)

    def __str__(self) -> str:
        return self.name

    def __repr__(self) -> str:
        where = "on disk" if self.path is not None else f"{len(self._data or b'')} bytes"
        return f"SurveyFile({self.name!r}, {where})"


def _handle_name(handle: Any) -> str:
    name = getattr(handle, "filename", None) or getattr(handle, "name", None)
    return os.path.basename(name) if isinstance(name, str) and name else "upload"
