"""Writing sessions with their messages, and reading them back: filtered, sorted, searched."""

from __future__ import annotations

import sqlite3
from array import array
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlite_utils import Database

from desktop_app.domain import (
    Message,
    Rating,
    Session,
    SessionRow,
    Verdict,
    parse_utc,
    utc_iso,
)
from desktop_app.store.deletion import has_tombstones
from desktop_app.store.indexing import enqueue, index_now, unindex
from desktop_app.store.rules import NeutralTitle, RuleAction, RuleSet, load_rules, without_text


class SessionNotFoundError(LookupError):
    """No session has this id (or id prefix)."""


class AmbiguousSessionIdError(LookupError):
    """An id prefix matches more than one session."""


MIN_PREFIX = 6


class Outcome(StrEnum):
    """What :func:`save_sessions` did with one session it was given."""

    NEW = "new"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    #: An older copy of a stored session: the stored (newer) one was kept.
    OLDER = "older"
    #: The user deleted this session (it is tombstoned): not stored again.
    DELETED_EARLIER = "deleted_earlier"
    #: A skip rule matches this session: not stored (a copy stored before stays as it was).
    EXCLUDED = "excluded"


@dataclass
class SaveCounts:
    """What :func:`save_sessions` did.

    An older copy kept out is counted in ``unchanged`` (the import report counts it there); its
    outcome says which it was. A session the user deleted is counted in ``deleted_earlier``,
    one a skip rule keeps out in ``excluded``.
    """

    new: int = 0
    updated: int = 0
    unchanged: int = 0
    messages: int = 0
    deleted_earlier: int = 0
    excluded: int = 0
    #: One outcome per session given to the call, in order.
    outcomes: list[Outcome] = field(default_factory=list)
    #: Ids of the sessions given that are not stored with their text as read: kept out
    #: (deleted earlier, excluded) or stored without text. A parser's saved state of them
    #: (which may hold text, and describes what was read) must not be stored.
    no_state: set[str] = field(default_factory=set)
    #: Stored sessions whose text this call removed (a no-text rule met a changed session
    #: stored with text): the caller makes that text really gone (see ``deletion.erase``).
    erased: int = 0


def _neutral_title(tool_key: str) -> str:
    return f"{tool_key} session"


def save_sessions(db: Database, sessions: Iterable[Session], *, import_id: int | None = None,
                  parser_version: str = "1", by_length: bool = False,
                  rules: RuleSet | None = None,
                  neutral_title: NeutralTitle = _neutral_title,
                  index: bool = True) -> SaveCounts:
    """Insert new sessions, replace changed ones, skip unchanged ones (same content hash) and
    older copies of stored ones (see :func:`is_older_copy`).

    ``by_length``: the sessions are copies (an export, one of its batch zips, a file met twice):
    where update times do not decide, a copy must have more messages than the stored one to
    replace it. Without it, such a session replaces the stored one whatever its length, as a
    tool's own log read again must (a streamed answer grows in place, tokens arrive after the
    text, a request can be undone).

    A session the user deleted (its id is a tombstone, see :mod:`.deletion`) is never stored
    again: its outcome is ``DELETED_EARLIER``.

    The import rules (``rules``; read from the database when not given, see :mod:`.rules`)
    apply to what is written. A session a skip rule matches is not written (``EXCLUDED``),
    one a no-text rule matches is written without text, titled ``neutral_title(tool key)``
    (its content hash is that of the no-text copy, so that the same session read again under
    the rule is unchanged). A copy stored before the rule was added is left as it is while
    the session read is equal to it (``UNCHANGED``): a rule changes stored sessions only when
    the user applies it to them.

    ``index``: the sessions written are added to the full-text indexes in this call. Without
    it they are queued, and indexed afterwards in short steps (an import's second phase, see
    :mod:`.indexing`): a search does not find them until then.

    Ratings are never touched. Runs inside the caller's transaction when there is one, otherwise
    in one of its own, so a failure leaves the database as it was.
    """
    counts = SaveCounts()
    written: dict[int, str] = {}  # key -> title of sessions not in the FTS indexes yet
    with db.atomic():
        check = has_tombstones(db)  # once per call: most databases have none
        if rules is None:
            rules = load_rules(db)
        sessions = list(sessions)
        stored = _stored_rows(db, sessions)  # one query per batch, not one per session
        for session in sessions:
            if check and _is_tombstoned(db, session.id):
                counts.deleted_earlier += 1
                counts.outcomes.append(Outcome.DELETED_EARLIER)
                counts.no_state.add(session.id)
                continue
            action = rules.action_for_session(session) if rules else None
            if action is None:
                _save_one(db, session, import_id, parser_version, by_length, counts, written,
                          stored=stored)
            elif action is RuleAction.SKIP:
                _exclude(db, session, parser_version, counts)
            else:
                kept = without_text(session, neutral_title(session.tool_name or session.source))
                _save_one(db, kept, import_id, parser_version, by_length, counts, written,
                          original=session, stored=stored)
        _facts_to_ratings(db, [s.id for s, outcome in zip(sessions, counts.outcomes, strict=True)
                               if outcome is Outcome.NEW])
        if index:
            index_now(db, list(written))
        else:
            enqueue(db, written)
    return counts


