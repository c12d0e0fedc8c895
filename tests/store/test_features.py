"""The features suggested verdicts learn from, read from the store."""

from __future__ import annotations

from sqlite_utils import Database

from desktop_app.domain import Rating, Session, Verdict
from desktop_app.store import save_sessions, set_rating
from desktop_app.store.features import feature_rows
from tests.factories import BASE_TIME, make_messages, make_session


def test_feature_rows_read_what_the_model_learns_from(db: Database) -> None:
    rated_session = make_session(1, messages=(
        *make_messages("How do I sort a dict by value?", "Use sorted()"),))
    unrated_session = Session(source="generic", external_id="x", title="T", tool_name="Poe",
                              started_at=BASE_TIME, tokens_in=10, tokens_out=5,
                              messages=make_messages("first words", "reply", "second prompt"))
    save_sessions(db, [rated_session, unrated_session])
    set_rating(db, rated_session.id, Rating(verdict=Verdict.USEFUL, labels=("coding",)))
    rated, unrated = feature_rows(db)
    assert [r.session_id for r in rated] == [rated_session.id]
    assert [r.session_id for r in unrated] == [unrated_session.id]
    r = rated[0]
    assert (r.tool, r.labels, r.messages, r.user_messages, r.verdict) == (
        "chatgpt", ("coding",), 2, 1, Verdict.USEFUL)
    assert r.duration_seconds == 12 * 60
    assert r.first_prompt == "How do I sort a dict by value?"
    assert r.tokens is None
    u = unrated[0]
    assert (u.tool, u.tokens, u.first_prompt, u.verdict) == ("Poe", 15, "first words",
                                                            Verdict.UNRATED)
    assert u.duration_seconds is None


def test_labels_without_a_verdict_do_not_make_a_session_rated(db: Database) -> None:
    s = make_session(2)
    save_sessions(db, [s])
    set_rating(db, s.id, Rating(labels=("writing",)))
    rated, unrated = feature_rows(db)
    assert rated == []
    assert unrated[0].labels == ("writing",)
