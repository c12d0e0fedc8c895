"""An import in two phases: sessions first, the search index after; an index left unfinished
(the window quit, a cancel, a crash) is finished by the next import or search."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlite_utils import Database

from desktop_app.cli import main
from desktop_app.ingest import import_paths
from desktop_app.store import SessionQuery, count_sessions, list_sessions, open_db
from desktop_app.store.indexing import index_complete, index_progress


def generic_jsonl(path: Path, sessions: int) -> Path:
    """A generic-format file: four messages per session, each holding the word "message"."""
    with path.open("w", encoding="utf-8") as out:
        for i in range(sessions):
            for j, role in enumerate(("user", "assistant", "user", "assistant")):
                out.write(json.dumps({"session_id": f"s{i}", "role": role,
                                      "time": f"2026-03-02T09:{j:02d}:00Z",
                                      "text": f"message {j} of session {i}"}) + "\n")
    return path


def _found(db: Database, word: str) -> int:
    return len(list_sessions(db, SessionQuery(search=word)))


def test_an_import_finishes_its_index_by_default(db: Database, tmp_path: Path) -> None:
    import_paths(db, [generic_jsonl(tmp_path / "a.jsonl", 20)])
    assert index_complete(db)
    assert _found(db, "message") == 20


def test_first_phase_only_then_the_next_import_finishes_the_index(db: Database,
                                                                  tmp_path: Path) -> None:
    report = import_paths(db, [generic_jsonl(tmp_path / "a.jsonl", 20)], index=False)
    assert report.totals["sessions_new"] == 20
    assert count_sessions(db) == 20  # browsable
    assert _found(db, "message") == 0  # not searchable yet
    assert index_progress(db) == (0, 80)
    import_paths(db, [])  # the next import, even of nothing
    assert index_complete(db)
    assert _found(db, "message") == 20


def test_a_cancel_during_the_index_phase_keeps_the_sessions(db: Database,
                                                            tmp_path: Path) -> None:
    asked = 0

    def cancel() -> bool:
        nonlocal asked
        asked += 1
        return asked > 1  # read the one path; stop before indexing

    report = import_paths(db, [generic_jsonl(tmp_path / "a.jsonl", 20)], cancel=cancel)
    assert not report.cancelled
    assert report.totals["sessions_new"] == 20
    assert count_sessions(db) == 20
    assert not index_complete(db)


def test_the_cli_search_finishes_an_unfinished_index(db_path: Path, tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    db = open_db(db_path)
    import_paths(db, [generic_jsonl(tmp_path / "a.jsonl", 20)], index=False)
    db.close()
    assert main(["--db", str(db_path), "sessions", "--json", "--search", "message"]) == 0
    assert len(json.loads(capsys.readouterr().out)) == 20
    db = open_db(db_path)
    assert index_complete(db)
    db.close()


def test_the_cli_import_output_is_the_same_and_search_works_after_it(
        db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = generic_jsonl(tmp_path / "a.jsonl", 20)
    assert main(["--db", str(db_path), "import", "--json", str(path)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["totals"]["sessions_new"] == 20
    db = open_db(db_path)
    assert index_complete(db)
    assert _found(db, "message") == 20
    db.close()


def test_ctrl_c_while_the_cli_indexes_keeps_the_import_and_says_so(
        db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(*_args: object, **_kwargs: object) -> bool:
        raise KeyboardInterrupt

    monkeypatch.setattr("desktop_app.ingest.run.finish_index", interrupted)
    path = generic_jsonl(tmp_path / "a.jsonl", 20)
    assert main(["--db", str(db_path), "import", "--json", str(path)]) == 130
    captured = capsys.readouterr()
    assert json.loads(captured.out)["totals"]["sessions_new"] == 20  # the report still comes
    assert "Interrupted while building the search index" in captured.err
    monkeypatch.undo()
    db = open_db(db_path)
    assert count_sessions(db) == 20
    assert not index_complete(db)
    db.close()
    assert main(["--db", str(db_path), "sessions", "--json", "--search", "message"]) == 0
    assert len(json.loads(capsys.readouterr().out)) == 20
