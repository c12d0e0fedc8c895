"""Reading ``.tgz`` members (Google Takeout) as streams, with the same guards as zips.

A gzip-compressed tar is read in one pass, in stream mode: nothing is extracted to disk and
no member is held in memory. Links, device files and names with ``..`` or absolute paths are
reported and left out. Too many members, too much data in total, or data that inflates more
than the zip ratio limit (measured while reading, compressed bytes in against bytes out)
raise :class:`~desktop_app.importers.zipsafe.ZipBombError`.
"""

from __future__ import annotations

import io
import tarfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

from desktop_app.importers.contract import (
    FormatError,
    Report,
    Skipped,
)
from desktop_app.importers.zipsafe import DEFAULT_LIMITS, ZipBombError, ZipLimits, is_unsafe_name

GZIP_MAGIC = b"\x1f\x8b"


def is_tar_gz(head: bytes, name: str) -> bool:
    """True for a gzip file named like a tar archive (``.tgz``, ``.tar.gz``)."""
    lower = name.lower()
    return head[:2] == GZIP_MAGIC and lower.endswith((".tgz", ".tar.gz"))


class _Counting(io.RawIOBase):
    """The compressed file, counting the bytes the decompressor has taken from it."""

    def __init__(self, raw: IO[bytes]) -> None:
        super().__init__()
        self._raw = raw
        self.taken = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        data = self._raw.read(len(view))
        view[: len(data)] = data
        self.taken += len(data)
        return len(data)


@dataclass
class _Budget:
    """What a tar has expanded to so far, against the limits."""

    name: str
    limits: ZipLimits
    source: _Counting
    total: int = 0

    def spend(self, nbytes: int) -> None:
        self.total += nbytes
        self.check(self.total)

    def check(self, total: int) -> None:
        """Refuse the archive when ``total`` bytes out is too much, or too much per byte in."""
        if total > self.limits.max_total_size:
            raise ZipBombError(self.name, f"would expand to more than the "
                                          f"{self.limits.max_total_size} bytes allowed")
        ratio = total / max(self.source.taken, 1)
        if total > self.limits.ratio_floor and ratio > self.limits.max_ratio:
            raise ZipBombError(self.name, f"expands {ratio:.0f} times ({self.source.taken} → "
                                          f"{total} bytes so far): refused as a "
                                          "compression bomb")


class _MemberStream(io.RawIOBase):
    """One member's bytes, charged to the budget as they are read."""

    def __init__(self, inner: IO[bytes], budget: _Budget) -> None:
        super().__init__()
        self._inner = inner
        self._budget = budget

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        data = self._inner.read(len(view))
        view[: len(data)] = data
        self._budget.spend(len(data))
        return len(data)

    def seekable(self) -> bool:
        return False


@dataclass(frozen=True, slots=True)
class TarMember:
    """One regular file of a tar, readable once, in archive order."""

    name: str
    size: int
    stream: IO[bytes]


def iter_tar_members(raw: IO[bytes], name: str, report: Report,
                     limits: ZipLimits = DEFAULT_LIMITS) -> Iterator[TarMember]:
    """The regular, safe members of a ``.tgz``, one at a time (read each before the next).

    Raises :class:`FormatError` for a file that is not a readable gzip-compressed tar and
    :class:`ZipBombError` when a limit is passed.
    """
    source = _Counting(raw)
    budget = _Budget(name, limits, source)
    count = 0
    passed = 0  # declared sizes of the members already behind us (read or skipped)
    try:
        with tarfile.open(fileobj=io.BufferedReader(source, 256 * 1024), mode="r|gz") as tar:
            for info in tar:
                budget.check(max(passed, budget.total))  # skipped members inflate too
                passed += info.size
                count += 1
                if count > limits.max_members:
                    raise ZipBombError(name, f"too many members (more than "
                                             f"{limits.max_members})")
                if info.isdir():
                    continue
                shown = f"{name}!{info.name}"
                problem = "member name points outside the archive or is absolute" \
                    if is_unsafe_name(info.name) else None
                if problem is None and (info.issym() or info.islnk()):
                    problem = "link"
                if problem is None and not info.isfile():
                    problem = "not a regular file"
                if problem is not None:
                    report(Skipped(shown, problem))
                    continue
                if budget.total + info.size > limits.max_total_size:
                    raise ZipBombError(name, f"member {info.name!r} would expand the archive "
                                             f"beyond {limits.max_total_size} bytes")
                inner = tar.extractfile(info)
                if inner is None:  # pragma: no cover - regular files always have data
                    continue
                yield TarMember(info.name, info.size,
                                io.BufferedReader(_MemberStream(inner, budget), 256 * 1024))
            budget.check(max(passed, budget.total))
    except ZipBombError:
        raise
    except (tarfile.TarError, EOFError, OSError, zlib.error) as exc:
        raise FormatError(name, f"not a readable .tgz archive ({exc or type(exc).__name__})"
                          ) from exc
