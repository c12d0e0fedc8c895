"""The evidence cache: commits counted in each coding session's repository and each session's
active time (tables of migration ``0013_commit_evidence``).

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

#: The activity basis of a session, in SQL: computed again when any of these change.
_BASIS = ("s.message_count || '|' || IFNULL(s.started_at, '') || '|' || "
          "IFNULL(s.ended_at, '')")
#: Message times are read for this many sessions per query.
_CHUNK = 500


class CodingSession(NamedTuple):
    """A session whose project is a folder path (a repository candidate)."""

    id: str
    project: str
    started_at: str | None
    ended_at: str | None


class CachedWindow(NamedTuple):
    """What a cached count was made from: repository, its branches' fingerprint, window."""

    repo: str
    repo_state: str
    window_start: int
    window_end: int


class StoredCommits(NamedTuple):
    """One row of ``commit_evidence`` (``commits`` None: git could not read the repository)."""

    session_id: str
    repo: str
    repo_state: str
    window_start: int
    window_end: int
    commits: int | None
    lines_added: int | None
    lines_deleted: int | None


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


def coding_sessions(db: Database) -> list[CodingSession]:
    """Sessions whose ``project`` is an absolute folder path (POSIX, or a Windows drive/UNC
    path): Claude Code's and Codex's working folder, Aider's history folder."""
    rows = db.execute(
        "SELECT id, project, started_at, ended_at FROM sessions "
        "WHERE project LIKE '/%' OR project LIKE '\\\\%' OR project GLOB '[A-Za-z]:[\\/]*'"
    ).fetchall()
    return [CodingSession(*row) for row in rows]


def cached_windows(db: Database) -> dict[str, CachedWindow]:
    """Every cached commit count's basis, by session id."""
    rows = db.execute(
        "SELECT session_id, repo, repo_state, window_start, window_end FROM commit_evidence"
    ).fetchall()
    return {row[0]: CachedWindow(*row[1:]) for row in rows}


def save_commit_evidence(db: Database, rows: Iterable[StoredCommits],
                         forget: Iterable[str] = ()) -> int:
    """Write counted rows (replacing older ones) and forget the rows of ``forget`` (sessions no
    longer in a repository, or deleted). Returns rows written plus rows forgotten."""
    rows, forget = list(rows), list(forget)
    if not rows and not forget:
        return 0
    with db.atomic():
        db.conn.executemany(
            "INSERT OR REPLACE INTO commit_evidence (session_id, repo, repo_state, window_start,"
            " window_end, commits, lines_added, lines_deleted) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            rows)
        db.conn.executemany("DELETE FROM commit_evidence WHERE session_id = ?",
                            [(sid,) for sid in forget])
    return len(rows) + len(forget)


def stale_activity(db: Database) -> list[tuple[str, int, str]]:
    """Sessions whose active time is not cached for what they hold now: (id, key, basis)."""
    rows = db.execute(
        f"SELECT s.id, s.key, {_BASIS} AS basis FROM sessions s "
        "LEFT JOIN session_activity a ON a.session_id = s.id "
        f"WHERE a.basis IS NULL OR a.basis != {_BASIS}"
    ).fetchall()
    return [(row[0], row[1], row[2]) for row in rows]


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


def save_activity(db: Database, rows: Iterable[tuple[str, str, int | None]]) -> int:
    """Write (session id, basis, active seconds) rows; returns how many."""
    rows = list(rows)
    if not rows:
        return 0
    with db.atomic():
        db.conn.executemany(
            "INSERT OR REPLACE INTO session_activity (session_id, basis, active_seconds) "
            "VALUES (?, ?, ?)", rows)
    return len(rows)


def forget_orphans(db: Database) -> int:
    """Drop cached rows of sessions no longer in the database (deleted); returns how many."""
    orphan = ("FROM {table} WHERE session_id NOT IN (SELECT id FROM sessions)")
    tables = ("commit_evidence", "session_activity")
    if not any(db.execute("SELECT 1 " + orphan.format(table=t) + " LIMIT 1").fetchone()
               for t in tables):
        return 0
    removed = 0
    with db.atomic():
        for table in tables:
            removed += db.execute("DELETE " + orphan.format(table=table)).rowcount
    return removed


_EVIDENCE_SELECT = (
    "SELECT s.id, c.commits, c.lines_added, c.lines_deleted, a.active_seconds FROM sessions s "
    "LEFT JOIN commit_evidence c ON c.session_id = s.id "
    "LEFT JOIN session_activity a ON a.session_id = s.id")


def session_evidence(db: Database, session_id: str) -> SessionEvidence:
    """The cached evidence of one session (all None where nothing is cached)."""
    row = db.execute(_EVIDENCE_SELECT + " WHERE s.id = ?", [session_id]).fetchone()
    return SessionEvidence() if row is None else SessionEvidence(*row[1:])


def all_evidence(db: Database) -> dict[str, SessionEvidence]:
    """The cached evidence of every session that has some, by session id (one query)."""
    rows = db.execute(
        "SELECT session_id, commits, lines_added, lines_deleted, NULL FROM commit_evidence "
        "WHERE session_id NOT IN (SELECT session_id FROM session_activity) "
        "UNION ALL "
        "SELECT a.session_id, c.commits, c.lines_added, c.lines_deleted, a.active_seconds "
        "FROM session_activity a LEFT JOIN commit_evidence c ON c.session_id = a.session_id"
    ).fetchall()
    return {row[0]: SessionEvidence(*row[1:]) for row in rows}


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
