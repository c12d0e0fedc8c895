"""Imports run off the GUI thread: a QRunnable with its own database connection."""

from __future__ import annotations

import threading
import traceback
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QObject, QRunnable, Signal

from desktop_app.ingest import ImportProgress, import_paths
from desktop_app.store import open_db


class ImportSignals(QObject):
    """What an import tells the GUI (emitted from the worker thread, queued to the GUI)."""

    progressed = Signal(object)  # ImportProgress
    finished = Signal(object)  # ImportReport
    failed = Signal(str)  # a traceback: a bug, not bad input


class ImportTask(QRunnable):
    """Imports ``paths`` into the database at ``db_path``; ``cancel()`` stops between batches."""

    def __init__(self, db_path: Path, paths: Sequence[str | Path]) -> None:
        super().__init__()
        self.setAutoDelete(False)
        self.db_path = db_path
        self.paths = [str(p) for p in paths]
        self.signals = ImportSignals()
        self._cancel = threading.Event()

    def cancel(self) -> None:
        """Ask the import to stop; the file being read is rolled back."""
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        """True once cancel() was called."""
        return self._cancel.is_set()

    def run(self) -> None:
        try:
            db = open_db(self.db_path)  # a connection belongs to the thread that made it
            try:
                report = import_paths(db, self.paths, cancel=self._cancel.is_set,
                                      progress=self._on_progress)
            finally:
                db.close()
        except Exception:  # a bug: show it with its traceback, keep the app alive
            self.signals.failed.emit(traceback.format_exc())
            return
        self.signals.finished.emit(report)

    def _on_progress(self, progress: ImportProgress) -> None:
        self.signals.progressed.emit(progress)
