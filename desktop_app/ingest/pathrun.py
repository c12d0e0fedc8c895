"""The state of importing one path: its report, progress, cancel, what was seen and read."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

from sqlite_utils import Database

from desktop_app.importers.contract import FormatError, GroupFile, KnownRecords, Skipped, SourceSpec
from desktop_app.importers.registry import SPECS
from desktop_app.importers.zipsafe import ZipLimits
from desktop_app.ingest.report import FileReport, ImportProgress
from desktop_app.store.copies import (
    CopyRow,
    any_copies,
    close_copies,
    copies_ids,
    load_copies,
    open_copies,
    remember_copies,
    save_copies,
)
from desktop_app.store.deletion import tombstoned
from desktop_app.store.files import (
    FileState,
    load_file_states,
    remembered_counts,
    save_file_states,
)
from desktop_app.store.rules import RuleSet
from desktop_app.store.sessions import Outcome, SaveCounts, stored_ids

#: Seconds between two progress calls.
PROGRESS_INTERVAL = 0.25
#: At most this many skipped entries are listed per path (the rest are summed up).
MAX_SKIPPED_LISTED = 1000


def _group_specs() -> dict[str, SourceSpec]:
    return {spec.name: spec for spec in SPECS if spec.group is not None}


@dataclass
class Member:
    """One file of a group: where reading starts, its mtime, the state remembered of it."""

    file: GroupFile
    mtime_ns: int
    prior: FileState | None


@dataclass
class Pending:
    """Group files met during the import of one path; read by :func:`finish`."""

    root: str
    states: dict[str, FileState] | None = None
    specs: dict[str, SourceSpec] = field(default_factory=_group_specs)
    groups: dict[tuple[str, str], list[Member]] = field(default_factory=dict)
    #: Bytes to read per source so far (see ``GroupSpec.workers_from``).
    unread: dict[str, int] = field(default_factory=dict)

    def prior(self, db: Database, path: str) -> FileState | None:
        """What the last import remembered of a file (one range query for the whole folder)."""
        if self.states is None:
            self.states = load_file_states(db, self.root)
        return self.states.get(path)



@dataclass(slots=True)
class Kept:
    """The copy of a session kept so far by the import of one path, as its report counts it.

    ``outcome`` says what happened to the stored session against the database before this
    path (new, updated or unchanged). ``counted``: whether a copy met in this path stands for
    it in the report (False while the copy stored before this path is kept over older ones
    met here); ``messages`` were counted for it. The report names it ``where: label``:
    ``label`` is its title and external id (None for a copy that was not even parsed) and
    ``where`` the file or member it came from (None: the path itself).
    """

    outcome: Outcome
    counted: bool = True
    messages: int = 0
    label: str | None = None
    where: str | None = None


#: A session met earlier in this path without being read (an unchanged file's remembered ids).
MET = Kept(Outcome.UNCHANGED)
#: Bits of the filter that tells, without a query, that a session was not met yet (1 MiB).
_FILTER_BITS = 1 << 23


def _row(session_id: str, kept: Kept) -> CopyRow:
    return (session_id, kept.outcome.value, int(kept.counted), kept.messages, kept.label,
            kept.where)


class Copies:
    """The copy kept of each session met in one path, and the sessions merely met.

    Kept in a TEMP table of the import's connection (see :mod:`desktop_app.store.copies`), so
    memory does not grow with an export's size; part of the path's transaction, so a member
    rolled back takes its decisions with it. A fixed-size filter in memory answers "not met"
    for most sessions of a first import without a query. Sessions met without a copy being
    read (an unchanged file's remembered ids, already in memory) are a set here.
    """

    def __init__(self, db: Database) -> None:
        self.db = db
        #: Met without being read (unchanged files, groups): counted once, never a copy kept.
        self.met: set[str] = set()
        self._filter = bytearray(_FILTER_BITS >> 3)
        self._stored = False  # any row written (some may have been rolled back since)
        open_copies(db)

    def _maybe(self, session_id: str) -> bool:
        bit = hash(session_id) & (_FILTER_BITS - 1)
        return bool(self._filter[bit >> 3] & (1 << (bit & 7)))

    def lookup(self, session_ids: Sequence[str]) -> dict[str, Kept]:
        """The copies kept of those of these sessions met so far (:data:`MET`: met only)."""
        found: dict[str, Kept] = {}
        if self._stored:
            maybe = [sid for sid in session_ids if self._maybe(sid)]
            if maybe:
                for sid, outcome, counted, messages, label, where in (
                        load_copies(self.db, maybe).values()):
                    found[sid] = Kept(Outcome(outcome), bool(counted), messages, label, where)
        if self.met:
            for sid in session_ids:
                if sid in self.met and sid not in found:
                    found[sid] = MET
        return found

    def keep(self, kept: dict[str, Kept]) -> None:
        """Remember the copies kept of these sessions (replacing what was kept of them)."""
        if not kept:
            return
        filt = self._filter
        mask = _FILTER_BITS - 1
        for sid in kept:
            bit = hash(sid) & mask
            filt[bit >> 3] |= 1 << (bit & 7)
        save_copies(self.db, [_row(sid, k) for sid, k in kept.items()])
        self._stored = True

    def unmet(self, session_ids: set[str]) -> set[str]:
        """Those of these sessions not met yet in this path."""
        rest = session_ids - self.met
        if rest and self._stored:
            rest -= set(self.lookup(list(rest)))
        return rest

    def add_met(self, session_ids: set[str]) -> None:
        """Sessions met without a copy being read."""
        self.met |= session_ids

    def ids(self) -> set[str]:
        """Every session met (all of them in memory: for small paths and tests)."""
        ids = set(copies_ids(self.db)) if self._stored else set()
        return ids | self.met

    def remember(self, state: FileState) -> None:
        """Save ``state`` (see :func:`~desktop_app.store.files.save_file_states`) with every
        session met as its sessions, without them all in memory where possible."""
        if self.met or not self._stored or not any_copies(self.db):
            save_file_states(self.db, [replace(state, sessions=tuple(self.ids()))])
        else:
            remember_copies(self.db, state)

    def close(self) -> None:
        """Drop the table (the path is done)."""
        close_copies(self.db)


class ImportCancelledError(Exception):
    """Raised inside the transaction to roll a path back when the user cancels."""


class Progress:
    """Counts bytes and calls the callback a few times a second at most."""

    def __init__(self, callback: Callable[[ImportProgress], None] | None, total: int) -> None:
        self.callback = callback
        self.total = total
        self.done = 0.0
        self.sessions = 0
        self.current = ""
        self._last = 0.0

    def add(self, nbytes: float) -> None:
        """Count bytes read (and tell the caller, when it is time)."""
        self.done += nbytes
        self.tick()

    def tick(self, force: bool = False) -> None:
        """Tell the caller how far the import is, at most a few times a second."""
        if self.callback is None:
            return
        now = time.monotonic()
        if not force and now - self._last < PROGRESS_INTERVAL:
            return
        self._last = now
        self.callback(ImportProgress(int(min(self.done, self.total)), self.total,
                                     self.current, self.sessions))


@dataclass
class PathRun:
    """State of the import of one path argument (inside its transaction)."""

    db: Database
    report: FileReport
    import_id: int
    progress: Progress
    cancel: Callable[[], bool]
    limits: ZipLimits
    sources: list[str] = field(default_factory=list)
    imported: int = 0  # files or members read successfully
    failed: list[FormatError] = field(default_factory=list)
    #: Files of sources read as groups, incrementally (see :mod:`.incremental`).
    pending: Pending | None = None
    #: What companion files said, by source name (ChatGPT's thumbs by conversation id).
    companions: dict[str, dict[str, str]] = field(default_factory=dict)
    #: Stored fingerprints by source, loaded once per path (see ``Session.fingerprint``).
    known: dict[str, KnownRecords] = field(default_factory=dict)
    #: The import rules, read once per import (see :mod:`desktop_app.store.rules`).
    rules: RuleSet = field(default_factory=RuleSet)
    #: Stored sessions whose text a no-text rule removed here (their text must really go).
    erased: int = 0
    #: The CRC-32 of the file given, when it was read to its end (see :mod:`.unchanged`).
    content_crc: int | None = None
    #: The copy kept of each session met in this path, and those met (see :mod:`.batches`).
    copies: Copies = field(init=False)

    def __post_init__(self) -> None:
        self.copies = Copies(self.db)

    def skip(self, item: Skipped) -> None:
        """List a skipped item in the report (up to a limit; the rest are counted)."""
        if len(self.report.skipped) < MAX_SKIPPED_LISTED:
            self.report.skipped.append(item)
        else:
            self.report.skipped_unlisted += 1

    def fail(self, error: FormatError, shown: str | None = None, *, where: bool = True) -> None:
        """A member, file or group that could not be read: listed, and remembered.

        ``shown`` names it in the report (default: the error's path); ``where`` adds where in
        it the error happened.
        """
        self.failed.append(error)
        self.skip(Skipped(shown or error.path, error.detail if where else error.reason))

    def check_cancel(self) -> None:
        """Raise :class:`ImportCancelledError` once the user asked to stop."""
        if self.cancel():
            raise ImportCancelledError

    def add_source(self, source: str) -> None:
        """Note a source read from this path (in the order met)."""
        if source not in self.sources:
            self.sources.append(source)

    def add_counts(self, counts: SaveCounts) -> None:
        """Add what was saved to the path's report."""
        self.report.sessions_new += counts.new
        self.report.sessions_updated += counts.updated
        self.report.sessions_unchanged += counts.unchanged
        self.report.messages += counts.messages
        self.report.sessions_deleted_earlier += counts.deleted_earlier
        self.report.sessions_excluded += counts.excluded

    def add_known(self, session_ids: set[str]) -> None:
        """Count sessions that an earlier import of this path remembered and that are not read
        again (the file is unchanged), as :meth:`count_known` does. Sessions met before in
        this path are not counted twice."""
        fresh = self.copies.unmet(session_ids)
        self.add_counts(self.count_known(fresh))
        self.copies.add_met(session_ids)

    def add_remembered(self, path: str) -> None:
        """Count the sessions of an export file imported before and not read again (it is
        unchanged), as :meth:`add_known` does, without them all in memory: the file is the
        whole path (nothing was met before it, nothing is read after it)."""
        total, gone, stored = remembered_counts(self.db, path)
        if not self.rules:  # as count_known: without rules every one not deleted is stored
            stored = total - gone
        self.add_counts(SaveCounts(unchanged=stored, deleted_earlier=gone,
                                   excluded=total - gone - stored))

    def count_known(self, session_ids: set[str]) -> SaveCounts:
        """Sessions an earlier import read from files not read again: unchanged when stored,
        deleted earlier when the user deleted them, else excluded (a skip rule kept them out
        then; removing a rule makes the next import read such files again)."""
        gone = tombstoned(self.db, session_ids)
        rest = session_ids - gone
        # Without rules every remembered session is stored (or deleted): no need to look.
        stored = len(stored_ids(self.db, rest)) if self.rules else len(rest)
        return SaveCounts(unchanged=stored, deleted_earlier=len(gone),
                          excluded=len(rest) - stored)
