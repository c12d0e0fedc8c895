"""Export to CSV or JSON, and back up: what ``worthwhile export`` / ``backup`` and the File
menu's Export Data… / Back Up… run (no Qt; the window runs them off the GUI thread).

An export reads one consistent snapshot of the database page by page and writes each session
as it is read, so its memory does not grow with the number of sessions. It is written beside
the target with permissions 0600 (transcripts are private) and renamed into place once
complete: a cancel or an error leaves no half-written file and the old file, if any, as it was.
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from sqlite_utils import Database

from desktop_app import __version__
from desktop_app.domain import Message, utc_iso
from desktop_app.evidence.refresh import fresh_evidence
from desktop_app.importers import worthwhile_export
from desktop_app.importers.values import size_text
from desktop_app.jsonout import show_object, transcript_objects
from desktop_app.metrics.cost import PriceTable
from desktop_app.store import StoreError, open_db
from desktop_app.store.backup import backup_to
from desktop_app.store.evidence import SessionEvidence
from desktop_app.store.export import (
    ExportedSession,
    ExportSnapshot,
    export_snapshot,
    is_database_file,
)
from desktop_app.store.prices import load_prices

FORMATS = ("csv", "json")
#: The CSV's columns: the keys of a ``sessions --json`` object, in its order (and
#: ``transcript`` last with ``--transcripts``).
CSV_COLUMNS = ("id", "source", "tool", "external_id", "title", "started_at", "ended_at",
               "messages", "user_messages", "model", "tokens_in", "tokens_out", "cost",
               "project", "verdict", "minutes_saved", "labels", "reason", "note", "rated_at",
               "no_text")
#: How a CSV cell joins a session's labels.
LABEL_SEPARATOR = "; "
#: Text a spreadsheet would run as a formula when a cell starts with it.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: Seconds between two progress calls.
PROGRESS_INTERVAL = 0.2


class ExportError(Exception):
    """An export or backup that could not be written; the message says why, plainly."""


class ExportCancelledError(Exception):
    """The person cancelled the export: nothing was written."""


@dataclass(frozen=True, slots=True)
class ExportProgress:
    """Sessions written so far of all."""

    done: int
    total: int

    @property
    def fraction(self) -> float:
        """Share done, 0.0 to 1.0."""
        return 1.0 if self.total <= 0 else min(1.0, self.done / self.total)


# --- the objects and rows ------------------------------------------------------------------


def export_object(session: ExportedSession, *, transcripts: bool,
                  prices: PriceTable | None = None,
                  evidence: Mapping[str, SessionEvidence] | None = None) -> dict[str, object]:
    """One session of the JSON export: ``show --json``'s object (without its transcript
    unless ``transcripts``; with ``evidence``, its commits and active time), plus what a
    restore needs to give back the same session: the tool's own name, its update time and
    hidden branches, its input token split and the cost it was stored with, and each message's
    model."""
    obj = show_object(session.row, session.tool_feedback, None, prices=prices, evidence=evidence)
    obj["tool_name"] = session.row.tool_name
    obj["updated_at"] = session.updated_at
    obj["hidden_branches"] = session.hidden_branches
    row = session.row  # the input split and the cost it was stored with (``cost`` is priced)
    obj["tokens_uncached"] = row.tokens_uncached
    obj["tokens_cache_write"] = row.tokens_cache_write
    obj["tokens_cache_read"] = row.tokens_cache_read
    obj["stored_cost"] = row.cost
    if transcripts:
        obj["transcript"] = transcript_objects(session.transcript or (), models=True)
    return obj


def _cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value  # shown as text, never run as a formula
    return value


def transcript_text(messages: Iterable[Message]) -> str:
    """A transcript as one CSV cell: ``[role time]`` and the text, a blank line between."""
    return "\n\n".join(f"[{m.role} {utc_iso(m.time) or ''}]".replace(" ]", "]") + f"\n{m.text}"
                       for m in messages)


def csv_row(session: ExportedSession, *, transcripts: bool,
            prices: PriceTable | None = None) -> list[object]:
    """One CSV row: the ``sessions --json`` object's values, labels joined by "; "."""
    obj = show_object(session.row, session.tool_feedback, None, prices=prices)
    obj["labels"] = LABEL_SEPARATOR.join(session.row.rating.labels)
    cells = [_cell(obj[column]) for column in CSV_COLUMNS]
    if transcripts:
        cells.append(_cell(transcript_text(session.transcript or ())))
    return cells


# --- writing ------------------------------------------------------------------------------


class _Ticker:
    def __init__(self, total: int, progress: Callable[[ExportProgress], None] | None,
                 cancel: Callable[[], bool] | None) -> None:
        self.total = total
        self.progress = progress
        self.cancel = cancel
        self._last = 0.0

    def __call__(self, done: int, *, force: bool = False) -> None:
        if self.cancel is not None and self.cancel():
            raise ExportCancelledError
        now = time.monotonic()
        if self.progress is not None and (force or now - self._last >= PROGRESS_INTERVAL):
            self._last = now
            self.progress(ExportProgress(done, self.total))


