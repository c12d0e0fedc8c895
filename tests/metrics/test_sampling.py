"""Reflect's weekly sample: the stratified allocation, the seeded draw, and what a week is."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta

from sqlite_utils import Database

from desktop_app.domain import Rating, Session, Verdict
from desktop_app.metrics.sampling import (
    allocate,
    draw_sample,
    last_complete_week,
    stratified_draw,
    week_bounds,
    week_figures,
)
from desktop_app.store import save_sessions, set_rating, update_rating
from desktop_app.store.reflect import ReflectSamples
from desktop_app.store.stats import StatsReader
from tests.conftest import AddSession

MONDAY = date(2026, 3, 2)


class MemorySamples:
    """A SampleStore in memory: the draw needs no database."""

    def __init__(self, pool: dict[str, list[str]]) -> None:
        self.pool = pool
        self.kept: dict[tuple[str, int], list[str]] = {}
        self.asked: list[tuple[str, str]] = []

    def stored_sample(self, week: str, size: int) -> list[str]:
        return list(self.kept.get((week, size), []))

    def unrated_pool(self, lo: str, hi: str) -> dict[str, list[str]]:
        self.asked.append((lo, hi))
        return self.pool

    def save_sample(self, week: str, size: int, ids: Sequence[str]) -> list[str]:
        return self.kept.setdefault((week, size), list(ids))


def test_last_complete_week_is_monday_before_this_week() -> None:
    assert last_complete_week(date(2026, 11, 25)) == date(2026, 11, 16)
    assert last_complete_week(date(2026, 11, 23)) == date(2026, 11, 16)
    assert last_complete_week(date(2026, 11, 22)) == date(2026, 11, 9)


def test_allocate_is_proportional_capped_and_gives_every_tool_one() -> None:
    assert allocate({"a": 3, "b": 2}, 10) == {"a": 3, "b": 2}  # fewer than asked: all of them
    assert allocate({"a": 27, "b": 9}, 10) == {"a": 8, "b": 2}  # 7.5 / 2.5: larger remainder
    assert allocate({"a": 90, "b": 5, "c": 5}, 10) == {"a": 9, "b": 1, "c": 0}  # ran out
    assert sum(allocate({"a": 100, "b": 1, "c": 1, "d": 1}, 3).values()) == 3
    assert allocate({"a": 1, "b": 1, "c": 1, "d": 1}, 2) == {"a": 1, "b": 1, "c": 0, "d": 0}


def test_stratified_draw_is_reproducible_and_pure() -> None:
    pool = {"chatgpt": [f"g{i:02d}" for i in range(30)], "codex": [f"x{i:02d}" for i in range(10)]}
    first = stratified_draw(pool, 8, "seed-a")
    assert first == stratified_draw(pool, 8, "seed-a")
    assert len(first) == len(set(first)) == 8
    assert sum(sid.startswith("x") for sid in first) == 2
    assert stratified_draw(pool, 8, "seed-b") != first
    assert stratified_draw({}, 8, "seed-a") == []


def test_draw_sample_asks_for_the_week_once_and_keeps_it() -> None:
    store = MemorySamples({"chatgpt": ["a", "b", "c"], "codex": ["d"]})
    sample = draw_sample(store, MONDAY + timedelta(days=3), 2)  # any day means its week
    assert store.asked == [week_bounds(MONDAY)] == [("2026-03-02T00:00:00Z",
                                                     "2026-03-09T00:00:00Z")]
    assert store.kept == {("2026-03-02", 2): sample}
    store.pool = {}
    assert draw_sample(store, MONDAY, 2) == sample
    assert len(store.asked) == 1


def test_an_empty_draw_is_not_kept() -> None:
    store = MemorySamples({})
    assert draw_sample(store, MONDAY, 10) == []
    assert store.kept == {}


def test_the_draw_is_the_one_reflect_always_made(db: Database) -> None:
    """Golden values recorded from the draw before it moved (same seed string, same order)."""
    tools = ("chatgpt",) * 14 + ("codex",) * 6 + ("claude-code",) * 3 + ("cursor",)
    sessions = [Session(source=tool, external_id=f"r-{i}", title=f"r{i}",
                        started_at=datetime(2026, 3, 2, 8, tzinfo=UTC) + timedelta(hours=7 * i))
                for i, tool in enumerate(tools)]
    save_sessions(db, sessions)
    for s in sessions[::5]:
        set_rating(db, s.id, Rating(verdict=Verdict.USEFUL))
    samples = ReflectSamples(db)
    assert draw_sample(samples, MONDAY, 3) == [
        "ea418239ae859c10", "760c05151568ed48", "c605709e26d83f4c"]
    assert draw_sample(samples, MONDAY, 5) == [
        "a26fa013cb7a5266", "a7132da51a9f72ee", "f8c7b2365fcb4125", "2f66bd7e1631e1a5",
        "887bb468d676db88"]
    assert draw_sample(samples, MONDAY, 10) == [
        "887bb468d676db88", "a7132da51a9f72ee", "a26fa013cb7a5266", "f8c7b2365fcb4125",
        "6acd14ba5378326d", "cda2f6da6b2d5654", "760c05151568ed48", "2f66bd7e1631e1a5",
        "c414f2ca6a3dd20b", "b40814aa479731bb"]


def test_sample_is_stratified_and_skips_rated(db: Database, add_session: AddSession) -> None:
    tools = ("chatgpt", "chatgpt", "chatgpt", "codex")
    ids = [add_session(tools[i % 4], f"2026-03-0{2 + i % 7}T{9 + i % 8:02d}:00:00Z")
           for i in range(40)]
    add_session("chatgpt", "2026-02-27T12:00:00Z")  # the week before: never drawn
    for sid in ids[:4]:
        update_rating(db, sid, Verdict.USEFUL)
    samples = ReflectSamples(db)
    sample = draw_sample(samples, MONDAY, 10)
    assert len(sample) == 10
    assert set(sample) <= set(ids[4:])
    sources = [db.conn.execute("SELECT source FROM sessions WHERE id = ?", (sid,)).fetchone()[0]
               for sid in sample]
    assert sources.count("chatgpt") in (7, 8)  # 27 of 36 unrated are ChatGPT: 75 %
    assert sources.count("codex") in (2, 3)
    assert draw_sample(samples, MONDAY, 10) == sample
    assert draw_sample(samples, MONDAY - timedelta(days=14), 10) == []


def test_week_figures_are_the_value_views_week(db: Database, add_session: AddSession) -> None:
    for i in range(6):
        add_session("codex", f"2026-03-0{2 + i}T10:00:00Z",
                    verdict="useful" if i % 3 else "not_useful")
    add_session("codex", "2026-03-08T23:59:59Z")  # Sunday, last second of the week
    add_session("codex", "2026-03-09T00:00:00Z")  # the next week
    week = week_figures(StatsReader(db), MONDAY + timedelta(days=6))
    assert (week.uses, week.rated, week.useful, week.not_useful) == (7, 6, 4, 2)
    assert week.value_per_use == 4 / 6
    assert week.ci_low is not None
    assert week.ci_high is not None
    few = week_figures(StatsReader(db), MONDAY + timedelta(days=7))
    assert (few.uses, few.rated, few.value_per_use) == (1, 0, None)
