"""The one way to run work off the GUI thread: a pool, a connection per task, results by signal.

A :class:`TaskRunner` runs a function on its own ``QThreadPool``. The function gets a
:class:`TaskContext`: its own database connection (opened on first use from the path given, on the
worker thread, and closed there: a connection belongs to its thread), the cancel flag, and a way
to report progress. What it returns (or the traceback of what it raised) comes back to the GUI
thread by a queued signal of its :class:`Task`. Every task has a key ("value-figures", "import");
starting a task makes the older ones of the same key stale: they are asked to cancel, and whatever
they still report is dropped, so a slow old answer never overwrites a newer one. Only plain Python
objects cross the threads. ``stop_all()`` (for closing a window) cancels, waits and drops.
"""

from __future__ import annotations

import contextlib
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from PySide6.QtCore import QObject, Qt, QThread, QThreadPool, Signal, Slot
from sqlite_utils import Database

from desktop_app.store import open_db
from desktop_app.store.locking import set_lock_wait

#: What a work function is: it gets the context and returns a plain Python object.
Work = Callable[["TaskContext"], Any]
#: At least this many threads, so that a long import never holds up the figures or a draw.
MIN_THREADS = 4


class TaskCancelledError(Exception):
    """Raised by work that stops early because it was asked to (see ``check_cancelled``)."""


class TaskContext:
    """What a work function gets on its thread: a connection of its own, cancel, progress."""

    def __init__(self, db_path: Path | None, cancel: threading.Event,
                 report: Callable[[object], None]) -> None:
        self._db_path = db_path
        self._cancel = cancel
        self._report = report
        self._db: Database | None = None

    @property
    def db(self) -> Database:
        """This task's own connection to the window's database (opened on first use)."""
        if self._db is None:
            if self._db_path is None:
                raise RuntimeError("this task was started without a database")
            self._db = open_db(self._db_path)
            # Waits patiently for another writer, but stops waiting once cancelled.
            set_lock_wait(self._db, cancelled=self._cancel.is_set)
        return self._db

    @property
    def db_path(self) -> Path | None:
        """The database file this task's connection opens (None: started without one)."""
        return self._db_path

    @property
    def cancelled(self) -> bool:
        """True once the task was asked to stop (by ``cancel()`` or a newer task of its key)."""
        return self._cancel.is_set()

    def check_cancelled(self) -> None:
        """Raise :class:`TaskCancelledError` if the task was asked to stop."""
        if self._cancel.is_set():
            raise TaskCancelledError

    def progress(self, value: object) -> None:
        """Tell the GUI how far the work is (a plain Python object; keep it to a few a second)."""
        self._report(value)

    def close(self) -> None:
        """Close the connection, on the thread that opened it."""
        if self._db is not None:
            self._db.close()
            self._db = None


@dataclass(frozen=True)
class _Outcome:
    kind: Literal["done", "failed", "cancelled", "skipped"]
    value: Any = None


