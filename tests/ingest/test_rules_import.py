"""Every import applies the import rules: skipped sessions are never stored and counted as
excluded, no-text sessions keep their facts but no text anywhere (parser states included),
for an export file and for a growing Claude Code log; the unchanged-file shortcuts count the
same; removing a rule lets the next import store them in full."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from desktop_app.ingest import ImportReport, import_paths
from desktop_app.store import get_transcript, list_sessions, open_db
from desktop_app.store.rules import add_rule, apply_rule, remove_rule
from tests.builders import (
    CODEX_SID,
    append_jsonl,
    assistant,
    current_rollout,
    cursor_state_db,
    cursor_transcript,
    gpt_conversation,
    gpt_message,
    line,
    meta,
    simple_gpt,
    text,
    tokens,
    user,
    write_json,
    write_jsonl,
)

SECRET = "Zanzibarquillmoth"
CLIENT = "/home/alice/work/acme-api"
OWN = "/home/alice/src/blog"
A = "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa"  # in the client's project
B = "bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb"  # in the person's own project


def _counts(report: ImportReport) -> tuple[int, int, int, int]:
    t = report.totals
    return (t["sessions_new"], t["sessions_updated"], t["sessions_unchanged"],
            t["sessions_excluded"])


def _raw_hits(db_path: Path, word: str = SECRET) -> int:
    """The word's letters in the database file and its -wal (see tests/store/test_rules.py)."""
    needle = word.lower()[1:].encode()
    found = 0
    for suffix in ("", "-wal"):
        path = db_path.with_name(db_path.name + suffix)
        if path.exists():
            found += path.read_bytes().lower().count(needle)
    return found


def _touch(path: Path) -> None:
    info = path.stat()
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns + 2_000_000_000))


def _stored(db: Database) -> dict[str, tuple[str, bool]]:
    """external id -> (title, no_text)."""
    return {r.external_id: (r.title, r.no_text) for r in list_sessions(db)}


# --- an export file ------------------------------------------------------------------------------

def _secret_gpt(cid: str, title: str) -> dict[str, Any]:
    return gpt_conversation(cid, [
        gpt_message("u0", "user", f"my {SECRET} password is hunter2", 1_737_552_322.0),
        gpt_message("a0", "assistant", f"Never share {SECRET} passwords", 1_737_552_330.0,
                    model="gpt-4o")], title=title)


def test_chatgpt_export_under_rules(db: Database, db_path: Path, tmp_path: Path) -> None:
    add_rule(db, "skip", "title", "*diary*")
    add_rule(db, "no-text", "title", "*password*")
    path = write_json(tmp_path / "conversations.json", [
        simple_gpt("c1"), _secret_gpt("c2", f"Dear diary: {SECRET}"),
        _secret_gpt("c3", f"{SECRET} password help")])
    first = import_paths(db, [path])
    assert first.ok
    assert _counts(first) == (2, 0, 0, 1)
    assert first.files[0].sessions_excluded == 1
    assert first.to_json()["files"][0]["sessions_excluded"] == 1
    assert first.to_json()["totals"]["sessions_excluded"] == 1
    assert _stored(db) == {"c1": ("A chat", False), "c3": ("ChatGPT session", True)}
    [c3] = [r for r in list_sessions(db) if r.external_id == "c3"]
    assert [(m.role, m.text) for m in get_transcript(db, c3.id)] == [
        ("user", ""), ("assistant", "")]
    assert _raw_hits(db_path) == 0

    # The same file again: the unchanged-file shortcut counts the same.
    assert _counts(import_paths(db, [path])) == (0, 0, 2, 1)
    # The same bytes read again (a new time): the same counts, nothing new stored.
    _touch(path)
    assert _counts(import_paths(db, [path])) == (0, 0, 2, 1)
    assert _raw_hits(db_path) == 0


