"""Edit the user's labels and reasons: add, rename, remove, each an undoable step."""

from __future__ import annotations

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QInputDialog,
    QListWidget,
    QMessageBox,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_app.store import list_labels, list_reasons
from desktop_app.store.ratings import label_usage
from desktop_app.ui.rating import RatingController


class _ListPage(QWidget):
    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.list = QListWidget(self)
        self.list.setObjectName(f"{name}List")
        self.list.setAccessibleName(name.capitalize())
        self.add = QPushButton("&Add…")
        self.rename = QPushButton("Re&name…")
        self.remove = QPushButton("&Remove")
        buttons = QVBoxLayout()
        for b in (self.add, self.rename, self.remove):
            b.setAutoDefault(False)
            buttons.addWidget(b)
        buttons.addStretch(1)
        row = QHBoxLayout(self)
        row.addWidget(self.list, 1)
        row.addLayout(buttons)
        self.list.currentRowChanged.connect(self._sync)

    def _sync(self, row: int) -> None:
        self.rename.setEnabled(row >= 0)
        self.remove.setEnabled(row >= 0)

    def fill(self, items: list[str]) -> None:
        current = self.list.currentItem()
        keep = current.text() if current else None
        self.list.clear()
        self.list.addItems(items)
        for i in range(self.list.count()):
            if self.list.item(i).text() == keep:
                self.list.setCurrentRow(i)
        self._sync(self.list.currentRow())

    def current(self) -> str | None:
        item = self.list.currentItem()
        return item.text() if item else None


class ListsDialog(QDialog):
    """Labels (with what renaming or removing does to rated sessions) and reasons.

    Every change goes through the controller, so Edit → Undo takes it back.
    """

    def __init__(self, controller: RatingController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("listsDialog")
        self.setWindowTitle("Labels and reasons")
        # Gone once closed, so that no hidden copy keeps listening to the controller.
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._db = controller.db
        self._controller = controller
        tabs = QTabWidget(self)
        self.labels = _ListPage("labels")
        self.reasons = _ListPage("reasons")
        tabs.addTab(self.labels, "&Labels")
        tabs.addTab(self.reasons, "R&easons (not useful)")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(tabs)
        layout.addWidget(buttons)
        self.labels.add.clicked.connect(self._on_label_add)
        self.labels.rename.clicked.connect(self._on_label_rename)
        self.labels.remove.clicked.connect(self._on_label_remove)
        self.reasons.add.clicked.connect(self._on_reason_add)
        self.reasons.rename.clicked.connect(self._on_reason_rename)
        self.reasons.remove.clicked.connect(self._on_reason_remove)
        controller.lists_changed.connect(self._on_controller_lists_changed)
        self.resize(460, 360)
        self._reload()

    @Slot()
    def _on_controller_lists_changed(self) -> None:
        self._reload()

    def _reload(self) -> None:
        self.labels.fill(list_labels(self._db))
        self.reasons.fill(list_reasons(self._db))

    def _ask(self, title: str, text: str, value: str = "") -> str | None:
        answer, ok = QInputDialog.getText(self, title, text, text=value)
        return answer.strip() if ok and answer.strip() else None

    @Slot()
    def _on_label_add(self) -> None:
        name = self._ask("Add a label", "New label:")
        if name:
            self._controller.add_label(name)

    @Slot()
    def _on_label_rename(self) -> None:
        old = self.labels.current()
        if old is None:
            return
        new = self._ask("Rename label", f"Rename “{old}” to:", old)
        if new:
            self._controller.rename_label(old, new)

    @Slot()
    def _on_label_remove(self) -> None:
        name = self.labels.current()
        if name is None:
            return
        used = label_usage(self._db, name)
        if used:
            answer = QMessageBox.question(
                self, "Remove label",
                f"“{name}” is on {used} rated session{'s' if used != 1 else ''}. "
                "Remove it from them and from the list?")
            if answer != QMessageBox.StandardButton.Yes:
                return
        self._controller.remove_label(name)

    @Slot()
    def _on_reason_add(self) -> None:
        name = self._ask("Add a reason", "New reason:")
        if name:
            self._controller.add_reason(name)

    @Slot()
    def _on_reason_rename(self) -> None:
        old = self.reasons.current()
        if old is None:
            return
        new = self._ask("Rename reason", f"Rename “{old}” to:", old)
        if new:
            self._controller.rename_reason(old, new)

    @Slot()
    def _on_reason_remove(self) -> None:
        name = self.reasons.current()
        if name is not None:
            self._controller.remove_reason(name)
