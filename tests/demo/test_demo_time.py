"""Demo time (PRODUCT.md): the demo is deterministic relative to today's date and ends before the
start of today (local midnight, as the Value view and Reflect define today); nothing in it lies
in the future, whatever the time zone."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from desktop_app.demo.database import generate_demo
from desktop_app.demo.story import demo_sessions
from desktop_app.domain import Rating, Session
from desktop_app.metrics.periods import day_start_utc, local_date
from desktop_app.store import get_transcript, list_sessions, open_db
from tests.demo.conftest import SetTz

#: Far east and far west of UTC, and UTC itself.
ZONES = ("Pacific/Auckland", "America/Los_Angeles", "UTC")
#: A Wednesday, a Monday (the week so far is empty), the 1st of a month, New Year's Day, and the
#: day after a DST change in each hemisphere (Auckland on 5 Apr 2026, Los Angeles on 8 Mar 2026).
TODAYS = (date(2026, 3, 18), date(2026, 11, 2), date(2026, 4, 1), date(2026, 1, 1),
          date(2026, 4, 6), date(2026, 3, 9))


def _times(pairs: list[tuple[Session, Rating | None]]) -> list[datetime]:
    """Every time in the data: sessions' starts and ends, messages, ratings (all must be set)."""
    times = []
    for session, rating in pairs:
        times += [session.started_at, session.ended_at, *(m.time for m in session.messages)]
        if rating is not None:
            times.append(rating.rated_at)
    assert None not in times
    return [t for t in times if t is not None]


@pytest.mark.parametrize("zone", ZONES)
@pytest.mark.parametrize("today", TODAYS, ids=[d.isoformat() for d in TODAYS])
def test_nothing_lies_in_today_or_later(set_tz: SetTz, zone: str, today: date) -> None:
    set_tz(zone)
    pairs = list(demo_sessions(today))
    start_of_today = day_start_utc(today)
    assert max(_times(pairs)) < start_of_today
    # The demo runs up to yesterday evening (on a weekday; weekends are quiet).
    last = max(local_date(s.started_at) for s, _ in pairs if s.started_at)
    assert today - timedelta(days=3) <= last < today
    # Sessions happen at local working hours, start and end on the same local day.
    for session, _ in pairs:
        assert session.started_at is not None
        assert session.ended_at is not None
        assert 7 <= session.started_at.astimezone().hour <= 20
        assert local_date(session.started_at) == local_date(session.ended_at)


def test_yesterday_evening_is_as_late_as_it_gets(set_tz: SetTz) -> None:
    """The check above can fail: a day that ran to local midnight would break it."""
    set_tz("Pacific/Auckland")
    today = date(2026, 3, 18)
    latest = max(_times(list(demo_sessions(today))))
    assert latest.astimezone().date() == today - timedelta(days=1)
    assert day_start_utc(today) - latest < timedelta(hours=12)


def _local_starts(pairs: list[tuple[Session, Rating | None]]) -> list[datetime]:
    return [s.started_at.astimezone().replace(tzinfo=None) for s, _ in pairs if s.started_at]


@pytest.mark.parametrize("zone", ZONES)
def test_same_date_same_data(set_tz: SetTz, zone: str) -> None:
    set_tz(zone)
    today = date(2026, 3, 18)
    first = list(demo_sessions(today))
    assert first == list(demo_sessions(today))
    # In another zone the same sessions happen at the same local times.
    local_starts = _local_starts(first)
    set_tz("Asia/Kolkata")
    elsewhere = list(demo_sessions(today))
    assert [(s.id, s.title) for s, _ in elsewhere] == [(s.id, s.title) for s, _ in first]
    assert _local_starts(elsewhere) == local_starts


@pytest.mark.parametrize("zone", ["Pacific/Auckland", "America/Los_Angeles"])
def test_the_demo_database_ends_before_today(set_tz: SetTz, zone: str, db_path: Path) -> None:
    set_tz(zone)
    db = open_db(db_path)
    try:
        generate_demo(db)  # the real today, as --demo builds it
        rows = list_sessions(db)
        latest = max(m.time for r in rows[:50] for m in get_transcript(db, r.id) if m.time)
        rated = [r.rating.rated_at for r in rows if r.rating.rated_at is not None]
    finally:
        db.close()
    # Read after the build: were midnight to pass during it, the data would end a day earlier.
    start_of_today = day_start_utc(date.today())
    assert max(r.ended_at for r in rows if r.ended_at) < start_of_today
    assert max(r.started_at for r in rows if r.started_at) < start_of_today
    assert latest < start_of_today
    assert max(rated) < start_of_today
