"""Ctrl+C in the terminal that started Worthwhile: the window closes as if the user closed it
(the layout is remembered, a demo's folder is deleted) and the app exits with 130."""

from __future__ import annotations

import signal
from collections.abc import Callable
from types import FrameType

from PySide6.QtCore import QObject, QTimer

#: The exit code after Ctrl+C: what a shell reports for a program ended by SIGINT (128 + 2).
EXIT_INTERRUPTED = 130
#: How often Python gets a turn while Qt's event loop runs: a signal's Python handler only runs
#: when the interpreter does, and an idle event loop runs no Python at all.
WAKE_MS = 200


class QuitOnInterrupt(QObject):
    """While installed, SIGINT closes the window given to :meth:`close_on_interrupt`, on the
    event loop (never inside the handler, which may interrupt any Python code). A Ctrl+C that
    comes while the window is still being built closes it as soon as it is given."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._action: Callable[[], object] | None = None
        self.interrupted = False
        self._pending = False  # a Ctrl+C not acted on yet
        self._wake = QTimer(self)
        self._wake.setInterval(WAKE_MS)
        self._wake.timeout.connect(self._on_wake_timeout)
        self._previous: object = None
        self._installed = False

    def install(self) -> None:
        """Handle SIGINT from now on (call on the main thread)."""
        self._previous = signal.signal(signal.SIGINT, self._on_signal)
        self._installed = True
        self._wake.start()

    def uninstall(self) -> None:
        """Put back the handler there was before."""
        self._wake.stop()
        if self._installed:
            signal.signal(signal.SIGINT, self._previous)  # type: ignore[arg-type]
            self._installed = False

    def close_on_interrupt(self, close: Callable[[], object]) -> None:
        """What Ctrl+C does from now on (the window's close); at once if it came already."""
        self._action = close
        if self._pending:
            QTimer.singleShot(0, self._run_action)

    def _on_wake_timeout(self) -> None:
        """Nothing to do: being called is the point (Python runs pending signal handlers)."""

    def _on_signal(self, _signum: int, _frame: FrameType | None) -> None:
        self.interrupted = self._pending = True
        QTimer.singleShot(0, self._run_action)

    def _run_action(self) -> None:
        # Once per Ctrl+C: a second one closes again (a close that waits for changes to be
        # saved asks, the second time, whether to quit without them).
        if self._pending and self._action is not None:
            self._pending = False
            self._action()
