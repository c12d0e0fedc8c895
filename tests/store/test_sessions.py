"""The SQLite store: round trips, idempotent saves, ratings apart, search, migrations, files."""

from __future__ import annotations

import os
import sqlite3
import stat
from dataclasses import replace
from pathlib import Path

import pytest
from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from desktop_app.domain import Message, Rating, Verdict
from desktop_app.store import (
    AmbiguousSessionIdError,
    SessionNotFoundError,
    SessionQuery,
    StoreError,
    default_db_path,
    get_rating,
    get_session,
    get_transcript,
    list_labels,
    list_sessions,
    open_db,
    resolve_session_id,
    save_sessions,
    schema_version,
    set_rating,
    update_rating,
)
from desktop_app.store import db as store_db
from desktop_app.store import migrations as store_migrations
from tests.factories import make_messages, make_session


def test_session_round_trip(db_path: Path) -> None:
    db = open_db(db_path)
    session = make_session(1, tokens_in=1200, tokens_out=300, project="~/src/app")
    counts = save_sessions(db, [session])
    assert (counts.new, counts.updated, counts.unchanged, counts.messages) == (1, 0, 0, 2)
    row = get_session(db, session.id)
    assert row.title == "Session number 1"
    assert row.started_at == session.started_at
    assert row.ended_at == session.ended_at
    assert (row.messages, row.user_messages) == (2, 1)
    assert (row.tokens_in, row.tokens_out, row.project) == (1200, 300, "~/src/app")
    assert row.duration_seconds == 12 * 60
    transcript = get_transcript(db, session.id)
    assert [m.role for m in transcript] == ["user", "assistant"]
    assert transcript[1].text == "answer 1 use sorted()"
    assert transcript[1].model == "gpt-4o"


def test_resaving_same_session_is_unchanged(db_path: Path) -> None:
    db = open_db(db_path)
    sessions = [make_session(i) for i in range(5)]
    save_sessions(db, sessions)
    counts = save_sessions(db, sessions)
    assert (counts.new, counts.updated, counts.unchanged) == (0, 0, 5)
    assert len(list_sessions(db)) == 5


def test_changed_session_is_updated_and_search_follows(db_path: Path) -> None:
    db = open_db(db_path)
    old = make_session(1, messages=make_messages("tell me about walruses", "they are big"))
    save_sessions(db, [old])
    new = replace(old, title="Penguins", messages=make_messages("tell me about penguins",
                                                                 "they swim", "thanks"))
    counts = save_sessions(db, [new])
    assert (counts.new, counts.updated) == (0, 1)
    assert get_session(db, old.id).messages == 3
    assert [r.id for r in list_sessions(db, SessionQuery(search="penguins"))] == [old.id]
    assert list_sessions(db, SessionQuery(search="walruses")) == []


def test_ratings_survive_reimport(db_path: Path) -> None:
    db = open_db(db_path)
    session = make_session(3)
    save_sessions(db, [session])
    update_rating(db, session.id, Verdict.USEFUL, minutes_saved=20, labels=("coding",),
                  note="nice")
    save_sessions(db, [session])
    save_sessions(db, [replace(session, title="Renamed by the tool")])
    rating = get_rating(db, session.id)
    assert rating.verdict is Verdict.USEFUL
    assert (rating.minutes_saved, rating.labels, rating.note) == (20, ("coding",), "nice")
    assert get_session(db, session.id).title == "Renamed by the tool"


def test_update_rating_keeps_and_replaces(db_path: Path) -> None:
    db = open_db(db_path)
    session = make_session(4)
    save_sessions(db, [session])
    update_rating(db, session.id, Verdict.NOT_USEFUL, minutes_saved=-10, labels=("writing",),
                  reason="had to redo it")
    kept = update_rating(db, session.id, Verdict.USEFUL)
    assert (kept.minutes_saved, kept.labels, kept.reason) == (-10, ("writing",), "had to redo it")
    replaced = update_rating(db, session.id, Verdict.USEFUL, labels=("research", "newlabel"))
    assert replaced.labels == ("research", "newlabel")
    assert "newlabel" in list_labels(db)
    cleared = update_rating(db, session.id, Verdict.UNRATED)
    assert cleared == Rating()
    assert get_rating(db, session.id) == Rating()


def test_set_rating_then_empty_rating_removes_row(db_path: Path) -> None:
    db = open_db(db_path)
    session = make_session(5)
    save_sessions(db, [session])
    set_rating(db, session.id, Rating(verdict=Verdict.USEFUL, labels=("data",)))
    assert db.conn.execute("SELECT count(*) FROM ratings").fetchone()[0] == 1
    set_rating(db, session.id, Rating())
    assert db.conn.execute("SELECT count(*) FROM ratings").fetchone()[0] == 0
    assert db.conn.execute("SELECT count(*) FROM session_labels").fetchone()[0] == 0


