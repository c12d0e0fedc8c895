"""Incremental import of sources whose logs span several files and grow (Claude Code, Codex, …).

The walk hands every file of a folder (or a file given directly) to :func:`claim_known` first:
a file of a group source whose size and mtime match what the last import remembered is taken
without even being opened. Otherwise the walk reads the file's head once, detects its source,
and a file of a source read in groups goes to :func:`claim`. After the walk, :func:`finish`
reads each group with a changed file: grown files from where the last import stopped, new ones
in full, and remembers how far it read.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from desktop_app.domain import Message
from desktop_app.importers.contract import FormatError, GroupFile, GroupSpec, SourceSpec
from desktop_app.ingest.batches import closable, save_in_batches
from desktop_app.ingest.pathrun import Member, PathRun, Pending
from desktop_app.store.files import (
    FileState,
    load_session_state,
    save_file_states,
    save_session_state,
)
from desktop_app.store.sessions import SaveCounts, get_transcript


def _group(spec: SourceSpec) -> GroupSpec:
    assert spec.group is not None, spec.name
    return spec.group


def file_stat(spec: SourceSpec, path: Path) -> tuple[int, int]:
    """Size and mtime (ns) of a file as incremental imports compare them.

    A source may widen it (SQLite sources add their ``-wal`` file, where new rows land first).
    """
    stat = _group(spec).stat
    if stat is not None:
        size, mtime_ns = stat(path)
        return int(size), int(mtime_ns)
    st = path.stat()
    return st.st_size, st.st_mtime_ns


class _DbCheckpoints:
    """Session states in the database, for one parser version; progress and cancel.

    A parser saves a session's state before the store has decided about the session, and a
    state may hold some of its text (a first prompt, a title). So states wait here until the
    store has decided (:meth:`stored`, after each batch): the state of a session stored with
    its text is written, that of one kept out or stored without text (an import rule) is
    dropped, so that its text never reaches the database (a file that grows is then read
    again from its start). States of sessions the parser did not hand over (a sub-agent's,
    one waiting for its parent) are written at the end (:meth:`flush`).
    """

    def __init__(self, run: PathRun, version: str) -> None:
        self.run = run
        self.version = version
        self.read = 0
        self.pending: dict[str, tuple[dict[str, Any], bool]] = {}

    def load(self, session_id: str) -> tuple[dict[str, Any], list[Message]] | None:
        waiting = self.pending.get(session_id)
        state = waiting[0] if waiting is not None else load_session_state(
            self.run.db, session_id, self.version)
        if state is None:
            return None
        return state, get_transcript(self.run.db, session_id)

    def save(self, session_id: str, state: dict[str, Any], *, holds_text: bool = True
             ) -> None:
        self.pending[session_id] = (state, holds_text)

    def stored(self, session_ids: list[str], counts: SaveCounts) -> None:
        """The store decided about a batch: write or drop the states of its sessions."""
        for session_id in session_ids:
            waiting = self.pending.pop(session_id, None)
            if waiting is None:
                continue
            state, holds_text = waiting
            if not holds_text or session_id not in counts.no_state:
                save_session_state(self.run.db, session_id, self.version, state,
                                   holds_text=holds_text)

    def flush(self) -> None:
        """Write the states still waiting (sessions the parser did not hand over)."""
        for session_id, (state, holds_text) in self.pending.items():
            save_session_state(self.run.db, session_id, self.version, state,
                               holds_text=holds_text)
        self.pending.clear()

    def file_read(self, nbytes: int) -> None:
        self.read += nbytes
        self.run.progress.add(nbytes)
        self.run.check_cancel()


def _pending(run: PathRun, root: Path) -> Pending:
    if run.pending is None:
        base = os.path.abspath(root)
        run.pending = Pending(base if root.is_file() else base.rstrip(os.sep) + os.sep)
    return run.pending


def claim_known(run: PathRun, path: Path, root: Path) -> bool:
    """Take ``path`` into its group when the last import read it with today's parser (True).

    ``root`` is the path the user gave (the folder, or the file itself). Nothing is opened.
    """
    pending = _pending(run, root)
    full = os.path.abspath(path)
    prior = pending.prior(run.db, full)
    spec = pending.specs.get(prior.source) if prior is not None else None
    if spec is None or prior is None or prior.parser_version != spec.parser_version:
        return False  # unknown, or a better parser now: detected and read again in full
    return _take(run, pending, spec, path, full, prior)


def claim(run: PathRun, path: Path, root: Path, spec: SourceSpec) -> bool:
    """Take ``path``, detected as a file of the group source ``spec``, into its group.

    False for an empty file (nothing to read; ignored like any unrelated file).
    """
    pending = _pending(run, root)
    return _take(run, pending, spec, path, os.path.abspath(path), None)


def _take(run: PathRun, pending: Pending, spec: SourceSpec, path: Path, full: str,
          prior: FileState | None) -> bool:
    size, mtime_ns = file_stat(spec, path)
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
    key = (spec.name, _group(spec).key(full))
    pending.groups.setdefault(key, []).append(Member(gf, mtime_ns, prior))
    if gf.changed:
        _count_unread(pending, spec, gf.size - gf.start)
    return True


def _count_unread(pending: Pending, spec: SourceSpec, nbytes: int) -> None:
    """Start the source's worker processes once it has enough to read for them: they start
    on the other core while the walk goes on, and are ready when its groups are read."""
    threshold = _group(spec).workers_from
    if threshold is None:
        return
    before = pending.unread.get(spec.name, 0)
    pending.unread[spec.name] = before + nbytes
    if before < threshold <= before + nbytes:
        from desktop_app.importers import workers  # multiprocessing: only when it is needed

        workers.prestart(_group(spec).parse.__module__)


def _read_group(run: PathRun, spec: SourceSpec, members: list[Member]) -> SaveCounts:
    counts = SaveCounts()
    files = [m.file for m in members]
    checkpoints = _DbCheckpoints(run, spec.parser_version)
    sessions = closable(_group(spec).parse(files, run.skip, checkpoints))
    try:
        emitted = save_in_batches(run, sessions, spec, counts, after=checkpoints.stored)
    finally:
        sessions.close()  # release its files at once
    checkpoints.flush()
    known: set[str] = set()
    for member in members:
        known |= member.file.sessions
    # Not read again: unchanged, deleted by the user, or kept out by a rule.
    rest = run.count_known(run.copies.unmet(known - emitted))
    counts.unchanged += rest.unchanged
    counts.deleted_earlier += rest.deleted_earlier
    counts.excluded += rest.excluded
    run.copies.add_met(known)
    unread = sum(m.file.size - m.file.start for m in members if m.file.changed)
    run.progress.add(max(0, unread - checkpoints.read))  # parsers that report no progress
    save_file_states(run.db, [
        FileState(m.file.path, spec.name, spec.parser_version, m.file.size, m.mtime_ns,
                  min(m.file.end, m.file.size), tuple(sorted(m.file.sessions)))
        for m in members if m.file.changed
    ])
    return counts


def finish(run: PathRun, *, direct: bool) -> None:
    """Read every group collected by the claims; a file given directly raises on error."""
    pending = run.pending
    if pending is None:
        return
    groups, pending.groups = pending.groups, {}
    for (source, key), members in sorted(groups.items()):
        spec = pending.specs[source]
        run.add_source(source)
        members.sort(key=lambda m: m.file.path)
        if not any(m.file.changed for m in members):
            known: set[str] = set()
            for member in members:
                known |= member.file.sessions
            run.add_known(known)
            run.imported += 1
            continue
        run.check_cancel()
        run.progress.current = members[0].file.name if len(members) == 1 else key
        run.progress.tick()
        if direct:
            counts = _read_group(run, spec, members)
        else:
            try:
                with run.db.atomic():  # a savepoint: a bad group is rolled back on its own
                    counts = _read_group(run, spec, members)
            except FormatError as exc:
                run.fail(exc)
                continue
        run.add_counts(counts)
        run.imported += 1
