"""Older copies: whatever the order of exports, batch zips and shards, the newest copy is kept.

Claude.ai exports come as several batch zips and people import old and new exports in any
order. The newest copy of each conversation wins (by the source's update time; without one, a
copy must have more messages to replace the stored one); an older copy is counted unchanged and
listed in ``skipped``. The database ends exactly as if only the newest copy had been imported.
"""

from __future__ import annotations

import itertools
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from sqlite_utils import Database

from desktop_app.demo.exports import sessions_for
from desktop_app.domain import make_session_id
from desktop_app.importers import claude_ai, registry
from desktop_app.ingest import batches, import_paths
from desktop_app.ingest import unchanged as whole_files
from desktop_app.ingest.batches import OLDER_COPY
from desktop_app.ingest.report import FileReport
from desktop_app.store import list_sessions, open_db, save_sessions
from desktop_app.store.files import FileState, save_file_states
from desktop_app.store.sessions import SessionQuery
from tests.builders import (
    request,
    simple_claude,
    simple_gpt,
    write_json,
    write_jsonl,
    write_zip,
)

CID = "28d595a3-5db0-492d-a49a-af74f446a5fd"
OTHER = "f1d2d2f9-24bb-4d5c-a6d2-4a1f3b5e9c0e"


# --- what a database holds, to compare two of them -----------------------------------------------


def rows(db: Database) -> tuple[list[Any], list[Any]]:
    """Every stored fact of every session and message, without the keys an import assigns."""
    sessions = db.conn.execute(
        "SELECT id, source, external_id, title, started_at, ended_at, message_count, "
        "user_message_count, model, tokens_in, tokens_out, cost, project, content_hash, "
        "fingerprint, hidden_branches, tool_thumbs, updated_at, parser_version "
        "FROM sessions ORDER BY id").fetchall()
    messages = db.conn.execute(
        "SELECT s.id, m.seq, m.role, m.time, m.text, m.model FROM messages m "
        "JOIN sessions s ON s.key = m.session_key ORDER BY s.id, m.seq").fetchall()
    return sessions, messages


def found(db: Database, words: str) -> list[str]:
    """External ids of the sessions a search finds (title and message text)."""
    return sorted(r.external_id for r in list_sessions(db, SessionQuery(search=words)))


def fresh_db(tmp_path: Path, name: str) -> Database:
    return open_db(tmp_path / name / "worthwhile.db")


def expected_reports(order: list[int]) -> list[tuple[int, int, int, int]]:
    """(new, updated, unchanged, older copies listed) per path, by the rule: versions are
    numbered oldest first, and one is stored only when newer than the stored one."""
    stored: int | None = None
    out = []
    for version in order:
        if stored is None:
            out.append((1, 0, 0, 0))
            stored = version
        elif version > stored:
            out.append((0, 1, 0, 0))
            stored = version
        else:
            out.append((0, 0, 1, 1))
    return out


def counts(report: FileReport) -> tuple[int, int, int, int]:
    older = [s for s in report.skipped if s.reason == OLDER_COPY]
    return (report.sessions_new, report.sessions_updated, report.sessions_unchanged, len(older))


# --- Claude.ai: the same conversation in three exports --------------------------------------------


def claude_version(version: int) -> dict[str, Any]:
    """Version 0, 1 or 2 of one conversation: each has one more exchange, and version 1 edited
    its first answer (so the newest is not a plain continuation of every older one)."""
    conv = simple_claude(CID, version + 2)
    if version == 1:
        conv["chat_messages"][1]["text"] = "an answer with zebra in it, edited later"
    conv["name"] = ["Plan the trip", "Plan the trip", "Trip plan (final)"][version]
    conv["updated_at"] = f"2025-07-06T03:{20 + version:02d}:00.{version}00000Z"
    return conv


def claude_batch(folder: Path, version: int, index: int = 0) -> Path:
    """An export batch zip as Claude.ai sends it: conversations plus users and projects."""
    other = simple_claude(OTHER, 1, day=5)
    other["updated_at"] = "2025-07-05T03:11:00Z"
    return write_zip(folder / f"data-2025-07-0{6 + version}-batch-{index:04d}.zip", {
        "conversations.json": [claude_version(version), other],
        "users.json": [{"uuid": "acc-1", "full_name": "Alice", "email_address": "a@x.org"}],
        "projects.json": [],
    })


