"""Deleting sessions from the window: what to delete, the confirmation, the work off the GUI
thread; and forgetting deleted sessions so they can be imported again.

Deleting cannot be undone (the text is really gone). Steps on the undo stack may name deleted
sessions and would write their ratings back if undone, so the window empties the stack after a
deletion (see ``MainWindow.sessions_removed``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)
from sqlite_utils import Database

from desktop_app.deleting import (
    WAL_PENDING,
    Target,
    confirmation_details,
    confirmation_question,
    done_text,
    plural,
)
from desktop_app.importers.registry import display_name
from desktop_app.store.deletion import (
    DeletionCount,
    DeletionResult,
    count_all_to_delete,
    count_sessions_to_delete,
    count_source_to_delete,
    count_tombstones,
    delete_all,
    delete_sessions,
    delete_source,
    forget_tombstones,
    sources_with_sessions,
)
from desktop_app.ui.errors import show_error, widen
from desktop_app.ui.progress import progress_dialog
from desktop_app.ui.tasks import Task, TaskContext, TaskRunner
from desktop_app.ui.write_queue import CHANGE, WriteQueue

#: The key of the deletion task (one at a time).
DELETE_TASK = "delete"
#: Where the confirmation says deleted sessions can be let back in.
FORGET_HINT = "Edit → Forget Deleted Sessions… lets them be imported again."
#: Said when forgetting waits for another Worthwhile to stop writing.
FORGET_WAITS = ("Another Worthwhile is writing to the database: the deleted sessions are "
                "forgotten as soon as it has finished.")


def count_for(db: Database, target: Target) -> DeletionCount:
    """What deleting ``target`` removes now."""
    if target.everything:
        return count_all_to_delete(db)
    if target.source is not None:
        return count_source_to_delete(db, target.source)
    return count_sessions_to_delete(db, target.ids)


def run_deletion(db: Database, target: Target) -> DeletionResult:
    """Delete ``target`` (on whichever thread ``db`` belongs to)."""
    if target.everything:
        return delete_all(db)
    if target.source is not None:
        return delete_source(db, target.source)
    return delete_sessions(db, target.ids)



def deletion_box(parent: QWidget | None, target: Target, count: DeletionCount) -> QMessageBox:
    """The confirmation: what goes (sessions and ratings), that it cannot be undone and stays
    deleted, and that backups are not touched. Cancel is the default button."""
    box = QMessageBox(parent)
    box.setObjectName("deleteConfirmation")
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle("Delete sessions")
    box.setText(confirmation_question(target, count))
    box.setInformativeText(confirmation_details(FORGET_HINT, "\n\n"))
    widen(box)
    delete = box.addButton("Delete", QMessageBox.ButtonRole.DestructiveRole)
    delete.setObjectName("confirmDelete")
    cancel = box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(cancel)
    box.setEscapeButton(cancel)
    return box


def forget_box(parent: QWidget | None, remembered: int) -> QMessageBox:
    """Asks before forgetting the deleted sessions (or says there are none)."""
    box = QMessageBox(parent)
    box.setObjectName("forgetConfirmation")
    box.setWindowTitle("Forget deleted sessions")
    if remembered == 0:
        box.setIcon(QMessageBox.Icon.Information)
        box.setText("No deleted sessions are remembered.")
        box.setInformativeText("Every session you import is stored.")
        box.addButton(QMessageBox.StandardButton.Ok)
        return box
    box.setIcon(QMessageBox.Icon.Question)
    box.setText(f"Forget {plural(remembered, 'deleted session')}?")
    widen(box)
    box.setInformativeText(
        "Worthwhile remembers the sessions you deleted so that importing the same files again "
        "does not bring them back. Once forgotten, the next import of those files stores them "
        "again, without the ratings that were deleted with them. Nothing stored now changes.")
    forget = box.addButton("Forget", QMessageBox.ButtonRole.AcceptRole)
    forget.setObjectName("confirmForget")
    cancel = box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(cancel)
    box.setEscapeButton(cancel)
    return box


class DeleteChoiceDialog(QDialog):
    """Edit → Delete…: the selected sessions, all sessions of one tool, or everything."""

    def __init__(self, selected: int, sources: dict[str, int], total: int,
                 parent: QWidget | None = None, source: str | None = None) -> None:
        """``source``: start on "all sessions of one tool", with that tool chosen."""
        super().__init__(parent)
        self.setObjectName("deleteChoice")
        self.setWindowTitle("Delete sessions")
        self.setMinimumWidth(420)
        layout = QVBoxLayout(self)
        intro = QLabel("Which sessions should be deleted? You confirm on the next step.")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.group = QButtonGroup(self)
        self.selected_choice = QRadioButton(
            f"The selected {'session' if selected == 1 else 'sessions'} ({selected:,})"
            if selected else "The selected sessions (none selected)")
        self.selected_choice.setObjectName("deleteSelected")
        self.selected_choice.setEnabled(selected > 0)
        self.tool_choice = QRadioButton("All sessions of one tool:")
        self.tool_choice.setObjectName("deleteTool")
        self.tool_choice.setEnabled(bool(sources))
        self.tool_box = QComboBox(self)
        self.tool_box.setObjectName("deleteToolBox")
        self.tool_box.setAccessibleName("Tool")
        for name, n in sources.items():
            self.tool_box.addItem(f"{display_name(name)} ({plural(n, 'session')})", name)
        self.tool_box.setEnabled(False)
        self.everything_choice = QRadioButton(f"Everything ({plural(total, 'session')})")
        self.everything_choice.setObjectName("deleteEverything")
        for button in (self.selected_choice, self.tool_choice, self.everything_choice):
            self.group.addButton(button)
        layout.addWidget(self.selected_choice)
        layout.addWidget(self.tool_choice)
        indented = QHBoxLayout()
        indented.setContentsMargins(24, 0, 0, 0)
        indented.addWidget(self.tool_box, 1)
        layout.addLayout(indented)
        layout.addWidget(self.everything_choice)
        self.tool_choice.toggled.connect(self.tool_box.setEnabled)
        if source in sources:
            self.tool_box.setCurrentIndex(self.tool_box.findData(source))
            self.tool_choice.setChecked(True)
        else:
            (self.selected_choice if selected else self.tool_choice if sources
             else self.everything_choice).setChecked(True)
        buttons = QDialogButtonBox(self)
        self.continue_button: QPushButton = buttons.addButton(
            "Continue…", QDialogButtonBox.ButtonRole.AcceptRole)
        self.continue_button.setObjectName("deleteContinue")
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def target(self, selected_ids: tuple[str, ...]) -> Target:
        """What was chosen (``selected_ids`` for the first choice)."""
        if self.everything_choice.isChecked():
            return Target(everything=True)
        if self.tool_choice.isChecked():
            return Target(source=str(self.tool_box.currentData()))
        return Target(ids=selected_ids)


class DeletionHost(Protocol):
    """What the controller needs of the window."""

    @property
    def db(self) -> Database | None: ...

    @property
    def db_path(self) -> Path: ...

    def selected_session_ids(self) -> list[str]: ...

    def sessions_removed(self) -> None: ...

    def import_running(self) -> bool: ...


class DeleteController(QObject):
    """Asks what to delete and confirms, deletes off the GUI thread, then lets the window read
    everything again. Also forgets deleted sessions, after asking."""

    #: A deletion finished (its :class:`DeletionResult`), after the window was refreshed.
    deleted = Signal(object)
    #: Deleted sessions were forgotten (how many).
    forgotten = Signal(int)

    def __init__(self, window: QMainWindow, host: DeletionHost, tasks: TaskRunner,
                 writes: WriteQueue) -> None:
        """``writes``: the window's queue of changes, which forgetting goes through."""
        super().__init__(window)
        self._window = window
        self._host = host
        self._tasks = tasks
        self._writes = writes
        self.task: Task | None = None
        self.choice_dialog: DeleteChoiceDialog | None = None
        self.confirmation: QMessageBox | None = None
        self.progress_dialog: QProgressDialog | None = None

    @property
    def running(self) -> bool:
        """True while a deletion runs."""
        return self.task is not None and self.task.running

    def _say(self, text: str) -> None:
        self._window.statusBar().showMessage(text, 8000)

    def _can_start(self) -> Database | None:
        db = self._host.db
        if db is None or self.running:
            return None
        if self._host.import_running():
            self._say("An import is running: delete sessions once it has finished.")
            return None
        return db

    # --- ways in -----------------------------------------------------------------------------

    @Slot()
    def delete_selected(self) -> None:
        """The Delete key or the table's context menu: the selected sessions, after asking."""
        if self._can_start() is None:
            return
        ids = tuple(self._host.selected_session_ids())
        if not ids:
            self._say("Select the sessions to delete first.")
            return
        self.confirm(Target(ids=ids))

    def choose(self, source: str | None = None) -> None:
        """Edit → Delete…: the selected sessions, all of one tool, or everything (``source``:
        start on that tool's sessions)."""
        db = self._can_start()
        if db is None:
            return
        ids = tuple(self._host.selected_session_ids())
        sources = sources_with_sessions(db)
        dialog = DeleteChoiceDialog(len(ids), sources, sum(sources.values()), self._window,
                                    source)
        dialog.accepted.connect(lambda: self.confirm(dialog.target(ids)))
        dialog.finished.connect(dialog.deleteLater)
        self.choice_dialog = dialog
        dialog.open()

    def confirm(self, target: Target) -> None:
        """Say what goes and ask; delete on "Delete"."""
        db = self._can_start()
        if db is None:
            return
        count = count_for(db, target)
        if count.sessions == 0:
            self._say("Nothing to delete: those sessions are gone already.")
            return
        box = deletion_box(self._window, target, count)
        box.finished.connect(lambda _result: self._on_confirmation_finished(box, target))
        self.confirmation = box
        box.open()

    def _on_confirmation_finished(self, box: QMessageBox, target: Target) -> None:
        self.confirmation = None
        chosen = box.clickedButton()
        box.deleteLater()
        if chosen is not None and chosen.objectName() == "confirmDelete":
            self.start(target)

    # --- the work ----------------------------------------------------------------------------

    def start(self, target: Target) -> bool:
        """Delete ``target`` off the GUI thread (no question asked: confirm first)."""
        if self._can_start() is None:
            return False
        def work(context: TaskContext) -> DeletionResult:
            return run_deletion(context.db, target)

        task = self._tasks.start(DELETE_TASK, work, db_path=self._host.db_path)
        # A delete cannot stop halfway: no Cancel.
        dialog = progress_dialog(self._window, "deleteProgress", "Deleting",
                                 "Deleting… the text is overwritten in the database file.",
                                 show_after_ms=0)
        task.finished.connect(self._on_task_finished)
        task.failed.connect(self._on_task_failed)
        self.task, self.progress_dialog = task, dialog
        return True

    def _end(self) -> None:
        if self.progress_dialog is not None:
            self.progress_dialog.close()
            self.progress_dialog.deleteLater()
        self.task = self.progress_dialog = None

    @Slot(object)
    def _on_task_finished(self, result: DeletionResult) -> None:
        self._end()
        self._host.sessions_removed()
        self._say(done_text(result) if result.wal_cleared
                  else f"{done_text(result)} {WAL_PENDING}")
        self.deleted.emit(result)

    @Slot(str)
    def _on_task_failed(self, detail: str) -> None:
        self._end()
        show_error(self._window, "The sessions could not be deleted; nothing was changed.",
                   detail)

    # --- forgetting --------------------------------------------------------------------------

    @Slot()
    def forget(self) -> None:
        """Edit → Forget Deleted Sessions…: how many are remembered, and forget them if asked."""
        db = self._host.db
        if db is None:
            return
        box = forget_box(self._window, count_tombstones(db))
        box.finished.connect(lambda _result: self._on_forget_finished(box))
        self.confirmation = box
        box.open()

    def _on_forget_finished(self, box: QMessageBox) -> None:
        self.confirmation = None
        chosen = box.clickedButton()
        box.deleteLater()
        if chosen is not None and chosen.objectName() == "confirmForget":
            self.forget_now()

    def forget_now(self) -> bool:
        """Forget the deleted sessions (no question asked: confirm first). Like every change
        the user makes, it goes through the window's write queue: while another Worthwhile
        writes to the database it waits, says so, and is done as soon as the database is free
        (``forgotten`` then). False when there is no database."""
        def change() -> bool:
            db = self._host.db
            if db is None:
                return False
            n = forget_tombstones(db)
            self._writes.after_commit(lambda: self._on_forgotten(n))
            return True

        if not self._writes.submit(change, CHANGE):
            return False
        if self._writes.pending:
            self._say(FORGET_WAITS)
        return True

    def _on_forgotten(self, n: int) -> None:
        self._say(f"Forgot {plural(n, 'deleted session')}: importing their files again stores "
                  "them again.")
        self.forgotten.emit(n)
