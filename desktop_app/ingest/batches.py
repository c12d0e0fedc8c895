"""Parsed sessions into the store in batches: cancel between batches, the newer copy kept."""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterable
from typing import BinaryIO, TypeVar

from desktop_app.domain import Session
from desktop_app.importers.contract import Report, Skipped, SourceSpec, Unchanged, prefixed
from desktop_app.importers.registry import no_text_title
from desktop_app.ingest.pathrun import Kept, PathRun
from desktop_app.store.sessions import Outcome, SaveCounts, known_records, save_sessions

#: Sessions are written in batches of at most this many, or this much message text.
BATCH_SESSIONS = 200
BATCH_CHARS = 4_000_000
#: Why a copy of a session was not stored (the import report's reason).
OLDER_COPY = "older copy; kept the newer"
#: Called after each batch with its session ids and what the store did (group reading saves
#: the parser's states then).
AfterBatch = Callable[[list[str], SaveCounts], None]


def _label(session: Session) -> str:
    return f"{session.title} ({session.external_id})"


class _Copies:
    """Counts the copies of sessions that one stream (or group) brings, in the report of its path.

    Every copy met in a path is counted once: the copy kept as new, updated or unchanged
    (against the database before the path), each other one as unchanged, listed as an older
    copy. A copy equal to the one kept is the same copy met twice (overlapping shards) and is
    not counted again. The store decides which copy is newer. What is decided is written to
    the path's :class:`~desktop_app.ingest.pathrun.Copies` batch by batch (a member that fails
    is rolled back with its decisions); the older copies listed reach the path's report when
    the stream has been read to its end.
    """

    def __init__(self, run: PathRun, counts: SaveCounts, where: str | None) -> None:
        self.run = run
        self.counts = counts
        self.where = where
        self.older: list[Skipped] = []
        self.unparsed_here = Kept(Outcome.UNCHANGED, where=where)
        #: The batch being counted: what was kept of its sessions before it, and since.
        self._before: dict[str, Kept] = {}
        self._now: dict[str, Kept] = {}

    def get(self, session_id: str) -> Kept | None:
        """The copy kept so far in this path (one session; outside a batch)."""
        return self.run.copies.lookup([session_id]).get(session_id)

    def _get(self, session_id: str) -> Kept | None:
        kept = self._now.get(session_id)
        return self._before.get(session_id) if kept is None else kept

    def _begin(self, ids: list[str]) -> None:
        self._before = self.run.copies.lookup(ids)
        self._now = {}

    def _end(self) -> None:
        self.run.copies.keep(self._now)
        self._before, self._now = {}, {}

    def _older(self, label: str, where: str | None) -> None:
        self.older.append(Skipped(f"{where}: {label}" if where else label, OLDER_COPY))

    def saved_batch(self, batch: list[Session], ids: list[str], outcomes: list[Outcome],
                    labels: list[str]) -> None:
        """Count a batch of copies the store has just decided about (and counted)."""
        self._begin(ids)
        for session, sid, outcome, label in zip(batch, ids, outcomes, labels, strict=True):
            self._saved(session, sid, outcome, label)
        self._end()

    def _saved(self, session: Session, sid: str, outcome: Outcome, label: str) -> None:
        """Count a copy (of id ``sid``, named ``label`` in the report) the store has just
        decided about (and counted in ``counts``)."""
        kept = self._get(sid)
        counts = self.counts
        if kept is not None and kept.outcome is Outcome.EXCLUDED and kept.counted:
            if outcome is Outcome.EXCLUDED:  # met before in this path: the same session again
                counts.excluded -= 1
                return
            # A copy a title rule kept out, and now one it does not: this one counts.
            counts.excluded -= 1
            kept = None
        if outcome is Outcome.EXCLUDED:
            if kept is None:
                self._now[sid] = Kept(Outcome.EXCLUDED, label=label, where=self.where)
            else:  # a copy of it was stored (or kept) in this path already: counted there
                counts.excluded -= 1
            return
        if outcome is Outcome.DELETED_EARLIER:
            if kept is None:
                self._now[sid] = Kept(Outcome.DELETED_EARLIER, label=label, where=self.where)
            else:  # met before in this path (and counted there): the same session again
                counts.deleted_earlier -= 1
            return
        if outcome is Outcome.OLDER:
            self._older(label, self.where)
            if kept is None:  # the copy stored before this path stays, uncounted
                self._now[sid] = Kept(Outcome.UNCHANGED, counted=False)
            return
        here = Kept(outcome, messages=len(session.messages), label=label, where=self.where)
        if kept is None or outcome is Outcome.NEW:
            if outcome is Outcome.UNCHANGED:
                here.messages = 0
            self._now[sid] = here
            return
        if outcome is Outcome.UNCHANGED:  # equal to the copy kept
            if kept.counted:
                counts.unchanged -= 1  # the same copy met twice
            else:
                here.messages = 0
                self._now[sid] = here
            return
        # Newer than the copy kept: that one becomes an older copy.
        if kept.counted:
            self._older(kept.label or here.label or sid, kept.where)
            counts.messages -= kept.messages
            if kept.outcome is not Outcome.UNCHANGED:  # still new (or updated), counted once
                counts.updated -= 1
                counts.unchanged += 1
                here.outcome = kept.outcome
        self._now[sid] = here

    def unparsed_batch(self, ids: list[str]) -> None:
        """Count copies found equal to the stored ones by their fingerprint (never parsed)."""
        self._begin(ids)
        for sid in ids:
            self._unparsed(sid)
        self._end()

    def _unparsed(self, session_id: str) -> None:
        kept = self._get(session_id)
        if kept is None or (kept.outcome is Outcome.UNCHANGED and not kept.counted):
            self.counts.unchanged += 1
            self._now[session_id] = self.unparsed_here
        elif kept.outcome is not Outcome.UNCHANGED:  # a newer copy replaced it in this path
            self.counts.unchanged += 1
            self._older(kept.label or session_id, self.where)

    def commit(self) -> None:
        """The stream was read to its end: the older copies it met are listed."""
        for item in self.older:
            self.run.skip(item)


