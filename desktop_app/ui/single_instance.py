"""One window per database: a lock file beside it, and a way for a second start to call the
first window forward, without any socket.

The lock is a ``QLockFile`` (``worthwhile.db.lock``): it holds the owner's process id, and a
lock left behind by a process that died is taken over. The request to come forward is a small
file beside it (``worthwhile.db.raise``), created by the window holding the lock and watched
with ``QFileSystemWatcher``: a second start writes ``raise <token>`` into it and waits a moment
for ``ok <token>``. Worthwhile opens no socket of any kind (not even a local one), so a
``QLocalServer`` was not an option.

The command line takes no lock: it is a short-lived writer that waits for SQLite's write lock
(``store/locking.py``).
"""

from __future__ import annotations

import contextlib
import os
import time
from pathlib import Path

from PySide6.QtCore import QFileSystemWatcher, QLockFile, QObject, Signal, Slot

#: How long a second start waits for the first window to answer.
ANSWER_WAIT_MS = 3000
#: How often it looks for the answer meanwhile.
ANSWER_POLL_S = 0.05


def lock_path(db_path: Path) -> Path:
    """The lock file of the database at ``db_path`` (beside it)."""
    return db_path.with_name(db_path.name + ".lock")


def raise_path(db_path: Path) -> Path:
    """The file through which a second start asks the first window to come forward."""
    return db_path.with_name(db_path.name + ".raise")


def _make_private_folders(folder: Path) -> None:
    """Create missing folders 0700, as ``open_db`` would (the lock comes before the database)."""
    missing: list[Path] = []
    while not folder.exists() and folder.parent != folder:
        missing.append(folder)
        folder = folder.parent
    for path in reversed(missing):
        path.mkdir(mode=0o700)
        if os.name == "posix":
            path.chmod(0o700)


def _write_private(path: Path, text: str) -> None:
    fd = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return ""


class InstanceLock(QObject):
    """The lock that makes this process the one window on a database."""

    #: A second start asked this window to come forward.
    raise_requested = Signal()

    def __init__(self, db_path: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.db_path = db_path
        self._lock = QLockFile(str(lock_path(db_path)))
        self._lock.setStaleLockTime(0)  # never stale by age: only when its process is gone
        self._watcher: QFileSystemWatcher | None = None
        self.locked = False

    def acquire(self) -> bool:
        """Take the lock; False when another live process holds it.

        When the lock file cannot be written at all (a read-only folder), there is nothing to
        guard against a second window with, and the window opens unguarded (True).
        """
        with contextlib.suppress(OSError):  # else the lock fails below, and says why
            _make_private_folders(self.db_path.parent)
        if self._lock.tryLock(0):
            self.locked = True
            self._listen()
            return True
        return self._lock.error() != QLockFile.LockError.LockFailedError

    def owner_pid(self) -> int | None:
        """The process id of the window holding the lock (None: unknown)."""
        info = self._lock.getLockInfo()
        return int(info[0]) if isinstance(info, tuple) and info and info[0] else None

    def release(self) -> None:
        """Let go of the lock (at exit)."""
        if self._watcher is not None:
            self._watcher.deleteLater()
            self._watcher = None
        if self.locked:
            with contextlib.suppress(OSError):
                raise_path(self.db_path).unlink()
            self._lock.unlock()
            self.locked = False

    def _listen(self) -> None:
        path = raise_path(self.db_path)
        try:
            _write_private(path, "")
        except OSError:
            return  # no way to be asked; the lock alone still keeps a second window out
        self._watcher = QFileSystemWatcher([str(path)], self)
        self._watcher.fileChanged.connect(self._on_watcher_file_changed)

    @Slot(str)
    def _on_watcher_file_changed(self, name: str) -> None:
        path = Path(name)
        if self._watcher is not None and name not in self._watcher.files() and path.exists():
            self._watcher.addPath(name)  # replaced rather than written: watch the new file
        text = _read(path)
        if not text.startswith("raise "):
            return
        token = text.removeprefix("raise ").strip()
        with contextlib.suppress(OSError):
            _write_private(path, f"ok {token}\n")
        self.raise_requested.emit()


def ask_first_to_come_forward(db_path: Path, wait_ms: int = ANSWER_WAIT_MS) -> bool:
    """From a second start: ask the window holding the lock to come forward; True once it
    answered within ``wait_ms``. Never waits longer, and needs no event loop."""
    path = raise_path(db_path)
    token = f"{os.getpid()}-{time.time_ns()}"
    try:
        _write_private(path, f"raise {token}\n")
    except OSError:
        return False
    deadline = time.monotonic() + wait_ms / 1000
    while time.monotonic() < deadline:
        if _read(path) == f"ok {token}":
            return True
        time.sleep(ANSWER_POLL_S)
    return False
