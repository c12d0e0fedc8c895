"""ISO weeks and calendar months in local time: DST changes, year ends, odd offsets."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import pytest

from desktop_app.metrics import (
    Period,
    check_by,
    day_start_utc,
    iter_periods,
    local_date,
    period_end,
    period_of,
    period_start,
)
from desktop_app.metrics.periods import utc_text

SetTz = Callable[[str], None]


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def test_weeks_start_on_monday() -> None:
    assert period_start(date(2026, 3, 4), "week") == date(2026, 3, 2)  # a Wednesday
    assert period_start(date(2026, 3, 2), "week") == date(2026, 3, 2)  # Monday itself
    assert period_start(date(2026, 3, 8), "week") == date(2026, 3, 2)  # Sunday
    assert period_end(date(2026, 3, 8), "week") == date(2026, 3, 9)


def test_iso_week_53_crosses_the_year() -> None:
    assert date(2026, 12, 31).isocalendar()[:2] == (2026, 53)
    assert period_of(date(2026, 12, 31), "week") == Period(date(2026, 12, 28), date(2027, 1, 4))
    assert period_of(date(2027, 1, 3), "week") == Period(date(2026, 12, 28), date(2027, 1, 4))
    assert period_start(date(2027, 1, 4), "week") == date(2027, 1, 4)  # ISO week 1 of 2027


def test_months_and_december() -> None:
    assert period_of(date(2026, 12, 31), "month") == Period(date(2026, 12, 1), date(2027, 1, 1))
    assert period_of(date(2027, 1, 1), "month") == Period(date(2027, 1, 1), date(2027, 2, 1))
    assert period_of(date(2028, 2, 29), "month") == Period(date(2028, 2, 1), date(2028, 3, 1))


def test_iter_periods_includes_empty_ones_and_crosses_years() -> None:
    weeks = list(iter_periods(date(2026, 12, 20), date(2027, 1, 6), "week"))
    assert [p.start for p in weeks] == [
        date(2026, 12, 14), date(2026, 12, 21), date(2026, 12, 28), date(2027, 1, 4),
    ]
    assert all(p.end == p.start + timedelta(days=7) for p in weeks)
    months = list(iter_periods(date(2026, 11, 30), date(2027, 2, 1), "month"))
    assert [(p.start, p.end) for p in months] == [
        (date(2026, 11, 1), date(2026, 12, 1)),
        (date(2026, 12, 1), date(2027, 1, 1)),
        (date(2027, 1, 1), date(2027, 2, 1)),
        (date(2027, 2, 1), date(2027, 3, 1)),
    ]
    assert list(iter_periods(date(2026, 3, 4), date(2026, 3, 4), "week")) == [
        Period(date(2026, 3, 2), date(2026, 3, 9))
    ]
    assert list(iter_periods(date(2026, 3, 9), date(2026, 3, 1), "week")) == []


def test_unknown_granularity() -> None:
    assert check_by("month") == "month"
    with pytest.raises(ValueError, match="week or month"):
        check_by("day")


def test_sunday_night_in_new_york_is_still_that_week(set_tz: SetTz) -> None:
    set_tz("America/New_York")
    # Sunday 23:30 EST is Monday 04:30 UTC.
    moment = utc("2026-01-12T04:30:00Z")
    assert local_date(moment) == date(2026, 1, 11)
    assert period_start(local_date(moment), "week") == date(2026, 1, 5)
    # The same on the night DST starts (clocks went forward that morning): 23:30 EDT.
    assert local_date(utc("2026-03-09T03:30:00Z")) == date(2026, 3, 8)


def test_berlin_dst_changes(set_tz: SetTz) -> None:
    set_tz("Europe/Berlin")
    # Spring forward on Sunday 2026-03-29 at 01:00 UTC.
    assert local_date(utc("2026-03-29T00:30:00Z")) == date(2026, 3, 29)  # 01:30 CET
    assert local_date(utc("2026-03-29T21:59:59Z")) == date(2026, 3, 29)  # 23:59:59 CEST
    assert local_date(utc("2026-03-29T22:00:00Z")) == date(2026, 3, 30)  # Monday 00:00 CEST
    assert day_start_utc(date(2026, 3, 29)) == utc("2026-03-28T23:00:00Z")
    assert day_start_utc(date(2026, 3, 30)) == utc("2026-03-29T22:00:00Z")
    # Fall back on Sunday 2026-10-25 at 01:00 UTC: 02:30 happens twice, both on Sunday.
    assert local_date(utc("2026-10-25T00:30:00Z")) == date(2026, 10, 25)
    assert local_date(utc("2026-10-25T01:30:00Z")) == date(2026, 10, 25)
    assert day_start_utc(date(2026, 10, 26)) == utc("2026-10-25T23:00:00Z")


def test_day_start_when_midnight_is_skipped_or_repeated(set_tz: SetTz) -> None:
    set_tz("America/Santiago")
    # Chile springs forward at midnight: 2024-09-08 begins at 01:00 local (04:00 UTC).
    assert day_start_utc(date(2024, 9, 8)) == utc("2024-09-08T04:00:00Z")
    assert local_date(utc("2024-09-08T03:59:59Z")) == date(2024, 9, 7)
    # ... and falls back at midnight: Saturday 23:00-24:00 happens twice, Sunday starts once.
    assert day_start_utc(date(2024, 4, 7)) == utc("2024-04-07T04:00:00Z")
    set_tz("America/Havana")
    # Cuba falls back from 01:00 to 00:00: the day starts at the first midnight.
    assert day_start_utc(date(2024, 11, 3)) == utc("2024-11-03T04:00:00Z")


def test_half_hour_offset(set_tz: SetTz) -> None:
    set_tz("Asia/Kolkata")
    assert local_date(utc("2026-03-01T18:29:00Z")) == date(2026, 3, 1)  # Sunday 23:59
    assert local_date(utc("2026-03-01T18:30:00Z")) == date(2026, 3, 2)  # Monday 00:00
    assert day_start_utc(date(2026, 3, 2)) == utc("2026-03-01T18:30:00Z")


@pytest.mark.parametrize(
    "zone",
    ["UTC", "Europe/Berlin", "America/New_York", "America/Santiago", "America/Havana",
     "Asia/Kolkata", "Australia/Lord_Howe", "Pacific/Chatham", "Pacific/Apia"],
)
def test_day_start_is_the_first_instant_of_the_day(set_tz: SetTz, zone: str) -> None:
    """For every day of 2011-2012 and 2024-2027: the instant belongs to the day, a second earlier
    does not (Apia skipped 2011-12-30 entirely: its start equals the next day's)."""
    set_tz(zone)
    for first, last in ((date(2011, 1, 1), date(2012, 12, 31)),
                        (date(2024, 1, 1), date(2027, 12, 31))):
        day = first
        while day <= last:
            start = day_start_utc(day)
            before = local_date(start - timedelta(seconds=1))
            assert before < day, (zone, day)
            assert local_date(start) >= day, (zone, day)
            day += timedelta(days=1)


def test_utc_text_is_the_store_format() -> None:
    assert utc_text(utc("2026-03-01T18:30:00Z")) == "2026-03-01T18:30:00Z"
    assert utc_text(datetime(999, 1, 2, 3, 4, 5, tzinfo=UTC)) == "0999-01-02T03:04:05Z"
