"""A property: rate, then undo, restores exactly. Any sequence of the edits a person makes
(verdict, minutes, labels, a reason, a note, a new label on the list) on any sessions, one or
several at once, through the window's own RatingController and QUndoStack: undoing step by
step gives back, at each step, the ratings, labels and lists exactly as they were (``rated_at``
included), down to where it started; redoing step by step gives back the states after the
edits."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QApplication
from sqlite_utils import Database

from desktop_app.domain import DEFAULT_LABELS, Rating, Verdict
from desktop_app.store import list_labels, open_db, save_sessions, set_rating
from desktop_app.store.locking import GUI_WAIT_MS, set_lock_wait
from desktop_app.ui.rating import RatingController
from tests.factories import make_session
from tests.strategies import TEXT

TIME = st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2030, 1, 1),
                    timezones=st.just(UTC))
#: What a session may carry before the edits (labels from the list, as the app offers them).
START = st.builds(
    Rating, verdict=st.sampled_from(Verdict), minutes_saved=st.none() | st.integers(-600, 600),
    labels=st.lists(st.sampled_from(DEFAULT_LABELS), max_size=3, unique=True).map(tuple),
    reason=st.none() | TEXT, note=st.none() | TEXT, rated_at=st.none() | TIME)

State = dict[str, list[tuple[Any, ...]]]


def state(db: Database) -> State:
    """Everything a rating step may change, exactly as stored."""
    return {
        "ratings": sorted(db.conn.execute(
            "SELECT session_id, verdict, minutes_saved, reason, note, rated_at FROM ratings"),
            key=repr),
        "session_labels": sorted(db.conn.execute(
            "SELECT session_id, label FROM session_labels"), key=repr),
        "labels": list(db.conn.execute("SELECT name, position FROM labels ORDER BY position")),
        "reasons": list(db.conn.execute("SELECT name, position FROM reasons ORDER BY position")),
    }


def edit(data: st.DataObject, controller: RatingController, db: Database,
         ids: list[str]) -> None:
    """One edit, as the rating panel or a key press makes it, on some of the sessions."""
    chosen = data.draw(st.lists(st.sampled_from(ids), min_size=1, max_size=3, unique=True))
    kinds: dict[str, Callable[[], object]] = {
        "verdict": lambda: controller.set_verdict(chosen, data.draw(st.sampled_from(Verdict))),
        "minutes": lambda: controller.set_minutes(
            chosen, data.draw(st.none() | st.integers(-600, 600))),
        "label": lambda: controller.set_label(
            chosen, data.draw(st.sampled_from(list_labels(db))), data.draw(st.booleans())),
        "reason": lambda: controller.set_reason(chosen, data.draw(st.none() | TEXT)),
        "note": lambda: controller.set_note(chosen, data.draw(st.none() | TEXT)),
        "new label": lambda: controller.add_label(data.draw(TEXT)),
    }
    kinds[data.draw(st.sampled_from(sorted(kinds)))]()


@settings(max_examples=60, deadline=None)
@given(start=st.lists(st.none() | START, min_size=1, max_size=4), data=st.data())
def test_rate_then_undo_restores_exactly_and_redo_gives_the_edits_back(
        qapp: QApplication, start: list[Rating | None], data: st.DataObject) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db = open_db(Path(tmp) / "w.db")
        set_lock_wait(db, wait_ms=GUI_WAIT_MS)  # as the window's own connection
        stack = QUndoStack()
        controller = RatingController(stack)
        try:
            sessions = [make_session(i) for i in range(len(start))]
            save_sessions(db, sessions)
            for session, rating in zip(sessions, start, strict=True):
                if rating is not None:
                    set_rating(db, session.id, rating)
            controller.set_db(db)
            ids = [s.id for s in sessions]
            states = [state(db)]  # states[i]: after i steps
            for _ in range(data.draw(st.integers(1, 12), label="edits")):
                edit(data, controller, db, ids)
                assert controller.writes.pending == 0  # nothing waits: no other writer
                if stack.index() == len(states):  # a step was made (an edit can change nothing)
                    states.append(state(db))
                assert stack.count() == stack.index() == len(states) - 1
                assert state(db) == states[-1]
            for steps in range(len(states) - 1, 0, -1):
                controller.undo()
                assert state(db) == states[steps - 1]
            assert not stack.canUndo()
            assert state(db) == states[0]
            for steps in range(1, len(states)):
                controller.redo()
                assert state(db) == states[steps]
            assert not stack.canRedo()
        finally:
            controller.set_db(None)
            db.close()
