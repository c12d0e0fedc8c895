"""The evidence cache: commits counted in each coding session's repository and each session's
active time (tables of migration ``0016_commit_evidence``).

What is counted, and when it is counted again, is decided outside the store
(:mod:`desktop_app.evidence.refresh`); here are the reads and writes, each write in its own
transaction. Reading the cache never runs git: ``sessions --json`` at 100k sessions reads one
table.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import NamedTuple

from sqlite_utils import Database

from desktop_app.domain import Tally
from desktop_app.store.locking import read_snapshot

#: A session whose cached active time no longer fits it (in SQL, ``a`` joined to ``s``).
_ACTIVITY_STALE = ("a.session_key IS NULL OR a.session_id != s.id OR "
                   "a.content_hash IS NOT s.content_hash OR a.messages != s.message_count OR "
                   "a.started_at IS NOT s.started_at OR a.ended_at IS NOT s.ended_at")
#: Message times are read for this many sessions per query.
_CHUNK = 500


class CodingSession(NamedTuple):
    """A session whose project is a folder path (a repository candidate), with what its cached
    count (if any) was made from."""

    id: str
    project: str
    started_at: str | None
    ended_at: str | None
    cached: bool = False
    cached_repo: str | None = None
    cached_state: str | None = None
    cached_started_at: str | None = None
    cached_ended_at: str | None = None


class StoredCommits(NamedTuple):
    """One row of ``commit_evidence`` (``commits`` None: git could not read the repository)."""

    session_id: str
    repo: str
    repo_state: str
    started_at: str | None
    ended_at: str | None
    commits: int | None
    lines_added: int | None
    lines_deleted: int | None


class StaleActivity(NamedTuple):
    """A session whose active time is to be computed, with what it is computed from."""

    key: int
    id: str
    content_hash: str | None
    messages: int
    started_at: str | None
    ended_at: str | None


class SessionEvidence(NamedTuple):
    """What the JSON and the panels show of one session (None: not known)."""

    commits: int | None = None
    lines_added: int | None = None
    lines_deleted: int | None = None
    active_seconds: int | None = None

    @property
    def lines_changed(self) -> int | None:
        """Lines added plus deleted, where commits were counted."""
        if self.lines_added is None or self.lines_deleted is None:
            return None
        return self.lines_added + self.lines_deleted


#: Sessions whose project is an absolute folder path (POSIX, or a Windows drive or UNC path).
_PATH_PROJECT = ("(s.project LIKE '/%' OR s.project LIKE '\\%' "
                 "OR s.project GLOB '[A-Za-z]:[\\/]*')")


class ProjectSummary(NamedTuple):
    """The coding sessions of one project folder whose cached counts share one basis
    (repository and branch fingerprint; None for sessions not counted)."""

    project: str
    cached_repo: str | None
    cached_state: str | None
    sessions: int
    #: Sessions with a cached count, and how many of those whose times changed since.
    cached: int
    changed: int


def project_summaries(db: Database) -> list[ProjectSummary]:
    """Per project folder and cached basis: how many sessions, how many counted, how many of
    those changed since. One grouped query: a refresh with nothing to do reads only this."""
    rows = db.execute(
        "SELECT s.project, c.repo, c.repo_state, count(*), count(c.session_id),"
        " total(c.session_id IS NOT NULL AND (c.started_at IS NOT s.started_at"
        " OR c.ended_at IS NOT s.ended_at)) "
        "FROM sessions s LEFT JOIN commit_evidence c ON c.session_id = s.id "
        f"WHERE {_PATH_PROJECT} GROUP BY s.project, c.repo, c.repo_state").fetchall()
    return [ProjectSummary(p, repo, state, n, cached, int(changed))
            for p, repo, state, n, cached, changed in rows]


def coding_sessions(db: Database, projects: Sequence[str]) -> list[CodingSession]:
    """The sessions of the project folders ``projects``, each with its cached count's basis."""
    found: list[CodingSession] = []
    for i in range(0, len(projects), _CHUNK):
        chunk = list(projects[i:i + _CHUNK])
        rows = db.execute(
            "SELECT s.id, s.project, s.started_at, s.ended_at, c.session_id IS NOT NULL,"
            " c.repo, c.repo_state, c.started_at, c.ended_at FROM sessions s "
            "LEFT JOIN commit_evidence c ON c.session_id = s.id "
            f"WHERE s.project IN ({','.join('?' * len(chunk))})", chunk).fetchall()
        found += [CodingSession._make((*row[:4], bool(row[4]), *row[5:])) for row in rows]
    return found


