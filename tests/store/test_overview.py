"""What the "Your data" panel reads: the figures of one database, and the copies Worthwhile made
of it before upgrades (listed and deleted without touching any other file)."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

from sqlite_utils import Database

from desktop_app.domain import Rating, Verdict
from desktop_app.store import open_db, save_sessions, set_rating
from desktop_app.store.db import backup_database
from desktop_app.store.deletion import DeletionCount, delete_sessions
from desktop_app.store.overview import (
    AutomaticBackup,
    automatic_backups,
    data_overview,
    delete_automatic_backups,
)
from desktop_app.store.rules import add_rule
from tests.factories import make_session
from tests.store.test_upgrades import NAMES, build_at_step


def _fill(db: Database) -> list[str]:
    gpt = [make_session(i) for i in range(5)]
    cc = [make_session(10 + i, source="claude-code", external_id=f"cc-{i}") for i in range(3)]
    save_sessions(db, gpt + cc)
    set_rating(db, gpt[0].id, Rating(Verdict.USEFUL))
    set_rating(db, gpt[1].id, Rating(note="only a note"))  # rated: something was said
    set_rating(db, cc[0].id, Rating(labels=("coding",)))
    return [s.id for s in gpt + cc]


def test_the_figures_match_the_database(db: Database, db_path: Path) -> None:
    ids = _fill(db)
    delete_sessions(db, [ids[4]])  # an unrated ChatGPT session: a tombstone
    add_rule(db, "skip", "project", "*acme*")
    add_rule(db, "no-text", "source", "codex")
    overview = data_overview(db, db_path)
    assert overview.path == db_path
    assert overview.by_source == {"chatgpt": DeletionCount(4, 2),
                                  "claude-code": DeletionCount(3, 1)}
    assert list(overview.by_source) == ["chatgpt", "claude-code"]  # most sessions first
    assert (overview.sessions, overview.ratings) == (7, 3)
    assert overview.tombstones == 1
    assert overview.rules == 2
    assert overview.size == db_path.stat().st_size
    wal = db_path.with_name(db_path.name + "-wal")
    assert overview.wal_size == (wal.stat().st_size if wal.exists() else 0)
    assert overview.total_size == overview.size + overview.wal_size
    assert overview.backups == ()


def test_an_empty_database(db: Database, db_path: Path) -> None:
    overview = data_overview(db, db_path)
    assert (overview.by_source, overview.sessions, overview.tombstones, overview.rules) == (
        {}, 0, 0, 0)


def test_the_copy_an_upgrade_makes_is_listed(tmp_path: Path) -> None:
    path = tmp_path / "worthwhile.db"
    build_at_step(path, len(NAMES) - 1)  # a database one migration behind
    before = datetime.now(UTC).replace(microsecond=0)
    open_db(path).close()  # upgrades it, copying it first
    [backup] = automatic_backups(path)
    assert backup.migration == NAMES[-1]
    assert backup.path.parent == tmp_path
    assert backup.path.name.startswith(f"worthwhile.db.before-{NAMES[-1]}-")
    assert backup.size == backup.path.stat().st_size > 0
    assert backup.made_at is not None
    assert abs((backup.made_at - before).total_seconds()) < 120


def _touch(path: Path, data: bytes = b"x") -> Path:
    path.write_bytes(data)
    return path


def test_only_this_databases_automatic_copies_are_listed(db: Database, db_path: Path) -> None:
    folder = db_path.parent
    first = backup_database(db, db_path, "before-0010_tombstones")
    second = backup_database(db, db_path, "before-0010_tombstones")  # same second: "-2"
    others = [
        _touch(folder / "other.db.before-0011_rules-20260302T091500Z.bak"),  # another database
        _touch(folder / "worthwhile.db2.before-0011_rules-20260302T091500Z.bak"),
        _touch(folder / "worthwhile-backup-2026-03-02.db"),  # one the person made
        _touch(folder / "worthwhile.db.damaged-20260302T091500Z"),  # moved aside
        _touch(folder / "worthwhile.db.before-0011_rules-20260302T091500Z.bak.txt"),
        _touch(folder / "worthwhile.db.before-0011_rules.bak"),  # no time: not ours
    ]
    (folder / "worthwhile.db.before-0011_rules-20260302T091500Z.bak").mkdir()  # a folder
    listed = automatic_backups(db_path)
    assert [b.path for b in listed] == sorted([first, second], key=lambda p: p.name)
    assert second.name.endswith("-2.bak")
    assert {b.migration for b in listed} == {"0010_tombstones"}
    assert all(o.exists() for o in others)


def test_deleting_the_copies_deletes_them_and_nothing_else(db: Database,
                                                           db_path: Path) -> None:
    folder = db_path.parent
    copies = [backup_database(db, db_path, f"before-{name}") for name in NAMES[-2:]]
    opened = copies[0].with_name(copies[0].name + "-wal")  # a copy opened with --db once
    opened.write_bytes(b"wal")
    other = backup_database(db, folder / "other.db", "before-0011_rules")
    mine = _touch(folder / "my-own-backup.db")
    listed = automatic_backups(db_path)
    # A listing made up by someone else: the database, another database's copy, a file of
    # the person's own. None of them is an automatic copy of this database.
    forged = [AutomaticBackup(p, 1, None, "x") for p in (db_path, other, mine)]
    assert delete_automatic_backups(db_path, [*forged, *listed]) == len(copies)
    assert not any(c.exists() for c in copies)
    assert not opened.exists()
    assert all(p.exists() for p in (db_path, other, mine))
    assert automatic_backups(db_path) == ()
    assert automatic_backups(folder / "other.db") != ()


def test_a_copy_gone_meanwhile_is_no_error(db: Database, db_path: Path) -> None:
    [copy] = [backup_database(db, db_path, "before-0011_rules")]
    listed = automatic_backups(db_path)
    os.remove(copy)
    assert delete_automatic_backups(db_path, listed) == 0


def test_a_folder_that_cannot_be_read_lists_nothing(tmp_path: Path) -> None:
    assert automatic_backups(tmp_path / "missing" / "worthwhile.db") == ()
