"""Writing summary cards: the counts a person shares with a team, and nothing else (no Qt).

A card (PRODUCT.md, "Summary card"; the README documents it) holds, per week or month, per tool
and per label: uses, rated, useful, not useful, and the minutes saved as a sum and a count. Its
keys are exactly ``format``, ``version``, ``card_id``, ``app_version``, ``created_at``, ``by``,
``from``, ``to``, ``tools`` and ``labels``: no titles, text, paths, projects, session or
external ids, model names, tokens or names of people.

The counts are the ones ``stats --json`` shows, from the very same code: the store's
:class:`~desktop_app.store.stats.StatsReader` counts and :func:`desktop_app.metrics
.collect_tallies` lays out the periods, so a card equals ``stats --json --by B --group tool``
(and ``--group label``) for the same range and source. What this module adds:

- **tool** is the display name ("Claude Code", a generic row's own "Perplexity"); two tool keys
  with the same name (a generic row calling itself "ChatGPT") make one row, summed.
- **period** is the period's first day (ISO date, local calendar as in ``stats``); periods and
  groups without a use are left out.
- **from** / **to**: the days given (``--from`` / ``--to``), else the local days of the first
  and last session counted. A period that has not ended yet (today falls in it) is in the card
  with its counts so far: ``to`` says up to which day the card counts.
- A card is made from :class:`CardCounts`, the counts split into disjoint parts (one per source
  for ``summary --source``, one per tool for the app's preview), so that leaving a tool out
  leaves its sessions out of the label rows too, and leaving weeks out is done without counting
  again.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TextIO

from sqlite_utils import Database

from desktop_app import __version__
from desktop_app.domain import Tally
from desktop_app.exporting import ExportError, private_file
from desktop_app.importers.registry import display_name
from desktop_app.importers.values import size_text
from desktop_app.metrics import NO_LABEL, By, collect_tallies, period_end
from desktop_app.sharing.cards import Card, CardRow
from desktop_app.store import open_db
from desktop_app.store.export import is_database_file
from desktop_app.store.meta import card_id
from desktop_app.store.stats import StatsReader

#: The keys of a ``tools`` row, in order (``labels`` rows have ``label`` for ``tool``).
ROW_KEYS = ("period", "tool", "uses", "rated", "useful", "not_useful", "minutes_sum",
            "minutes_n")
#: What the preview says about every card, plainly.
WHO_CAN_READ = ("Whoever receives this file can read these counts. It holds no titles, text, "
                "projects or names.")

#: Counts keyed by (period start, tool display name or label).
RowCounts = Mapping[tuple[date, str], Tally]


def describe(card: Card) -> str:
    """One line on what the card holds: "summary card of 212 uses in 9 weeks, 2026-01-05 to
    2026-03-01: 3 tools, 6 labels"."""
    uses = sum(row.uses for row in card.tools)
    periods = len({row.period for row in card.tools})
    tools = len({row.name for row in card.tools})
    labels = len({row.name for row in card.labels})
    return (f"summary card of {_count(uses, 'use')} in {_count(periods, card.by)}, "
            f"{card.date_from} to {card.date_to}: {_count(tools, 'tool')}, "
            f"{_count(labels, 'label')}")


@dataclass(frozen=True, slots=True)
class CardPart:
    """The counts of one slice of the sessions, disjoint from the other parts' slices.

    ``tool`` is the tool's display name when the part is one tool (what the preview can leave
    out), else ``None``. ``first_day`` / ``last_day``: local days of its first and last session
    in the range (``None`` without any).
    """

    tool: str | None
    first_day: date | None
    last_day: date | None
    tools: RowCounts
    labels: RowCounts