#: A rating's copy of its session's facts (see store migration 0003).
_FACTS = "started_at, source, tokens_in, tokens_out"


def _facts_to_ratings(db: Database, session_ids: list[str]) -> None:
    """Copy the facts of sessions just stored onto ratings made before they were (a rating
    restored or synced ahead of its session). Triggers keep them afterwards; this replaces the
    one that ran for every session inserted (migration 0018)."""
    for start in range(0, len(session_ids), 500):
        chunk = session_ids[start:start + 500]
        db.conn.execute(
            f"UPDATE ratings SET ({_FACTS}) = (SELECT {_FACTS} FROM sessions s "
            f"WHERE s.id = ratings.session_id) WHERE session_id IN ({', '.join('?' * len(chunk))})",
            chunk)


def _exclude(db: Database, s: Session, parser_version: str, counts: SaveCounts) -> None:
    """A session a skip rule matches: not written. Equal to a copy stored before the rule
    existed: unchanged (that copy stays until the user applies the rule to it)."""
    row = db.conn.execute("SELECT content_hash, no_text FROM sessions WHERE id = ?",
                          (s.id,)).fetchone()
    if row is not None and row[0] == s.content_hash(parser_version):
        counts.unchanged += 1
        counts.outcomes.append(Outcome.UNCHANGED)
        if row[1]:
            counts.no_state.add(s.id)
        return
    counts.excluded += 1
    counts.outcomes.append(Outcome.EXCLUDED)
    counts.no_state.add(s.id)


def _is_tombstoned(db: Database, session_id: str) -> bool:
    return db.conn.execute("SELECT 1 FROM tombstones WHERE session_id = ?",
                           (session_id,)).fetchone() is not None


