"""Edit → Prices… like a user: the models without a price are listed, adding one by
double-click and typing its prices, Save changes the cost per useful use the Value view
shows; a bad number saves nothing; Cancel and Reset to Shipped."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QLineEdit
from pytestqt.qtbot import QtBot

from desktop_app.domain import Rating, Session, Verdict, parse_utc
from desktop_app.store import open_db, save_sessions, set_rating
from desktop_app.store.prices import has_edits, load_prices, shipped_prices
from desktop_app.ui.main_window import MainWindow
from desktop_app.ui.prices_dialog import INPUT, OUTPUT, PricesDialog
from tests.ui.conftest import OpenWindow

T = parse_utc("2026-03-03T12:00:00Z")
NEW_MODEL = "acme-coder-2"


@pytest.fixture
def rated_db(db_path: Path) -> Path:
    """Six rated sessions of a model without a price (1M input, 0.1M output each: 4 useful)
    and one ChatGPT session without tokens."""
    db = open_db(db_path)
    sessions = [Session(source="codex", external_id=f"c{n}", title=f"coding {n}",
                        started_at=T, model=NEW_MODEL, tokens_in=1_000_000, tokens_out=100_000)
                for n in range(6)]
    sessions.append(Session(source="chatgpt", external_id="g", title="chat", started_at=T,
                            model="gpt-4o"))
    save_sessions(db, sessions)
    for n, session in enumerate(sessions[:6]):
        set_rating(db, session.id, Rating(Verdict.USEFUL if n < 4 else Verdict.NOT_USEFUL))
    db.close()
    return db_path


def prices_dialog(window: MainWindow, qtbot: QtBot) -> PricesDialog:
    window.menu_actions["prices"].trigger()
    dialog = window.prices.dialog
    assert dialog is not None
    qtbot.waitExposed(dialog)
    return dialog


def cell_editor(dialog: PricesDialog) -> QLineEdit:
    """The editor of the cell being edited."""
    editors = [e for e in dialog.table.findChildren(QLineEdit) if e.isVisible()]
    assert len(editors) == 1, editors
    return editors[0]


def type_into_cell(qtbot: QtBot, dialog: PricesDialog, row: int, column: int, text: str) -> None:
    """Select the cell, press F2 to edit it, type, press Enter."""
    table = dialog.table
    table.setCurrentCell(row, column)
    qtbot.keyClick(table, Qt.Key.Key_F2)
    editor = cell_editor(dialog)
    qtbot.keyClick(editor, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)  # replace it
    qtbot.keyClicks(editor, text)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    committed(qtbot, dialog, row, column, text)


def committed(qtbot: QtBot, dialog: PricesDialog, row: int, column: int, text: str) -> None:
    """Wait until the cell holds ``text`` (Qt commits an edit on the next turn of the loop)."""
    def done() -> bool:
        item = dialog.table.item(row, column)
        return item is not None and item.text() == text

    qtbot.waitUntil(done)


def save(qtbot: QtBot, dialog: PricesDialog) -> None:
    button = dialog.buttons.button(QDialogButtonBox.StandardButton.Save)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def value_cost_text(window: MainWindow, qtbot: QtBot) -> str:
    window.show_view("value")
    view = window.ensure_value_view()
    assert view.ensure_loaded()
    return view.cost_label.text() if view.cost_label.isVisible() else ""


def test_adding_a_price_shows_cost_per_useful_use(qtbot: QtBot, rated_db: Path,
                                                   open_window: OpenWindow) -> None:
    window = open_window(rated_db)
    assert value_cost_text(window, qtbot) == ""  # no rated use has a price yet
    dialog = prices_dialog(window, qtbot)
    unpriced = [dialog.unpriced.item(i).text() for i in range(dialog.unpriced.count())]
    assert unpriced == [f"{NEW_MODEL} — no price (6 sessions)"]
    assert dialog.table.rowCount() == len(shipped_prices())

    # Double-click the model without a price: a row for it, editing its input price.
    item = dialog.unpriced.item(0)
    rect = dialog.unpriced.visualItemRect(item)
    qtbot.mouseClick(dialog.unpriced.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(dialog.unpriced.viewport(), Qt.MouseButton.LeftButton,
                      pos=rect.center())
    row = dialog.table.rowCount() - 1
    assert dialog.table.item(row, 0).text() == NEW_MODEL  # type: ignore[union-attr]
    # The input price is being edited: type the four prices, Tab from one to the next.
    for column, text, key in ((INPUT, "2", Qt.Key.Key_Tab), (INPUT + 1, "2", Qt.Key.Key_Tab),
                              (INPUT + 2, "0.2", Qt.Key.Key_Tab),
                              (OUTPUT, "10", Qt.Key.Key_Return)):
        editor = cell_editor(dialog)
        qtbot.keyClicks(editor, text)
        qtbot.keyClick(editor, key)
        committed(qtbot, dialog, row, column, text)
    assert dialog.unpriced_label.text() == "Every model in your sessions has a price."
    with qtbot.waitSignal(window.prices.changed):
        save(qtbot, dialog)
    assert not dialog.isVisible()

    db = open_db(rated_db)
    saved = [p for p in load_prices(db) if p.model == NEW_MODEL]
    db.close()
    assert [(p.input, p.cache_write, p.cache_read, p.output) for p in saved] == [
        (2.0, 2.0, 0.2, 10.0)]
    # Each session: 1M × $2 + 0.1M × $10 = $3; six rated, four useful: $18 / 4 = $4.50.
    text = value_cost_text(window, qtbot)
    assert text.startswith("Cost per useful use: about $4.50 (an estimate: ")
    assert "from the 6 of your 6 rated uses whose tokens and model price are known" in text

    # Editing the price again changes what the view shows.
    dialog = prices_dialog(window, qtbot)
    row = next(r for r in range(dialog.table.rowCount())
               if dialog.table.item(r, 0).text() == NEW_MODEL)  # type: ignore[union-attr]
    type_into_cell(qtbot, dialog, row, OUTPUT, "30")
    save(qtbot, dialog)
    qtbot.waitUntil(lambda: "about $7.50" in value_cost_text(window, qtbot))


def test_a_bad_number_saves_nothing_and_cancel_forgets(qtbot: QtBot, rated_db: Path,
                                                       open_window: OpenWindow) -> None:
    window = open_window(rated_db)
    dialog = prices_dialog(window, qtbot)
    row = 0
    type_into_cell(qtbot, dialog, row, INPUT, "cheap")
    save(qtbot, dialog)
    assert dialog.isVisible()
    assert dialog.error_label.isVisible()
    assert "the input price must be a number" in dialog.error_label.text()
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)  # Cancel
    assert not dialog.isVisible()
    db = open_db(rated_db)
    assert not has_edits(db)
    db.close()


def test_remove_then_reset_to_shipped(qtbot: QtBot, rated_db: Path,
                                      open_window: OpenWindow) -> None:
    window = open_window(rated_db)
    dialog = prices_dialog(window, qtbot)
    first = dialog.table.item(0, 0).text()  # type: ignore[union-attr]
    dialog.table.selectRow(0)
    qtbot.mouseClick(dialog.remove_button, Qt.MouseButton.LeftButton)
    assert dialog.table.rowCount() == len(shipped_prices()) - 1
    save(qtbot, dialog)
    db = open_db(rated_db)
    assert first not in {p.model for p in load_prices(db)}
    db.close()

    dialog = prices_dialog(window, qtbot)
    qtbot.mouseClick(dialog.reset_button, Qt.MouseButton.LeftButton)
    assert dialog.table.rowCount() == len(shipped_prices())
    save(qtbot, dialog)
    db = open_db(rated_db)
    assert load_prices(db) == shipped_prices()
    assert not has_edits(db)
    db.close()
