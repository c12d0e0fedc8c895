"""Opening the database again in this process must not drop the locks its open connections
hold: POSIX (fcntl) locks belong to the process, and any close() of the file releases all of
them. Another process closing its last connection would then think nobody else has the file
open, checkpoint it and delete its -wal and -shm under our connections ("disk I/O error")."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from desktop_app.domain import Session
from desktop_app.store import count_sessions, open_db, save_sessions
from tests.factories import make_session


def _other_process_opens_and_closes(path: Path) -> None:
    code = ("import sqlite3, sys\n"
            "c = sqlite3.connect(sys.argv[1])\n"
            "c.execute('SELECT count(*) FROM sessions').fetchall()\n"
            "c.close()\n")
    subprocess.run([sys.executable, "-c", code, str(path)], check=True, timeout=60)


def test_another_process_cannot_pull_the_log_from_under_an_open_database(
        tmp_path: Path) -> None:
    path = tmp_path / "w.db"
    first = open_db(path)
    sessions: list[Session] = [make_session(i) for i in range(3)]
    save_sessions(first, sessions)
    wal = path.with_name(path.name + "-wal")
    assert wal.exists()
    second = open_db(path)  # checks the file again (as a window's worker connection does)
    second.close()
    _other_process_opens_and_closes(path)
    assert wal.exists()  # still ours: the other process saw it was not alone
    save_sessions(first, [make_session(3)])
    assert count_sessions(first) == 4
    first.close()
