"""The demo team: summary cards of 8 synthetic people, in the card file's own JSON shape.

Deterministic for a given day: 13 weeks per week, the last one holding the day before
``today`` (so nothing lies in the future, and a week not over yet is "so far"). Each person has
their own mix of tools, habits of rating and labelling, and a few join late; the counts come
from simulated sessions, so every card is consistent (rated ≤ uses, useful + not useful =
rated, minutes on rated uses only). The story a trainer can show: Claude Code helps more often
than Copilot, research more than debugging; Cursor is used by only two people and Gemini by
one, so their cells are hidden ("fewer than 3 people"), and Codex, used by three people who
do not all use it every week, is hidden in some weeks along with what it takes to protect it.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, timedelta

from desktop_app.metrics.periods import day_start_utc, period_start
from desktop_app.metrics.value import NO_LABEL
from desktop_app.sharing.cards import FORMAT, VERSION, Card, card_from_json

#: How many people's cards the demo team has, and how many weeks each covers.
PEOPLE = 8
WEEKS = 13
#: The app version the demo cards say they were made with.
DEMO_APP_VERSION = "demo"

# Chance that a rated use of each tool was useful (before the label's shift).
_USEFUL: Mapping[str, float] = {
    "ChatGPT": 0.55, "Claude.ai": 0.62, "Claude Code": 0.78, "Copilot": 0.42, "Codex": 0.6,
    "Cursor": 0.7, "Gemini": 0.5,
}
_LABEL_SHIFT: Mapping[str, float] = {
    "research": 0.15, "learning": 0.08, "writing": 0.05, "coding": 0.0, "data": 0.0,
    "debugging": -0.2,
}


@dataclass(frozen=True)
class _Person:
    """How one synthetic person works (weights of their tools and labels, their habits)."""

    tools: Mapping[str, float]
    labels: Mapping[str, float]
    per_week: int
    rate_share: float
    label_share: float
    minutes_share: float
    first_week: int = 0
    #: Weeks (by index) in which this person used the tools of ``occasional`` at all.
    occasional: frozenset[str] = frozenset()


# Eight people: Cursor is used by two of them (always hidden), Gemini by one, Codex by three,
# one of whom only some weeks and one who joins late (so Codex is hidden in some weeks).
_PEOPLE: tuple[_Person, ...] = (
    _Person({"ChatGPT": 3, "Claude Code": 5, "Copilot": 2, "Codex": 1},
            {"coding": 5, "debugging": 3, "research": 1}, 24, 0.45, 0.8, 0.5,
            occasional=frozenset({"Codex"})),
    _Person({"ChatGPT": 4, "Claude.ai": 2, "Copilot": 3},
            {"writing": 3, "research": 3, "coding": 2}, 16, 0.35, 0.6, 0.3),
    _Person({"Claude Code": 4, "Copilot": 4, "Cursor": 2, "ChatGPT": 1},
            {"coding": 5, "debugging": 4}, 30, 0.3, 0.7, 0.4),
    _Person({"ChatGPT": 5, "Claude.ai": 3, "Gemini": 1},
            {"writing": 4, "research": 2, "learning": 2}, 12, 0.55, 0.9, 0.6),
    _Person({"Claude Code": 5, "Codex": 3, "ChatGPT": 2},
            {"coding": 4, "debugging": 2, "data": 2}, 22, 0.4, 0.75, 0.5),
    _Person({"Copilot": 5, "ChatGPT": 2, "Cursor": 3},
            {"coding": 4, "learning": 2}, 18, 0.25, 0.5, 0.2, first_week=3),
    _Person({"ChatGPT": 3, "Claude.ai": 4, "Claude Code": 2},
            {"research": 4, "writing": 2, "data": 1}, 14, 0.5, 0.85, 0.5),
    _Person({"Claude Code": 3, "Codex": 2, "Copilot": 2, "ChatGPT": 2},
            {"coding": 3, "debugging": 3, "learning": 1}, 20, 0.35, 0.7, 0.35, first_week=5),
)


def demo_cards(today: date | None = None, seed: int = 2026) -> list[dict[str, object]]:
    """The demo team's cards as parsed card JSON objects (``read_card`` reads them as files)."""
    if today is None:
        today = date.today()
    last_day = today - timedelta(days=1)
    last_week = period_start(last_day, "week")
    first_week = last_week - timedelta(weeks=WEEKS - 1)
    # Made yesterday evening: an hour before today starts, in any time zone.
    made = day_start_utc(today) - timedelta(hours=1)
    cards: list[dict[str, object]] = []
    for index, person in enumerate(_PEOPLE[:PEOPLE]):
        rng = random.Random(f"{seed}-team-{index}")
        tools: list[dict[str, object]] = []
        labels: list[dict[str, object]] = []
        for week in range(person.first_week, WEEKS):
            start = first_week + timedelta(weeks=week)
            # The week not over yet has only its days so far.
            days = min(7, (today - start).days)
            tool_rows, label_rows = _week(rng, person, week, days)
            tools += [{"period": start.isoformat(), "tool": name, **counts}
                      for name, counts in sorted(tool_rows.items())]
            labels += [{"period": start.isoformat(), "label": name, **counts}
                       for name, counts in sorted(label_rows.items())]
        cards.append({
            "format": FORMAT,
            "version": VERSION,
            "card_id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            "app_version": DEMO_APP_VERSION,
            "created_at": made.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "by": "week",
            "from": (first_week + timedelta(weeks=person.first_week)).isoformat(),
            "to": last_day.isoformat(),
            "tools": tools,
            "labels": labels,
        })
    return cards