@dataclass(frozen=True, slots=True)
class CardCounts:
    """Everything a card of one database, range and period can be made of (see :meth:`card`)."""

    card_id: str
    by: By
    date_from: date | None
    date_to: date | None
    parts: tuple[CardPart, ...]

    @property
    def tools(self) -> list[str]:
        """The tools with a use, by name."""
        return sorted({name for part in self.parts for (_, name), t in part.tools.items()
                       if t.uses})

    @property
    def labels(self) -> list[str]:
        """The labels with a use, by name, "(no label)" last."""
        return sorted({name for part in self.parts for (_, name), t in part.labels.items()
                       if t.uses}, key=lambda n: (n == NO_LABEL, n))

    @property
    def periods(self) -> list[date]:
        """The periods (their first days) with a use, oldest first."""
        return sorted({day for part in self.parts for (day, _), t in part.tools.items()
                       if t.uses})

    def card(
        self,
        *,
        labels: bool = True,
        drop_tools: Collection[str] = (),
        drop_labels: Collection[str] = (),
        drop_periods: Collection[date] = (),
        created_at: datetime | None = None,
    ) -> Card:
        """The card.

        ``labels=False`` leaves the label rows out (``"labels": []``). ``drop_tools`` leaves
        tools out, with their sessions in the label rows where the parts are tools;
        ``drop_labels`` leaves label rows out; ``drop_periods`` (first days) leaves periods
        out, and ``from`` / ``to`` move past those at either end.
        """
        kept = [p for p in self.parts if p.tool is None or p.tool not in drop_tools]
        periods = set(drop_periods)
        tool_rows = _rows(_summed((p.tools for p in kept), set(drop_tools), periods))
        label_rows = (_rows(_summed((p.labels for p in kept), set(drop_labels), periods))
                      if labels else ())
        first = self.date_from or min((p.first_day for p in kept if p.first_day), default=None)
        last = self.date_to or max((p.last_day for p in kept if p.last_day), default=None)
        if periods and first is not None and last is not None:
            first, last = self._narrowed(first, last, kept, periods)
        return Card(self.card_id, __version__, created_at or datetime.now(UTC), self.by, first,
                    last, tool_rows, label_rows)

    def _narrowed(self, first: date, last: date, kept: Sequence[CardPart],
                  dropped: set[date]) -> tuple[date, date]:
        """``from`` and ``to`` moved past the dropped periods at either end of the range."""
        used = sorted({day for p in kept for (day, _), t in p.tools.items() if t.uses})
        for day in used:
            if day not in dropped:
                break
            first = max(first, period_end(day, self.by))
        for day in reversed(used):
            if day not in dropped:
                break
            last = min(last, day - timedelta(days=1))
        return first, last


def _summed(parts: Iterable[RowCounts], names: set[str], periods: set[date]
            ) -> dict[tuple[date, str], Tally]:
    total: dict[tuple[date, str], Tally] = {}
    for counts in parts:
        for key, tally in counts.items():
            if key[0] in periods or key[1] in names:
                continue
            cell = total.get(key)
            if cell is None:
                cell = total[key] = Tally()
            cell.add(tally)
    return total


def _rows(counts: Mapping[tuple[date, str], Tally]) -> tuple[CardRow, ...]:
    return tuple(
        CardRow(day, name, t.uses, t.rated, t.useful, t.not_useful, t.minutes_sum, t.minutes_n)
        for (day, name), t in sorted(counts.items(), key=lambda kv: _row_order(kv[0]))
        if t.uses
    )


def _row_order(key: tuple[date, str]) -> tuple[date, bool, str]:
    return key[0], key[1] == NO_LABEL, key[1]


def _named(cells: Mapping[tuple[int, str | None], Tally], periods: Sequence[date], *,
           tools: bool) -> dict[tuple[date, str], Tally]:
    """Cells keyed by (period index, group) as (period start, name); tool keys get their
    display name (two keys of one name are summed)."""
    named: dict[tuple[date, str], Tally] = {}
    for (i, group), tally in cells.items():
        if group is None or not tally.uses:
            continue
        key = (periods[i], display_name(group) if tools else group)
        cell = named.get(key)
        if cell is None:
            cell = named[key] = Tally()
        cell.add(tally)
    return named


