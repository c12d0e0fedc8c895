"""``worthwhile rules add|list|remove``: asking on a terminal, ``--apply-now``, JSON, exit codes;
and what ``import``, ``sessions --search`` and ``show`` say about sessions rules keep out."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from desktop_app.cli import main
from desktop_app.domain import Rating, Verdict
from desktop_app.store import list_sessions, open_db, save_sessions, set_rating
from desktop_app.store.rules import list_rules
from tests.builders import Pipe, Terminal, simple_gpt, write_json
from tests.factories import make_messages, make_session


@pytest.fixture
def filled(db_path: Path) -> dict[str, str]:
    """Two ChatGPT sessions and two Claude Code ones in a client's project (one rated)."""
    db = open_db(db_path)
    sessions = {f"gpt{i}": make_session(i) for i in range(2)}
    sessions |= {f"cc{i}": make_session(
        10 + i, source="claude-code", external_id=f"cc-{i}", project="/home/me/work/acme",
        title=f"Client secret {i}", messages=make_messages("the key is hunter2", "ok"))
        for i in range(2)}
    save_sessions(db, list(sessions.values()))
    set_rating(db, sessions["cc0"].id, Rating(Verdict.USEFUL, note="mine"))
    db.close()
    return {name: s.id for name, s in sessions.items()}


def run(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
        stdin: io.StringIO, *args: str) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "stdin", stdin)
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def sessions_json(capsys: pytest.CaptureFixture[str], db_path: Path
                  ) -> dict[str, dict[str, object]]:
    assert main(["--db", str(db_path), "sessions", "--json"]) == 0
    return {str(r["id"]): r for r in json.loads(capsys.readouterr().out)}


def test_a_rule_from_a_script_applies_to_future_imports_only(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, db_path: Path,
        filled: dict[str, str]) -> None:
    code, out, err = run(capsys, monkeypatch, Pipe(), "--db", str(db_path), "rules", "add",
                         "no-text", "--project", "*/work/*")
    assert (code, err) == (0, "")
    assert out == (
        "Added rule 1: Keep sessions whose project matches */work/* without text.\n"
        "The rule applies to future imports only: the 2 stored sessions it matches are left "
        "as they are. Add --apply-now to apply it to them as well.\n")
    assert not any(r["no_text"] for r in sessions_json(capsys, db_path).values())


