"""Starting the app on a database it cannot use: a clear dialog instead of a traceback. A
damaged file can be moved aside (renamed with its companions, never deleted) to start with a
new database; a newer version's database is left exactly as it was."""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton
from pytestqt.qtbot import QtBot

from desktop_app.app import start_window
from desktop_app.store import count_sessions, open_db, save_sessions
from desktop_app.ui.main_window import MainWindow
from tests.damage import (
    DAMAGE_AT_OPEN,
    damage_in_sessions_pages,
    folder_state,
    healthy_database,
)
from tests.factories import make_session

#: How one dialog is answered: given the dialog, press a button or a key.
Answer = Callable[[QMessageBox], None]


@dataclass
class Dialogs:
    """Answers the modal dialogs as they come, in order, and keeps what each one said."""

    qtbot: QtBot
    answers: list[tuple[str, Answer]]
    seen: list[tuple[str, str]] = field(default_factory=list)
    deadline: float = 0.0

    def start(self) -> None:
        self.deadline = time.monotonic() + 20
        QTimer.singleShot(0, self._poll)

    def _poll(self) -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, QMessageBox) or not dialog.isVisible():
            if time.monotonic() < self.deadline:
                QTimer.singleShot(10, self._poll)
            return
        self.seen.append((dialog.objectName(), f"{dialog.text()}\n{dialog.informativeText()}"))
        if not self.answers or dialog.objectName() != self.answers[0][0]:
            dialog.reject()  # not the dialog expected: end it (the test fails on ``seen``)
            return
        _, answer = self.answers.pop(0)
        answer(dialog)
        if self.answers:
            QTimer.singleShot(0, self._poll)


def click(name: str) -> Answer:
    """Click the dialog's button whose text is ``name``."""

    def answer(dialog: QMessageBox) -> None:
        buttons = [b for b in dialog.findChildren(QPushButton) if b.text() == name]
        assert buttons, f"no button {name!r}"
        QtBot.mouseClick(buttons[0], Qt.MouseButton.LeftButton)

    return answer


def escape(dialog: QMessageBox) -> None:
    QtBot.keyClick(dialog, Qt.Key.Key_Escape)


@pytest.fixture(scope="module")
def healthy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return healthy_database(tmp_path_factory.mktemp("healthy") / "worthwhile.db")


def damaged(healthy: Path, db_path: Path, damage: Callable[[Path], None]) -> Path:
    db_path.parent.mkdir()
    shutil.copyfile(healthy, db_path)
    damage(db_path)
    return db_path


def start(qtbot: QtBot, db_path: Path, *answers: tuple[str, Answer]
          ) -> tuple[MainWindow | None, list[tuple[str, str]]]:
    dialogs = Dialogs(qtbot, list(answers))
    dialogs.start()
    settings = QSettings(str(db_path.parent.parent / "settings.ini"), QSettings.Format.IniFormat)
    window = start_window(db_path, settings=settings)
    if window is not None:
        qtbot.addWidget(window)
    assert not dialogs.answers, f"dialogs not shown; seen: {dialogs.seen}"
    return window, dialogs.seen


MOVE = "Move Aside and Start a New Database"


@pytest.mark.parametrize("kind", ["cut in half", "text file"])
def test_damaged_database_moved_aside_and_a_new_one_started(
        qtbot: QtBot, healthy: Path, db_path: Path, kind: str) -> None:
    damaged(healthy, db_path, DAMAGE_AT_OPEN[kind])
    damaged_bytes = db_path.read_bytes()

    window, seen = start(qtbot, db_path, ("damagedDatabaseDialog", click(MOVE)),
                         ("movedAsideBox", click("OK")))

    (_, asked), (_, told) = seen
    assert "Worthwhile cannot use its database." in asked
    assert f"{db_path} is " in asked  # names the file and says what is wrong with it
    assert "never deleted" in asked
    moved = [p for p in db_path.parent.iterdir() if p.name.startswith("worthwhile.db.damaged-")]
    assert len(moved) == 1
    assert moved[0].read_bytes() == damaged_bytes  # the very same file, renamed
    assert str(moved[0]) in told
    assert window is not None
    assert window.db is not None
    assert count_sessions(window.db) == 0
    assert window.outer_stack.currentWidget() is window.first_run


def test_quitting_leaves_the_damaged_file_as_it_was(
        qtbot: QtBot, healthy: Path, db_path: Path) -> None:
    damaged(healthy, db_path, DAMAGE_AT_OPEN["sessions root page garbled"])
    before = folder_state(db_path.parent)
    window, seen = start(qtbot, db_path, ("damagedDatabaseDialog", escape))
    assert window is None
    assert [name for name, _ in seen] == ["damagedDatabaseDialog"]
    assert folder_state(db_path.parent) == before


def test_damage_met_by_the_first_screen_gets_the_same_dialog(
        qtbot: QtBot, healthy: Path, db_path: Path) -> None:
    damaged(healthy, db_path, damage_in_sessions_pages)
    damaged_bytes = db_path.read_bytes()
    window, seen = start(qtbot, db_path, ("damagedDatabaseDialog", click("Quit")))
    assert window is None
    assert "database disk image is malformed" in seen[0][1]
    assert db_path.read_bytes() == damaged_bytes
    assert sorted(p.name for p in db_path.parent.iterdir()) == ["worthwhile.db"]


def test_newer_database_is_refused_in_a_dialog_and_left_as_it_was(
        qtbot: QtBot, db_path: Path) -> None:
    db = open_db(db_path)
    save_sessions(db, [make_session(1)])
    db.conn.execute("INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
                    "VALUES ('worthwhile', '0099_later', '2031-01-01')")
    db.conn.commit()
    db.close()
    before = folder_state(db_path.parent)
    window, seen = start(qtbot, db_path, ("errorBox", click("OK")))
    assert window is None
    assert seen == [("errorBox", f"{db_path} was written by a newer version of Worthwhile "
                                 "(schema 0099_later); update Worthwhile to open it. The file "
                                 "was not changed.\n")]
    assert folder_state(db_path.parent) == before
