"""Fixtures for the metrics tests: a time zone switch and a small session/rating factory."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlite_utils import Database

from desktop_app.domain import Rating, Session, Verdict, parse_utc
from desktop_app.store import open_db, save_sessions, set_rating

SetTz = Callable[[str], None]
AddSession = Callable[..., str]


@pytest.fixture(autouse=True)
def set_tz() -> Iterator[SetTz]:
    """Switch the process's local time zone (``TZ`` + ``time.tzset``); restored afterwards.

    Every metrics test starts in UTC whatever the caller's ``TZ`` (the hand-made expectations
    assume it), and the C library is told (``tzset``), which setting the variable alone does not.
    """
    original = os.environ.get("TZ")

    def switch(name: str) -> None:
        os.environ["TZ"] = name
        time.tzset()

    switch("UTC")
    yield switch
    if original is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = original
    time.tzset()


@pytest.fixture
def db(db_path: Path) -> Iterator[Database]:
    """A fresh, migrated database."""
    database = open_db(db_path)
    yield database
    database.close()


@pytest.fixture
def add_session(db: Database) -> AddSession:
    """Store one session (and its rating, if any) and return its id.

    ``verdict`` is ``"useful"``, ``"not_useful"`` or None; ``minutes`` and ``labels`` are stored
    even without a verdict (as the rate command can).
    """
    counter = iter(range(1_000_000))

    def add(
        source: str,
        started: str | None,
        *,
        verdict: str | None = None,
        minutes: int | None = None,
        labels: tuple[str, ...] = (),
        tokens_in: int | None = None,
        tokens_out: int | None = None,
    ) -> str:
        session = Session(
            source=source,
            external_id=f"ext-{next(counter)}",
            title="a session",
            started_at=parse_utc(started),
            tokens_in=tokens_in,
            tokens_out=tokens_out,
        )
        save_sessions(db, [session])
        rating = Rating(
            verdict=Verdict(verdict) if verdict else Verdict.UNRATED,
            minutes_saved=minutes,
            labels=labels,
        )
        if not rating.is_empty:
            set_rating(db, session.id, rating)
        return session.id

    return add
