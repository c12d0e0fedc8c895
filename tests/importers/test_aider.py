"""Aider: runs as sessions, prompts and commands, tokens and cost, local times, appended runs."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlite_utils import Database

from desktop_app.domain import Rating, Verdict
from desktop_app.importers import aider
from desktop_app.importers.contract import FormatError
from desktop_app.ingest import import_paths
from desktop_app.store import get_rating, get_transcript, list_sessions, set_rating
from tests.builders import DATA, parse_bytes

HISTORY = """
# aider chat started at 2025-10-23 17:04:56

> /usr/local/bin/aider --model anthropic/claude-sonnet-4
> Aider v0.86.1
> Main model: anthropic/claude-sonnet-4 with diff edit format
> Git repo: .git with 12 files

#### add a --dry-run flag to cli.py
#### and document it

I'll add the flag and guard the write calls.

cli.py
```python
> not a tool line, inside a fence
```

> Tokens: 4.5k sent, 429 received. Cost: $0.0018 message, $0.0018 session.
> Applied edit to cli.py
> Commit 1a2b3c4 feat: add --dry-run flag

#### /add tests/test_cli.py
> Added tests/test_cli.py to the chat

#### /ask does it need a test?

Yes, one for the flag.

> Tokens: 1.2k sent, 2.5k cache hit, 80 received. Cost: $0.0009 message, $0.0027 session.

# aider chat started at 2025-10-24 09:00:00

> Aider v0.86.1
> Main model: gpt-4o with diff edit format

#### /help

# aider chat started at 2025-10-25 10:00:00

> Main model: gpt-4o with diff edit format

#### rename main to run

