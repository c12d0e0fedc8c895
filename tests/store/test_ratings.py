"""Ratings in the store: kept apart from sessions, surviving re-imports, carrying their facts."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from sqlite_utils import Database

from desktop_app.domain import Rating, Verdict
from desktop_app.store import (
    get_rating,
    get_session,
    list_labels,
    open_db,
    save_sessions,
    set_rating,
    update_rating,
)
from tests.factories import make_session


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


def test_labels_are_stored_on_one_line_without_control_characters(db: Database) -> None:
    """A tab, a newline or the unit separator that joins labels in queries never splits one."""
    save_sessions(db, [make_session(1)])
    sid = make_session(1).id
    set_rating(db, sid, Rating(Verdict.USEFUL, labels=("client\x1fACME", " two\n lines\t", "\x07")))
    assert get_rating(db, sid).labels == ("client ACME", "two lines")
    assert "client ACME" in list_labels(db)
