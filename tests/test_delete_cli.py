"""``worthwhile delete``: by id, by tool, everything; confirmation on a terminal, exit codes."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from desktop_app.cli import main
from desktop_app.domain import Rating, Verdict
from desktop_app.store import list_sessions, open_db, save_sessions, set_rating
from desktop_app.store.deletion import count_tombstones
from tests.builders import Pipe, Terminal
from tests.factories import make_session


@pytest.fixture
def filled(db_path: Path) -> dict[str, str]:
    """Three ChatGPT sessions (one rated) and two Claude Code ones; ids by name."""
    db = open_db(db_path)
    sessions = {f"gpt{i}": make_session(i) for i in range(3)}
    sessions |= {f"cc{i}": make_session(10 + i, source="claude-code", external_id=f"cc-{i}")
                 for i in range(2)}
    save_sessions(db, list(sessions.values()))
    set_rating(db, sessions["gpt0"].id, Rating(Verdict.USEFUL, note="mine"))
    set_rating(db, sessions["cc1"].id, Rating(Verdict.NOT_USEFUL))
    db.close()
    return {name: s.id for name, s in sessions.items()}


def run(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
        stdin: io.StringIO, *args: str) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "stdin", stdin)
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def stored(db_path: Path) -> set[str]:
    db = open_db(db_path)
    try:
        return {r.id for r in list_sessions(db)}
    finally:
        db.close()


def test_delete_by_id_with_yes(capsys: pytest.CaptureFixture[str],
                               monkeypatch: pytest.MonkeyPatch, db_path: Path,
                               filled: dict[str, str]) -> None:
    code, out, err = run(capsys, monkeypatch, Pipe(), "--db", str(db_path), "delete",
                         filled["gpt0"], filled["gpt1"][:8], "--yes")
    assert (code, err) == (0, "")
    assert out == ("Deleted 2 sessions and 1 rating. "
                   "Importing the same files again will not bring them back.\n")
    assert stored(db_path) == set(filled.values()) - {filled["gpt0"], filled["gpt1"]}


def test_ids_in_a_script_need_no_confirmation(capsys: pytest.CaptureFixture[str],
                                              monkeypatch: pytest.MonkeyPatch, db_path: Path,
                                              filled: dict[str, str]) -> None:
    code, out, _ = run(capsys, monkeypatch, Pipe(), "--db", str(db_path), "delete",
                       filled["gpt2"])
    assert code == 0
    assert out.startswith("Deleted 1 session and 0 ratings.")
    assert filled["gpt2"] not in stored(db_path)


def test_ids_on_a_terminal_ask_first(capsys: pytest.CaptureFixture[str],
                                     monkeypatch: pytest.MonkeyPatch, db_path: Path,
                                     filled: dict[str, str]) -> None:
    code, out, err = run(capsys, monkeypatch, Terminal("no\n"), "--db", str(db_path), "delete",
                         filled["gpt0"])
    assert code == 1
    assert out == ""
    assert err == (
        "Delete this session: 1 session and 1 rating?\n"
        "Their text, ratings, labels, reasons and notes are removed from the database for "
        "good. This cannot be undone.\n"
        "Importing the same files again will not bring them back.\n"
        "Backups you made of the database are your own copies: they are not touched.\n"
        "Type yes to delete: Nothing was deleted.\n")
    assert stored(db_path) == set(filled.values())
    code, out, _ = run(capsys, monkeypatch, Terminal("yes\n"), "--db", str(db_path), "delete",
                       filled["gpt0"])
    assert code == 0
    assert out.startswith("Deleted 1 session and 1 rating.")


def test_a_tool_on_a_terminal(capsys: pytest.CaptureFixture[str],
                              monkeypatch: pytest.MonkeyPatch, db_path: Path,
                              filled: dict[str, str]) -> None:
    code, out, err = run(capsys, monkeypatch, Terminal("y\n"), "--db", str(db_path), "delete",
                         "--source", "claude-code")
    assert code == 0
    assert err.startswith("Delete all Claude Code sessions: 2 sessions and 1 rating?\n")
    assert "Backups you made of the database are your own copies: they are not touched." in err
    assert out.startswith("Deleted 2 sessions and 1 rating.")
    assert stored(db_path) == {filled[f"gpt{i}"] for i in range(3)}


@pytest.mark.parametrize("form", [["--source", "chatgpt"], ["--all"]])
def test_a_tool_or_everything_without_a_terminal_is_refused(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, db_path: Path,
        filled: dict[str, str], form: list[str]) -> None:
    code, out, err = run(capsys, monkeypatch, Pipe("yes\n"), "--db", str(db_path), "delete",
                         *form)
    assert code == 2
    assert out == ""
    scope = "all ChatGPT sessions (3 sessions and 1 rating)" if form[0] == "--source" else (
        "every session (5 sessions and 2 ratings)")
    assert err == (f"worthwhile delete: error: this would delete {scope}; run it on a terminal "
                   "to confirm, or add --yes\n")
    assert stored(db_path) == set(filled.values())


def test_everything_with_yes(capsys: pytest.CaptureFixture[str],
                             monkeypatch: pytest.MonkeyPatch, db_path: Path,
                             filled: dict[str, str]) -> None:
    code, out, _ = run(capsys, monkeypatch, Pipe(), "--db", str(db_path), "delete", "--all",
                       "--yes")
    assert code == 0
    assert out.startswith("Deleted 5 sessions and 2 ratings.")
    assert stored(db_path) == set()
    db = open_db(db_path)
    assert count_tombstones(db) == 5
    db.close()


def test_unknown_id_deletes_nothing(capsys: pytest.CaptureFixture[str],
                                    monkeypatch: pytest.MonkeyPatch, db_path: Path,
                                    filled: dict[str, str]) -> None:
    code, out, err = run(capsys, monkeypatch, Pipe(), "--db", str(db_path), "delete",
                         filled["gpt0"], "feedfacecafe", "--yes")
    assert code == 1
    assert out == ""
    assert err == "worthwhile: error: No session with id 'feedfacecafe'\n"
    assert stored(db_path) == set(filled.values())  # not even the known one went


def test_an_empty_tool_has_nothing_to_delete(capsys: pytest.CaptureFixture[str],
                                             monkeypatch: pytest.MonkeyPatch, db_path: Path,
                                             filled: dict[str, str]) -> None:
    code, out, _ = run(capsys, monkeypatch, Pipe(), "--db", str(db_path), "delete",
                       "--source", "codex")
    assert (code, out) == (0, "No Codex sessions to delete.\n")


@pytest.mark.parametrize("args", [[], ["abc1234", "--all"], ["--all", "--source", "codex"]])
def test_one_form_at_a_time(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
                            db_path: Path, filled: dict[str, str], args: list[str]) -> None:
    code, _, err = run(capsys, monkeypatch, Pipe(), "--db", str(db_path), "delete", *args,
                       "--yes")
    assert code == 2
    assert "give session ids, or --source S, or --all" in err
    assert stored(db_path) == set(filled.values())


def test_a_missing_database_is_not_created(capsys: pytest.CaptureFixture[str],
                                           monkeypatch: pytest.MonkeyPatch,
                                           tmp_path: Path) -> None:
    db_file = tmp_path / "none.db"
    code, out, _ = run(capsys, monkeypatch, Pipe(), "--db", str(db_file), "delete", "--all",
                       "--yes")
    assert (code, out) == (0, "No sessions to delete.\n")
    code, _, err = run(capsys, monkeypatch, Pipe(), "--db", str(db_file), "delete", "abcdef12")
    assert code == 1
    assert "no database yet" in err
    assert not db_file.exists()


def test_deleted_stays_deleted_through_the_cli(capsys: pytest.CaptureFixture[str],
                                               monkeypatch: pytest.MonkeyPatch, db_path: Path,
                                               tmp_path: Path) -> None:
    from tests.builders import Pipe, simple_gpt, write_json

    path = write_json(tmp_path / "conversations.json", [simple_gpt("c1"), simple_gpt("c2")])
    assert main(["--db", str(db_path), "import", str(path)]) == 0
    capsys.readouterr()
    assert main(["--db", str(db_path), "sessions", "--json"]) == 0
    victim = next(r["id"] for r in json.loads(capsys.readouterr().out)
                  if r["external_id"] == "c1")
    code, _, _ = run(capsys, monkeypatch, Pipe(), "--db", str(db_path), "delete", victim)
    assert code == 0
    code, out, _ = run(capsys, monkeypatch, Pipe(), "--db", str(db_path), "import", str(path),
                       "--json")
    assert code == 0
    assert json.loads(out)["totals"]["sessions_deleted_earlier"] == 1
    assert victim not in stored(db_path)


def test_delete_from_a_real_process_without_a_terminal(db_path: Path,
                                                       filled: dict[str, str]) -> None:
    done = subprocess.run([sys.executable, "-m", "desktop_app", "--db", str(db_path), "delete",
                           "--all"], capture_output=True, text=True, stdin=subprocess.DEVNULL,
                          timeout=120, check=False)
    assert done.returncode == 2
    assert "add --yes" in done.stderr
    assert stored(db_path) == set(filled.values())
