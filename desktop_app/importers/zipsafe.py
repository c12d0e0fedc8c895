"""Reading zip members as streams, never extracted to disk, with guards against hostile zips."""

from __future__ import annotations

import functools
import stat
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import IO, BinaryIO

from desktop_app.importers.contract import (
    FormatError,
    Report,
    Skipped,
)

ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")


@dataclass(frozen=True, slots=True)
class ZipLimits:
    """What a zip may hold before it is refused as a zip bomb (or simply too big)."""

    max_members: int = 200_000
    max_total_size: int = 16 * 1024**3
    #: Uncompressed ÷ compressed size of one member; real JSON stays well under 100.
    max_ratio: float = 250.0
    #: Members smaller than this are not held to the ratio (tiny files compress oddly).
    ratio_floor: int = 1024 * 1024
    max_depth: int = 2


DEFAULT_LIMITS = ZipLimits()


class ZipBombError(FormatError):
    """A zip that would expand to far more data than it holds."""


@dataclass(frozen=True, slots=True)
class ZipMember:
    """One regular file inside a zip, opened lazily as a stream."""

    name: str
    size: int
    compress_size: int
    open: Callable[[], IO[bytes]]


def is_zip(head: bytes) -> bool:
    """True when ``head`` starts like a zip file (or an empty zip)."""
    return head[:4] in ZIP_MAGIC


def _unsafe_name(name: str) -> str | None:
    """Why a member name must not be used, or None when it is fine."""
    if "\x00" in name:
        return "member name contains a NUL character"
    normal = name.replace("\\", "/")
    if normal.startswith("/") or (len(normal) > 1 and normal[1] == ":"):
        return "absolute path in member name"
    if ".." in PurePosixPath(normal).parts:
        return "member name points outside the archive (..)"
    return None


def is_unsafe_name(name: str) -> bool:
    """True for a member name that must never be used (``..``, absolute, NUL)."""
    return _unsafe_name(name) is not None


def open_zip(source: str | BinaryIO, name: str) -> zipfile.ZipFile:
    """Open a zip for reading; an unreadable zip is a :class:`FormatError`."""
    try:
        return zipfile.ZipFile(source)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError) as exc:
        raise FormatError(name, f"not a readable zip file ({exc})") from exc
    except NotImplementedError as exc:
        raise FormatError(name, f"unsupported zip feature ({exc})") from exc


def iter_members(zf: zipfile.ZipFile, name: str, report: Report,
                 limits: ZipLimits = DEFAULT_LIMITS) -> Iterator[ZipMember]:
    """The regular, safe members of an open zip, in archive order.

    Links, names with ``..`` or absolute paths and encrypted members are reported through
    ``report`` and left out. Too many members, too much data in total or a member that inflates
    more than ``limits.max_ratio`` times raise :class:`ZipBombError` before anything is read.
    """
    infos = zf.infolist()
    if len(infos) > limits.max_members:
        raise ZipBombError(name, f"too many members ({len(infos)}; at most "
                                 f"{limits.max_members} are read)")
    total = sum(info.file_size for info in infos)
    if total > limits.max_total_size:
        raise ZipBombError(name, f"would expand to {total} bytes, more than the "
                                 f"{limits.max_total_size} bytes allowed")
    for info in infos:
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > limits.ratio_floor and ratio > limits.max_ratio:
            raise ZipBombError(
                name,
                f"member {info.filename!r} expands {ratio:.0f} times "
                f"({info.compress_size} → {info.file_size} bytes): refused as a zip bomb",
            )
    for info in infos:
        member = f"{name}!{info.filename}"
        if info.is_dir():
            continue
        problem = _unsafe_name(info.filename)
        mode = info.external_attr >> 16
        if problem is None and stat.S_ISLNK(mode):
            problem = "symbolic link"
        if problem is None and info.flag_bits & 0x1:
            problem = "encrypted member"
        if problem is not None:
            report(Skipped(member, problem))
            continue
        yield ZipMember(
            name=info.filename,
            size=info.file_size,
            compress_size=info.compress_size,
            open=functools.partial(zf.open, info),
        )
