"""'Find histories on this computer': what the AI tools left in their usual places, to import."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app.importers.discover import Found, find_histories
from desktop_app.importers.registry import display_name
from desktop_app.importers.values import size_text
from desktop_app.ui import formatting
from desktop_app.ui.presentation import masked_path, presenting
from desktop_app.ui.tasks import Task, TaskContext, TaskRunner


class DiscoverDialog(QDialog):
    """Lists the histories found, with check boxes; Import hands the chosen paths back."""

    extra_folders_changed = Signal(list)

    def __init__(self, tasks: TaskRunner, extra_folders: Sequence[Path] = (),
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._tasks = tasks
        self.setObjectName("discoverDialog")
        self.setWindowTitle("Find histories on this computer")
        self.resize(860, 440)
        self.extra_folders = [Path(p) for p in extra_folders]
        self.found: list[Found] = []
        self.task: Task | None = None

        layout = QVBoxLayout(self)
        self.status = QLabel("Looking in the usual places…")
        self.status.setObjectName("discoverStatus")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        self.tree = QTreeWidget(self)
        self.tree.setObjectName("discoverList")
        self.tree.setAccessibleName("Histories found")
        self.tree.setRootIsDecorated(False)
        self.tree.setHeaderLabels(["Tool", "Where", "Files", "Size", "Newest"])
        self.tree.header().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.tree.itemChanged.connect(self._on_tree_item_changed)
        layout.addWidget(self.tree, 1)
        note = QLabel("Nothing is imported until you choose Import. Aider keeps its history "
                      "inside each repository: add the folders where your code lives.")
        note.setWordWrap(True)
        layout.addWidget(note)

        row = QHBoxLayout()
        self.add_folder = QPushButton("Add &folder to search…")
        self.add_folder.setObjectName("discoverAddFolder")
        self.add_folder.setAutoDefault(False)
        self.add_folder.clicked.connect(self._on_add_folder_clicked)
        row.addWidget(self.add_folder)
        row.addStretch(1)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.import_button = self.buttons.addButton("&Import selected",
                                                    QDialogButtonBox.ButtonRole.AcceptRole)
        self.import_button.setObjectName("discoverImport")
        self.import_button.setEnabled(False)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        row.addWidget(self.buttons)
        layout.addLayout(row)
        self.scan()

    def scan(self) -> None:
        """Look again (in the background)."""
        self.status.setText("Looking in the usual places…")
        self.add_folder.setEnabled(False)
        folders = list(self.extra_folders)

        def work(_context: TaskContext) -> list[Found]:
            return find_histories(extra_folders=folders)

        task = self._tasks.start("discover-scan", work)  # a newer scan makes this one stale
        task.finished.connect(self._on_task_finished)
        task.failed.connect(self._on_task_failed)
        self.task = task

    @Slot(object)
    def _on_task_finished(self, found: list[Found]) -> None:
        self.task = None
        self.add_folder.setEnabled(True)
        self.found = found
        self.tree.blockSignals(True)
        self.tree.clear()
        masked = presenting(self)  # folders often name projects
        for item_found in found:
            path = masked_path(item_found.path) if masked else str(item_found.path)
            item = QTreeWidgetItem([
                display_name(item_found.source), path,
                f"{item_found.files:,}", size_text(item_found.bytes),
                formatting.local_time(item_found.newest),
            ])
            item.setToolTip(1, path)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(0, Qt.CheckState.Checked)
            self.tree.addTopLevelItem(item)
        self.tree.blockSignals(False)
        for column in (0, 2, 3, 4):
            self.tree.resizeColumnToContents(column)
        if found:
            self.status.setText(f"Found {len(found)} histor{'y' if len(found) == 1 else 'ies'}. "
                                "Untick what you don't want, then Import.")
        else:
            self.status.setText("No AI histories in the usual places. Add a folder to search, "
                                "or import files directly (File → Import Files…).")
        self._sync_import_button()

    @Slot(str)
    def _on_task_failed(self, detail: str) -> None:
        self.task = None
        self.add_folder.setEnabled(True)
        self.status.setText("Looking for histories failed; details:\n" + detail.splitlines()[-1])

    @Slot()
    def _on_add_folder_clicked(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Add a folder to search",
                                                  str(Path.home()))
        if folder:
            self.add_search_folder(Path(folder))

    def add_search_folder(self, folder: Path) -> None:
        """Search ``folder`` too (remembered for next time)."""
        if folder not in self.extra_folders:
            self.extra_folders.append(folder)
            self.extra_folders_changed.emit([str(p) for p in self.extra_folders])
        self.scan()

    @Slot(QTreeWidgetItem, int)
    def _on_tree_item_changed(self, _item: QTreeWidgetItem, _column: int) -> None:
        self._sync_import_button()

    def _sync_import_button(self) -> None:
        self.import_button.setEnabled(bool(self.chosen_paths()))

    def chosen_paths(self) -> list[str]:
        """The paths ticked for import."""
        chosen = []
        for i in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(i)
            if item is not None and item.checkState(0) == Qt.CheckState.Checked:
                chosen.append(str(self.found[i].path))
        return chosen