def test_filters_and_sorting_in_sql(db_path: Path) -> None:
    db = open_db(db_path)
    sessions = [make_session(i) for i in range(4)] + [
        make_session(9, source="claude-code", external_id="cc-1", title="Alpha")
    ]
    save_sessions(db, sessions)
    update_rating(db, sessions[0].id, Verdict.USEFUL, labels=("coding",), note="n")
    update_rating(db, sessions[1].id, Verdict.NOT_USEFUL)
    assert [r.source for r in list_sessions(db, SessionQuery(source="claude-code"))] == [
        "claude-code"
    ]
    assert [r.id for r in list_sessions(db, SessionQuery(verdict=Verdict.USEFUL))] == [
        sessions[0].id
    ]
    assert len(list_sessions(db, SessionQuery(verdict=Verdict.UNRATED))) == 3
    assert [r.id for r in list_sessions(db, SessionQuery(label="coding"))] == [sessions[0].id]
    assert [r.id for r in list_sessions(db, SessionQuery(has_note=True))] == [sessions[0].id]
    by_title = list_sessions(db, SessionQuery(order_by="title", descending=False))
    assert by_title[0].title == "Alpha"
    newest_first = list_sessions(db)
    assert newest_first[0].id == sessions[-1].id


@pytest.mark.parametrize("text", ['"unbalanced AND (', "NOT", "*", "a:b", "  "])
def test_search_treats_user_text_as_text(db_path: Path, text: str) -> None:
    db = open_db(db_path)
    save_sessions(db, [make_session(1)])
    list_sessions(db, SessionQuery(search=text))  # must not raise


def test_search_finds_message_text_and_titles(db_path: Path) -> None:
    db = open_db(db_path)
    a = make_session(1, title="Quarterly report", messages=(Message("user", "hello"),))
    b = make_session(2, title="Other", messages=(Message("user", "the quarterly numbers"),))
    c = make_session(3, title="Unrelated")
    save_sessions(db, [a, b, c])
    found = {r.id for r in list_sessions(db, SessionQuery(search="quarterly"))}
    assert found == {a.id, b.id}


def test_resolve_ids_and_prefixes(db_path: Path) -> None:
    db = open_db(db_path)
    sessions = [make_session(i) for i in range(3)]
    save_sessions(db, sessions)
    sid = sessions[0].id
    assert resolve_session_id(db, sid) == sid
    assert resolve_session_id(db, sid[:6].upper()) == sid
    with pytest.raises(SessionNotFoundError, match="at least 6"):
        resolve_session_id(db, sid[:5])
    with pytest.raises(SessionNotFoundError):
        resolve_session_id(db, "ffffffffffffffff")
    # Force an ambiguity by inserting an id sharing a prefix.
    db.conn.execute("UPDATE sessions SET id = ? WHERE id = ?", (sid[:8] + "00000000",
                                                                 sessions[1].id))
    with pytest.raises(AmbiguousSessionIdError):
        resolve_session_id(db, sid[:8])


def test_database_file_and_folder_are_private(tmp_path: Path) -> None:
    path = tmp_path / "new" / "nested" / "worthwhile.db"
    open_db(path).close()
    if os.name == "posix":
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
        assert stat.S_IMODE((tmp_path / "new").stat().st_mode) == 0o700
    db = open_db(path)
    assert db.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_existing_folder_permissions_untouched(tmp_path: Path) -> None:
    folder = tmp_path / "shared"
    folder.mkdir(mode=0o755)
    folder.chmod(0o755)
    open_db(folder / "w.db").close()
    if os.name == "posix":
        assert stat.S_IMODE(folder.stat().st_mode) == 0o755


def test_default_db_path_resolution(tmp_path: Path) -> None:
    assert default_db_path("x.db", {"WORTHWHILE_HOME": str(tmp_path)}) == Path("x.db")
    assert default_db_path(None, {"WORTHWHILE_HOME": str(tmp_path)}) == tmp_path / "worthwhile.db"
    fallback = default_db_path(None, {})
    assert fallback.name == "worthwhile.db"
    assert "Worthwhile" in str(fallback)


def test_garbage_file_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "garbage.db"
    path.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(StoreError, match="not a Worthwhile database"):
        open_db(path)


def test_other_programs_database_is_refused_and_untouched(tmp_path: Path) -> None:
    path = tmp_path / "places.sqlite"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE moz_places (id INTEGER PRIMARY KEY, url TEXT)")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="another program"):
        open_db(path)
    conn = sqlite3.connect(path)
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    conn.close()
    assert tables == {"moz_places"}


def test_folder_as_db_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="folder"):
        open_db(tmp_path)


def test_missing_database_without_create(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="No database"):
        open_db(tmp_path / "nope.db", create=False)
    assert not (tmp_path / "nope.db").exists()


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


