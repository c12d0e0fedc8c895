"""Your data out of the window: File → Export Data…, Back Up… and Open Database….

Export and backup run off the GUI thread (``ui/tasks.py``), each task on its own connection,
so the window stays usable and an import may go on meanwhile: both read one consistent
snapshot. Problems the person can act on (a folder that cannot be written, the database
itself chosen as the target) are said plainly; a bug shows its details.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtWidgets import QFileDialog, QMainWindow, QProgressDialog

from desktop_app.exporting import (
    ExportCancelledError,
    ExportError,
    ExportProgress,
    export_data,
)
from desktop_app.importers.values import size_text
from desktop_app.store import StoreError
from desktop_app.store.backup import backup_to
from desktop_app.ui.errors import show_error
from desktop_app.ui.export_dialog import ExportDialog
from desktop_app.ui.progress import progress_dialog
from desktop_app.ui.tasks import Task, TaskCancelledError, TaskContext, TaskRunner

DATABASE_FILTER = "Worthwhile database (*.db *.sqlite *.sqlite3 *.bak);;All files (*)"


@dataclass(frozen=True, slots=True)
class Done:
    """What a task did: a line for the status bar, or the problem to show."""

    message: str
    error: bool = False


def _export(context: TaskContext, fmt: str, transcripts: bool, target: Path) -> Done:
    try:
        count = export_data(context.db, target, fmt, transcripts=transcripts,
                            progress=context.progress, cancel=lambda: context.cancelled)
    except ExportCancelledError:
        raise TaskCancelledError from None
    except (ExportError, StoreError) as exc:
        return Done(f"The export was not written. {exc}", error=True)
    what = " with transcripts" if transcripts else ""
    return Done(f"Exported {count:,} sessions{what} to {target} "
                f"({size_text(target.stat().st_size)}).")


def _backup(context: TaskContext, target: Path) -> Done:
    try:
        backup_to(context.db, target)
    except StoreError as exc:
        return Done(f"The backup was not made. {exc}", error=True)
    return Done(f"Backed up to {target} ({size_text(target.stat().st_size)}). "
                "Open it with File → Open Database… or --db.")


class DataController(QObject):
    """Export, back up and open another database, for one window."""

    #: An export or a backup ended (done, failed or cancelled).
    task_ended = Signal()

    def __init__(self, window: QMainWindow, tasks: TaskRunner,
                 db_path: Callable[[], Path], open_other: Callable[[Path], bool]) -> None:
        """``db_path()`` is the database shown; ``open_other(path)`` shows another one."""
        super().__init__(window)
        self._window = window
        self._tasks = tasks
        self._db_path = db_path
        self._open_other = open_other
        self.task: Task | None = None
        self.progress_dialog: QProgressDialog | None = None
        self.export_dialog: ExportDialog | None = None
        #: The last message shown for a finished task (for a look in tests, too).
        self.last_message = ""

    @property
    def running(self) -> bool:
        """True while an export or a backup runs."""
        return self.task is not None and self.task.running

    # --- export -------------------------------------------------------------------------------

    @Slot()
    def export_data(self) -> None:
        """File → Export Data…: ask what and where, then write it in the background."""
        if self._busy():
            return
        dialog = ExportDialog(self._window)
        dialog.accepted.connect(lambda: self.start_export(*dialog.chosen()))
        self.export_dialog = dialog
        dialog.open()

    def start_export(self, fmt: str, transcripts: bool, target: Path) -> Task | None:
        """Write the export in the background, with progress and Cancel."""
        if self._busy():
            return None
        task = self._tasks.start(
            "export", lambda context: _export(context, fmt, transcripts, target),
            db_path=self._db_path())
        self._watch(task, "Exporting", "Exporting sessions…", cancellable=True)
        task.progressed.connect(self._on_task_progressed)
        return task

    # --- backup -------------------------------------------------------------------------------

    @Slot()
    def back_up(self) -> None:
        """File → Back Up…: choose the copy's file, then take it in the background."""
        if self._busy():
            return
        suggested = Path.home() / f"worthwhile-backup-{date.today().isoformat()}.db"
        path, _ = QFileDialog.getSaveFileName(self._window, "Back up the database to",
                                              str(suggested), DATABASE_FILTER)
        if path:
            self.start_backup(Path(path))

    def start_backup(self, target: Path) -> Task | None:
        """Copy the database in the background (one consistent snapshot)."""
        if self._busy():
            return None
        task = self._tasks.start("backup", lambda context: _backup(context, target),
                                 db_path=self._db_path())
        self._watch(task, "Backing up", "Copying the database…", cancellable=False)
        return task

    # --- open ---------------------------------------------------------------------------------

    @Slot()
    def open_database(self) -> None:
        """File → Open Database…: a backup or another Worthwhile database."""
        path, _ = QFileDialog.getOpenFileName(self._window, "Open a Worthwhile database",
                                              str(self._db_path().parent), DATABASE_FILTER)
        if path:
            self._open_other(Path(path))

    # --- the task -----------------------------------------------------------------------------

    def _busy(self) -> bool:
        if self.running:
            self._window.statusBar().showMessage(
                "An export or backup is running; wait for it to finish.", 5000)
            return True
        return False

    def _watch(self, task: Task, title: str, text: str, *, cancellable: bool) -> None:
        dialog = progress_dialog(
            self._window, "dataProgress", title, text,
            cancel=self._on_progress_dialog_canceled if cancellable else None)
        task.finished.connect(self._on_task_finished)
        task.failed.connect(self._on_task_failed)
        task.cancelled.connect(self._on_task_cancelled)
        self.task, self.progress_dialog = task, dialog

    @Slot()
    def _on_progress_dialog_canceled(self) -> None:
        if self.task is not None:
            self.task.cancel()

    @Slot(object)
    def _on_task_progressed(self, progress: ExportProgress) -> None:
        dialog = self.progress_dialog
        if dialog is None or (self.task is not None and self.task.cancel_requested):
            return
        dialog.setValue(int(progress.fraction * 1000))
        dialog.setLabelText(f"Exporting sessions… {progress.done:,} of {progress.total:,}")

    def _end(self) -> None:
        if self.progress_dialog is not None:
            self.progress_dialog.close()
            self.progress_dialog.deleteLater()
        self.task = None
        self.progress_dialog = None
        self.task_ended.emit()

    @Slot(object)
    def _on_task_finished(self, done: Done) -> None:
        self._end()
        self.last_message = done.message
        if done.error:
            show_error(self._window, done.message)
        else:
            self._window.statusBar().showMessage(done.message, 15000)

    @Slot()
    def _on_task_cancelled(self) -> None:
        self._end()
        self.last_message = "Export cancelled: no file was written."
        self._window.statusBar().showMessage(self.last_message, 8000)

    @Slot(str)
    def _on_task_failed(self, detail: str) -> None:
        self._end()
        self.last_message = "failed"
        show_error(self._window, "That stopped because of a problem inside Worthwhile. "
                   "Your database was not changed.", detail)
