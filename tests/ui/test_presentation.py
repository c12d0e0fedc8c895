"""Presentation mode like a trainer uses it: Ctrl+Shift+P masks every title, message text, note,
reason and project path on screen (table, transcript, Reflect, tooltips, search results, chart
hovers, dialogs), keeps counts and charts, never writes a stand-in into the database, makes the
fonts larger, and is off again at the next start."""

from __future__ import annotations

import os
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractListModel,
    QAbstractTableModel,
    QModelIndex,
    QRect,
    QSettings,
    Qt,
)
from PySide6.QtGui import QAction, QImage
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLabel,
    QLineEdit,
    QTextEdit,
    QWidget,
)
from pytestqt.qtbot import QtBot

from desktop_app.app import run_app
from desktop_app.demo.database import DemoDatabase
from desktop_app.domain import Rating, Verdict
from desktop_app.ingest.report import FileReport, ImportReport
from desktop_app.metrics.sampling import last_complete_week
from desktop_app.store import get_rating, open_db, save_sessions, set_rating
from desktop_app.store.rules import RuleAction, Selector, add_rule
from desktop_app.ui.import_report import ImportReportDialog
from desktop_app.ui.main_window import MainWindow
from desktop_app.ui.presentation import FONT_SCALE, HIDDEN
from desktop_app.ui.rules_dialog import RulesDialog
from desktop_app.ui.session_model import COL_DATE, COL_TITLE, COL_TOOL, COL_VERDICT
from tests.factories import make_messages, make_session
from tests.ui.conftest import OpenWindow

#: Distinctive words hidden in titles, message texts, notes, reasons and project paths.
SECRETS = ("Zanzibar", "quokka", "Osprey", "Marlowe", "nightjar")
PROJECT = "/home/alice/work/nightjar-app"
NOTE = "Osprey bid follow-up"
REASON = "Marlowe clause invented"
LAPTOP_FREE = QRect(0, 0, 1366, 728)

CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


@pytest.fixture
def secret_db(db_path: Path) -> list[str]:
    """Six sessions of the last complete week with secrets everywhere; the first two rated with
    a note (and the first with a reason). Yields their ids."""
    monday = last_complete_week()
    sessions = []
    for i in range(6):
        start = datetime.combine(monday + timedelta(days=i), time(10)).astimezone().astimezone(UTC)
        coding = i % 2 == 1
        sessions.append(make_session(
            i, source="claude-code" if coding else "chatgpt", external_id=f"secret-{i}",
            started_at=start, ended_at=start + timedelta(minutes=20),
            title=f"Zanzibar merger memo {i}",
            project=PROJECT if coding else None,
            messages=make_messages(f"draft the quokka memo {i}", "Here is the quokka memo: …",
                                   start=start)))
    db = open_db(db_path)
    save_sessions(db, sessions)
    set_rating(db, sessions[0].id, Rating(verdict=Verdict.NOT_USEFUL, minutes_saved=-5,
                                          reason=REASON, note=NOTE))
    set_rating(db, sessions[1].id, Rating(verdict=Verdict.USEFUL, minutes_saved=15,
                                          note=f"{NOTE} again"))
    db.close()
    return [s.id for s in sessions]


def _model_texts(model: QAbstractItemModel, parent: QModelIndex | None = None) -> list[str]:
    parent = parent if parent is not None else QModelIndex()
    # List and table models keep columnCount or hasChildren private.
    columns = 1 if isinstance(model, QAbstractListModel) else model.columnCount(parent)
    flat = isinstance(model, QAbstractListModel | QAbstractTableModel)
    texts: list[str] = []
    for row in range(min(model.rowCount(parent), 500)):
        for column in range(columns):
            index = model.index(row, column, parent)
            for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
                value = index.data(role)
                if value is not None:
                    texts.append(str(value))
            if column == 0 and not flat and model.hasChildren(index):
                texts.extend(_model_texts(model, index))
    return texts


def shown_texts(root: QWidget) -> str:
    """Every text ``root`` and its widgets hold, visible or not: labels, buttons, fields,
    placeholders, combo items, documents (plain and HTML), item models (display and tooltip),
    tooltips, status tips and accessible names. The search box's own text is left out: it is
    what the presenter types."""
    parts = [root.windowTitle()]
    for action in root.findChildren(QAction):
        parts += [action.text(), action.toolTip(), action.statusTip()]
    for w in [root, *root.findChildren(QWidget)]:
        parts += [w.toolTip(), w.statusTip(), w.accessibleName(), w.accessibleDescription(),
                  w.windowTitle()]
        if isinstance(w, QLabel | QAbstractButton):
            parts.append(w.text())
        if isinstance(w, QLineEdit) and w.objectName() != "searchBox":
            parts += [w.text(), w.placeholderText()]
        if isinstance(w, QTextEdit):
            parts += [w.toPlainText(), w.toHtml()]
        if isinstance(w, QComboBox):
            parts += [w.currentText(), w.placeholderText(),
                      *(w.itemText(i) for i in range(w.count()))]
        if isinstance(w, QAbstractSpinBox):
            parts.append(w.text())
        if isinstance(w, QAbstractItemView) and w.model() is not None:
            parts += _model_texts(w.model())
    if isinstance(root, MainWindow):
        parts.append(root.statusBar().currentMessage())
    return "\n".join(parts)


