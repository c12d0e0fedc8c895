"""Export to CSV and JSON: the contract's objects, a spreadsheet-ready CSV, one snapshot,
written as it is read, and never a half-written file."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import stat
from pathlib import Path

import pytest
from sqlite_utils import Database

from desktop_app import exporting
from desktop_app.cli import main
from desktop_app.exporting import (
    CSV_COLUMNS,
    ExportCancelledError,
    ExportError,
    ExportProgress,
    export_data,
)
from desktop_app.jsonout import session_object
from desktop_app.store import get_session, list_sessions, open_db, save_sessions
from desktop_app.store.locking import set_lock_wait
from tests.factories import make_session
from tests.locks import LockHolder
from tests.richdata import FORMULA_TITLE, NOTE, UNICODE_TITLE, build_rich_db


def read_csv(path: Path) -> list[dict[str, str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "a spreadsheet needs the BOM to read UTF-8"
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))


def test_csv_columns_are_the_sessions_json_keys(db: Database) -> None:
    save_sessions(db, [make_session(1)])
    assert tuple(session_object(list_sessions(db)[0])) == CSV_COLUMNS


def test_csv_opens_in_a_spreadsheet(db: Database, tmp_path: Path) -> None:
    ids = build_rich_db(db)
    path = tmp_path / "sessions.csv"
    assert export_data(db, path, "csv") == 6
    rows = {row["id"]: row for row in read_csv(path)}
    assert list(next(iter(rows.values()))) == list(CSV_COLUMNS)
    first = rows[ids[0]]
    assert first["title"] == UNICODE_TITLE
    assert first["note"] == NOTE  # newlines, commas, quotes survive
    assert first["labels"] == "debugging; ops, infra"
    assert (first["verdict"], first["minutes_saved"]) == ("useful", "25")
    assert first["rated_at"] == "2026-11-20T08:30:00Z"
    second = rows[ids[1]]
    # Text a spreadsheet would run as a formula is shown as text; numbers stay numbers.
    assert second["title"] == "'" + FORMULA_TITLE
    assert second["note"] == "'=1+1"
    assert second["minutes_saved"] == "-10"
    # The cost is the local price table's, as in sessions --json (gpt-4o, no split: all input
    # at $2.50 and output at $10 per million), not the cost the session was stored with.
    assert (second["tokens_in"], second["cost"]) == ("412330", "1.122025")
    assert rows[ids[3]]["title"] == "'- starts with a dash"
    assert rows[ids[3]]["started_at"] == ""  # null is an empty cell
    assert rows[ids[2]]["tool"] == "Perplexity"
    assert "transcript" not in first


def test_csv_with_transcripts_has_a_transcript_column(db: Database, tmp_path: Path) -> None:
    ids = build_rich_db(db)
    path = tmp_path / "sessions.csv"
    export_data(db, path, "csv", transcripts=True)
    rows = {row["id"]: row for row in read_csv(path)}
    assert rows[ids[1]]["transcript"] == (
        "[user 2026-11-16T09:00:00Z]\nFix the flaky test\n\n"
        "[assistant 2026-11-16T09:00:05Z]\nReading the test…\n\n"
        "[tool 2026-11-16T09:00:09Z]\nRead tests/test_retry.py\n\n"
        "[assistant 2026-11-16T09:03:00Z]\nFixed.")
    assert rows[ids[3]]["transcript"] == ""


def test_json_export_is_the_contract(db: Database, tmp_path: Path,
                                     capsys: pytest.CaptureFixture[str],
                                     db_path: Path) -> None:
    build_rich_db(db)
    path = tmp_path / "export.json"
    export_data(db, path, "json", transcripts=True)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert (data["format"], data["version"]) == ("worthwhile-export", 1)
    assert list(data)[:2] == ["format", "version"]
    assert data["labels"][-2:] == ["zeta", "ops, infra"]
    assert "too slow" in data["reasons"]
    assert main(["--db", str(db_path), "sessions", "--json"]) == 0
    listed = {o["id"]: o for o in json.loads(capsys.readouterr().out)}
    assert len(data["sessions"]) == len(listed) == 6
    for obj in data["sessions"]:
        assert main(["--db", str(db_path), "show", obj["id"], "--json"]) == 0
        shown = json.loads(capsys.readouterr().out)
        # Every key of sessions --json and show --json, with their values; more keys besides.
        assert {k: obj[k] for k in listed[obj["id"]]} == listed[obj["id"]]
        assert obj["tool_feedback"] == shown["tool_feedback"]
        assert [{k: e[k] for k in ("role", "time", "text")} for e in obj["transcript"]] == (
            shown["transcript"])
    # Without transcripts: no "transcript" key at all.
    export_data(db, path, "json")
    assert all("transcript" not in o for o in json.loads(path.read_text())["sessions"])


def test_an_empty_database_exports_an_empty_list(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "e.json"
    assert export_data(db, path, "json") == 0
    assert json.loads(path.read_text())["sessions"] == []


def test_the_export_is_private_and_replaces_the_old_file_only_when_complete(
        db: Database, tmp_path: Path) -> None:
    save_sessions(db, [make_session(i) for i in range(5)])
    path = tmp_path / "e.csv"
    path.write_text("the old export")

    def stop() -> bool:
        return True

    with pytest.raises(ExportCancelledError):
        export_data(db, path, "csv", cancel=stop)
    assert path.read_text() == "the old export"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "e.csv"]
    export_data(db, path, "csv")
    assert len(read_csv(path)) == 5
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_the_database_itself_is_refused(db: Database, db_path: Path) -> None:
    save_sessions(db, [make_session(1)])
    for target in (db_path, db_path.with_name(db_path.name + "-wal")):
        with pytest.raises(ExportError, match="is the database itself"):
            export_data(db, target, "json")
    assert get_session(db, make_session(1).id).title == "Session number 1"
    with pytest.raises(ExportError, match="Cannot write"):
        export_data(db, db_path.parent / "no-such-folder" / "e.csv", "csv")


def test_sessions_are_written_while_they_are_read(db: Database, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    save_sessions(db, [make_session(i) for i in range(1500)])
    path = tmp_path / "e.json"
    sizes: list[int] = []

    def progress(p: ExportProgress) -> None:
        if 0 < p.done < p.total:
            partial = [f for f in tmp_path.iterdir() if f.name.endswith(".partial")]
            sizes.append(partial[0].stat().st_size)

    monkeypatch.setattr(exporting, "PROGRESS_INTERVAL", 0.0)
    export_data(db, path, "json", transcripts=True, progress=progress)
    # The file grew during the export: it is not built in memory and written at the end.
    assert sizes[0] < sizes[-1] < path.stat().st_size
    assert len(set(sizes)) > 10


def test_the_export_is_one_snapshot(db: Database, db_path: Path, tmp_path: Path,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    save_sessions(db, [make_session(i) for i in range(1200)])
    other = open_db(db_path)  # the app, or a command-line import, writing meanwhile
    written = False

    def progress(p: ExportProgress) -> None:
        nonlocal written
        if p.done > 0 and not written:
            save_sessions(other, [make_session(5000)])
            written = True

    monkeypatch.setattr(exporting, "PROGRESS_INTERVAL", 0.0)
    try:
        count = export_data(db, tmp_path / "e.json", "json", progress=progress)
    finally:
        other.close()
    assert written
    assert count == 1200
    assert len(json.loads((tmp_path / "e.json").read_text())["sessions"]) == 1200
    assert len(list_sessions(db)) == 1201


def test_an_export_neither_waits_for_a_writer_nor_keeps_one_waiting(
        db: Database, db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An export only reads: it runs while another connection holds the write lock (a long
    import), and it takes no write lock of its own."""
    save_sessions(db, [make_session(i) for i in range(50)])
    with LockHolder(db_path) as holder:
        set_lock_wait(db, wait_ms=0)  # waiting for the holder would fail at once
        assert export_data(db, tmp_path / "during.json", "json") == 50
        holder.release()
    seen: list[bool] = []
    monkeypatch.setattr(exporting, "PROGRESS_INTERVAL", 0.0)

    def progress(_p: ExportProgress) -> None:
        if not seen:
            other = sqlite3.connect(db_path, timeout=0)  # a writer that will not wait
            try:
                other.execute("BEGIN IMMEDIATE")
                other.execute("ROLLBACK")
                seen.append(True)
            finally:
                other.close()

    assert export_data(db, tmp_path / "e.json", "json", progress=progress) == 50
    assert seen == [True]
