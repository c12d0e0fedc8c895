"""Starting the desktop app: QApplication, theme, error hook, the main window, screenshots."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from desktop_app.platform_check import advice, missing_libraries
from desktop_app.store import DatabaseDamagedError, StoreError

if TYPE_CHECKING:
    from PySide6.QtCore import QSettings

    from desktop_app.ui.main_window import MainWindow
    from desktop_app.ui.tasks import TaskContext

#: A screenshot waits at most this long for the views' figures.
SCREENSHOT_WAIT_MS = 60_000
#: How long after the window is shown the demo folders a killed Worthwhile left are cleared.
STALE_DEMOS_AFTER_MS = 2_000


def _remove_stale_demos(_context: TaskContext) -> None:
    from desktop_app.demo.database import remove_stale_demos

    remove_stale_demos()


def run_app(db_path: Path, *, demo: bool = False, screenshot: Path | None = None,
            view: str = "sessions", theme: str | None = None,
            size: tuple[int, int] = (1280, 800), presentation: bool = False) -> int:
    """Open the main window on ``db_path``; with ``screenshot``, save a PNG of ``size`` once loaded
    and exit (in presentation mode with ``presentation``). Ctrl+C in the terminal closes the
    window as the user would and returns 130."""
    missing = missing_libraries(os.environ, sys.platform)
    if missing:  # Qt would abort the process, naming the wrong library
        print(f"worthwhile: error: {advice(missing)}", file=sys.stderr)
        return 1
    from PySide6.QtCore import QElapsedTimer, QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from desktop_app import __version__
    from desktop_app.ui.errors import install_excepthook
    from desktop_app.ui.icon import app_icon
    from desktop_app.ui.interrupt import EXIT_INTERRUPTED, QuitOnInterrupt
    from desktop_app.ui.main_window import MainWindow
    from desktop_app.ui.single_instance import InstanceLock
    from desktop_app.ui.theme import apply_theme

    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("Worthwhile")
    app.setOrganizationName("Worthwhile")
    app.setApplicationVersion(__version__)
    # The task bar and dialogs take the window icon; the desktop file name ties the windows to
    # packaging/linux/worthwhile.desktop (Wayland's app id, GNOME's dock).
    app.setWindowIcon(app_icon())
    app.setDesktopFileName("worthwhile")
    apply_theme(app, theme)
    # Ctrl+C from here on closes the window as the user would, once the event loop runs.
    interrupt = QuitOnInterrupt(app)
    if screenshot is None:
        interrupt.install()
    # One window per database (a demo's throwaway one and a screenshot's need no guard).
    guard = None if demo or screenshot is not None else InstanceLock(db_path, app)
    if guard is not None and not guard.acquire():
        interrupt.uninstall()
        return already_open(db_path)
    if screenshot is not None:
        window = MainWindow(db_path, demo=demo)  # a problem goes to the command line
    else:
        started = start_window(db_path, demo=demo)
        if started is None:
            interrupt.uninstall()
            if guard is not None:
                guard.release()
            return EXIT_INTERRUPTED if interrupt.interrupted else 1
        window = started
    if guard is not None:
        window.hold_instance_lock(guard)
    if screenshot is None:
        install_excepthook()  # a screenshot run must never wait on a dialog
    if theme is None:
        def follow_system_scheme() -> None:
            apply_theme(app, None)
            window.apply_colors()
            window.sessions_view.refresh()

        app.styleHints().colorSchemeChanged.connect(follow_system_scheme)
    if presentation:
        window.set_presentation(True)
    window.show()
    # Demo folders a killed Worthwhile left behind: cleared off the GUI thread a moment after the
    # window is up. Not at once: importing the demo's story and topics on a worker thread holds
    # Python's interpreter lock, and would hold back the window's first paint (a screenshot,
    # which waits for every task, clears them at once).
    def remove_stale_demos() -> None:
        window.tasks.start("stale-demos", _remove_stale_demos)

    if screenshot is None:
        QTimer.singleShot(STALE_DEMOS_AFTER_MS, window, remove_stale_demos)
    else:
        remove_stale_demos()
    if screenshot is None:
        interrupt.close_on_interrupt(window.close)
        try:
            code = app.exec()
        finally:
            interrupt.uninstall()
            if window.instance_lock is not None:  # the window may have moved to another file
                window.instance_lock.release()
        return EXIT_INTERRUPTED if interrupt.interrupted else code

    # A screenshot has a fixed size and leaves the user's remembered layout alone.
    window.remember_layout = False
    window.resize(*size)
    window.show_view(view)
    # Suggested verdicts wait for the first paint in a window; a screenshot waits for them.
    window.suggestions.refresh_now()
    # A local event loop (not app.exec/quit) so the application stays usable afterwards.
    loop = QEventLoop()
    result: list[int] = [1]
    waited = QElapsedTimer()
    waited.start()
    # An error inside the event loop (a view failing to load) is printed by Python and would
    # otherwise leave a screenshot of a broken window and exit 0: note it, and fail the run.
    failures: list[BaseException] = []
    previous_hook = sys.excepthook

    def note_failure(kind: type[BaseException], exc: BaseException,
                     tb: TracebackType | None) -> None:
        failures.append(exc)
        previous_hook(kind, exc, tb)

    sys.excepthook = note_failure

    def capture() -> None:
        # The views read their figures and samples off the GUI thread: wait until they are all
        # in (the Value view has emitted ``loaded``), then one more turn lets them paint.
        if window.tasks.busy() and waited.elapsed() < SCREENSHOT_WAIT_MS:
            QTimer.singleShot(10, capture)
            return
        app.processEvents()
        result[0] = 0 if save_screenshot(window, screenshot) else 1
        loop.quit()

    QTimer.singleShot(50, capture)
    try:
        loop.exec()
    finally:
        sys.excepthook = previous_hook
    window.close()
    window.deleteLater()
    if failures:
        print(f"worthwhile: error: the window failed while it was drawn ({failures[0]!r}); "
              f"{screenshot} shows it broken", file=sys.stderr)
        return 1
    if result[0]:
        print(f"worthwhile: error: could not write {screenshot}", file=sys.stderr)
    return result[0]


def start_window(db_path: Path, *, demo: bool = False,
                 settings: QSettings | None = None) -> MainWindow | None:
    """The main window on ``db_path``, or None (quit) when its database cannot be used.

    The user is told why, in a dialog: a newer version's database is left as it is; a damaged
    one can be moved aside (renamed, never deleted) to start with a new database.
    """
    from desktop_app.store.db import move_aside
    from desktop_app.ui.damaged_dialog import ask_move_aside, show_moved_aside
    from desktop_app.ui.errors import show_error
    from desktop_app.ui.main_window import MainWindow

    try:
        return MainWindow(db_path, demo=demo, settings=settings)
    except DatabaseDamagedError as exc:
        damaged = exc
    except StoreError as exc:  # a newer version's database, another program's, unreadable
        show_error(None, str(exc))
        return None
    if not ask_move_aside(damaged):
        return None
    try:
        moved = move_aside(damaged.path)
    except OSError as exc:
        show_error(None, f"{damaged.path} could not be moved aside ({exc.strerror or exc}). "
                         "Nothing was deleted.")
        return None
    try:
        window = MainWindow(db_path, demo=demo, settings=settings)
    except StoreError as exc:
        show_error(None, str(exc))
        return None
    show_moved_aside(moved, db_path)
    return window


def already_open(db_path: Path) -> int:
    """A second start on a database that a window has open: ask that window to come forward,
    say so (on stderr; in a dialog too when its window did not answer), and end with 0."""
    from PySide6.QtGui import QGuiApplication

    from desktop_app.ui.errors import show_error
    from desktop_app.ui.single_instance import ask_first_to_come_forward

    answered = ask_first_to_come_forward(db_path)
    text = f"Worthwhile is already open on this database ({db_path})"
    if answered:
        print(f"worthwhile: {text}; its window was brought forward.", file=sys.stderr)
        return 0
    advice = ("Its window did not answer: it may be busy, not responding, or open on another "
              "computer. Close it first, or open another database with --db.")
    print(f"worthwhile: {text}. {advice}", file=sys.stderr)
    if QGuiApplication.platformName() not in ("offscreen", "minimal"):  # someone can see it
        show_error(None, f"{text}.\n\n{advice}")
    return 0


def save_screenshot(widget: object, path: Path) -> bool:
    """Render ``widget`` to a PNG file; returns False when the file could not be written."""
    from PySide6.QtWidgets import QWidget

    assert isinstance(widget, QWidget)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError:
        return False
    return bool(widget.grab().save(str(path), "PNG"))
