"""Accepted suggestions written in bulk, and taken back exactly."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlite_utils import Database

from desktop_app.domain import Rating, Verdict
from desktop_app.store import get_rating, save_sessions, set_rating
from desktop_app.store.suggested import accept_verdicts, revert_accepted
from tests.builders import dump
from tests.factories import make_session

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


def test_only_sessions_without_a_verdict_are_rated_and_undo_restores_them(db: Database) -> None:
    bare, labelled, rated = (make_session(i) for i in range(3))
    save_sessions(db, [bare, labelled, rated])
    set_rating(db, labelled.id, Rating(minutes_saved=5, labels=("coding",), note="n",
                                       rated_at=datetime(2026, 11, 1, tzinfo=UTC)))
    set_rating(db, rated.id, Rating(verdict=Verdict.NOT_USEFUL))
    before = dump(db)
    done = accept_verdicts(db, {bare.id: Verdict.USEFUL, labelled.id: Verdict.NOT_USEFUL,
                                rated.id: Verdict.USEFUL, "gone": Verdict.USEFUL}, NOW)
    assert done.verdicts == {bare.id: Verdict.USEFUL, labelled.id: Verdict.NOT_USEFUL}
    assert get_rating(db, bare.id) == Rating(verdict=Verdict.USEFUL, rated_at=NOW)
    kept = get_rating(db, labelled.id)
    assert kept.verdict is Verdict.NOT_USEFUL
    assert (kept.minutes_saved, kept.labels, kept.note) == (5, ("coding",), "n")
    assert get_rating(db, rated.id).verdict is Verdict.NOT_USEFUL  # never overwritten
    assert db.execute("SELECT count(*) FROM ratings WHERE session_id = 'gone'").fetchone()[0] == 0
    revert_accepted(db, done)
    assert dump(db) == before
