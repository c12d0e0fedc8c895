"""Typed access to the few things Worthwhile remembers between runs (QSettings underneath)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QSettings

from desktop_app.metrics.sampling import DEFAULT_SAMPLE_SIZE

#: Databases whose filters are remembered; the least recently used are forgotten first.
MAX_DATABASES_WITH_FILTERS = 20
LEGACY_FILTER_KEYS = ("tool", "verdict", "label", "period", "from", "to", "has_note")


def _database_key(db_path: Path) -> str:
    """A database file's settings key: its absolute path."""
    return str(db_path.expanduser().resolve())


class Settings:
    """Window layout, last view, filters and the reflection sample size, with defaults."""

    def __init__(self, settings: QSettings | None = None) -> None:
        self._s = settings or QSettings()

    def _bytes(self, key: str) -> QByteArray | None:
        value = self._s.value(key)
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    def _str(self, key: str, default: str = "") -> str:
        value = self._s.value(key, default)
        return value if isinstance(value, str) else default

    def _int(self, key: str, default: int) -> int:
        value = self._s.value(key, default)
        try:
            return int(value)  # type: ignore[call-overload, no-any-return]
        except (TypeError, ValueError):
            return default

    @property
    def geometry(self) -> QByteArray | None:
        """The main window's saved geometry."""
        return self._bytes("window/geometry")

    @geometry.setter
    def geometry(self, value: QByteArray) -> None:
        self._s.setValue("window/geometry", value)

    @property
    def window_state(self) -> QByteArray | None:
        """The main window's saved state."""
        return self._bytes("window/state")

    @window_state.setter
    def window_state(self, value: QByteArray) -> None:
        self._s.setValue("window/state", value)

    @property
    def splitter_state(self) -> QByteArray | None:
        """Table/transcript split."""
        return self._bytes("sessions/splitter")

    @splitter_state.setter
    def splitter_state(self, value: QByteArray) -> None:
        self._s.setValue("sessions/splitter", value)

    @property
    def header_state(self) -> QByteArray | None:
        """Column widths, order, visibility and sort of the session table.

        A new key since the columns were reordered: a state saved for the old order would put
        widths and hidden flags on the wrong columns.
        """
        return self._bytes("sessions/columns")

    @header_state.setter
    def header_state(self, value: QByteArray) -> None:
        self._s.setValue("sessions/columns", value)

    @property
    def last_view(self) -> str:
        """The view shown when the window closed."""
        return self._str("window/view", "sessions")

    @last_view.setter
    def last_view(self, value: str) -> None:
        self._s.setValue("window/view", value)

    def database_filters(self, db_path: Path | None) -> dict[str, str]:
        """The session filters last used on the database at ``db_path`` ({} for a demo: None).

        Kept per database: a filter set on one database must not silently hide most sessions
        of another (or of a fresh demo)."""
        if db_path is None:
            return {}
        state = self._filters_by_database().get(_database_key(db_path), {})
        return {str(k): str(v) for k, v in state.items()} if isinstance(state, dict) else {}

    def set_database_filters(self, db_path: Path | None, state: dict[str, str]) -> None:
        """Remember the session filters of the database at ``db_path`` (a demo's are not kept)."""
        if db_path is None:
            return
        saved = self._filters_by_database()
        key = _database_key(db_path)
        saved.pop(key, None)
        saved[key] = dict(state)  # the most recent last
        while len(saved) > MAX_DATABASES_WITH_FILTERS:
            del saved[next(iter(saved))]
        self._s.setValue("filters/by_database", json.dumps(saved))
        for legacy in LEGACY_FILTER_KEYS:  # one set of filters for every database, before
            self._s.remove(f"filters/{legacy}")

    def _filters_by_database(self) -> dict[str, Any]:
        try:
            value = json.loads(self._str("filters/by_database", "{}"))
        except ValueError:
            return {}
        return value if isinstance(value, dict) else {}

    @property
    def sample_size(self) -> int:
        """Sessions drawn per week for reflection."""
        return max(1, min(50, self._int("reflect/sample_size", DEFAULT_SAMPLE_SIZE)))

    @sample_size.setter
    def sample_size(self, value: int) -> None:
        self._s.setValue("reflect/sample_size", int(value))

    @property
    def remind_day(self) -> int | None:
        """The weekday (0 = Monday) from which the window opens on Reflect while last week's
        sample is not rated; None (the default): no reminder."""
        day = self._int("reflect/remind_day", -1)
        return day if 0 <= day <= 6 else None

    @remind_day.setter
    def remind_day(self, value: int | None) -> None:
        self._s.setValue("reflect/remind_day", -1 if value is None else int(value))

    @property
    def search_folders(self) -> list[str]:
        """Extra folders to search for histories (Aider keeps its log inside repositories)."""
        value = self._s.value("discover/folders", [])
        if isinstance(value, str):
            return [value] if value else []
        return [str(v) for v in value] if isinstance(value, list) else []

    @search_folders.setter
    def search_folders(self, folders: list[str]) -> None:
        self._s.setValue("discover/folders", list(folders))

    def sync(self) -> None:
        """Write to disk now."""
        self._s.sync()
