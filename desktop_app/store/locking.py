"""Sharing one database file: who waits for SQLite's write lock, how long, and what others changed.

SQLite (in WAL mode) lets any number of connections read while one writes; a second writer
waits for the lock. Every write transaction here starts with ``BEGIN IMMEDIATE``
(:meth:`SharedDatabase.atomic`): it takes the lock before reading, so the busy timeout always
applies. A deferred ``BEGIN`` that read first and then tried to write would fail at once with
"database is locked" whenever another connection held the lock, whatever the timeout.

How long a connection waits is its :class:`LockWait`: the command line and the workers wait
patiently (:data:`PATIENT_WAIT_MS`, a notice after a second, a cancel check), the window's own
connection briefly (:data:`GUI_WAIT_MS`) and then queues the change (``ui/write_queue.py``).
Nobody sees "database is locked": waiting longer than allowed raises
:class:`DatabaseBusyError` with a message a person can act on.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any

from sqlite_utils import Database

#: The window's connection waits at most this long on the GUI thread (then its change queues).
GUI_WAIT_MS = 200
#: The command line and the window's workers wait this long for another writer to finish.
PATIENT_WAIT_MS = 10 * 60 * 1000
#: A patient connection says it is waiting (``on_wait``) once it has waited this long.
NOTICE_AFTER_MS = 1000
#: A patient wait is cut into steps of this length, to check ``cancelled`` between them.
STEP_MS = 250


class DatabaseBusyError(Exception):
    """Another connection held the write lock longer than this one waits (shown as is)."""


@dataclass(frozen=True)
class LockWait:
    """How a connection waits for the write lock.

    ``wait_ms`` in all; ``on_wait`` is called once when a wait has lasted
    :data:`NOTICE_AFTER_MS`; ``cancelled`` is asked between steps and ends the wait when True.
    """

    wait_ms: int = PATIENT_WAIT_MS
    on_wait: Callable[[], None] | None = None
    cancelled: Callable[[], bool] | None = None


def is_busy(exc: BaseException) -> bool:
    """True for SQLite's "database is locked" (another connection holds the lock)."""
    code = getattr(exc, "sqlite_errorcode", None)
    return isinstance(exc, sqlite3.OperationalError) and code is not None and (
        code & 0xFF == sqlite3.SQLITE_BUSY)


class SharedDatabase(Database):
    """A :class:`Database` whose transactions take the write lock first and wait as told."""

    lock_wait: LockWait = LockWait()

    @contextmanager
    def atomic(self) -> Iterator[Database]:
        """A write transaction (``BEGIN IMMEDIATE``); nested blocks are savepoints."""
        if self.conn.in_transaction:
            with super().atomic():
                yield self
            return
        with self.write_transaction(self.lock_wait.wait_ms):
            yield self

    @contextmanager
    def write_transaction(self, wait_ms: int) -> Iterator[None]:
        """Hold the write lock for the block, waiting at most ``wait_ms`` for it."""
        self._begin(wait_ms)
        try:
            yield
        except BaseException:
            self.rollback()
            raise
        else:
            try:
                self.conn.execute("COMMIT")
            except BaseException:
                self.rollback()
                raise

    def _begin(self, wait_ms: int) -> None:
        policy = self.lock_wait
        if policy.on_wait is None and policy.cancelled is None:
            self._try_begin(wait_ms)
            return
        started = time.monotonic()
        noticed = False
        while True:
            waited = int((time.monotonic() - started) * 1000)
            try:
                self._try_begin(max(0, min(STEP_MS, wait_ms - waited)))
                return
            except DatabaseBusyError:
                waited = int((time.monotonic() - started) * 1000)
                if waited >= wait_ms:
                    raise
                if policy.cancelled is not None and policy.cancelled():
                    raise DatabaseBusyError("Stopped while waiting for the database") from None
                if not noticed and waited >= NOTICE_AFTER_MS and policy.on_wait is not None:
                    noticed = True
                    policy.on_wait()

    def _try_begin(self, wait_ms: int) -> None:
        conn = self.conn
        conn.execute(f"PRAGMA busy_timeout = {int(wait_ms)}")
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            if is_busy(exc):
                raise DatabaseBusyError(_busy_message(self.lock_wait.wait_ms)) from None
            raise
        finally:
            conn.execute(f"PRAGMA busy_timeout = {int(self.lock_wait.wait_ms)}")


def _busy_message(wait_ms: int) -> str:
    waited = (f"{wait_ms // 60_000} minutes" if wait_ms >= 60_000
              else f"{wait_ms / 1000:g} seconds")
    return (f"The database stayed busy for {waited}: another Worthwhile was writing to it. "
            "Try again once it has finished.")


def set_lock_wait(db: Database, **changes: Any) -> LockWait:
    """Change how ``db`` waits for the write lock (fields of :class:`LockWait`); returns it.

    The connection's busy timeout (for statements outside a transaction) follows ``wait_ms``.
    """
    if not isinstance(db, SharedDatabase):
        raise TypeError("set_lock_wait needs a database opened with open_db")
    db.lock_wait = replace(db.lock_wait, **changes)
    db.conn.execute(f"PRAGMA busy_timeout = {int(db.lock_wait.wait_ms)}")
    return db.lock_wait


@contextmanager
def write_lock(db: Database, wait_ms: int) -> Iterator[None]:
    """Hold the write lock around a group of store calls (their transactions nest in it).

    For the window's queue of changes: it takes the lock first, so a change either runs whole
    or waits whole. Raises :class:`DatabaseBusyError` if the lock was not free within
    ``wait_ms`` (0: not at all).
    """
    if not isinstance(db, SharedDatabase):
        raise TypeError("write_lock needs a database opened with open_db")
    with db.write_transaction(wait_ms):
        yield


def data_version(db: Database) -> int:
    """A number that changes whenever another connection commits (SQLite's ``data_version``).

    A few microseconds: cheap enough to ask every second or two.
    """
    return int(db.conn.execute("PRAGMA data_version").fetchone()[0])
