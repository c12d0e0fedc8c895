"""Loading the charts' modules off the GUI thread while the user is idle, before they are needed.

The Value and Team views need pyqtgraph and numpy: a quarter of a second of imports that a
window opening on the Sessions view does without. Imported when a chart view is first shown,
they would keep that switch waiting; so once the window has been shown and nobody has typed,
clicked, scrolled or moved the mouse for a moment, a task imports them on a worker thread.
Idle, because an import holds Python's interpreter lock in long stretches: the GUI thread,
wanting it for the table's paint, would stutter under a user busy typing.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer, Slot
from PySide6.QtWidgets import QApplication

from desktop_app.ui.tasks import TaskContext, TaskRunner

#: The modules loaded (each brings pyqtgraph, and pyqtgraph numpy).
CHART_MODULES = ("desktop_app.ui.value_view", "desktop_app.ui.team_view")
#: How long nothing is typed, clicked or scrolled before the modules load.
IDLE_S = 1.5
CHECK_MS = 250

_INPUT = frozenset({QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove,
                    QEvent.Type.Wheel, QEvent.Type.TouchBegin})


def _load_chart_modules(_context: TaskContext) -> None:
    """On a worker thread: only modules and their classes; every widget is built on the GUI
    thread, when its view is shown."""
    import importlib

    for name in CHART_MODULES:
        importlib.import_module(name)


class ChartPreload(QObject):
    """Watches the application's input from ``start()`` until the modules are loading."""

    def __init__(self, tasks: TaskRunner, needed: Callable[[], bool],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._tasks = tasks
        self._needed = needed
        self._last_input = 0.0
        self._timer = QTimer(self)
        self._timer.setInterval(CHECK_MS)
        self._timer.timeout.connect(self._on_timer_timeout)
        self.started = False

    def start(self) -> None:
        """Begin watching (once the window is shown); does nothing if already done."""
        app = QApplication.instance()
        if self.started or self._timer.isActive() or app is None:
            return
        if all(name in sys.modules for name in CHART_MODULES):
            self.started = True
            return
        self._last_input = time.monotonic()
        app.installEventFilter(self)
        self._timer.start()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in _INPUT:
            self._last_input = time.monotonic()
        return False

    @Slot()
    def _on_timer_timeout(self) -> None:
        if not self._needed():
            self._stop()
        elif time.monotonic() - self._last_input >= IDLE_S:
            self._stop()
            self.started = True
            self._tasks.start("chart-modules", _load_chart_modules)

    def _stop(self) -> None:
        self._timer.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
