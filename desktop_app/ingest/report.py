"""What an import tells its caller: progress while it runs, a report per path at the end."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from desktop_app.importers.contract import Skipped


@dataclass(frozen=True, slots=True)
class ImportProgress:
    """How far an import has got: bytes read of all paths, and what is being read now."""

    bytes_done: int
    bytes_total: int
    current: str
    sessions: int

    @property
    def fraction(self) -> float:
        """Share done, 0.0 to 1.0."""
        if self.bytes_total <= 0:
            return 0.0
        return min(1.0, self.bytes_done / self.bytes_total)


def deleted_earlier_text(n: int) -> str:
    """``", deleted earlier: N"`` for a report line, or nothing when no deleted session came
    back (so reports of people who never deleted anything read as before)."""
    return f", deleted earlier: {n:,}" if n else ""


def excluded_text(n: int) -> str:
    """``", excluded by rule: N"`` for a report line, or nothing when no import rule kept a
    session out."""
    return f", excluded by rule: {n:,}" if n else ""


def kept_out_text(deleted_earlier: int, excluded: int) -> str:
    """Both of the above, in the order the report names them."""
    return deleted_earlier_text(deleted_earlier) + excluded_text(excluded)


@dataclass
class FileReport:
    """What happened to one path given to the import."""

    path: str
    source: str | None = None
    sessions_new: int = 0
    sessions_updated: int = 0
    sessions_unchanged: int = 0
    messages: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    error: str | None = None
    skipped_unlisted: int = 0
    #: Sessions the user deleted (remembered as tombstones): read, and not stored again.
    sessions_deleted_earlier: int = 0
    #: Sessions a skip rule kept out: read, and not stored.
    sessions_excluded: int = 0

    @property
    def sessions(self) -> int:
        """Sessions read from this path, whatever happened to them."""
        return self.sessions_new + self.sessions_updated + self.sessions_unchanged

    def to_json(self) -> dict[str, Any]:
        """The per-file object of the ``import --json`` contract."""
        skipped = [s.to_json() for s in self.skipped]
        if self.skipped_unlisted:
            skipped.append({"what": f"{self.skipped_unlisted} more",
                            "reason": "not listed one by one"})
        return {
            "path": self.path,
            "source": self.source,
            "sessions_new": self.sessions_new,
            "sessions_updated": self.sessions_updated,
            "sessions_unchanged": self.sessions_unchanged,
            "sessions_deleted_earlier": self.sessions_deleted_earlier,
            "sessions_excluded": self.sessions_excluded,
            "messages": self.messages,
            "skipped": skipped,
            "error": self.error,
        }


@dataclass
class ImportReport:
    """What an import did, per path; ``to_json()`` is the ``import --json`` output."""

    files: list[FileReport] = field(default_factory=list)
    cancelled: bool = False

    @property
    def ok(self) -> bool:
        """True when every path imported (the CLI exits 0)."""
        return not self.cancelled and all(f.error is None for f in self.files)

    @property
    def totals(self) -> dict[str, int]:
        """Sessions new / updated / unchanged / deleted earlier / excluded over all paths."""
        return {
            "sessions_new": sum(f.sessions_new for f in self.files),
            "sessions_updated": sum(f.sessions_updated for f in self.files),
            "sessions_unchanged": sum(f.sessions_unchanged for f in self.files),
            "sessions_deleted_earlier": sum(f.sessions_deleted_earlier for f in self.files),
            "sessions_excluded": sum(f.sessions_excluded for f in self.files),
        }

    def to_json(self) -> dict[str, Any]:
        """``{"files": [...], "totals": {...}}`` exactly as the PRODUCT contract says."""
        return {"files": [f.to_json() for f in self.files], "totals": self.totals}
