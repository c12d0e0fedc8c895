"""The stats queries: first and last start, tallies per period × tool or label, one snapshot."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlite_utils import Database

from desktop_app.domain import Tally
from desktop_app.metrics import TallyReader
from desktop_app.store.stats import (
    StatsReader,
    first_last,
    label_tallies,
    period_tallies,
    snapshot,
)
from tests.conftest import AddSession

# Two periods: [03-02, 03-09) and [03-09, 03-16), UTC text as the metrics hand them over.
BOUNDS = ["2026-03-02T00:00:00Z", "2026-03-09T00:00:00Z", "2026-03-16T00:00:00Z"]
LO, HI = BOUNDS[0], BOUNDS[-1]


@pytest.fixture
def small_set(add_session: AddSession) -> None:
    add = add_session
    add("codex", "2026-03-02T00:00:00Z", verdict="useful", minutes=20, labels=("coding",),
        tokens_in=1000, tokens_out=100)
    add("codex", "2026-03-08T23:59:59Z", verdict="not_useful", labels=("coding", "debugging"),
        tokens_out=50)
    add("chatgpt", "2026-03-04T12:00:00Z", minutes=99, labels=("writing",))  # no verdict
    add("chatgpt", "2026-03-09T00:00:00Z", verdict="useful", minutes=-5)  # first second of period 1
    add("chatgpt", "2026-03-16T00:00:00Z", verdict="useful")  # past the last bound
    add("chatgpt", None, verdict="useful")  # no start: never counted


def test_first_and_last_start(db: Database, small_set: None) -> None:
    assert first_last(db) == ("2026-03-02T00:00:00Z", "2026-03-16T00:00:00Z")
    assert first_last(db, LO, HI) == ("2026-03-02T00:00:00Z", "2026-03-09T00:00:00Z")
    assert first_last(db, source="codex") == ("2026-03-02T00:00:00Z", "2026-03-08T23:59:59Z")
    assert first_last(db, label="writing") == ("2026-03-04T12:00:00Z",) * 2
    assert first_last(db, label="nothing") == (None, None)


def test_tallies_per_period(db: Database, small_set: None) -> None:
    cells = period_tallies(db, BOUNDS, LO, HI)
    assert cells == {
        (0, None): Tally(uses=3, rated=2, useful=1, not_useful=1, minutes_sum=20, minutes_n=1,
                         tokens_rated=2, tokens_sum=1150, tokens_useful=1),
        (1, None): Tally(uses=1, rated=1, useful=1, minutes_sum=-5, minutes_n=1),
    }


def test_tallies_per_period_and_tool(db: Database, small_set: None) -> None:
    cells = period_tallies(db, BOUNDS, LO, HI, by_tool=True)
    assert {key: (t.uses, t.rated) for key, t in cells.items()} == {
        (0, "codex"): (2, 2), (0, "chatgpt"): (1, 0), (1, "chatgpt"): (1, 1)}
    only_codex = period_tallies(db, BOUNDS, LO, HI, source="codex", by_tool=True)
    assert list(only_codex) == [(0, "codex")]


def test_a_cut_range_counts_only_its_days(db: Database, small_set: None) -> None:
    cells = period_tallies(db, BOUNDS, "2026-03-03T00:00:00Z", HI)
    assert cells[(0, None)].uses == 2
    assert cells[(0, None)].rated == 1


def test_tallies_with_one_label(db: Database, small_set: None) -> None:
    cells = period_tallies(db, BOUNDS, LO, HI, label="coding", by_tool=True)
    assert cells == {(0, "codex"): Tally(uses=2, rated=2, useful=1, not_useful=1, minutes_sum=20,
                                         minutes_n=1, tokens_rated=2, tokens_sum=1150,
                                         tokens_useful=1)}


def test_label_tallies_count_a_session_once_among_the_labelled(
    db: Database, small_set: None
) -> None:
    cells, labelled = label_tallies(db, BOUNDS, LO, HI)
    assert {key: (t.uses, t.rated) for key, t in cells.items()} == {
        (0, "coding"): (2, 2), (0, "debugging"): (1, 1), (0, "writing"): (1, 0)}
    assert {b: (t.uses, t.rated, t.useful) for b, t in labelled.items()} == {0: (3, 2, 1)}
    with_debugging, _ = label_tallies(db, BOUNDS, LO, HI, label="debugging")
    assert sorted(str(name) for _, name in with_debugging) == ["coding", "debugging"]


def test_boundaries_must_be_utc_text(db: Database) -> None:
    with pytest.raises(ValueError, match="not a UTC boundary"):
        period_tallies(db, [LO, "2026-03-09' OR 1=1 --", HI], LO, HI)
    with pytest.raises(ValueError, match="not a UTC boundary"):
        first_last(db, lo="2026-03-02")


def test_snapshot_sees_one_state_and_leaves_no_transaction(
    db: Database, db_path: Path, small_set: None
) -> None:
    other = sqlite3.connect(db_path)
    try:
        with snapshot(db):
            before = period_tallies(db, BOUNDS, LO, HI)
            other.execute("UPDATE ratings SET verdict = 'useful' WHERE verdict = 'not_useful'")
            other.commit()
            assert period_tallies(db, BOUNDS, LO, HI) == before
        assert not db.conn.in_transaction
        assert period_tallies(db, BOUNDS, LO, HI)[(0, None)].useful == 2
    finally:
        other.close()
    with db.atomic(), snapshot(db):  # inside the caller's transaction it just reads
        assert db.conn.in_transaction
    assert not db.conn.in_transaction


def test_stats_reader_is_a_tally_reader(db: Database, small_set: None) -> None:
    reader: TallyReader = StatsReader(db)
    with reader.snapshot():
        assert reader.first_last(None, None, "codex", None)[0] == "2026-03-02T00:00:00Z"
        assert reader.period_tallies(BOUNDS, LO, HI, None, None, by_tool=False) == \
            period_tallies(db, BOUNDS, LO, HI)
        assert reader.label_tallies(BOUNDS, LO, HI, None, "coding") == \
            label_tallies(db, BOUNDS, LO, HI, label="coding")


# --- tools named by the generic format (store migration 0009) -----------------------------------

def _named_set(add: AddSession) -> None:
    """Sessions of two sources and of three generic tools, some rated, some labelled."""
    add("codex", "2026-03-02T10:00:00Z", verdict="useful", minutes=10, labels=("coding",),
        tokens_in=100)
    add("codex", "2026-03-10T10:00:00Z", verdict="not_useful")
    add("generic", "2026-03-03T10:00:00Z", verdict="useful", tool_name="Perplexity",
        tokens_in=31, tokens_out=120, labels=("research",))
    add("generic", "2026-03-04T10:00:00Z", tool_name="Perplexity")
    add("generic", "2026-03-11T10:00:00Z", verdict="not_useful", minutes=-5,
        tool_name="Perplexity", labels=("research", "coding"))
    add("generic", "2026-03-05T10:00:00Z", verdict="useful", tool_name="le Chat")
    add("generic", "2026-03-06T10:00:00Z", verdict="useful")  # no tool: stays "generic"
    add("generic", "2026-03-12T10:00:00Z", labels=("coding",))
    add("generic", "2026-03-13T10:00:00Z", tool_name="codex")  # a tool named like a source


def _by_hand(db: Database, *, by_tool: bool, source: str | None, tools: bool,
             label: str | None) -> dict[tuple[int, str | None], Tally]:
    """The tallies worked out row by row in Python, from each session's tool key."""
    rows = db.conn.execute(
        "SELECT s.id, s.source, coalesce(s.tool_name, s.source), s.started_at, s.tokens_in, "
        "s.tokens_out, r.verdict, r.minutes_saved FROM sessions s "
        "LEFT JOIN ratings r ON r.session_id = s.id").fetchall()
    cells: dict[tuple[int, str | None], Tally] = {}
    for sid, src, key, started, t_in, t_out, verdict, minutes in rows:
        if started is None or not LO <= started < HI:
            continue
        if source is not None and (key if tools else src) != source:
            continue
        if label is not None and not db.conn.execute(
                "SELECT 1 FROM session_labels WHERE session_id = ? AND label = ?",
                (sid, label)).fetchone():
            continue
        b = 0 if started < BOUNDS[1] else 1
        t = cells.setdefault((b, key if by_tool else None), Tally())
        t.uses += 1
        if verdict:
            t.rated += 1
            t.useful += verdict == "useful"
            t.not_useful += verdict == "not_useful"
            if minutes is not None:
                t.minutes_sum += minutes
                t.minutes_n += 1
            if t_in is not None or t_out is not None:
                t.tokens_rated += 1
                t.tokens_sum += (t_in or 0) + (t_out or 0)
                t.tokens_useful += verdict == "useful"
    return cells


