"""Another writer for the tests: a real second SQLite connection holding the write lock."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path
from types import TracebackType

#: Never hold the lock longer than this, whatever a failing test does.
LONGEST_HOLD_S = 60.0


class LockHolder:
    """Holds the database's write lock (``BEGIN IMMEDIATE`` on a connection of its own, on a
    thread of its own) from ``__enter__`` until :meth:`release`, or ``seconds`` later."""

    def __init__(self, path: Path, seconds: float | None = None) -> None:
        self.path = path
        self.seconds = LONGEST_HOLD_S if seconds is None else seconds
        self.held = threading.Event()
        self.released = threading.Event()
        self._release = threading.Event()
        self._thread = threading.Thread(target=self._hold, daemon=True)
        self.error: BaseException | None = None

    def _hold(self) -> None:
        try:
            conn = sqlite3.connect(self.path, isolation_level=None)
            try:
                conn.execute("BEGIN IMMEDIATE")
                self.held.set()
                self._release.wait(self.seconds)
                conn.execute("COMMIT")
            finally:
                conn.close()
        except BaseException as exc:  # shown by the test that waits on it
            self.error = exc
            self.held.set()
        finally:
            self.released.set()

    def __enter__(self) -> LockHolder:
        self._thread.start()
        assert self.held.wait(10), "the other connection never got the lock"
        assert self.error is None, self.error
        return self

    def release(self) -> None:
        """Commit and let go of the lock (now)."""
        self._release.set()
        assert self.released.wait(10)

    @property
    def holding(self) -> bool:
        """True while the lock is held."""
        return self.held.is_set() and not self.released.is_set()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.release()
        self._thread.join(10)
