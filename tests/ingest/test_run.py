"""The import runner: one transaction per path, bad input, zips, folders, cancel, progress."""

from __future__ import annotations

import itertools
import json
import stat
import zipfile
from pathlib import Path

import pytest
from sqlite_utils import Database

from desktop_app.domain import Verdict
from desktop_app.importers.detect import supported_formats
from desktop_app.importers.zipsafe import ZipLimits
from desktop_app.ingest import ImportProgress, import_paths
from desktop_app.ingest import batches as batches_module
from desktop_app.store import count_sessions, get_rating, list_sessions, update_rating
from desktop_app.store.imports import list_imports
from tests.builders import DATA, dump, simple_claude, simple_gpt, write_json, write_zip

CHATGPT_SAMPLE = DATA / "chatgpt" / "Sinity__polylogue__native-conversation-v1.json"


def test_report_json_is_the_contract(db: Database, tmp_path: Path) -> None:
    path = write_json(tmp_path / "conversations.json", [simple_gpt("c1", 2), simple_gpt("c2")])
    report = import_paths(db, [path])
    assert report.ok
    assert not report.cancelled
    assert report.to_json() == {
        "files": [{
            "path": str(path), "source": "chatgpt", "sessions_new": 2, "sessions_updated": 0,
            "sessions_unchanged": 0, "sessions_deleted_earlier": 0, "sessions_excluded": 0,
            "messages": 6, "skipped": [], "error": None,
        }],
        "totals": {"sessions_new": 2, "sessions_updated": 0, "sessions_unchanged": 0,
                   "sessions_deleted_earlier": 0, "sessions_excluded": 0},
    }
    json.dumps(report.to_json())  # serialisable as is


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "empty"),
        (b"   \n", "empty"),
        (b'[{"id": "c1", "title": "t", "create_time": 1.0, "mapping": {"a": {', "truncated"),
        (b'[{"id": "c1", "title": "\xff\xfe", "create_time": 1.0, "mapping": {}}]', "UTF-8"),
        (bytes(range(256)) * 8, "binary"),
        (b'{"rows": [1, 2, 3], "kind": "spreadsheet"}', "not a supported"),
        (b"[1, 2, 3]", "not a supported"),
        (b"just some notes\nnothing else\n", "not a supported"),
    ],
    ids=["empty", "blank", "truncated", "bad-utf8", "garbage", "other-shape", "numbers", "text"],
)
def test_bad_file_given_directly_is_an_error_and_stores_nothing(
    db: Database, tmp_path: Path, content: bytes, expected: str
) -> None:
    good = write_json(tmp_path / "good.json", [simple_gpt("g1")])
    bad = tmp_path / "bad.json"
    bad.write_bytes(content)
    report = import_paths(db, [bad, good])
    first, second = report.files
    assert first.error is not None
    assert expected in first.error
    assert str(bad) in first.error
    assert (first.sessions_new, first.messages) == (0, 0)
    assert second.error is None
    assert second.sessions_new == 1
    assert not report.ok
    assert count_sessions(db) == 1


def test_unsupported_file_gets_one_short_line_pointing_to_the_formats(db: Database,
                                                                       tmp_path: Path) -> None:
    # One line per problem: the list of what can be imported lives in Help → Which Files Can
    # I Import? (and the README), not in every error (it was ~900 characters, cut off).
    path = tmp_path / "notes.json"
    path.write_text('{"hello": "world"}')
    error = import_paths(db, [path]).files[0].error
    assert error is not None
    assert error.startswith(f"{path}: this is not a supported AI history format")
    assert "Which files can I import?" in error
    assert "ChatGPT" not in error
    assert "\n" not in error
    assert len(error) - len(str(path)) < 160
    folder = tmp_path / "empty"
    folder.mkdir()
    (folder / "readme.txt").write_text("hello")
    error = import_paths(db, [folder]).files[0].error
    assert error is not None
    assert "Which files can I import?" in error
    assert len(error) - len(str(folder)) < 160
    assert "ChatGPT" in supported_formats()


