"""A property: importing the same files twice leaves the database as importing them once, for
every source, in its own format (written by the source's demo writer): whether the second
import takes the unchanged-file shortcut or reads the files again (written anew, byte for
byte the same, so their times changed)."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from sqlite_utils import Database

from desktop_app.demo.exports import write_export
from desktop_app.importers.registry import SPECS
from desktop_app.ingest import import_paths
from desktop_app.store import open_db

WRITTEN = [spec.name for spec in SPECS if spec.writer is not None]
#: What says when and how a file was read, not what it holds: a file read again changes them.
READ_TIMES = {"file_states": ("mtime_ns", "imported_at")}


def contents(db: Database) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table (the full-text indexes' own tables too), without the imports
    log and the times files were read."""
    found: dict[str, list[tuple[Any, ...]]] = {}
    tables = [name for name, sql in db.conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'table' ORDER BY name")
        if not (sql or "").upper().startswith("CREATE VIRTUAL TABLE")]
    for table in tables:
        if table == "imports":
            continue
        columns = [c for c in db[table].columns_dict if c not in READ_TIMES.get(table, ())]
        listed = ", ".join(f'"{c}"' for c in columns)
        rows = db.conn.execute(f'SELECT {listed} FROM "{table}"').fetchall()
        if table == "sqlite_sequence":
            rows = [r for r in rows if r[0] != "imports"]
        found[table] = sorted(rows, key=repr)
    return found


@settings(max_examples=40, deadline=None)
@given(source=st.sampled_from(WRITTEN), count=st.integers(1, 5),
       seed=st.integers(0, 2**16), rewritten=st.booleans())
def test_importing_twice_equals_importing_once(source: str, count: int, seed: int,
                                               rewritten: bool) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path = write_export(source, count, folder / "export", seed=seed)
        db = open_db(folder / "w.db")
        try:
            first = import_paths(db, [path])
            assert first.ok, first.files[0].error
            assert first.totals["sessions_new"] > 0
            once = contents(db)
            if rewritten:  # the same bytes, new files: read again, not skipped as unchanged
                shutil.rmtree(path) if path.is_dir() else path.unlink()
                assert write_export(source, count, folder / "export", seed=seed) == path
            second = import_paths(db, [path])
            assert second.ok, second.files[0].error
            assert second.totals["sessions_new"] == second.totals["sessions_updated"] == 0
            assert contents(db) == once
        finally:
            db.close()
