"""Worthwhile's own JSON export imported again: the same sessions and ratings come back."""

from __future__ import annotations

import json
import tempfile
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlite_utils import Database

from desktop_app.cli import main
from desktop_app.demo.database import generate_demo
from desktop_app.domain import Rating, Session, Verdict
from desktop_app.exporting import export_data
from desktop_app.ingest import import_paths
from desktop_app.jsonout import session_object, show_object, transcript_objects
from desktop_app.metrics.cost import PriceTable
from desktop_app.store import (
    count_sessions,
    get_rating,
    get_session,
    get_transcript,
    list_labels,
    list_reasons,
    list_sessions,
    open_db,
    save_sessions,
    set_rating,
)
from desktop_app.store.deletion import delete_sessions
from desktop_app.store.export import export_snapshot
from desktop_app.store.imports import session_extras
from desktop_app.store.prices import load_prices
from desktop_app.store.sessions import SessionNotFoundError
from tests.builders import dump
from tests.factories import make_messages, make_session
from tests.richdata import build_rich_db, rich_sessions
from tests.strategies import RATING, SESSION


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    assert not err or code != 0, err
    return code, out


def views(capsys: pytest.CaptureFixture[str], db: Path) -> dict[str, Any]:
    """What a person sees of a database from the command line."""
    _, sessions = cli(capsys, "--db", str(db), "sessions", "--json")
    shown = {}
    for row in json.loads(sessions):
        _, out = cli(capsys, "--db", str(db), "show", row["id"], "--json")
        shown[row["id"]] = json.loads(out)
    stats = {}
    for args in ([], ["--group", "tool"], ["--group", "label"], ["--by", "month"]):
        _, out = cli(capsys, "--db", str(db), "stats", "--json", *args)
        stats[" ".join(args)] = json.loads(out)
    return {"sessions": sessions, "show": shown, "stats": stats}


def _without_active(sessions: str) -> list[dict[str, Any]]:
    """``sessions --json`` output without ``active_minutes`` (derived from message times)."""
    return [{k: v for k, v in row.items() if k != "active_minutes"}
            for row in json.loads(sessions)]


@pytest.fixture
def rich(tmp_path: Path) -> Path:
    path = tmp_path / "old-laptop.db"
    db = open_db(path)
    build_rich_db(db)
    db.close()
    return path


def test_export_with_transcripts_restores_everything_into_an_empty_database(
        capsys: pytest.CaptureFixture[str], rich: Path, tmp_path: Path) -> None:
    export = tmp_path / "export.json"
    code, _ = cli(capsys, "--db", str(rich), "export", "--format", "json", "--out", str(export),
                  "--transcripts")
    assert code == 0
    new = tmp_path / "new-laptop.db"
    code, out = cli(capsys, "--db", str(new), "import", str(export), "--json")
    assert code == 0
    report = json.loads(out)["files"][0]
    assert report["source"] == "worthwhile-export"
    assert (report["sessions_new"], report["error"], report["skipped"]) == (6, None, [])
    before, after = views(capsys, rich), views(capsys, new)
    assert after["sessions"] == before["sessions"]
    assert after["show"] == before["show"]
    assert after["stats"] == before["stats"]
    assert len(before["show"]) == 6
    old_db, new_db = open_db(rich), open_db(new)
    try:
        # What only the window shows: per-message models, hidden branches, the lists' order.
        for s in rich_sessions():
            assert get_transcript(new_db, s.id) == get_transcript(old_db, s.id)
            assert session_extras(new_db, s.id) == session_extras(old_db, s.id)
        assert list_labels(new_db) == list_labels(old_db)
        assert "data" not in list_labels(new_db)
        assert list_reasons(new_db) == list_reasons(old_db)
        # Each session keeps its original source: the export is no source.
        assert {r.source for r in list_sessions(new_db)} == {
            "chatgpt", "claude-code", "generic", "aider", "claude-ai", "codex"}
    finally:
        old_db.close()
        new_db.close()


