"""The command line, run as a user would (in-process and, for the entry point, as a subprocess)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from desktop_app import __version__
from desktop_app.cli import main
from desktop_app.domain import make_session_id
from desktop_app.store import open_db, save_sessions
from tests.factories import make_messages, make_session


@pytest.fixture
def filled_db(db_path: Path) -> Path:
    db = open_db(db_path)
    save_sessions(db, [make_session(i) for i in range(3)]
                  + [make_session(7, source="claude-code", external_id="cc-7",
                                  title="Refactor the importer", tokens_in=5000,
                                  tokens_out=700, project="~/src/app")])
    db.close()
    return db_path


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def sessions_json(capsys: pytest.CaptureFixture[str], db: Path, *args: str) -> list[dict]:  # type: ignore[type-arg]
    code, out, _ = run(capsys, "--db", str(db), "sessions", "--json", *args)
    assert code == 0
    return json.loads(out)  # type: ignore[no-any-return]


CONTRACT_KEYS = {"id", "source", "tool", "external_id", "title", "started_at", "ended_at",
                 "messages", "user_messages", "model", "tokens_in", "tokens_out", "project",
                 "verdict", "minutes_saved", "labels", "reason", "note"}


def test_sessions_json_has_contract_keys(capsys: pytest.CaptureFixture[str],
                                         filled_db: Path) -> None:
    rows = sessions_json(capsys, filled_db)
    assert len(rows) == 4
    assert set(rows[0]) >= CONTRACT_KEYS
    cc = next(r for r in rows if r["source"] == "claude-code")
    assert cc["external_id"] == "cc-7"
    assert cc["tool"] == "Claude Code"
    assert (cc["tokens_in"], cc["tokens_out"], cc["project"]) == (5000, 700, "~/src/app")
    assert cc["started_at"].endswith("Z")
    assert cc["verdict"] is None
    assert cc["labels"] == []
    chat = next(r for r in rows if r["source"] == "chatgpt")
    assert chat["tokens_in"] is None


def test_sessions_filters(capsys: pytest.CaptureFixture[str], filled_db: Path) -> None:
    assert [r["source"] for r in sessions_json(capsys, filled_db, "--source", "claude-code")] \
        == ["claude-code"]
    found = sessions_json(capsys, filled_db, "--search", "importer")
    assert [r["title"] for r in found] == ["Refactor the importer"]
    assert sessions_json(capsys, filled_db, "--search", '"unbalanced AND (') == []


def test_sessions_table_output(capsys: pytest.CaptureFixture[str], filled_db: Path) -> None:
    code, out, _ = run(capsys, "--db", str(filled_db), "sessions")
    assert code == 0
    assert "Refactor the importer" in out
    assert "4 sessions" in out


def test_rate_then_sessions_shows_rating(capsys: pytest.CaptureFixture[str],
                                         filled_db: Path) -> None:
    sid = sessions_json(capsys, filled_db)[0]["id"]
    code, out, err = run(capsys, "--db", str(filled_db), "rate", sid[:8], "useful",
                         "--minutes", "25", "--label", "coding", "--label", "research",
                         "--note", "saved me a search")
    assert (code, err) == (0, "")
    assert "useful" in out
    row = next(r for r in sessions_json(capsys, filled_db) if r["id"] == sid)
    assert row["verdict"] == "useful"
    assert row["minutes_saved"] == 25
    assert row["labels"] == ["coding", "research"]
    assert row["note"] == "saved me a search"

    # A new verdict keeps the rest; negative minutes are allowed.
    run(capsys, "--db", str(filled_db), "rate", sid, "not-useful", "--minutes", "-10",
        "--reason", "faster myself")
    row = next(r for r in sessions_json(capsys, filled_db) if r["id"] == sid)
    assert (row["verdict"], row["minutes_saved"], row["labels"], row["reason"], row["note"]) == (
        "not_useful", -10, ["coding", "research"], "faster myself", "saved me a search")

    run(capsys, "--db", str(filled_db), "rate", sid, "useful", "--label", "writing")
    row = next(r for r in sessions_json(capsys, filled_db) if r["id"] == sid)
    assert row["labels"] == ["writing"]

    code, _, _ = run(capsys, "--db", str(filled_db), "rate", sid, "clear")
    assert code == 0
    row = next(r for r in sessions_json(capsys, filled_db) if r["id"] == sid)
    assert (row["verdict"], row["minutes_saved"], row["labels"], row["note"]) == (
        None, None, [], None)


def test_rate_unknown_id_says_so(capsys: pytest.CaptureFixture[str], filled_db: Path) -> None:
    code, out, err = run(capsys, "--db", str(filled_db), "rate", "deadbeef00", "useful")
    assert code == 1
    assert out == ""
    assert "No session with id 'deadbeef00'" in err
    assert "Traceback" not in err


def test_rate_short_prefix_is_refused(capsys: pytest.CaptureFixture[str], filled_db: Path) -> None:
    sid = sessions_json(capsys, filled_db)[0]["id"]
    code, _, err = run(capsys, "--db", str(filled_db), "rate", sid[:4], "useful")
    assert code == 1
    assert "at least 6" in err


def test_bad_verdict_is_a_usage_error(capsys: pytest.CaptureFixture[str], filled_db: Path) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["--db", str(filled_db), "rate", "abcdef", "great"])
    assert exc.value.code == 2
    assert "invalid choice" in capsys.readouterr().err


@pytest.mark.parametrize("minutes", ["99999999999", "601", "-601", "ten"])
def test_minutes_beyond_a_session_are_a_usage_error(capsys: pytest.CaptureFixture[str],
                                                    filled_db: Path, minutes: str) -> None:
    sid = sessions_json(capsys, filled_db)[0]["id"]
    with pytest.raises(SystemExit) as exc:
        main(["--db", str(filled_db), "rate", sid, "useful", "--minutes", minutes])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "--minutes" in err
    assert "600" in err or "whole number" in err
    assert sessions_json(capsys, filled_db)[0]["minutes_saved"] is None
    code, _, _ = run(capsys, "--db", str(filled_db), "rate", sid, "useful", "--minutes", "-600")
    assert code == 0
    assert sessions_json(capsys, filled_db)[0]["minutes_saved"] == -600


def test_clear_with_options_is_refused(capsys: pytest.CaptureFixture[str],
                                       filled_db: Path) -> None:
    sid = sessions_json(capsys, filled_db)[0]["id"]
    code, _, err = run(capsys, "--db", str(filled_db), "rate", sid, "clear", "--minutes", "3")
    assert code == 1
    assert "--minutes" in err


def test_show_json_has_transcript(capsys: pytest.CaptureFixture[str], filled_db: Path) -> None:
    row = sessions_json(capsys, filled_db)[-1]
    code, out, _ = run(capsys, "--db", str(filled_db), "show", row["id"], "--json")
    assert code == 0
    shown = json.loads(out)
    assert set(shown) >= CONTRACT_KEYS
    assert len(shown["transcript"]) == shown["messages"] == 2
    assert shown["transcript"][0]["role"] == "user"
    assert shown["transcript"][0]["time"].endswith("Z")
    assert "sorting" in shown["transcript"][0]["text"]


def test_show_text(capsys: pytest.CaptureFixture[str], filled_db: Path) -> None:
    row = sessions_json(capsys, filled_db)[0]
    code, out, _ = run(capsys, "--db", str(filled_db), "show", row["id"])
    assert code == 0
    assert row["title"] in out
    assert "--- user" in out


def test_show_unknown_id(capsys: pytest.CaptureFixture[str], filled_db: Path) -> None:
    code, _, err = run(capsys, "--db", str(filled_db), "show", "0123456789")
    assert code == 1
    assert "No session" in err


def test_reading_a_missing_database_shows_nothing_and_creates_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    missing = tmp_path / "nowhere" / "w.db"
    code, out, _ = run(capsys, "--db", str(missing), "sessions", "--json")
    assert (code, json.loads(out)) == (0, [])
    code, out, _ = run(capsys, "--db", str(missing), "sessions")
    assert code == 0
    assert "No sessions" in out
    code, _, _ = run(capsys, "--db", str(missing), "rate", "abcdef123", "useful")
    assert code == 1
    assert not missing.exists()
    assert not missing.parent.exists()


def test_unreadable_db_is_a_clear_error(capsys: pytest.CaptureFixture[str],
                                        tmp_path: Path) -> None:
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"\x00garbage" * 500)
    code, _, err = run(capsys, "--db", str(bad), "sessions")
    assert code == 1
    assert str(bad) in err
    assert "Traceback" not in err


def test_worthwhile_home_is_used(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WORTHWHILE_HOME", str(tmp_path / "home"))
    db = open_db(tmp_path / "home" / "worthwhile.db")
    save_sessions(db, [make_session(1)])
    db.close()
    code, out, _ = run(capsys, "sessions", "--json")
    assert code == 0
    assert len(json.loads(out)) == 1


def test_demo_is_throwaway(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                           monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "home"
    monkeypatch.setenv("WORTHWHILE_HOME", str(home))
    code, out, _ = run(capsys, "--demo", "sessions", "--json")
    assert code == 0
    rows = json.loads(out)
    assert len(rows) > 300
    assert any(r["verdict"] for r in rows)
    assert not home.exists(), "--demo must never touch the real database"
    code, out, _ = run(capsys, "--demo", "sessions", "--json")
    assert [r["id"] for r in json.loads(out)] == [r["id"] for r in rows]


def test_version_and_entry_point() -> None:
    result = subprocess.run([sys.executable, "-m", "desktop_app", "--version"],
                            capture_output=True, text=True, check=True)
    assert result.stdout.strip() == f"worthwhile {__version__}"


def test_usage_error_exit_code_2() -> None:
    result = subprocess.run([sys.executable, "-m", "desktop_app", "sessions", "--bogus"],
                            capture_output=True, text=True)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr


SAMPLE = (Path(__file__).resolve().parent / "data" / "chatgpt"
          / "Sinity__polylogue__native-conversation-v1.json")


def test_import_json_contract_and_exit_codes(capsys: pytest.CaptureFixture[str],
                                             db_path: Path, tmp_path: Path) -> None:
    bad = tmp_path / "empty.json"
    bad.write_text("")
    code, out, _ = run(capsys, "--db", str(db_path), "import", str(SAMPLE), str(bad), "--json")
    assert code == 1  # one path failed, the other still imported
    report = json.loads(out)
    assert set(report) == {"files", "totals"}
    good, failed = report["files"]
    assert set(good) >= {"path", "source", "sessions_new", "sessions_updated",
                         "sessions_unchanged", "sessions_deleted_earlier", "messages", "skipped",
                         "error"}
    assert (good["source"], good["sessions_new"], good["error"]) == ("chatgpt", 1, None)
    assert failed["error"]
    assert str(bad) in failed["error"]
    assert report["totals"] == {"sessions_new": 1, "sessions_updated": 0,
                                "sessions_unchanged": 0,
                                    "sessions_deleted_earlier": 0, "sessions_excluded": 0}
    # Again: nothing new, exit 0 when every path imports.
    code, out, _ = run(capsys, "--db", str(db_path), "import", str(SAMPLE), "--json")
    assert code == 0
    assert json.loads(out)["totals"]["sessions_unchanged"] == 1
    rows = sessions_json(capsys, db_path)
    assert [r["source"] for r in rows] == ["chatgpt"]


def test_import_text_report(capsys: pytest.CaptureFixture[str], db_path: Path,
                            tmp_path: Path) -> None:
    missing = tmp_path / "nope.json"
    code, out, err = run(capsys, "--db", str(db_path), "import", str(SAMPLE), str(missing))
    assert code == 1
    assert "chatgpt: 1 new" in out
    assert f"error: {missing}" in out
    assert "Traceback" not in out + err


def test_stats_json_on_a_hand_rated_set(capsys: pytest.CaptureFixture[str],
                                        db_path: Path) -> None:
    from desktop_app.domain import Verdict
    from desktop_app.store import update_rating

    db = open_db(db_path)
    sessions = [make_session(i) for i in range(8)]  # 2026-11-16 09:00 UTC onwards, hourly
    save_sessions(db, sessions)
    for s in sessions[:5]:
        update_rating(db, s.id, Verdict.USEFUL, minutes_saved=10)
    update_rating(db, sessions[5].id, Verdict.NOT_USEFUL, minutes_saved=-4)
    db.close()
    code, out, _ = run(capsys, "--db", str(db_path), "stats", "--json")
    assert code == 0
    stats = json.loads(out)
    assert (stats["by"], stats["group"]) == ("week", None)
    (week,) = stats["periods"]
    assert (week["start"], week["end"]) == ("2026-11-16", "2026-11-23")
    assert (week["uses"], week["rated"], week["useful"], week["not_useful"]) == (8, 6, 5, 1)
    assert week["value_per_use"] == pytest.approx(5 / 6)
    assert week["ci_low"] == pytest.approx(0.4365, abs=1e-3)
    assert week["ci_high"] == pytest.approx(0.9699, abs=1e-3)
    assert week["est_useful_uses"] == pytest.approx(8 * 5 / 6)
    assert week["minutes_saved_mean"] == pytest.approx((5 * 10 - 4) / 6)
    assert week["minutes_n"] == 6
    assert stats["totals"]["uses"] == 8
    code, out, _ = run(capsys, "--db", str(db_path), "stats", "--by", "month", "--group", "tool")
    assert code == 0
    assert "Nov 2026" in out
    assert "83 %" in out


def test_stats_usage_errors(capsys: pytest.CaptureFixture[str], db_path: Path) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["--db", str(db_path), "stats", "--from", "yesterday"])
    assert exc.value.code == 2
    code, _, err = run(capsys, "--db", str(db_path), "stats", "--from", "2026-05-01",
                       "--to", "2026-01-01")
    assert code == 1
    assert "after" in err
    assert not db_path.exists()


def test_scan_of_a_missing_folder_is_an_error(capsys: pytest.CaptureFixture[str],
                                             tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"
    code, out, err = run(capsys, "scan", "--folder", str(missing), "--json")
    assert (code, out) == (1, "")
    assert err == f"worthwhile: error: --folder {missing}: no such folder\n"
    a_file = tmp_path / "notes.txt"
    a_file.write_text("x")
    code, out, err = run(capsys, "scan", "--folder", str(a_file))
    assert (code, out) == (1, "")
    assert "not a folder" in err
    repo = tmp_path / "repo"
    repo.mkdir()
    code, out, _ = run(capsys, "scan", "--folder", str(repo), "--json")
    assert code == 0  # a folder that is there, even without a history, is no error
    assert all(f["source"] != "aider" for f in json.loads(out))


def _piped_into_head(*args: str) -> tuple[int, str, str]:
    """``worthwhile ARGS | head -1`` as a shell runs it: exit code, what head printed, stderr."""
    writer = subprocess.Popen([sys.executable, "-m", "desktop_app", *args],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert writer.stdout is not None
    head = subprocess.run(["head", "-1"], stdin=writer.stdout, capture_output=True, text=True,
                          check=True)
    writer.stdout.close()  # only head holds the reading end: once head exits, it is closed
    _, err = writer.communicate(timeout=60)
    return writer.returncode, head.stdout, err.decode()


@pytest.mark.skipif(sys.platform == "win32", reason="needs head and POSIX pipes")
def test_output_into_a_pipe_that_closes_ends_quietly(db_path: Path) -> None:
    # Far more output than a pipe holds, so the writer is still writing when head leaves.
    db = open_db(db_path)
    save_sessions(db, [make_session(i, title=f"Session {i} " + "x" * 80) for i in range(3000)]
                  + [make_session(9999, external_id="long", messages=make_messages(
                      "q", "y" * 400_000))])
    db.close()
    long_id = make_session_id("chatgpt", "long")
    for args in (["sessions"], ["sessions", "--json"], ["show", long_id],
                 ["show", long_id, "--json"]):
        code, first, err = _piped_into_head("--db", str(db_path), *args)
        assert first.strip(), args
        assert err == "", (args, err)  # no BrokenPipeError traceback, no "Exception ignored"
        assert code == 141, args  # as a Unix tool stopped by SIGPIPE: pipefail sees it