@pytest.mark.parametrize("label", [None, "coding", "research"])
@pytest.mark.parametrize("tools", [False, True])
@pytest.mark.parametrize("source", [None, "generic", "codex", "Perplexity", "le Chat"])
@pytest.mark.parametrize("by_tool", [False, True])
def test_named_tools_are_grouped_and_filtered_by_their_own_name(
    db: Database, add_session: AddSession, by_tool: bool, source: str | None, tools: bool,
    label: str | None,
) -> None:
    _named_set(add_session)
    expected = _by_hand(db, by_tool=by_tool, source=source, tools=tools, label=label)
    got = period_tallies(db, BOUNDS, LO, HI, source, label, by_tool=by_tool, tools=tools)
    assert got == expected


def test_named_tools_by_name(db: Database, add_session: AddSession) -> None:
    _named_set(add_session)
    cells = period_tallies(db, BOUNDS, LO, HI, by_tool=True)
    assert {key: (t.uses, t.rated) for key, t in cells.items()} == {
        (0, "codex"): (1, 1), (1, "codex"): (2, 1),  # the generic "codex" joins the source
        (0, "Perplexity"): (2, 1), (1, "Perplexity"): (1, 1),
        (0, "le Chat"): (1, 1), (0, "generic"): (1, 1), (1, "generic"): (1, 0)}
    # A source filter keeps all its rows, grouped by their names; a tool filter only the tool's.
    generic = period_tallies(db, BOUNDS, LO, HI, "generic", by_tool=True)
    assert sorted({g for _, g in generic if g}) == ["Perplexity", "codex", "generic", "le Chat"]
    assert sum(t.uses for t in period_tallies(db, BOUNDS, LO, HI, "generic").values()) == 7
    unnamed = period_tallies(db, BOUNDS, LO, HI, "generic", tools=True)
    assert sum(t.uses for t in unnamed.values()) == 2
    assert first_last(db, source="Perplexity") == (None, None)
    assert first_last(db, source="Perplexity", tools=True) == ("2026-03-03T10:00:00Z",
                                                               "2026-03-11T10:00:00Z")
    assert first_last(db, source="generic", tools=True) == ("2026-03-06T10:00:00Z",
                                                            "2026-03-12T10:00:00Z")
    assert first_last(db, source="codex", tools=True) == ("2026-03-02T10:00:00Z",
                                                          "2026-03-13T10:00:00Z")
    cells, _ = label_tallies(db, BOUNDS, LO, HI, "Perplexity", tools=True)
    assert {key: t.uses for key, t in cells.items()} == {
        (0, "research"): 1, (1, "research"): 1, (1, "coding"): 1}

