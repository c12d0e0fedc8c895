"""Edit → Prices…: the local price table cost is computed from (per model: input, cache write,
cache read and output per million tokens, and the date the prices were taken).

Edits stay in the dialog until Save, which stores the whole table in one transaction
(``store.prices.save_prices``): all or nothing. "Reset to Shipped" puts the shipped table back
in the dialog (saved with Save, like any edit). The models of stored sessions that have no
price are listed under the table, and one click adds a row for one. Nothing is fetched.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Protocol

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from sqlite_utils import Database

from desktop_app.domain import Price
from desktop_app.metrics.cost import PriceTable
from desktop_app.store.locking import DatabaseBusyError
from desktop_app.store.prices import (
    PriceError,
    load_prices,
    models_seen,
    save_prices,
    shipped_prices,
)
from desktop_app.ui.errors import show_error
from desktop_app.ui.one_dialog import OneDialog

#: The table's columns: (heading, tooltip).
COLUMNS: tuple[tuple[str, str], ...] = (
    ("Model", "A model id, or a pattern where * stands for any text (claude-sonnet-4*)"),
    ("Input", "US dollars per million input tokens read uncached"),
    ("Cache write", "US dollars per million input tokens written to the prompt cache"),
    ("Cache read", "US dollars per million input tokens read from the prompt cache"),
    ("Output", "US dollars per million output tokens"),
    ("Taken", "The date these prices were taken (YYYY-MM-DD)"),
)
MODEL, INPUT, CACHE_WRITE, CACHE_READ, OUTPUT, TAKEN = range(len(COLUMNS))
INTRO = ("Cost is computed here, on this computer, from this table: US dollars per million "
         "tokens. The shipped rows are public list prices as of the date in Taken; change "
         "them, or add a model you use. A model id matches exactly, or a pattern where * "
         "stands for any text; an exact id wins over a pattern. Nothing is fetched.")
BUSY = ("Another Worthwhile is writing to the database (an import, say): the prices were not "
        "saved. Try again once it has finished.")


class PricesHost(Protocol):
    """What the dialog needs of the window."""

    @property
    def db(self) -> Database | None: ...

    @property
    def db_path(self) -> Path: ...


def _number(value: float) -> str:
    return f"{value:g}"


class PricesDialog(QDialog):
    """The price table, editable; Save stores it (one transaction), Cancel forgets the edits."""

    #: The prices were saved: costs shown elsewhere are out of date.
    saved = Signal()

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("pricesDialog")
        self.setWindowTitle("Prices")
        self.setModal(True)
        self._db = db
        self._seen = models_seen(db)
        layout = QVBoxLayout(self)
        intro = QLabel(INTRO)
        intro.setWordWrap(True)
        layout.addWidget(intro)

        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("pricesTable")
        self.table.setAccessibleName("Prices per million tokens")
        for column, (heading, tip) in enumerate(COLUMNS):
            item = QTableWidgetItem(heading)
            item.setToolTip(tip)
            self.table.setHorizontalHeaderItem(column, item)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(MODEL, QHeaderView.ResizeMode.Stretch)
        for column in range(INPUT, len(COLUMNS)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.table.itemChanged.connect(self._on_table_item_changed)
        layout.addWidget(self.table, 1)

        buttons_row = QHBoxLayout()
        self.add_button = QPushButton("&Add Model")
        self.add_button.setObjectName("pricesAdd")
        self.add_button.clicked.connect(self._on_add_button_clicked)
        self.remove_button = QPushButton("&Remove")
        self.remove_button.setObjectName("pricesRemove")
        self.remove_button.setToolTip("Remove the selected rows (their models get no price)")
        self.remove_button.clicked.connect(self._on_remove_button_clicked)
        self.reset_button = QPushButton("Reset to &Shipped")
        self.reset_button.setObjectName("pricesReset")
        self.reset_button.setToolTip("Put back the table shipped with Worthwhile (saved with "
                                     "Save)")
        self.reset_button.clicked.connect(self._on_reset_button_clicked)
        for button in (self.add_button, self.remove_button, self.reset_button):
            button.setAutoDefault(False)
            buttons_row.addWidget(button)
        buttons_row.addStretch(1)
        layout.addLayout(buttons_row)

        self.unpriced_label = QLabel()
        self.unpriced_label.setObjectName("pricesUnpricedLabel")
        self.unpriced_label.setWordWrap(True)
        layout.addWidget(self.unpriced_label)
        self.unpriced = QListWidget()
        self.unpriced.setObjectName("pricesUnpriced")
        self.unpriced.setAccessibleName("Models without a price")
        self.unpriced.setMaximumHeight(110)
        self.unpriced.itemActivated.connect(self._on_unpriced_item_activated)
        layout.addWidget(self.unpriced)

        self.error_label = QLabel()
        self.error_label.setObjectName("pricesError")
        self.error_label.setWordWrap(True)
        self.error_label.setVisible(False)
        layout.addWidget(self.error_label)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self._on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

        self.set_prices(load_prices(db))
        self.resize(860, 600)

    # --- the table -------------------------------------------------------------------------

    def set_prices(self, prices: tuple[Price, ...] | list[Price]) -> None:
        """Show ``prices`` in the table (not saved until Save)."""
        self.table.blockSignals(True)
        self.table.setRowCount(0)
        for price in prices:
            self._append(price.model, [price.input, price.cache_write, price.cache_read,
                                       price.output], price.taken or "")
        self.table.blockSignals(False)
        self._update_unpriced()

    def _append(self, model: str, values: list[float | None], taken: str) -> int:
        row = self.table.rowCount()
        self.table.insertRow(row)
        self.table.setItem(row, MODEL, QTableWidgetItem(model))
        for column, value in zip(range(INPUT, TAKEN), values, strict=True):
            item = QTableWidgetItem("" if value is None else _number(value))
            item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.table.setItem(row, column, item)
        self.table.setItem(row, TAKEN, QTableWidgetItem(taken))
        return row

    def _text(self, row: int, column: int) -> str:
        item = self.table.item(row, column)
        return item.text().strip() if item is not None else ""

    def prices(self) -> list[Price]:
        """The table as entered; raises :class:`PriceError` naming the first cell in the way."""
        found: list[Price] = []
        for row in range(self.table.rowCount()):
            model = self._text(row, MODEL)
            values: list[float] = []
            for column in range(INPUT, TAKEN):
                text = self._text(row, column).lstrip("$").replace(",", "")
                heading = COLUMNS[column][0].lower()
                try:
                    value = float(text)
                except ValueError:
                    raise PriceError(f"Row {row + 1} ({model or 'no model'}): the {heading} "
                                     f"price must be a number of dollars per million tokens"
                                     f"{'' if text else ' (it is empty)'}.") from None
                values.append(value)
            taken = self._text(row, TAKEN) or None
            if taken is not None:
                try:
                    date.fromisoformat(taken)
                except ValueError:
                    raise PriceError(f"Row {row + 1} ({model or 'no model'}): write the date as "
                                     "YYYY-MM-DD, or leave it empty.") from None
            p_in, p_write, p_read, p_out = values
            found.append(Price(model, p_in, p_write, p_read, p_out, taken))
        return found

    def _update_unpriced(self) -> None:
        """List the stored sessions' models that no row prices (as the table stands now)."""
        rows = [Price(self._text(r, MODEL), 0, 0, 0, 0) for r in range(self.table.rowCount())
                if self._text(r, MODEL)]
        table = PriceTable(rows)
        self.unpriced.clear()
        missing = [(model, n, tokens) for model, n, tokens in self._seen
                   if table.price_for(model) is None]
        for model, n, tokens in missing:
            note = "" if tokens else ", no tokens recorded"
            item = QListWidgetItem(f"{model} — no price ({n:,} session{'' if n == 1 else 's'}"
                                   f"{note})")
            item.setData(Qt.ItemDataRole.UserRole, model)
            item.setToolTip("Double-click (or press Enter) to add a row for this model")
            self.unpriced.addItem(item)
        if missing:
            self.unpriced_label.setText("Models in your sessions with no price (their sessions "
                                        "have no cost; double-click one to add it):")
        else:
            self.unpriced_label.setText("Every model in your sessions has a price.")
        self.unpriced.setVisible(bool(missing))

    def add_model(self, model: str = "") -> int:
        """Add an empty row for ``model`` (dated today) and start editing it; returns its row."""
        self.table.blockSignals(True)
        row = self._append(model, [None, None, None, None], date.today().isoformat())
        self.table.blockSignals(False)
        column = INPUT if model else MODEL
        self.table.setCurrentCell(row, column)
        item = self.table.item(row, column)
        if item is not None:
            self.table.editItem(item)
        self._update_unpriced()
        return row

    # --- slots -----------------------------------------------------------------------------

    @Slot(QTableWidgetItem)
    def _on_table_item_changed(self, item: QTableWidgetItem) -> None:
        if item.column() == MODEL:
            self._update_unpriced()

    @Slot()
    def _on_add_button_clicked(self) -> None:
        self.add_model()

    @Slot(QListWidgetItem)
    def _on_unpriced_item_activated(self, item: QListWidgetItem) -> None:
        self.add_model(str(item.data(Qt.ItemDataRole.UserRole)))

    @Slot()
    def _on_remove_button_clicked(self) -> None:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()},
                      reverse=True)
        if not rows and self.table.currentRow() >= 0:
            rows = [self.table.currentRow()]
        for row in rows:
            self.table.removeRow(row)
        self._update_unpriced()

    @Slot()
    def _on_reset_button_clicked(self) -> None:
        self.set_prices(shipped_prices())

    @Slot()
    def _on_buttons_accepted(self) -> None:
        try:
            save_prices(self._db, self.prices())
        except PriceError as exc:
            self.error_label.setText(str(exc))
            self.error_label.setVisible(True)
            return
        except DatabaseBusyError:
            show_error(self, "The prices were not saved.", BUSY)
            return
        self.saved.emit()
        self.accept()


class PricesController(OneDialog[PricesDialog]):
    """Opens the prices dialog (Edit → Prices…); ``changed`` once prices were saved."""

    changed = Signal()

    def __init__(self, window: QMainWindow, host: PricesHost) -> None:
        super().__init__(window)
        self._window = window
        self._host = host

    @Slot()
    def open(self) -> None:
        """Show the dialog (bring it forward when it is open)."""
        db = self._host.db
        if db is None:
            return

        def make() -> PricesDialog:
            dialog = PricesDialog(db, self._window)
            dialog.saved.connect(self.changed)
            return dialog

        self.show_one(make)
