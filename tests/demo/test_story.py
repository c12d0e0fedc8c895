"""The demo data set: deterministic, well-formed, and telling the story a trainer shows."""

from __future__ import annotations

import math
import uuid
from collections import Counter
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import pytest

from desktop_app.demo.database import generate_demo
from desktop_app.demo.story import demo_sessions
from desktop_app.domain import (
    DEFAULT_LABELS,
    DEFAULT_REASONS,
    ROLES,
    Rating,
    Session,
    SessionRow,
    Verdict,
)
from desktop_app.importers.registry import SOURCES
from desktop_app.metrics.periods import day_start_utc, local_date
from desktop_app.store import count_sessions, get_transcript, list_sessions, open_db
from desktop_app.suggesting import compute_suggestions

TODAY = date(2026, 3, 18)  # a Wednesday
#: A Wednesday, a Sunday, a Monday, New Year's Eve and the 1st of a month: the story must hold
#: whatever today is.
TODAYS = (TODAY, date(2026, 7, 5), date(2026, 11, 2), date(2025, 12, 31), date(2026, 4, 1))
DEMO_TOOLS = {"chatgpt", "claude-ai", "claude-code", "copilot", "codex"}
CODING_TOOLS = {"claude-code", "copilot", "codex"}
TOKEN_TOOLS = {"claude-code", "codex"}


def wilson(successes: int, n: int, z: float = 1.959963984540054) -> tuple[float, float]:
    """95 % Wilson score interval, written out here so the test does not trust the app's code."""
    p = successes / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    return centre - half, centre + half


def test_wilson_helper_matches_a_known_value() -> None:
    low, high = wilson(8, 10)
    assert low == pytest.approx(0.4902, abs=1e-4)
    assert high == pytest.approx(0.9433, abs=1e-4)


def _rows(db_path: Path, today: date, seed: int = 2026) -> list[SessionRow]:
    db = open_db(db_path)
    try:
        generate_demo(db, today=today, seed=seed)
        return list_sessions(db)
    finally:
        db.close()


@pytest.fixture(scope="module", params=TODAYS, ids=[d.isoformat() for d in TODAYS])
def story_db(request: pytest.FixtureRequest,
             tmp_path_factory: pytest.TempPathFactory) -> tuple[date, Path, list[SessionRow]]:
    """The demo as the app stores it (through ``generate_demo``) for one ``today``."""
    today: date = request.param
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    return today, path, _rows(path, today)


@pytest.fixture(scope="module")
def story(story_db: tuple[date, Path, list[SessionRow]]) -> tuple[date, list[SessionRow]]:
    today, _, rows = story_db
    return today, rows


def _day(row: SessionRow) -> date:
    """The local day a session started on (as the Value view and Reflect count it)."""
    assert row.started_at is not None
    return local_date(row.started_at)


def _useful_share(rows: list[SessionRow], keep: Callable[[SessionRow], bool]) -> tuple[int, int]:
    rated = [r for r in rows if keep(r) and r.rating.verdict is not Verdict.UNRATED]
    return sum(r.rating.verdict is Verdict.USEFUL for r in rated), len(rated)


def _months(rows: list[SessionRow]) -> list[tuple[int, int]]:
    return sorted({(_day(r).year, _day(r).month) for r in rows})


# --- determinism -------------------------------------------------------------------------------

def test_same_today_gives_identical_data() -> None:
    first = list(demo_sessions(TODAY))
    second = list(demo_sessions(TODAY))
    assert first == second  # sessions, ids, every message and every rating


def test_same_today_gives_identical_database(tmp_path: Path) -> None:
    def summary(rows: list[SessionRow]) -> list[tuple[object, ...]]:
        return [(r.id, r.title, r.started_at, r.messages, r.rating) for r in rows]

    assert summary(_rows(tmp_path / "a.db", TODAY)) == summary(_rows(tmp_path / "b.db", TODAY))


def test_other_today_shifts_the_dates() -> None:
    later = TODAY + timedelta(days=45)
    now = list(demo_sessions(TODAY))
    then = list(demo_sessions(later))
    for today, sessions in ((TODAY, now), (later, then)):
        days = [local_date(s.started_at) for s, _ in sessions if s.started_at is not None]
        assert today - timedelta(days=3) <= max(days) < today  # up to yesterday
        assert 395 <= (today - min(days)).days <= 430  # about 14 months back
    assert {s.id for s, _ in now}.isdisjoint({s.id for s, _ in then})


def test_other_seed_gives_other_data() -> None:
    ids = {s.id for s, _ in demo_sessions(TODAY, seed=2026)}
    assert ids.isdisjoint({s.id for s, _ in demo_sessions(TODAY, seed=7)})


def test_default_today_is_the_real_date() -> None:
    before = date.today()
    days = [local_date(s.started_at) for s, _ in demo_sessions() if s.started_at is not None]
    assert before - timedelta(days=7) <= max(days) < date.today()


# --- shape -------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def pairs() -> list[tuple[Session, Rating | None]]:
    return list(demo_sessions(TODAY))