def test_failed_save_rolls_back_everything(db_path: Path) -> None:
    db = open_db(db_path)
    good = make_session(1)

    def sessions():  # type: ignore[no-untyped-def]
        yield good
        raise RuntimeError("parser broke")

    with pytest.raises(RuntimeError):
        save_sessions(db, sessions())
    assert list_sessions(db) == []
    assert db.conn.execute("SELECT count(*) FROM messages").fetchone()[0] == 0


def test_date_range_filter(db_path: Path) -> None:
    db = open_db(db_path)
    sessions = [make_session(i) for i in range(0, 48, 6)]  # every 6 hours from BASE_TIME
    save_sessions(db, sessions)
    start = sessions[2].started_at
    before = sessions[5].started_at
    assert start is not None
    assert before is not None
    found = list_sessions(db, SessionQuery(started_from=start, started_before=before,
                                           descending=False))
    assert [r.id for r in found] == [s.id for s in sessions[2:5]]


@pytest.mark.parametrize("column", sorted(__import__(
    "desktop_app.store.sessions", fromlist=["SORT_COLUMNS"]).SORT_COLUMNS))
def test_every_column_sorts_both_ways(db_path: Path, column: str) -> None:
    db = open_db(db_path)
    sessions = [make_session(i, tokens_in=i * 10 if i % 2 else None, model=f"m{i % 3}")
                for i in range(6)]
    save_sessions(db, sessions)
    update_rating(db, sessions[2].id, Verdict.USEFUL, minutes_saved=5, labels=("coding",))
    update_rating(db, sessions[4].id, Verdict.NOT_USEFUL, minutes_saved=-3)
    up = [r.id for r in list_sessions(db, SessionQuery(order_by=column, descending=False))]
    down = [r.id for r in list_sessions(db, SessionQuery(order_by=column, descending=True))]
    assert sorted(up) == sorted(down) == sorted(s.id for s in sessions)
    if column in ("verdict", "minutes"):
        # Sessions with a value come first both ways; those without follow.
        assert set(up[:2]) == set(down[:2]) == {sessions[2].id, sessions[4].id}
        assert up[:2] == down[:2][::-1]


def test_rename_and_remove_labels(db_path: Path) -> None:
    from desktop_app.store.ratings import label_usage, remove_label, rename_label

    db = open_db(db_path)
    a, b = make_session(1), make_session(2)
    save_sessions(db, [a, b])
    update_rating(db, a.id, Verdict.USEFUL, labels=("coding", "research"))
    update_rating(db, b.id, Verdict.USEFUL, labels=("research",))
    rename_label(db, "research", "reading")
    assert get_rating(db, a.id).labels == ("coding", "reading")
    assert "research" not in list_labels(db)
    assert list_labels(db).index("reading") == 3  # keeps its place in the list
    rename_label(db, "reading", "coding")  # merge into an existing label
    assert get_rating(db, a.id).labels == ("coding",)
    assert get_rating(db, b.id).labels == ("coding",)
    assert label_usage(db, "coding") == 2
    assert remove_label(db, "coding").session_ids == tuple(sorted((a.id, b.id)))
    assert get_rating(db, a.id).labels == ()
    assert get_rating(db, a.id).verdict is Verdict.USEFUL


def test_ratings_carry_their_sessions_facts(db_path: Path) -> None:
    db = open_db(db_path)
    s = make_session(1, tokens_in=100, tokens_out=7)

    def facts() -> tuple[object, ...]:
        row = db.conn.execute("SELECT started_at, source, tokens_in, tokens_out FROM ratings "
                              "WHERE session_id = ?", (s.id,)).fetchone()
        return tuple(row)

    # A rating can exist before its session (ratings outlive sessions); the import fills it in.
    set_rating(db, s.id, Rating(verdict=Verdict.USEFUL))
    assert facts() == (None, None, None, None)
    save_sessions(db, [s])
    assert facts() == ("2026-11-16T10:00:00Z", "chatgpt", 100, 7)
    later = replace(s, started_at=s.started_at.replace(day=20) if s.started_at else None,
                    tokens_in=300)
    save_sessions(db, [later])
    assert facts() == ("2026-11-20T10:00:00Z", "chatgpt", 300, 7)
    update_rating(db, s.id, Verdict.NOT_USEFUL)
    assert facts() == ("2026-11-20T10:00:00Z", "chatgpt", 300, 7)
    db.conn.execute("DELETE FROM messages WHERE session_key = "
                    "(SELECT key FROM sessions WHERE id = ?)", (s.id,))
    db.conn.execute("DELETE FROM sessions WHERE id = ?", (s.id,))
    assert facts() == (None, None, None, None)


def test_labels_are_trimmed(db_path: Path) -> None:
    db = open_db(db_path)
    s = make_session(1)
    save_sessions(db, [s])
    set_rating(db, s.id, Rating(verdict=Verdict.USEFUL, labels=(" coding", "coding ", "  ")))
    assert get_rating(db, s.id).labels == ("coding",)
