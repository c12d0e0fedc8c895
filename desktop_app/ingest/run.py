"""Import files, zips and folders into the store: one transaction per path, cancel, progress."""

from __future__ import annotations

import contextlib
import gc
import logging
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path

from sqlite_utils import Database

from desktop_app.importers import detect
from desktop_app.importers.contract import FormatError
from desktop_app.importers.zipsafe import DEFAULT_LIMITS, ZipLimits
from desktop_app.ingest import unchanged, walk
from desktop_app.ingest.pathrun import ImportCancelledError, PathRun, Progress
from desktop_app.ingest.report import FileReport, ImportProgress, ImportReport
from desktop_app.store import imports as import_log
from desktop_app.store.db import checkpoint_meanwhile, checkpoints_deferred
from desktop_app.store.deletion import clear_wal, purge_fts, secure_delete
from desktop_app.store.indexing import finish_index, index_complete, index_progress
from desktop_app.store.locking import DatabaseBusyError
from desktop_app.store.rules import RuleSet, load_rules

log = logging.getLogger(__name__)

#: SQLite page cache during an import, in KiB (negative: a size, not a page count).
IMPORT_CACHE_KIB = -32 * 1024
#: The same while the sessions are stored (the first phase): the end of a path remembers an
#: export's session ids (a JSON list of ~14 MB at 4 GB, built ~3 times over) on top of it.
STORE_CACHE_KIB = -16 * 1024


def _size_of(path: Path) -> int:
    try:
        if path.is_dir():
            return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
        return path.stat().st_size
    except OSError:
        return 0


def _import_path(run: PathRun, path: Path) -> None:
    shown = str(path)
    run.progress.current = shown
    if path.is_dir():
        walk.import_folder(run, path)
        _check_imported(run, shown, "folder")
        return
    # Checked first: only exports read as streams are remembered whole, never log files.
    known = unchanged.unchanged(run.db, path)
    if known is not None:  # exactly the file imported before: nothing in it can have changed
        for source in known.source.split(","):
            if source:
                run.sources.append(source)
        run.add_remembered(known.path)
        run.imported += 1
        return
    kind = walk.import_file(run, path)
    if kind == "group":
        return
    if kind is not None:
        _check_imported(run, shown, kind)
    if not run.failed and not run.report.skipped and not run.report.skipped_unlisted:
        unchanged.remember(run.db, path, list(run.sources), run.copies, run.content_crc)


def _check_imported(run: PathRun, shown: str, container: str) -> None:
    """A folder or archive from which nothing could be imported is an error as a whole."""
    if run.imported == 0:
        if run.failed:
            first = run.failed[0]
            raise FormatError(shown, f"nothing in this {container} could be read: "
                                     f"{first.path}: {first.reason}")
        raise FormatError(shown, f"no supported history file in this {container} "
                                 f"({detect.FORMATS_HELP})")


def _import_one(db: Database, path: Path, progress: Progress, cancel: Callable[[], bool],
                limits: ZipLimits, rules: RuleSet) -> tuple[FileReport, bool]:
    """Import one path in one transaction. Returns its report and whether it was cancelled.

    Where a no-text rule removed the text of stored sessions (see ``SaveCounts.erased``),
    that text is made really gone as a deletion makes it: the indexes merged before the
    commit, the write-ahead log emptied after it (``secure_delete`` is on, see
    :func:`import_paths`).
    """
    report = FileReport(path=str(path))
    started = datetime.now(UTC)
    run: PathRun | None = None
    error: str | None = None
    cancelled = busy = False
    try:
        if not path.exists():
            raise FormatError(str(path), "no such file or folder")
        with db.atomic():
            import_id = import_log.start_import(db, os.path.abspath(path), None, started)
            run = PathRun(db, report, import_id, progress, cancel, limits, rules=rules)
            _import_path(run, path)
            run.copies.close()
            if run.erased:
                purge_fts(db)
            report.source = ", ".join(run.sources) or None
            import_log.finish_import(
                db, import_id, source=report.source, sessions_new=report.sessions_new,
                sessions_updated=report.sessions_updated,
                sessions_unchanged=report.sessions_unchanged, messages=report.messages,
                skipped=len(report.skipped) + report.skipped_unlisted)
        if run.erased:
            clear_wal(db)
    except ImportCancelledError:
        cancelled = True
        error = "Import cancelled: nothing from this path was stored"
    except DatabaseBusyError as exc:  # another Worthwhile kept writing (or a cancel while waiting)
        cancelled, busy = cancel(), True
        error = ("Import cancelled: nothing from this path was stored" if cancelled
                 else f"{path}: {exc}")
    except FormatError as exc:
        error = str(exc)
    except PermissionError:
        error = f"{path}: permission denied"
    except OSError as exc:
        error = f"{path}: cannot be read ({exc.strerror or exc})"
    except Exception as exc:  # a bug must not cost the user the other paths
        log.exception("Import of %s failed", path)
        error = f"{path}: unexpected error while importing ({type(exc).__name__}: {exc})"
    if error is not None:
        if run is not None and run.sources:
            report.source = ", ".join(run.sources)
        report.error = error
        report.sessions_new = report.sessions_updated = report.sessions_unchanged = 0
        report.sessions_deleted_earlier = report.sessions_excluded = 0
        report.messages = 0
        if not cancelled and not busy:  # a busy database would keep the record waiting too
            with contextlib.suppress(Exception):
                import_log.record_failed_import(db, os.path.abspath(path), error,
                                                source=report.source, started_at=started)
    return report, cancelled