def test_tools_and_ids(pairs: list[tuple[Session, Rating | None]]) -> None:
    sources = Counter(s.source for s, _ in pairs)
    assert set(sources) == DEMO_TOOLS
    assert set(sources) <= set(SOURCES)
    assert min(sources.values()) >= 100
    assert len({s.id for s, _ in pairs}) == len(pairs)
    for session, _ in pairs:
        assert str(uuid.UUID(session.external_id)) == session.external_id
    assert len({s.title for s, _ in pairs}) > 400  # varied titles, not a handful repeated


def test_sessions_are_well_formed(pairs: list[tuple[Session, Rating | None]]) -> None:
    tool_entries = 0
    for s, _ in pairs:
        assert s.started_at is not None
        assert s.ended_at is not None
        assert s.started_at.tzinfo is not None
        assert s.started_at.utcoffset() == timedelta(0)
        assert s.started_at <= s.ended_at
        assert local_date(s.ended_at) < TODAY
        assert 2 <= len(s.messages) <= 10
        roles = [m.role for m in s.messages]
        assert set(roles) <= set(ROLES)
        assert roles[0] == "user"
        assert roles[-1] == "assistant"
        times = [m.time for m in s.messages if m.time is not None]
        assert len(times) == len(s.messages)
        assert times[0] == s.started_at
        assert times[-1] == s.ended_at
        assert times == sorted(times)
        assert all(m.text.strip() for m in s.messages)
        assert all((m.model == s.model) == (m.role == "assistant") for m in s.messages)
        assert s.model
        minutes = (s.ended_at - s.started_at).total_seconds() / 60
        if s.source in CODING_TOOLS:
            assert 5 <= minutes <= 120
            assert s.project is not None
            assert s.project.startswith("~/")
            tool_entries += roles.count("tool")
        else:
            assert 2 <= minutes <= 40
            assert s.project is None
            assert roles == ["user", "assistant"] * (len(roles) // 2)
        if s.source in TOKEN_TOOLS:
            assert s.tokens_in is not None
            assert s.tokens_out is not None
            assert 50_000 <= s.tokens_in <= 2_000_000
            assert 0 < s.tokens_out < s.tokens_in
            # The input split the tool records, so demo costs price cached input as cached.
            assert s.tokens_uncached is not None
            assert s.tokens_cache_read is not None
            write = s.tokens_cache_write
            assert (write is None) == (s.source == "codex")  # Codex records no cache writes
            assert s.tokens_uncached + (write or 0) + s.tokens_cache_read == s.tokens_in
            assert s.tokens_cache_read > 0.7 * s.tokens_in
            assert write is None or 0 < write < 0.15 * s.tokens_in
            assert 0 < s.tokens_uncached < 0.3 * s.tokens_in
        else:
            assert (s.tokens_in, s.tokens_out) == (None, None)
            assert (s.tokens_uncached, s.tokens_cache_write, s.tokens_cache_read) == \
                (None, None, None)
    assert tool_entries > 1000


def test_sessions_fall_in_working_hours(pairs: list[tuple[Session, Rating | None]]) -> None:
    starts = [s.started_at.astimezone() for s, _ in pairs if s.started_at is not None]
    weekdays = sum(1 for t in starts if t.weekday() < 5)
    assert weekdays / len(starts) > 0.85
    assert all(7 <= t.hour <= 18 for t in starts if t.weekday() < 5)
    assert all(9 <= t.hour <= 20 for t in starts if t.weekday() >= 5)


def test_ratings_are_well_formed(pairs: list[tuple[Session, Rating | None]]) -> None:
    start_of_today = day_start_utc(TODAY)
    ratings = [(s, r) for s, r in pairs if r is not None]
    for s, r in ratings:
        assert r.verdict in (Verdict.USEFUL, Verdict.NOT_USEFUL)
        assert 1 <= len(r.labels) <= 2
        assert set(r.labels) <= set(DEFAULT_LABELS)
        assert r.rated_at is not None
        assert s.ended_at is not None
        assert s.ended_at <= r.rated_at < start_of_today
        if r.verdict is Verdict.USEFUL:
            assert r.reason is None
            assert r.minutes_saved is None or 5 <= r.minutes_saved <= 60
        else:
            assert r.reason is None or r.reason in DEFAULT_REASONS
            assert r.minutes_saved is None or -60 <= r.minutes_saved <= 0
    n = len(ratings)
    assert sum(r.minutes_saved is not None for _, r in ratings) / n > 0.7
    not_useful = [r for _, r in ratings if r.verdict is Verdict.NOT_USEFUL]
    assert sum(r.reason is not None for r in not_useful) / len(not_useful) > 0.6
    assert sum(r.minutes_saved is not None and r.minutes_saved < 0 for r in not_useful) > 20
    assert 0.04 <= sum(bool(r.note) for _, r in ratings) / n <= 0.18


def test_generate_demo_stores_everything(db_path: Path) -> None:
    db = open_db(db_path)
    n = generate_demo(db, today=TODAY)
    pairs = list(demo_sessions(TODAY))
    assert n == len(pairs) == count_sessions(db)
    rated = db.conn.execute("SELECT count(*) FROM ratings WHERE verdict IS NOT NULL").fetchone()
    assert rated[0] == sum(r is not None for _, r in pairs)
    messages = db.conn.execute("SELECT count(*) FROM messages").fetchone()[0]
    assert messages == sum(len(s.messages) for s, _ in pairs)
    session, rating = next((s, r) for s, r in reversed(pairs) if r is not None)
    row = next(r for r in list_sessions(db) if r.id == session.id)
    assert row.rating == rating
    assert [m.text for m in get_transcript(db, session.id)] == [m.text for m in session.messages]
    agent = next(s for s, _ in pairs if s.source == "claude-code")
    stored = next(r for r in list_sessions(db) if r.id == agent.id)
    assert (stored.tokens_uncached, stored.tokens_cache_write, stored.tokens_cache_read) == \
        (agent.tokens_uncached, agent.tokens_cache_write, agent.tokens_cache_read)
    # Running it again changes nothing and duplicates nothing.
    assert generate_demo(db, today=TODAY) == n
    assert count_sessions(db) == n
    db.close()


# --- the story ---------------------------------------------------------------------------------

def test_total_size_and_rated_share(story: tuple[date, list[SessionRow]]) -> None:
    _, rows = story
    assert 1200 <= len(rows) <= 1600
    rated = sum(r.rating.verdict is not Verdict.UNRATED for r in rows)
    assert 0.25 <= rated / len(rows) <= 0.42


def test_usage_climbs(story: tuple[date, list[SessionRow]]) -> None:
    today, rows = story
    per_month = Counter((_day(r).year, _day(r).month) for r in rows)
    months = _months(rows)
    yesterday = today - timedelta(days=1)
    assert months[-1] == (yesterday.year, yesterday.month)  # the demo ends yesterday
    assert len(months) == (14 if today.day > 1 else 13)
    first, last_full = per_month[months[0]], per_month[months[-2]]
    assert 30 <= first <= 60
    assert last_full > 2.5 * first


def test_value_per_use_drifts_down(story: tuple[date, list[SessionRow]]) -> None:
    _, rows = story
    months = _months(rows)
    early, early_n = _useful_share(rows, lambda r: (_day(r).year, _day(r).month) in months[:4])
    late, late_n = _useful_share(rows, lambda r: (_day(r).year, _day(r).month) in months[-4:])
    assert early_n >= 50
    assert late_n >= 50
    assert early / early_n - late / late_n > 0.15


@pytest.mark.parametrize(
    ("better", "worse"),
    [
        (lambda r: r.source == "claude-code", lambda r: r.source == "copilot"),
        (lambda r: "research" in r.rating.labels, lambda r: "debugging" in r.rating.labels),
    ],
    ids=["claude-code-beats-copilot", "research-beats-debugging"],
)
def test_one_group_clearly_beats_another(story: tuple[date, list[SessionRow]],
                                         better: Callable[[SessionRow], bool],
                                         worse: Callable[[SessionRow], bool]) -> None:
    _, rows = story
    good_low, _ = wilson(*_useful_share(rows, better))
    _, bad_high = wilson(*_useful_share(rows, worse))
    assert good_low > bad_high


def test_suggestions_learn_the_verdicts(story_db: tuple[date, Path, list[SessionRow]]) -> None:
    """The demo's verdicts follow what the model sees (a session that did not help went on for
    longer), so a trainer can show suggested verdicts: the model beats always guessing the
    commoner verdict by a clear margin, not just the 5 points it needs."""
    _, path, rows = story_db
    db = open_db(path)
    try:
        result, unrated = compute_suggestions(db)
    finally:
        db.close()
    report = result.report
    assert report.qualified
    assert report.accuracy is not None
    assert report.baseline is not None
    assert report.accuracy - report.baseline >= 0.08
    assert report.ratings == sum(r.rating.verdict is not Verdict.UNRATED for r in rows)
    assert len(result.suggestions) == len(unrated) > 0
    verdicts = Counter(s.verdict for s in result.suggestions.values())
    assert min(verdicts[Verdict.USEFUL], verdicts[Verdict.NOT_USEFUL]) > 0.1 * len(unrated)


def test_reflect_queue_has_material(story: tuple[date, list[SessionRow]]) -> None:
    today, rows = story
    this_monday = today - timedelta(days=today.weekday())
    last_monday = this_monday - timedelta(days=7)
    last_week = [r for r in rows if last_monday <= _day(r) < this_monday]
    this_week = [r for r in rows if this_monday <= _day(r)]
    assert len(last_week) >= 15
    rated_last = sum(r.rating.verdict is not Verdict.UNRATED for r in last_week)
    assert rated_last / len(last_week) <= 0.2
    rated_now = sum(r.rating.verdict is not Verdict.UNRATED for r in this_week)
    assert rated_now <= 0.1 * len(this_week)
