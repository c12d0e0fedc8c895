"""Opening the one SQLite file: location, permissions, WAL, migrations, backup before them;
refusing, without changing a byte, a file that is damaged or was written by a newer version."""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import platformdirs
from sqlite_utils import Database

from desktop_app.store.locking import PATIENT_WAIT_MS, SharedDatabase
from desktop_app.store.migrations import MIGRATIONS

DB_FILENAME = "worthwhile.db"
#: Bytes per page of a new database. Most of an import's bytes are message texts of a few KiB,
#: which spill onto overflow pages: storing the messages of a 300 MB Claude Code folder took
#: 0.45 s with SQLite's default of 4 KiB, 0.29 s with 8 KiB (the whole import -4 % CPU). 16 KiB
#: was faster still (0.23 s) but made reading sessions through an index 10-15 % slower at 100k
#: sessions (``stats``); 8 KiB costs it 4 %. A database created before keeps its page size.
PAGE_SIZE = 8192
APP_NAME = "Worthwhile"


class StoreError(Exception):
    """A problem with the database file that the user can act on (message is shown as is)."""


class DatabaseTooNewError(StoreError):
    """The database was written by a newer Worthwhile (a migration this version does not know).

    Raised before anything is written: the file is left exactly as it was.
    """

    def __init__(self, path: Path | None, schema: str) -> None:
        self.path = path
        self.schema = schema
        where = str(path) if path is not None else "This database"
        super().__init__(
            f"{where} was written by a newer version of Worthwhile (schema {schema}); "
            "update Worthwhile to open it. The file was not changed.")


class DatabaseDamagedError(StoreError):
    """The file is not an SQLite database, or SQLite finds it damaged. It is left as it was.

    ``problem`` completes a sentence about the file ("is damaged: …"); the message names it.
    """

    def __init__(self, path: Path, problem: str) -> None:
        self.path = path
        self.problem = problem
        super().__init__(f"{path} {problem}.")

    @property
    def move_aside_hint(self) -> str:
        """How to start afresh from the command line (the app offers a button instead)."""
        return (f"Nothing was changed. To start a new database, move the file aside: rename it "
                f"(and its -wal and -shm files, if any), e.g. to {self.path.name}.damaged; "
                "Worthwhile never deletes it.")


#: SQLite's primary result codes that mean "this file is damaged" (not busy, not full, …).
_DAMAGE_CODES = (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB)
#: The first bytes of every SQLite database file.
_SQLITE_HEADER = b"SQLite format 3\x00"
#: The length of SQLite's file header.
_HEADER_SIZE = 100


def is_damage(exc: BaseException) -> bool:
    """True when ``exc`` is SQLite saying the file is damaged or not a database."""
    if not isinstance(exc, sqlite3.DatabaseError):
        return False
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in _DAMAGE_CODES
    return "malformed" in str(exc) or "not a database" in str(exc)


def _damaged(path: Path, exc: sqlite3.DatabaseError) -> DatabaseDamagedError:
    if getattr(exc, "sqlite_errorcode", None) == sqlite3.SQLITE_NOTADB:
        return DatabaseDamagedError(path, f"is damaged or not a database (SQLite: {exc})")
    return DatabaseDamagedError(path, f"is damaged (SQLite: {exc})")


@contextmanager
def damage_reported(path: Path) -> Iterator[None]:
    """Turn SQLite's "damaged" errors raised inside into :class:`DatabaseDamagedError`.

    A cheap check at opening cannot read every page: callers wrap their first queries in this,
    so that a damaged page met there is reported like one found at opening.
    """
    try:
        yield
    except sqlite3.DatabaseError as exc:
        if is_damage(exc):
            raise _damaged(path, exc) from exc
        raise


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