def test_demo_database_round_trip(tmp_path: Path) -> None:
    old = open_db(tmp_path / "demo.db")
    generate_demo(old)
    save_sessions(old, [Session(source="claude-code", external_id="split", title="split",
                                model="claude-sonnet-4-5", tokens_in=19_123, tokens_out=420,
                                tokens_uncached=3, tokens_cache_write=5_120,
                                tokens_cache_read=14_000)])
    export = tmp_path / "demo.json"
    count = export_data(old, export, "json", transcripts=True)
    new = open_db(tmp_path / "restored.db")
    report = import_paths(new, [export])
    assert report.ok
    assert report.totals["sessions_new"] == count == count_sessions(old)

    def seen(db: Database) -> list[dict[str, object]]:
        return [show_object(row, session_extras(db, row.id)[1], get_transcript(db, row.id))
                for row in list_sessions(db)]

    assert seen(new) == seen(old)
    # The input split comes back too, so each session's cost is the same.
    table = PriceTable(load_prices(old))
    [split] = [row for row in list_sessions(new) if row.external_id == "split"]
    assert (split.tokens_uncached, split.tokens_cache_write) == (3, 5_120)
    assert ([session_object(row, table) for row in list_sessions(new)]
            == [session_object(row, table) for row in list_sessions(old)])
    old.close()
    new.close()


def test_without_transcripts_details_and_ratings_come_back_and_the_tool_file_fills_them_in(
        capsys: pytest.CaptureFixture[str], rich: Path, tmp_path: Path) -> None:
    export = tmp_path / "export.json"
    assert cli(capsys, "--db", str(rich), "export", "--format", "json",
               "--out", str(export))[0] == 0
    data = json.loads(export.read_text(encoding="utf-8"))
    assert data["transcripts"] is False
    assert all("transcript" not in s for s in data["sessions"])
    new = tmp_path / "new.db"
    code, out = cli(capsys, "--db", str(new), "import", str(export), "--json")
    assert code == 0
    report = json.loads(out)["files"][0]
    assert report["sessions_new"] == 6
    assert report["messages"] == 0
    # Five of the six had messages; the report says where their text went.
    assert report["skipped"] == [{
        "what": "transcripts of 5 sessions",
        "reason": "the export has no transcripts (it was written without them): details and "
                  "ratings restored without messages; import the tool's own files to add them"}]
    before, after = views(capsys, rich), views(capsys, new)
    # Counts, times, ratings: all there. Active time needs the message times, which an export
    # without transcripts does not hold: it is null until the tool's own files are imported.
    assert _without_active(after["sessions"]) == _without_active(before["sessions"])
    assert all(s["active_minutes"] is None for s in json.loads(after["sessions"]))
    assert after["stats"] == before["stats"]
    for sid, shown in after["show"].items():
        assert shown["transcript"] == []
        assert shown["messages"] == before["show"][sid]["messages"]

    # The person later imports the tools' own files: the messages come back, ratings stay.
    db = open_db(new)
    try:
        counts = save_sessions(db, rich_sessions(), parser_version="test-1")
        # Read by the tools' own parsers: each replaces its restored copy.
        assert (counts.updated, counts.messages) == (6, 13)
    finally:
        db.close()
    assert views(capsys, new) == before


def test_importing_the_same_export_twice_equals_once(rich: Path, tmp_path: Path) -> None:
    old = open_db(rich)
    export_data(old, tmp_path / "e.json", "json", transcripts=True)
    old.close()
    new = open_db(tmp_path / "new.db")
    import_paths(new, [tmp_path / "e.json"])
    once = [line for line in dump(new) if "INSERT INTO \"imports\"" not in line]
    again = import_paths(new, [tmp_path / "e.json"])
    assert again.totals == {"sessions_new": 0, "sessions_updated": 0, "sessions_unchanged": 6,
                            "sessions_deleted_earlier": 0, "sessions_excluded": 0}
    assert again.files[0].skipped == []
    assert [line for line in dump(new) if "INSERT INTO \"imports\"" not in line] == once
    new.close()


def _export_of(db: Database, path: Path, *, transcripts: bool = True) -> dict[str, Any]:
    export_data(db, path, "json", transcripts=transcripts)
    return dict(json.loads(path.read_text(encoding="utf-8")))


