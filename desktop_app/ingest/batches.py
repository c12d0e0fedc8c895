"""Parsed sessions into the store in batches: cancel between batches, one copy per session."""

from __future__ import annotations

from collections.abc import Generator, Iterable, Iterator
from typing import BinaryIO, TypeVar

from desktop_app.domain import Session
from desktop_app.importers.contract import Report, SourceSpec, Unchanged, prefixed
from desktop_app.ingest.pathrun import PathRun
from desktop_app.store.sessions import SaveCounts, known_fingerprints, save_sessions

#: Sessions are written in batches of at most this many, or this much message text.
BATCH_SESSIONS = 200
BATCH_CHARS = 4_000_000


def _save_batch(run: PathRun, batch: list[Session], spec: SourceSpec, counts: SaveCounts) -> None:
    done = save_sessions(run.db, batch, import_id=run.import_id,
                         parser_version=spec.parser_version)
    counts.new += done.new
    counts.updated += done.updated
    counts.unchanged += done.unchanged
    counts.messages += done.messages
    run.progress.sessions += len(batch)
    run.progress.tick()


def save_in_batches(run: PathRun, sessions: Iterable[Session], spec: SourceSpec,
                    counts: SaveCounts) -> set[str]:
    """Save sessions in batches (by count or text size), checking Cancel between batches.

    A session already seen in this path is dropped (shards, batch zips, replayed logs: the
    first copy wins). Returns the ids saved here.
    """
    saved: set[str] = set()
    batch: list[Session] = []
    chars = 0
    for session in sessions:
        if session.id in run.seen:
            continue
        run.seen.add(session.id)
        saved.add(session.id)
        batch.append(session)
        chars += sum(len(m.text) for m in session.messages)
        if len(batch) >= BATCH_SESSIONS or chars >= BATCH_CHARS:
            _save_batch(run, batch, spec, counts)
            batch, chars = [], 0
            run.check_cancel()
    if batch:
        _save_batch(run, batch, spec, counts)
        run.check_cancel()
    return saved


def parse_into_store(run: PathRun, spec: SourceSpec, stream: BinaryIO, name: str,
                     prefix_skips: bool) -> SaveCounts:
    """Read every session of one stream and save them in batches; cancel between batches."""
    counts = SaveCounts()
    report: Report = prefixed(run.skip, name) if prefix_skips else run.skip
    sessions = _parse(run, spec, stream, name, report)

    def fresh() -> Iterator[Session]:
        skipped_fast = 0
        for session in sessions:
            if isinstance(session, Unchanged):  # its fingerprint matched: not even parsed
                if session.session_id not in run.seen:
                    run.seen.add(session.session_id)
                    counts.unchanged += 1
                    skipped_fast += 1
                    if skipped_fast % BATCH_SESSIONS == 0:
                        run.progress.sessions += BATCH_SESSIONS
                        run.progress.tick()
                        run.check_cancel()
                continue
            yield session

    try:
        save_in_batches(run, fresh(), spec, counts)
    finally:
        sessions.close()  # a generator left early releases its file at once
    return counts


def _parse(run: PathRun, spec: SourceSpec, stream: BinaryIO, name: str,
           report: Report) -> Generator[Session | Unchanged, None, None]:
    """The parser's sessions; where it can skip unchanged ones, with what is stored."""
    if spec.parse_known is None:
        return closable(spec.parse(stream, name, report))
    known = run.known.get(spec.name)
    if known is None:
        known = run.known[spec.name] = known_fingerprints(run.db, spec.name)
    return closable(spec.parse_known(stream, name, report, known=known,
                                       companion=run.companions.get(spec.name, {})))


_T = TypeVar("_T")


def closable(items: Iterable[_T]) -> Generator[_T, None, None]:
    """``items`` as a generator, so it can be closed (its files released at once) whatever the
    parser returned."""
    yield from items
