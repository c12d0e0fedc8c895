"""The weekly reflection queue: a reproducible random sample of a week's sessions, by tool."""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlite_utils import Database

from desktop_app.domain import utc_iso

DEFAULT_SAMPLE_SIZE = 10


def week_start_of(day: date) -> date:
    """The Monday of ``day``'s ISO week."""
    return day - timedelta(days=day.weekday())


def last_complete_week(today: date | None = None) -> date:
    """The Monday of the last week that has fully ended (local time)."""
    today = today or date.today()
    return week_start_of(today) - timedelta(days=7)


def _utc_bounds(week_start: date) -> tuple[str, str]:
    """The week [Monday 00:00, next Monday 00:00) in local time, as UTC ISO strings."""
    start = datetime.combine(week_start, time()).astimezone()
    end = datetime.combine(week_start + timedelta(days=7), time()).astimezone()
    return utc_iso(start.astimezone(UTC)) or "", utc_iso(end.astimezone(UTC)) or ""


def _allocate(counts: dict[str, int], size: int) -> dict[str, int]:
    """Split ``size`` draws across strata proportionally (largest remainder), capped by stratum."""
    total = sum(counts.values())
    if total <= size:
        return dict(counts)
    exact = {k: size * n / total for k, n in counts.items()}
    alloc = {k: min(counts[k], int(v)) for k, v in exact.items()}
    # Every tool used this week gets at least one draw while draws remain.
    for k in sorted(counts, key=lambda k: -counts[k]):
        if alloc[k] == 0 and sum(alloc.values()) < size:
            alloc[k] = 1
    by_remainder = sorted(counts, key=lambda k: (-(exact[k] - int(exact[k])), -counts[k], k))
    while sum(alloc.values()) < size:
        progressed = False
        for k in by_remainder:
            if sum(alloc.values()) >= size:
                break
            if alloc[k] < counts[k]:
                alloc[k] += 1
                progressed = True
        if not progressed:
            break
    while sum(alloc.values()) > size:
        k = max(alloc, key=lambda k: (alloc[k], k))
        alloc[k] -= 1
    return alloc


def draw_sample(db: Database, week_start: date, size: int = DEFAULT_SAMPLE_SIZE) -> list[str]:
    """The week's reflection sample (session ids, in order).

    The first call draws sessions not rated yet, stratified by tool, with a seed made from the
    week, and stores the draw; later calls return the same sample.
    """
    key = week_start.isoformat()
    stored = [
        row[0]
        for row in db.conn.execute(
            "SELECT session_id FROM reflect_samples WHERE week_start = ? AND size = ? "
            "ORDER BY position",
            (key, size),
        )
    ]
    if stored:
        return stored
    lo, hi = _utc_bounds(week_start)
    pool: dict[str, list[str]] = defaultdict(list)
    for sid, source in db.conn.execute(
        "SELECT s.id, s.source FROM sessions s LEFT JOIN ratings r ON r.session_id = s.id "
        "WHERE s.started_at >= ? AND s.started_at < ? AND r.verdict IS NULL "
        "ORDER BY s.id",
        (lo, hi),
    ):
        pool[source].append(sid)
    rng = random.Random(f"worthwhile-reflect:{key}:{size}")
    alloc = _allocate({k: len(v) for k, v in pool.items()}, size)
    chosen: list[str] = []
    for source in sorted(alloc):
        chosen.extend(rng.sample(pool[source], alloc[source]))
    rng.shuffle(chosen)
    if chosen:
        drawn_at = utc_iso(datetime.now(UTC))
        with db.atomic():
            db.conn.executemany(
                "INSERT INTO reflect_samples (week_start, size, position, session_id, drawn_at) "
                "VALUES (?, ?, ?, ?, ?)",
                [(key, size, i, sid, drawn_at) for i, sid in enumerate(chosen)],
            )
    return chosen


@dataclass(frozen=True)
class WeekSummary:
    """A week at a glance: uses, rated, useful, and value per use when there are enough ratings."""

    week_start: date
    uses: int
    rated: int
    useful: int

    @property
    def value_per_use(self) -> float | None:
        """useful / rated, or None below five ratings (too few to say)."""
        return self.useful / self.rated if self.rated >= 5 else None


def week_summary(db: Database, week_start: date) -> WeekSummary:
    """Counts for the week starting ``week_start`` (local time)."""
    lo, hi = _utc_bounds(week_start)
    uses, rated, useful = db.conn.execute(
        "SELECT count(*), count(r.verdict), COALESCE(sum(r.verdict = 'useful'), 0) "
        "FROM sessions s LEFT JOIN ratings r ON r.session_id = s.id "
        "WHERE s.started_at >= ? AND s.started_at < ?",
        (lo, hi),
    ).fetchone()
    return WeekSummary(week_start=week_start, uses=uses, rated=rated, useful=useful)
