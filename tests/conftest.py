"""Test set-up: offscreen Qt, a fake HOME and data folder, a watch on every network call, and
the fixtures most folders use: a fresh database and a way to add rated sessions to it."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

# Before any Qt import: no display here, and never the user's real profile.
os.environ["QT_QPA_PLATFORM"] = "offscreen"
os.environ.setdefault("QT_LOGGING_RULES", "qt.qpa.*=false")

import pytest
from sqlite_utils import Database

from desktop_app.domain import Rating, Session, Verdict, parse_utc
from desktop_app.store import open_db, save_sessions, set_rating

NETWORK_EVENTS: list[tuple[str, Any]] = []

#: The ``add_session`` fixture's function.
AddSession = Callable[..., str]


def _audit(event: str, args: Any) -> None:
    if event in ("socket.connect", "socket.getaddrinfo", "socket.bind", "urllib.Request"):
        NETWORK_EVENTS.append((event, args))


sys.addaudithook(_audit)


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory: pytest.TempPathFactory,
                   monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets a fake HOME and WORTHWHILE_HOME: nothing real is read or written."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("USERPROFILE", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("WORTHWHILE_HOME", str(home / "worthwhile"))
    monkeypatch.setenv("TZ", os.environ.get("TZ", "UTC"))
    return home


@pytest.fixture
def network_events() -> list[tuple[str, Any]]:
    """Collects socket events seen during the test (should stay empty)."""
    NETWORK_EVENTS.clear()
    return NETWORK_EVENTS


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """A fresh database path in a temporary folder."""
    return tmp_path / "data" / "worthwhile.db"


@pytest.fixture
def db(db_path: Path) -> Iterator[Database]:
    """A fresh, migrated database at ``db_path``."""
    database = open_db(db_path)
    yield database
    database.close()


@pytest.fixture
def add_session(db: Database) -> AddSession:
    """Store one session (and its rating, if any) and return its id.

    ``verdict`` is ``"useful"``, ``"not_useful"`` or None; ``minutes`` and ``labels`` are stored
    even without a verdict (as the rate command can); ``tool_name`` is a generic row's own tool;
    ``split`` the input tokens' split (uncached, cache write, cache read).
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
        tool_name: str | None = None,
        model: str | None = None,
        split: tuple[int | None, int | None, int | None] = (None, None, None),
    ) -> str:
        session = Session(
            source=source,
            external_id=f"ext-{next(counter)}",
            title="a session",
            started_at=parse_utc(started),
            tokens_in=tokens_in,
            tokens_out=tokens_out,
            tool_name=tool_name,
            model=model,
            tokens_uncached=split[0],
            tokens_cache_write=split[1],
            tokens_cache_read=split[2],
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


@pytest.fixture(autouse=True, scope="session")
def _qt_test_paths(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Qt's settings and standard paths point into a temporary folder, never the real profile."""
    from PySide6.QtCore import QSettings, QStandardPaths

    QStandardPaths.setTestModeEnabled(True)
    folder = str(tmp_path_factory.mktemp("qsettings"))
    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, folder)
        QSettings.setPath(fmt, QSettings.Scope.SystemScope, folder)


@pytest.fixture
def qsettings(tmp_path: Path) -> Any:
    """A QSettings of this test's own (an INI file in its temporary folder)."""
    from PySide6.QtCore import QSettings

    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
