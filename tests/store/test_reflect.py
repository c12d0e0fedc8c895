"""Reflect's store: kept samples and the pool of unrated sessions of a UTC range."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlite_utils import Database

from desktop_app.domain import Rating, Session, Verdict
from desktop_app.metrics.sampling import SampleStore
from desktop_app.store import save_sessions, set_rating
from desktop_app.store.reflect import (
    ReflectSamples,
    newest_unrated_start,
    save_sample,
    stored_sample,
    unrated_pool,
    week_counts,
)

LO, HI = "2026-03-02T00:00:00Z", "2026-03-09T00:00:00Z"


def _session(source: str, n: int, start: datetime) -> Session:
    return Session(source=source, external_id=f"p-{n}", title=f"p{n}", started_at=start)


def test_pool_is_the_unrated_sessions_of_the_range_by_tool(db: Database) -> None:
    monday = datetime(2026, 3, 2, tzinfo=UTC)
    sessions = [
        _session("codex", 0, monday),  # first second: in
        _session("chatgpt", 1, monday + timedelta(days=2)),
        _session("codex", 2, monday + timedelta(days=3)),
        _session("chatgpt", 3, monday + timedelta(days=4)),  # rated: out
        _session("chatgpt", 4, monday + timedelta(days=5)),  # minutes but no verdict: in
        _session("chatgpt", 5, monday + timedelta(days=7)),  # next Monday: out
        _session("chatgpt", 6, monday - timedelta(seconds=1)),  # week before: out
    ]
    save_sessions(db, sessions)
    set_rating(db, sessions[3].id, Rating(verdict=Verdict.USEFUL))
    set_rating(db, sessions[4].id, Rating(minutes_saved=5))
    pool = unrated_pool(db, LO, HI)
    assert pool == {"codex": sorted([sessions[0].id, sessions[2].id]),
                    "chatgpt": sorted([sessions[1].id, sessions[4].id])}
    # Tools in the order their first id appears (the seeded draw depends on it).
    assert list(pool) == sorted(pool, key=lambda tool: min(pool[tool]))


def test_samples_are_kept_in_order_per_week_and_size(db: Database) -> None:
    assert stored_sample(db, "2026-03-02", 3) == []
    assert save_sample(db, "2026-03-02", 3, ["c", "a", "b"]) == ["c", "a", "b"]
    assert stored_sample(db, "2026-03-02", 3) == ["c", "a", "b"]
    assert stored_sample(db, "2026-03-02", 10) == []
    assert stored_sample(db, "2026-03-09", 3) == []
    assert not db.conn.in_transaction


def test_an_earlier_sample_wins(db: Database) -> None:
    save_sample(db, "2026-03-02", 3, ["c", "a", "b"])
    assert save_sample(db, "2026-03-02", 3, ["x", "y"]) == ["c", "a", "b"]
    assert stored_sample(db, "2026-03-02", 3) == ["c", "a", "b"]


def test_reflect_samples_is_a_sample_store(db: Database) -> None:
    samples: SampleStore = ReflectSamples(db)
    assert samples.save_sample("2026-03-02", 2, ["a", "b"]) == ["a", "b"]
    assert samples.stored_sample("2026-03-02", 2) == ["a", "b"]
    assert samples.unrated_pool(LO, HI) == {}


def test_newest_unrated_start_skips_rated_sessions(db: Database) -> None:
    monday = datetime(2026, 3, 2, tzinfo=UTC)
    sessions = [_session("codex", n, monday + timedelta(days=n)) for n in range(4)]
    save_sessions(db, sessions)
    assert newest_unrated_start(db) == "2026-03-05T00:00:00Z"
    set_rating(db, sessions[3].id, Rating(verdict=Verdict.NOT_USEFUL))
    set_rating(db, sessions[2].id, Rating(minutes_saved=3))  # no verdict: still unrated
    assert newest_unrated_start(db) == "2026-03-04T00:00:00Z"
    assert newest_unrated_start(db, before="2026-03-04T00:00:00Z") == "2026-03-03T00:00:00Z"
    for s in sessions[:3]:
        set_rating(db, s.id, Rating(verdict=Verdict.USEFUL))
    assert newest_unrated_start(db) is None


def test_week_counts_are_sessions_and_verdicts_per_range(db: Database) -> None:
    monday = datetime(2026, 3, 2, tzinfo=UTC)
    sessions = [_session("codex", n, monday + timedelta(days=n)) for n in range(10)]
    save_sessions(db, sessions)
    set_rating(db, sessions[0].id, Rating(verdict=Verdict.USEFUL))
    set_rating(db, sessions[1].id, Rating(minutes_saved=4))  # no verdict: not rated
    set_rating(db, sessions[8].id, Rating(verdict=Verdict.NOT_USEFUL))
    bounds = [LO, HI, "2026-03-16T00:00:00Z", "2026-03-23T00:00:00Z"]
    assert week_counts(db, bounds) == [(7, 1), (3, 1), (0, 0)]
    assert week_counts(db, [LO]) == []
