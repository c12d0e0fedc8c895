"""What the user changes as undoable commands: ratings, labels and reasons, on one QUndoStack.

Each command stores what it changed, never a snapshot: a rating step keeps the edit it made
(say, the verdict) and the edit that takes it back; a label rename keeps the old name, its place
and the sessions that carried it. Undoing an older rating step after a rename therefore cannot
bring the old label back: the rename is itself a step, undone first.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack
from sqlite_utils import Database

from desktop_app.domain import Rating, Verdict
from desktop_app.store import get_rating, list_labels, list_reasons
from desktop_app.store.ratings import (
    ListRemoval,
    ListRename,
    RatingEdit,
    add_label,
    add_reason,
    edit_ratings,
    one_line,
    remove_label,
    remove_reason,
    rename_label,
    rename_reason,
    restore_label,
    restore_reason,
    revert_label_rename,
    revert_reason_rename,
)
from desktop_app.store.suggested import AcceptedVerdicts, accept_verdicts, revert_accepted
from desktop_app.ui.rating_panel import RatingPanel
from desktop_app.ui.write_queue import CHANGE, RATING, WriteQueue

RatingChange = Callable[[Rating], Rating]


class RateCommand(QUndoCommand):
    """Edits the ratings of some sessions; undo takes back only those edits."""

    def __init__(self, controller: RatingController,
                 edits: dict[str, tuple[RatingEdit, RatingEdit]], text: str) -> None:
        super().__init__(text)
        self._controller = controller
        self._edits = edits  # session id -> (the edit, the edit that takes it back)

    def redo(self) -> None:
        edit_ratings(self._controller.db, {sid: do for sid, (do, _back) in self._edits.items()})
        self._controller.announce_ratings(list(self._edits))

    def undo(self) -> None:
        edit_ratings(self._controller.db, {sid: back for sid, (_do, back) in self._edits.items()})
        self._controller.announce_ratings(list(self._edits))


class AcceptCommand(QUndoCommand):
    """Accepted suggestions: verdicts for sessions without one, written in bulk (tens of
    thousands in a second or two); undo makes exactly those sessions unrated again."""

    def __init__(self, controller: RatingController, verdicts: dict[str, Verdict],
                 text: str) -> None:
        super().__init__(text)
        self._controller = controller
        self._verdicts = verdicts
        self._rated_at = datetime.now(UTC)
        self._done: AcceptedVerdicts | None = None

    @property
    def rated(self) -> int:
        """How many sessions the step rated."""
        return len(self._done.verdicts) if self._done is not None else 0

    def redo(self) -> None:
        self._done = accept_verdicts(self._controller.db, self._verdicts, self._rated_at)
        if not self._done.verdicts:
            self.setObsolete(True)  # nothing to undo: the stack drops the step
        n = len(self._done.verdicts)
        if n > 1:
            self.setText(f"{self.text().split(' (')[0]} ({n:,} sessions)")
        self._controller.announce_ratings(list(self._done.verdicts))

    def undo(self) -> None:
        if self._done is not None:
            revert_accepted(self._controller.db, self._done)
            self._controller.announce_ratings(list(self._done.verdicts))


class AddLabelCommand(QUndoCommand):
    """A new label at the end of the list."""

    def __init__(self, controller: RatingController, name: str) -> None:
        super().__init__(f"Add label “{name}” to the list")
        self._controller = controller
        self._name = name

    def redo(self) -> None:
        add_label(self._controller.db, self._name)
        self._controller.lists_written()

    def undo(self) -> None:
        # Steps that put it on sessions came later and are undone already.
        remove_label(self._controller.db, self._name)
        self._controller.lists_written()


class RenameLabelCommand(QUndoCommand):
    """A label renamed on the list and on every session (or merged into an existing label)."""

    def __init__(self, controller: RatingController, old: str, new: str) -> None:
        super().__init__(f"Rename label “{old}” to “{new}”")
        self._controller = controller
        self._old, self._new = old, new
        self._done: ListRename | None = None

    def redo(self) -> None:
        self._done = rename_label(self._controller.db, self._old, self._new)
        self._controller.lists_written(self._done.moved if self._done else ())

    def undo(self) -> None:
        if self._done is not None:
            revert_label_rename(self._controller.db, self._done)
            self._controller.lists_written(self._done.moved)


class RemoveLabelCommand(QUndoCommand):
    """A label taken off the list and off every session; undo puts it back on the same ones."""

    def __init__(self, controller: RatingController, name: str) -> None:
        super().__init__(f"Remove label “{name}” from the list")
        self._controller = controller
        self._name = name
        self._done: ListRemoval | None = None

    def redo(self) -> None:
        self._done = remove_label(self._controller.db, self._name)
        self._controller.lists_written(self._done.session_ids)

    def undo(self) -> None:
        if self._done is not None:
            restore_label(self._controller.db, self._done)
            self._controller.lists_written(self._done.session_ids)


class AddReasonCommand(QUndoCommand):
    """A new reason at the end of the list."""

    def __init__(self, controller: RatingController, name: str) -> None:
        super().__init__(f"Add reason “{name}”")
        self._controller = controller
        self._name = name

    def redo(self) -> None:
        add_reason(self._controller.db, self._name)
        self._controller.lists_written()

    def undo(self) -> None:
        remove_reason(self._controller.db, self._name)
        self._controller.lists_written()


class RenameReasonCommand(QUndoCommand):
    """A reason renamed on the list (ratings keep the text they have)."""

    def __init__(self, controller: RatingController, old: str, new: str) -> None:
        super().__init__(f"Rename reason “{old}” to “{new}”")
        self._controller = controller
        self._old, self._new = old, new
        self._done: ListRename | None = None

    def redo(self) -> None:
        self._done = rename_reason(self._controller.db, self._old, self._new)
        self._controller.lists_written()

    def undo(self) -> None:
        if self._done is not None:
            revert_reason_rename(self._controller.db, self._done)
            self._controller.lists_written()


class RemoveReasonCommand(QUndoCommand):
    """A reason taken off the list; undo puts it back in its place."""

    def __init__(self, controller: RatingController, name: str) -> None:
        super().__init__(f"Remove reason “{name}”")
        self._controller = controller
        self._name = name
        self._done: ListRemoval | None = None

    def redo(self) -> None:
        self._done = remove_reason(self._controller.db, self._name)
        self._controller.lists_written()

    def undo(self) -> None:
        if self._done is not None:
            restore_reason(self._controller.db, self._done)
            self._controller.lists_written()


class RatingController(QObject):
    """Turns the user's intents (rate, label, edit the lists, undo, redo) into commands on the
    undo stack.

    Every intent goes through :attr:`writes`: it runs at once, or, while another Worthwhile
    holds the database's write lock, after the intents before it (see ``ui/write_queue.py``).
    """

    ratings_changed = Signal(list)  # ids of the sessions whose rating changed
    lists_changed = Signal()  # the labels or reasons offered changed

    def __init__(self, undo_stack: QUndoStack, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.undo_stack = undo_stack
        self._db: Database | None = None
        self.writes = WriteQueue(self)

    def set_db(self, db: Database | None) -> None:
        """Work on another database; the undo history belongs to the old one and is cleared."""
        self._db = db
        self.writes.set_db(db)
        self.undo_stack.clear()

    def undo(self) -> None:
        """Edit ▸ Undo, in its turn after the changes still waiting to be saved."""
        self.writes.submit(self.undo_stack.undo, RATING)

    def redo(self) -> None:
        """Edit ▸ Redo, in its turn after the changes still waiting to be saved."""
        self.writes.submit(self.undo_stack.redo, RATING)

    def announce_ratings(self, session_ids: Sequence[str]) -> None:
        """Tell the views that these sessions' ratings changed, once the change is saved."""
        ids = list(session_ids)
        self.writes.after_commit(lambda: self.ratings_changed.emit(ids))

    @property
    def db(self) -> Database:
        """The database the commands write to (the stack is empty while there is none)."""
        assert self._db is not None
        return self._db

    def lists_written(self, session_ids: Sequence[str] = ()) -> None:
        """A command changed the labels or reasons (and the labels of ``session_ids``)."""
        self.writes.after_commit(self.lists_changed.emit)
        if session_ids:
            self.announce_ratings(session_ids)

    def apply(self, session_ids: Sequence[str], change: RatingChange, text: str) -> bool:
        """Apply ``change`` to each session's rating as one undoable step (False: no change).

        While earlier changes wait for the database, this one waits behind them (True)."""
        if self._db is None or not session_ids:
            return False
        ids = list(session_ids)
        return self.writes.submit(lambda: self._apply_now(ids, change, text), RATING)

    def _apply_now(self, session_ids: Sequence[str], change: RatingChange, text: str) -> bool:
        if self._db is None:
            return False
        edits = {}
        for sid in session_ids:
            old = get_rating(self._db, sid)
            new = change(old)
            if _same(old, new):
                continue
            edits[sid] = (RatingEdit.between(old, new), RatingEdit.between(new, old))
        if not edits:
            return False
        count = len(edits)
        suffix = f" ({count} sessions)" if count > 1 else ""
        self.undo_stack.push(RateCommand(self, edits, text + suffix))
        return True

    def accept_verdicts(self, verdicts: Mapping[str, Verdict], text: str) -> bool:
        """Suggested verdicts the person accepted, as one undoable step. Only sessions still
        without a verdict when it runs are rated: a suggestion never overwrites a rating."""
        if self._db is None or not verdicts:
            return False
        chosen = dict(verdicts)

        def run() -> bool:
            if self._db is None:
                return False
            command = AcceptCommand(self, chosen, text)
            self.undo_stack.push(command)  # runs it; dropped again if it rated nothing
            return command.rated > 0

        return self.writes.submit(run, RATING)

    def follow_panel(self, panel: RatingPanel, session_ids: Callable[[], Sequence[str]]) -> None:
        """Turn a rating panel's edits (minutes, labels, reason, note) into intents on the
        sessions ``session_ids()`` names at that moment. Each view handles the verdict itself
        (the Sessions view re-shows the state; Reflect moves on)."""
        panel.minutes_committed.connect(lambda m: self.set_minutes(session_ids(), m))
        panel.label_toggled.connect(lambda name, on: self.set_label(session_ids(), name, on))
        panel.reason_committed.connect(lambda r: self.set_reason(session_ids(), r))
        panel.note_committed.connect(lambda n: self.set_note(session_ids(), n))

    # --- the rating intents --------------------------------------------------------------------

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

    # --- the list intents (False: nothing to do) -----------------------------------------------

    def add_label(self, name: str) -> bool:
        """Offer a new label."""
        clean = one_line(name)
        if self._db is None or not clean:
            return False

        def add(db: Database) -> bool:
            if clean in list_labels(db):
                return False
            self.undo_stack.push(AddLabelCommand(self, clean))
            return True

        return self._submit(add)

    def rename_label(self, old: str, new: str) -> bool:
        """Rename a label on the list and on every session that carries it."""
        clean = one_line(new)
        if self._db is None or not clean or clean == old:
            return False
        return self._submit(lambda _db: self.undo_stack.push(RenameLabelCommand(self, old, clean)))

    def remove_label(self, name: str) -> bool:
        """Take a label off the list and off every session."""
        if self._db is None:
            return False
        return self._submit(lambda _db: self.undo_stack.push(RemoveLabelCommand(self, name)))

    def add_reason(self, name: str) -> bool:
        """Offer a new reason for "not useful"."""
        clean = one_line(name)
        if self._db is None or not clean:
            return False

        def add(db: Database) -> bool:
            if clean in list_reasons(db):
                return False
            self.undo_stack.push(AddReasonCommand(self, clean))
            return True

        return self._submit(add)

    def rename_reason(self, old: str, new: str) -> bool:
        """Rename a reason on the list."""
        clean = one_line(new)
        if self._db is None or not clean or clean == old:
            return False
        return self._submit(lambda _db: self.undo_stack.push(RenameReasonCommand(self, old, clean)))

    def remove_reason(self, name: str) -> bool:
        """Take a reason off the list."""
        if self._db is None:
            return False
        return self._submit(lambda _db: self.undo_stack.push(RemoveReasonCommand(self, name)))

    def _submit(self, intent: Callable[[Database], object]) -> bool:
        """Run a list intent on the database now or in its turn (True unless it did nothing)."""
        def run() -> bool:
            if self._db is None:
                return False
            done = intent(self._db)
            return True if done is None else bool(done)

        return self.writes.submit(run, CHANGE)


def _stamp(rating: Rating) -> Rating:
    return replace(rating, rated_at=datetime.now(UTC))


def _same(a: Rating, b: Rating) -> bool:
    return replace(a, rated_at=None) == replace(b, rated_at=None) or (a.is_empty and b.is_empty)
