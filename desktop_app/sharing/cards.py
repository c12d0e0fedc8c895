"""The summary card format: a frozen model, read and checked from a file (no store, no Qt).

A card is a small JSON file (PRODUCT.md, "Summary card")::

    {"format": "worthwhile-card", "version": 1, "card_id", "app_version", "created_at",
     "by": "week"|"month", "from", "to",
     "tools":  [{"period", "tool",  "uses", "rated", "useful", "not_useful",
                 "minutes_sum", "minutes_n"}],
     "labels": [{"period", "label", ...the same counts...}]}

``period`` is the ISO date a week (Monday) or month (the 1st) starts on. Label rows may sum to
more than uses (a session with two labels counts in both); unlabelled sessions are the label
``"(no label)"``. Keys this version does not know are ignored (more may be added); a card of a
newer version is refused, since its counts may mean something else.

Reading checks everything a merge relies on and says what is wrong in one sentence naming the
file: not JSON, not a card, a newer version, a missing or mistyped field, an unknown ``by``, a
period that is not a date or not the start of a week/month, a row listed twice, and counts that
contradict each other (negative or fractional counts; ``useful + not_useful > rated``;
``rated > uses``; ``minutes_n > rated``; minutes more than ``minutes_n`` ratings can hold).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Literal, NoReturn, TypeGuard

from desktop_app.domain import MAX_MINUTES_SAVED, Tally
from desktop_app.metrics.periods import By, period_start
from desktop_app.metrics.value import NO_LABEL

FORMAT = "worthwhile-card"
#: The card version this Worthwhile writes and reads; newer ones are refused.
VERSION = 1
#: A card is a few kilobytes; a bigger file is something else (read no further).
MAX_CARD_BYTES = 8 * 1024 * 1024
#: More uses than anyone has in a week or month: a count beyond this is a broken file.
MAX_COUNT = 10_000_000
#: The counts of a row, in order.
COUNT_KEYS = ("uses", "rated", "useful", "not_useful", "minutes_sum", "minutes_n")

__all__ = [
    "COUNT_KEYS",
    "FORMAT",
    "MAX_CARD_BYTES",
    "NO_LABEL",
    "VERSION",
    "Card",
    "CardError",
    "CardRow",
    "card_from_json",
    "read_card",
]


class CardError(ValueError):
    """A file that cannot be used as a card; ``str()`` is the message naming the file."""

    def __init__(self, source: str, reason: str) -> None:
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason


@dataclass(frozen=True, slots=True)
class CardRow:
    """The counts of one tool or label in one period of a card."""

    period: date
    name: str
    uses: int
    rated: int
    useful: int
    not_useful: int
    minutes_sum: int
    minutes_n: int

    def tally(self) -> Tally:
        """These counts as a :class:`~desktop_app.domain.Tally` (cards carry no tokens)."""
        return Tally(uses=self.uses, rated=self.rated, useful=self.useful,
                     not_useful=self.not_useful, minutes_sum=self.minutes_sum,
                     minutes_n=self.minutes_n)

    def to_json(self, kind: Literal["tool", "label"]) -> dict[str, object]:
        """The row as the card file holds it."""
        return {"period": self.period.isoformat(), kind: self.name,
                **{k: getattr(self, k) for k in COUNT_KEYS}}


@dataclass(frozen=True, slots=True)
class Card:
    """One person's summary card: counts per period and tool, and per period and label."""

    card_id: str
    app_version: str
    created_at: datetime
    by: By
    date_from: date | None
    date_to: date | None
    tools: tuple[CardRow, ...]
    labels: tuple[CardRow, ...]

    def to_json(self) -> dict[str, object]:
        """The card as its file holds it (what :func:`card_from_json` reads back)."""
        return {
            "format": FORMAT,
            "version": VERSION,
            "card_id": self.card_id,
            "app_version": self.app_version,
            "created_at": self.created_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "by": self.by,
            "from": None if self.date_from is None else self.date_from.isoformat(),
            "to": None if self.date_to is None else self.date_to.isoformat(),
            "tools": [row.to_json("tool") for row in self.tools],
            "labels": [row.to_json("label") for row in self.labels],
        }