def test_removing_a_rule_stores_them_on_the_next_import(db: Database, tmp_path: Path) -> None:
    skip, _ = add_rule(db, "skip", "title", "*diary*")
    no_text, _ = add_rule(db, "no-text", "title", "*password*")
    path = write_json(tmp_path / "conversations.json", [
        simple_gpt("c1"), _secret_gpt("c2", "Dear diary"), _secret_gpt("c3", "password help")])
    import_paths(db, [path])
    assert _counts(import_paths(db, [path])) == (0, 0, 2, 1)
    remove_rule(db, skip.id)
    back = import_paths(db, [path])  # the file did not change: read again all the same
    assert _counts(back) == (1, 0, 2, 0)
    assert _stored(db)["c2"] == ("Dear diary", False)
    remove_rule(db, no_text.id)
    text_back = import_paths(db, [path])
    assert _counts(text_back) == (0, 1, 2, 0)
    assert _stored(db)["c3"] == ("password help", False)
    # And the shortcut again, with the right counts.
    assert _counts(import_paths(db, [path])) == (0, 0, 3, 0)


def test_a_rule_added_later_changes_stored_sessions_only_when_applied_or_changed(
        db: Database, db_path: Path, tmp_path: Path) -> None:
    path = write_json(tmp_path / "conversations.json",
                      [simple_gpt("c1"), _secret_gpt("c2", "password help")])
    import_paths(db, [path])
    rule, _ = add_rule(db, "no-text", "title", "*password*")
    _touch(path)
    same = import_paths(db, [path])
    assert _counts(same) == (0, 0, 2, 0)
    assert _stored(db)["c2"] == ("password help", False)  # not applied: left as it is
    # A newer export where the conversation changed: written under the rule, and its old
    # text is really gone from the file.
    newer = _secret_gpt("c2", "password help")
    newer["mapping"]["n1"]["message"]["content"]["parts"] = [f"Rotate the {SECRET} now"]
    newer["update_time"] += 60
    write_json(path, [simple_gpt("c1"), newer])
    changed = import_paths(db, [path])
    assert _counts(changed) == (0, 1, 1, 0)
    assert _stored(db)["c2"] == ("ChatGPT session", True)
    assert _raw_hits(db_path) == 0
    assert apply_rule(db, rule, lambda key: key).sessions == 0  # nothing left to apply to


# --- a growing Claude Code log -----------------------------------------------------------------

def _line_user(uuid: str, sid: str, said: str, ts: str, cwd: str) -> dict[str, Any]:
    return user(uuid, sid, said, ts, cwd=cwd)


def _line_assistant(uuid: str, sid: str, said: str, ts: str, cwd: str, n: int
                    ) -> dict[str, Any]:
    return assistant(uuid, sid, [text(said)], ts, msg=f"msg_{uuid}", req=f"req_{uuid}",
                     out=n, cwd=cwd)


def _projects(root: Path) -> Path:
    """Two sessions: A in the client's project (with a custom title), B in the person's own."""
    projects = root / "projects"
    write_jsonl(projects / "-home-alice-work-acme-api" / f"{A}.jsonl", [
        _line_user("a1", A, f"The {SECRET} API key is sk-123", "2026-02-12T21:03:11Z",
                   CLIENT),
        _line_assistant("a2", A, f"I will not log {SECRET}", "2026-02-12T21:03:15Z",
                        CLIENT, 20),
        {"type": "custom-title", "customTitle": f"{SECRET} key rotation", "sessionId": A},
    ])
    write_jsonl(projects / "-home-alice-src-blog" / f"{B}.jsonl", [
        _line_user("b1", B, "Fix the RSS feed", "2026-02-13T09:00:00Z", OWN),
        _line_assistant("b2", B, "Fixed the feed", "2026-02-13T09:00:10Z", OWN, 30),
    ])
    return projects