class Task(QObject):
    """One piece of work on the pool; lives on the GUI thread, where its signals arrive.

    At most one of ``finished``, ``failed`` and ``cancelled`` is emitted, and none once the task
    is stale (a newer task of its key was started) or its runner stopped.
    """

    #: Whatever the work passed to ``TaskContext.progress``.
    progressed = Signal(object)
    #: The work's return value.
    finished = Signal(object)
    #: The traceback of an exception the work raised: a bug, shown with its details.
    failed = Signal(str)
    #: The work raised :class:`TaskCancelledError`.
    cancelled = Signal()

    # From the worker thread, queued to this object's slots on the GUI thread.
    _worker_progressed = Signal(object)
    _worker_ended = Signal(object)

    def __init__(self, runner: TaskRunner, key: str, generation: int, work: Work,
                 db_path: Path | None, discard: Callable[[Any], None] | None) -> None:
        super().__init__(runner)  # owned by the runner: never deleted from a worker thread
        self.key = key
        self.generation = generation
        self._runner = runner
        self._work = work
        self._db_path = db_path
        self._discard = discard
        self._cancel = threading.Event()
        self._stale = threading.Event()
        self._ran = threading.Event()
        self._outcome: _Outcome | None = None
        self._handled = False
        self._worker_progressed.connect(self._on_worker_progressed,
                                        Qt.ConnectionType.QueuedConnection)
        self._worker_ended.connect(self._on_worker_ended, Qt.ConnectionType.QueuedConnection)

    def cancel(self) -> None:
        """Ask the work to stop; it sees ``context.cancelled`` and decides what to return."""
        self._cancel.set()

    @property
    def cancel_requested(self) -> bool:
        """True once ``cancel()`` was called (or a newer task of the key was started)."""
        return self._cancel.is_set()

    @property
    def running(self) -> bool:
        """True until the outcome has been handled on the GUI thread."""
        return not self._handled

    def _make_stale(self) -> None:
        self._stale.set()
        self._cancel.set()

    # --- on the worker thread ------------------------------------------------------------

    def _run_on_worker(self) -> None:
        if self._stale.is_set():
            outcome = _Outcome("skipped")
        else:
            context = TaskContext(self._db_path, self._cancel, self._worker_progressed.emit)
            try:
                outcome = _Outcome("done", self._work(context))
            except TaskCancelledError:
                outcome = _Outcome("cancelled")
            except Exception:  # a bug in the work: reported with its traceback, app lives on
                outcome = _Outcome("failed", traceback.format_exc())
            finally:
                with contextlib.suppress(Exception):  # a failed close loses nothing
                    context.close()
        self._outcome = outcome
        self._ran.set()
        self._worker_ended.emit(outcome)

    # --- on the GUI thread ---------------------------------------------------------------

    def _current(self) -> bool:
        return not self._stale.is_set() and self._runner.is_current(self)

    @Slot(object)
    def _on_worker_progressed(self, value: object) -> None:
        if not self._handled and self._current():
            self.progressed.emit(value)

    @Slot(object)
    def _on_worker_ended(self, outcome: _Outcome) -> None:
        if self._handled:
            return
        self._handled = True
        self._runner._forget(self)
        if not self._current():
            self._drop(outcome)
        elif outcome.kind == "done":
            self.finished.emit(outcome.value)
        elif outcome.kind == "failed":
            self.failed.emit(str(outcome.value))
        elif outcome.kind == "cancelled":
            self.cancelled.emit()
        self.deleteLater()

    def _drop(self, outcome: _Outcome) -> None:
        if outcome.kind == "done" and self._discard is not None:
            self._discard(outcome.value)

    def _abandon(self) -> None:
        """The runner stopped: the work has ended; drop what it returned, unseen."""
        if self._handled:
            return
        self._handled = True
        if self._outcome is not None:
            self._drop(self._outcome)
        self.deleteLater()


class TaskRunner(QObject):
    """Runs work on a thread pool of its own; one per window (or per stand-alone view)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(max(MIN_THREADS, QThread.idealThreadCount()))
        self._generations: dict[str, int] = {}
        self._tasks: list[Task] = []

    def start(self, key: str, work: Work, *, db_path: Path | None = None,
              discard: Callable[[Any], None] | None = None) -> Task:
        """Run ``work(context)`` on the pool; older tasks of ``key`` become stale.

        ``db_path`` is the database ``context.db`` opens; ``discard`` is called (on the GUI
        thread) with a result that is dropped, for results that hold resources.
        """
        generation = self.drop(key)
        task = Task(self, key, generation, work, db_path, discard)
        self._tasks.append(task)
        # A plain callable: Qt wraps and deletes it; the task itself stays owned by the runner.
        self._pool.start(task._run_on_worker)
        return task

    def drop(self, key: str) -> int:
        """Make every task of ``key`` stale: asked to cancel, whatever they return is dropped.

        Returns the key's new generation.
        """
        generation = self._generations.get(key, 0) + 1
        self._generations[key] = generation
        for older in self._tasks:
            if older.key == key:
                older._make_stale()
        return generation

    def is_current(self, task: Task) -> bool:
        """True while no newer task of ``task.key`` was started (and the runner not stopped)."""
        return self._generations.get(task.key) == task.generation

    def busy(self, key: str | None = None) -> bool:
        """True while a task (of ``key``, or any) has not been handled yet."""
        return any(key is None or t.key == key for t in self._tasks)

    def stop_all(self, timeout_ms: int = -1) -> bool:
        """Cancel every task, wait for them to end, and drop what they return (for closing).

        Returns False if some task was still running after ``timeout_ms``; its result will be
        dropped when it ends. The runner can be used again afterwards.
        """
        for key in self._generations:
            self._generations[key] += 1
        for task in self._tasks:
            task._make_stale()
        done = self._pool.waitForDone(timeout_ms)
        for task in list(self._tasks):
            if task._ran.is_set():
                self._forget(task)
                task._abandon()
        return done

    def _forget(self, task: Task) -> None:
        if task in self._tasks:
            self._tasks.remove(task)