def test_truncated_file_rolls_back_sessions_read_before_the_cut(db: Database,
                                                                tmp_path: Path) -> None:
    data = json.dumps([simple_gpt(f"c{i}") for i in range(300)]).encode()
    path = tmp_path / "conversations.json"
    path.write_bytes(data[: len(data) - 200])
    before = dump(db)
    report = import_paths(db, [path])
    assert report.files[0].error is not None
    assert "truncated" in report.files[0].error
    assert count_sessions(db) == 0
    after = [line for line in dump(db) if "INSERT INTO \"imports\"" not in line]
    assert after == before


def test_missing_path_is_an_error(db: Database, tmp_path: Path) -> None:
    report = import_paths(db, [tmp_path / "nope.json"])
    assert report.files[0].error is not None
    assert "no such file" in report.files[0].error


def test_reimport_is_unchanged_and_keeps_ratings(db: Database) -> None:
    first = import_paths(db, [CHATGPT_SAMPLE])
    assert first.totals["sessions_new"] == 1
    session = list_sessions(db)[0]
    update_rating(db, session.id, Verdict.USEFUL, minutes_saved=15, labels=("coding",),
                  note="good")
    before = dump(db)
    again = import_paths(db, [CHATGPT_SAMPLE])
    assert again.totals == {"sessions_new": 0, "sessions_updated": 0, "sessions_unchanged": 1,
                            "sessions_deleted_earlier": 0, "sessions_excluded": 0}
    assert again.files[0].messages == 0
    rating = get_rating(db, session.id)
    assert rating.verdict is Verdict.USEFUL
    assert rating.minutes_saved == 15
    assert rating.labels == ("coding",)
    # Only the import log grew.
    assert [x for x in dump(db) if "INSERT INTO \"imports\"" not in x] == \
        [x for x in before if "INSERT INTO \"imports\"" not in x]


def test_newer_export_updates_changed_sessions_and_adds_new(db: Database,
                                                            tmp_path: Path) -> None:
    old = write_json(tmp_path / "old" / "conversations.json",
                     [simple_gpt("c1", 1), simple_gpt("c2", 1)])
    import_paths(db, [old])
    c1 = next(s for s in list_sessions(db) if s.external_id == "c1")
    update_rating(db, c1.id, Verdict.NOT_USEFUL, reason="faster myself")
    newer = write_json(tmp_path / "new" / "conversations.json",
                       [simple_gpt("c1", 3, title="Renamed"), simple_gpt("c2", 1),
                        simple_gpt("c3", 1)])
    report = import_paths(db, [newer])
    assert report.totals == {"sessions_new": 1, "sessions_updated": 1, "sessions_unchanged": 1,
                             "sessions_deleted_earlier": 0, "sessions_excluded": 0}
    assert report.files[0].messages == 6 + 2
    updated = next(s for s in list_sessions(db) if s.external_id == "c1")
    assert updated.title == "Renamed"
    assert updated.messages == 6
    assert updated.id == c1.id
    assert get_rating(db, c1.id).verdict is Verdict.NOT_USEFUL


def test_import_log_records_every_path(db: Database, tmp_path: Path) -> None:
    good = write_json(tmp_path / "conversations.json", [simple_gpt("c1")])
    bad = tmp_path / "bad.json"
    bad.write_text("[")
    import_paths(db, [good, bad])
    log = list_imports(db)
    assert len(log) == 2
    by_path = {Path(r.path).name: r for r in log}
    assert by_path["conversations.json"].sessions_new == 1
    assert by_path["conversations.json"].source == "chatgpt"
    assert by_path["conversations.json"].error is None
    assert by_path["conversations.json"].finished_at is not None
    assert by_path["bad.json"].error is not None
    stored = db.conn.execute("SELECT import_id FROM sessions").fetchone()[0]
    assert stored == by_path["conversations.json"].id


