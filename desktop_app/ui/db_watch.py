"""Noticing what another Worthwhile wrote, so the command line's imports show up by themselves.

SQLite's ``PRAGMA data_version`` on the window's connection changes whenever another connection
commits (the command line, a second process, the window's own workers); the window's own
writes leave it alone. Asking costs a few microseconds, so the watch asks when the window is
activated and every :data:`POLL_MS` while it is shown, and says ``changed`` when it moved.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QTimer, Signal, Slot
from PySide6.QtWidgets import QWidget
from sqlite_utils import Database

from desktop_app.store.locking import data_version

#: How often the watch asks while the window is shown.
POLL_MS = 2000


class ChangeWatcher(QObject):
    """Says ``changed`` after another connection committed to the window's database."""

    changed = Signal()

    def __init__(self, window: QWidget, poll_ms: int = POLL_MS) -> None:
        super().__init__(window)
        self._window = window
        self._db: Database | None = None
        self._version = 0
        self._timer = QTimer(self)
        self._timer.setInterval(poll_ms)
        self._timer.timeout.connect(self._on_timer_timeout)
        window.installEventFilter(self)

    def set_db(self, db: Database | None) -> None:
        """Watch ``db`` (None: nothing); what it holds now counts as seen."""
        self._db = db
        if db is None:
            self._timer.stop()
            return
        self._version = data_version(db)
        self._timer.start()

    def mark_seen(self) -> None:
        """What the database holds now is about to be shown (call before reading it)."""
        if self._db is not None:
            self._version = data_version(self._db)

    def check(self) -> bool:
        """Ask now; emits ``changed`` (and returns True) if another connection committed."""
        if self._db is None:
            return False
        version = data_version(self._db)
        if version == self._version:
            return False
        self._version = version
        self.changed.emit()
        return True

    @Slot()
    def _on_timer_timeout(self) -> None:
        if self._window.isVisible() and not self._window.isMinimized():
            self.check()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._window and event.type() == QEvent.Type.WindowActivate:
            self.check()
        return False
