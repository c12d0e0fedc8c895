"""Opening the one SQLite file: location, permissions, WAL, migrations, backup before them."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path

import platformdirs
from sqlite_utils import Database

from desktop_app.store.locking import PATIENT_WAIT_MS, SharedDatabase
from desktop_app.store.migrations import MIGRATIONS

DB_FILENAME = "worthwhile.db"
APP_NAME = "Worthwhile"


class StoreError(Exception):
    """A problem with the database file that the user can act on (message is shown as is)."""


def default_db_path(cli_db: str | os.PathLike[str] | None = None,
                    environ: Mapping[str, str] | None = None) -> Path:
    """Where the database lives: ``--db``, else ``WORTHWHILE_HOME``, else the user data folder."""
    env = os.environ if environ is None else environ
    if cli_db:
        return Path(cli_db).expanduser()
    home = env.get("WORTHWHILE_HOME")
    if home:
        return Path(home).expanduser() / DB_FILENAME
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / DB_FILENAME


def _make_private_dirs(folder: Path) -> None:
    """Create missing folders 0700; folders that already exist keep their permissions."""
    missing: list[Path] = []
    probe = folder
    while not probe.exists():
        missing.append(probe)
        if probe.parent == probe:
            break
        probe = probe.parent
    for path in reversed(missing):
        path.mkdir(mode=0o700)
        if os.name == "posix":
            path.chmod(0o700)


def _create_private_file(path: Path) -> None:
    fd = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_EXCL, 0o600)
    os.close(fd)
    if os.name == "posix":
        path.chmod(0o600)


def backup_database(db: Database, path: Path, label: str) -> Path:
    """Copy the whole database (WAL included) next to it before a risky change, file mode 0600."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    target = path.with_name(f"{path.name}.{label}-{stamp}.bak")
    n = 1
    while target.exists():
        n += 1
        target = path.with_name(f"{path.name}.{label}-{stamp}-{n}.bak")
    _create_private_file(target)
    dest = sqlite3.connect(target)
    try:
        db.conn.backup(dest)
    finally:
        dest.close()
    return target


def _configure(db: Database) -> None:
    db.execute(f"PRAGMA busy_timeout = {PATIENT_WAIT_MS}")  # see store/locking.py
    db.execute("PRAGMA foreign_keys = ON")
    db.execute("PRAGMA synchronous = NORMAL")


def open_db(path: str | os.PathLike[str], *, create: bool = True) -> Database:
    """Open (and create or migrate) the database at ``path``.

    Raises :class:`StoreError` with a readable message when the file is missing (and ``create`` is
    false), is not a Worthwhile database, or was written by a newer version.
    """
    path = Path(path)
    existed = path.exists()
    if not existed:
        if not create:
            raise StoreError(f"No database at {path}")
        try:
            _make_private_dirs(path.parent)
            _create_private_file(path)
        except OSError as exc:
            raise StoreError(f"Cannot create the database {path}: {exc.strerror or exc}") from exc
    elif path.is_dir():
        raise StoreError(f"{path} is a folder, not a database file")
    try:
        db = SharedDatabase(path, execute_plugins=False)
        _configure(db)
        db.execute("PRAGMA journal_mode = WAL")
        migrate(db, path)
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{path} is not a Worthwhile database ({exc})") from exc
    except PermissionError as exc:
        raise StoreError(f"Cannot open {path}: permission denied") from exc
    return db


def migrate(db: Database, path: Path | None = None) -> Path | None:
    """Apply pending migrations; if the database already held data, back it up first.

    Returns the backup's path when one was made.
    """
    known = {m.name for m in MIGRATIONS._migrations}
    applied = [m.name for m in MIGRATIONS.applied(db)]
    unknown = [name for name in applied if name not in known]
    if unknown:
        raise StoreError(
            "This database was written by a newer version of Worthwhile "
            f"(schema {unknown[-1]}); update Worthwhile to open it."
        )
    if not applied and db.table_names():
        raise StoreError(
            f"{path or 'This file'} is an SQLite database of another program, not Worthwhile's"
        )
    pending = MIGRATIONS.pending(db)
    if not pending:
        return None
    backup: Path | None = None
    if applied and path is not None:
        backup = backup_database(db, path, f"before-{pending[0].name}")
    MIGRATIONS.apply(db)
    return backup


def schema_version(db: Database) -> list[str]:
    """Names of the migrations applied to this database, oldest first."""
    return [m.name for m in MIGRATIONS.applied(db)]