def move_aside(path: Path, label: str = "damaged") -> Path:
    """Rename the database at ``path`` out of the way, with its ``-wal``, ``-shm`` and
    ``-journal`` files, to ``<name>.<label>-<UTC time>`` (never deleting anything); returns
    the main file's new path. A new database can then be made at ``path``."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    suffixes = ("-wal", "-shm", "-journal", "")
    target = path.with_name(f"{path.name}.{label}-{stamp}")
    n = 1
    while any(target.with_name(target.name + s).exists() for s in suffixes):
        n += 1
        target = path.with_name(f"{path.name}.{label}-{stamp}-{n}")
    # The companions first: a -wal left behind without its database would be read into the
    # new database made at ``path``. They keep their pairing (``<target>-wal``), so the moved
    # file still opens with what its -wal holds.
    for suffix in suffixes:
        source = path.with_name(path.name + suffix)
        if source.exists():
            source.rename(target.with_name(target.name + suffix))
    return target


def check_file(path: Path) -> None:
    """Check an existing database file without changing it: not a byte, not its time, and no
    ``-wal`` or ``-shm`` file left behind.

    Reads SQLite's header, the schema, the migrations applied, and the first and last row of
    every table (a few pages, ~1 ms; ``PRAGMA quick_check`` reads them all and would cost a
    large database a good part of its start-up). Raises :class:`DatabaseDamagedError`,
    :class:`DatabaseTooNewError`, or :class:`StoreError` (another program's database, unreadable).
    """
    if _in_use(path):
        # Someone (perhaps this process) has it open: read it through SQLite only. Opening and
        # closing the file here would drop every lock this process's connections hold on it
        # (POSIX locks belong to the process, and any close() of the file releases them all);
        # another process closing its last connection would then think it alone, checkpoint,
        # and delete the -wal and -shm under our open connections ("disk I/O error").
        _probe(path, immutable=False)
        return
    try:
        with path.open("rb") as file:
            header = file.read(_HEADER_SIZE)
    except PermissionError as exc:
        raise StoreError(f"Cannot open {path}: permission denied") from exc
    except OSError as exc:
        raise StoreError(f"Cannot open {path}: {exc.strerror or exc}") from exc
    if not header:
        return  # an empty file: SQLite makes a new database of it
    if not header.startswith(_SQLITE_HEADER[:len(header)]):
        raise DatabaseDamagedError(
            path, "is not an SQLite database (it does not begin with SQLite's header): "
                  "a damaged file, or another kind of file")
    if len(header) < _HEADER_SIZE:
        raise DatabaseDamagedError(
            path, f"is damaged: cut short ({len(header)} bytes, less than SQLite's header)")
    # Nobody had it open a moment ago (no -wal or -journal; Worthwhile keeps it in WAL mode):
    # read it as immutable, which creates no -wal or -shm file; unless a writer started since.
    if not _in_use(path):
        try:
            _probe(path, immutable=True)
            return
        except DatabaseDamagedError:
            if not _in_use(path):
                raise
            # A writer started meanwhile: what looked damaged may be its write; read again.
    _probe(path, immutable=False)


def _in_use(path: Path) -> bool:
    return any(path.with_name(path.name + s).exists() for s in ("-wal", "-journal"))


def _probe(path: Path, *, immutable: bool) -> None:
    uri = path.absolute().as_uri() + ("?immutable=1" if immutable else "?mode=ro")
    try:
        conn = sqlite3.connect(uri, uri=True)
    except sqlite3.Error as exc:
        raise StoreError(f"Cannot open {path}: {exc}") from exc
    try:
        tables = conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'table'").fetchall()
        _check_schema(Database(conn, recursive_triggers=False, execute_plugins=False), path)
        for name, sql in tables:
            text = (sql or "").upper()
            if text.startswith("CREATE VIRTUAL"):
                continue  # its shadow tables are read instead
            quoted = '"' + name.replace('"', '""') + '"'
            conn.execute(f"SELECT * FROM {quoted} LIMIT 1").fetchall()
            if "WITHOUT ROWID" not in text:
                conn.execute(f"SELECT * FROM {quoted} ORDER BY rowid DESC LIMIT 1").fetchall()
    except sqlite3.DatabaseError as exc:
        if is_damage(exc):
            raise _damaged(path, exc) from exc
        raise StoreError(f"Cannot open {path}: {exc}") from exc
    finally:
        conn.close()


def _configure(db: Database) -> None:
    db.execute(f"PRAGMA busy_timeout = {PATIENT_WAIT_MS}")  # see store/locking.py
    db.execute("PRAGMA foreign_keys = ON")
    db.execute("PRAGMA synchronous = NORMAL")
    # Freed space is zeroed whenever anything is written, not only when text is deleted: where
    # a build leaves this off (many do), a page split leaves copies of the cells it moved in
    # free space, where no later deletion reaches them (see deletion.py; a test deletes a
    # session from databases of many sizes and greps the file).
    db.execute("PRAGMA secure_delete = ON")


def open_db(path: str | os.PathLike[str], *, create: bool = True) -> Database:
    """Open (and create or migrate) the database at ``path``.

    Raises :class:`StoreError` with a readable message when the file is missing (and ``create`` is
    false) or is another program's database; :class:`DatabaseTooNewError` when a newer version wrote
    it and :class:`DatabaseDamagedError` when it is damaged or not SQLite (both before writing
    anything: see :func:`check_file`).
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
    else:
        check_file(path)
    try:
        db = SharedDatabase(path, execute_plugins=False)
    except sqlite3.Error as exc:
        raise StoreError(f"Cannot open {path}: {exc}") from exc
    try:
        with damage_reported(path):
            _configure(db)
            if not existed:
                db.execute(f"PRAGMA page_size = {PAGE_SIZE}")  # before anything is written
            db.execute("PRAGMA journal_mode = WAL")
            migrate(db, path)
    except sqlite3.DatabaseError as exc:
        db.close()
        raise StoreError(f"Cannot open {path}: {exc}") from exc
    except BaseException:  # a refusal (StoreError) too: nothing may keep the file open
        db.close()
        raise
    return db


def migrate(db: Database, path: Path | None = None) -> Path | None:
    """Apply pending migrations; if the database already held data, back it up first.

    Returns the backup's path when one was made.
    """
    applied = _check_schema(db, path)
    pending = MIGRATIONS.pending(db)
    if not pending:
        return None
    backup: Path | None = None
    if applied and path is not None:
        backup = backup_database(db, path, f"before-{pending[0].name}")
    MIGRATIONS.apply(db)
    return backup


def _check_schema(db: Database, path: Path | None) -> list[str]:
    """The migrations applied to ``db``; refuses a newer Worthwhile's database or another
    program's (reads only)."""
    known = {m.name for m in MIGRATIONS._migrations}
    applied = [m.name for m in MIGRATIONS.applied(db)]
    unknown = [name for name in applied if name not in known]
    if unknown:
        raise DatabaseTooNewError(path, unknown[-1])
    if not applied and db.table_names():
        raise StoreError(
            f"{path or 'This file'} is an SQLite database of another program, not Worthwhile's"
        )
    return applied


def schema_version(db: Database) -> list[str]:
    """Names of the migrations applied to this database, oldest first."""
    return [m.name for m in MIGRATIONS.applied(db)]


@contextmanager
def checkpoints_deferred(db: Database) -> Iterator[None]:
    """No automatic checkpoint while the block runs (an import's first phase).

    A commit that leaves more than ~1,000 pages in the write-ahead log copies them into the
    database file before it returns (SQLite's automatic checkpoint): after a first import of
    a big export that is the whole database written a second time (0.3 s at 120 MB) before the
    sessions show. Deferred, the copy is made later: by :func:`checkpoint_meanwhile`, by the
    next commit of this connection or another (the window's indexing), or when the last
    connection closes. Committed data is as safe in the log as in the file.
    """
    previous = int(db.execute("PRAGMA wal_autocheckpoint").fetchone()[0])
    db.execute("PRAGMA wal_autocheckpoint = 0")
    try:
        yield
    finally:
        db.execute(f"PRAGMA wal_autocheckpoint = {previous}")


@contextmanager
def checkpoint_meanwhile(db: Database) -> Iterator[None]:
    """Copy the write-ahead log into the database file on a thread of its own while the block
    runs (an import's second phase writes meanwhile: a PASSIVE checkpoint never blocks a
    writer, and SQLite works without the interpreter lock, so it uses the other core).

    Its own connection, opened by SQLite (never with Python's ``open()``, see
    :func:`check_file`); a failure only leaves the copy to the next checkpoint.
    """
    row = db.execute("PRAGMA database_list").fetchone()
    path = row[2] if row is not None else ""
    if not path:  # in memory: no log
        yield
        return

    def work() -> None:
        try:
            conn = sqlite3.connect(path, timeout=0, check_same_thread=False)
        except sqlite3.Error:
            return
        try:
            conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        except sqlite3.Error:
            pass  # busy or gone: the next checkpoint copies it
        finally:
            conn.close()

    thread = threading.Thread(target=work, name="checkpoint", daemon=True)
    thread.start()
    try:
        yield
    finally:
        thread.join()
