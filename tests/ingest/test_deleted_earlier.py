"""A deleted session stays deleted when its export or log is imported again, and the report
counts it as "deleted earlier"; forgetting the tombstones brings it back."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlite_utils import Database

from desktop_app.demo.exports import write_export
from desktop_app.domain import Message, Rating, Verdict
from desktop_app.importers.registry import SPECS
from desktop_app.ingest import ImportReport, import_paths
from desktop_app.store import (
    count_sessions,
    get_rating,
    get_transcript,
    list_sessions,
    set_rating,
)
from desktop_app.store.deletion import delete_sessions, forget_tombstones
from tests.builders import (
    S1,
    S2,
    append_jsonl,
    assistant,
    project_with_subagent_and_fork,
    simple_gpt,
    text,
    user,
    write_json,
    write_zip,
)


def _ids(db: Database) -> dict[str, str]:
    """Stored sessions: external id -> id."""
    return {r.external_id: r.id for r in list_sessions(db)}


def _counts(report: ImportReport) -> tuple[int, int, int, int]:
    t = report.totals
    return (t["sessions_new"], t["sessions_updated"], t["sessions_unchanged"],
            t["sessions_deleted_earlier"])


def _touch(path: Path) -> None:
    info = path.stat()
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns + 2_000_000_000))


def test_chatgpt_export_again_keeps_it_deleted(db: Database, tmp_path: Path) -> None:
    path = write_json(tmp_path / "conversations.json",
                      [simple_gpt("c1", 2), simple_gpt("c2"), simple_gpt("c3")])
    import_paths(db, [path])
    ids = _ids(db)
    set_rating(db, ids["c1"], Rating(Verdict.USEFUL, note="mine"))
    delete_sessions(db, [ids["c1"]])

    # The same file, untouched: the unchanged-file shortcut counts it as deleted earlier.
    again = import_paths(db, [path])
    assert again.ok
    assert _counts(again) == (0, 0, 2, 1)
    assert again.files[0].sessions_deleted_earlier == 1
    assert set(_ids(db)) == {"c2", "c3"}

    # The same bytes with a new time: parsed again, still not stored.
    _touch(path)
    parsed = import_paths(db, [path])
    assert _counts(parsed) == (0, 0, 2, 1)
    assert set(_ids(db)) == {"c2", "c3"}
    assert get_rating(db, ids["c1"]) == Rating()  # the rating went with it, for good

    # A newer export that changed the deleted conversation: still deleted.
    write_json(path, [simple_gpt("c1", 3), simple_gpt("c2"), simple_gpt("c3"),
                      simple_gpt("c4")])
    newer = import_paths(db, [path])
    assert _counts(newer) == (1, 0, 2, 1)
    assert set(_ids(db)) == {"c2", "c3", "c4"}


def test_forgetting_tombstones_brings_it_back_on_the_next_import(db: Database,
                                                                 tmp_path: Path) -> None:
    path = write_json(tmp_path / "conversations.json", [simple_gpt("c1", 2), simple_gpt("c2")])
    import_paths(db, [path])
    delete_sessions(db, [_ids(db)["c1"]])
    assert _counts(import_paths(db, [path])) == (0, 0, 1, 1)
    assert forget_tombstones(db) == 1
    back = import_paths(db, [path])  # the file itself did not change: read again all the same
    assert _counts(back) == (1, 0, 1, 0)
    assert set(_ids(db)) == {"c1", "c2"}
    assert [m.text for m in _transcript(db, "c1")][:1] == ["question 0 of c1"]
    # And the next import of the same file takes the shortcut again, with the right counts.
    assert _counts(import_paths(db, [path])) == (0, 0, 2, 0)


def _transcript(db: Database, external_id: str) -> list[Message]:
    return get_transcript(db, _ids(db)[external_id])


def test_a_session_twice_in_one_zip_is_counted_once(db: Database, tmp_path: Path) -> None:
    conversations = [simple_gpt("c1"), simple_gpt("c2")]
    path = write_json(tmp_path / "conversations.json", conversations)
    import_paths(db, [path])
    delete_sessions(db, [_ids(db)["c1"]])
    both = write_zip(tmp_path / "two.zip", {"a/conversations.json": json.dumps(conversations),
                                            "b/conversations.json": json.dumps(conversations)})
    report = import_paths(db, [both])
    assert report.ok
    assert _counts(report) == (0, 0, 1, 1)  # each session once, whatever the copies
    assert count_sessions(db) == 1


def test_counts_match_what_is_stored_over_several_paths(db: Database, tmp_path: Path) -> None:
    a = write_json(tmp_path / "a" / "conversations.json", [simple_gpt("c1"), simple_gpt("c2")])
    b = write_json(tmp_path / "b" / "conversations.json", [simple_gpt("c3"), simple_gpt("c1")])
    import_paths(db, [a, b])
    ids = _ids(db)
    delete_sessions(db, [ids["c1"], ids["c3"]])
    report = import_paths(db, [a, b])
    assert [(f.sessions_unchanged, f.sessions_deleted_earlier) for f in report.files] == [
        (1, 1), (0, 2)]
    assert report.to_json()["totals"]["sessions_deleted_earlier"] == 3  # per path, as documented
    assert count_sessions(db) == 1


def test_claude_code_logs_again_keep_it_deleted(db: Database, tmp_path: Path) -> None:
    project = project_with_subagent_and_fork(tmp_path)
    root = project.parent
    first = import_paths(db, [root])
    assert _counts(first) == (2, 0, 0, 0)
    ids = _ids(db)
    delete_sessions(db, [ids[S1]])

    # Nothing changed: no file is read again, and S1 is counted as deleted earlier.
    again = import_paths(db, [root])
    assert again.ok
    assert _counts(again) == (0, 0, 1, 1)
    assert set(_ids(db)) == {S2}

    # The deleted session goes on in its log: still deleted (read again from its start).
    append_jsonl(project / f"{S1}.jsonl", [
        user("u9", S1, "Thanks, now the docs", "2026-02-12T21:05:00Z"),
        assistant("a9", S1, [text("Docs updated")], "2026-02-12T21:05:09Z", msg="msg_9",
                  req="req_9", out=7),
    ])
    grown = import_paths(db, [root])
    assert grown.ok, grown.files[0].error
    assert _counts(grown) == (0, 0, 1, 1)
    assert set(_ids(db)) == {S2}
    # Nothing of it is kept to continue it later either (a parser's state holds its text).
    assert db.conn.execute("SELECT count(*) FROM session_states WHERE session_id = ?",
                           (ids[S1],)).fetchone()[0] == 0
    assert "Add a --dry-run flag" not in "".join(
        str(row) for row in db.conn.execute("SELECT * FROM session_states"))

    # The other session goes on: updated as usual, S1 still counted as deleted.
    append_jsonl(project / f"{S2}.jsonl", [
        user("c1", S2, "One more thing", "2026-02-13T10:00:00Z"),
        assistant("c2", S2, [text("Done too")], "2026-02-13T10:00:05Z", msg="msg_c",
                  req="req_c", out=3),
    ])
    other = import_paths(db, [root])
    assert _counts(other) == (0, 1, 0, 1)
    assert set(_ids(db)) == {S2}

    # Forgotten: the next scan brings S1 back, whole.
    forget_tombstones(db)
    back = import_paths(db, [root])
    assert back.ok, back.files[0].error
    assert _counts(back) == (1, 0, 1, 0)
    fresh = tmp_path / "fresh.db"
    from desktop_app.store import open_db

    other_db = open_db(fresh)
    try:
        import_paths(other_db, [root])
        expected = {r.external_id: (r.messages, r.tokens_in, r.tokens_out)
                    for r in list_sessions(other_db)}
    finally:
        other_db.close()
    assert {r.external_id: (r.messages, r.tokens_in, r.tokens_out)
            for r in list_sessions(db)} == expected


def test_a_claude_code_file_given_directly(db: Database, tmp_path: Path) -> None:
    project = project_with_subagent_and_fork(tmp_path)
    path = project / f"{S2}.jsonl"
    import_paths(db, [path])
    delete_sessions(db, [_ids(db)[S2]])
    again = import_paths(db, [path])
    assert again.ok
    assert _counts(again) == (0, 0, 0, 1)
    assert count_sessions(db) == 0


def test_cli_import_says_deleted_earlier(db: Database, db_path: Path, tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    from desktop_app.cli import main

    path = write_json(tmp_path / "conversations.json", [simple_gpt("c1"), simple_gpt("c2")])
    import_paths(db, [path])
    delete_sessions(db, [_ids(db)["c1"]])
    db.close()
    assert main(["--db", str(db_path), "import", str(path)]) == 0
    out = capsys.readouterr().out
    assert f"{path}: chatgpt: 0 new, 0 updated, 1 unchanged, 0 messages, deleted earlier: 1" in out
    assert "Total: 0 new, 0 updated, 1 unchanged, deleted earlier: 1" in out
    assert main(["--db", str(db_path), "import", str(path), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["files"][0]["sessions_deleted_earlier"] == 1
    assert report["totals"] == {"sessions_new": 0, "sessions_updated": 0,
                                "sessions_unchanged": 1,
                                    "sessions_deleted_earlier": 1, "sessions_excluded": 0}


def test_report_text_without_deletions_reads_as_before(db_path: Path, tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    from desktop_app.cli import main

    path = write_json(tmp_path / "conversations.json", [simple_gpt("c1")])
    assert main(["--db", str(db_path), "import", str(path)]) == 0
    out = capsys.readouterr().out
    assert "deleted earlier" not in out
    assert "Total: 1 new, 0 updated, 0 unchanged\n" in out


WRITTEN = [spec.name for spec in SPECS if spec.writer is not None]


@pytest.mark.parametrize("source", WRITTEN)
def test_every_source_keeps_a_deleted_session_deleted(source: str, tmp_path: Path) -> None:
    from desktop_app.store import open_db

    path = write_export(source, 4, tmp_path / "export")
    db = open_db(tmp_path / "w.db")
    try:
        first = import_paths(db, [path])
        assert first.ok, first.files[0].error
        stored = {r.id for r in list_sessions(db)}
        victim = sorted(stored)[0]
        delete_sessions(db, [victim])
        again = import_paths(db, [path])
        assert again.ok, again.files[0].error
        assert again.totals["sessions_deleted_earlier"] == 1
        assert again.totals["sessions_new"] == 0
        assert {r.id for r in list_sessions(db)} == stored - {victim}
        forget_tombstones(db)
        back = import_paths(db, [path])
        assert back.ok, back.files[0].error
        assert (back.totals["sessions_new"], back.totals["sessions_deleted_earlier"]) == (1, 0)
        assert {r.id for r in list_sessions(db)} == stored
    finally:
        db.close()


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(n=st.integers(min_value=1, max_value=8), data=st.data(), touched=st.booleans())
def test_delete_then_reimport_keeps_exactly_the_deleted_out(
        tmp_path_factory: pytest.TempPathFactory, n: int, data: st.DataObject,
        touched: bool) -> None:
    from desktop_app.store import open_db

    folder = tmp_path_factory.mktemp("prop")
    path = write_json(folder / "conversations.json", [simple_gpt(f"c{i}") for i in range(n)])
    db = open_db(folder / "w.db")
    try:
        import_paths(db, [path])
        ids = sorted(_ids(db).values())
        gone = set(data.draw(st.lists(st.sampled_from(ids), unique=True)))
        delete_sessions(db, sorted(gone))
        if touched:
            _touch(path)  # read again instead of the unchanged-file shortcut
        report = import_paths(db, [path])
        assert set(_ids(db).values()) == set(ids) - gone
        assert _counts(report) == (0, 0, n - len(gone), len(gone))
    finally:
        db.close()


GROUP_WRITTEN = [spec.name for spec in SPECS if spec.group is not None and spec.writer]


@settings(max_examples=30, deadline=None)
@given(source=st.sampled_from(GROUP_WRITTEN), n=st.integers(1, 5), seed=st.integers(0, 2**16),
       data=st.data(), rewritten=st.booleans())
def test_delete_then_reimport_keeps_exactly_the_deleted_out_of_logs_read_in_groups(
        source: str, n: int, seed: int, data: st.DataObject, rewritten: bool) -> None:
    """The same for the coding tools' logs, which are read file by file and remembered (a
    session may span files, a file may hold several): whether the files are taken as
    unchanged or read again, the deleted sessions stay out; forgetting lets them back at the
    next import, files unchanged."""
    from desktop_app.store import open_db

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path = write_export(source, n, folder / "logs", seed=seed)

        def rewrite() -> None:  # the same bytes, new files: read again, not skipped
            shutil.rmtree(path) if path.is_dir() else path.unlink()
            write_export(source, n, folder / "logs", seed=seed)

        db = open_db(folder / "w.db")
        try:
            first = import_paths(db, [path])
            assert first.ok, first.files[0].error
            ids = sorted(r.id for r in list_sessions(db))
            gone = set(data.draw(st.lists(st.sampled_from(ids), unique=True)))
            delete_sessions(db, sorted(gone))
            if rewritten:
                rewrite()
            again = import_paths(db, [path])
            assert again.ok, again.files[0].error
            assert {r.id for r in list_sessions(db)} == set(ids) - gone
            assert again.totals["sessions_new"] == again.totals["sessions_updated"] == 0
            if rewritten:
                assert again.totals["sessions_deleted_earlier"] == len(gone)
            forget_tombstones(db)  # the files that held them are read in full next time
            back = import_paths(db, [path])
            assert back.ok, back.files[0].error
            assert back.totals["sessions_new"] == len(gone)
            assert {r.id for r in list_sessions(db)} == set(ids)
        finally:
            db.close()
