"""Incremental import of logs that span files and grow (Claude Code, Codex, Copilot, …).

The runner hands every file of a folder (or a file given directly) to :func:`claim` first. Files
of a :class:`~desktop_app.importers.base.GroupParser` source are collected by group instead of
being read at once; a file whose size and mtime match what the last import remembered is not
even opened. After the walk, :func:`finish` reads each group with a changed file: grown files
from where the last import stopped, new ones in full, and remembers how far it read.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desktop_app.domain import Message
from desktop_app.importers import detect
from desktop_app.importers.base import (
    HEAD_SIZE,
    FormatError,
    GroupFile,
    GroupParser,
    Skipped,
    is_group_parser,
)
from desktop_app.store.files import (
    FileState,
    load_file_states,
    load_session_state,
    save_file_states,
    save_session_state,
)
from desktop_app.store.sessions import SaveCounts, get_transcript

if TYPE_CHECKING:
    from sqlite_utils import Database

    from desktop_app.importers.runner import _PathRun


def parser_version(parser: GroupParser) -> str:
    """The version string stored with files and states (a new parser re-reads everything)."""
    return f"{parser.SOURCE}-{parser.VERSION}"


def _group_parsers() -> dict[str, GroupParser]:
    return {p.SOURCE: p for p in detect.PARSERS if is_group_parser(p)}  # type: ignore[misc]


def file_stat(parser: GroupParser | None, path: Path) -> tuple[int, int]:
    """Size and mtime (ns) of a file as incremental imports compare them.

    A parser may widen it (SQLite sources add their ``-wal`` file, where new rows land first).
    """
    stat_of = getattr(parser, "file_stat", None)
    if callable(stat_of):
        size, mtime_ns = stat_of(path)
        return int(size), int(mtime_ns)
    st = path.stat()
    return st.st_size, st.st_mtime_ns


@dataclass
class _Member:
    file: GroupFile
    mtime_ns: int
    prior: FileState | None


@dataclass
class Pending:
    """Group files met during the import of one path; read by :func:`finish`."""

    root: str
    states: dict[str, FileState] | None = None
    parsers: dict[str, GroupParser] = field(default_factory=_group_parsers)
    groups: dict[tuple[str, str], list[_Member]] = field(default_factory=dict)

    def prior(self, db: Database, path: str) -> FileState | None:
        if self.states is None:  # one range query for the whole folder
            self.states = load_file_states(db, self.root)
        return self.states.get(path)


class _DbCheckpoints:
    """Session states in the database, for one parser version; progress and cancel."""

    def __init__(self, run: _PathRun, version: str) -> None:
        self.run = run
        self.db = run.db
        self.version = version
        self.read = 0

    def load(self, session_id: str) -> tuple[dict[str, Any], list[Message]] | None:
        state = load_session_state(self.db, session_id, self.version)
        if state is None:
            return None
        return state, get_transcript(self.db, session_id)

    def save(self, session_id: str, state: dict[str, Any]) -> None:
        save_session_state(self.db, session_id, self.version, state)

    def file_read(self, nbytes: int) -> None:
        self.read += nbytes
        self.run.progress.add(nbytes)
        self.run.check_cancel()


def _pending(run: _PathRun, root: Path) -> Pending:
    if run.pending is None:
        base = os.path.abspath(root)
        run.pending = Pending(base if root.is_file() else base.rstrip(os.sep) + os.sep)
    pending: Pending = run.pending
    return pending


def claim(run: _PathRun, path: Path, root: Path) -> bool:
    """Take ``path`` into its group when a group source reads it (True), else leave it (False).

    ``root`` is the path the user gave (the folder, or the file itself).
    """
    pending = _pending(run, root)
    full = os.path.abspath(path)
    prior = pending.prior(run.db, full)
    parser = pending.parsers.get(prior.source) if prior is not None else None
    if parser is not None and prior is not None and prior.parser_version != parser_version(
            parser):
        parser, prior = None, None  # a better parser now: read it again in full
    if parser is None:
        prior = None
        with path.open("rb") as raw:
            head = raw.read(HEAD_SIZE)
        found = detect.detect(head, str(path))
        if found is None or not is_group_parser(found):
            return False
        parser = found  # type: ignore[assignment]
    assert parser is not None
    size, mtime_ns = file_stat(parser, path)
    if size == 0:
        return False
    gf = GroupFile(path=full, name=str(path), size=size)
    if prior is not None and prior.size == size and prior.mtime_ns == mtime_ns:
        gf.start = size  # unchanged: nothing to read
        gf.previous = size
        gf.end = prior.offset
        gf.sessions = set(prior.sessions)
    elif prior is not None and size > prior.size and prior.offset <= size:
        gf.start = prior.offset  # grown: continue where the last import stopped
        gf.previous = prior.size
        gf.sessions = set(prior.sessions)
    key = (parser.SOURCE, parser.group_key(full))
    pending.groups.setdefault(key, []).append(_Member(gf, mtime_ns, prior))
    return True


def _read_group(run: _PathRun, parser: GroupParser, members: list[_Member]) -> SaveCounts:
    from desktop_app.importers.runner import save_in_batches

    counts = SaveCounts()
    files = [m.file for m in members]
    checkpoints = _DbCheckpoints(run, parser_version(parser))
    sessions = parser.parse_group(files, run.skip, checkpoints)
    try:
        emitted = save_in_batches(run, sessions, parser, counts)
    finally:
        close = getattr(sessions, "close", None)
        if close is not None:
            close()
    known: set[str] = set()
    for member in members:
        known |= member.file.sessions
    counts.unchanged += len(known - emitted - run.seen)
    run.seen |= known
    version = parser_version(parser)
    unread = sum(m.file.size - m.file.start for m in members if m.file.changed)
    run.progress.add(max(0, unread - checkpoints.read))  # parsers that report no progress
    save_file_states(run.db, [
        FileState(m.file.path, parser.SOURCE, version, m.file.size, m.mtime_ns,
                  min(m.file.end, m.file.size), tuple(sorted(m.file.sessions)))
        for m in members if m.file.changed
    ])
    return counts


def finish(run: _PathRun, *, direct: bool) -> None:
    """Read every group collected by :func:`claim`; a file given directly raises on error."""
    from desktop_app.importers.runner import _add_counts

    pending: Pending | None = run.pending
    if pending is None:
        return
    groups, pending.groups = pending.groups, {}
    for (source, key), members in sorted(groups.items()):
        parser = pending.parsers[source]
        if source not in run.sources:
            run.sources.append(source)
        members.sort(key=lambda m: m.file.path)
        if not any(m.file.changed for m in members):
            known: set[str] = set()
            for member in members:
                known |= member.file.sessions
            run.report.sessions_unchanged += len(known - run.seen)
            run.seen |= known
            run.imported += 1
            continue
        run.check_cancel()
        run.progress.current = members[0].file.name if len(members) == 1 else key
        run.progress.tick()
        if direct:
            counts = _read_group(run, parser, members)
        else:
            try:
                with run.db.atomic():  # a savepoint: a bad group is rolled back on its own
                    counts = _read_group(run, parser, members)
            except FormatError as exc:
                run.failed.append(exc)
                run.skip(Skipped(exc.path, exc.reason + (f" (at {exc.where})"
                                                         if exc.where else "")))
                continue
        _add_counts(run, counts)
        run.imported += 1
