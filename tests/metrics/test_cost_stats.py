"""``stats --json``'s cost figures on a small database with known prices: per period, per tool,
per label (a session with two labels in both, totals once), and what is left out."""

from __future__ import annotations

from typing import Any

import pytest
from sqlite_utils import Database

from desktop_app.domain import Price
from desktop_app.metrics import NO_LABEL, value_stats
from desktop_app.metrics.cost import PriceTable
from desktop_app.metrics.wilson import wilson_interval
from desktop_app.store.stats import StatsReader
from tests.conftest import AddSession

#: $1 per million uncached input, $2 cache write, $0.50 cache read, $10 output.
TABLE = PriceTable([Price("m-a*", 1.0, 2.0, 0.5, 10.0, "2026-01-01")])
#: 0.2M uncached + 0.3M written + 0.5M read + 0.1M out = $0.20 + $0.60 + $0.25 + $1.00.
EACH = 2.05
SPLIT = (200_000, 300_000, 500_000)
W0, W1 = "2026-03-03T12:00:00Z", "2026-03-10T12:00:00Z"


def _json(data: dict[str, object]) -> Any:
    return data


@pytest.fixture
def priced(add_session: AddSession) -> None:
    add = add_session
    for n in range(6):
        verdict = "useful" if n < 4 else "not_useful"
        labels = ("coding", "debugging") if n == 0 else ("coding",) if n == 1 else ()
        add("codex", W0, verdict=verdict, labels=labels, model="m-a-2026", tokens_in=1_000_000,
            tokens_out=100_000, split=SPLIT)
    add("codex", W0, model="m-a", tokens_in=1_000_000, tokens_out=0)  # unrated, no split: $1
    add("chatgpt", W0, verdict="useful", model="m-b", tokens_in=1_000_000)  # no price
    add("codex", W0, verdict="useful", model="m-a")  # no tokens: no cost
    add("codex", W1, verdict="useful", model="m-a", tokens_in=1_000_000, tokens_out=100_000,
        split=SPLIT)


def test_periods_and_totals(db: Database, priced: None) -> None:
    data = _json(value_stats(StatsReader(db), prices=TABLE).to_json())
    first, second = data["periods"]
    assert first["uses"] == 9
    assert first["cost"] == pytest.approx(6 * EACH + 1.0)
    assert first["cost_priced_uses"] == 7
    assert first["cost_per_useful"] == pytest.approx(6 * EACH / 4)
    low, high = wilson_interval(4, 6)
    assert first["cost_per_useful_interval"] == pytest.approx([EACH / high, EACH / low])
    assert first["cost_per_useful_estimate"] is True
    assert (second["cost"], second["cost_priced_uses"]) == (pytest.approx(EACH), 1)
    assert second["cost_per_useful"] is None  # one priced rating is too few
    assert second["cost_per_useful_interval"] is None
    assert second["cost_per_useful_estimate"] is False
    totals = data["totals"]
    assert totals["cost"] == pytest.approx(7 * EACH + 1.0)
    assert totals["cost_priced_uses"] == 8
    assert totals["cost_per_useful"] == pytest.approx(7 * EACH / 5)


def test_the_keys_come_after_the_old_ones(db: Database, priced: None) -> None:
    without = _json(value_stats(StatsReader(db)).to_json())
    with_costs = _json(value_stats(StatsReader(db), prices=TABLE).to_json())
    for old, new in zip(without["periods"], with_costs["periods"], strict=True):
        assert list(new)[:len(old)] == list(old)
        assert {k: new[k] for k in old} == old
        assert list(new)[len(old):] == ["cost", "cost_priced_uses", "cost_per_useful",
                                        "cost_per_useful_interval", "cost_per_useful_estimate"]


def test_by_tool(db: Database, priced: None) -> None:
    data = _json(value_stats(StatsReader(db), group="tool", prices=TABLE).to_json())
    cells = {(p["start"], p["group"]): p for p in data["periods"]}
    assert cells[("2026-03-02", "codex")]["cost"] == pytest.approx(6 * EACH + 1.0)
    assert cells[("2026-03-02", "chatgpt")]["cost"] is None  # its one model has no price
    assert cells[("2026-03-02", "chatgpt")]["cost_priced_uses"] == 0
    assert cells[("2026-03-09", "chatgpt")]["cost"] is None  # no use at all
    assert data["totals"]["cost"] == pytest.approx(7 * EACH + 1.0)


def test_by_label_counts_a_session_under_each_label_and_the_totals_once(
        db: Database, priced: None) -> None:
    data = _json(value_stats(StatsReader(db), group="label", prices=TABLE).to_json())
    cells = {(p["start"], p["group"]): p for p in data["periods"]}
    assert cells[("2026-03-02", "coding")]["cost"] == pytest.approx(2 * EACH)
    assert cells[("2026-03-02", "debugging")]["cost"] == pytest.approx(EACH)
    assert cells[("2026-03-02", NO_LABEL)]["cost"] == pytest.approx(4 * EACH + 1.0)
    assert data["totals"]["cost"] == pytest.approx(7 * EACH + 1.0)


def test_a_tool_filter_and_a_label_filter(db: Database, priced: None) -> None:
    codex = _json(value_stats(StatsReader(db, tools=True), source="codex",
                                   prices=TABLE).to_json())
    assert codex["totals"]["cost"] == pytest.approx(7 * EACH + 1.0)
    coding = _json(value_stats(StatsReader(db), label="coding", prices=TABLE).to_json())
    assert coding["totals"]["cost"] == pytest.approx(2 * EACH)


def test_without_sessions_the_totals_have_no_cost(db: Database) -> None:
    data = _json(value_stats(StatsReader(db), prices=TABLE).to_json())
    assert data["periods"] == []
    assert data["totals"]["cost"] is None
    assert data["totals"]["cost_priced_uses"] == 0
