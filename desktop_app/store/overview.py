"""What one database holds and where, for the "Your data" panel: its files and their size, the
sessions per source, the deleted sessions remembered, the import rules, and the copies
Worthwhile made of it automatically before upgrading it (and deleting those copies).

The automatic copies are named by :func:`desktop_app.store.db.migrate` through
``backup_database``: ``<database name>.before-<migration>-<UTC time>[-<n>].bak`` in the
database's folder. They hold the database as it was, so they may hold the text of sessions
deleted since; backups the person made (File → Back Up…) are their own files and are never
listed or touched here.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlite_utils import Database

from desktop_app.store.deletion import DeletionCount, count_tombstones, counts_by_source
from desktop_app.store.locking import read_snapshot

#: Files SQLite keeps beside a database (a backup opened with ``--db`` gets them too).
COMPANIONS = ("-wal", "-shm", "-journal")
_STAMP = "%Y%m%dT%H%M%SZ"


@dataclass(frozen=True, slots=True)
class AutomaticBackup:
    """One copy made before a schema migration: the file, its size, when it was made (UTC,
    from its name) and the migration it was made before (``"0011_rules"``)."""

    path: Path
    size: int
    made_at: datetime | None
    migration: str


@dataclass(frozen=True, slots=True)
class DataOverview:
    """What the panel shows of one database."""

    path: Path
    #: Bytes of the database file and of its write-ahead log (``-wal``; 0 when there is none).
    size: int
    wal_size: int
    #: Sessions per source and how many of them are rated (``ratings``: a verdict, minutes,
    #: labels, a reason or a note, as a deletion counts them), most sessions first.
    by_source: dict[str, DeletionCount]
    #: Deleted sessions remembered so that importing them again does not bring them back.
    tombstones: int
    rules: int
    backups: tuple[AutomaticBackup, ...]

    @property
    def sessions(self) -> int:
        """Sessions in all."""
        return sum(c.sessions for c in self.by_source.values())

    @property
    def ratings(self) -> int:
        """Rated sessions in all (a verdict, minutes, labels, a reason or a note)."""
        return sum(c.ratings for c in self.by_source.values())

    @property
    def total_size(self) -> int:
        """The database and its write-ahead log together."""
        return self.size + self.wal_size


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _pattern(db_path: Path) -> re.Pattern[str]:
    return re.compile(re.escape(db_path.name)
                      + r"\.before-(?P<migration>.+)-(?P<stamp>\d{8}T\d{6}Z)(?:-\d+)?\.bak")


def automatic_backups(db_path: Path) -> tuple[AutomaticBackup, ...]:
    """The copies Worthwhile made of the database at ``db_path`` before upgrading it, oldest
    first (none when its folder cannot be read)."""
    pattern = _pattern(db_path)
    found = []
    try:
        entries = list(os.scandir(db_path.parent))
    except OSError:
        return ()
    for entry in entries:
        match = pattern.fullmatch(entry.name)
        if match is None or not entry.is_file(follow_symlinks=False):
            continue
        try:
            made = datetime.strptime(match["stamp"], _STAMP).replace(tzinfo=UTC)
        except ValueError:
            made = None
        found.append(AutomaticBackup(Path(entry.path), _size(Path(entry.path)), made,
                                     match["migration"]))
    found.sort(key=lambda b: (b.made_at or datetime.min.replace(tzinfo=UTC), b.path.name))
    return tuple(found)


def delete_automatic_backups(db_path: Path, backups: Iterable[AutomaticBackup]) -> int:
    """Delete these automatic copies of the database at ``db_path`` (with any ``-wal``,
    ``-shm`` or ``-journal`` SQLite left beside them); returns how many went.

    Only files that are such copies of this database are deleted: a path that is not one
    (another database's copy, a backup the person made, a file elsewhere) is left alone.
    Raises :class:`OSError` when a copy cannot be deleted (those before it are gone).
    """
    pattern = _pattern(db_path)
    folder = db_path.parent.resolve()
    deleted = 0
    for backup in backups:
        path = backup.path
        if path.parent.resolve() != folder or pattern.fullmatch(path.name) is None:
            continue
        if path.is_symlink() or not path.is_file():
            continue
        for suffix in COMPANIONS:
            with contextlib.suppress(FileNotFoundError):
                path.with_name(path.name + suffix).unlink()
        path.unlink()
        deleted += 1
    return deleted


def data_overview(db: Database, db_path: Path) -> DataOverview:
    """What ``db`` (opened from ``db_path``) holds, how big its files are, and the automatic
    copies beside it."""
    with read_snapshot(db):  # the counts agree with each other, even while an import writes
        by_source = counts_by_source(db)
        tombstones = count_tombstones(db)
        rules = int(db.conn.execute("SELECT count(*) FROM rules").fetchone()[0])
    return DataOverview(
        path=db_path,
        size=_size(db_path),
        wal_size=_size(db_path.with_name(db_path.name + "-wal")),
        by_source=by_source,
        tombstones=tombstones,
        rules=rules,
        backups=automatic_backups(db_path),
    )
