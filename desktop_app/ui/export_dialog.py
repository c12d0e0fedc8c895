"""File → Export Data…: the format, with transcripts or not, and the file to write."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

#: The file chooser's filter per format.
FILTERS = {"csv": "CSV for spreadsheets (*.csv)", "json": "Worthwhile export (*.json)"}


def default_export_path(fmt: str, folder: Path | None = None) -> Path:
    """``~/worthwhile-export-YYYY-MM-DD.csv`` (or ``.json``)."""
    return (folder or Path.home()) / f"worthwhile-export-{date.today().isoformat()}.{fmt}"


class ExportDialog(QDialog):
    """Asks what to export and where; ``chosen()`` holds the answer once accepted."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("exportDialog")
        self.setWindowTitle("Export data")
        layout = QVBoxLayout(self)
        intro = QLabel("Every session with its rating, labels, reason and note, one row or "
                       "object per session.")
        intro.setWordWrap(True)
        layout.addWidget(intro)

        self.csv_button = QRadioButton("&CSV: opens in a spreadsheet")
        self.csv_button.setObjectName("exportCsv")
        self.json_button = QRadioButton("&JSON: can be imported again, ratings included "
                                        "(moving to a new computer)")
        self.json_button.setObjectName("exportJson")
        self.csv_button.setChecked(True)
        self.transcripts = QCheckBox("Include &transcripts (the text of every message)")
        self.transcripts.setObjectName("exportTranscripts")
        form = QFormLayout()
        formats = QVBoxLayout()
        formats.addWidget(self.csv_button)
        formats.addWidget(self.json_button)
        form.addRow("Format:", formats)
        form.addRow("", self.transcripts)
        self.path_edit = QLineEdit(str(default_export_path("csv")))
        self.path_edit.setObjectName("exportPath")
        self.path_edit.setAccessibleName("File to write")
        self.choose_button = QPushButton("C&hoose…")
        self.choose_button.setObjectName("exportChoose")
        self.choose_button.setAutoDefault(False)
        row = QHBoxLayout()
        row.addWidget(self.path_edit, 1)
        row.addWidget(self.choose_button)
        file_label = QLabel("&File:")
        file_label.setBuddy(self.path_edit)
        form.addRow(file_label, row)
        layout.addLayout(form)
        note = QLabel("The file is written for you alone (permissions 0600). With transcripts "
                      "it holds everything you imported: keep it as private as the data itself.")
        note.setObjectName("exportNote")
        note.setWordWrap(True)
        layout.addWidget(note)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText("&Export")
        ok.setObjectName("exportStart")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.resize(560, self.sizeHint().height())
        self._confirmed: Path | None = None

        self.csv_button.toggled.connect(self._on_csv_button_toggled)
        self.choose_button.clicked.connect(self._on_choose_button_clicked)
        self.path_edit.textChanged.connect(self._on_path_edit_text_changed)

    @property
    def format(self) -> str:
        """``"csv"`` or ``"json"``."""
        return "csv" if self.csv_button.isChecked() else "json"

    def chosen(self) -> tuple[str, bool, Path]:
        """The format, whether to include transcripts, and the file."""
        return self.format, self.transcripts.isChecked(), Path(self.path_edit.text().strip())

    def accept(self) -> None:
        """Export, once a file that exists already may be replaced."""
        _fmt, _transcripts, path = self.chosen()
        if path.is_file() and path != self._confirmed:  # the file chooser asked already
            answer = QMessageBox.question(
                self, "Replace the file?", f"{path} exists already. Replace it with the export?")
            if answer != QMessageBox.StandardButton.Yes:
                return
        super().accept()

    @Slot(bool)
    def _on_csv_button_toggled(self, _checked: bool) -> None:
        # The file's extension follows the format, unless the person chose another one.
        path = Path(self.path_edit.text().strip())
        if path.suffix.lower() in (".csv", ".json"):
            self.path_edit.setText(str(path.with_suffix(f".{self.format}")))

    @Slot()
    def _on_choose_button_clicked(self) -> None:
        current = self.path_edit.text().strip() or str(default_export_path(self.format))
        path, _ = QFileDialog.getSaveFileName(self, "Export to", current, FILTERS[self.format])
        if path:
            self._confirmed = Path(path)
            if not Path(path).suffix:
                path += f".{self.format}"
            self.path_edit.setText(path)

    @Slot(str)
    def _on_path_edit_text_changed(self, text: str) -> None:
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(bool(text.strip()))