def stored_time(moment: datetime | None) -> str | None:
    """An update time as stored (ISO 8601 UTC with microseconds: text order is time order)."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    elif moment.tzinfo is not UTC:
        moment = moment.astimezone(UTC)
    # isoformat() writes microseconds only when there are some; with timespec= it takes half
    # as long again (once per session of an import).
    text = moment.isoformat()
    return text[:26] + "Z" if moment.microsecond else text[:19] + ".000000Z"


def is_older_copy(updated_at: str | None, parser_version: str, messages: int, *,
                  stored_updated_at: str | None, stored_parser_version: str | None,
                  stored_messages: int, by_length: bool = False) -> bool:
    """True when a changed copy of a session must not replace the stored one.

    Where both copies carry the source's update time, the newer wins (a tie replaces: the same
    version of the session read again). Otherwise, a copy read by another parser version than
    the stored one replaces it (a better parser reads the same file better; rows stored before
    update times were kept have no version). Between copies read by the same parser: a thread
    that is a prefix of the stored one is older, and when neither is a prefix the one with more
    messages wins, a tie keeping the stored one. Since a prefix is never longer, that is
    exactly: the new copy loses unless it has more messages. That rule applies only
    ``by_length`` (see :func:`save_sessions`); otherwise the new copy replaces the stored one.
    """
    if updated_at is not None and stored_updated_at is not None:
        return updated_at < stored_updated_at
    if not by_length or stored_parser_version != parser_version:
        return False
    return messages <= stored_messages


def known_records(db: Database, source: str) -> dict[int, list[tuple[int, int, str]]]:
    """The records of a source's sessions stored with their exact bytes' fingerprint, by the
    key of their first bytes: ``(size, fingerprint, session id)`` (see ``Session.record_head``).
    A session stored without text (a no-text rule) has no fingerprint, so it is read again."""
    known: dict[int, list[tuple[int, int, str]]] = {}
    rows = db.conn.execute(
        "SELECT record_head, record_size, fingerprint, id FROM sessions "
        "WHERE source = ? AND fingerprint IS NOT NULL AND record_head IS NOT NULL", (source,))
    for head, size, mark, sid in rows:
        entry = (size, mark, sid)
        if head in known:
            known[head].append(entry)
        else:
            known[head] = [entry]
    return known


def replaced_since(db: Database, path: str, session_ids: Iterable[str] | None) -> bool:
    """True when one of these sessions was written after the last clean import of ``path`` (one
    that skipped nothing): a newer copy from another file replaced what ``path`` holds, so the
    file is no longer simply "unchanged".

    Looked up one by one only when an import since then updated anything at all.
    ``session_ids`` None: those the file state of ``path`` remembers (looked up by SQLite).
    """
    row = db.conn.execute(
        "SELECT max(id) FROM imports WHERE path = ? AND finished_at IS NOT NULL "
        "AND error IS NULL AND skipped = 0", (path,)).fetchone()
    if row is None or row[0] is None:
        return False
    since = int(row[0])
    if db.conn.execute("SELECT 1 FROM imports WHERE id > ? AND sessions_updated > 0 LIMIT 1",
                       (since,)).fetchone() is None:
        return False
    if session_ids is None:
        return db.conn.execute(
            "SELECT 1 FROM sessions WHERE import_id > ? AND id IN (SELECT j.value FROM "
            "file_states f, json_each(f.sessions) j WHERE f.path = ?) LIMIT 1",
            (since, path)).fetchone() is not None
    ids = list(session_ids)
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        marks = ", ".join("?" for _ in chunk)
        if db.conn.execute(f"SELECT 1 FROM sessions WHERE import_id > ? AND id IN ({marks}) "
                           "LIMIT 1", [since, *chunk]).fetchone():
            return True
    return False


#: What :func:`_save_one` compares a session with: its stored row.
_STORED = ("key, content_hash, title, fingerprint, hidden_branches, tool_thumbs, message_count, "
           "updated_at, parser_version, no_text, record_head, record_size")
_NOT_LOOKED_UP = object()


def _stored_rows(db: Database, sessions: list[Session]) -> dict[str, tuple[Any, ...] | None]:
    """The stored rows of these sessions by id (None: not stored), as :func:`_save_one` reads
    them one by one."""
    ids = list(dict.fromkeys(s.id for s in sessions))
    rows: dict[str, tuple[Any, ...] | None] = dict.fromkeys(ids)
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        marks = ", ".join("?" for _ in chunk)
        for sid, *row in db.conn.execute(
                f"SELECT id, {_STORED} FROM sessions WHERE id IN ({marks})", chunk):
            rows[sid] = tuple(row)
    return rows


def _save_one(db: Database, s: Session, import_id: int | None, parser_version: str,
              by_length: bool, counts: SaveCounts, written: dict[int, str], *,
              original: Session | None = None,
              stored: dict[str, tuple[Any, ...] | None] | None = None) -> None:
    """Write one session. ``original``: the session as read, when ``s`` is its no-text copy
    (a no-text rule matched). ``stored``: rows read before (see :func:`_stored_rows`); each is
    used once, a session met again in the same call is looked up after its first copy."""
    conn = db.conn
    sid = s.id
    no_text = original is not None
    if no_text:
        counts.no_state.add(sid)  # a parser's state would hold its text
    form = s.stored(parser_version)  # worked out by a parser's worker process where it could
    times, content_hash = form.times, form.content_hash
    updated_at = stored_time(s.updated_at)
    existing: Any = _NOT_LOOKED_UP if stored is None else stored.pop(sid, _NOT_LOOKED_UP)
    if existing is _NOT_LOOKED_UP:
        existing = conn.execute(f"SELECT {_STORED} FROM sessions WHERE id = ?",
                                (sid,)).fetchone()
    values = {
        "id": sid,
        "source": s.source,
        "external_id": s.external_id,
        "title": s.title,
        "started_at": utc_iso(s.started_at),
        "ended_at": utc_iso(s.ended_at),
        "message_count": len(s.messages),
        "user_message_count": s.user_message_count,
        "model": s.model,
        "tokens_in": s.tokens_in,
        "tokens_out": s.tokens_out,
        "cost": s.cost,
        "project": s.project,
        "content_hash": content_hash,
        "import_id": import_id,
        "fingerprint": s.fingerprint,
        "record_head": s.record_head,
        "record_size": s.record_size,
        "hidden_branches": s.hidden_branches,
        "tool_thumbs": s.tool_feedback,
        "tool_name": s.tool_name,
        "updated_at": updated_at,
        "parser_version": parser_version,
        "no_text": int(no_text),
        "tokens_uncached": s.tokens_uncached,
        "tokens_cache_write": s.tokens_cache_write,
        "tokens_cache_read": s.tokens_cache_read,
    }
    if existing is not None:
        (key, old_hash, _old_title, old_fingerprint, old_branches, old_thumbs, old_count,
         old_updated, old_version, old_no_text, old_head, old_size) = existing
        if old_no_text:
            counts.no_state.add(sid)
        if (original is not None and not old_no_text and old_hash != content_hash
                and old_hash == original.content_hash(parser_version, times)):
            # Stored with its text before the no-text rule was added, and read unchanged:
            # left as it is (the user did not apply the rule to it).
            s, content_hash = original, old_hash
        if old_hash == content_hash:
            before = (old_fingerprint, old_branches, old_thumbs, old_updated, old_version,
                      old_head, old_size)
            if old_updated is not None and (updated_at is None or updated_at < old_updated):
                # the same content, an older copy of it
                after = (*before[:4], parser_version, *before[5:])
            else:
                after = (s.fingerprint, s.hidden_branches, s.tool_feedback, updated_at,
                         parser_version, s.record_head, s.record_size)
            if before != after:
                # Next time, this one takes the fast path (and rows written before a column
                # existed get its value).
                conn.execute("UPDATE sessions SET fingerprint = ?, hidden_branches = ?, "
                             "tool_thumbs = ?, updated_at = ?, parser_version = ?, "
                             "record_head = ?, record_size = ? WHERE key = ?", (*after, key))
            counts.unchanged += 1
            counts.outcomes.append(Outcome.UNCHANGED)
            return
        if is_older_copy(updated_at, parser_version, len(s.messages),
                         stored_updated_at=old_updated, stored_parser_version=old_version,
                         stored_messages=old_count, by_length=by_length):
            counts.unchanged += 1
            counts.outcomes.append(Outcome.OLDER)
            return
        if key in written:  # the same session twice in one call: its first text is not indexed
            del written[key]
        elif not old_no_text:  # a session stored without text has no index entries
            # External-content FTS: the old text must be removed before the rows change.
            unindex(db, [key])
        if no_text and not old_no_text:
            counts.erased += 1
        conn.execute("DELETE FROM messages WHERE session_key = ?", (key,))
        assignments = ", ".join(f"{col} = :{col}" for col in values)
        conn.execute(f"UPDATE sessions SET {assignments} WHERE key = :key", {**values, "key": key})
        counts.updated += 1
        counts.outcomes.append(Outcome.UPDATED)
    else:
        # Positional: binding 28 named values per session cost 15 % of the insert.
        marks = ", ".join("?" * len(values))
        cursor = conn.execute(f"INSERT INTO sessions ({', '.join(values)}) VALUES ({marks})",
                              tuple(values.values()))
        key = cursor.lastrowid
        counts.new += 1
        counts.outcomes.append(Outcome.NEW)
    conn.executemany(
        "INSERT INTO messages (session_key, seq, role, time, text, model) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        [(key, i, m.role, times[i], m.text, m.model) for i, m in enumerate(s.messages)],
    )
    if not no_text:  # kept without text: not searchable, no index entries
        written[int(key or 0)] = s.title
    counts.messages += len(s.messages)


# --- reading ---------------------------------------------------------------------------------

#: Sortable columns: name -> SQL expression over ``s`` (sessions) and ``r`` (ratings).
SORT_COLUMNS: dict[str, str] = {
    "date": "s.started_at",
    "tool": "coalesce(s.tool_name, s.source)",
    "title": "s.title COLLATE NOCASE",
    "messages": "s.message_count",
    "duration": "(julianday(s.ended_at) - julianday(s.started_at))",
    "model": "s.model COLLATE NOCASE",
    "tokens": "(COALESCE(s.tokens_in, 0) + COALESCE(s.tokens_out, 0))",
    "verdict": "r.verdict",
    "minutes": "r.minutes_saved",
    "labels": "(SELECT group_concat(label) FROM session_labels sl WHERE sl.session_id = s.id)",
}


@dataclass(frozen=True)
class SessionQuery:
    """Which sessions to list and in what order. Everything is done in SQL.

    ``started_from`` / ``started_before`` are aware datetimes (the UI turns local dates into them).
    ``source`` keeps a source's sessions (all of them); ``tool`` keeps a tool's as the table shows
    and groups them (``SessionRow.tool_key``: a generic row's own tool name, else its source).
    """

    source: str | None = None
    search: str | None = None
    verdict: Verdict | None = None
    label: str | None = None
    started_from: datetime | None = None
    started_before: datetime | None = None
    has_note: bool = False
    order_by: str = "date"
    descending: bool = True
    tool: str | None = None


#: SQL: session ``s`` belongs to the tool key given twice (see ``SessionRow.tool_key``).
TOOL_IS = "s.source = ? AND s.tool_name IS NULL OR s.tool_name = ?"


def _where(db: Database, query: SessionQuery) -> tuple[str, list[Any], bool]:
    """SQL WHERE clause and its arguments, and whether it refers to ratings (``r``)."""
    clauses: list[str] = []
    args: list[Any] = []
    if query.source:
        clauses.append("s.source = ?")
        args.append(query.source)
    if query.tool:
        clauses.append(f"({TOOL_IS})")
        args.extend([query.tool, query.tool])
    if query.verdict is Verdict.UNRATED:
        clauses.append("r.verdict IS NULL")
    elif query.verdict is not None:
        clauses.append("r.verdict = ?")
        args.append(query.verdict.value)
    if query.label:
        clauses.append("s.id IN (SELECT session_id FROM session_labels WHERE label = ?)")
        args.append(query.label)
    if query.started_from:
        clauses.append("s.started_at >= ?")
        args.append(utc_iso(query.started_from))
    if query.started_before:
        clauses.append("s.started_at < ?")
        args.append(utc_iso(query.started_before))
    if query.has_note:
        clauses.append("COALESCE(r.note, '') != ''")
    fts = db.quote_fts(query.search.strip()) if query.search and query.search.strip() else ""
    if fts:
        clauses.append(
            "s.key IN (SELECT rowid FROM sessions_fts WHERE sessions_fts MATCH ? "
            "UNION SELECT m.session_key FROM messages_fts JOIN messages m "
            "ON m.id = messages_fts.rowid WHERE messages_fts MATCH ?)"
        )
        args.extend([fts, fts])
    needs_ratings = query.verdict is not None or query.has_note
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", args, needs_ratings


class QueryCancelledError(Exception):
    """A query stopped early because its caller asked it to (see ``session_key_array``)."""


def session_keys(db: Database, query: SessionQuery | None = None) -> list[int]:
    """The integer keys of matching sessions in display order (cheap: one int per row).

    Newest-first by date, the default, walks the started_at index without a sort; ratings are
    joined only when a filter or the order needs them.
    """
    sql, args = _keys_sql(db, query or SessionQuery())
    return [row[0] for row in db.conn.execute(sql, args)]


#: SQLite asks whether to stop every this many virtual machine steps (a fraction of a ms).
_CANCEL_CHECK_STEPS = 20_000


def session_key_array(db: Database, query: SessionQuery | None = None, *,
                      cancelled: Callable[[], bool] | None = None) -> array[int]:
    """``session_keys`` as a packed array: 8 bytes a session, no Python object kept per row.

    With ``cancelled``, SQLite asks it while the query runs and stops soon after it returns
    True: :class:`QueryCancelledError` (a search the user has typed past).
    """
    sql, args = _keys_sql(db, query or SessionQuery())
    conn = db.conn
    if cancelled is not None:
        conn.set_progress_handler(lambda: 1 if cancelled() else 0, _CANCEL_CHECK_STEPS)
    try:
        return array("q", (row[0] for row in conn.execute(sql, args)))
    except sqlite3.OperationalError as exc:
        if cancelled is not None and cancelled():
            raise QueryCancelledError from exc
        raise
    finally:
        if cancelled is not None:
            conn.set_progress_handler(None, 0)


def _keys_sql(db: Database, query: SessionQuery) -> tuple[str, list[Any]]:
    where, args, needs_ratings = _where(db, query)
    expr = SORT_COLUMNS.get(query.order_by, SORT_COLUMNS["date"])
    direction = "DESC" if query.descending else "ASC"
    needs_ratings = needs_ratings or expr.startswith("r.")
    join = " LEFT JOIN ratings r ON r.session_id = s.id" if needs_ratings else ""
    # SQLite sorts NULLs last in DESC order already; only ASC needs the extra term.
    nulls_last = f"{expr} IS NULL, " if direction == "ASC" else ""
    sql = (f"SELECT s.key FROM sessions s{join}{where} "
           f"ORDER BY {nulls_last}{expr} {direction}, s.key {direction}")
    return sql, args


_ROW_SQL = """
SELECT s.key, s.id, s.source, s.external_id, s.title, s.started_at, s.ended_at, s.message_count,
       s.user_message_count, s.model, s.tokens_in, s.tokens_out, s.cost, s.project, s.tool_name,
       r.verdict, r.minutes_saved, r.reason, r.note, r.rated_at, s.no_text,
       s.tokens_uncached, s.tokens_cache_write, s.tokens_cache_read,
       (SELECT group_concat(sl.label, char(31)) FROM (
            SELECT sl.label FROM session_labels sl LEFT JOIN labels l ON l.name = sl.label
            WHERE sl.session_id = s.id ORDER BY COALESCE(l.position, 1e9), sl.label) sl) AS labels
FROM sessions s LEFT JOIN ratings r ON r.session_id = s.id
"""


def _row(values: Sequence[Any]) -> SessionRow:
    (_key, sid, source, external_id, title, started, ended, n_msg, n_user, model, t_in, t_out,
     cost, project, tool_name, verdict, minutes, reason, note, rated_at, no_text,
     uncached, cache_write, cache_read, labels) = values
    rating = Rating(
        verdict=Verdict(verdict) if verdict else Verdict.UNRATED,
        minutes_saved=minutes,
        labels=tuple(labels.split("\x1f")) if labels else (),
        reason=reason,
        note=note,
        rated_at=parse_utc(rated_at),
    )
    return SessionRow(
        id=sid, source=source, external_id=external_id, title=title,
        started_at=parse_utc(started), ended_at=parse_utc(ended), messages=n_msg,
        user_messages=n_user, model=model, tokens_in=t_in, tokens_out=t_out, cost=cost,
        project=project, rating=rating, tool_name=tool_name, no_text=bool(no_text),
        tokens_uncached=uncached, tokens_cache_write=cache_write, tokens_cache_read=cache_read,
    )


def session_rows(db: Database, keys: Sequence[int]) -> dict[int, SessionRow]:
    """Full rows for a page of keys (one query), keyed by key."""
    if not keys:
        return {}
    marks = ", ".join("?" for _ in keys)
    cursor = db.conn.execute(f"{_ROW_SQL} WHERE s.key IN ({marks})", list(keys))
    return {values[0]: _row(values) for values in cursor}


def list_sessions(db: Database, query: SessionQuery | None = None) -> list[SessionRow]:
    """Every matching session as a row, in display order (for the CLI; the UI pages instead)."""
    keys = session_keys(db, query)
    rows: list[SessionRow] = []
    for start in range(0, len(keys), 500):
        page = keys[start:start + 500]
        found = session_rows(db, page)
        rows.extend(found[k] for k in page)
    return rows


def count_sessions(db: Database) -> int:
    """How many sessions are stored."""
    return int(db.conn.execute("SELECT count(*) FROM sessions").fetchone()[0])


def stored_ids(db: Database, session_ids: Iterable[str]) -> set[str]:
    """The ids among ``session_ids`` that are stored."""
    ids = list(session_ids)
    found: set[str] = set()
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        marks = ", ".join("?" for _ in chunk)
        found.update(str(row[0]) for row in db.conn.execute(
            f"SELECT id FROM sessions WHERE id IN ({marks})", chunk))
    return found


def count_unsearchable(db: Database, query: SessionQuery | None = None) -> int:
    """How many sessions kept without text (see :mod:`.rules`) the query's filters, its
    search left aside, let through: a search cannot find them. Costs nothing where no
    session is kept without text (a partial index holds only those)."""
    if db.conn.execute("SELECT 1 FROM sessions WHERE no_text = 1 LIMIT 1").fetchone() is None:
        return 0
    query = replace(query or SessionQuery(), search=None)
    where, args, needs_ratings = _where(db, query)
    join = " LEFT JOIN ratings r ON r.session_id = s.id" if needs_ratings else ""
    clause = f"{where} AND s.no_text = 1" if where else " WHERE s.no_text = 1"
    return int(db.conn.execute(f"SELECT count(*) FROM sessions s{join}{clause}",
                               args).fetchone()[0])


def session_key(db: Database, session_id: str) -> int | None:
    """The integer key of a session id, or None."""
    row = db.conn.execute("SELECT key FROM sessions WHERE id = ?", (session_id,)).fetchone()
    return None if row is None else int(row[0])


def resolve_session_id(db: Database, id_or_prefix: str) -> str:
    """The full id for an id or a unique prefix of at least six characters."""
    text = id_or_prefix.strip().lower()
    if not text:
        raise SessionNotFoundError("No session id given")
    exact = db.conn.execute("SELECT id FROM sessions WHERE id = ?", (text,)).fetchone()
    if exact:
        return str(exact[0])
    if len(text) < MIN_PREFIX:
        raise SessionNotFoundError(
            f"No session with id {id_or_prefix!r} (a prefix needs at least {MIN_PREFIX} characters)"
        )
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    found = [
        row[0]
        for row in db.conn.execute(
            "SELECT id FROM sessions WHERE id LIKE ? ESCAPE '\\' LIMIT 2", (escaped + "%",)
        )
    ]
    if not found:
        raise SessionNotFoundError(f"No session with id {id_or_prefix!r}")
    if len(found) > 1:
        raise AmbiguousSessionIdError(
            f"The id prefix {id_or_prefix!r} matches more than one session; give more characters"
        )
    return str(found[0])


def get_session(db: Database, session_id: str) -> SessionRow:
    """One session with its rating, by full id."""
    cursor = db.conn.execute(f"{_ROW_SQL} WHERE s.id = ?", (session_id,))
    values = cursor.fetchone()
    if values is None:
        raise SessionNotFoundError(f"No session with id {session_id!r}")
    return _row(values)


def get_transcript(db: Database, session_id: str, limit: int | None = None) -> list[Message]:
    """The visible thread of a session, in order (optionally only the first ``limit`` entries)."""
    sql = (
        "SELECT m.role, m.text, m.time, m.model FROM messages m JOIN sessions s "
        "ON s.key = m.session_key WHERE s.id = ? ORDER BY m.seq"
    )
    args: list[Any] = [session_id]
    if limit is not None:
        sql += " LIMIT ?"
        args.append(limit)
    return [
        Message(role=role, text=text, time=parse_utc(time), model=model)
        for role, text, time, model in db.conn.execute(sql, args)
    ]


def tools_present(db: Database) -> list[str]:
    """The tools that have at least one session, most sessions first, as ``SessionRow.tool_key``
    (a generic row's own tool name, else the source)."""
    counts = {
        str(source): int(n)
        for source, n in db.conn.execute("SELECT source, count(*) FROM sessions GROUP BY source")
    }
    # Named rows are few and read through their partial index (store migration 0009).
    for source, name, n in db.conn.execute(
        "SELECT source, tool_name, count(*) FROM sessions INDEXED BY sessions_tool_name "
        "WHERE tool_name IS NOT NULL GROUP BY source, tool_name"
    ):
        counts[source] -= n
        counts[name] = counts.get(name, 0) + n
    return sorted((k for k, n in counts.items() if n > 0), key=lambda k: (-counts[k], k))


def search_snippet(db: Database, session_id: str, search: str, width: int = 12) -> str | None:
    """A short excerpt of the first message of a session that matches ``search`` (``[hit]``)."""
    fts = db.quote_fts(search.strip()) if search.strip() else ""
    if not fts:
        return None
    row = db.conn.execute(
        "SELECT snippet(messages_fts, 0, '[', ']', '…', ?) FROM messages_fts "
        "JOIN messages m ON m.id = messages_fts.rowid JOIN sessions s ON s.key = m.session_key "
        "WHERE messages_fts MATCH ? AND s.id = ? ORDER BY m.seq LIMIT 1",
        (width, fts, session_id),
    ).fetchone()
    return str(row[0]) if row else None
