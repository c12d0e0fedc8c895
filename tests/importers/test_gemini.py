"""Gemini Apps activity from Takeout: the HTML sample, JSON grouping, stable ids."""

from __future__ import annotations

import contextlib
import json
from datetime import UTC, datetime
from typing import Any

from sqlite_utils import Database

from desktop_app.importers import gemini
from desktop_app.importers.contract import FormatError
from desktop_app.ingest import import_paths
from desktop_app.store import get_transcript, list_sessions
from tests.builders import DATA, parse_bytes

SAMPLE = DATA / "gemini" / "kenn-io__agentsview__MyActivity.sanitized.html"


def _record(title: str, time: str, answer: str | None = None, chat: str | None = None,
            **extra: Any) -> dict[str, Any]:
    record: dict[str, Any] = {"header": "Gemini Apps", "title": title, "time": time,
                              "products": ["Gemini Apps"],
                              "activityControls": ["Gemini Apps Activity"], **extra}
    if answer is not None:
        record["safeHtmlItem"] = [{"html": answer}]
    if chat is not None:
        url = f"https://gemini.google.com/app/{chat}"
        record["details"] = [{"name": url, "url": url}]
    return record


def test_html_sample(db: Database) -> None:
    report = import_paths(db, [SAMPLE])
    assert report.ok, report.files[0].error
    entry = report.files[0]
    assert entry.source == "gemini"
    assert entry.sessions_new == 2
    assert len(entry.skipped) == 3  # Canvas, Feedback, unknown activity: listed, not errors
    rows = sorted(list_sessions(db), key=lambda r: r.started_at or datetime.min)
    assert [r.title for r in rows] == ["first prompt", "second prompt"]
    assert rows[0].started_at == datetime(2025, 1, 2, 19, 4, 5, tzinfo=UTC)  # 3:04 PM EDT
    assert rows[1].started_at == datetime(2025, 1, 5, 23, 4, 5, tzinfo=UTC)  # 3:04 PM PST
    assert rows[0].external_id.startswith("2025-01-02T19:04:05Z-")
    assert (rows[0].messages, rows[0].user_messages) == (2, 1)
    transcript = get_transcript(db, rows[0].id)
    assert [m.role for m in transcript] == ["user", "assistant"]
    assert transcript[1].text == "first answer & detail"
    assert "secret" not in " ".join(m.text for m in transcript)


def test_real_export_html_layout_with_label_in_content_cell() -> None:
    html = (
        '<html><body><div class="outer-cell mdl-cell"><div class="mdl-grid">'
        '<div class="header-cell mdl-cell"><p class="mdl-typography--title">Gemini Apps<br></p>'
        '</div><div class="content-cell mdl-cell">Prompted\u00a0What is 2+2?<br>'
        "Mar 4, 2026, 9:15:00\u202fAM GMT+05:30<br><p>It is <b>4</b>.</p>"
        '<ul><li>one</li><li>two</li></ul></div>'
        '<div class="content-cell mdl-cell mdl-typography--caption"><b>Products:</b><br>'
        "&emsp;Gemini Apps<br></div></div></div></body></html>"
    )
    [session], _ = parse_bytes(gemini, html.encode(), "MyActivity.html")
    assert session.started_at == datetime(2026, 3, 4, 3, 45, tzinfo=UTC)
    assert session.messages[0].text == "What is 2+2?"
    assert "It is 4." in session.messages[1].text
    assert "• one" in session.messages[1].text


def test_json_grouping_by_chat_link_and_time_gap() -> None:
    records = [  # newest first, as Takeout writes them
        _record("Prompted late question", "2026-03-02T12:00:00.000Z", "<p>late</p>"),
        _record("Prompted follow up", "2026-03-02T09:40:00.000Z", None,
                attachedFiles=["notes.pdf"]),
        _record("Prompted in chat B", "2026-03-02T09:35:00.000Z", "<p>b</p>", chat="bbb"),
        _record("Prompted first question", "2026-03-02T09:15:00.000Z",
                "<p>1 attached file.</p><p>answer one</p>"),
        _record("Created Gem Study buddy", "2026-03-02T09:00:00.000Z"),
        _record("Prompted in chat B early", "2026-03-01T09:00:00.000Z", "<p>b0</p>", chat="bbb"),
        _record("Запит: привіт", "2026-02-01T09:00:00.000Z", "<p>вітаю</p>"),
    ]
    sessions, skipped = parse_bytes(gemini, json.dumps(records).encode(), "MyActivity.json")
    assert [s.reason for s in skipped] == ["not a prompt (Created Gem Study buddy)"]
    by_title = {s.title: s for s in sessions}
    assert set(by_title) == {"привіт", "in chat B early", "first question", "late question"}
    chat_b = by_title["in chat B early"]
    assert chat_b.external_id == "bbb"
    assert [m.text for m in chat_b.messages] == ["in chat B early", "b0", "in chat B", "b"]
    first = by_title["first question"]
    assert [m.role for m in first.messages] == ["user", "assistant", "user"]
    assert first.messages[1].text == "answer one"
    assert first.messages[2].text == "follow up\n\n[attached file: notes.pdf]"
    assert first.ended_at == datetime(2026, 3, 2, 9, 40, tzinfo=UTC)
    assert by_title["late question"].external_id != first.external_id


def test_ids_stay_when_later_records_join_a_session() -> None:
    early = [_record("Prompted one", "2026-03-02T09:15:00.000Z", "<p>a</p>")]
    later = [_record("Prompted two", "2026-03-02T09:20:00.000Z", "<p>b</p>"), *early]
    [before], _ = parse_bytes(gemini, json.dumps(early).encode())
    [after], _ = parse_bytes(gemini, json.dumps(later).encode())
    assert before.external_id == after.external_id
    assert len(after.messages) == 4


def test_json_of_only_unreadable_records_is_an_error() -> None:
    data = json.dumps([{"header": "Gemini Apps", "title": "Prompted x", "time": "never"}])
    with contextlib.suppress(FormatError):
        parse_bytes(gemini, data.encode())
        raise AssertionError("expected FormatError")
