"""Rating actions as undoable commands: every change goes through one QUndoStack."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack
from sqlite_utils import Database

from desktop_app.domain import Rating, Verdict
from desktop_app.store import get_rating, set_rating

RatingChange = Callable[[Rating], Rating]


class RateCommand(QUndoCommand):
    """Sets the ratings of some sessions; undo puts back exactly what was there."""

    def __init__(self, controller: RatingController,
                 changes: Sequence[tuple[str, Rating, Rating]], text: str) -> None:
        super().__init__(text)
        self._controller = controller
        self._changes = list(changes)

    def redo(self) -> None:
        self._controller.write({sid: new for sid, _old, new in self._changes})

    def undo(self) -> None:
        self._controller.write({sid: old for sid, old, _new in self._changes})


class RatingController(QObject):
    """Turns the user's rating intents into commands on the undo stack and writes them."""

    ratings_changed = Signal(list)

    def __init__(self, undo_stack: QUndoStack, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.undo_stack = undo_stack
        self._db: Database | None = None

    def set_db(self, db: Database | None) -> None:
        """Work on another database; the undo history belongs to the old one and is cleared."""
        self._db = db
        self.undo_stack.clear()

    def write(self, ratings: dict[str, Rating]) -> None:
        """Store ratings (used by commands) and tell the views."""
        if self._db is None:
            return
        db = self._db
        with db.atomic():
            for sid, rating in ratings.items():
                set_rating(db, sid, rating)
        self.ratings_changed.emit(list(ratings))

    def apply(self, session_ids: Sequence[str], change: RatingChange, text: str) -> bool:
        """Apply ``change`` to each session's rating as one undoable step (False: no change)."""
        if self._db is None or not session_ids:
            return False
        changes = []
        for sid in session_ids:
            old = get_rating(self._db, sid)
            new = change(old)
            if _same(old, new):
                continue
            changes.append((sid, old, new))
        if not changes:
            return False
        count = len(changes)
        suffix = f" ({count} sessions)" if count > 1 else ""
        self.undo_stack.push(RateCommand(self, changes, text + suffix))
        return True

    # --- the intents ---------------------------------------------------------------------------

    def set_verdict(self, session_ids: Sequence[str], verdict: Verdict) -> bool:
        """Useful / not useful keep the rest of the rating; clear removes all of it."""
        if verdict is Verdict.UNRATED:
            return self.apply(session_ids, lambda _old: Rating(), "Clear rating")
        text = "Mark useful" if verdict is Verdict.USEFUL else "Mark not useful"
        return self.apply(session_ids, lambda old: _stamp(replace(old, verdict=verdict)), text)

    def set_minutes(self, session_ids: Sequence[str], minutes: int | None) -> bool:
        """Minutes saved (negative: it cost time; None: not given)."""
        text = "Clear minutes" if minutes is None else f"Set minutes saved to {minutes:+d}"
        return self.apply(session_ids, lambda old: _stamp(replace(old, minutes_saved=minutes)),
                          text)

    def set_label(self, session_ids: Sequence[str], label: str, on: bool) -> bool:
        """Add or remove one label."""
        def change(old: Rating) -> Rating:
            labels = tuple(dict.fromkeys((*old.labels, label))) if on else tuple(
                x for x in old.labels if x != label)
            return _stamp(replace(old, labels=labels))

        text = f"Add label “{label}”" if on else f"Remove label “{label}”"
        return self.apply(session_ids, change, text)

    def set_reason(self, session_ids: Sequence[str], reason: str | None) -> bool:
        """Why it was not useful."""
        clean = (reason or "").strip() or None
        return self.apply(session_ids, lambda old: _stamp(replace(old, reason=clean)),
                          "Set reason" if clean else "Clear reason")

    def set_note(self, session_ids: Sequence[str], note: str | None) -> bool:
        """A free note."""
        clean = (note or "").strip() or None
        return self.apply(session_ids, lambda old: _stamp(replace(old, note=clean)),
                          "Edit note" if clean else "Clear note")


def _stamp(rating: Rating) -> Rating:
    return replace(rating, rated_at=datetime.now(UTC))


def _same(a: Rating, b: Rating) -> bool:
    return replace(a, rated_at=None) == replace(b, rated_at=None) or (a.is_empty and b.is_empty)