def _write_json(out: TextIO, snap: ExportSnapshot, transcripts: bool, tick: _Ticker,
                prices: PriceTable) -> int:
    header = {
        "format": worthwhile_export.FORMAT,
        "version": worthwhile_export.VERSION,
        "app_version": __version__,
        "exported_at": utc_iso(datetime.now(UTC)),
        "transcripts": transcripts,
        "labels": snap.labels,
        "reasons": snap.reasons,
    }
    out.write("{\n")
    for key, value in header.items():
        out.write(f"  {json.dumps(key)}: {json.dumps(value, ensure_ascii=False)},\n")
    out.write('  "sessions": [')
    count = 0
    for session in snap.sessions(transcripts=transcripts):
        out.write(",\n    " if count else "\n    ")
        out.write(json.dumps(export_object(session, transcripts=transcripts, prices=prices,
                                           evidence=snap.evidence), ensure_ascii=False))
        count += 1
        tick(count)
    out.write("\n  ]\n}\n" if count else "]\n}\n")
    return count


def _write_csv(out: TextIO, snap: ExportSnapshot, transcripts: bool, tick: _Ticker,
               prices: PriceTable) -> int:
    writer = csv.writer(out)
    writer.writerow([*CSV_COLUMNS, *(("transcript",) if transcripts else ())])
    count = 0
    for session in snap.sessions(transcripts=transcripts):
        writer.writerow(csv_row(session, transcripts=transcripts, prices=prices))
        count += 1
        tick(count)
    return count


def export_data(db: Database, target: Path, fmt: str, *, transcripts: bool = False,
                progress: Callable[[ExportProgress], None] | None = None,
                cancel: Callable[[], bool] | None = None) -> int:
    """Write every session with its rating to ``target`` as ``"csv"`` or ``"json"``; returns
    how many. ``cancel`` is polled after each session (then :class:`ExportCancelledError`);
    a file that cannot be written raises :class:`ExportError`."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}")
    target = target.expanduser()
    if is_database_file(db, target):
        raise ExportError(f"{target} is the database itself: choose another file")
    if fmt == "json":
        fresh_evidence(db)  # the JSON export holds sessions --json's objects, evidence included
    # A byte order mark tells spreadsheets the CSV is UTF-8.
    with private_file(target, "the export", encoding="utf-8-sig" if fmt == "csv" else "utf-8"
                      ) as out, export_snapshot(db) as snap:
        tick = _Ticker(snap.total, progress, cancel)
        tick(0, force=True)
        write = _write_csv if fmt == "csv" else _write_json
        count = write(out, snap, transcripts, tick, PriceTable(load_prices(db)))
        tick(count, force=True)
    return count


@contextlib.contextmanager
def private_file(target: Path, what: str, *, encoding: str = "utf-8") -> Iterator[TextIO]:
    """Write the text file ``target`` for its owner alone (permissions 0600), all or nothing.

    The block writes to a temporary file beside ``target``, which takes ``target``'s place when
    the block ends: an error or a cancel leaves no half-written file and an older ``target`` as
    it was. A folder as ``target`` (``what`` names the file: "the export") and a file that
    cannot be written raise :class:`ExportError`.
    """
    if target.is_dir():
        raise ExportError(f"{target} is a folder: give {what} a file name")
    try:
        fd, partial = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".partial",
                                       dir=target.parent if str(target.parent) else None)
    except OSError as exc:
        raise ExportError(f"Cannot write {target}: {exc.strerror or exc}") from exc
    try:
        with open(fd, "w", encoding=encoding, newline="") as out:
            yield out
        os.replace(partial, target)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(partial)
        if isinstance(exc, OSError):
            raise ExportError(f"Cannot write {target}: {exc.strerror or exc}") from exc
        raise


# --- the commands -------------------------------------------------------------------------


def export_command(db_path: Path, fmt: str, target: Path, *, transcripts: bool,
                   out: TextIO) -> int:
    """``worthwhile export``: a missing database exports no sessions (and is not created)."""
    if db_path.exists():
        db = open_db(db_path)
    else:
        from desktop_app.store.db import migrate

        db = Database(memory=True)
        migrate(db)
    try:
        count = export_data(db, target, fmt, transcripts=transcripts)
    finally:
        db.close()
    what = " with transcripts" if transcripts else ""
    print(f"{target}: {count:,} sessions exported as {fmt.upper()}{what} "
          f"({size_text(target.stat().st_size)})", file=out)
    return 0


def backup_command(db_path: Path, target: Path, out: TextIO) -> int:
    """``worthwhile backup``: a consistent copy of the database, even while the app runs."""
    if not db_path.exists():
        raise ExportError(f"No database at {db_path}: nothing to back up")
    db = open_db(db_path, create=False)
    try:
        try:
            backup_to(db, target)
        except StoreError as exc:
            raise ExportError(str(exc)) from exc
    finally:
        db.close()
    print(f"{target}: backup of {db_path} ({size_text(target.stat().st_size)})", file=out)
    return 0
