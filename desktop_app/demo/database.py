"""The demo database: the story written into a database, and a throwaway one for ``--demo``."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from types import TracebackType

from sqlite_utils import Database

from desktop_app.demo.story import demo_sessions
from desktop_app.domain import Rating, Session
from desktop_app.store import open_db, save_sessions, set_rating


def generate_demo(db: Database, today: date | None = None, seed: int = 2026) -> int:
    """Write the :func:`demo_sessions` data set into ``db`` in one transaction.

    Sessions go through :func:`desktop_app.store.save_sessions`, ratings through
    :func:`desktop_app.store.set_rating`. Returns how many sessions the data set holds.
    """
    ratings: list[tuple[str, Rating]] = []

    def sessions() -> Iterator[Session]:
        for session, rating in demo_sessions(today, seed):
            if rating is not None:
                ratings.append((session.id, rating))
            yield session

    with db.atomic():
        counts = save_sessions(db, sessions())
        for session_id, rating in ratings:
            set_rating(db, session_id, rating)
    return counts.new + counts.updated + counts.unchanged


class DemoDatabase:
    """A fresh demo database in its own temporary folder; ``close()`` deletes the folder."""

    def __init__(self, today: date | None = None) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="worthwhile-demo-"))
        self.path = self.folder / "demo.db"
        db = open_db(self.path)
        try:
            generate_demo(db, today=today)
        finally:
            db.close()

    def close(self) -> None:
        """Delete the demo database and its folder."""
        shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self) -> DemoDatabase:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()
