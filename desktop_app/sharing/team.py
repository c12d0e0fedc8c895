"""The team view's numbers: cards merged, and every cell fewer than 3 people rest on hidden.

Pure (no store, no Qt). What it does (PRODUCT.md, "Team view"):

- **One card per person.** Cards with the same ``card_id`` come from one database: only the
  newest (by ``created_at``) counts, the others are counted in ``duplicates``.
- **One period kind.** Cards per week and cards per month cannot be merged, and week cards
  cannot be shown per month (a week can straddle two months, so its counts cannot be split
  exactly), nor month cards per week: :class:`MergeError`.
- **Cells.** A cell is one period × group (a tool, a label, or the whole period without a
  group). A card *contributes* to a cell when it has at least one use there; a cell no card
  contributes to does not exist (it is neither shown nor counted as hidden).
- **Hiding.** A cell with fewer than :data:`MIN_PEOPLE` contributing cards is hidden. Then, in
  the same period, more cells are hidden, smallest (fewest uses) first, each one adding at
  least one card, until the hidden cells together rest on at least :data:`MIN_PEOPLE` distinct
  cards: so the period's total (what the view without a group shows) minus the shown cells is
  a figure of at least three people, never one or two people's own. If every cell of a period
  is hidden and they still rest on fewer cards, that period has fewer than three people in all
  and its total is hidden too. Hidden cells are counted, never named.
- **Figures** of each shown cell come from :func:`desktop_app.metrics.value.tally_period_figures`,
  exactly as ``stats --json`` computes them from the same counts. Totals (per group, overall)
  are sums of shown cells only.

What the rule cannot prevent (README): a lead who merges the same cards with and without one
person's card can subtract the two results. Cards are the person's to give; the rule protects
one merge, not every combination of merges.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TypeVar

from desktop_app.domain import Tally
from desktop_app.metrics.periods import By, Period, iter_periods, period_end
from desktop_app.metrics.value import (
    NO_LABEL,
    GroupBy,
    PeriodFigures,
    Stats,
    tally_figures,
    tally_period_figures,
)
from desktop_app.sharing.cards import Card, CardError, read_card

#: A cell is shown only when at least this many cards contribute to it.
MIN_PEOPLE = 3
#: What a hidden cell, or a team of fewer cards, is shown as.
FEWER_THAN = f"fewer than {MIN_PEOPLE} people"

_G = TypeVar("_G", bound=Hashable)


class MergeError(ValueError):
    """Cards that cannot be merged as asked (different periods, or a period they cannot be
    shown in); the message says why and what to do."""


@dataclass(frozen=True, slots=True)
class Rejected:
    """A file that was not read as a card, and why (``team --json``'s ``rejected``)."""

    path: str
    reason: str

    def to_json(self) -> dict[str, str]:
        """``{"path", "reason"}``."""
        return {"path": self.path, "reason": self.reason}


@dataclass(frozen=True, slots=True)
class TeamCell:
    """One shown cell: the figures of its summed counts and how many cards contributed."""

    figures: PeriodFigures
    contributors: int
    tally: Tally = field(compare=False)

    def to_json(self, today: date | None = None) -> dict[str, object]:
        """One ``periods`` entry of ``team --json``: the ``stats --json`` keys (without
        tokens, which cards do not carry), ``contributors`` and ``partial``."""
        obj = self.figures.to_json(today)
        partial = obj.pop("partial")
        del obj["tokens_per_useful"]
        obj["contributors"] = self.contributors
        obj["partial"] = partial
        return obj


@dataclass(frozen=True)
class Team:
    """The merged cards: the shown cells, in period then group order, and what was hidden."""

    cards: int
    duplicates: int
    by: By
    group: GroupBy | None
    cells: tuple[TeamCell, ...]
    hidden: int

    @property
    def too_few_people(self) -> bool:
        """Fewer than :data:`MIN_PEOPLE` cards: nothing can be shown at all."""
        return self.cards < MIN_PEOPLE

    def to_json(self, rejected: Sequence[Rejected] = (),
                today: date | None = None) -> dict[str, object]:
        """The ``team --json`` object (``today``, default the local date, decides
        ``partial``)."""
        day = date.today() if today is None else today
        return {
            "cards": self.cards,
            "duplicates": self.duplicates,
            "by": self.by,
            "group": self.group,
            "periods": [cell.to_json(day) for cell in self.cells],
            "hidden": self.hidden,
            "rejected": [r.to_json() for r in rejected],
        }

    def shown_total(self) -> Tally:
        """The sum of the shown cells (of every group: label cells may count a session twice)."""
        total = Tally()
        for cell in self.cells:
            total.add(cell.tally)
        return total

    def group_totals(self) -> dict[str, Tally]:
        """Per group, the sum of its shown cells, in display order (:data:`NO_LABEL` last)."""
        sums: dict[str, Tally] = {}
        for cell in self.cells:
            name = cell.figures.group
            if name is not None:
                sums.setdefault(name, Tally()).add(cell.tally)
        return {name: sums[name] for name in sorted(sums, key=_group_order)}

    def stats(self) -> Stats:
        """The shown figures as the Value view's charts take them (:class:`Stats`).

        Without a group, ``periods`` run without gaps from the first shown period to the last
        one: a period not shown (hidden, or nobody's) has zero counts there, so a chart keeps
        its time axis; :meth:`shown_starts` tells them apart. With a group, ``periods`` are the
        shown cells and ``group_totals`` the sums of each group's shown cells. ``totals`` is
        always the sum of the shown cells.
        """
        totals = tally_figures(self.shown_total())
        if self.group is not None:
            groups = {name: tally_figures(t, name) for name, t in self.group_totals().items()}
            return Stats(by=self.by, group=self.group,
                         periods=tuple(c.figures for c in self.cells), totals=totals,
                         group_totals=groups)
        if not self.cells:
            return Stats(by=self.by, group=None, periods=(), totals=totals)
        shown = {c.figures.start: c.figures for c in self.cells}
        first, last = min(shown), max(shown)
        periods = tuple(shown.get(p.start) or tally_period_figures(p, None, Tally())
                        for p in iter_periods(first, last, self.by))
        return Stats(by=self.by, group=None, periods=periods, totals=totals)

    def shown_starts(self) -> frozenset[date]:
        """The first days of the periods that have a shown cell."""
        return frozenset(c.figures.start for c in self.cells)


def _group_order(name: str) -> tuple[bool, str]:
    return (name == NO_LABEL, name)


def read_cards(paths: Iterable[Path]) -> tuple[list[Card], list[Rejected]]:
    """Read every file as a card; the ones that are not usable cards are rejected with the
    reason (the others still count)."""
    cards: list[Card] = []
    rejected: list[Rejected] = []
    for path in paths:
        try:
            cards.append(read_card(path))
        except CardError as exc:
            rejected.append(Rejected(str(path), exc.reason))
    return cards, rejected


def distinct_cards(cards: Iterable[Card]) -> tuple[list[Card], int]:
    """One card per ``card_id``, the newest (by ``created_at``; on a tie the first given), in
    the order first seen, and how many were left out as duplicates."""
    newest: dict[str, Card] = {}
    duplicates = 0
    for card in cards:
        kept = newest.get(card.card_id)
        if kept is not None:
            duplicates += 1
            if card.created_at <= kept.created_at:
                continue
        newest[card.card_id] = card
    return list(newest.values()), duplicates


def common_by(cards: Sequence[Card], by: By | None = None) -> By:
    """The period kind of ``cards`` (``by``, or week without cards); :class:`MergeError` when
    they differ from each other or from ``by``."""
    kinds = {card.by for card in cards}
    if len(kinds) > 1:
        raise MergeError(
            "these cards cannot be merged: some are per week and some per month; ask everyone "
            "for cards made with the same --by")
    if not kinds:
        return by or "week"
    made: By = "week" if "week" in kinds else "month"
    if by is not None and by != made:
        if made == "week":
            why = ("a week can straddle two months, so week cards cannot be counted per month "
                   "exactly")
        else:
            why = "a month's counts cannot be split into weeks"
        raise MergeError(f"the cards are per {made}: {why}; show them per {made}, or ask for "
                         f"cards made with --by {by}")
    return made


def merge(cards: Sequence[Card], *, by: By | None = None,
          group: GroupBy | None = None) -> Team:
    """Merge ``cards`` (duplicates counted once) per period and ``group``, hiding every cell
    that fewer than :data:`MIN_PEOPLE` cards rest on (see the module docs).

    Raises :class:`MergeError` when the cards' periods differ from each other or from ``by``.
    """
    if group not in (None, "tool", "label"):
        raise ValueError(f"unknown group {group!r}: use tool or label")
    unique, duplicates = distinct_cards(cards)
    kind = common_by(unique, by)
    tallies: dict[tuple[date, str | None], Tally] = {}
    people: dict[tuple[date, str | None], set[str]] = {}
    for card in unique:
        rows = card.labels if group == "label" else card.tools
        for row in rows:
            if row.uses < 1:
                continue
            key = (row.period, row.name if group is not None else None)
            tallies.setdefault(key, Tally()).add(row.tally())
            people.setdefault(key, set()).add(card.card_id)
    by_period: dict[date, dict[str | None, tuple[int, frozenset[str]]]] = {}
    for (start, name), who in people.items():
        by_period.setdefault(start, {})[name] = (tallies[(start, name)].uses, frozenset(who))
    cells: list[TeamCell] = []
    hidden = 0
    for start in sorted(by_period):
        period_cells = by_period[start]
        hide = cells_to_hide(period_cells)
        hidden += len(hide)
        period = Period(start, period_end(start, kind))
        names = sorted((n for n in period_cells if n not in hide),
                       key=lambda n: _group_order(n or ""))
        for name in names:
            tally = tallies[(start, name)]
            cells.append(TeamCell(tally_period_figures(period, name, tally),
                                  len(period_cells[name][1]), tally))
    return Team(cards=len(unique), duplicates=duplicates, by=kind, group=group,
                cells=tuple(cells), hidden=hidden)


def cells_to_hide(cells: Mapping[_G, tuple[int, frozenset[str]]]) -> set[_G]:
    """Of one period's cells (each: its uses and the cards that contribute), the ones to hide.

    Every cell with fewer than :data:`MIN_PEOPLE` cards; then, while those rest on fewer
    distinct cards than that, the smallest other cell (fewest uses, then fewest cards, then
    name) that adds a card to them. When no cell is left to add, every cell is hidden.
    """
    hide = {name for name, (_, who) in cells.items() if len(who) < MIN_PEOPLE}
    if not hide:
        return hide
    resting: set[str] = set().union(*(cells[name][1] for name in hide))
    others = sorted((name for name in cells if name not in hide),
                    key=lambda n: (cells[n][0], len(cells[n][1]), str(n)))
    for name in others:
        if len(resting) >= MIN_PEOPLE:
            break
        who = cells[name][1]
        if who - resting:
            hide.add(name)
            resting |= who
    return hide