def leaked(text: str) -> list[str]:
    return [s for s in SECRETS if s.lower() in text.lower()]


def toggle(qtbot: QtBot, window: MainWindow) -> None:
    """Ctrl+Shift+P, as pressed wherever the focus is."""
    target = QApplication.focusWidget() or window
    qtbot.keyClick(target, Qt.Key.Key_P, CTRL_SHIFT)


def test_presentation_mode_masks_every_secret_on_screen_and_off_brings_them_back(
        qtbot: QtBot, db_path: Path, secret_db: list[str], open_window: OpenWindow) -> None:
    window = open_window(db_path)
    view = window.sessions_view
    assert view.model is not None
    view.table.setFocus()
    # Without presentation mode the secrets are there to find (the walk below can fail).
    seen = ""
    for row in range(view.model.rowCount()):
        view.select_row(row)
        seen += shown_texts(window)
    assert leaked(seen) == list(SECRETS)

    toggle(qtbot, window)
    assert window.presenting
    assert window.menu_actions["presentation"].isChecked()
    marker = window.findChild(QLabel, "presentationMarker")
    assert marker is not None
    assert marker.isVisible()
    # Every row of the table, its tooltips, the transcript and the rating panel.
    view.select_row(0)
    for row in range(view.model.rowCount()):
        assert view.selected_ids() == [view.model.index(row, 0).data(Qt.ItemDataRole.UserRole + 1)]
        text = shown_texts(window)
        assert leaked(text) == [], (row, leaked(text))
        qtbot.keyClick(view.table, Qt.Key.Key_J)
    # What stays: dates, tools, verdicts, minutes, message counts; what stands in is neutral.
    title = view.model.index(0, COL_TITLE).data()
    assert title.endswith(" session")
    assert view.model.index(0, COL_TOOL).data() in title
    assert view.model.index(0, COL_DATE).data()
    transcript = view.transcript.plain_text()
    assert HIDDEN in transcript
    assert "2 messages, 1 from you" in transcript

    # Search: the results are the sessions holding the word, shown masked, with no highlight.
    qtbot.keyClick(view.table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(view.filters.search, "quokka")
    qtbot.waitUntil(lambda: view.model is not None and view.model.query().search == "quokka")
    assert view.model.rowCount() == 6
    qtbot.keyClick(view.filters.search, Qt.Key.Key_Return)  # into the results
    for _row in range(view.model.rowCount()):
        text = shown_texts(window)
        assert leaked(text) == [], leaked(text)
        assert "#ffe066" not in view.transcript.toHtml()  # no search highlight
        qtbot.keyClick(view.table, Qt.Key.Key_J)
    view.filters.clear_filters()

    # Reflect: every card of the week's sample, walked with Enter.
    qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    reflect = window.reflect_view
    qtbot.waitUntil(lambda: not reflect.busy)
    assert reflect.sample
    while reflect.position < len(reflect.sample):
        text = shown_texts(window)
        assert leaked(text) == [], leaked(text)
        assert reflect.title.text().endswith(" session · " + reflect.title.text().split(" · ")[-1])
        qtbot.keyClick(reflect, Qt.Key.Key_Return)

    # Value: the words, and what every chart says on hover.
    qtbot.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    value = window.ensure_value_view()
    assert value.ensure_loaded()
    for tab in range(value.tabs.count()):
        value.tabs.setCurrentIndex(tab)
    qtbot.waitUntil(lambda: len(value._charts()) == value.tabs.count())
    hovers = [chart.hover(chart.scene_pos_of(i)) or ""
              for chart in value._charts() for i in range(chart.count())]
    assert any("uses" in h for h in hovers)  # the hovers are there, with their counts
    text = shown_texts(window) + "\n".join(hovers)
    assert leaked(text) == [], leaked(text)

    # Off again: the person's own words are back where they were.
    qtbot.keyClick(window, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    toggle(qtbot, window)
    assert not window.presenting
    assert marker.isHidden()
    seen = ""
    for row in range(view.model.rowCount()):
        view.select_row(row)
        seen += shown_texts(window)
    assert leaked(seen) == list(SECRETS)
    assert HIDDEN not in seen


def test_rating_while_presenting_works_and_never_writes_a_stand_in(
        qtbot: QtBot, db_path: Path, secret_db: list[str], open_window: OpenWindow) -> None:
    window = open_window(db_path)
    view = window.sessions_view
    assert view.model is not None
    view.table.setFocus()
    toggle(qtbot, window)
    row = view.model.row_of(secret_db[0])  # the session with a note and a reason
    view.select_row(row)
    panel = view.panel
    assert not panel.note.isEnabled()
    assert not panel.reason.isEnabled()
    assert panel.note.text() == HIDDEN
    assert panel.reason.currentText() == HIDDEN
    qtbot.keyClick(view.table, Qt.Key.Key_U)
    assert view.model.index(row, COL_VERDICT).data() == "Useful"
    qtbot.keyClick(view.table, Qt.Key.Key_N)
    assert view.model.index(row, COL_VERDICT).data() == "Not useful"
    assert not panel.reason.isEnabled()  # not useful, but the reason stays masked
    qtbot.keyClick(view.table, Qt.Key.Key_J)
    qtbot.keyClick(view.table, Qt.Key.Key_K)
    panel.commit_pending()  # what moving on does: the stand-ins are not the person's words
    # Reflect's Enter commits what is typed, too.
    qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    reflect = window.reflect_view
    qtbot.waitUntil(lambda: not reflect.busy)
    while reflect.position < len(reflect.sample):
        qtbot.keyClick(reflect, Qt.Key.Key_Return)
    window.close()

    db = open_db(db_path)
    try:
        first = get_rating(db, secret_db[0])
        assert first.verdict is Verdict.NOT_USEFUL
        assert (first.note, first.reason, first.minutes_saved) == (NOTE, REASON, -5)
        assert get_rating(db, secret_db[1]).note == f"{NOTE} again"
        written = db.conn.execute("SELECT group_concat(coalesce(note, '') || '|' || "
                                  "coalesce(reason, '')) FROM ratings").fetchone()[0]
        assert "hidden for presentation" not in written
        reasons = [r[0] for r in db.conn.execute("SELECT name FROM reasons")]
        assert HIDDEN not in reasons
    finally:
        db.close()
    raw = b"".join(p.read_bytes() for p in db_path.parent.glob(db_path.name + "*")
                   if p.is_file())
    assert b"hidden for presentation" not in raw


def test_a_note_being_typed_is_saved_before_it_is_masked(
        qtbot: QtBot, db_path: Path, secret_db: list[str], open_window: OpenWindow) -> None:
    window = open_window(db_path)
    view = window.sessions_view
    assert view.model is not None
    view.select_row(view.model.row_of(secret_db[2]))
    note = view.panel.note
    note.setFocus()
    qtbot.keyClicks(note, "Osprey call on Friday")
    toggle(qtbot, window)  # pressed while typing, before Enter
    assert window.presenting
    assert note.text() == HIDDEN
    assert not note.isEnabled()
    db = open_db(db_path)
    try:
        assert get_rating(db, secret_db[2]).note == "Osprey call on Friday"
    finally:
        db.close()
    toggle(qtbot, window)
    assert note.text() == "Osprey call on Friday"
    assert note.isEnabled()


def test_presentation_mode_is_not_remembered(
        qtbot: QtBot, db_path: Path, secret_db: list[str], open_window: OpenWindow) -> None:
    settings_file = db_path.parent / "settings.ini"
    usual = QApplication.font().pointSizeF()
    window = open_window(db_path, settings_file)
    usual_date_width = window.sessions_view.table.horizontalHeader().sectionSize(COL_DATE)
    window.set_presentation(True)
    assert QApplication.font().pointSizeF() == pytest.approx(usual * FONT_SCALE)
    window.close()  # while presenting
    assert QApplication.font().pointSizeF() == pytest.approx(usual)
    saved = QSettings(str(settings_file), QSettings.Format.IniFormat)
    assert saved.allKeys()
    assert not [k for k in saved.allKeys() if "presentation" in k.lower()]

    again = open_window(db_path, settings_file)
    assert not again.presenting
    assert not again.menu_actions["presentation"].isChecked()
    marker = again.findChild(QLabel, "presentationMarker")
    assert marker is not None
    assert marker.isHidden()
    assert "Zanzibar" in shown_texts(again)
    # The columns remembered are the usual ones, not presentation mode's wider ones.
    assert again.sessions_view.table.horizontalHeader().sectionSize(COL_DATE) == usual_date_width


def test_larger_fonts_come_and_go_and_keep_their_proportions(
        qtbot: QtBot, db_path: Path, secret_db: list[str], open_window: OpenWindow,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(MainWindow, "_available_geometry", lambda _self: LAPTOP_FREE)
    usual = QApplication.font().pointSizeF()
    window = open_window(db_path)
    window.resize(LAPTOP_FREE.size())
    qtbot.waitUntil(lambda: window.width() == LAPTOP_FREE.width())
    reflect = window.reflect_view
    header = window.sessions_view.table.horizontalHeader()
    before = {c: header.sectionSize(c) for c in (COL_DATE, COL_TOOL, COL_VERDICT)}
    title_ratio = reflect.title.font().pointSizeF() / QApplication.font().pointSizeF()
    window.set_presentation(True)
    assert QApplication.font().pointSizeF() == pytest.approx(usual * FONT_SCALE)
    # The widgets hear of the application font on the next turn of the event loop.
    qtbot.waitUntil(lambda: window.sessions_view.table.font().pointSizeF()
                    == pytest.approx(usual * FONT_SCALE))
    assert (reflect.title.font().pointSizeF() / QApplication.font().pointSizeF()
            == pytest.approx(title_ratio))
    # At a laptop's size the table still shows a whole date, tool and verdict, unscrolled.
    table = window.sessions_view.table
    metrics = table.fontMetrics()
    qtbot.waitUntil(lambda: table.horizontalScrollBar().maximum() == 0)
    for column, sample in ((COL_DATE, "2026-11-29 10:26"), (COL_TOOL, "Claude Code"),
                           (COL_VERDICT, "Not useful")):
        assert header.sectionSize(column) > metrics.horizontalAdvance(sample) + 8
    assert header.sectionSize(COL_TITLE) > metrics.horizontalAdvance("Claude Code session")
    window.set_presentation(False)
    assert QApplication.font().pointSizeF() == pytest.approx(usual)
    qtbot.waitUntil(lambda: window.sessions_view.table.font().pointSizeF()
                    == pytest.approx(usual))
    assert {c: header.sectionSize(c) for c in before} == before
    assert (reflect.title.font().pointSizeF() / QApplication.font().pointSizeF()
            == pytest.approx(title_ratio))


def test_another_database_opened_while_presenting_is_masked_too(
        qtbot: QtBot, db_path: Path, secret_db: list[str], open_window: OpenWindow) -> None:
    window = open_window(db_path)
    usual_date_width = window.sessions_view.table.horizontalHeader().sectionSize(COL_DATE)
    window.set_presentation(True)
    other = db_path.with_name("other.db")
    db = open_db(other)
    save_sessions(db, [make_session(1, title="Zanzibar, the other one", project=PROJECT,
                                    messages=make_messages("quokka?", "quokka."))])
    db.close()
    assert window.open_database(other, demo=False)
    assert window.sessions_view.model is not None
    assert window.sessions_view.model.rowCount() == 1
    assert leaked(shown_texts(window)) == []
    header = window.sessions_view.table.horizontalHeader()
    assert header.sectionSize(COL_DATE) == round(usual_date_width * FONT_SCALE)

def test_dialogs_hide_project_paths_and_rule_patterns_while_presenting(
        qtbot: QtBot, db_path: Path, secret_db: list[str], open_window: OpenWindow) -> None:
    db = open_db(db_path)
    add_rule(db, RuleAction.SKIP, Selector.PROJECT, "*nightjar*")
    add_rule(db, RuleAction.NO_TEXT, Selector.TITLE, "Zanzibar*")
    db.close()
    window = open_window(db_path)
    window.set_presentation(True)
    log = f"{PROJECT}/.aider.chat.history.md"
    report = ImportReport(files=[FileReport(path=log, source="aider", sessions_new=3)])
    dialog = ImportReportDialog(report, window)
    qtbot.addWidget(dialog)
    assert leaked(shown_texts(dialog)) == []
    assert ".aider.chat.history.md" in shown_texts(dialog)  # which file, not where
    rules = RulesDialog(window, window.tasks, window)
    qtbot.addWidget(rules)
    assert leaked(shown_texts(rules)) == []
    assert "project matches" in shown_texts(rules)
    window.set_presentation(False)
    assert "nightjar" in shown_texts(ImportReportDialog(report, window))


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_presentation_screenshots_at_laptop_size(qtbot: QtBot, tmp_path: Path,
                                                 theme: str) -> None:
    """Look at these (WORTHWHILE_SHOTS=DIR keeps them): masked, larger, marked."""
    folder = Path(os.environ.get("WORTHWHILE_SHOTS", tmp_path))
    usual = QApplication.font().pointSizeF()
    with DemoDatabase() as demo:
        for view in ("sessions", "reflect", "value"):
            out = folder / f"presentation-{view}-{theme}-1366x728.png"
            assert run_app(demo.path, demo=True, screenshot=out, view=view, theme=theme,
                           size=(1366, 728), presentation=True) == 0
            image = QImage(str(out))
            assert (image.width(), image.height()) == (1366, 728)
    assert QApplication.font().pointSizeF() == pytest.approx(usual)
