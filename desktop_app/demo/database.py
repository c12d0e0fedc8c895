"""The demo database: the story written into a database, and a throwaway one for ``--demo``.

A throwaway demo lives in its own temporary folder (``worthwhile-demo-…``) with a lock file that
its process holds while it runs. A demo whose process was killed leaves its folder behind; the
next start removes such folders (:func:`remove_stale_demos`): only ours (the prefix, this user's,
a real folder, not a link), and only when nobody holds the lock, which the operating system lets
go of when a process dies, however it dies.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path
from types import TracebackType

from sqlite_utils import Database

from desktop_app.demo.repositories import RepositoryWriter
from desktop_app.demo.story import demo_story
from desktop_app.domain import Rating, Session
from desktop_app.store import open_db, save_sessions, set_rating

#: How a demo's temporary folder is named (``tempfile.mkdtemp`` adds a random part).
FOLDER_PREFIX = "worthwhile-demo-"
#: The file inside it whose lock says the demo is in use; it holds the owner's process id.
LOCK_NAME = "in-use.lock"

if sys.platform == "win32":
    import msvcrt

    def _lock(fd: int, wait: bool) -> bool:
        os.lseek(fd, 0, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_LOCK if wait else msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _unlock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
else:
    import fcntl

    def _lock(fd: int, wait: bool) -> bool:
        # flock, not lockf: its lock belongs to one open file, so a second open in the same
        # process (this process's own cleaning) sees a demo of its own as in use.
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except OSError:
            return False
        return True

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)


def generate_demo(db: Database, today: date | None = None, seed: int = 2026,
                  repositories: Path | None = None) -> int:
    """Write the :func:`demo_sessions` data set into ``db`` in one transaction.

    Sessions go through :func:`desktop_app.store.save_sessions`, ratings through
    :func:`desktop_app.store.set_rating`. With ``repositories`` (a folder of the demo's own), a
    throwaway git repository per demo project is written there and the sessions' projects point
    at them, so the demo shows commit evidence (none without git). Returns how many sessions the
    data set holds.
    """
    story = demo_story(today, seed)
    writer = None if repositories is None else \
        RepositoryWriter(repositories, ((s, useful) for s, _, useful in story))
    folders = {} if writer is None else writer.folders
    ratings: list[tuple[str, Rating]] = []

    def sessions() -> Iterator[Session]:
        for session, rating, _ in story:
            if rating is not None:
                ratings.append((session.id, rating))
            folder = folders.get(session.project or "")
            yield session if folder is None else replace(session, project=str(folder))

    try:
        # git writes the repositories meanwhile; one that fails is removed, and its sessions
        # then have no evidence (their folder is gone), like any project without a repository.
        with db.atomic():
            counts = save_sessions(db, sessions())
            for session_id, rating in ratings:
                set_rating(db, session_id, rating)
    except BaseException:
        if writer is not None:
            writer.stop()
        raise
    if writer is not None:
        writer.wait()
    return counts.new + counts.updated + counts.unchanged


def _owner_gone(folder: Path) -> bool:
    """True when the demo in ``folder`` was claimed by a process that no longer runs.

    A folder without a lock file, or whose lock file is still empty, is left alone: it is
    being created this very moment (the owner locks the file, then writes its id into it)."""
    try:
        fd = os.open(folder / LOCK_NAME, os.O_RDWR | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return False
    try:
        if not _lock(fd, wait=False):
            return False  # its owner runs
        try:
            claimed = os.read(fd, 64).strip()
        finally:
            _unlock(fd)
        return bool(claimed)
    except OSError:
        return False
    finally:
        os.close(fd)


def remove_stale_demos(root: Path | None = None) -> list[Path]:
    """Remove the demo folders in ``root`` (the temporary folder) that a killed Worthwhile left
    behind: Worthwhile's own, of this user, not in use. Returns the folders removed."""
    folder = Path(root) if root is not None else Path(tempfile.gettempdir())
    uid = os.getuid() if hasattr(os, "getuid") else None
    removed: list[Path] = []
    try:
        entries = [e for e in os.scandir(folder) if e.name.startswith(FOLDER_PREFIX)]
    except OSError:
        return removed
    for entry in entries:
        try:
            if not entry.is_dir(follow_symlinks=False):
                continue
            if uid is not None and entry.stat(follow_symlinks=False).st_uid != uid:
                continue  # another person's, in a shared /tmp
        except OSError:
            continue
        path = Path(entry.path)
        if _owner_gone(path):
            shutil.rmtree(path, ignore_errors=True)
            if not path.exists():
                removed.append(path)
    return removed


class DemoDatabase:
    """A fresh demo database in its own temporary folder; ``close()`` deletes the folder.

    The folder is claimed by a lock this process holds until ``close()``; folders that killed
    demos left behind are removed first (:func:`remove_stale_demos`)."""

    def __init__(self, today: date | None = None, root: Path | None = None) -> None:
        remove_stale_demos(root)
        self.folder = Path(tempfile.mkdtemp(prefix=FOLDER_PREFIX, dir=root))
        self.path = self.folder / "demo.db"
        self._lock_fd: int | None = None
        try:
            self._claim()
            db = open_db(self.path)
            try:
                generate_demo(db, today=today, repositories=self.folder)
            finally:
                db.close()
        except BaseException:  # Ctrl+C while it is built, too: leave nothing behind
            self.close()
            raise

    def _claim(self) -> None:
        fd = os.open(self.folder / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o600)
        self._lock_fd = fd
        _lock(fd, wait=True)  # a cleaner that opened the file a moment ago lets go at once
        os.write(fd, f"{os.getpid()}\n".encode())

    def close(self) -> None:
        """Delete the demo database and its folder."""
        fd, self._lock_fd = self._lock_fd, None
        if fd is not None:
            os.close(fd)  # first: Windows deletes no open file (closing lets go of the lock)
        shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self) -> DemoDatabase:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()