@pytest.mark.parametrize("order", list(itertools.permutations(range(3))),
                         ids=lambda order: "".join(map(str, order)))
def test_claude_exports_in_any_order_end_as_the_newest_alone(tmp_path: Path,
                                                              order: tuple[int, ...]) -> None:
    zips = [claude_batch(tmp_path / f"export-{v}", v) for v in range(3)]
    alone = fresh_db(tmp_path, "alone")
    assert import_paths(alone, [zips[2]]).ok

    db = fresh_db(tmp_path, "any-order")
    reports = [import_paths(db, [zips[v]]) for v in order]
    assert rows(db) == rows(alone)
    # Per path: the copy stored is new, then updated by newer ones; older ones are unchanged.
    # The other conversation, the same in every export, is new once and unchanged after.
    assert [counts(r.files[0]) for r in reports] == [
        (new + (1 if i == 0 else 0), updated, unchanged + (0 if i == 0 else 1), older)
        for i, (new, updated, unchanged, older) in enumerate(expected_reports(list(order)))]
    for report in reports:
        for item in report.files[0].skipped:
            assert item.what.endswith(f"!conversations.json: Plan the trip ({CID})")
    [row] = [r for r in list_sessions(db) if r.external_id == CID]
    assert (row.title, row.messages) == ("Trip plan (final)", 8)
    assert found(db, "zebra") == []  # the edited answer of version 1 left no trace


def test_claude_batch_zips_in_one_folder_keep_the_newest(tmp_path: Path) -> None:
    alone = fresh_db(tmp_path, "alone")
    assert import_paths(alone, [claude_batch(tmp_path / "newest", 2)]).ok
    for order in itertools.permutations(range(3)):
        folder = tmp_path / ("folder-" + "".join(map(str, order)))
        for index, version in enumerate(order):  # the folder is read in name order
            claude_batch(folder, version, index).rename(
                folder / f"data-batch-{index:04d}.zip")
        db = fresh_db(tmp_path, folder.name + "-db")
        report = import_paths(db, [folder]).files[0]
        assert report.error is None
        assert rows(db) == rows(alone), order
        # Each copy counted once: the kept one as new, the two older ones as unchanged (the
        # other conversation, met three times, is the same copy: counted once).
        assert (report.sessions_new, report.sessions_updated, report.sessions_unchanged,
                report.messages) == (2, 0, 2, 8 + 2), order
        older = sorted(s.what for s in report.skipped)
        assert older == sorted(
            f"{folder}/data-batch-{order.index(v):04d}.zip!conversations.json: "
            f"Plan the trip ({CID})" for v in (0, 1)), order
        assert {s.reason for s in report.skipped} == {OLDER_COPY}
        # Imported again: the same answer, nothing written.
        again = import_paths(db, [folder]).files[0]
        assert (again.sessions_new, again.sessions_updated, again.sessions_unchanged) == (0, 0, 4)
        assert len(again.skipped) == 2
        assert rows(db) == rows(alone)


def test_a_folder_over_a_stored_copy_counts_each_copy_once(tmp_path: Path) -> None:
    db = fresh_db(tmp_path, "db")
    assert import_paths(db, [claude_batch(tmp_path / "middle", 1)]).ok
    folder = tmp_path / "folder"
    claude_batch(folder, 1, 0)  # equal to the stored copy: it stands for it...
    claude_batch(folder, 2, 1)  # ... until the newer one replaces it
    claude_batch(folder, 0, 2)  # older than both
    report = import_paths(db, [folder]).files[0]
    assert (report.sessions_new, report.sessions_updated, report.sessions_unchanged) == (0, 1, 3)
    assert report.messages == 8
    assert sorted(s.what.split("!")[0].rsplit("/", 1)[1] for s in report.skipped) == [
        "data-2025-07-06-batch-0002.zip", "data-2025-07-07-batch-0000.zip"]
    alone = fresh_db(tmp_path, "alone")
    import_paths(alone, [claude_batch(tmp_path / "newest", 2)])
    assert rows(db) == rows(alone)