def test_apply_now_removes_their_text(capsys: pytest.CaptureFixture[str],
                                      monkeypatch: pytest.MonkeyPatch, db_path: Path,
                                      filled: dict[str, str]) -> None:
    code, out, _ = run(capsys, monkeypatch, Pipe(), "--db", str(db_path), "rules", "add",
                       "no-text", "--project", "*/work/*", "--apply-now")
    assert code == 0
    assert out.endswith("Removed the text of 2 sessions for good.\n")
    rows = sessions_json(capsys, db_path)
    cc0 = rows[filled["cc0"]]
    assert (cc0["no_text"], cc0["title"], cc0["messages"], cc0["verdict"], cc0["note"]) == (
        True, "Claude Code session", 2, "useful", "mine")
    assert rows[filled["gpt0"]]["no_text"] is False

    assert main(["--db", str(db_path), "show", filled["cc0"], "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["no_text"] is True
    assert [(m["role"], m["text"]) for m in shown["transcript"]] == [
        ("user", None), ("assistant", None)]
    assert len(shown["transcript"]) == shown["messages"]
    assert main(["--db", str(db_path), "show", filled["cc0"]]) == 0
    text = capsys.readouterr().out
    assert "Kept without text by an import rule." in text
    assert "hunter2" not in text

    # Rating and the figures work as before.
    assert main(["--db", str(db_path), "rate", filled["cc1"], "not-useful", "--minutes",
                 "-5"]) == 0
    assert "not useful  Claude Code session" in capsys.readouterr().out
    assert main(["--db", str(db_path), "stats", "--json", "--group", "tool"]) == 0
    totals = json.loads(capsys.readouterr().out)["totals"]
    assert (totals["uses"], totals["rated"], totals["useful"], totals["not_useful"]) == (
        4, 2, 1, 1)

    # Searching says what it cannot search, on stderr (the output stays the same).
    code, out, err = run(capsys, monkeypatch, Pipe(), "--db", str(db_path), "sessions",
                         "--search", "hunter2", "--json")
    assert (code, json.loads(out)) == (0, [])
    assert err == "Note: 2 sessions are kept without text and cannot be searched.\n"
    code, out, err = run(capsys, monkeypatch, Pipe(), "--db", str(db_path), "sessions",
                         "--search", "sorting", "--source", "chatgpt")
    assert (code, err) == (0, "")  # none of them is a ChatGPT session
    assert out.endswith("2 sessions\n")


def test_on_a_terminal_it_asks(capsys: pytest.CaptureFixture[str],
                               monkeypatch: pytest.MonkeyPatch, db_path: Path,
                               filled: dict[str, str]) -> None:
    code, out, err = run(capsys, monkeypatch, Terminal("no\n"), "--db", str(db_path),
                         "rules", "add", "skip", "--source", "claude-code")
    assert code == 0
    assert err == (
        "2 stored sessions match this rule. Delete them (2 sessions and 1 rating)?\n"
        "Their text, ratings, labels, reasons and notes are removed from the database for "
        "good. This cannot be undone. The rule keeps them out of later imports; once it is "
        "removed, importing their files again stores them again.\n"
        "Backups you made of the database are your own copies: they are not touched.\n"
        "Type yes to apply it to them now: ")
    assert out.endswith("the 2 stored sessions it matches are left as they are.\n")
    assert len(sessions_json(capsys, db_path)) == 4

    # The same rule again, answered yes: it exists already, and now it is applied.
    code, out, _ = run(capsys, monkeypatch, Terminal("yes\n"), "--db", str(db_path),
                       "rules", "add", "skip", "--source", "claude-code")
    assert code == 0
    assert out == ("Rule 1 exists already: Skip Claude Code sessions.\n"
                   "Deleted 2 sessions and 1 rating that the rule matches.\n")
    assert set(sessions_json(capsys, db_path)) == {filled["gpt0"], filled["gpt1"]}


def test_no_text_question_on_a_terminal(capsys: pytest.CaptureFixture[str],
                                        monkeypatch: pytest.MonkeyPatch, db_path: Path,
                                        filled: dict[str, str]) -> None:
    code, _, err = run(capsys, monkeypatch, Terminal("y\n"), "--db", str(db_path), "rules",
                       "add", "no-text", "--title", "client SECRET 1")
    assert code == 0
    assert err.startswith("1 stored session matches this rule. Remove its text and title?\n"
                          "Their message text and titles are removed from the database for "
                          "good. This cannot be undone.")
    assert [r["no_text"] for r in sessions_json(capsys, db_path).values()].count(True) == 1


def test_list_and_remove(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
                         db_path: Path, filled: dict[str, str]) -> None:
    for args in (["skip", "--title", "*diary*"], ["no-text", "--source", "codex"]):
        assert main(["--db", str(db_path), "rules", "add", *args]) == 0
    capsys.readouterr()
    assert main(["--db", str(db_path), "rules", "list", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [{k: v for k, v in r.items() if k != "created_at"} for r in listed] == [
        {"id": 1, "action": "skip", "selector": "title", "pattern": "*diary*"},
        {"id": 2, "action": "no-text", "selector": "source", "pattern": "codex"}]
    assert all(str(r["created_at"]).endswith("Z") for r in listed)
    assert main(["--db", str(db_path), "rules", "list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["ID", "ACTION", "SELECTOR", "CREATED", "(UTC)", "PATTERN"]
    assert lines[1].split()[:3] == ["1", "skip", "title"]
    assert lines[1].endswith("*diary*")

    code, out, err = run(capsys, monkeypatch, Pipe(), "--db", str(db_path), "rules", "remove",
                         "1")
    assert (code, err) == (0, "")
    assert out.startswith("Removed rule 1: Skip sessions whose title matches *diary*. The next "
                          "import reads the files that held sessions it kept out again")
    code, out, err = run(capsys, monkeypatch, Pipe(), "--db", str(db_path), "rules", "remove",
                         "1")
    assert (code, out) == (1, "")
    assert err == "worthwhile: error: no rule with id 1 (see: worthwhile rules list)\n"
    db = open_db(db_path)
    assert [r.id for r in list_rules(db)] == [2]
    db.close()


@pytest.mark.parametrize("args", [
    ["rules"],
    ["rules", "add", "skip"],  # no selector
    ["rules", "add", "skip", "--title", "a", "--project", "b"],  # two selectors
    ["rules", "add", "hide", "--title", "a"],
    ["rules", "add", "skip", "--source", "nosuchtool"],
    ["rules", "remove", "one"],
])
def test_usage_errors(capsys: pytest.CaptureFixture[str], db_path: Path,
                      args: list[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--db", str(db_path), *args])
    assert exit_info.value.code == 2
    assert not db_path.exists()


def test_an_empty_pattern_is_a_usage_error(capsys: pytest.CaptureFixture[str],
                                           monkeypatch: pytest.MonkeyPatch,
                                           db_path: Path) -> None:
    code, out, err = run(capsys, monkeypatch, Pipe(), "--db", str(db_path), "rules", "add",
                         "skip", "--title", "  ")
    assert (code, out) == (2, "")
    assert err == "worthwhile rules add: error: --title needs a pattern\n"


def test_reading_rules_never_creates_the_database(capsys: pytest.CaptureFixture[str],
                                                  db_path: Path) -> None:
    assert main(["--db", str(db_path), "rules", "list"]) == 0
    assert capsys.readouterr().out == "No import rules.\n"
    assert main(["--db", str(db_path), "rules", "list", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []
    assert main(["--db", str(db_path), "rules", "remove", "3"]) == 1
    assert not db_path.exists()


def test_import_says_excluded_by_rule(capsys: pytest.CaptureFixture[str],
                                      db_path: Path, tmp_path: Path) -> None:
    path = write_json(tmp_path / "conversations.json", [
        simple_gpt("c1"), simple_gpt("c2", title="Dear diary")])
    assert main(["--db", str(db_path), "rules", "add", "skip", "--title", "*DIARY*"]) == 0
    capsys.readouterr()
    assert main(["--db", str(db_path), "import", str(path)]) == 0
    out = capsys.readouterr().out
    assert f"{path}: chatgpt: 1 new, 0 updated, 0 unchanged, 2 messages, excluded by rule: 1" \
        in out
    assert "Total: 1 new, 0 updated, 0 unchanged, excluded by rule: 1" in out
    assert main(["--db", str(db_path), "import", str(path), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["files"][0]["sessions_excluded"] == 1
    assert report["totals"]["sessions_excluded"] == 1
    db = open_db(db_path)
    assert [r.external_id for r in list_sessions(db)] == ["c1"]
    db.close()
