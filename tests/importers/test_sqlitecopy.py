"""A database copy that turns out not to be SQLite is refused, and its connection closed at
once rather than left to the garbage collector (which Python 3.13 warns about)."""

from __future__ import annotations

import io
import sqlite3
from pathlib import Path

import pytest

from desktop_app.importers import sqlitecopy
from desktop_app.importers.contract import FormatError


@pytest.fixture
def connections(monkeypatch: pytest.MonkeyPatch) -> list[sqlite3.Connection]:
    opened: list[sqlite3.Connection] = []
    connect = sqlite3.connect

    def recording(database: str | Path) -> sqlite3.Connection:
        conn = connect(database)
        opened.append(conn)
        return conn

    monkeypatch.setattr(sqlite3, "connect", recording)  # the module sqlitecopy calls
    return opened


def _closed(conn: sqlite3.Connection) -> bool:
    try:
        conn.execute("SELECT 1")
    except sqlite3.ProgrammingError:
        return True
    return False


def test_garbage_is_refused_and_its_connection_closed(
        tmp_path: Path, connections: list[sqlite3.Connection]) -> None:
    garbage = b"SQLite format 3\x00" + b"\xff" * 200
    with pytest.raises(FormatError, match="not a readable SQLite database"), \
            sqlitecopy.open_stream_copy(io.BytesIO(garbage), "logs.db"):
        pass
    (tmp_path / "state.vscdb").write_bytes(garbage)
    with pytest.raises(FormatError), sqlitecopy.open_copy(tmp_path / "state.vscdb", "x"):
        pass
    assert len(connections) == 2
    assert all(_closed(conn) for conn in connections)


def test_a_good_copy_is_closed_after_use(tmp_path: Path,
                                         connections: list[sqlite3.Connection]) -> None:
    with sqlite3.connect(tmp_path / "good.db") as conn:
        conn.execute("CREATE TABLE t (x)")
    conn.close()
    with sqlitecopy.open_copy(tmp_path / "good.db", "good.db") as copy:
        assert sqlitecopy.tables(copy) == {"t"}
    assert _closed(connections[-1])