def count_card(
    db: Database,
    *,
    by: By = "week",
    date_from: date | None = None,
    date_to: date | None = None,
    sources: Sequence[str] = (),
    labels: bool = True,
    per_tool: bool = False,
) -> CardCounts:
    """Count what a card of ``db`` holds, on one snapshot of the database.

    ``sources`` keeps those sources' sessions (as ``stats --source``: a part per source); with
    ``per_tool`` the parts are the tools instead (the preview, where tools can be left out; no
    ``sources`` then). ``labels=False`` skips counting labels. Raises :class:`ValueError` when
    ``date_from`` is after ``date_to``.
    """
    if per_tool and sources:
        raise ValueError("per_tool counts every tool: give no sources")
    the_id = card_id(db)  # before the read snapshot: it may have to write (see card_id)
    reader = StatsReader(db, tools=per_tool)
    parts: list[CardPart] = []
    with reader.snapshot():
        if per_tool:
            everything = collect_tallies(reader, by, "tool", None, None, date_from, date_to)
            starts = [p.start for p in everything.periods]
            keys = sorted({g for (_, g), t in everything.cells.items() if g and t.uses})
            for key in keys:
                mine = {k: t for k, t in everything.cells.items() if k[1] == key}
                split = collect_tallies(reader, by, "label", key, None, date_from, date_to)
                parts.append(CardPart(
                    display_name(key), split.first_day, split.last_day,
                    _named(mine, starts, tools=True),
                    _named(split.cells, [p.start for p in split.periods], tools=False)))
        else:
            for source in sources or (None,):
                counted = collect_tallies(reader, by, "tool", source, None, date_from, date_to)
                label_rows: dict[tuple[date, str], Tally] = {}
                if labels:
                    split = collect_tallies(reader, by, "label", source, None, date_from,
                                            date_to)
                    label_rows = _named(split.cells, [p.start for p in split.periods],
                                        tools=False)
                parts.append(CardPart(
                    None, counted.first_day, counted.last_day,
                    _named(counted.cells, [p.start for p in counted.periods], tools=True),
                    label_rows))
    return CardCounts(the_id, by, date_from, date_to, tuple(parts))


def card_text(card: Mapping[str, object]) -> str:
    """The card as the file holds it: JSON, one key per line and one row per line."""
    lines = ["{"]
    items = list(card.items())
    for n, (key, value) in enumerate(items):
        comma = "," if n < len(items) - 1 else ""
        if isinstance(value, list) and value:
            rows = ",\n".join(f"    {json.dumps(row, ensure_ascii=False)}" for row in value)
            lines.append(f"  {json.dumps(key)}: [\n{rows}\n  ]{comma}")
        else:
            lines.append(f"  {json.dumps(key)}: {json.dumps(value, ensure_ascii=False)}{comma}")
    lines.append("}")
    return "\n".join(lines) + "\n"


def write_card(db: Database, target: Path, card: Card) -> None:
    """Write ``card`` to ``target`` for its owner alone (0600), all or nothing.

    Raises :class:`~desktop_app.exporting.ExportError` for the database's own files, a folder,
    or a file that cannot be written.
    """
    target = target.expanduser()
    if is_database_file(db, target):
        raise ExportError(f"{target} is the database itself: choose another file")
    with private_file(target, "the card") as out:
        out.write(card_text(card.to_json()))


def summary_command(db_path: Path, target: Path, *, by: By, date_from: date | None,
                    date_to: date | None, labels: bool, sources: Sequence[str],
                    out: TextIO) -> int:
    """``worthwhile summary``: count, write the card, say what it holds (exit 0).

    Problems are :class:`~desktop_app.exporting.ExportError` (exit 1): no database, nothing in
    the range to count (a card needs its days: with ``--from`` and ``--to`` an empty card is
    written), a start after the end, a file that cannot be written.
    """
    if not db_path.exists():
        raise ExportError(f"No database at {db_path}: import your history first")
    db = open_db(db_path)
    try:
        try:
            counts = count_card(db, by=by, date_from=date_from, date_to=date_to,
                                sources=sorted(set(sources)), labels=labels)
        except ValueError as exc:
            raise ExportError(str(exc)) from exc
        card = counts.card(labels=labels)
        if card.date_from is None or card.date_to is None:
            raise ExportError("No sessions to summarise" + (" with those filters" if (
                sources or date_from or date_to) else "") + ": no card was written")
        write_card(db, target, card)
    finally:
        db.close()
    print(f"{target}: {describe(card)} ({size_text(target.stat().st_size)})", file=out)
    return 0


def _count(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"