def test_claude_code_logs_kept_without_text_as_they_grow(db: Database, db_path: Path,
                                                         tmp_path: Path) -> None:
    add_rule(db, "no-text", "project", "*/work/*")
    projects = _projects(tmp_path)
    first = import_paths(db, [projects])
    assert first.ok, first.files[0].error
    assert _counts(first) == (2, 0, 0, 0)
    rows = {r.external_id: r for r in list_sessions(db)}
    assert (rows[A].title, rows[A].no_text, rows[A].messages, rows[A].project) == (
        "Claude Code session", True, 2, CLIENT)
    assert rows[A].tokens_out == 20
    assert (rows[B].title, rows[B].no_text) == ("Fix the RSS feed", False)
    # Nothing of A is kept to continue it later (a parser's state holds its title and
    # prompts); B's state is kept as usual.
    states = {sid for (sid,) in db.conn.execute("SELECT session_id FROM session_states")}
    assert states == {rows[B].id}
    assert _raw_hits(db_path) == 0

    # Nothing changed: no file is read, the counts are the same.
    assert _counts(import_paths(db, [projects])) == (0, 0, 2, 0)

    # A goes on: read again (from its start: there is no state to go on from), still
    # without text; B goes on too, read from where it stopped.
    append_jsonl(projects / "-home-alice-work-acme-api" / f"{A}.jsonl", [
        _line_user("a3", A, f"And the {SECRET} webhook secret?", "2026-02-12T21:05:00Z",
                   CLIENT),
        _line_assistant("a4", A, "Rotate it as well", "2026-02-12T21:05:09Z", CLIENT, 7),
    ])
    append_jsonl(projects / "-home-alice-src-blog" / f"{B}.jsonl", [
        _line_user("b3", B, "Thanks", "2026-02-13T09:05:00Z", OWN)])
    grown = import_paths(db, [projects])
    assert grown.ok, grown.files[0].error
    assert _counts(grown) == (0, 2, 0, 0)
    rows = {r.external_id: r for r in list_sessions(db)}
    assert (rows[A].no_text, rows[A].messages, rows[A].tokens_out) == (True, 4, 27)
    assert rows[B].messages == 3
    assert {sid for (sid,) in db.conn.execute("SELECT session_id FROM session_states")} == {
        rows[B].id}
    assert _raw_hits(db_path) == 0
    db.close()
    assert _raw_hits(db_path) == 0

    # The same logs into a fresh database give the same facts.
    fresh = open_db(tmp_path / "fresh.db")
    try:
        add_rule(fresh, "no-text", "project", "*/work/*")
        import_paths(fresh, [projects])
        assert {r.external_id: (r.messages, r.tokens_in, r.tokens_out, r.no_text)
                for r in list_sessions(fresh)} == {
            k: (r.messages, r.tokens_in, r.tokens_out, r.no_text) for k, r in rows.items()}
    finally:
        fresh.close()


def test_claude_code_logs_skipped_by_a_rule(db: Database, db_path: Path,
                                            tmp_path: Path) -> None:
    rule, _ = add_rule(db, "skip", "project", "*/work/*")
    projects = _projects(tmp_path)
    first = import_paths(db, [projects])
    assert _counts(first) == (1, 0, 0, 1)
    assert set(_stored(db)) == {B}
    assert db.conn.execute("SELECT count(*) FROM session_states").fetchone()[0] == 1
    assert _raw_hits(db_path) == 0
    assert _counts(import_paths(db, [projects])) == (0, 0, 1, 1)  # nothing read, same counts
    append_jsonl(projects / "-home-alice-work-acme-api" / f"{A}.jsonl", [
        _line_user("a3", A, "More", "2026-02-12T21:05:00Z", CLIENT)])
    assert _counts(import_paths(db, [projects])) == (0, 0, 1, 1)
    assert set(_stored(db)) == {B}
    assert _raw_hits(db_path) == 0
    # Removed: the next scan reads the client's log again and stores A, whole.
    remove_rule(db, rule.id)
    back = import_paths(db, [projects])
    assert back.ok, back.files[0].error
    assert _counts(back) == (1, 0, 1, 0)
    assert _stored(db)[A] == (f"{SECRET} key rotation", False)
    assert [m.text for m in get_transcript(db, list_sessions(db)[-1].id)][:1] == [
        f"The {SECRET} API key is sk-123"]


def test_a_log_file_given_directly(db: Database, db_path: Path, tmp_path: Path) -> None:
    add_rule(db, "no-text", "source", "claude-code")
    path = _projects(tmp_path) / "-home-alice-work-acme-api" / f"{A}.jsonl"
    assert _counts(import_paths(db, [path])) == (1, 0, 0, 0)
    assert _counts(import_paths(db, [path])) == (0, 0, 1, 0)
    assert _stored(db) == {A: ("Claude Code session", True)}
    assert _raw_hits(db_path) == 0