def _save_batch(run: PathRun, batch: list[Session], ids: list[str], spec: SourceSpec,
                copies: _Copies, *, by_length: bool, after: AfterBatch | None) -> None:
    done = save_sessions(run.db, batch, import_id=run.import_id,
                         parser_version=spec.parser_version, by_length=by_length,
                         rules=run.rules, neutral_title=no_text_title, index=False)
    counts = copies.counts
    counts.new += done.new
    counts.updated += done.updated
    counts.unchanged += done.unchanged
    counts.messages += done.messages
    counts.deleted_earlier += done.deleted_earlier
    counts.excluded += done.excluded
    run.erased += done.erased
    # A session an import rule keeps out or without text is named by its id alone.
    no_state = done.no_state if run.rules else ()
    labels = [session.external_id if sid in no_state else _label(session)
              for session, sid in zip(batch, ids, strict=True)]
    copies.saved_batch(batch, ids, done.outcomes, labels)
    if after is not None:
        after(ids, done)
    run.progress.sessions += len(batch)
    run.progress.tick()


def save_in_batches(run: PathRun, sessions: Iterable[Session | Unchanged], spec: SourceSpec,
                    counts: SaveCounts, *, where: str | None = None,
                    after: AfterBatch | None = None, collect: bool = True) -> set[str]:
    """Save sessions in batches (by count or text size), checking Cancel between batches.

    A session met again in this path (shards, batch zips, the same chat in two folders) is
    given to the store too, which keeps the newer copy; the report counts each copy once (see
    :class:`_Copies`) and lists the older ones, named after ``where`` when given. An
    :class:`Unchanged` stands for a copy equal to the stored one. ``after`` is called with
    what the store did after each batch. Returns the ids saved here (when ``collect``: an
    export's caller needs none of them, and they are as many as its sessions).
    """
    copies = _Copies(run, counts, where)
    # A tool's own logs grow in place: a read replaces what an earlier import stored. Exports
    # are copies, and so are two copies of one session met in one path.
    live = spec.group is not None
    saved: set[str] = set()
    batch: list[Session] = []
    ids: list[str] = []
    pending: set[str] = set()
    unparsed_ids: list[str] = []  # counted in batches too, each before the batch after it
    chars = 0
    unparsed = 0

    def count_unparsed() -> None:
        if unparsed_ids:
            copies.unparsed_batch(unparsed_ids)
            unparsed_ids.clear()

    def flush() -> None:
        nonlocal batch, ids, chars
        count_unparsed()
        if batch:
            _save_batch(run, batch, ids, spec, copies, by_length=not live, after=after)
            batch, ids, chars = [], [], 0
            pending.clear()
            run.check_cancel()

    for item in sessions:
        if isinstance(item, Unchanged):
            if item.session_id in pending:
                flush()  # counted after the copy before it
            unparsed_ids.append(item.session_id)
            unparsed += 1
            if unparsed % BATCH_SESSIONS == 0:
                count_unparsed()
                run.progress.sessions += BATCH_SESSIONS
                run.progress.tick()
                run.check_cancel()
            continue
        sid = item.id
        if live:
            count_unparsed()  # what it decided is looked up below
        if live and (sid in pending or copies.get(sid) is not None):
            flush()
            _save_batch(run, [item], [sid], spec, copies, by_length=True, after=after)
            run.check_cancel()
        else:
            batch.append(item)
            ids.append(sid)
            pending.add(sid)
            chars += sum(len(m.text) for m in item.messages)
        if collect:
            saved.add(sid)
        if len(batch) >= BATCH_SESSIONS or chars >= BATCH_CHARS:
            flush()
    flush()
    copies.commit()
    return saved


def parse_into_store(run: PathRun, spec: SourceSpec, stream: BinaryIO, member: bool, *,
                     name: str) -> SaveCounts:
    """Read every session of one stream and save them in batches; cancel between batches.
    ``member``: a member of a zip or folder, whose skipped entries are named with ``name``."""
    counts = SaveCounts()
    report: Report = prefixed(run.skip, name) if member else run.skip
    sessions = _parse(run, spec, stream, name, report)
    try:
        save_in_batches(run, sessions, spec, counts, where=name if member else None,
                        collect=False)
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
        known = run.known[spec.name] = known_records(run.db, spec.name)
    return closable(spec.parse_known(stream, name, report, known=known,
                                       companion=run.companions.get(spec.name, {})))


_T = TypeVar("_T")


def closable(items: Iterable[_T]) -> Generator[_T, None, None]:
    """``items`` as a generator, so it can be closed (its files released at once) whatever the
    parser returned."""
    yield from items