def demo_team(today: date | None = None) -> list[Card]:
    """The demo team's cards, read and checked as any card file is."""
    return [card_from_json(obj, f"demo card {i + 1}") for i, obj in enumerate(demo_cards(today))]


def _empty() -> dict[str, int]:
    return {"uses": 0, "rated": 0, "useful": 0, "not_useful": 0, "minutes_sum": 0,
            "minutes_n": 0}


def _week(rng: random.Random, person: _Person, week: int,
          days: int) -> tuple[dict[str, dict[str, int]], dict[str, dict[str, int]]]:
    """One person's counts of one week (``days`` of it), by tool and by label."""
    tools = {name: w for name, w in person.tools.items()
             if name not in person.occasional or rng.random() < 0.5}
    # Use grows a little over the quarter; a short week has fewer sessions.
    expected = person.per_week * (0.8 + 0.4 * week / WEEKS) * days / 7
    count = max(0, int(rng.gauss(expected, expected ** 0.5 / 2) + 0.5))
    by_tool: dict[str, dict[str, int]] = {}
    by_label: dict[str, dict[str, int]] = {}
    for _ in range(count):
        tool = rng.choices(list(tools), list(tools.values()))[0]
        chosen: list[str] = []
        if rng.random() < person.label_share:
            chosen.append(rng.choices(list(person.labels), list(person.labels.values()))[0])
            if rng.random() < 0.15:
                second = rng.choice(list(person.labels))
                if second not in chosen:
                    chosen.append(second)
        rated = rng.random() < person.rate_share
        useful = False
        minutes: int | None = None
        if rated:
            shift = sum(_LABEL_SHIFT.get(label, 0.0) for label in chosen) / max(1, len(chosen))
            useful = rng.random() < min(0.97, max(0.03, _USEFUL[tool] + shift))
            if rng.random() < person.minutes_share:
                minutes = rng.randint(5, 45) if useful else -rng.randint(0, 20)
        for counts in [by_tool.setdefault(tool, _empty()),
                       *(by_label.setdefault(label, _empty()) for label in chosen or
                         [NO_LABEL])]:
            counts["uses"] += 1
            if rated:
                counts["rated"] += 1
                counts["useful" if useful else "not_useful"] += 1
                if minutes is not None:
                    counts["minutes_sum"] += minutes
                    counts["minutes_n"] += 1
    return by_tool, by_label
