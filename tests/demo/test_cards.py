"""The demo team's cards: 8 valid cards, deterministic, ending before today, and a story in which
some cells are hidden (a tool only two people use) and most are shown."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from desktop_app.demo.cards import PEOPLE, WEEKS, demo_cards
from desktop_app.metrics.periods import day_start_utc, period_start
from desktop_app.sharing.cards import card_from_json
from desktop_app.sharing.team import MIN_PEOPLE, merge
from tests.demo.conftest import SetTz

TODAYS = (date(2026, 3, 18), date(2026, 11, 2), date(2026, 4, 1), date(2026, 1, 1))


@pytest.mark.parametrize("zone", ["Pacific/Auckland", "America/Los_Angeles", "UTC"])
@pytest.mark.parametrize("today", TODAYS, ids=[d.isoformat() for d in TODAYS])
def test_eight_valid_cards_ending_before_today(set_tz: SetTz, zone: str, today: date) -> None:
    set_tz(zone)
    objs = demo_cards(today)
    assert objs == demo_cards(today)  # deterministic
    cards = [card_from_json(obj, f"demo {i}") for i, obj in enumerate(objs)]
    assert len(cards) == PEOPLE
    assert len({c.card_id for c in cards}) == PEOPLE
    yesterday = today - timedelta(days=1)
    first = period_start(yesterday, "week") - timedelta(weeks=WEEKS - 1)
    for card in cards:
        assert card.date_to == yesterday
        assert card.created_at < day_start_utc(today)
        periods = {r.period for r in (*card.tools, *card.labels)}
        assert min(periods) >= first
        assert max(periods) <= yesterday
    # On a Monday the last week is complete; otherwise the current week has its days so far.
    team = merge(cards)
    assert team.cells[-1].figures.start == period_start(yesterday, "week")


def test_the_story_hides_some_cells() -> None:
    cards = [card_from_json(obj, f"demo {i}") for i, obj in enumerate(demo_cards(date(2026, 11,
                                                                                   30)))]
    by_tool = merge(cards, group="tool")
    shown = {c.figures.group for c in by_tool.cells}
    assert {"ChatGPT", "Claude Code", "Copilot", "Claude.ai", "Codex"} <= shown
    assert "Cursor" not in shown  # two people
    assert "Gemini" not in shown  # one person
    assert by_tool.hidden > WEEKS  # Cursor's and Gemini's cells at least
    codex = [c for c in by_tool.cells if c.figures.group == "Codex"]
    assert 0 < len(codex) < WEEKS  # shown in the weeks three people used it
    stats = by_tool.stats()
    # Claude Code helps more often than Copilot, clearly.
    claude, copilot = stats.group_totals["Claude Code"], stats.group_totals["Copilot"]
    assert claude.ci_low is not None
    assert copilot.ci_high is not None
    assert claude.ci_low > copilot.ci_high
    by_label = merge(cards, group="label")
    assert {"coding", "debugging", "(no label)"} <= {c.figures.group for c in by_label.cells}
    everyone = merge(cards)
    assert everyone.hidden == 0
    assert all(c.contributors >= MIN_PEOPLE for c in everyone.cells)