def read_card(path: Path) -> Card:
    """Read and check the card at ``path``; :class:`CardError` (naming the file) if it is not
    one this Worthwhile can use."""
    source = str(path)
    try:
        with open(path, "rb") as f:
            data = f.read(MAX_CARD_BYTES + 1)
    except IsADirectoryError:
        raise CardError(source, "a folder, not a card file") from None
    except OSError as exc:
        raise CardError(source, f"cannot be read ({exc.strerror or exc})") from None
    if len(data) > MAX_CARD_BYTES:
        raise CardError(source, "far too big to be a summary card (a card is a few kilobytes)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CardError(source, "not a Worthwhile summary card (not a text file)") from None
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CardError(source, f"not a Worthwhile summary card (not JSON: {exc.msg} at line "
                                f"{exc.lineno}, column {exc.colno})") from None
    except RecursionError:
        raise CardError(source, "not a Worthwhile summary card (JSON nested too deeply)") from None
    return card_from_json(obj, source)


def card_from_json(obj: object, source: str) -> Card:
    """Check a parsed card; ``source`` names it in the message of any :class:`CardError`."""
    if not isinstance(obj, Mapping) or obj.get("format") != FORMAT:
        raise CardError(source, "not a Worthwhile summary card")
    version = obj.get("version")
    if not _is_int(version) or version < 1:
        raise CardError(source, f"not a valid summary card: version {version!r} is not a "
                                "card version")
    if version > VERSION:
        raise CardError(source, f"a card of a newer version ({version}) than this Worthwhile "
                                f"reads ({VERSION}): update Worthwhile to read it")
    check = _Checker(source)
    card_id = check.text(obj, "card_id")
    app_version = check.text(obj, "app_version", allow_empty=True)
    created_at = check.moment(obj, "created_at")
    by_text = obj.get("by")
    if by_text not in ("week", "month"):
        check.fail(f"unknown \"by\" {by_text!r} (a card is per week or per month)")
    by: By = "week" if by_text == "week" else "month"
    date_from = check.optional_date(obj, "from")
    date_to = check.optional_date(obj, "to")
    if date_from is not None and date_to is not None and date_from > date_to:
        check.fail(f"\"from\" ({date_from}) is after \"to\" ({date_to})")
    tools = check.rows(obj, "tools", "tool", by)
    labels = check.rows(obj, "labels", "label", by)
    return Card(card_id, app_version, created_at, by, date_from, date_to, tools, labels)


def _is_int(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


class _Checker:
    """Field checks that fail with a :class:`CardError` naming the card and the field."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, reason: str) -> NoReturn:
        raise CardError(self.source, f"not a valid summary card: {reason}")

    def text(self, obj: Mapping[str, object], key: str, *, allow_empty: bool = False) -> str:
        value = obj.get(key)
        if not isinstance(value, str) or not (allow_empty or value.strip()):
            self.fail(f"\"{key}\" must be a non-empty text (got {_shown(value)})")
        return value

    def moment(self, obj: Mapping[str, object], key: str) -> datetime:
        value = obj.get(key)
        try:
            moment = datetime.fromisoformat(value) if isinstance(value, str) else None
        except ValueError:
            moment = None
        if moment is None:
            self.fail(f"\"{key}\" must be a time such as 2026-03-02T17:00:00Z "
                      f"(got {_shown(value)})")
        return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)

    def day(self, value: object, where: str) -> date:
        try:
            if isinstance(value, str) and len(value) == 10:
                return date.fromisoformat(value)
        except ValueError:
            pass
        self.fail(f"{where} must be a date such as 2026-03-02 (got {_shown(value)})")

    def optional_date(self, obj: Mapping[str, object], key: str) -> date | None:
        value = obj.get(key)
        return None if value is None else self.day(value, f"\"{key}\"")

    def rows(self, obj: Mapping[str, object], key: str, kind: Literal["tool", "label"],
             by: By) -> tuple[CardRow, ...]:
        items = obj.get(key)
        if not isinstance(items, list):
            self.fail(f"\"{key}\" must be a list (got {_shown(items)})")
        rows: list[CardRow] = []
        seen: set[tuple[date, str]] = set()
        for i, item in enumerate(items):
            where = f"{key}[{i}]"
            if not isinstance(item, Mapping):
                self.fail(f"{where} must be an object (got {_shown(item)})")
            row = self.row(item, where, kind, by)
            if (row.period, row.name) in seen:
                self.fail(f"{where} lists {kind} {row.name!r} in the {by} of {row.period} a "
                          "second time")
            seen.add((row.period, row.name))
            rows.append(row)
        return tuple(rows)

    def row(self, item: Mapping[str, object], where: str, kind: Literal["tool", "label"],
            by: By) -> CardRow:
        period = self.day(item.get("period"), f"{where}.period")
        if period_start(period, by) != period:
            first = "a Monday" if by == "week" else "the 1st of a month"
            self.fail(f"{where}.period {period} is not the start of a {by} ({first})")
        name = item.get(kind)
        if not isinstance(name, str) or not name.strip():
            self.fail(f"{where}.{kind} must be a non-empty text (got {_shown(name)})")
        counts: list[int] = []
        for key in COUNT_KEYS:
            value = item.get(key)
            if not _is_int(value):
                self.fail(f"{where}.{key} must be a whole number (got {_shown(value)})")
            if key != "minutes_sum" and value < 0:
                self.fail(f"{where}.{key} is negative ({value})")
            if abs(value) > MAX_COUNT * (MAX_MINUTES_SAVED if key == "minutes_sum" else 1):
                self.fail(f"{where}.{key} is implausibly large ({value})")
            counts.append(value)
        row = CardRow(period, name, *counts)
        head = f"{where} ({kind} {name!r}, {by} of {period})"
        if row.useful + row.not_useful > row.rated:
            self.fail(f"{head}: useful ({row.useful}) + not useful ({row.not_useful}) is more "
                      f"than rated ({row.rated})")
        if row.rated > row.uses:
            self.fail(f"{head}: rated ({row.rated}) is more than uses ({row.uses})")
        if row.minutes_n > row.rated:
            self.fail(f"{head}: minutes were given on {row.minutes_n} uses but only "
                      f"{row.rated} were rated")
        if abs(row.minutes_sum) > MAX_MINUTES_SAVED * row.minutes_n:
            self.fail(f"{head}: {row.minutes_sum} minutes is more than {row.minutes_n} "
                      f"ratings can hold (at most {MAX_MINUTES_SAVED} each)")
        return row


def _shown(value: object) -> str:
    """A value for a message, cut short (it may be anything a file held)."""
    if isinstance(value, Mapping):
        return "an object"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing"
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 40 else text[:37] + "…"