# --- Codex: a sub-agent's text goes nowhere either ---------------------------------------------

SUB = "019c8a90-0000-7000-8000-000000000009"


def test_codex_parent_and_sub_agent_without_text(db: Database, db_path: Path,
                                                 tmp_path: Path) -> None:
    add_rule(db, "no-text", "source", "codex")
    day = tmp_path / "sessions" / "2026" / "02" / "23"
    parent = current_rollout()
    parent.insert(4, line("2026-02-23T12:19:42.564Z", "event_msg", {
        "type": "user_message", "message": f"keep {SECRET} out of the logs"}))
    write_jsonl(day / f"rollout-2026-02-23T13-19-38-{CODEX_SID}.jsonl", parent)
    sub = [
        meta(SUB, "2026-02-23T12:19:50.000Z",
             source={"subagent": {"thread_spawn": {"parent_thread_id": CODEX_SID,
                                                   "depth": 1}}}),
        line("2026-02-23T12:19:51.000Z", "event_msg", {"type": "user_message",
                                                       "message": f"look for {SECRET}"}),
        line("2026-02-23T12:19:52.000Z", "event_msg", {"type": "thread_name_updated",
                                                       "thread_name": f"{SECRET} hunt"}),
        tokens("2026-02-23T12:19:55.000Z", 5000, 100, 5000, 100),
        # A reasoning summary still waiting for its answer when the file ends.
        line("2026-02-23T12:19:56.000Z", "response_item", {
            "type": "reasoning", "summary": [{"type": "summary_text",
                                              "text": f"{SECRET} is in config.py"}]}),
    ]
    write_jsonl(day / f"rollout-2026-02-23T13-19-50-{SUB}.jsonl", sub)
    report = import_paths(db, [tmp_path / "sessions"])
    assert report.ok, report.files[0].error
    [row] = list_sessions(db)
    assert (row.title, row.no_text, row.tokens_in, row.tokens_out) == (
        "Codex session", True, 45000, 1000)  # the sub-agent's tokens count toward it
    assert _raw_hits(db_path) == 0
    # The sub-agent goes on: read from where it stopped, its text still kept nowhere.
    append_jsonl(day / f"rollout-2026-02-23T13-19-50-{SUB}.jsonl", [
        line("2026-02-23T12:20:01.000Z", "response_item", {
            "type": "message", "role": "assistant",
            "content": [{"type": "output_text", "text": f"found {SECRET}"}]}),
        tokens("2026-02-23T12:20:02.000Z", 6000, 150, 1000, 50)])
    grown = import_paths(db, [tmp_path / "sessions"])
    assert grown.ok, grown.files[0].error
    [row] = list_sessions(db)
    assert (row.no_text, row.tokens_in, row.tokens_out) == (True, 46000, 1050)
    assert _raw_hits(db_path) == 0


# --- Cursor: a state without text is kept ------------------------------------------------------

def test_cursor_chat_without_text_still_shadows_its_transcript(db: Database,
                                                                tmp_path: Path) -> None:
    """The note that a chat was read from Cursor's database holds no text: it is kept for a
    session stored without text, so the chat's agent transcript is still not read as a copy
    of it."""
    from tests.importers.test_cursor import CID, SHADOWED, TXT, composer_v3

    add_rule(db, "no-text", "source", "cursor")
    global_db = cursor_state_db(tmp_path / "Cursor" / "User" / "globalStorage" /
                                "state.vscdb", composer_v3())
    assert import_paths(db, [global_db]).totals["sessions_new"] == 1
    assert db.conn.execute("SELECT state FROM session_states").fetchall() == [
        ('{"read_from":"state.vscdb"}',)]
    projects = tmp_path / "projects"
    cursor_transcript(projects, "home-alice-app", CID, TXT)
    report = import_paths(db, [projects])
    assert _counts(report) == (0, 0, 0, 0)
    assert [s.reason for s in report.files[0].skipped] == [SHADOWED]
    [row] = list_sessions(db)
    assert (row.no_text, row.title, row.tokens_in, row.messages) == (
        True, "Cursor session", 1200, 4)