def save_commit_evidence(db: Database, rows: Iterable[StoredCommits],
                         forget: Iterable[str] = ()) -> int:
    """Write counted rows (replacing older ones) and forget the rows of ``forget`` (sessions no
    longer in a repository, or deleted). Returns rows written plus rows forgotten."""
    rows, forget = list(rows), list(forget)
    if not rows and not forget:
        return 0
    with db.atomic():
        db.conn.executemany(
            "INSERT OR REPLACE INTO commit_evidence (session_id, repo, repo_state, started_at,"
            " ended_at, commits, lines_added, lines_deleted) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            rows)
        db.conn.executemany("DELETE FROM commit_evidence WHERE session_id = ?",
                            [(sid,) for sid in forget])
    return len(rows) + len(forget)


def stale_activity(db: Database) -> list[StaleActivity]:
    """Sessions whose active time is not cached for what they hold now."""
    rows = db.execute(
        "SELECT s.key, s.id, s.content_hash, s.message_count, s.started_at, s.ended_at "
        "FROM sessions s "
        f"LEFT JOIN session_activity a ON a.session_key = s.key WHERE {_ACTIVITY_STALE}"
    ).fetchall()
    return [StaleActivity(*row) for row in rows]


def message_times(db: Database, keys: Sequence[int]) -> dict[int, list[str]]:
    """The message times (ISO text; messages without one left out) of the sessions ``keys``."""
    found: dict[int, list[str]] = {key: [] for key in keys}
    with read_snapshot(db):
        for i in range(0, len(keys), _CHUNK):
            chunk = list(keys[i:i + _CHUNK])
            marks = ",".join("?" * len(chunk))
            for key, time in db.execute(
                    f"SELECT session_key, time FROM messages WHERE session_key IN ({marks}) "
                    "AND time IS NOT NULL", chunk):
                found[key].append(time)
    return found


def save_activity(db: Database, rows: Iterable[tuple[StaleActivity, int | None]]) -> int:
    """Write each session's active seconds with what they were computed from; returns how
    many."""
    values = [(*session, seconds) for session, seconds in rows]
    if not values:
        return 0
    with db.atomic():
        db.conn.executemany(
            "INSERT OR REPLACE INTO session_activity (session_key, session_id, content_hash,"
            " messages, started_at, ended_at, active_seconds) VALUES (?, ?, ?, ?, ?, ?, ?)",
            values)
    return len(values)


def cache_sizes(db: Database) -> tuple[int, int, int]:
    """Rows in ``sessions``, ``commit_evidence`` and ``session_activity`` (each a quick count):
    cached rows beyond what the sessions account for are a deleted session's."""
    row = db.execute("SELECT (SELECT count(*) FROM sessions), (SELECT count(*) FROM "
                     "commit_evidence), (SELECT count(*) FROM session_activity)").fetchone()
    return int(row[0]), int(row[1]), int(row[2])


def forget_orphans(db: Database) -> int:
    """Drop cached rows of sessions no longer in the database (deleted); returns how many."""
    commits = "FROM commit_evidence WHERE session_id NOT IN (SELECT id FROM sessions)"
    activity = ("FROM session_activity AS a WHERE NOT EXISTS (SELECT 1 FROM sessions s "
                "WHERE s.key = a.session_key AND s.id = a.session_id)")
    wheres = (commits, activity)
    if not any(db.execute(f"SELECT 1 {where} LIMIT 1").fetchone() for where in wheres):
        return 0
    with db.atomic():
        return sum(db.execute(f"DELETE {where}").rowcount for where in wheres)


def session_evidence(db: Database, session_id: str) -> SessionEvidence:
    """The cached evidence of one session (all None where nothing is cached)."""
    row = db.execute(
        "SELECT c.commits, c.lines_added, c.lines_deleted, a.active_seconds FROM sessions s "
        "LEFT JOIN commit_evidence c ON c.session_id = s.id "
        f"LEFT JOIN session_activity a ON a.session_key = s.key AND NOT ({_ACTIVITY_STALE}) "
        "WHERE s.id = ?", [session_id]).fetchone()
    return SessionEvidence() if row is None else SessionEvidence(*row)


def all_evidence(db: Database) -> dict[str, SessionEvidence]:
    """The cached evidence of every session that has some, by session id (one query)."""
    rows = db.execute(
        "SELECT s.id, c.commits, c.lines_added, c.lines_deleted, a.active_seconds "
        "FROM sessions s "
        f"LEFT JOIN session_activity a ON a.session_key = s.key AND NOT ({_ACTIVITY_STALE}) "
        "LEFT JOIN commit_evidence c ON c.session_id = s.id "
        "WHERE a.active_seconds IS NOT NULL OR c.commits IS NOT NULL").fetchall()
    make = SessionEvidence._make
    return {row[0]: make(row[1:]) for row in rows}


def commit_counts(db: Database) -> dict[str, int]:
    """Session id → commits in its window, for the sessions whose repository was read (no
    entry: no repository, or git could not read it). Cached figures: run
    :func:`desktop_app.evidence.refresh.refresh_evidence` first for fresh ones."""
    return dict(db.execute(
        "SELECT session_id, commits FROM commit_evidence WHERE commits IS NOT NULL").fetchall())


def commit_tallies(db: Database, tool: str | None = None) -> tuple[Tally, Tally]:
    """Tallies of the coding sessions whose repository was read: (followed by at least one
    commit, followed by none). ``tool``: only that tool's sessions (its name or source)."""
    where = "c.commits IS NOT NULL"
    params: list[object] = []
    if tool is not None:
        where += " AND COALESCE(s.tool_name, s.source) = ?"
        params.append(tool)
    rows = db.execute(
        "SELECT c.commits > 0, count(*), count(r.verdict), "
        " sum(r.verdict = 'useful'), sum(r.verdict = 'not_useful'),"
        " sum(CASE WHEN r.verdict IS NOT NULL THEN r.minutes_saved END),"
        " count(CASE WHEN r.verdict IS NOT NULL THEN r.minutes_saved END) "
        "FROM commit_evidence c JOIN sessions s ON s.id = c.session_id "
        f"LEFT JOIN ratings r ON r.session_id = c.session_id WHERE {where} "
        "GROUP BY c.commits > 0", params).fetchall()
    tallies = {True: Tally(), False: Tally()}
    for followed, uses, rated, useful, not_useful, minutes_sum, minutes_n in rows:
        tallies[bool(followed)] = Tally(uses=uses, rated=rated, useful=useful or 0,
                                        not_useful=not_useful or 0,
                                        minutes_sum=minutes_sum or 0, minutes_n=minutes_n)
    return tallies[True], tallies[False]
