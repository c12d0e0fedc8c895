"""Reflect's weekly sample: a reproducible random draw of a week's unrated sessions, by tool.

Pure: the draw works on a pool of session ids handed to it. :func:`draw_sample` fetches and keeps
samples through a :class:`SampleStore` (the store's ``ReflectSamples``). A week is the one of
:mod:`.periods` (Monday to Monday, local days), turned into UTC by :func:`.periods.utc_bounds`,
so Reflect and the Value view always put a session in the same week.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from typing import Protocol

from desktop_app.metrics.periods import period_of, period_start, utc_bounds
from desktop_app.metrics.value import Figures, TallyReader, value_stats

#: How many sessions a week's sample holds unless the user chose otherwise.
DEFAULT_SAMPLE_SIZE = 10


class SampleStore(Protocol):
    """Where :func:`draw_sample` finds the week's unrated sessions and keeps its draws."""

    def stored_sample(self, week: str, size: int) -> list[str]:
        """The sample kept for ``week`` (ISO date of its Monday) and ``size``, or ``[]``."""
        ...

    def unrated_pool(self, lo: str, hi: str) -> dict[str, list[str]]:
        """Sessions without a verdict started in ``[lo, hi)`` (UTC text): ids by tool.

        Ids are in ascending order; tools in the order their first id appears.
        """
        ...

    def save_sample(self, week: str, size: int, ids: Sequence[str]) -> list[str]:
        """Keep ``ids`` as the sample of ``week`` and ``size``; an earlier one wins (returned)."""
        ...


def last_complete_week(today: date | None = None) -> date:
    """The Monday of the last week that has fully ended (local time)."""
    today = today or date.today()
    return period_start(today, "week") - timedelta(days=7)


def week_bounds(day: date) -> tuple[str, str]:
    """The week holding ``day`` as a UTC range ``[lo, hi)`` in the store's text form."""
    lo, hi = utc_bounds([period_of(day, "week")])
    return lo, hi


def allocate(counts: Mapping[str, int], size: int) -> dict[str, int]:
    """Split ``size`` draws across strata proportionally (largest remainder), capped by stratum.

    Every stratum gets at least one draw while draws remain, the largest first (ties in the
    order of ``counts``).
    """
    total = sum(counts.values())
    if total <= size:
        return dict(counts)
    exact = {k: size * n / total for k, n in counts.items()}
    alloc = {k: min(counts[k], int(v)) for k, v in exact.items()}
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


def stratified_draw(pool: Mapping[str, Sequence[str]], size: int, seed: str) -> list[str]:
    """Draw up to ``size`` ids from ``pool`` (ids by tool), stratified by tool, then shuffle.

    The same pool (same order), size and seed always give the same list.
    """
    rng = random.Random(seed)
    alloc = allocate({k: len(v) for k, v in pool.items()}, size)
    chosen: list[str] = []
    for source in sorted(alloc):
        chosen.extend(rng.sample(pool[source], alloc[source]))
    rng.shuffle(chosen)
    return chosen


def draw_sample(
    samples: SampleStore, week_start: date, size: int = DEFAULT_SAMPLE_SIZE
) -> list[str]:
    """The reflection sample of the week holding ``week_start`` (session ids, in order).

    The first call draws sessions not rated yet, stratified by tool, with a seed made from the
    week, and keeps the draw; later calls return the same sample. An empty draw is not kept, so
    a week imported later still gets its sample.
    """
    monday = period_start(week_start, "week")
    key = monday.isoformat()
    stored = samples.stored_sample(key, size)
    if stored:
        return stored
    pool = samples.unrated_pool(*week_bounds(monday))
    chosen = stratified_draw(pool, size, f"worthwhile-reflect:{key}:{size}")
    if chosen:
        return samples.save_sample(key, size, chosen)
    return chosen


def week_figures(reader: TallyReader, week_start: date) -> Figures:
    """Uses, ratings and value per use of the week holding ``week_start``: the Value view's own
    figures for that week, so the two views never disagree."""
    monday = period_start(week_start, "week")
    return value_stats(reader, "week", date_from=monday, date_to=monday + timedelta(days=6)).totals
