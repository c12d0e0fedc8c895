"""The ``worthwhile stats`` table: columns, honest gaps, estimates marked, totals."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlite_utils import Database

from desktop_app.domain import Verdict
from desktop_app.metrics import value_stats
from desktop_app.metrics.text import format_stats
from desktop_app.store import open_db, save_sessions, update_rating
from desktop_app.store.stats import StatsReader
from tests.factories import make_session

WEEK1 = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)


@pytest.fixture
def db(db_path: Path) -> Iterator[Database]:
    database = open_db(db_path)
    sessions = [make_session(i, started_at=WEEK1 + timedelta(hours=i)) for i in range(8)]
    sessions += [make_session(100 + i, source="claude-code", started_at=WEEK1 +
                              timedelta(days=7, hours=i)) for i in range(3)]
    save_sessions(database, sessions)
    for i, s in enumerate(sessions[:6]):
        update_rating(database, s.id, Verdict.USEFUL if i < 4 else Verdict.NOT_USEFUL,
                      minutes_saved=10 if i < 2 else None, labels=("coding",))
    update_rating(database, sessions[8].id, Verdict.USEFUL)
    yield database
    database.close()


def test_weekly_table(db: Database) -> None:
    text = format_stats(value_stats(StatsReader(db), by="week"))
    lines = text.splitlines()
    assert lines[0].split()[:4] == ["Week", "of", "Uses", "Rated"]
    assert "Value per use (95 % CI)" in lines[0]
    assert "Est. useful uses*" in lines[0]
    week1 = next(line for line in lines if line.startswith("2026-11-16"))
    assert week1.split()[1:4] == ["8", "6", "4"]
    assert "67 % (30–90 %)" in week1  # Wilson 4 of 6
    assert "+10.0 (n=2)" in week1
    week2 = next(line for line in lines if line.startswith("2026-11-23"))
    assert "not enough ratings" in week2
    total = next(line for line in lines if line.startswith("Total"))
    assert total.split()[1:4] == ["11", "7", "5"]
    assert "71 %" in total
    assert "Based on 7 rated of 11 uses" in text
    assert "* Estimate" in text
    assert "own estimates" in text
    # Fixed width: every table row is as wide as the header or narrower, columns line up.
    assert lines[1].startswith("-------")
    assert len({len(line) for line in lines[:2]}) == 1


def test_grouped_by_tool_and_label(db: Database) -> None:
    names = {"claude-code": "Claude Code", "chatgpt": "ChatGPT", "claude-ai": "Claude"}
    by_tool = format_stats(value_stats(StatsReader(db), by="week", group="tool"), names)
    assert "Tool" in by_tool.splitlines()[0]
    assert "Claude Code" in by_tool
    assert "ChatGPT" in by_tool
    # A group without uses in a period is left out (no rows of zeros).
    assert not any(line.startswith("2026-11-23") and "ChatGPT" in line
                   for line in by_tool.splitlines())
    totals = [line for line in by_tool.splitlines() if line.startswith("Total")]
    assert [t.split()[1] for t in totals] == ["ChatGPT", "Claude", "all"]

    by_label = format_stats(value_stats(StatsReader(db), by="month", group="label"))
    assert "Label" in by_label.splitlines()[0]
    assert "Nov 2026" in by_label
    assert "Coding" in by_label
    assert "Unlabelled" in by_label


def test_empty(db_path: Path) -> None:
    database = open_db(db_path)
    assert "No sessions" in format_stats(value_stats(StatsReader(database)))
    database.close()
