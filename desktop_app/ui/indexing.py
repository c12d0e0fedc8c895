"""Building the full-text index in the background: after an import, and at start when a quit or a
crash left some of it to do (see :mod:`desktop_app.store.indexing`).

The work runs on the window's task runner (its own connection) in short transactions sized to
about :data:`TARGET_S` each, with a pause of :data:`PAUSE_S` between them, so that a rating made
meanwhile gets the write lock within one batch (``tests/perf/bench_index_yield.py``: at most
40–90 ms on a loaded 2-core machine). The status bar says "Indexing… n %" while it runs; a
search meanwhile finds what is indexed so far, and says so (``SessionsView.search_coverage``).
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtWidgets import QLabel, QStatusBar

from desktop_app.store.indexing import index_complete, index_pending, index_progress
from desktop_app.ui.tasks import Task, TaskCancelledError, TaskContext, TaskRunner

#: A batch should hold the write lock about this long (seconds) ...
TARGET_S = 0.025
#: ... and the indexer then leaves it free this long (seconds), so that the window's writes
#: (SQLite's busy handler retries for the lock every few ms, then every 25 ms) get in.
PAUSE_S = 0.025
#: Messages in the first batch, and the bounds the batch size adapts within.
FIRST_BATCH, MIN_BATCH, MAX_BATCH = 500, 50, 20_000

log = logging.getLogger(__name__)


def build_index(context: TaskContext) -> bool:
    """The task: index what is queued, reporting ``(indexed, total)`` messages after each
    batch. Returns True when the index is complete; raises TaskCancelledError when asked to stop
    (what is left stays queued)."""
    db = context.db
    if index_complete(db):
        return True
    indexed, total = index_progress(db)
    context.progress((indexed, total))
    batch = FIRST_BATCH
    while True:
        context.check_cancelled()
        started = time.monotonic()
        step = index_pending(db, batch)
        took = time.monotonic() - started
        indexed = min(total, indexed + step.messages)
        context.progress((indexed, total))
        if step.finished:
            return True
        if step.messages and took > 0:  # aim the next batch at TARGET_S
            wanted = int(step.messages * TARGET_S / took)
            batch = max(MIN_BATCH, min(MAX_BATCH, wanted, batch * 2))
        if context.cancelled:
            raise TaskCancelledError
        time.sleep(PAUSE_S)


class IndexingController(QObject):
    """Runs the index task for the window's database and shows its progress in the status bar."""

    #: The index became complete (searches now cover every message).
    finished = Signal()
    #: The share of messages indexed changed (0..1), or None once complete.
    coverage_changed = Signal(object)

    KEY = "index"

    def __init__(self, tasks: TaskRunner, status_bar: QStatusBar) -> None:
        super().__init__(status_bar)
        self._tasks = tasks
        self.task: Task | None = None
        #: Share of messages indexed while the index is being built; None when complete.
        self.coverage: float | None = None
        self.label = QLabel(status_bar)
        self.label.setObjectName("indexingStatus")
        self.label.setToolTip("Building the search index: sessions can be browsed and rated "
                              "meanwhile; a search finds what is indexed so far")
        self.label.setVisible(False)
        status_bar.addPermanentWidget(self.label)

    @property
    def running(self) -> bool:
        """True while the index is being built."""
        return self.task is not None and self.task.running

    def start(self, db_path: Path) -> None:
        """Build what is missing of the index of ``db_path`` (a task already running for
        another database is dropped)."""
        task = self._tasks.start(self.KEY, build_index, db_path=db_path)
        task.progressed.connect(self._on_task_progressed)
        task.finished.connect(self._on_task_finished)
        task.failed.connect(self._on_task_failed)
        task.cancelled.connect(self._on_task_cancelled)
        self.task = task

    def stop(self) -> None:
        """Stop building (the database is being closed); what is left stays queued."""
        self._tasks.drop(self.KEY)
        self.task = None
        self._show(None)

    def _show(self, coverage: float | None) -> None:
        changed = coverage != self.coverage
        self.coverage = coverage
        if coverage is None:
            self.label.setVisible(False)
        else:
            self.label.setText(f"Indexing… {int(coverage * 100)} %")
            self.label.setVisible(True)
        if changed:
            self.coverage_changed.emit(coverage)

    @Slot(object)
    def _on_task_progressed(self, value: object) -> None:
        if not isinstance(value, tuple):
            return
        indexed, total = value
        coverage = indexed / total if total else 1.0
        if self.coverage is None or int(coverage * 100) != int(self.coverage * 100):
            self._show(min(coverage, 0.99))  # 100 % is said by the label going away

    @Slot(object)
    def _on_task_finished(self, _complete: object) -> None:
        self.task = None
        was_running = self.coverage is not None
        self._show(None)
        if was_running:
            self.finished.emit()

    @Slot(str)
    def _on_task_failed(self, detail: str) -> None:
        # A bug: logged, not shown (nothing the user can do; what is left stays queued and the
        # next start tries again). Searches keep finding what is indexed.
        log.error("Building the search index failed:\n%s", detail)
        self._on_task_cancelled()

    @Slot()
    def _on_task_cancelled(self) -> None:
        self.task = None
        self._show(None)
