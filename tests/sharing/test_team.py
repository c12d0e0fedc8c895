"""Merging cards: duplicates once, the hiding rule, figures as ``stats --json`` computes them."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from desktop_app.domain import Tally
from desktop_app.metrics.periods import Period
from desktop_app.metrics.value import GroupBy, tally_period_figures
from desktop_app.sharing.cards import Card, card_from_json
from desktop_app.sharing.team import (
    MergeError,
    Team,
    cells_to_hide,
    distinct_cards,
    merge,
    read_cards,
)
from tests.sharing.builders import NEXT_WEEK, WEEK, card, label_row, row, write

PERIOD_KEYS = ["start", "end", "group", "uses", "rated", "useful", "not_useful",
               "value_per_use", "ci_low", "ci_high", "est_useful_uses", "est_useful_low",
               "est_useful_high", "minutes_saved_mean", "minutes_n", "contributors", "partial"]


def _cards(*objs: dict[str, Any]) -> list[Card]:
    return [card_from_json(obj, f"card {i}") for i, obj in enumerate(objs)]


def _person(card_id: str, scale: int, **kwargs: Any) -> dict[str, Any]:
    """Someone who used ChatGPT and Claude Code in two weeks, and labelled some of it."""
    return card(card_id, [
        row(WEEK, "ChatGPT", 4 * scale, 3 * scale, 2 * scale, minutes_sum=10, minutes_n=2),
        row(WEEK, "Claude Code", 6 * scale, 5, 4),
        row(NEXT_WEEK, "ChatGPT", 2 * scale, 2, 1),
        row(NEXT_WEEK, "Claude Code", 3, 3, 3, minutes_sum=-5, minutes_n=1),
    ], [
        label_row(WEEK, "coding", 7 * scale, 5, 4),
        label_row(WEEK, "(no label)", 3 * scale, 3, 2),
        label_row(NEXT_WEEK, "coding", 3, 3, 3),
        label_row(NEXT_WEEK, "writing", 2 * scale, 2, 1),
    ], **kwargs)


def _json(team: Team, **kwargs: Any) -> dict[str, Any]:
    printed: dict[str, Any] = json.loads(json.dumps(team.to_json(today=date(2026, 11, 30),
                                                                 **kwargs)))
    return printed  # what --json prints


def test_two_cards_show_nothing() -> None:
    cards = _cards(_person("a", 1), _person("b", 2))
    groups: tuple[GroupBy | None, ...] = (None, "tool", "label")
    for group in groups:
        team = merge(cards, group=group)
        assert team.too_few_people
        assert team.cells == ()
        assert team.hidden == {None: 2, "tool": 4, "label": 4}[group]
        obj = _json(team)
        assert obj["periods"] == []
        assert obj["cards"] == 2
        assert "ChatGPT" not in json.dumps(obj)


def test_three_cards_are_shown_and_add_up() -> None:
    objs = [_person("a", 1), _person("b", 2), _person("c", 3)]
    cards = _cards(*objs)
    team = merge(cards, group="tool")
    assert team.hidden == 0
    assert [(c.figures.start.isoformat(), c.figures.group, c.contributors) for c in team.cells] \
        == [(WEEK, "ChatGPT", 3), (WEEK, "Claude Code", 3), (NEXT_WEEK, "ChatGPT", 3),
            (NEXT_WEEK, "Claude Code", 3)]
    for cell in team.cells:
        f = cell.figures
        rows = [r for obj in objs for r in obj["tools"]
                if r["period"] == f.start.isoformat() and r["tool"] == f.group]
        summed = Tally(*(sum(r[k] for r in rows) for k in ("uses", "rated", "useful",
                                                              "not_useful", "minutes_sum",
                                                              "minutes_n")))
        # The figures are stats --json's own, computed from the summed counts.
        assert f == tally_period_figures(Period(f.start, f.end), f.group, summed)
    first = team.cells[0].figures
    assert (first.uses, first.rated, first.useful) == (24, 18, 12)
    assert first.value_per_use == pytest.approx(12 / 18)
    assert first.minutes_saved_mean == 30 / 6
    total = merge(cards)
    assert [c.figures.uses for c in total.cells] == [24 + 36, 12 + 9]
    assert total.shown_total().uses == sum(r["uses"] for o in objs for r in o["tools"])


def test_json_has_the_contract_keys(tmp_path: Path) -> None:
    cards = _cards(_person("a", 1), _person("b", 2), _person("c", 3))
    obj = _json(merge(cards, group="label"), rejected=[])
    assert list(obj) == ["cards", "duplicates", "by", "group", "periods", "hidden", "rejected"]
    assert obj["group"] == "label"
    assert all(list(p) == PERIOD_KEYS for p in obj["periods"])
    # Unlabelled sessions come last, as stats --json has them.
    assert [p["group"] for p in obj["periods"] if p["start"] == WEEK] == ["coding", "(no label)"]
    assert obj["periods"][0]["end"] == "2026-11-09"
    assert obj["periods"][0]["partial"] is False
    periods = merge(cards).to_json(today=date(2026, 11, 10))["periods"]
    assert isinstance(periods, list)
    assert [p["partial"] for p in periods] == [False, True]


def test_a_tool_of_two_people_is_hidden_and_cannot_be_worked_out() -> None:
    """Three people use ChatGPT and Claude Code; two of them also Cursor. Cursor is hidden, and
    so is the smaller other tool, so that the week's total minus what is shown is three
    people's figure, never the two's."""
    def person(card_id: str, cursor: int) -> dict[str, Any]:
        tools = [row(WEEK, "ChatGPT", 10, 5, 4), row(WEEK, "Claude Code", 4, 2, 2)]
        if cursor:
            tools.append(row(WEEK, "Cursor", cursor, 1, 1))
        return card(card_id, tools)

    cards = _cards(person("a", 3), person("b", 5), person("c", 0))
    by_tool = merge(cards, group="tool")
    week = merge(cards)
    assert [c.figures.group for c in by_tool.cells] == ["ChatGPT"]
    assert by_tool.hidden == 2
    (total,) = week.cells
    assert total.figures.uses == 30 + 12 + 8
    left = total.figures.uses - sum(c.figures.uses for c in by_tool.cells)
    assert left == 12 + 8  # Claude Code and Cursor together: three people's uses
    assert left != 8
    # Hidden cells are never named, anywhere.
    for team in (by_tool, week):
        assert "Cursor" not in json.dumps(_json(team))
        assert "Claude Code" not in json.dumps(_json(team))
    # The tool's totals are sums of shown cells only.
    assert by_tool.stats().group_totals["ChatGPT"].uses == 30
    assert set(by_tool.stats().group_totals) == {"ChatGPT"}
    assert by_tool.stats().totals.uses == 30


def test_the_hiding_rule_takes_the_smallest_cell_that_adds_a_person() -> None:
    everyone = frozenset("abc")
    cells = {
        "rare": (5, frozenset("ab")),
        "tiny": (1, frozenset("ab")),      # hidden already (2 people)
        "small": (2, everyone),
        "big": (50, everyone),
    }
    assert cells_to_hide(cells) == {"rare", "tiny", "small"}
    assert cells_to_hide({"x": (3, everyone), "y": (9, frozenset("abcd"))}) == set()
    # Three different people in the hidden cells: nothing more to hide.
    assert cells_to_hide({"x": (1, frozenset("a")), "y": (1, frozenset("bc")),
                          "z": (40, everyone)}) == {"x", "y"}
    # A period of two people: everything goes.
    assert cells_to_hide({"x": (1, frozenset("a")), "y": (7, frozenset("ab"))}) == {"x", "y"}


def test_the_same_card_twice_counts_once(tmp_path: Path) -> None:
    objs = [_person("a", 1), _person("b", 2), _person("c", 3)]
    paths = [write(tmp_path, f"{i}.json", obj) for i, obj in enumerate(objs)]
    cards, rejected = read_cards([*paths, paths[1], paths[2]])
    assert rejected == []
    once = merge(cards[:3], group="tool")
    twice = merge(cards, group="tool")
    assert twice.cards == 3
    assert twice.duplicates == 2
    assert twice.cells == once.cells
    assert _json(twice)["duplicates"] == 2


def test_a_remade_card_replaces_the_older_one() -> None:
    old = _person("b", 2, created_at="2026-11-10T08:00:00Z")
    new = _person("b", 5, created_at="2026-11-20T08:00:00+01:00")
    for order in ([old, new], [new, old]):
        cards = _cards(_person("a", 1), *order, _person("c", 3))
        kept, duplicates = distinct_cards(cards)
        assert duplicates == 1
        assert [c.card_id for c in kept] == ["a", "b", "c"]
        team = merge(cards)
        assert team.cards == 3
        assert team.cells[0].figures.uses == 10 * (1 + 5 + 3)


def test_cards_per_week_and_per_month_do_not_mix() -> None:
    week = _person("a", 1)
    month = card("b", [row("2026-11-01", "ChatGPT", 3)], by="month")
    with pytest.raises(MergeError, match="some are per week and some per month"):
        merge(_cards(week, month))
    with pytest.raises(MergeError, match="a week can straddle two months"):
        merge(_cards(week), by="month")
    with pytest.raises(MergeError, match="cannot be split into weeks"):
        merge(_cards(month), by="week")
    assert merge(_cards(month), by="month").by == "month"
    assert merge([], by="month").by == "month"
    assert merge([]).by == "week"


def test_the_stats_for_charts_keep_the_time_axis() -> None:
    """A week in the middle with too few people is a zero period in the charts' stats (so the
    axis runs on), and not among the shown weeks."""
    def person(card_id: str, middle: bool) -> dict[str, Any]:
        weeks = ["2026-11-02", "2026-11-16"] + (["2026-11-09"] if middle else [])
        return card(card_id, [row(w, "ChatGPT", 2, 1, 1) for w in weeks])

    team = merge(_cards(person("a", True), person("b", True), person("c", False)))
    stats = team.stats()
    assert [p.start.isoformat() for p in stats.periods] == ["2026-11-02", "2026-11-09",
                                                            "2026-11-16"]
    assert [p.uses for p in stats.periods] == [6, 0, 6]
    assert team.shown_starts() == {date(2026, 11, 2), date(2026, 11, 16)}
    assert team.hidden == 1
    assert stats.totals.uses == 12
