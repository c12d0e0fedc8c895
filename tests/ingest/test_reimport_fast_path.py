"""Re-import of a ChatGPT export: unchanged conversations are skipped before they are parsed."""

from __future__ import annotations

import json
import os
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlite_utils import Database

from desktop_app.domain import Rating, Verdict, make_session_id
from desktop_app.importers import chatgpt, streams
from desktop_app.importers.registry import no_text_title
from desktop_app.ingest import import_paths, walk
from desktop_app.store import count_sessions, get_session, get_transcript, list_sessions
from desktop_app.store.deletion import delete_sessions
from desktop_app.store.ratings import get_rating, set_rating
from desktop_app.store.rules import add_rule, apply_rule
from tests.builders import gpt_message, simple_gpt, write_json


@pytest.fixture
def built(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The ids of the conversations fully parsed (the slow path)."""
    calls: list[str] = []
    real = chatgpt.conversation_session

    def spy(conv: dict[str, Any], cid: str, *args: Any) -> Any:
        calls.append(cid)
        return real(conv, cid, *args)

    monkeypatch.setattr(chatgpt, "conversation_session", spy)
    return calls


def _counts(db: Database, path: Path) -> tuple[int, int, int]:
    entry = import_paths(db, [path]).files[0]
    assert entry.error is None, entry.error
    return entry.sessions_new, entry.sessions_updated, entry.sessions_unchanged


def test_unchanged_export_takes_the_fast_path(db: Database, tmp_path: Path,
                                              built: list[str]) -> None:
    path = write_json(tmp_path / "conversations.json",
                      [simple_gpt(f"c{i}", 2) for i in range(300)])
    assert _counts(db, path) == (300, 0, 0)
    assert len(built) == 300
    before = list(db.conn.iterdump())
    built.clear()
    assert _counts(db, path) == (0, 0, 300)
    assert built == []  # not one conversation was parsed
    after = [line for line in db.conn.iterdump() if not line.startswith('INSERT INTO "imports"')]
    assert after == [line for line in before if not line.startswith('INSERT INTO "imports"')]


def test_changed_conversation_is_updated(db: Database, tmp_path: Path,
                                         built: list[str]) -> None:
    convs = [simple_gpt(f"c{i}", 1) for i in range(5)]
    path = write_json(tmp_path / "conversations.json", convs)
    _counts(db, path)
    # c2 gets a new exchange: new nodes, a new current node and a later update time.
    c2 = convs[2]
    last = c2["current_node"]
    for node_id, role, text in (("u9", "user", "one more question"),
                                ("a9", "assistant", "one more answer")):
        c2["mapping"][node_id] = {"id": node_id, "parent": last, "children": [],
                                  "message": gpt_message(node_id, role, text, 1_737_560_000.0)}
        c2["mapping"][last]["children"].append(node_id)
        last = node_id
    c2["current_node"] = last
    c2["update_time"] = 1_737_560_001.0
    # c4 is renamed: only the title changes.
    convs[4]["title"] = "A better title"
    write_json(path, convs)
    built.clear()
    assert _counts(db, path) == (0, 2, 3)
    assert sorted(built) == ["c2", "c4"]
    sid = make_session_id("chatgpt", "c2")
    assert [m.text for m in get_transcript(db, sid)][-1] == "one more answer"
    assert get_session(db, sid).messages == 4
    assert get_session(db, make_session_id("chatgpt", "c4")).title == "A better title"
    # ... and the search index follows the new text.
    from desktop_app.store import SessionQuery

    found = list_sessions(db, SessionQuery(search="one more answer"))
    assert [row.id for row in found] == [sid]


def test_sessions_stored_without_fingerprint_get_one(db: Database, tmp_path: Path,
                                                     built: list[str]) -> None:
    path = write_json(tmp_path / "conversations.json", [simple_gpt(f"c{i}") for i in range(4)])
    _counts(db, path)
    # As stored by an older version: no fingerprints, and no record of the whole file.
    db.conn.execute("UPDATE sessions SET fingerprint = NULL")
    db.conn.execute("DELETE FROM file_states")
    built.clear()
    assert _counts(db, path) == (0, 0, 4)
    assert len(built) == 4  # read in full once, by content hash ...
    built.clear()
    assert _counts(db, path) == (0, 0, 4)
    assert built == []  # ... and fast from then on


def test_a_new_parser_version_reads_everything_again(db: Database, tmp_path: Path,
                                                     built: list[str],
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_json(tmp_path / "conversations.json", [simple_gpt(f"c{i}") for i in range(3)])
    _counts(db, path)
    monkeypatch.setattr(chatgpt.SPEC, "version", chatgpt.SPEC.version + "-next")
    built.clear()
    assert _counts(db, path)[0] == 0
    assert len(built) == 3


def _distinct(n: int) -> list[dict[str, Any]]:
    """Conversations whose first bytes differ (a title and start each), as real ones do."""
    return [simple_gpt(f"c{i}", 2, start=1_737_552_322.0 + 3600 * i, title=f"Chat {i}")
            for i in range(n)]


def _touch(path: Path) -> None:
    """The same bytes with a new mtime (a second download of the same export)."""
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000_000))


@pytest.fixture
def decoded(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """The conversations decoded from JSON at all (unchanged ones are only hashed)."""
    values: list[Any] = []
    real = streams._RawScanner.decode

    def spy(self: Any, decoder: json.JSONDecoder) -> tuple[Any, bytes]:
        value, raw = real(self, decoder)
        values.append(value)
        return value, raw

    monkeypatch.setattr(streams._RawScanner, "decode", spy)
    return values


def test_same_bytes_with_a_new_mtime_are_not_even_decoded(db: Database, tmp_path: Path,
                                                           decoded: list[Any]) -> None:
    path = write_json(tmp_path / "conversations.json", _distinct(50))
    assert _counts(db, path) == (50, 0, 0)
    sid = make_session_id("chatgpt", "c3")
    rating = Rating(Verdict.USEFUL, 15, (), None, "mine", datetime(2026, 1, 1, tzinfo=UTC))
    set_rating(db, sid, rating)
    before = list(db.conn.iterdump())
    decoded.clear()
    _touch(path)
    assert _counts(db, path) == (0, 0, 50)
    assert decoded == []
    assert get_rating(db, sid) == rating
    dump = [line for line in db.conn.iterdump()
            if not line.startswith(('INSERT INTO "imports"', 'INSERT INTO "file_states"'))]
    assert dump == [line for line in before
                    if not line.startswith(('INSERT INTO "imports"',
                                            'INSERT INTO "file_states"'))]


def test_one_changed_conversation_among_unchanged_bytes(db: Database, tmp_path: Path,
                                                        decoded: list[Any]) -> None:
    convs = _distinct(20)
    path = write_json(tmp_path / "conversations.json", convs)
    _counts(db, path)
    convs[7]["title"] = "Chat 7, renamed"
    convs[8]["is_archived"] = True  # other bytes, the same session
    write_json(path, convs)
    decoded.clear()
    assert _counts(db, path) == (0, 1, 19)
    assert sorted(conv["id"] for conv in decoded) == ["c7", "c8"]
    assert get_session(db, make_session_id("chatgpt", "c7")).title == "Chat 7, renamed"
    decoded.clear()
    _touch(path)
    assert _counts(db, path) == (0, 0, 20)
    assert decoded == []  # c8's new bytes were stored when its content was found equal


def test_new_thumbs_in_the_feedback_file_are_read(db: Database, tmp_path: Path,
                                                  decoded: list[Any]) -> None:
    path = write_json(tmp_path / "conversations.json", _distinct(5))
    _counts(db, path)
    write_json(tmp_path / "message_feedback.json",
               [{"conversation_id": "c2", "rating": "thumbsDown"}])
    decoded.clear()
    assert _counts(db, path) == (0, 1, 4)
    assert [conv["id"] for conv in decoded] == ["c2"]
    assert db.conn.execute("SELECT tool_thumbs FROM sessions WHERE id = ?",
                           [make_session_id("chatgpt", "c2")]).fetchone() == ("down",)


def test_deleted_and_no_text_sessions_stay_as_the_user_wanted(db: Database, tmp_path: Path,
                                                              decoded: list[Any]) -> None:
    path = write_json(tmp_path / "conversations.json", _distinct(6))
    _counts(db, path)
    delete_sessions(db, [make_session_id("chatgpt", "c1")])
    rule, _new = add_rule(db, "no-text", "title", "Chat 4")
    apply_rule(db, rule, no_text_title)
    decoded.clear()
    with path.open("ab") as grown:  # the file changed, not its conversations: each is looked up
        grown.write(b"\n")
    report = import_paths(db, [path]).files[0]
    assert (report.sessions_new, report.sessions_updated, report.sessions_unchanged,
            report.sessions_deleted_earlier) == (0, 0, 5, 1)
    # The deleted one and the one kept without text are read (they have no stored bytes).
    assert sorted(conv["id"] for conv in decoded) == ["c1", "c4"]
    assert count_sessions(db) == 5
    assert get_session(db, make_session_id("chatgpt", "c4")).title != "Chat 4"


def test_a_zip_with_the_same_members_is_not_read_again(db: Database, tmp_path: Path,
                                                       decoded: list[Any],
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    convs = _distinct(8)
    opened: list[Path] = []
    real = walk.import_file

    def spy(run: Any, path: Path) -> Any:
        opened.append(path)
        return real(run, path)

    monkeypatch.setattr(walk, "import_file", spy)

    def zipped(items: list[dict[str, Any]]) -> Path:
        path = tmp_path / "export.zip"
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("conversations.json", json.dumps(items))
            archive.writestr("user.json", "{}")
        return path

    path = zipped(convs)
    assert _counts(db, path) == (8, 0, 0)
    decoded.clear()
    zipped(convs)  # downloaded again: new mtimes, the same members
    _touch(path)
    opened.clear()
    assert _counts(db, path) == (0, 0, 8)
    assert opened == []  # its central directory said so
    assert decoded == []
    convs[5]["title"] = "Chat 5, renamed"
    zipped(convs)
    assert _counts(db, path) == (0, 1, 7)
    assert opened == [path]
    assert [conv["id"] for conv in decoded] == ["c5"]  # the others recognised by their bytes


def test_the_same_bytes_under_a_new_mtime_are_read_once_for_their_crc_only(
        db: Database, tmp_path: Path, decoded: list[Any],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A second download of the same export: its CRC-32 (and its companion's) is the one
    remembered, so nothing in it is scanned or hashed; the new mtime is remembered, so the
    next look reads nothing at all. The same size with other bytes is read again."""
    from desktop_app.importers import chatgpt, streams
    from desktop_app.ingest import unchanged

    path = write_json(tmp_path / "conversations.json", _distinct(12))
    write_json(tmp_path / "message_feedback.json",
               [{"conversation_id": "c2", "rating": "thumbsDown"}])
    assert _counts(db, path) == (12, 0, 0)
    decoded.clear()
    scans: list[object] = []
    real_scan = streams.iter_raw_items

    def scan(*args: Any, **kwargs: Any) -> Any:
        scans.append(args)
        return real_scan(*args, **kwargs)

    monkeypatch.setattr(chatgpt, "iter_raw_items", scan)
    crcs: list[Path] = []
    real_crc = unchanged.file_crc

    def crc(file: Path, start: int = 0) -> int:
        crcs.append(file)
        return real_crc(file, start)

    monkeypatch.setattr(unchanged, "file_crc", crc)
    _touch(path)
    assert _counts(db, path) == (0, 0, 12)
    assert (scans, decoded) == ([], [])
    assert sorted(p.name for p in crcs) == ["conversations.json", "message_feedback.json"]
    crcs.clear()
    assert _counts(db, path) == (0, 0, 12)
    assert crcs == []  # the new mtime was remembered
    # The feedback file, touched with the same bytes, is part of the CRC too.
    _touch(tmp_path / "message_feedback.json")
    assert _counts(db, path) == (0, 0, 12)
    assert (scans, decoded) == ([], [])
    # The same size, one title changed in place: read again, that conversation decoded.
    data = path.read_bytes()
    assert data.count(b'"Chat 7"') == 1
    path.write_bytes(data.replace(b'"Chat 7"', b'"Chat X"'))
    _touch(path)
    assert _counts(db, path) == (0, 1, 11)
    assert [conv["id"] for conv in decoded] == ["c7"]
    assert get_session(db, make_session_id("chatgpt", "c7")).title == "Chat X"

