"""compare() outcomes and the plain-language insights built on them."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlite_utils import Database

from desktop_app.metrics import MIN_RATED, compare, display_name, insights, value_stats
from desktop_app.metrics import wilson_interval as wilson
from desktop_app.store.stats import StatsReader
from tests.conftest import AddSession


@dataclass(frozen=True)
class Group:
    """The part of the figures compare() and insights() read."""

    uses: int
    rated: int
    value_per_use: float | None
    ci_low: float | None
    ci_high: float | None


def group(useful: int, rated: int, uses: int | None = None) -> Group:
    uses = rated if uses is None else uses
    if rated < MIN_RATED:
        return Group(uses, rated, None, None, None)
    low, high = wilson(useful, rated)
    return Group(uses, rated, useful / rated, low, high)


def test_higher_and_lower_need_separate_intervals() -> None:
    research, debugging = group(20, 24), group(10, 30)  # 0.641..0.933 vs 0.192..0.512
    assert compare(research, debugging) == "higher"
    assert compare(debugging, research) == "lower"


def test_overlap_is_no_clear_difference() -> None:
    # 78 % vs 41 % on 23 and 32 ratings: the intervals are apart (0.581..0.903, 0.255..0.577).
    assert compare(group(18, 23), group(13, 32)) == "higher"
    # 80 % vs 40 % sounds as different, but on five ratings each the intervals overlap.
    small_a, small_b = group(4, 5), group(2, 5)  # 0.376..0.964 vs 0.118..0.769
    assert compare(small_a, small_b) == "no clear difference"
    assert compare(small_a, small_a) == "no clear difference"


def test_touching_intervals_are_not_a_difference() -> None:
    assert compare(Group(10, 10, 0.7, 0.5, 0.9), Group(10, 10, 0.3, 0.1, 0.5)) == (
        "no clear difference"
    )
    assert compare(Group(10, 10, 0.7, 0.5001, 0.9), Group(10, 10, 0.3, 0.1, 0.5)) == "higher"


def test_not_enough_ratings() -> None:
    assert compare(group(4, 4), group(20, 24)) == "not enough ratings"
    assert compare(group(20, 24), group(0, 0, uses=9)) == "not enough ratings"


def test_insights_claim_only_clear_differences_with_their_sizes() -> None:
    sentences = insights({
        "research": group(20, 24, uses=60),
        "debugging": group(10, 30, uses=50),
        "coding": group(15, 25, uses=70),  # 0.407..0.766: overlaps both others
        "writing": group(2, 3, uses=10),
    })
    assert sentences == [
        "Research sessions were useful more often than Debugging sessions "
        "(83 % of 24 rated vs 33 % of 30 rated).",
        "Not enough ratings yet for Writing (3 rated of 10 uses).",
    ]


def test_insights_order_limit_and_names() -> None:
    groups = {"a": group(29, 30), "b": group(10, 30), "c": group(1, 30)}
    sentences = insights(groups, names={"a": "Alpha"}, limit=2)
    assert sentences == [
        "Alpha sessions were useful more often than C sessions "
        "(97 % of 30 rated vs 3 % of 30 rated).",
        "Alpha sessions were useful more often than B sessions "
        "(97 % of 30 rated vs 33 % of 30 rated).",
    ]


def test_insights_when_nothing_is_clear() -> None:
    sentences = insights({
        "claude-code": group(6, 10), "chatgpt": group(5, 10),
        "(no label)": group(1, 2, uses=5), "cursor": group(0, 1, uses=3),
    })
    assert sentences == [
        "No clear difference in value per use between the 2 groups with enough ratings yet: "
        "their 95 % intervals overlap.",
        "Not enough ratings yet for Unlabelled and Cursor (fewer than 5 rated each).",
    ]
    assert insights({}) == []
    assert insights({"codex": group(0, 0, uses=0)}) == []


def test_display_names() -> None:
    assert display_name("claude-code", {"claude-code": "Claude Code"}) == "Claude Code"
    assert display_name("claude-code") == "Claude-code"  # metrics know no tool names
    assert display_name("research") == "Research"
    assert display_name("(no label)") == "Unlabelled"


def test_insights_from_real_stats(db: Database, add_session: AddSession) -> None:
    for i in range(12):
        add_session("claude-code", f"2026-05-{i + 1:02d}T10:00:00Z", verdict="useful",
                    labels=("research",))
        add_session("chatgpt", f"2026-05-{i + 1:02d}T11:00:00Z",
                    verdict="useful" if i == 0 else "not_useful", labels=("debugging",))
    stats = value_stats(StatsReader(db), by="month", group="label")
    assert compare(stats.group_totals["research"], stats.group_totals["debugging"]) == "higher"
    assert insights(stats.group_totals) == [
        "Research sessions were useful more often than Debugging sessions "
        "(100 % of 12 rated vs 8 % of 12 rated).",
    ]
    by_tool = value_stats(StatsReader(db), by="month", group="tool")
    # Metrics know no tool names: the caller gives them (the UI gives the registry's).
    assert insights(by_tool.group_totals)[0].startswith("Claude-code sessions were useful")
    named = insights(by_tool.group_totals, names={"claude-code": "Claude Code"})
    assert named[0].startswith("Claude Code sessions were useful")


@pytest.mark.parametrize("rated", [0, 4])
def test_small_groups_never_get_a_claim(rated: int) -> None:
    sentences = insights({"a": group(rated, rated, uses=40), "b": group(0, 30)})
    assert all("more often" not in s for s in sentences)
