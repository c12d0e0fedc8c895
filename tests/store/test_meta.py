"""The ``meta`` table: a card id made once per database, also for one made before it existed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlite_utils.migrations import Migrations

from desktop_app.store import db as store_db
from desktop_app.store import migrations as store_migrations
from desktop_app.store import open_db, schema_version
from desktop_app.store.meta import card_id


def test_a_new_database_has_a_card_id_that_stays(db_path: Path, tmp_path: Path) -> None:
    db = open_db(db_path)
    first = card_id(db)
    db.close()
    assert re.fullmatch(r"[0-9a-f]{32}", first)
    db = open_db(db_path)
    try:
        assert card_id(db) == first
    finally:
        db.close()
    other = open_db(tmp_path / "other.db")
    try:
        assert card_id(other) != first
    finally:
        other.close()


def test_an_older_database_gets_its_card_id_on_upgrade(db_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    older = Migrations("worthwhile")
    for m in store_migrations.MIGRATIONS._migrations:
        if m.name != "0012_card_id":
            older(name=m.name)(m.fn)
    monkeypatch.setattr(store_db, "MIGRATIONS", older)
    db = open_db(db_path)
    assert "meta" not in db.table_names()
    db.close()
    monkeypatch.undo()

    db = open_db(db_path)
    try:
        assert "0012_card_id" in schema_version(db)
        made = card_id(db)
        assert db.execute("SELECT key, value FROM meta").fetchall() == [("card_id", made)]
    finally:
        db.close()
    assert list(db_path.parent.glob("worthwhile.db.before-0012_card_id-*.bak"))
