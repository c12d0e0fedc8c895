"""Skipping an export file that is exactly the one imported before (same size and mtime).

Re-importing the same ``conversations.json`` or export zip is common (a second click, a
re-run). When the file, the companion files beside it (ChatGPT's feedback) and the parsers that
read it are all as they were, nothing in it can have changed, so it is not even opened: its
sessions are counted as unchanged. A file whose last import skipped anything is always read
again, so the report keeps showing why.
"""

from __future__ import annotations

import hashlib
import io
import os
import zipfile
import zlib
from pathlib import Path

from sqlite_utils import Database

from desktop_app.importers.registry import SOURCES, spec
from desktop_app.ingest.companions import companion_files_beside
from desktop_app.ingest.pathrun import Copies
from desktop_app.store.files import FileState, load_file_head, restamp_file
from desktop_app.store.sessions import replaced_since

#: Marks the file states written here (incremental log reading keeps its own).
PREFIX = "whole:"


def _versions(sources: list[str]) -> str | None:
    if not sources or any(s not in SOURCES for s in sources):
        return None
    return PREFIX + ",".join(spec(s).parser_version for s in sorted(sources))


def file_key(path: Path) -> tuple[str, int, int]:
    """The stored path, size and mtime of an export file (its companion files folded in).

    A zip's "mtime" is a stamp of its members' names, CRC-32s and sizes (its central
    directory): the same export downloaded or copied again has new mtimes and the same bytes,
    and is recognised without being read. (A plain ``conversations.json`` read again is still
    fast: each conversation's bytes are hashed, see ``chatgpt.record_mark``.)
    """
    stat = path.stat()
    size, mtime_ns = stat.st_size, stat.st_mtime_ns
    stamp = _zip_stamp(path)
    if stamp is not None:
        mtime_ns = stamp
    for companion in companion_files_beside(path):
        other = companion.stat()
        size += other.st_size
        mtime_ns = max(mtime_ns, other.st_mtime_ns)
    return os.path.abspath(path), size, mtime_ns


def _zip_stamp(path: Path) -> int | None:
    """A 64-bit stamp of a zip's central directory, or None when ``path`` is not a zip."""
    try:
        if not zipfile.is_zipfile(path):
            return None
        with zipfile.ZipFile(path) as archive:
            digest = hashlib.blake2b(digest_size=8)
            for info in archive.infolist():
                digest.update(f"{info.filename}\x00{info.CRC}\x00{info.file_size}\x00"
                              f"{info.compress_size}\x00".encode("utf-8", "surrogatepass"))
    except (OSError, zipfile.BadZipFile, ValueError):
        return None
    return int.from_bytes(digest.digest(), "big", signed=True)


#: Bytes per read when taking a file's CRC-32.
_CRC_CHUNK = 1 << 20


class CrcReader(io.RawIOBase):
    """A stream that takes the CRC-32 of what is read through it (an export read for its first
    import: its CRC is remembered at no extra reading, see :func:`remember`)."""

    def __init__(self, stream: io.BufferedIOBase | io.RawIOBase | io.BufferedReader,
                 crc: int = 0) -> None:
        super().__init__()
        self._stream = stream
        #: The CRC-32 of the bytes so far (``crc``: of bytes read before, e.g. the head).
        self.crc = crc

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        view = memoryview(buffer).cast("B")
        data = self._stream.read(len(view))
        if not data:
            return 0
        view[:len(data)] = data
        self.crc = zlib.crc32(data, self.crc)
        return len(data)


def file_crc(path: Path, crc: int = 0) -> int:
    """The CRC-32 of a file's bytes, continuing ``crc``."""
    with path.open("rb") as raw:
        while chunk := raw.read(_CRC_CHUNK):
            crc = zlib.crc32(chunk, crc)
    return crc


def content_crc(path: Path, main: int | None = None) -> int | None:
    """The CRC-32 of an export file and the companion files beside it, in that order (``main``:
    the file's own, taken while it was read); None for a zip (its stamp says it already) or a
    file that cannot be read."""
    try:
        if zipfile.is_zipfile(path):
            return None
        crc = file_crc(path) if main is None else main
        for companion in companion_files_beside(path):
            crc = file_crc(companion, crc)
    except OSError:
        return None
    return crc


def unchanged(db: Database, path: Path) -> FileState | None:
    """The remembered state when ``path`` is exactly as last imported, else None (without its
    sessions: see :meth:`~desktop_app.ingest.pathrun.PathRun.add_remembered`).

    Same size and mtime: not even opened. Same size, another mtime (downloaded or copied
    again): the same bytes when its CRC-32 (with its companions') is the one remembered, and
    the new mtime is remembered. A zip's mtime is a stamp of its contents already.
    """
    key, size, mtime_ns = file_key(path)
    state = load_file_head(db, key)
    if state is None or not state.parser_version.startswith(PREFIX):
        return None
    sources = [s for s in state.source.split(",") if s]
    if state.parser_version != _versions(sources):
        return None  # a better parser now: read it again
    if state.size != size:
        return None
    if state.mtime_ns != mtime_ns:
        if state.content_crc is None or content_crc(path) != state.content_crc:
            return None
        restamp_file(db, key, mtime_ns)
    if replaced_since(db, key, None):
        return None  # a newer copy came from elsewhere: read it again to list its older copies
    return state


def remember(db: Database, path: Path, sources: list[str], sessions: Copies,
             crc: int | None = None) -> None:
    """Record an export file imported without problems (inside the import's transaction), with
    the sessions met in it. ``crc``: the file's CRC-32 taken while it was read, if it was."""
    versions = _versions(sources)
    if versions is None:
        return
    key, size, mtime_ns = file_key(path)
    sessions.remember(FileState(path=key, source=",".join(sorted(sources)),
                                parser_version=versions, size=size, mtime_ns=mtime_ns,
                                offset=size, content_crc=content_crc(path, crc)))