def test_the_newer_rating_wins(db: Database, tmp_path: Path) -> None:
    sessions = [make_session(i) for i in range(3)]
    save_sessions(db, sessions)
    t = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
    set_rating(db, sessions[0].id, Rating(Verdict.USEFUL, 10, ("coding",), None, "mine", t))
    set_rating(db, sessions[1].id, Rating(Verdict.NOT_USEFUL, None, (), "gave up", None, t))
    export = _export_of(db, tmp_path / "e.json")
    # The export's copies: session 0 rated again later elsewhere, session 1 rated earlier,
    # session 2 rated (it is unrated here).
    objs = {o["id"]: o for o in export["sessions"]}
    later = (t + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    earlier = (t - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    objs[sessions[0].id].update(verdict="not_useful", minutes_saved=None, labels=["writing"],
                                reason="wrong or made up", note="from the laptop",
                                rated_at=later)
    objs[sessions[1].id].update(verdict="useful", reason=None, rated_at=earlier)
    objs[sessions[2].id].update(verdict="useful", minutes_saved=-5, rated_at=earlier)
    path = tmp_path / "edited.json"
    path.write_text(json.dumps(export), encoding="utf-8")
    report = import_paths(db, [path])
    assert report.ok
    assert get_rating(db, sessions[0].id) == Rating(
        Verdict.NOT_USEFUL, None, ("writing",), "wrong or made up", "from the laptop",
        t + timedelta(hours=1))
    assert get_rating(db, sessions[1].id) == Rating(Verdict.NOT_USEFUL, None, (), "gave up",
                                                    None, t)
    assert get_rating(db, sessions[2].id).minutes_saved == -5
    assert [s.to_json() for s in report.files[0].skipped] == [{
        "what": "ratings of 1 sessions",
        "reason": "a rating given later is stored for the session; kept it"}]


def test_a_rating_without_time_never_replaces_a_stored_one(db: Database, tmp_path: Path) -> None:
    session = make_session(1)
    save_sessions(db, [session])
    set_rating(db, session.id, Rating(Verdict.USEFUL))
    export = _export_of(db, tmp_path / "e.json")
    export["sessions"][0].update(verdict="not_useful", rated_at=None)
    path = tmp_path / "edited.json"
    path.write_text(json.dumps(export), encoding="utf-8")
    assert import_paths(db, [path]).ok
    assert get_rating(db, session.id).verdict is Verdict.USEFUL


def test_an_older_copy_in_an_export_never_replaces_a_newer_stored_session(
        db: Database, tmp_path: Path) -> None:
    t = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
    old = make_session(1, updated_at=t, messages=make_messages("q", "a"))
    other = open_db(tmp_path / "other.db")
    save_sessions(other, [old])
    export = tmp_path / "e.json"
    export_data(other, export, "json", transcripts=True)
    other.close()
    newer = make_session(1, updated_at=t + timedelta(days=1),
                         messages=make_messages("q", "a", "q2", "a2"))
    save_sessions(db, [newer])
    report = import_paths(db, [export])
    assert report.totals["sessions_unchanged"] == 1
    assert [s.reason for s in report.files[0].skipped] == ["older copy; kept the newer"]
    assert get_session(db, newer.id).messages == 4


def test_a_newer_copy_in_an_export_replaces_the_stored_one(db: Database, tmp_path: Path) -> None:
    t = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
    other = open_db(tmp_path / "other.db")
    save_sessions(other, [make_session(1, updated_at=t + timedelta(days=1),
                                       messages=make_messages("q", "a", "q2", "a2"))])
    export_data(other, tmp_path / "e.json", "json", transcripts=True)
    other.close()
    stored = make_session(1, updated_at=t, messages=make_messages("q", "a"))
    save_sessions(db, [stored])
    report = import_paths(db, [tmp_path / "e.json"])
    assert report.totals["sessions_updated"] == 1
    assert [m.text for m in get_transcript(db, stored.id)] == ["q", "a", "q2", "a2"]


def test_an_export_inside_a_zip_is_restored(rich: Path, tmp_path: Path) -> None:
    old = open_db(rich)
    export_data(old, tmp_path / "e.json", "json", transcripts=True)
    old.close()
    archive = tmp_path / "moving.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.write(tmp_path / "e.json", "backup/worthwhile-export.json")
    new = open_db(tmp_path / "new.db")
    report = import_paths(new, [archive])
    assert report.ok
    assert report.files[0].source == "worthwhile-export"
    assert report.totals["sessions_new"] == 6
    new.close()


def _header(version: object = 1) -> str:
    return f'{{"format": "worthwhile-export", "version": {json.dumps(version)}, '


def test_a_newer_export_version_is_refused_and_nothing_is_stored(
        db: Database, rich: Path, tmp_path: Path) -> None:
    old = open_db(rich)
    export = _export_of(old, tmp_path / "e.json")
    old.close()
    export["version"] = 2
    path = tmp_path / "future.json"
    path.write_text(json.dumps(export), encoding="utf-8")
    report = import_paths(db, [path])
    assert not report.ok
    error = report.files[0].error or ""
    assert "newer version of Worthwhile" in error
    assert "update Worthwhile" in error
    assert count_sessions(db) == 0
    # Keys in another order (jq -S sorts them): the version comes after the sessions, and the
    # sessions read before it are rolled back.
    path.write_text(json.dumps(export, sort_keys=True), encoding="utf-8")
    report = import_paths(db, [path])
    assert "newer version of Worthwhile" in (report.files[0].error or "")
    assert count_sessions(db) == 0
    assert list_labels(db)[0] == "coding"


def test_keys_in_any_order_are_read(db: Database, rich: Path, tmp_path: Path) -> None:
    old = open_db(rich)
    export = _export_of(old, tmp_path / "e.json")
    old.close()
    path = tmp_path / "sorted.json"
    path.write_text(json.dumps(export, sort_keys=True, indent=1), encoding="utf-8")
    report = import_paths(db, [path])
    assert report.ok
    assert report.totals["sessions_new"] == 6
    assert "zeta" in list_labels(db)


@pytest.mark.parametrize(("content", "reason"), [
    (_header() + '"sessions": [{"id": "x"', "the JSON ends too early"),
    (_header("one") + '"sessions": []}', "not a Worthwhile export version"),
    ('{"format": "worthwhile-export", "sessions": []}', 'it has no "version"'),
    (_header() + '"sessions": {}}', 'it has no "sessions" list'),
    (_header() + '"sessions": [1, {"id": "x"}]}', "no readable sessions"),
    (_header() + '"sessions": []} trailing', "unexpected data after the end of the JSON"),
])
def test_malformed_exports_are_clear_errors(db: Database, tmp_path: Path, content: str,
                                            reason: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    before = dump(db)
    report = import_paths(db, [path])
    assert reason in (report.files[0].error or ""), report.files[0].error
    assert [line for line in dump(db) if "INSERT INTO \"imports\"" not in line] == [
        line for line in before if "INSERT INTO \"imports\"" not in line]


def test_bad_session_objects_are_skipped_with_their_reason(db: Database, tmp_path: Path) -> None:
    good = make_session(1)
    save_sessions(db, [good])
    export = _export_of(db, tmp_path / "e.json")
    obj = export["sessions"][0]
    export["sessions"] += [
        {**obj, "source": "myspace-ai"},
        {**obj, "id": "0123456789abcdef"},
        {**obj, "started_at": "yesterday"},
        {**obj, "transcript": [{"role": "narrator", "text": "x"}]},
        {**obj, "minutes_saved": "lots"},
    ]
    path = tmp_path / "mixed.json"
    path.write_text(json.dumps(export), encoding="utf-8")
    other = open_db(tmp_path / "other.db")
    report = import_paths(other, [path])
    assert report.ok
    assert report.totals["sessions_new"] == 1
    reasons = [s.reason for s in report.files[0].skipped]
    assert reasons == [
        "unknown source 'myspace-ai' (exported by a newer Worthwhile?)",
        'its "id" does not belong to its source and external_id',
        "\"started_at\" is not an ISO 8601 time: 'yesterday'",
        "a transcript entry has an unknown role: 'narrator'",
        '"minutes_saved" is not a whole number',
    ]
    assert [s.what for s in report.files[0].skipped][1] == "session 3 (0123456789abcdef)"
    other.close()


def test_lists_are_merged_into_a_database_whose_lists_were_edited(
        db: Database, rich: Path, tmp_path: Path) -> None:
    old = open_db(rich)
    _export_of(old, tmp_path / "e.json")
    old.close()
    from desktop_app.store import add_label

    add_label(db, "mine")
    assert import_paths(db, [tmp_path / "e.json"]).ok
    labels = list_labels(db)
    # The person's own list stays as it was, the export's missing labels come after it.
    assert labels[:8] == ["coding", "debugging", "writing", "research", "learning", "data",
                          "other", "mine"]
    assert labels[8:] == ["zeta", "ops, infra"]


def test_transcript_entries_carry_the_models(db: Database, tmp_path: Path) -> None:
    session = make_session(1)
    save_sessions(db, [session])
    export = _export_of(db, tmp_path / "e.json")
    assert export["sessions"][0]["transcript"] == transcript_objects(session.messages,
                                                                     models=True)
    assert export["sessions"][0]["transcript"][1]["model"] == "gpt-4o"


@pytest.mark.parametrize("source", ["chatgpt", "claude-code"])
def test_the_tools_own_files_fill_in_a_restore_without_transcripts(
        capsys: pytest.CaptureFixture[str], tmp_path: Path, source: str) -> None:
    from desktop_app.demo.exports import write_export

    files = write_export(source, 6, tmp_path / "files" / source)
    old = tmp_path / "old.db"
    assert cli(capsys, "--db", str(old), "import", str(files))[0] == 0
    first = json.loads(cli(capsys, "--db", str(old), "sessions", "--json")[1])[0]["id"]
    assert cli(capsys, "--db", str(old), "rate", first, "useful", "--minutes", "15",
               "--label", "coding", "--note", "kept")[0] == 0
    export = tmp_path / "e.json"
    assert cli(capsys, "--db", str(old), "export", "--format", "json",
               "--out", str(export))[0] == 0
    new = tmp_path / "new.db"
    assert cli(capsys, "--db", str(new), "import", str(export))[0] == 0
    assert cli(capsys, "--db", str(new), "import", str(files))[0] == 0
    assert views(capsys, new) == views(capsys, old)


# --- property: whatever a database holds, exporting and importing it gives it back -----------

def _stored(db: Database, transcripts: bool = True) -> tuple[object, ...]:
    """Everything the store holds of the sessions and the person's lists, as read by the
    store itself (not through the export's own serialisation)."""
    with export_snapshot(db) as snap:
        sessions = list(snap.sessions(transcripts=transcripts))
        return tuple(sessions), tuple(snap.labels), tuple(snap.reasons)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(SESSION, st.none() | RATING), max_size=6), st.booleans())
def test_export_then_import_gives_back_what_was_stored(
        rated: list[tuple[Session, Rating | None]], transcripts: bool) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        old = open_db(folder / "old.db")
        save_sessions(old, [s for s, _ in rated])
        for session, rating in rated:
            if rating is not None:
                set_rating(old, session.id, rating)
        export_data(old, folder / "a.json", "json", transcripts=transcripts)
        new = open_db(folder / "new.db")
        report = import_paths(new, [folder / "a.json"])
        assert report.ok, report.files[0].error
        assert _stored(new, transcripts) == _stored(old, transcripts)
        if not transcripts:
            assert not new.execute("SELECT count(*) FROM messages").fetchone()[0]
        # Importing it again changes nothing.
        again = import_paths(new, [folder / "a.json"])
        assert again.totals["sessions_new"] == again.totals["sessions_updated"] == 0
        assert _stored(new, transcripts) == _stored(old, transcripts)
        old.close()
        new.close()


@pytest.mark.parametrize("transcripts", [True, False])
def test_a_deleted_session_stays_deleted_when_an_export_is_imported(
        rich: Path, tmp_path: Path, transcripts: bool) -> None:
    """An export made before a deletion brings back neither the session nor its rating."""
    db = open_db(rich)
    export_data(db, tmp_path / "e.json", "json", transcripts=transcripts)
    rated = [s.id for s in list_sessions(db) if not get_rating(db, s.id).is_empty]
    gone = rated[0]
    delete_sessions(db, [gone])
    before = count_sessions(db)
    report = import_paths(db, [tmp_path / "e.json"])
    assert report.totals["sessions_deleted_earlier"] == 1
    assert report.totals["sessions_new"] == 0
    assert count_sessions(db) == before
    with pytest.raises(SessionNotFoundError):
        get_session(db, gone)
    left = db.execute("SELECT count(*) FROM ratings WHERE session_id = ?", [gone]).fetchone()
    assert left[0] == 0
    db.close()


@pytest.mark.parametrize("transcripts", [True, False])
def test_sessions_kept_without_text_are_restored_without_text(
        capsys: pytest.CaptureFixture[str], tmp_path: Path, transcripts: bool) -> None:
    """A no-text rule's sessions come back as they were exported: neutral title, null texts,
    ``no_text`` true, nothing in the search index."""
    old, new = tmp_path / "old.db", tmp_path / "new.db"
    files = tmp_path / "chatgpt"
    assert main(["demo-data", "--source", "chatgpt", "--sessions", "4", "--out", str(files)]) == 0
    assert main(["--db", str(old), "rules", "add", "no-text", "--source", "chatgpt"]) == 0
    assert main(["--db", str(old), "import", str(files)]) == 0
    export = tmp_path / "e.json"
    args = ["--transcripts"] if transcripts else []
    assert main(["--db", str(old), "export", "--format", "json", "--out", str(export), *args]) == 0
    assert main(["--db", str(new), "import", str(export)]) == 0
    capsys.readouterr()
    before, after = views(capsys, old), views(capsys, new)
    if transcripts:
        assert after["sessions"] == before["sessions"]
    else:  # without message times there is no active time (see the test above)
        assert _without_active(after["sessions"]) == _without_active(before["sessions"])
    assert after["stats"] == before["stats"]
    assert all(s["no_text"] for s in json.loads(after["sessions"]))
    if transcripts:
        assert after["show"] == before["show"]
        assert all(m["text"] is None for s in after["show"].values() for m in s["transcript"])
    db = open_db(new)
    assert db.execute("SELECT count(*) FROM sessions_fts WHERE sessions_fts MATCH 'session'"
                      ).fetchone()[0] == 0
    db.close()
