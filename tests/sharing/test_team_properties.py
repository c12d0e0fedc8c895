"""The hiding rule, for any set of cards (hypothesis): nothing shown rests on fewer than 3
people, nothing hidden can be worked out from what is shown, totals are sums of shown cells."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from desktop_app.sharing.cards import Card, card_from_json
from desktop_app.sharing.team import MIN_PEOPLE, merge

MONDAY = date(2026, 10, 5)
TOOLS = ("ChatGPT", "Claude Code", "Copilot", "Cursor", "Gemini")
COUNTS = ("uses", "rated", "useful", "not_useful", "minutes_sum", "minutes_n")


@st.composite
def counts(draw: st.DrawFn) -> dict[str, int]:
    uses = draw(st.integers(0, 30))
    rated = draw(st.integers(0, uses))
    useful = draw(st.integers(0, rated))
    minutes_n = draw(st.integers(0, rated))
    minutes_sum = draw(st.integers(-60 * minutes_n, 60 * minutes_n))
    return {"uses": uses, "rated": rated, "useful": useful, "not_useful": rated - useful,
            "minutes_sum": minutes_sum, "minutes_n": minutes_n}


@st.composite
def a_card(draw: st.DrawFn, index: int) -> dict[str, Any]:
    cells = draw(st.dictionaries(st.tuples(st.integers(0, 3), st.sampled_from(TOOLS)),
                                 counts(), max_size=12))
    tools = [{"period": (MONDAY + timedelta(weeks=w)).isoformat(), "tool": name, **c}
             for (w, name), c in sorted(cells.items())]
    return {"format": "worthwhile-card", "version": 1, "card_id": f"card-{index}",
            "app_version": "test", "created_at": "2026-11-01T00:00:00Z", "by": "week",
            "from": None, "to": None, "tools": tools, "labels": []}


@st.composite
def card_sets(draw: st.DrawFn) -> list[Card]:
    n = draw(st.integers(0, 7))
    return [card_from_json(draw(a_card(i)), f"card {i}") for i in range(n)]


def _contributors(cards: list[Card]) -> dict[tuple[date, str], set[str]]:
    who: dict[tuple[date, str], set[str]] = {}
    for card in cards:
        for r in card.tools:
            if r.uses:
                who.setdefault((r.period, r.name), set()).add(card.card_id)
    return who


@settings(max_examples=300, deadline=None)
@given(card_sets())
def test_the_hiding_rule_holds(cards: list[Card]) -> None:
    team = merge(cards, group="tool")
    who = _contributors(cards)
    shown = {(c.figures.start, c.figures.group or ""): c for c in team.cells}
    # Every shown cell rests on at least three cards, and says how many.
    for key, cell in shown.items():
        assert cell.contributors == len(who[key]) >= MIN_PEOPLE
        for k in COUNTS:  # and its counts are the cards' counts, summed
            assert getattr(cell.tally, k) == sum(getattr(r, k) for c in cards for r in c.tools
                                                 if (r.period, r.name) == key)
    hidden = [key for key in who if key not in shown]
    assert team.hidden == len(hidden)
    # Per period: the hidden cells rest on three cards or more together, or nothing of that
    # period is shown at all (and then its total is hidden too).
    totals = {c.figures.start: c for c in merge(cards).cells}
    for start in {p for p, _ in who}:
        resting = set().union(*(who[k] for k in hidden if k[0] == start))
        any_shown = any(k[0] == start for k in shown)
        if any(k[0] == start for k in hidden) and any_shown:
            assert len(resting) >= MIN_PEOPLE
        people = set().union(*(who[k] for k in who if k[0] == start))
        assert (start in totals) == (len(people) >= MIN_PEOPLE)
    # Totals are sums of the shown cells only.
    stats = team.stats()
    for name, figures in stats.group_totals.items():
        assert figures.uses == sum(c.tally.uses for c in team.cells if c.figures.group == name)
        assert figures.rated == sum(c.tally.rated for c in team.cells
                                    if c.figures.group == name)
    assert stats.totals.uses == sum(c.tally.uses for c in team.cells)
    assert stats.totals.useful == sum(c.tally.useful for c in team.cells)
    if len(cards) < MIN_PEOPLE:
        assert team.cells == ()


@settings(max_examples=200, deadline=None)
@given(card_sets())
def test_shown_totals_per_period_add_up(cards: list[Card]) -> None:
    """Without a group: a shown period is the sum of every card's uses that period."""
    team = merge(cards)
    for cell in team.cells:
        start = cell.figures.start
        assert cell.figures.uses == sum(r.uses for c in cards for r in c.tools
                                        if r.period == start)
        assert cell.contributors >= MIN_PEOPLE
    assert team.stats().totals.uses == sum(c.figures.uses for c in team.cells)
