"""Importing Worthwhile's own JSON export: its sessions (with their own sources) and ratings.

The export is found by detection like any file (in a zip or folder too) and imported in the
path's transaction, in batches with Cancel between them. It is a format, not a source: the
report names it "worthwhile-export", and each session is stored under the source it was
exported with.
"""

from __future__ import annotations

from typing import BinaryIO

from desktop_app.domain import RestoredSession
from desktop_app.importers import worthwhile_export
from desktop_app.importers.contract import Report, Skipped, prefixed
from desktop_app.importers.registry import no_text_title
from desktop_app.ingest.batches import BATCH_CHARS, BATCH_SESSIONS, OLDER_COPY
from desktop_app.ingest.pathrun import PathRun
from desktop_app.store.restore import (
    RestoreCounts,
    lists_are_default,
    restore_lists,
    restore_sessions,
)
from desktop_app.store.sessions import SaveCounts

#: Why sessions restored from an export without transcripts have no messages (report line).
NO_TRANSCRIPTS = ("the export has no transcripts (it was written without them): details and "
                  "ratings restored without messages; import the tool's own files to add them")
#: Why an export's rating was not restored.
OLDER_RATING = "a rating given later is stored for the session; kept it"


def restore_export(run: PathRun, stream: BinaryIO, member: bool, *, name: str) -> SaveCounts:
    """Restore the sessions and ratings of one export file or member (``name``), in batches with
    Cancel between them. ``member``: a member of a zip or folder, whose skipped entries are named
    with ``name``."""
    report: Report = prefixed(run.skip, name) if member else run.skip
    adopt_lists = lists_are_default(run.db)
    reader = worthwhile_export.ExportReader(stream, name, report)
    total = SaveCounts()
    without_transcript = 0
    ratings_kept = 0
    batch: list[RestoredSession] = []
    chars = 0

    lists_in = False

    def bring_lists_in() -> None:
        # Before the ratings add their labels (in the order met), so the export's order holds.
        nonlocal lists_in
        if not lists_in and (reader.labels or reader.reasons):
            restore_lists(run.db, reader.labels, reader.reasons, adopt=adopt_lists)
            lists_in = True

    def flush() -> None:
        nonlocal batch, chars, without_transcript, ratings_kept
        if not batch:
            return
        bring_lists_in()
        done = restore_sessions(run.db, batch, import_id=run.import_id,
                                parser_version=worthwhile_export.PARSER_VERSION,
                                neutral_title=no_text_title, index=False)
        _add(total, done)
        for item in done.older:
            s = item.session
            report(Skipped(f"{s.title} ({s.external_id})", OLDER_COPY))
        without_transcript += done.without_transcript
        ratings_kept += done.ratings_kept
        run.progress.sessions += len(batch)
        run.progress.tick()
        batch, chars = [], 0
        run.check_cancel()

    for item in reader:
        batch.append(item)
        chars += sum(len(m.text) for m in item.session.messages)
        if len(batch) >= BATCH_SESSIONS or chars >= BATCH_CHARS:
            flush()
    flush()
    lists_in = False  # again at the end: in a file whose keys were reordered they come last
    bring_lists_in()
    if without_transcript:
        report(Skipped(f"transcripts of {without_transcript:,} sessions", NO_TRANSCRIPTS))
    if ratings_kept:
        report(Skipped(f"ratings of {ratings_kept:,} sessions", OLDER_RATING))
    return total


def _add(total: SaveCounts, done: RestoreCounts) -> None:
    total.new += done.new
    total.updated += done.updated
    total.unchanged += done.unchanged
    total.messages += done.messages
    total.deleted_earlier += done.deleted_earlier
