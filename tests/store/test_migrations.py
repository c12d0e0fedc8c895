"""Migrations: every one on a new database, a backup before migrating, newer schemas refused."""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

import pytest
from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from desktop_app.domain import Verdict
from desktop_app.store import (
    StoreError,
    get_rating,
    open_db,
    save_sessions,
    schema_version,
    update_rating,
)
from desktop_app.store import db as store_db
from desktop_app.store import migrations as store_migrations
from tests.factories import make_session


def test_new_database_gets_every_migration_and_no_backup(db_path: Path) -> None:
    db = open_db(db_path)
    assert schema_version(db) == [m.name for m in store_migrations.MIGRATIONS._migrations]
    assert list(db_path.parent.glob("*.bak")) == []


def test_migration_on_existing_database_backs_up_first_and_keeps_ratings(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A database made by the current schema, with a rating in it.
    db = open_db(db_path)
    session = make_session(1)
    save_sessions(db, [session])
    update_rating(db, session.id, Verdict.USEFUL, minutes_saved=15)
    db.close()

    # A newer Worthwhile adds a migration.
    newer = Migrations("worthwhile")
    for m in store_migrations.MIGRATIONS._migrations:
        newer(name=m.name)(m.fn)

    @newer(name="9999_add_column")
    def add_column(db: Database) -> None:
        db.execute("ALTER TABLE sessions ADD COLUMN tool_feedback TEXT")

    monkeypatch.setattr(store_db, "MIGRATIONS", newer)
    db = open_db(db_path)
    assert schema_version(db)[-1] == "9999_add_column"
    assert get_rating(db, session.id).minutes_saved == 15
    backups = list(db_path.parent.glob("worthwhile.db.before-9999_add_column-*.bak"))
    assert len(backups) == 1
    if os.name == "posix":
        assert stat.S_IMODE(backups[0].stat().st_mode) == 0o600
    old = sqlite3.connect(backups[0])
    cols = [r[1] for r in old.execute("PRAGMA table_info(sessions)")]
    assert "tool_feedback" not in cols
    assert old.execute("SELECT minutes_saved FROM ratings").fetchone()[0] == 15
    old.close()
    db.close()
    # Opening again applies nothing and makes no second backup.
    open_db(db_path).close()
    assert len(list(db_path.parent.glob("*.bak"))) == 1


def test_database_from_newer_version_is_refused(db_path: Path) -> None:
    db = open_db(db_path)
    db.conn.execute(
        "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
        "VALUES ('worthwhile', '9999_from_the_future', 'now')"
    )
    db.conn.commit()
    db.close()
    with pytest.raises(StoreError, match="newer version"):
        open_db(db_path)


def test_tool_names_come_to_a_database_made_before_them(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A database of the schema before 0009, holding a rated generic session.
    older = Migrations("worthwhile")
    for m in store_migrations.MIGRATIONS._migrations:
        if m.name != "0009_tool_names":
            older(name=m.name)(m.fn)
    monkeypatch.setattr(store_db, "MIGRATIONS", older)
    db = open_db(db_path)
    db.execute("INSERT INTO sessions (id, source, external_id, title, started_at) VALUES "
               "('g1', 'generic', 'Perplexity/p-1', 'Sunglasses', '2026-03-02T09:15:00Z')")
    db.conn.commit()
    update_rating(db, "g1", Verdict.USEFUL, minutes_saved=7)
    db.close()
    monkeypatch.undo()

    db = open_db(db_path)
    assert schema_version(db)[-1] == "0009_tool_names"
    assert list(db_path.parent.glob("worthwhile.db.before-0009_tool_names-*.bak"))
    assert db.execute("SELECT tool_name FROM sessions").fetchall() == [(None,)]
    assert get_rating(db, "g1").minutes_saved == 7
    indexes = {row[1] for row in db.execute("PRAGMA index_list(sessions)")}
    assert "sessions_tool_name" in indexes
    db.close()
