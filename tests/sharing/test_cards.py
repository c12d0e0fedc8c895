"""Reading a summary card: what is accepted, and a clear message naming the file otherwise."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from desktop_app.sharing.cards import MAX_CARD_BYTES, CardError, card_from_json, read_card
from tests.sharing.builders import WEEK, card, label_row, row, write


def test_a_card_reads_back_as_written(tmp_path: Path) -> None:
    obj = card("abc", [row(WEEK, "Claude Code", 5, 3, 2, minutes_sum=-4, minutes_n=2)],
               [label_row(WEEK, "(no label)", 5, 3, 2)])
    obj["something_new"] = {"more keys": "may be added"}
    read = read_card(write(tmp_path, "me.json", obj))
    assert read.card_id == "abc"
    assert read.by == "week"
    assert read.created_at == datetime(2026, 11, 20, 10, tzinfo=UTC)
    assert read.date_from == date(2026, 11, 2)
    (tool,) = read.tools
    assert (tool.period, tool.name, tool.uses, tool.rated, tool.useful, tool.not_useful,
            tool.minutes_sum, tool.minutes_n) == (date(2026, 11, 2), "Claude Code", 5, 3, 2, 1,
                                                  -4, 2)
    assert read.labels[0].name == "(no label)"
    del obj["something_new"]
    assert read.to_json() == obj


def test_open_ended_range_and_bom_are_fine(tmp_path: Path) -> None:
    obj = card("abc", [row("2026-11-01", "ChatGPT", 1)], by="month")
    obj["from"] = obj["to"] = None
    path = tmp_path / "card.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(obj).encode())
    assert read_card(path).by == "month"


def _reason(tmp_path: Path, obj: Any, raw: bytes | None = None) -> str:
    path = tmp_path / "their card.json"
    if raw is not None:
        path.write_bytes(raw)
    else:
        path.write_text(json.dumps(obj), encoding="utf-8")
    with pytest.raises(CardError) as caught:
        read_card(path)
    assert str(caught.value).startswith(f"{path}: ")  # names the file
    return caught.value.reason


def _with(**changes: Any) -> dict[str, Any]:
    obj = card("abc", [row(WEEK, "ChatGPT", 4, 2, 1)])
    obj.update(changes)
    return obj


def _row_with(**changes: Any) -> dict[str, Any]:
    r = row(WEEK, "ChatGPT", 4, 2, 1)
    r.update(changes)
    return card("abc", [r])


@pytest.mark.parametrize(("obj", "raw", "expected"), [
    (None, b"\x00\x01binary\xff", "not a Worthwhile summary card (not a text file)"),
    (None, b"{not json", "not a Worthwhile summary card (not JSON: Expecting property name"),
    (None, b"", "not a Worthwhile summary card (not JSON"),
    ([1, 2], None, "not a Worthwhile summary card"),
    ({"format": "worthwhile-export", "version": 1}, None, "not a Worthwhile summary card"),
    (_with(version=2), None, "a card of a newer version (2) than this Worthwhile reads (1)"),
    (_with(version="1"), None, "version '1' is not a card version"),
    (_with(by="day"), None, "unknown \"by\" 'day'"),
    (_with(card_id=""), None, "\"card_id\" must be a non-empty text"),
    (_with(created_at="yesterday"), None, "\"created_at\" must be a time"),
    (_with(tools={"a": 1}), None, "\"tools\" must be a list (got an object)"),
    (_with(labels=None), None, "\"labels\" must be a list (got nothing)"),
    (_with(**{"from": "2026-11-20", "to": "2026-11-02"}), None, "is after \"to\""),
    (_row_with(period="2026-11-03"), None, "period 2026-11-03 is not the start of a week"),
    (_row_with(period="02/11/2026"), None, "tools[0].period must be a date"),
    (_row_with(uses=-1), None, "tools[0].uses is negative (-1)"),
    (_row_with(uses=4.0), None, "tools[0].uses must be a whole number (got 4.0)"),
    (_row_with(rated=True), None, "tools[0].rated must be a whole number (got true)"),
    (_row_with(useful=2, not_useful=1), None,
     "useful (2) + not useful (1) is more than rated (2)"),
    (_row_with(rated=5, useful=3, not_useful=2), None, "rated (5) is more than uses (4)"),
    (_row_with(minutes_n=3, minutes_sum=10), None,
     "minutes were given on 3 uses but only 2 were rated"),
    (_row_with(minutes_n=1, minutes_sum=-601), None, "-601 minutes is more than 1 ratings"),
    (_row_with(tool=" "), None, "tools[0].tool must be a non-empty text"),
    (_row_with(uses=10**12), None, "implausibly large"),
    (card("abc", [row(WEEK, "ChatGPT", 1), row(WEEK, "ChatGPT", 2)]), None,
     "tools[1] lists tool 'ChatGPT' in the week of 2026-11-02 a second time"),
    (card("abc", [], [label_row(WEEK, "coding", 1, 2)]), None,
     "labels[0] (label 'coding', week of 2026-11-02): rated (2) is more than uses (1)"),
])
def test_a_bad_card_says_what_is_wrong(tmp_path: Path, obj: Any, raw: bytes | None,
                                       expected: str) -> None:
    assert expected in _reason(tmp_path, obj, raw)


def test_a_month_card_needs_first_days(tmp_path: Path) -> None:
    obj = card("abc", [row(WEEK, "ChatGPT", 1)], by="month")
    assert "is not the start of a month (the 1st of a month)" in _reason(tmp_path, obj)


def test_files_that_are_not_cards_at_all(tmp_path: Path) -> None:
    with pytest.raises(CardError, match="cannot be read"):
        read_card(tmp_path / "missing.json")
    with pytest.raises(CardError, match="a folder"):
        read_card(tmp_path)
    big = tmp_path / "big.json"
    big.write_bytes(b" " * (MAX_CARD_BYTES + 1))
    with pytest.raises(CardError, match="far too big"):
        read_card(big)
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    with pytest.raises(CardError, match="not a Worthwhile summary card"):
        read_card(deep)


def test_a_parsed_card_is_checked_the_same_way() -> None:
    with pytest.raises(CardError, match=r"^demo card 1: not a Worthwhile summary card$"):
        card_from_json({"format": "nope"}, "demo card 1")