def import_paths(
    db: Database,
    paths: Sequence[str | os.PathLike[str]],
    *,
    cancel: Callable[[], bool] | None = None,
    progress: Callable[[ImportProgress], None] | None = None,
    limits: ZipLimits = DEFAULT_LIMITS,
    index: bool = True,
) -> ImportReport:
    """Import files, zips and folders; one :class:`FileReport` per path, in order.

    Two phases: the paths' sessions, messages, facts and tokens are stored first; then, with
    ``index``, the full-text index is built (:func:`~desktop_app.store.indexing.finish_index`:
    short transactions; what a cancel or a crash leaves queued is indexed next time, as is
    anything an earlier import left). Without ``index`` the caller builds it (the window does,
    in the background: its sessions can be browsed and rated meanwhile).

    Each path is imported in one transaction: an error or a cancel leaves the database as it
    was for that path, while the paths before it stay imported. ``cancel`` is polled between
    batches of sessions; once it returns True, the current path is rolled back and the paths
    after it are not read. ``progress`` is called a few times a second at most, and once at the
    end. Ratings are never touched.
    """
    # A larger page cache for the import's FTS and index writes (~5 % faster at 200 MB; peak
    # RSS stays near 80 MB); the connection's own setting comes back afterwards.
    previous_cache = db.execute("PRAGMA cache_size").fetchone()[0]
    db.execute(f"PRAGMA cache_size = {STORE_CACHE_KIB}")
    try:
        # The rules are read once: a rule added meanwhile applies to the next import.
        rules = load_rules(db)
        try:
            with _secure_if(db, rules.has_no_text), checkpoints_deferred(db), \
                    _fewer_collections():
                report = _import_all(db, [Path(p) for p in paths], cancel, progress, limits,
                                     rules)
        finally:
            _release_workers()
        if index and not report.cancelled:
            db.execute(f"PRAGMA cache_size = {IMPORT_CACHE_KIB}")
            finish_import_index(db, cancel)
        return report
    finally:
        db.execute(f"PRAGMA cache_size = {int(previous_cache)}")


def finish_import_index(db: Database, cancel: Callable[[], bool] | None = None,
                        progress: Callable[[float], None] | None = None) -> bool:
    """An import's second phase: the full-text index of what it stored (and of anything an
    earlier import left unindexed). ``progress`` gets the share of messages indexed (0..1).

    Returns True once complete. A cancel, or another writer holding the lock for longer than
    this connection waits, leaves the rest queued for the next import or search.
    """
    if index_complete(db):
        return True
    start, total = index_progress(db) if progress is not None else (0, 0)

    def report(done: int) -> None:
        if progress is not None and total:
            progress(min(1.0, (start + done) / total))

    try:
        with checkpoint_meanwhile(db):  # the first phase deferred it (see import_paths)
            return finish_index(db, cancel=cancel, progress=report)
    except DatabaseBusyError:
        log.info("Full-text indexing left for later: the database is busy")
        return False


#: The cyclic garbage collector's first threshold while sessions are stored: the default (700
#: allocations) made it pass over the objects of each batch many times (3 % of an import's CPU);
#: an import makes no reference cycles to speak of.
IMPORT_GC_THRESHOLD = 50_000


@contextlib.contextmanager
def _fewer_collections() -> Iterator[None]:
    """Fewer garbage collections while the block runs (the setting is the process's: the window
    collects less often meanwhile too); the thresholds come back afterwards."""
    previous = gc.get_threshold()
    gc.set_threshold(max(previous[0], IMPORT_GC_THRESHOLD), *previous[1:])
    try:
        yield
    finally:
        gc.set_threshold(*previous)


def _release_workers() -> None:
    """Stop worker processes started early that no parser took (see ``incremental``)."""
    workers = sys.modules.get("desktop_app.importers.workers")  # loaded only when started
    if workers is not None:
        workers.release()


@contextlib.contextmanager
def _secure_if(db: Database, wanted: bool) -> Iterator[None]:
    """``secure_delete`` while a no-text rule may make an import remove stored text."""
    if not wanted:
        yield
        return
    with secure_delete(db):
        yield


def _import_all(db: Database, wanted: list[Path], cancel: Callable[[], bool] | None,
                progress: Callable[[ImportProgress], None] | None,
                limits: ZipLimits, rules: RuleSet) -> ImportReport:
    should_stop = cancel or (lambda: False)
    tracker = Progress(progress, sum(_size_of(p) for p in wanted))
    result = ImportReport()
    for path in wanted:
        if not result.cancelled and result.files and should_stop():
            result.cancelled = True
        if result.cancelled:
            result.files.append(FileReport(path=str(path), error="Import cancelled before "
                                                                 "this path was read"))
            continue
        start_done = tracker.done
        report, cancelled = _import_one(db, path, tracker, should_stop, limits, rules)
        tracker.done = start_done + _size_of(path)
        tracker.tick(force=True)
        result.files.append(report)
        result.cancelled = cancelled
    tracker.tick(force=True)
    return result