def test_a_member_that_fails_takes_its_decisions_back(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(batches, "BATCH_SESSIONS", 1)  # the newer copy is saved before the cut
    newer = json.dumps([claude_version(2)])
    path = write_zip(tmp_path / "export.zip", {
        "a/conversations.json": [claude_version(0)],
        # The newer copy, then the file is cut off: the member is rolled back as a whole.
        "b/conversations.json": newer[:-1] + ', {"uuid": "x", "chat_messa',
    })
    db = fresh_db(tmp_path, "db")
    report = import_paths(db, [path]).files[0]
    assert report.error is None
    assert (report.sessions_new, report.sessions_updated, report.sessions_unchanged) == (1, 0, 0)
    [skipped] = report.skipped
    assert skipped.what == f"{path}!b/conversations.json"
    assert skipped.reason != OLDER_COPY
    [row] = list_sessions(db)
    assert row.messages == 4


# --- ChatGPT: exports and shards ------------------------------------------------------------------


def gpt_version(version: int) -> dict[str, Any]:
    """Version 0, 1 or 2 of one ChatGPT conversation (its ``update_time`` moves each time)."""
    conv = simple_gpt("conv-1", version + 1, title=f"Regex help v{version}")
    conv["update_time"] = 1_737_553_000.25 + 60 * version
    return conv


def gpt_export(folder: Path, version: int) -> Path:
    return write_zip(folder / f"export-{version}.zip", {
        "conversations.json": [gpt_version(version), simple_gpt("conv-2")],
        "user.json": {"id": "user-1"},
    })


@pytest.mark.parametrize("order", list(itertools.permutations(range(3))),
                         ids=lambda order: "".join(map(str, order)))
def test_chatgpt_exports_in_any_order_end_as_the_newest_alone(tmp_path: Path,
                                                               order: tuple[int, ...]) -> None:
    exports = [gpt_export(tmp_path / f"e{v}", v) for v in range(3)]
    alone = fresh_db(tmp_path, "alone")
    assert import_paths(alone, [exports[2]]).ok
    db = fresh_db(tmp_path, "any-order")
    reports = [import_paths(db, [exports[v]]) for v in order]
    assert rows(db) == rows(alone)
    assert [counts(r.files[0]) for r in reports] == [
        (new + (1 if i == 0 else 0), updated, unchanged + (0 if i == 0 else 1), older)
        for i, (new, updated, unchanged, older) in enumerate(expected_reports(list(order)))]
    # All imported once more, in the same order: nothing changes, the older copies are listed.
    again = [import_paths(db, [exports[v]]).files[0] for v in order]
    assert [(r.sessions_new, r.sessions_updated, r.sessions_unchanged) for r in again] == [
        (0, 0, 2)] * 3
    assert sorted(len(r.skipped) for r in again) == [0, 1, 1]
    assert rows(db) == rows(alone)


@pytest.mark.parametrize("shards", [(0, 2), (2, 0)], ids=["older-first", "newer-first"])
def test_shards_with_a_copy_skipped_by_its_fingerprint(tmp_path: Path,
                                                      shards: tuple[int, int]) -> None:
    db = fresh_db(tmp_path, "db")
    assert import_paths(db, [gpt_export(tmp_path / "before", 0)]).ok
    # Shards of one export holding two copies of the conversation: the stored one (not even
    # parsed: its fingerprint is known) and a newer one.
    path = write_zip(tmp_path / "sharded.zip", {
        f"conversations-00{i}.json": [gpt_version(v)] for i, v in enumerate(shards)})
    report = import_paths(db, [path]).files[0]
    assert (report.sessions_new, report.sessions_updated, report.sessions_unchanged) == (0, 1, 1)
    assert [s.reason for s in report.skipped] == [OLDER_COPY]
    assert report.skipped[0].what.endswith(f"({'conv-1'})")
    [row] = [r for r in list_sessions(db) if r.external_id == "conv-1"]
    assert (row.title, row.messages) == ("Regex help v2", 6)


# --- sessions shrunk before this fix are repaired -------------------------------------------------


def test_a_session_shrunk_by_an_older_copy_is_repaired_by_the_newer_file(tmp_path: Path) -> None:
    """What the earlier release left behind: the newer zip remembered as imported, and the
    session replaced by the older copy imported after it (no update time, no parser version).
    The next import of the newer zip reads it again (the parser's version changed) and
    restores the session."""
    newer = claude_batch(tmp_path / "new", 2)
    [conv, other] = json.loads(zipfile.ZipFile(newer).read("conversations.json"))
    db = fresh_db(tmp_path, "db")
    with db.atomic():  # as the earlier release stored them: version "1", no update times
        for stored in (conv, other, claude_version(0)):
            save_sessions(db, [claude_ai.conversation_session(stored, stored["uuid"])],
                          parser_version="1")
            db.conn.execute("UPDATE sessions SET updated_at = NULL, parser_version = NULL")
        key, size, mtime_ns = whole_files.file_key(newer)
        save_file_states(db, [FileState(key, "claude-ai", "whole:1", size, mtime_ns, size,
                                        (make_session_id("claude-ai", CID),
                                         make_session_id("claude-ai", OTHER)))])
    assert [r.messages for r in list_sessions(db) if r.external_id == CID] == [4]

    report = import_paths(db, [newer]).files[0]
    assert (report.sessions_updated, report.sessions_unchanged, report.skipped) == (2, 0, [])
    alone = fresh_db(tmp_path, "alone")
    import_paths(alone, [newer])
    assert rows(db) == rows(alone)


# --- without update times: a prefix is older, the longer thread wins, a tie keeps the stored ---


def generic_csv(path: Path, texts: list[str]) -> Path:
    """A generic CSV file of one session (no update time in this format)."""
    lines = ["session_id,time,role,text,title"]
    for i, text in enumerate(texts):
        role = "user" if i % 2 == 0 else "assistant"
        lines.append(f"p-1,2026-03-02T09:{15 + i:02d}:00Z,{role},{text},Sunglasses")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_without_update_times_the_longer_thread_wins(tmp_path: Path) -> None:
    db = fresh_db(tmp_path, "db")
    full = generic_csv(tmp_path / "full.csv", ["q1", "a1", "q2", "a2"])
    prefix = generic_csv(tmp_path / "prefix.csv", ["q1", "a1"])
    edited = generic_csv(tmp_path / "edited.csv", ["q1", "a1", "q2", "a2 edited"])
    longer = generic_csv(tmp_path / "longer.csv", ["q1", "a1 branch", "q2", "a2", "q3"])

    def transcript() -> list[str]:
        [row] = list_sessions(db)
        return [m[0] for m in db.conn.execute(
            "SELECT text FROM messages WHERE session_key = (SELECT key FROM sessions "
            "WHERE id = ?) ORDER BY seq", (row.id,))]

    assert import_paths(db, [full]).totals["sessions_new"] == 1
    for older in (prefix, edited):  # a prefix is older; an edit of equal length: a tie
        report = import_paths(db, [older]).files[0]
        assert (report.sessions_updated, report.sessions_unchanged) == (0, 1)
        assert [s.reason for s in report.skipped] == [OLDER_COPY]
        assert transcript() == ["q1", "a1", "q2", "a2"]
    report = import_paths(db, [longer]).files[0]  # neither a prefix: more messages win
    assert (report.sessions_updated, report.skipped) == (1, [])
    assert transcript() == ["q1", "a1 branch", "q2", "a2", "q3"]
    report = import_paths(db, [full]).files[0]
    assert (report.sessions_updated, report.sessions_unchanged) == (0, 1)


# --- a tool's own logs are read again as they change -------------------------------------------


def copilot_log(path: Path, answers: list[str]) -> Path:
    """A Copilot operation log (no ``lastMessageDate``, as VS Code starts one)."""
    start = {"version": 3, "sessionId": "chat-1", "creationDate": 1770650022790,
             "customTitle": "", "requests": [], "responderUsername": "GitHub Copilot"}
    ops: list[Any] = [{"kind": 0, "v": start}]
    for i, answer in enumerate(answers):
        ops.append({"kind": 2, "k": ["requests"], "v": [
            request(f"r{i}", f"question {i}", 1770650031889 + 1000 * i, [{"value": answer}])]})
    return write_jsonl(path, ops)


def chats_folder(root: Path, workspace: str) -> Path:
    ws = root / "Code" / "User" / "workspaceStorage" / workspace
    write_json(ws / "workspace.json", {"folder": f"file:///home/alice/{workspace}"})
    return ws / "chatSessions"


def test_a_log_read_again_replaces_the_stored_session_whatever_its_length(
        tmp_path: Path) -> None:
    db = fresh_db(tmp_path, "db")
    log = copilot_log(chats_folder(tmp_path, "app") / "chat-1.jsonl", ["one", "two"])
    assert import_paths(db, [log]).totals["sessions_new"] == 1
    # The person undid the last request: the log now holds less, and it is the truth.
    copilot_log(log, ["one"])
    report = import_paths(db, [log]).files[0]
    assert (report.sessions_updated, report.skipped) == (1, [])
    assert list_sessions(db)[0].messages == 2
    # An answer rewritten in place: as many messages, different text.
    copilot_log(log, ["one, streamed to its end"])
    assert import_paths(db, [log]).totals["sessions_updated"] == 1
    assert found(db, "streamed") == ["chat-1"]


@pytest.mark.parametrize("longer_first", [True, False])
def test_one_log_session_in_two_folders_of_one_path_keeps_the_longer(
        tmp_path: Path, longer_first: bool) -> None:
    answers = [["one", "two", "three"], ["one"]]
    if not longer_first:
        answers.reverse()
    for workspace, texts in zip(("a-ws", "b-ws"), answers, strict=True):
        copilot_log(chats_folder(tmp_path, workspace) / "chat-1.jsonl", texts)
    db = fresh_db(tmp_path, "db")
    report = import_paths(db, [tmp_path / "Code"]).files[0]
    assert report.error is None
    assert (report.sessions_new, report.sessions_unchanged) == (1, 1)
    assert [s.reason for s in report.skipped] == [OLDER_COPY]
    assert list_sessions(db)[0].messages == 6



# --- every source that records an update time gives it -------------------------------------------


@pytest.mark.parametrize("source", ["chatgpt", "claude-ai", "open-webui", "copilot",
                                    "gemini-cli", "cursor"])
def test_sources_with_an_update_time_store_it(tmp_path: Path, source: str) -> None:
    """Each source's own writer writes its update time (``update_time``, ``updated_at``,
    ``lastMessageDate``, ``lastUpdated``, ``lastUpdatedAt``): every session stores one, never
    earlier than its last message."""
    spec = registry.spec(source)
    assert spec.writer is not None
    written = list(sessions_for(source, 5))
    path = spec.writer(iter(written), tmp_path / "out")
    db = fresh_db(tmp_path, "db")
    assert import_paths(db, [path]).ok
    stored = db.conn.execute("SELECT updated_at, ended_at FROM sessions").fetchall()
    assert len(stored) == 5
    assert all(updated is not None and updated[:19] >= ended[:19] for updated, ended in stored)


def test_sources_without_an_update_time_store_none(tmp_path: Path) -> None:
    db = fresh_db(tmp_path, "db")
    csv = generic_csv(tmp_path / "rows.csv", ["q1", "a1"])
    log = copilot_log(chats_folder(tmp_path, "app") / "chat-1.jsonl", ["one"])
    assert import_paths(db, [csv, log]).ok
    assert db.conn.execute("SELECT count(*) FROM sessions WHERE updated_at IS NULL "
                           "AND parser_version IS NOT NULL").fetchone()[0] == 2


def test_a_log_copy_grown_beside_an_unchanged_one_is_kept(tmp_path: Path) -> None:
    """The same chat in two workspaces: the one that did not change is not even read again, and
    the copy that grew still replaces the stored one (it used to be dropped as met already)."""
    copilot_log(chats_folder(tmp_path, "a-ws") / "chat-1.jsonl", ["one", "two"])
    grown = copilot_log(chats_folder(tmp_path, "b-ws") / "chat-1.jsonl", ["one"])
    db = fresh_db(tmp_path, "db")
    first = import_paths(db, [tmp_path / "Code"]).files[0]
    assert (first.sessions_new, first.sessions_unchanged, len(first.skipped)) == (1, 1, 1)
    copilot_log(grown, ["one", "two", "three"])
    again = import_paths(db, [tmp_path / "Code"]).files[0]
    assert (again.sessions_new, again.sessions_updated, again.sessions_unchanged) == (0, 1, 1)
    assert [s.reason for s in again.skipped] == [OLDER_COPY]
    assert list_sessions(db)[0].messages == 6
