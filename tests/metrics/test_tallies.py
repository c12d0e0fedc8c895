"""value_stats from tallies alone: a reader in memory, no database, no SQL."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date

import pytest

from desktop_app.domain import Tally
from desktop_app.metrics import NO_LABEL, iter_periods, utc_bounds, value_stats

Cells = dict[tuple[int, str | None], Tally]

# Two weeks in UTC (the metrics conftest sets TZ=UTC for every test).
WEEK1, WEEK2 = date(2026, 3, 2), date(2026, 3, 9)


class MemoryReader:
    """A TallyReader over fixed cells that records what it was asked."""

    def __init__(self, first: str | None, last: str | None, base: Cells,
                 labels: Cells | None = None, labelled: dict[int, Tally] | None = None) -> None:
        self.first, self.last = first, last
        self.base, self.labels, self.labelled = base, labels or {}, labelled or {}
        self.calls: list[tuple[object, ...]] = []
        self.in_snapshot = False

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        assert not self.in_snapshot
        self.in_snapshot = True
        yield
        self.in_snapshot = False

    def first_last(self, lo: str | None, hi: str | None, source: str | None,
                   label: str | None) -> tuple[str | None, str | None]:
        assert self.in_snapshot
        self.calls.append(("first_last", lo, hi, source, label))
        return self.first, self.last

    def period_tallies(self, bounds: Sequence[str], lo: str, hi: str, source: str | None,
                       label: str | None, *, by_tool: bool) -> Cells:
        assert self.in_snapshot
        self.calls.append(("period", list(bounds), lo, hi, source, label, by_tool))
        return self.base

    def label_tallies(self, bounds: Sequence[str], lo: str, hi: str, source: str | None,
                      label: str | None) -> tuple[Cells, dict[int, Tally]]:
        assert self.in_snapshot
        self.calls.append(("label", list(bounds), lo, hi, source, label))
        return self.labels, self.labelled


def test_figures_come_from_the_tallies() -> None:
    reader = MemoryReader("2026-03-02T09:00:00Z", "2026-03-10T09:00:00Z", {
        (0, None): Tally(uses=9, rated=7, useful=4, not_useful=3, minutes_sum=35, minutes_n=3,
                         tokens_rated=5, tokens_sum=4600, tokens_useful=3),
        (1, None): Tally(uses=2, rated=1, useful=1),
    })
    stats = value_stats(reader)
    week1, week2 = stats.periods
    assert (week1.start, week2.start) == (WEEK1, WEEK2)
    assert week1.value_per_use == pytest.approx(4 / 7)
    assert week1.est_useful_uses == pytest.approx(9 * 4 / 7)
    assert week1.minutes_saved_mean == pytest.approx(35 / 3)
    assert week1.tokens_per_useful == pytest.approx(4600 / 3)
    assert week2.value_per_use is None  # one rating is not enough
    assert (stats.totals.uses, stats.totals.rated, stats.totals.useful) == (11, 8, 5)
    bounds = utc_bounds(list(iter_periods(WEEK1, WEEK2, "week")))
    assert reader.calls == [("first_last", None, None, None, None),
                            ("period", bounds, bounds[0], bounds[-1], None, None, False)]


def test_date_limits_cut_the_counted_range_not_the_periods() -> None:
    reader = MemoryReader("2026-03-04T09:00:00Z", "2026-03-04T09:00:00Z", {})
    stats = value_stats(reader, date_from=date(2026, 3, 4), date_to=date(2026, 3, 10))
    assert [p.start for p in stats.periods] == [WEEK1, WEEK2]
    assert reader.calls[0] == ("first_last", "2026-03-04T00:00:00Z", "2026-03-11T00:00:00Z",
                               None, None)
    assert reader.calls[1][2:4] == ("2026-03-04T00:00:00Z", "2026-03-11T00:00:00Z")


def test_unlabelled_are_all_sessions_minus_the_labelled_ones() -> None:
    reader = MemoryReader(
        "2026-03-02T09:00:00Z", "2026-03-10T09:00:00Z",
        base={(0, None): Tally(uses=10, rated=6, useful=4, not_useful=2),
              (1, None): Tally(uses=3, rated=1, useful=1)},
        labels={(0, "coding"): Tally(uses=4, rated=4, useful=3, not_useful=1),
                (0, "writing"): Tally(uses=2, rated=1, not_useful=1),
                (1, "coding"): Tally(uses=3, rated=1, useful=1)},
        # one session has both labels: 5 labelled sessions in week 1, not 6
        labelled={0: Tally(uses=5, rated=4, useful=3, not_useful=1),
                  1: Tally(uses=3, rated=1, useful=1)},
    )
    stats = value_stats(reader, group="label")
    assert stats.groups == ("coding", "writing", NO_LABEL)
    unlabelled = stats.series(NO_LABEL)
    assert [(p.uses, p.rated, p.useful, p.not_useful) for p in unlabelled] == [
        (5, 2, 1, 1), (0, 0, 0, 0)]
    assert stats.group_totals["coding"].uses == 7
    assert stats.totals.uses == 13  # from all sessions, never a sum over labels


def test_no_sessions_no_periods() -> None:
    reader = MemoryReader(None, None, {})
    stats = value_stats(reader, group="tool")
    assert stats.periods == ()
    assert stats.totals.uses == 0
    assert len(reader.calls) == 1


def test_metrics_load_neither_the_store_nor_sqlite_utils() -> None:
    code = (
        "import importlib, pkgutil, sys\n"
        "import desktop_app.metrics as m\n"
        "for info in pkgutil.iter_modules(m.__path__):\n"
        "    importlib.import_module('desktop_app.metrics.' + info.name)\n"
        "bad = sorted(n for n in sys.modules\n"
        "             if n.startswith(('desktop_app.store', 'sqlite_utils', 'sqlite3')))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
