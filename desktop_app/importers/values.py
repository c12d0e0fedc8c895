"""Tolerant reading of JSON values: numbers, times, titles, the main model, text cut short."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from desktop_app.domain import Message

#: Titles derived from a first prompt are cut to this many characters.
TITLE_LENGTH = 80

#: Tool calls and results in a transcript are cut to this many characters.
TOOL_TEXT = 2000


def cut(text: str, limit: int = TOOL_TEXT) -> str:
    """``text``, cut to ``limit`` characters with an ellipsis when longer."""
    return text if len(text) <= limit else text[:limit] + "…"


def as_dict(value: Any) -> dict[str, Any]:
    """``value`` if it is a JSON object, else an empty dict (tolerant field access)."""
    return value if isinstance(value, dict) else {}


def as_list(value: Any) -> list[Any]:
    """``value`` if it is a JSON array, else an empty list."""
    return value if isinstance(value, list) else []


def as_str(value: Any) -> str | None:
    """``value`` if it is a non-empty string, else None."""
    return value if isinstance(value, str) and value else None


def as_int(value: Any) -> int | None:
    """A non-negative whole number from a JSON number or numeric string, else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        number = value
    elif isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            return None
    else:
        return None
    if number != number or number < 0 or number > 1e15:  # NaN or absurd
        return None
    return int(number)


_MIN_EPOCH = 0.0
_MAX_EPOCH = 32503680000.0  # year 3000


def from_epoch(value: Any) -> datetime | None:
    """A UTC time from Unix seconds or milliseconds (large values are taken as ms)."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        seconds = float(value)
    except ValueError:
        return None
    if seconds != seconds:
        return None
    if seconds > 1e11:
        seconds /= 1000.0
    if not _MIN_EPOCH < seconds < _MAX_EPOCH:
        return None
    return datetime.fromtimestamp(seconds, UTC)


_ISO_FRACTION = re.compile(r"(\.\d{6})\d+")
_fromisoformat = datetime.fromisoformat


def from_iso(value: Any) -> datetime | None:
    """A UTC time from an ISO 8601 string (``Z`` or an offset; naive times are taken as UTC)."""
    if type(value) is str and value[10:11] == "T":
        # The usual shapes first (``2026-01-02T03:04:05.553Z``, ``…+00:00``): read as they
        # are when that gives a UTC time (what the general way below gives for them too).
        try:
            moment = _fromisoformat(value)
        except ValueError:
            pass
        else:
            if moment.tzinfo is UTC:
                return moment
    if not isinstance(value, str) or not value.strip():
        return None
    text = _ISO_FRACTION.sub(r"\1", value.strip()).replace("z", "Z")
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    try:
        return moment.astimezone(UTC)
    except (OverflowError, ValueError):
        return None


def parse_time(value: Any) -> datetime | None:
    """A UTC time from any of the usual encodings: epoch s/ms (number or digits) or ISO 8601."""
    if isinstance(value, str) and re.fullmatch(r"\s*\d+(\.\d+)?\s*", value):
        return from_epoch(value)
    if isinstance(value, str):
        return from_iso(value)
    return from_epoch(value)


def title_from(text: str | None, limit: int = TITLE_LENGTH) -> str:
    """A one-line title from a prompt: first non-empty line, cut at a word near ``limit``."""
    if not text:
        return ""
    line = next((ln.strip() for ln in text.splitlines() if ln.strip()), "")
    line = " ".join(line.split())
    if len(line) <= limit:
        return line
    cut = line[:limit].rsplit(" ", 1)[0] if " " in line[: limit] else line[:limit]
    return cut.rstrip(" ,.;:") + "…"


def main_model(models: Iterable[str | None]) -> str | None:
    """The model of most assistant messages; ties go to the one used latest."""
    ordered = [m for m in models if m]
    if not ordered:
        return None
    counts = Counter(ordered)
    best = max(counts.values())
    for model in reversed(ordered):
        if counts[model] == best:
            return model
    return None  # pragma: no cover - unreachable


def first_user_text(messages: Iterable[Message]) -> str | None:
    """The text of the first user message, if any."""
    return next((m.text for m in messages if m.role == "user" and m.text.strip()), None)


def time_span(
    messages: Iterable[Message], start: datetime | None = None, end: datetime | None = None
) -> tuple[datetime | None, datetime | None]:
    """Session start and end: the given times, else the first and last message times."""
    times = [m.time for m in messages if m.time is not None]
    first = start or (min(times) if times else None)
    last = max(times) if times else end
    if last is None:
        last = end
    if first is not None and last is not None and last < first:
        last = first
    return first, last


def size_text(size: Any) -> str:
    """A file size for a note in a transcript (``"12 KB"``), or ``""`` if unknown."""
    number = as_int(size)
    if number is None:
        return ""
    if number < 1024:
        return f"{number} B"
    value = float(number)
    for unit in ("KB", "MB", "GB"):
        value /= 1024
        if value < 1024 or unit == "GB":
            return f"{value:.1f} {unit}" if value < 10 else f"{value:.0f} {unit}"
    return ""  # pragma: no cover - the loop always returns


def child_ids(node: dict[str, Any], key: str, nodes: dict[str, Any]) -> list[str]:
    """The ids listed under ``node[key]`` that are nodes of the tree (anything else ignored)."""
    return [c for c in as_list(node.get(key)) if isinstance(c, str) and c in nodes]


