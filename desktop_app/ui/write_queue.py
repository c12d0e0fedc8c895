"""The window's changes, written in order, even while another Worthwhile writes to the database.

The GUI thread never waits for SQLite's write lock longer than ``GUI_WAIT_MS``. A change (a
rating, a label, an undo) that finds the lock taken (the command line importing a big file, say)
is kept and tried again every ``RETRY_MS`` without waiting, while the status bar says so; the
changes made after it wait behind it, so that each applies to what the one before wrote, and
each is saved exactly once, in the order the user made them.

A change runs whole inside one write transaction (``write_lock``): it reads, decides and writes
with the lock held, so it either runs entirely or waits entirely. What it announces through
:meth:`WriteQueue.after_commit` (the controller's signals) is sent after the commit, so the views
and the workers they start read what was saved.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal, Slot
from sqlite_utils import Database

from desktop_app.store.locking import GUI_WAIT_MS, DatabaseBusyError, write_lock

#: While changes wait, the lock is tried this often (without waiting on the GUI thread).
RETRY_MS = 100

#: What a change is, for the status bar ("… your rating will be saved").
RATING = "rating"
CHANGE = "change"


class WriteQueue(QObject):
    """Runs the user's changes on the GUI thread, in order; keeps them while the lock is taken."""

    #: What waits ("rating", "change"), or "" once everything waiting has been saved.
    waiting_changed = Signal(str)
    #: The changes that waited have all been saved.
    saved = Signal()

    def __init__(self, parent: QObject | None = None, retry_ms: int = RETRY_MS) -> None:
        super().__init__(parent)
        self._db: Database | None = None
        self._queue: deque[tuple[Callable[[], object], str]] = deque()
        self._after: list[Callable[[], None]] | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(retry_ms)
        self._timer.timeout.connect(self._on_timer_timeout)

    def set_db(self, db: Database | None) -> None:
        """Write to ``db`` from now on; changes still waiting for the old one are dropped (the
        window only switches once they are saved, or when the user chose to drop them)."""
        self._db = db
        self.drop_waiting()

    @property
    def pending(self) -> int:
        """How many changes wait for the lock."""
        return len(self._queue)

    def submit(self, change: Callable[[], object], what: str = CHANGE) -> bool:
        """Run ``change`` now, or after the changes waiting before it.

        Returns what ``change`` returned (as a bool) when it ran now, True when it waits (it
        will run), and False when there is no database.
        """
        if self._db is None:
            return False
        if self._after is not None:  # a change made by a change: part of the same transaction
            return bool(change())
        if self._queue:
            self._queue.append((change, what))
            return True
        try:
            return bool(self._run(change, GUI_WAIT_MS))
        except DatabaseBusyError:
            self._queue.append((change, what))
            self._timer.start()
            self.waiting_changed.emit(what)
            return True

    def after_commit(self, announce: Callable[[], None]) -> None:
        """Call ``announce`` once the change being run is saved (at once outside a change)."""
        if self._after is None:
            announce()
        else:
            self._after.append(announce)

    def drop_waiting(self) -> None:
        """Forget the changes waiting (nothing of them was written)."""
        was_waiting = bool(self._queue)
        self._queue.clear()
        self._timer.stop()
        if was_waiting:
            self.waiting_changed.emit("")

    def _run(self, change: Callable[[], object], wait_ms: int) -> object:
        assert self._db is not None
        self._after = []
        try:
            with write_lock(self._db, wait_ms):
                result = change()
            announcements = self._after
        finally:
            self._after = None
        for announce in announcements:
            announce()
        return result

    @Slot()
    def _on_timer_timeout(self) -> None:
        while self._queue:
            change, _what = self._queue[0]
            try:
                self._run(change, 0)
            except DatabaseBusyError:
                return  # still taken: the timer tries again
            except Exception:
                self._queue.popleft()  # a bug: rolled back; the changes after it still go in
                raise
            self._queue.popleft()
        self._timer.stop()
        self.waiting_changed.emit("")
        self.saved.emit()
