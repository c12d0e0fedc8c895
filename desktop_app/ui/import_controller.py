"""Importing from the window: choosers, drops, discovery, the import task, progress and report."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QMimeData, QObject, Signal, Slot
from PySide6.QtWidgets import QFileDialog, QMainWindow, QProgressDialog

from desktop_app.store.locking import set_lock_wait
from desktop_app.ui.errors import show_error
from desktop_app.ui.progress import progress_dialog
from desktop_app.ui.settings import Settings
from desktop_app.ui.tasks import Task, TaskContext, TaskRunner

if TYPE_CHECKING:
    # The importers and ingest/ load with the first import, not with the window.
    from desktop_app.ingest import ImportProgress, ImportReport
    from desktop_app.ui.discover_dialog import DiscoverDialog
    from desktop_app.ui.import_report import ImportReportDialog

FILE_FILTER = ("AI history (*.json *.jsonl *.csv *.zip *.md *.html *.db *.vscdb *.tgz);;"
               "All files (*)")


#: What the import reports while another Worthwhile holds the database's write lock.
WAITING = "waiting"


def _import(context: TaskContext, paths: Sequence[str]) -> ImportReport:
    """The one call of the importer: on a worker thread, with its own connection."""
    from desktop_app.ingest import import_paths

    set_lock_wait(context.db, on_wait=lambda: context.progress(WAITING))
    return import_paths(context.db, paths, cancel=lambda: context.cancelled,
                        progress=context.progress, index=False)  # see ui/indexing.py


class ImportController(QObject):
    """Runs one import at a time off the GUI thread, with a progress dialog whose Cancel rolls
    back the file being read, then shows the report."""

    #: An import ended (an ImportReport); emitted before the report opens, so views are current.
    imported = Signal(object)

    def __init__(self, window: QMainWindow, tasks: TaskRunner, settings: Settings,
                 target: Callable[[], Path]) -> None:
        """``target()`` gives the database to import into (the window leaves a demo first)."""
        super().__init__(window)
        self._window = window
        self._tasks = tasks
        self._settings = settings
        self._target = target
        self.task: Task | None = None
        self.progress_dialog: QProgressDialog | None = None
        self.last_report: ImportReportDialog | None = None
        self.discover_dialog: DiscoverDialog | None = None

    # --- ways in -----------------------------------------------------------------------------

    @Slot()
    def choose_files(self) -> None:
        """File ▸ Import Files…"""
        paths, _ = QFileDialog.getOpenFileNames(self._window, "Import AI history",
                                                str(Path.home()), FILE_FILTER)
        if paths:
            self.start(paths)

    @Slot()
    def choose_folder(self) -> None:
        """File ▸ Import Folder…"""
        folder = QFileDialog.getExistingDirectory(self._window, "Import a folder of AI history",
                                                  str(Path.home()))
        if folder:
            self.start([folder])

    @Slot()
    def discover(self) -> None:
        """Find histories on this computer, then import the ones chosen."""
        from desktop_app.ui.discover_dialog import DiscoverDialog  # loaded when first used

        dialog = DiscoverDialog(self._tasks, [Path(p) for p in self._settings.search_folders],
                                self._window)
        dialog.extra_folders_changed.connect(self._on_discover_extra_folders_changed)
        dialog.accepted.connect(lambda: self.start(dialog.chosen_paths()))
        self.discover_dialog = dialog
        dialog.open()

    @Slot(list)
    def _on_discover_extra_folders_changed(self, folders: list[str]) -> None:
        self._settings.search_folders = folders

    @staticmethod
    def dropped_paths(mime: QMimeData) -> list[str]:
        """The local files in a drag (empty unless every item is a local file)."""
        urls = mime.urls() if mime.hasUrls() else []
        if not urls or not all(u.isLocalFile() for u in urls):
            return []
        return [u.toLocalFile() for u in urls]

    # --- the import --------------------------------------------------------------------------

    def start(self, paths: Sequence[str]) -> bool:
        """Import files, zips or folders in the background, with progress and Cancel."""
        if self.running:
            self._window.statusBar().showMessage("An import is already running.", 5000)
            return False
        chosen = [str(p) for p in paths]
        db_path = self._target()
        task = self._tasks.start("import", lambda context: _import(context, chosen),
                                 db_path=db_path)
        dialog = progress_dialog(self._window, "importProgress", "Importing", "Reading…",
                                 cancel=self._on_progress_dialog_canceled)
        task.progressed.connect(self._on_task_progressed)
        task.finished.connect(self._on_task_finished)
        task.failed.connect(self._on_task_failed)
        self.task, self.progress_dialog = task, dialog
        return True

    @property
    def running(self) -> bool:
        """True while an import runs."""
        return self.task is not None and self.task.running

    @Slot()
    def _on_progress_dialog_canceled(self) -> None:
        if self.task is not None:
            self.task.cancel()
        if self.progress_dialog is not None:
            self.progress_dialog.setLabelText("Cancelling: putting the file being read back…")

    @Slot(object)
    def _on_task_progressed(self, progress: ImportProgress | str) -> None:
        dialog = self.progress_dialog
        if dialog is None or (self.task is not None and self.task.cancel_requested):
            return
        if progress == WAITING:
            dialog.setLabelText("Waiting for another Worthwhile import to finish…")
            return
        from desktop_app.ingest import ImportProgress  # loaded by the import running

        assert isinstance(progress, ImportProgress)
        dialog.setValue(int(progress.fraction * 1000))
        name = Path(progress.current).name if progress.current else ""
        dialog.setLabelText(f"Reading {name}… {progress.sessions:,} sessions so far")

    def _end(self) -> None:
        if self.progress_dialog is not None:
            self.progress_dialog.close()
            self.progress_dialog.deleteLater()
        self.task = None
        self.progress_dialog = None

    @Slot(object)
    def _on_task_finished(self, report: ImportReport) -> None:
        from desktop_app.ui.import_report import ImportReportDialog, summary_text

        self._end()
        self.imported.emit(report)
        self._window.statusBar().showMessage(summary_text(report), 10000)
        dialog = ImportReportDialog(report, self._window)
        self.last_report = dialog
        dialog.open()

    @Slot(str)
    def _on_task_failed(self, detail: str) -> None:
        self._end()
        show_error(self._window, "The import stopped because of a problem inside Worthwhile. "
                   "Nothing from the file being read was stored.", detail)
