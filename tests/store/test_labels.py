"""Labels and reasons in the store: renames, merges, trimming; each change owns its transaction
and can be taken back."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlite_utils import Database

from desktop_app.domain import Rating, Verdict
from desktop_app.store import get_rating, list_labels, list_reasons, open_db, save_sessions
from desktop_app.store.files import FileState, save_file_states, save_session_state
from desktop_app.store.imports import finish_import, start_import
from desktop_app.store.ratings import (
    RatingEdit,
    add_label,
    add_reason,
    edit_ratings,
    remove_label,
    remove_reason,
    rename_label,
    rename_reason,
    restore_label,
    restore_reason,
    revert_label_rename,
    revert_reason_rename,
    set_rating,
    update_rating,
)
from tests.factories import make_session


@pytest.fixture
def db(db_path: Path) -> Database:
    db = open_db(db_path)
    a, b, c = make_session(1), make_session(2), make_session(3)
    save_sessions(db, [a, b, c])
    update_rating(db, a.id, Verdict.USEFUL, labels=("coding", "research"))
    update_rating(db, b.id, Verdict.NOT_USEFUL, labels=("research",), reason="faster myself")
    update_rating(db, c.id, Verdict.USEFUL, labels=("coding",))
    return db


def ids(*numbers: int) -> tuple[str, ...]:
    return tuple(make_session(n).id for n in numbers)


def labels_of(db: Database) -> dict[str, tuple[str, ...]]:
    return {sid: get_rating(db, sid).labels for sid in ids(1, 2, 3)}


_WRITES: dict[str, Callable[[Database], object]] = {
    "add_label": lambda db: add_label(db, "planning"),
    "rename_label": lambda db: rename_label(db, "coding", "code"),
    "rename_label (merge)": lambda db: rename_label(db, "coding", "research"),
    "remove_label": lambda db: remove_label(db, "research"),
    "restore_label": lambda db: restore_label(db, remove_label(db, "research")),
    "revert_label_rename": lambda db: revert_label_rename(
        db, rename_label(db, "coding", "code") or pytest.fail("no rename")),
    "add_reason": lambda db: add_reason(db, "out of date"),
    "rename_reason": lambda db: rename_reason(db, "faster myself", "slower"),
    "remove_reason": lambda db: remove_reason(db, "faster myself"),
    "restore_reason": lambda db: restore_reason(db, remove_reason(db, "faster myself")),
    "revert_reason_rename": lambda db: revert_reason_rename(
        db, rename_reason(db, "faster myself", "slower") or pytest.fail("no rename")),
    "set_rating": lambda db: set_rating(db, ids(1)[0], Rating(verdict=Verdict.USEFUL)),
    "update_rating": lambda db: update_rating(db, ids(1)[0], Verdict.NOT_USEFUL),
    "edit_ratings": lambda db: edit_ratings(db, {ids(1)[0]: RatingEdit(note="n")}),
    "save_file_states": lambda db: save_file_states(
        db, [FileState("/x.jsonl", "codex", "1", 10, 20, 10)]),
    "save_session_state": lambda db: save_session_state(db, ids(1)[0], "1", {"at": 3}),
    "start_import": lambda db: start_import(db, "/x.json"),
    "finish_import": lambda db: finish_import(
        db, start_import(db, "/x.json"), source="chatgpt", sessions_new=1, sessions_updated=0,
        sessions_unchanged=0, messages=2, skipped=0),
    "save_sessions": lambda db: save_sessions(
        db, [make_session(9, hidden_branches=2, tool_feedback="up")]),
}


@pytest.mark.parametrize("write", list(_WRITES))
def test_every_write_is_committed_by_the_store_itself(db: Database, db_path: Path,
                                                      write: str) -> None:
    """No caller needs conn.commit(): another connection sees the change at once."""
    def snapshot(conn: sqlite3.Connection) -> list[object]:
        tables = ("labels", "session_labels", "reasons", "ratings", "file_states",
                  "session_states", "imports")
        rows: list[object] = [
            conn.execute(f"SELECT * FROM {t} ORDER BY 1, 2").fetchall() for t in tables]
        rows.append(conn.execute("SELECT hidden_branches, tool_thumbs FROM sessions").fetchall())
        return rows

    other = sqlite3.connect(db_path)
    try:
        _WRITES[write](db)
        assert not db.conn.in_transaction
        assert snapshot(other) == snapshot(db.conn)
    finally:
        other.close()


def test_a_write_inside_a_callers_transaction_is_part_of_it(db: Database) -> None:
    before = (list_labels(db), labels_of(db))

    def give_up_after_two_changes() -> None:
        with db.atomic():
            rename_label(db, "coding", "code")
            remove_label(db, "research")
            assert "code" in list_labels(db)
            raise RuntimeError("the caller gives up")

    with pytest.raises(RuntimeError, match="gives up"):
        give_up_after_two_changes()
    assert not db.conn.in_transaction
    assert (list_labels(db), labels_of(db)) == before


def test_a_rename_that_fails_halfway_changes_nothing(db: Database) -> None:
    before = (list_labels(db), labels_of(db))
    db.conn.execute("CREATE TEMP TRIGGER refuse BEFORE DELETE ON session_labels "
                    "BEGIN SELECT RAISE(ABORT, 'disk on fire'); END")
    with pytest.raises(sqlite3.IntegrityError, match="disk on fire"):
        rename_label(db, "coding", "code")
    assert not db.conn.in_transaction
    assert (list_labels(db), labels_of(db)) == before


def test_rename_then_revert_puts_back_name_place_and_sessions(db: Database) -> None:
    before = (list_labels(db), labels_of(db))
    done = rename_label(db, "coding", "code")
    assert done is not None
    assert (done.old, done.new, done.merged) == ("coding", "code", False)
    assert done.position == before[0].index("coding")
    assert done.moved == tuple(sorted(ids(1, 3)))
    assert list_labels(db)[done.position] == "code"
    assert labels_of(db)[ids(3)[0]] == ("code",)
    revert_label_rename(db, done)
    assert (list_labels(db), labels_of(db)) == before


def test_merge_then_revert_leaves_the_label_on_sessions_that_had_both(db: Database) -> None:
    before = (list_labels(db), labels_of(db))
    done = rename_label(db, "research", "coding")  # session 1 has both
    assert done is not None
    assert done.merged
    assert done.had_new == ids(1)
    assert "research" not in list_labels(db)
    assert labels_of(db) == dict(zip(ids(1, 2, 3), [("coding",)] * 3, strict=True))
    revert_label_rename(db, done)
    assert (list_labels(db), labels_of(db)) == before


def test_remove_then_restore(db: Database) -> None:
    before = (list_labels(db), labels_of(db))
    removal = remove_label(db, "coding")
    assert removal.session_ids == tuple(sorted(ids(1, 3)))
    assert removal.position == before[0].index("coding")
    assert "coding" not in list_labels(db)
    assert labels_of(db)[ids(1)[0]] == ("research",)
    assert get_rating(db, ids(3)[0]).verdict is Verdict.USEFUL  # the rating itself stays
    restore_label(db, removal)
    assert (list_labels(db), labels_of(db)) == before


def test_add_label_says_whether_it_added(db: Database) -> None:
    assert add_label(db, " planning ") is True
    assert add_label(db, "planning") is False
    assert list_labels(db)[-1] == "planning"
    with pytest.raises(ValueError, match="empty"):
        add_label(db, "  ")


def test_reasons_rename_merge_remove_and_back(db: Database) -> None:
    before = list_reasons(db)
    assert add_reason(db, " out of date ") is True
    assert list_reasons(db) == [*before, "out of date"]
    renamed = rename_reason(db, "out of date", "stale")
    assert renamed is not None
    assert list_reasons(db) == [*before, "stale"]
    merged = rename_reason(db, "stale", before[0])
    assert merged is not None
    assert merged.merged
    assert list_reasons(db) == before
    revert_reason_rename(db, merged)
    revert_reason_rename(db, renamed)
    assert list_reasons(db) == [*before, "out of date"]
    removal = remove_reason(db, before[1])
    assert list_reasons(db) == [before[0], *before[2:], "out of date"]
    restore_reason(db, removal)
    assert list_reasons(db) == [*before, "out of date"]
    # A reason renamed on the list stays as written on the ratings that chose it.
    rename_reason(db, "faster myself", "slower")
    assert get_rating(db, ids(2)[0]).reason == "faster myself"


def test_an_edit_touches_only_what_it_changes(db: Database) -> None:
    """Taking back a verdict after a rename leaves the renamed label alone."""
    sid = ids(1)[0]
    old = get_rating(db, sid)
    new = Rating(verdict=Verdict.NOT_USEFUL, minutes_saved=old.minutes_saved, labels=old.labels,
                 reason="wrong or made up", note=old.note, rated_at=old.rated_at)
    back = RatingEdit.between(new, old)
    assert back == RatingEdit(verdict=Verdict.USEFUL, reason=None)
    edit_ratings(db, {sid: RatingEdit.between(old, new)})
    rename_label(db, "coding", "code")
    edit_ratings(db, {sid: back})
    rating = get_rating(db, sid)
    assert (rating.verdict, rating.reason, rating.labels) == (Verdict.USEFUL, None,
                                                              ("code", "research"))
    assert "coding" not in list_labels(db)


def test_edits_add_and_remove_labels_one_by_one(db: Database) -> None:
    sid = ids(2)[0]
    edit_ratings(db, {sid: RatingEdit(add_labels=("coding",), remove_labels=("research",))})
    assert get_rating(db, sid).labels == ("coding",)
    # Taking back every part of a rating removes it.
    edit_ratings(db, {sid: RatingEdit.between(get_rating(db, sid), Rating())})
    assert get_rating(db, sid).is_empty
    assert db.conn.execute("SELECT count(*) FROM ratings WHERE session_id = ?",
                           (sid,)).fetchone()[0] == 0


def test_rename_and_remove_labels(db_path: Path) -> None:
    from desktop_app.store.ratings import label_usage, remove_label, rename_label

    db = open_db(db_path)
    a, b = make_session(1), make_session(2)
    save_sessions(db, [a, b])
    update_rating(db, a.id, Verdict.USEFUL, labels=("coding", "research"))
    update_rating(db, b.id, Verdict.USEFUL, labels=("research",))
    rename_label(db, "research", "reading")
    assert get_rating(db, a.id).labels == ("coding", "reading")
    assert "research" not in list_labels(db)
    assert list_labels(db).index("reading") == 3  # keeps its place in the list
    rename_label(db, "reading", "coding")  # merge into an existing label
    assert get_rating(db, a.id).labels == ("coding",)
    assert get_rating(db, b.id).labels == ("coding",)
    assert label_usage(db, "coding") == 2
    assert remove_label(db, "coding").session_ids == tuple(sorted((a.id, b.id)))
    assert get_rating(db, a.id).labels == ()
    assert get_rating(db, a.id).verdict is Verdict.USEFUL


def test_labels_are_trimmed(db_path: Path) -> None:
    db = open_db(db_path)
    s = make_session(1)
    save_sessions(db, [s])
    set_rating(db, s.id, Rating(verdict=Verdict.USEFUL, labels=(" coding", "coding ", "  ")))
    assert get_rating(db, s.id).labels == ("coding",)
