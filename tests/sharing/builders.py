"""Summary cards for the tests, in the card file's JSON shape."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

WEEK = "2026-11-02"  # a Monday
NEXT_WEEK = "2026-11-09"


def row(period: str, name: str, uses: int, rated: int = 0, useful: int = 0,
        not_useful: int | None = None, minutes_sum: int = 0, minutes_n: int = 0,
        kind: str = "tool") -> dict[str, Any]:
    """One card row; ``not_useful`` defaults to the rated uses that were not useful."""
    return {"period": period, kind: name, "uses": uses, "rated": rated, "useful": useful,
            "not_useful": rated - useful if not_useful is None else not_useful,
            "minutes_sum": minutes_sum, "minutes_n": minutes_n}


def label_row(period: str, name: str, uses: int, rated: int = 0,
              useful: int = 0) -> dict[str, Any]:
    """One label row."""
    return row(period, name, uses, rated, useful, kind="label")


def card(card_id: str, tools: list[dict[str, Any]] | None = None,
         labels: list[dict[str, Any]] | None = None, *, by: str = "week",
         created_at: str = "2026-11-20T10:00:00Z") -> dict[str, Any]:
    """A card of its own id holding ``tools`` and ``labels`` rows."""
    return {"format": "worthwhile-card", "version": 1, "card_id": card_id,
            "app_version": "0.1.0", "created_at": created_at, "by": by,
            "from": "2026-11-02", "to": "2026-11-15",
            "tools": tools or [], "labels": labels or []}


def write(folder: Path, name: str, obj: Any) -> Path:
    """``obj`` as a JSON file in ``folder``."""
    path = folder / name
    path.write_text(json.dumps(obj), encoding="utf-8")
    return path