def test_cancel_mid_file_leaves_database_exactly_as_before(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import_paths(db, [CHATGPT_SAMPLE])
    monkeypatch.setattr(batches_module, "BATCH_SESSIONS", 10)
    big = write_json(tmp_path / "conversations.json", [simple_gpt(f"c{i}") for i in range(55)])
    later = write_json(tmp_path / "later" / "conversations.json", [simple_gpt("x")])
    before = dump(db)
    calls = {"n": 0}

    def cancel() -> bool:
        calls["n"] += 1
        return calls["n"] >= 3  # after two batches were written

    report = import_paths(db, [big, later], cancel=cancel)
    assert report.cancelled
    assert not report.ok
    assert report.files[0].error is not None
    assert "cancelled" in report.files[0].error.lower()
    assert report.files[0].sessions_new == 0
    assert report.files[1].error is not None  # never read
    assert dump(db) == before


def test_paths_before_a_cancel_stay_imported(db: Database, tmp_path: Path) -> None:
    first = write_json(tmp_path / "a" / "conversations.json", [simple_gpt("a")])
    second = write_json(tmp_path / "b" / "conversations.json", [simple_gpt("b")])
    state = {"cancel": False}

    def progress(p: ImportProgress) -> None:
        if p.sessions >= 1:  # the first path is done
            state["cancel"] = True

    report = import_paths(db, [first, second], cancel=lambda: state["cancel"],
                          progress=progress)
    assert report.files[0].error is None
    assert report.cancelled
    assert report.files[1].error is not None
    assert [s.external_id for s in list_sessions(db)] == ["a"]


def test_progress_is_throttled_and_ends_at_total(db: Database, tmp_path: Path) -> None:
    path = write_json(tmp_path / "conversations.json", [simple_gpt(f"c{i}", 3) for i in range(400)])
    seen: list[ImportProgress] = []
    import_paths(db, [path], progress=seen.append)
    assert 1 <= len(seen) <= 10
    assert seen[-1].bytes_done == seen[-1].bytes_total == path.stat().st_size
    assert seen[-1].fraction == 1.0
    assert all(a.bytes_done <= b.bytes_done for a, b in itertools.pairwise(seen))


# --- zips and folders -----------------------------------------------------------------------------


def test_chatgpt_zip_with_shards_and_companion_files(db: Database, tmp_path: Path) -> None:
    path = write_zip(tmp_path / "export.zip", {
        "conversations-000.json": [simple_gpt("c1"), simple_gpt("c2")],
        "conversations-001.json": [simple_gpt("c3"), simple_gpt("c1")],  # c1 again
        "conversations.json.index": "000\n001\n",
        "export_manifest.json": {"files": ["conversations-000.json"]},
        "user.json": {"id": "user-1", "email": "someone@example.com"},
        "message_feedback.json": [],
        "file-abc.png": b"\x89PNG\r\n\x1a\n" + bytes(100),
        "chat.html": "<html><script>var jsonData = []</script></html>",
        "empty.jsonl": b"",
        "dalle-generations/": b"",
    })
    report = import_paths(db, [path])
    entry = report.files[0]
    assert entry.error is None
    assert entry.source == "chatgpt"
    assert entry.sessions_new == 3
    assert entry.skipped == []
    assert count_sessions(db) == 3


def test_claude_batches_in_one_folder_and_nested_zips(db: Database, tmp_path: Path) -> None:
    folder = tmp_path / "claude"
    write_zip(folder / "data-org-2025-07-06-batch-0000.zip", {
        "conversations.json": [simple_claude("k1"), simple_claude("k2")],
        "users.json": [{"uuid": "u", "full_name": "Someone"}],
        "projects/p1.json": {"uuid": "p1", "name": "Project"},
    })
    write_zip(folder / "data-org-2025-07-06-batch-0001.zip", {
        "conversations.json": [simple_claude("k3"), simple_claude("k2")],
        "memories.json": [{"conversations_memory": "x"}],
    })
    (folder / "README.txt").write_text("my exports\n")
    report = import_paths(db, [folder])
    entry = report.files[0]
    assert entry.error is None, entry.error
    assert entry.source == "claude-ai"
    assert entry.sessions_new == 3
    assert [s.what for s in entry.skipped] == []

    outer = tmp_path / "outer.zip"
    with zipfile.ZipFile(outer, "w") as zf:
        for inner in sorted(folder.glob("*.zip")):
            zf.write(inner, inner.name)
    again = import_paths(db, [outer]).files[0]
    assert again.error is None, again.error
    assert (again.sessions_new, again.sessions_unchanged) == (0, 3)


def test_folder_lists_unreadable_member_and_imports_the_rest(db: Database,
                                                             tmp_path: Path) -> None:
    folder = tmp_path / "mixed"
    write_json(folder / "conversations.json", [simple_gpt("c1")])
    (folder / "broken").mkdir()
    (folder / "broken" / "conversations.json").write_text('[{"id": "x", "mapping": {"a": ')
    (folder / "notes.txt").write_text("shopping list\n")
    entry = import_paths(db, [folder]).files[0]
    assert entry.error is None
    assert entry.sessions_new == 1
    reasons = {Path(s.what.split("!")[0]).name: s.reason for s in entry.skipped}
    assert "truncated" in reasons["conversations.json"]
    assert "not a supported" in reasons["notes.txt"]


def test_folder_or_zip_with_nothing_recognisable_is_an_error(db: Database,
                                                             tmp_path: Path) -> None:
    folder = tmp_path / "photos"
    folder.mkdir()
    (folder / "a.png").write_bytes(b"\x89PNG")
    (folder / "notes.txt").write_text("hello")
    zipped = write_zip(tmp_path / "stuff.zip", {"user.json": {"id": 1}, "a.txt": "hi"})
    empty_folder = tmp_path / "empty"
    empty_folder.mkdir()
    report = import_paths(db, [folder, zipped, empty_folder])
    for entry in report.files:
        assert entry.error is not None
        assert "no supported history file" in entry.error


def test_zip_slip_and_links_are_skipped_and_reported(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "evil.zip"
    conversations = json.dumps([simple_gpt("c1")])
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("../../etc/conversations.json", conversations)
        zf.writestr("/abs/conversations.json", conversations)
        zf.writestr("C:/windows/conversations.json", conversations)
        link = zipfile.ZipInfo("link.json")
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        zf.writestr(link, "/etc/passwd")
        zf.writestr("ok/conversations.json", conversations)
    entry = import_paths(db, [path]).files[0]
    assert entry.error is None
    assert entry.sessions_new == 1
    reasons = sorted(s.reason for s in entry.skipped)
    assert len(reasons) == 4
    assert any(".." in r for r in reasons)
    assert sum("absolute" in r for r in reasons) == 2
    assert any("link" in r for r in reasons)
    assert not (tmp_path.parent / "etc").exists()


def test_zip_of_only_traversal_names_is_an_error(db: Database, tmp_path: Path) -> None:
    path = write_zip(tmp_path / "evil.zip", {"../conversations.json": [simple_gpt("c1")]})
    entry = import_paths(db, [path]).files[0]
    assert entry.error is not None
    assert count_sessions(db) == 0


def test_zip_bomb_is_refused(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "bomb.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("conversations.json", json.dumps([simple_gpt("c1")]))
        zf.writestr("padding.json", b" " * (30 * 1024 * 1024))
    assert path.stat().st_size < 200_000
    before = dump(db)
    entry = import_paths(db, [path]).files[0]
    assert entry.error is not None
    assert "zip bomb" in entry.error
    assert [x for x in dump(db) if "INSERT INTO \"imports\"" not in x] == before


def test_zip_limits_on_members_and_total_size(db: Database, tmp_path: Path) -> None:
    path = write_zip(tmp_path / "many.zip", {f"f{i}.json": [simple_gpt(f"c{i}")]
                                             for i in range(5)})
    entry = import_paths(db, [path], limits=ZipLimits(max_members=3)).files[0]
    assert entry.error is not None
    assert "too many members" in entry.error
    entry = import_paths(db, [path], limits=ZipLimits(max_total_size=100)).files[0]
    assert entry.error is not None
    assert "expand" in entry.error


def test_corrupt_zip_is_an_error(db: Database, tmp_path: Path) -> None:
    path = write_zip(tmp_path / "export.zip", {"conversations.json": [simple_gpt("c1")] * 50})
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    entry = import_paths(db, [path]).files[0]
    assert entry.error is not None
    assert count_sessions(db) == 0