Renamed.
"""
# Aider ends its "> " and "#### " lines with two spaces (a Markdown line break).
HISTORY = "\n".join(line + "  " if line.startswith((">", "####")) else line
                    for line in HISTORY.split("\n"))


def write(folder: Path, text: str = HISTORY) -> Path:
    path = folder / "repo" / ".aider.chat.history.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_runs_prompts_tokens_and_cost(db: Database, tmp_path: Path,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "Europe/Berlin")
    import time
    time.tzset()
    try:
        path = write(tmp_path)
        report = import_paths(db, [path.parent])
    finally:
        monkeypatch.setenv("TZ", "UTC")
        time.tzset()
    assert report.ok, report.files[0].error
    assert report.files[0].source == "aider"
    rows = sorted(list_sessions(db), key=lambda r: r.started_at or datetime.min)
    assert len(rows) == 2  # the /help-only run is not a session, and the report says so
    assert [(s.what, s.reason) for s in report.files[0].skipped] == [
        (f"{path}: run started at 2025-10-24 09:00:00",
         "no prompt, only commands (/help): not a session")]
    assert report.files[0].sessions_new == 2
    first, last = rows
    assert first.started_at == datetime(2025, 10, 23, 15, 4, 56, tzinfo=UTC)  # CEST is UTC+2
    assert first.title == "add a --dry-run flag to cli.py"
    assert first.model == "anthropic/claude-sonnet-4"
    assert (first.tokens_in, first.tokens_out) == (4500 + 1200, 429 + 80)
    assert first.cost == pytest.approx(0.0027)
    assert first.project == str(path.parent)
    transcript = get_transcript(db, first.id)
    assert [m.role for m in transcript] == ["user", "assistant", "tool", "system", "tool",
                                            "user", "assistant"]
    assert transcript[0].text == "add a --dry-run flag to cli.py\nand document it"
    assert "> not a tool line, inside a fence" in transcript[1].text
    assert transcript[2].text == "Applied edit to cli.py\nCommit 1a2b3c4 feat: add --dry-run flag"
    assert transcript[5].text == "does it need a test?"
    assert (first.messages, first.user_messages) == (7, 2)
    assert last.model == "gpt-4o"
    assert last.tokens_in is None


def test_appended_run_reads_only_the_last_run_again(db: Database, tmp_path: Path) -> None:
    path = write(tmp_path)
    import_paths(db, [path])
    ids = {r.external_id: r.id for r in list_sessions(db)}
    last = next(r for r in list_sessions(db) if r.title == "rename main to run")
    set_rating(db, last.id, Rating(Verdict.USEFUL))
    with path.open("a", encoding="utf-8") as f:
        f.write("\n#### and the docs  \n\nDocs renamed too.\n\n"
                "# aider chat started at 2025-10-26 08:00:00\n\n#### new run  \n\nOk.\n")
    report = import_paths(db, [path])
    assert report.ok
    assert report.totals == {"sessions_new": 1, "sessions_updated": 1, "sessions_unchanged": 1,
                             "sessions_deleted_earlier": 0, "sessions_excluded": 0}
    rows = {r.external_id: r for r in list_sessions(db)}
    assert set(ids) <= set(rows)  # earlier runs keep their ids
    assert rows[last.external_id].user_messages == 2
    assert get_rating(db, last.id).verdict is Verdict.USEFUL


def test_sample(db: Database, tmp_path: Path) -> None:
    folder = tmp_path / "myrepo"
    folder.mkdir()
    shutil.copy(DATA / "aider" / "kenn-io__agentsview__aider.chat.history.md",
                folder / ".aider.chat.history.md")
    report = import_paths(db, [folder])
    assert report.ok, report.files[0].error
    rows = sorted(list_sessions(db), key=lambda r: r.started_at or datetime.min)
    assert [(r.title, r.messages, r.user_messages) for r in rows] == [
        ("add a retry to the webhook", 5, 2), ("make the timeout configurable", 3, 1)]
    # The file ends with a run aider was started in and left: listed, not lost in silence.
    [skipped] = report.files[0].skipped
    assert skipped.what.endswith("run started at 2026-06-09 16:00:00")
    assert skipped.reason == "no prompt (aider was started and left): not a session"
    assert report.files[0].sessions_new == len(rows)
    assert rows[0].started_at == datetime(2026, 6, 9, 14, 1, tzinfo=UTC)  # TZ=UTC in tests


def test_not_an_aider_history() -> None:
    with pytest.raises(FormatError):
        parse_bytes(aider, b"#### hello\n", ".aider.chat.history.md")


def test_runs_without_a_prompt_are_listed_with_why(db: Database, tmp_path: Path) -> None:
    path = write(tmp_path, "\n".join([
        "# aider chat started at 2025-11-01 09:00:00", "",
        "> Aider v0.86.1", "> Main model: gpt-4o with diff edit format", "",
        "#### /add src/app.py", "> Added src/app.py to the chat", "",
        "#### /tokens", "> 1.2k tokens of context", "",
        "#### /add src/util.py", "",
        "# aider chat started at 2025-11-01 10:00:00", "",
        "> Aider v0.86.1", "",
        "# aider chat started at 2025-11-01 11:00:00", "",
        "#### fix the bug", "", "Fixed.", ""]))
    report = import_paths(db, [path])
    entry = report.files[0]
    assert entry.error is None
    assert [(s.what, s.reason) for s in entry.skipped] == [
        (f"{path}: run started at 2025-11-01 09:00:00",
         "no prompt, only commands (/add, /tokens): not a session"),
        (f"{path}: run started at 2025-11-01 10:00:00",
         "no prompt (aider was started and left): not a session")]
    assert (entry.sessions_new, len(list_sessions(db))) == (1, 1)
    assert run_cli_import_text(path, tmp_path).count("skipped") == 2


def run_cli_import_text(path: Path, tmp_path: Path) -> str:
    """The text report of ``worthwhile import`` as a person reads it."""
    import contextlib
    import io

    from desktop_app.cli import main

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["--db", str(tmp_path / "cli.db"), "import", str(path)]) == 0
    return out.getvalue()


# --- two runs with the same start second and first prompt (issue 10.7) ----------------------

TWINS = "\n".join([
    "# aider chat started at 2025-11-02 09:00:00", "", "#### fix the bug  ", "",
    "Fixed in a.py.", "",
    "# aider chat started at 2025-11-02 09:00:00", "", "#### fix the bug  ", "",
    "Fixed in b.py.", "",
    ""])


def old_id(started: str, prompt: str) -> str:
    """The id the first derivation gave a run: its start and a hash of its first prompt."""
    import hashlib
    return f"{started}-{hashlib.sha256(prompt.encode()).hexdigest()[:12]}"


def test_runs_sharing_start_and_first_prompt_get_their_own_ids() -> None:
    sessions, _ = parse_bytes(aider, TWINS.encode(), ".aider.chat.history.md")
    first = old_id("2025-11-02T09:00:00Z", "fix the bug")
    assert [(s.external_id, s.messages[-1].text) for s in sessions] == [
        (first, "Fixed in a.py."), (first + "-2", "Fixed in b.py.")]


def test_a_later_twin_read_again_keeps_its_id(db: Database, tmp_path: Path) -> None:
    path = write(tmp_path, TWINS)
    import_paths(db, [path])
    ids = {r.external_id for r in list_sessions(db)}
    assert len(ids) == 2
    # The file grows: its last run (the second twin) is read again from its own start.
    with path.open("a", encoding="utf-8") as f:
        f.write("#### and the tests  \n\nTests fixed.\n")
    report = import_paths(db, [path])
    assert report.totals == {"sessions_new": 0, "sessions_updated": 1, "sessions_unchanged": 1,
                             "sessions_deleted_earlier": 0, "sessions_excluded": 0}
    rows = {r.external_id: r for r in list_sessions(db)}
    assert set(rows) == ids
    first = old_id("2025-11-02T09:00:00Z", "fix the bug")
    assert rows[first + "-2"].user_messages == 2
    assert rows[first].user_messages == 1


def test_what_a_person_entered_on_a_collided_id_stays_on_it(db: Database, tmp_path: Path) -> None:
    """No stored id changes: the pair was one session under the first derivation, and the first
    run keeps that id, so its rating, labels, note and Reflect sample stay on a stored session."""
    from desktop_app.domain import Message, Session
    from desktop_app.store import save_sessions
    from desktop_app.store.reflect import save_sample, stored_sample

    first = old_id("2025-11-02T09:00:00Z", "fix the bug")
    started = datetime(2025, 11, 2, 9, tzinfo=UTC)
    # As the first parser version stored the pair: one session under the shared id.
    stored = Session(source="aider", external_id=first, title="fix the bug",
                     started_at=started, ended_at=started,
                     messages=(Message("user", "fix the bug", started),
                               Message("assistant", "Fixed in a.py.")))
    save_sessions(db, [stored], parser_version="1")
    sid = stored.id
    set_rating(db, sid, Rating(Verdict.USEFUL, minutes_saved=5, labels=("bugfix",),
                               note="the a.py one"))
    save_sample(db, "2025-10-27", 1, [sid])
    path = write(tmp_path, TWINS)
    report = import_paths(db, [path])
    assert report.ok
    rows = {r.external_id: r for r in list_sessions(db)}
    assert set(rows) == {first, first + "-2"}
    assert rows[first].id == sid
    kept = get_rating(db, sid)
    assert (kept.verdict, kept.minutes_saved, kept.labels, kept.note) == (
        Verdict.USEFUL, 5, ("bugfix",), "the a.py one")
    assert get_transcript(db, sid)[-1].text == "Fixed in a.py."
    assert stored_sample(db, "2025-10-27", 1) == [sid]
    assert get_rating(db, rows[first + "-2"].id).verdict is Verdict.UNRATED
    # Nothing a person entered points at a session that is not stored.
    orphans = db.execute(
        "SELECT session_id FROM ratings WHERE session_id NOT IN (SELECT id FROM sessions) "
        "UNION SELECT session_id FROM reflect_samples "
        "WHERE session_id NOT IN (SELECT id FROM sessions)").fetchall()
    assert orphans == []


def test_a_read_from_any_run_numbers_as_a_full_read(tmp_path: Path) -> None:
    """Twins need not be neighbours (a clock set back, a file from two machines): a read that
    starts at any run gives the ids a full read gives those runs."""
    from desktop_app.importers.contract import GroupFile

    def run(started: str, prompt: str) -> str:
        return f"# aider chat started at {started}\n\n#### {prompt}  \n\nOk.\n\n"

    text = "".join([
        run("2025-11-02 09:00:00", "fix the bug"), run("2025-11-02 09:00:00", "other"),
        run("2025-11-02 10:00:00", "fix the bug"), run("2025-11-02T09:00:00", "fix the bug"),
        "#### /help  \n\n", run("2025-11-01 09:00:00", "fix the bug"),
        run("2025-11-02 09:00:00", "fix the bug")])
    path = write(tmp_path, text)
    data = path.read_bytes()
    offsets = [i for i in range(len(data))
               if data.startswith(b"# aider chat started at ", i) and (i == 0 or data[i - 1] == 10)]

    def ids(start: int) -> list[str]:
        f = GroupFile(path=str(path), name=str(path), size=len(data), start=start,
                      previous=0 if start else None)
        sessions = aider.parse_group([f], lambda _s: None,
                                     None)  # type: ignore[arg-type]  # Aider keeps no state
        return [s.external_id for s in sessions]

    full = ids(0)
    first = old_id("2025-11-02T09:00:00Z", "fix the bug")
    assert [i for i in full if i.startswith(first)] == [first, first + "-2", first + "-3"]
    assert len(set(full)) == len(full) == 6
    for n, start in enumerate(offsets):
        assert ids(start) == full[n:], n
