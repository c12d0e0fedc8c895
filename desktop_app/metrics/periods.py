"""Calendar periods (ISO weeks from Monday, calendar months) in the user's local time zone.

Local time is the process's local time: ``datetime.astimezone()`` without an argument, which
follows the ``TZ`` environment variable (after :func:`time.tzset` when it changes at run time).
A session belongs to the period of the local calendar day on which it started.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Literal, get_args

_SECOND = timedelta(seconds=1)

#: How stats are bucketed: ISO weeks starting on Monday, or calendar months.
By = Literal["week", "month"]

BY_VALUES: tuple[str, ...] = get_args(By)


@dataclass(frozen=True, slots=True, order=True)
class Period:
    """One week or month: local calendar days from ``start`` up to ``end`` (exclusive)."""

    start: date
    end: date


def check_by(by: str) -> By:
    """Return ``by`` as a :data:`By` value, or raise :class:`ValueError` naming the choices."""
    if by == "week":
        return "week"
    if by == "month":
        return "month"
    raise ValueError(f"unknown period {by!r}: use week or month")


def period_start(day: date, by: By) -> date:
    """The first day of the period holding ``day``: its week's Monday, or the 1st of its month."""
    if by == "week":
        return day - timedelta(days=day.weekday())
    if by == "month":
        return day.replace(day=1)
    raise ValueError(f"unknown period {by!r}: use week or month")


def period_end(day: date, by: By) -> date:
    """The first day after the period holding ``day`` (so the period is ``[start, end)``)."""
    start = period_start(day, by)
    if by == "week":
        return start + timedelta(days=7)
    if start.month == 12:
        return date(start.year + 1, 1, 1)
    return date(start.year, start.month + 1, 1)


def period_of(day: date, by: By) -> Period:
    """The period holding ``day``."""
    return Period(period_start(day, by), period_end(day, by))


def iter_periods(first: date, last: date, by: By) -> Iterator[Period]:
    """Every period from the one holding ``first`` to the one holding ``last``, gaps included.

    Both days are inclusive; nothing is yielded when ``last`` is before ``first``.
    """
    if last < first:
        return
    current = period_start(first, by)
    stop = period_end(last, by)
    while current < stop:
        nxt = period_end(current, by)
        yield Period(current, nxt)
        current = nxt


def local_date(moment: datetime) -> date:
    """The local calendar day of an instant (a naive ``moment`` is taken as UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone().date()


def day_start_utc(day: date) -> datetime:
    """The first instant (aware, UTC) whose local calendar day is ``day``.

    Usually local midnight; when midnight does not exist (a DST gap at midnight, as in Chile) the
    day starts when the clock resumes, and when midnight happens twice (Cuba's fall-back) at the
    first one.
    """
    midnight = datetime(day.year, day.month, day.day)
    moment = midnight.astimezone().astimezone(UTC)
    # Reading a naive time in a DST gap can land before the day; an ambiguous one after its
    # start. Walk to the exact first instant (two steps at most for any real zone).
    for _ in range(4):
        local = moment.astimezone()
        if local.date() < day:
            moment += midnight - local.replace(tzinfo=None)
            continue
        before = (moment - _SECOND).astimezone()
        if before.date() >= day:
            moment -= _SECOND + (before.replace(tzinfo=None) - midnight)
            continue
        break
    return moment


def utc_text(moment: datetime) -> str:
    """An instant in the store's text form, ``YYYY-MM-DDTHH:MM:SSZ`` (sortable as text)."""
    m = moment.astimezone(UTC)
    # Not strftime: "%Y" is not zero-padded below year 1000 on every platform.
    return f"{m.year:04d}-{m.month:02d}-{m.day:02d}T{m.hour:02d}:{m.minute:02d}:{m.second:02d}Z"


def utc_bounds(periods: Sequence[Period]) -> list[str]:
    """The UTC instants (store text) where each of consecutive ``periods`` starts, then the end.

    A session started at ``t`` (UTC text) belongs to ``periods[i]`` exactly when
    ``bounds[i] <= t < bounds[i + 1]``. This is the one place where local periods become UTC
    ranges: the Value view and Reflect both count through it.
    """
    bounds = [utc_text(day_start_utc(p.start)) for p in periods]
    if periods:
        bounds.append(utc_text(day_start_utc(periods[-1].end)))
    return bounds
