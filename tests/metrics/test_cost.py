"""Cost from a price table with known prices: exact costs, which entry wins, no price."""

from __future__ import annotations

import pytest

from desktop_app.domain import CostRow, Price
from desktop_app.metrics.cost import (
    CostTally,
    PriceTable,
    cost_figures,
    cost_tally,
    money,
    session_cost,
)
from desktop_app.metrics.wilson import wilson_interval

SONNET = Price("claude-sonnet-4*", 3.0, 3.75, 0.30, 15.0, "2025-12-01")
OPUS_NEW = Price("claude-opus-4-5*", 5.0, 6.25, 0.50, 25.0, "2025-12-01")
OPUS_OLD = Price("claude-opus-4*", 15.0, 18.75, 1.50, 75.0, "2025-12-01")
GPT5 = Price("gpt-5", 1.25, 1.25, 0.125, 10.0, "2025-12-01")
GPT5_DATED = Price("gpt-5-20*", 1.0, 1.0, 0.1, 8.0, "2025-12-01")
TABLE = PriceTable([SONNET, OPUS_OLD, OPUS_NEW, GPT5, GPT5_DATED])


def test_exact_costs_with_the_split() -> None:
    # 1M uncached at $3 + 2M cache writes at $3.75 + 10M cache reads at $0.30 + 0.5M out at $15
    cost = session_cost(TABLE, "claude-sonnet-4-5-20250929", 13_000_000, 500_000,
                        1_000_000, 2_000_000, 10_000_000)
    assert cost == pytest.approx(3.0 + 7.5 + 3.0 + 7.5)


def test_without_a_split_all_input_is_uncached() -> None:
    assert session_cost(TABLE, "gpt-5", 2_000_000, 1_000_000) == pytest.approx(2.5 + 10.0)


def test_a_split_without_the_uncached_part_takes_the_rest_of_the_input() -> None:
    # Codex-like: cache reads known, uncached given as None: the rest of tokens_in.
    cost = session_cost(TABLE, "gpt-5", 1_000_000, 0, None, None, 800_000)
    assert cost == pytest.approx(0.2 * 1.25 + 0.8 * 0.125)


def test_exact_ids_win_then_the_longest_pattern() -> None:
    assert TABLE.price_for("gpt-5") is GPT5
    assert TABLE.price_for("GPT-5") is GPT5  # ids are matched ignoring case
    assert TABLE.price_for("gpt-5-2025-08-07") is GPT5_DATED
    assert TABLE.price_for("claude-opus-4-5-20251101") is OPUS_NEW
    assert TABLE.price_for("claude-opus-4-1-20250805") is OPUS_OLD
    assert TABLE.price_for("gpt-5-mini") is None  # no pattern matches it


def test_a_model_without_a_price_has_no_cost_and_is_listed() -> None:
    assert session_cost(TABLE, "mistral-large", 1000, 100) is None
    assert session_cost(TABLE, None, 1000, 100) is None
    assert TABLE.unpriced(["mistral-large", "gpt-5", None, "Mistral-Large", "mistral-large",
                           "llama-3"]) == ["llama-3", "Mistral-Large", "mistral-large"]


def test_no_tokens_no_cost() -> None:
    assert session_cost(TABLE, "gpt-5", None, None) is None
    assert session_cost(TABLE, "gpt-5", None, 1_000_000) == pytest.approx(10.0)


def test_rows_are_priced_per_model_and_verdict() -> None:
    rows = [
        CostRow("gpt-5", "useful", 3, 3_000_000, 0, 0, 0),          # $3.75
        CostRow("gpt-5", "not_useful", 2, 0, 0, 0, 100_000),        # $1.00
        CostRow("gpt-5", None, 4, 0, 0, 0, 1_000_000),              # $10, unrated
        CostRow("mystery-model", "useful", 7, 9_000_000, 0, 0, 9),  # no price: left out
    ]
    tally = cost_tally(rows, TABLE)
    assert tally.cost == pytest.approx(14.75)
    assert (tally.priced, tally.rated, tally.useful) == (9, 5, 3)
    assert tally.rated_cost == pytest.approx(4.75)


def test_cost_per_useful_and_its_interval() -> None:
    tally = CostTally(cost=20.0, priced=12, rated_cost=8.0, rated=8, useful=4)
    f = cost_figures(tally)
    assert f.cost == 20.0
    assert f.priced_uses == 12
    assert f.per_useful == pytest.approx(2.0)  # $8 over 4 useful
    low, high = wilson_interval(4, 8)
    assert f.per_useful_low == pytest.approx(1.0 / high)  # mean $1 per rated use
    assert f.per_useful_high == pytest.approx(1.0 / low)
    assert f.per_useful_low is not None
    assert f.per_useful_high is not None
    assert f.per_useful_low < 2.0 < f.per_useful_high
    data = f.to_json()
    assert data["cost_per_useful_estimate"] is True
    assert data["cost_per_useful_interval"] == [round(1.0 / high, 6), round(1.0 / low, 6)]


def test_too_few_priced_ratings_or_no_useful_gives_no_cost_per_useful() -> None:
    assert cost_figures(CostTally(5.0, 4, 5.0, 4, 2)).per_useful is None
    assert cost_figures(CostTally(5.0, 9, 5.0, 9, 0)).per_useful is None
    nothing = cost_figures(CostTally()).to_json()
    assert nothing == {"cost": None, "cost_priced_uses": 0, "cost_per_useful": None,
                       "cost_per_useful_interval": None, "cost_per_useful_estimate": False}


@pytest.mark.parametrize(("value", "text"), [
    (None, "no price"), (0.0, "$0.00"), (0.4213, "$0.42"), (1234.5, "$1,234"),
    (0.0031, "$0.0031"), (0.0004, "< $0.001")])
def test_money(value: float | None, text: str) -> None:
    assert money(value) == text
