"""The import report: per file what was recognised, new / updated / unchanged, what was skipped."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app.importers import worthwhile_export
from desktop_app.importers.registry import display_name
from desktop_app.ingest import ImportReport
from desktop_app.ingest.report import kept_out_text
from desktop_app.ui.presentation import masked_path, presenting
from desktop_app.ui.theme import colors


def _without_prefix(text: str, path: str) -> str:
    """Messages and member names often start with the path the row already shows."""
    for prefix in (path + ": ", path):
        if text.startswith(prefix) and len(text) > len(prefix):
            return text[len(prefix):]
    return text


def _recognised(name: str) -> str:
    """What a file was recognised as: a tool, or Worthwhile's own export (a format)."""
    if name == worthwhile_export.FORMAT:
        return worthwhile_export.DISPLAY_NAME
    return display_name(name)


def summary_text(report: ImportReport) -> str:
    """One line for the whole import."""
    t = report.totals
    failed = sum(1 for f in report.files if f.error)
    parts = [f"{t['sessions_new']:,} new", f"{t['sessions_updated']:,} updated",
             f"{t['sessions_unchanged']:,} unchanged"]
    text = "Imported: " + ", ".join(parts) + kept_out_text(
        t["sessions_deleted_earlier"], t["sessions_excluded"]) + "."
    if report.cancelled:
        text = "Import cancelled. " + text
    if failed:
        text += f" {failed} of {len(report.files)} could not be imported."
    return text


class ImportReportDialog(QDialog):
    """Shows an :class:`ImportReport`: one row per path, skipped items beneath it."""

    def __init__(self, report: ImportReport, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("importReport")
        self.setWindowTitle("Import report")
        self.resize(1000, 460)
        layout = QVBoxLayout(self)
        self.summary = QLabel(summary_text(report))
        self.summary.setObjectName("importSummary")
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.tree = QTreeWidget(self)
        self.tree.setObjectName("importFiles")
        self.tree.setAccessibleName("Imported files")
        # "Deleted earlier": sessions the user deleted, read again and kept out; "Excluded by
        # rule": sessions an import rule (skip) kept out.
        self.tree.setHeaderLabels(["File", "Recognised as", "New", "Updated", "Unchanged",
                                   "Deleted earlier", "Excluded by rule", "Messages",
                                   "Problem"])
        problem_column = 8
        c = colors()
        masked = presenting(parent)  # folders often name projects: only file names are shown

        def where(path: str) -> str:
            return masked_path(path) if masked else path

        for file in report.files:
            names = [n.strip() for n in (file.source or "").split(",") if n.strip()]
            source = ", ".join(_recognised(n) for n in names) or "—"
            error = _without_prefix(file.error, file.path) if file.error else ""
            problem = error or (f"{len(file.skipped)} skipped (expand to see why)"
                                if file.skipped else "")
            item = QTreeWidgetItem([
                Path(file.path).name, source, f"{file.sessions_new:,}",
                f"{file.sessions_updated:,}", f"{file.sessions_unchanged:,}",
                f"{file.sessions_deleted_earlier:,}", f"{file.sessions_excluded:,}",
                f"{file.messages:,}", problem,
            ])
            item.setToolTip(0, where(file.path))
            item.setToolTip(problem_column, file.error or problem)
            for column in range(2, problem_column):
                item.setTextAlignment(column, Qt.AlignmentFlag.AlignRight)
            if file.error:
                item.setForeground(problem_column, QBrush(QColor(c.not_useful)))
            for skipped in file.skipped:
                what = _without_prefix(skipped.what, file.path).lstrip("/\\") or skipped.what
                child = QTreeWidgetItem([where(what), *[""] * (problem_column - 1),
                                         skipped.reason])
                child.setToolTip(0, where(skipped.what))
                child.setToolTip(problem_column, skipped.reason)
                child.setFirstColumnSpanned(False)
                item.addChild(child)
            self.tree.addTopLevelItem(item)
        header = self.tree.header()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for column, width in enumerate((230, 110, 55, 65, 80, 100, 110, 75)):
            self.tree.setColumnWidth(column, width)
        layout.addWidget(self.tree, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok, self)
        buttons.accepted.connect(self.accept)
        layout.addWidget(buttons)

