"""Bring the evidence cache up to date: commits in each coding session's repository (one
``git log`` per repository that changed, never one per session) and each session's active time.

Run by the command line before it prints sessions, and by the window on a worker thread
(``ui/tasks.py``). When nothing changed it runs no subprocess and writes nothing: the
repositories' branch fingerprints are read from their ref files, and only sessions whose window
or repository moved are counted again.
"""

from __future__ import annotations

import logging
import shutil
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlite_utils import Database

from desktop_app.domain import parse_utc
from desktop_app.evidence import git
from desktop_app.metrics.evidence import active_seconds, bucket_commits, session_window
from desktop_app.store.evidence import (
    ProjectSummary,
    SessionEvidence,
    StaleActivity,
    StoredCommits,
    all_evidence,
    cache_sizes,
    coding_sessions,
    forget_orphans,
    message_times,
    project_summaries,
    save_activity,
    save_commit_evidence,
    stale_activity,
)
from desktop_app.store.locking import DatabaseBusyError

log = logging.getLogger(__name__)

#: Active time is computed and written for this many sessions at a time.
_ACTIVITY_BATCH = 5000


@dataclass
class RefreshReport:
    """What a refresh did (for benchmarks and logs)."""

    repositories: int = 0
    git_runs: int = 0
    git_failures: int = 0
    sessions_counted: int = 0
    activity_computed: int = 0
    rows_written: int = 0
    seconds: float = 0.0
    failed_repositories: list[str] = field(default_factory=list)


def refresh_evidence(db: Database, *, check_cancelled: Callable[[], None] = lambda: None,
                     commits: bool = True, activity: bool = True) -> RefreshReport:
    """Count again what changed; ``check_cancelled`` may raise between repositories."""
    began = time.perf_counter()
    report = RefreshReport()
    sessions, commit_rows, activity_rows = cache_sizes(db)
    summaries = project_summaries(db)
    stale = stale_activity(db)
    # A deleted session's cached rows: more rows than the sessions account for (a commit row
    # per counted session, an activity row per session). Looked for only then: it costs a scan.
    if (commit_rows > sum(p.cached for p in summaries)
            or activity_rows > sessions - len(stale) or stale):
        forget_orphans(db)
        summaries = project_summaries(db)
    if commits:
        _refresh_commits(db, report, summaries, check_cancelled)
    if activity:
        _refresh_activity(db, report, stale, check_cancelled)
    report.seconds = time.perf_counter() - began
    return report


def refresh_evidence_file(path: str) -> RefreshReport:
    """:func:`refresh_evidence` for the database at ``path``, on a connection of its own: what
    a worker process runs for the window (see ``ui/evidence_task.py``)."""
    from desktop_app.store import open_db

    db = open_db(Path(path), create=False)
    try:
        return refresh_evidence(db)
    finally:
        db.close()


def _refresh_commits(db: Database, report: RefreshReport, summaries: list[ProjectSummary],
                     check_cancelled: Callable[[], None]) -> None:
    roots: dict[str, Path | None] = {}
    states: dict[Path, str | None] = {}
    # repository -> session id -> (window, start, end), for the sessions to count again
    wanted: dict[Path, dict[str, tuple[tuple[int, int], str | None, str | None]]] = {}
    cached: set[str] = set()
    forget: list[str] = []
    # Projects whose sessions all have a count for the current repository state and times
    # are left alone, unread: a refresh with nothing to do costs one grouped query.
    fresh: dict[str, bool] = {}
    for p in summaries:
        if p.project not in roots:
            roots[p.project] = git.repository_of(p.project)
        root = roots[p.project]
        if root is not None and root not in states:
            states[root] = git.repository_state(root)
        state = states[root] if root is not None else None
        if root is None or state is None:
            ok = p.cached == 0  # no repository: fresh unless a count is left to forget
        else:
            ok = (p.cached == p.sessions and p.changed == 0 and p.cached_repo == str(root)
                  and p.cached_state == state)
        fresh[p.project] = fresh.get(p.project, True) and ok
    stale_projects = sorted(project for project, ok in fresh.items() if not ok)
    for s in coding_sessions(db, stale_projects):
        if s.cached:
            cached.add(s.id)
        if s.project not in roots:
            roots[s.project] = git.repository_of(s.project)
        root = roots[s.project]
        state = None
        if root is not None:
            if root not in states:
                states[root] = git.repository_state(root)
            state = states[root]
        if (s.cached and state is not None and s.cached_state == state
                and s.cached_repo == str(root) and s.cached_started_at == s.started_at
                and s.cached_ended_at == s.ended_at):
            continue  # counted for this repository state and these times already
        window = session_window(parse_utc(s.started_at), parse_utc(s.ended_at))
        if root is None or state is None or window is None:
            if s.cached:
                forget.append(s.id)
            continue
        wanted.setdefault(root, {})[s.id] = (window, s.started_at, s.ended_at)
    report.repositories = len(states)
    rows: list[StoredCommits] = []
    git_present = shutil.which(git.GIT) is not None
    for root, sessions in sorted(wanted.items()):
        check_cancelled()
        state = states[root]
        assert state is not None
        windows = {sid: window for sid, (window, _, _) in sessions.items()}
        since = min(start for start, _ in windows.values())
        found = git.read_commits(root, since) if git_present else None
        report.git_runs += git_present
        if found is None:
            report.git_failures += 1
            report.failed_repositories.append(str(root))
            if not git_present:
                # Not cached: once git is installed the next refresh counts them.
                forget += [sid for sid in sessions if sid in cached]
                continue
            rows += [StoredCommits(sid, str(root), state, start, end, None, None, None)
                     for sid, (_, start, end) in sessions.items()]
            continue
        for sid, ev in bucket_commits(found, windows).items():
            _, start, end = sessions[sid]
            rows.append(StoredCommits(sid, str(root), state, start, end, ev.commits,
                                      ev.added, ev.deleted))
        report.sessions_counted += len(sessions)
    report.rows_written += save_commit_evidence(db, rows, forget)


def _refresh_activity(db: Database, report: RefreshReport, stale: list[StaleActivity],
                      check_cancelled: Callable[[], None]) -> None:
    for i in range(0, len(stale), _ACTIVITY_BATCH):
        check_cancelled()
        batch = stale[i:i + _ACTIVITY_BATCH]
        times = message_times(db, [s.key for s in batch])
        rows = [(s, active_seconds(parse_utc(t) for t in times[s.key])) for s in batch]
        report.activity_computed += len(rows)
        report.rows_written += save_activity(db, rows)


def fresh_evidence(db: Database) -> dict[str, SessionEvidence]:
    """Every session's evidence, counted again where it changed (``sessions --json``). Where the
    cache cannot be written (a read-only database, a writer holding the lock too long), the
    figures cached before are given: a reading command never fails over its cache."""
    try:
        refresh_evidence(db)
    except (sqlite3.OperationalError, DatabaseBusyError) as exc:
        log.warning("The evidence cache could not be brought up to date: %s", exc)
    return all_evidence(db)
