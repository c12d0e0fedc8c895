"""Import rules: sessions an import keeps out (``skip``) or stores without text (``no-text``).

A rule has one selector. ``source`` names a source exactly (``claude-code``). ``project`` and
``title`` are globs in the style of shell wildcards (Python's :mod:`fnmatch`): ``*`` is any run
of characters, ``/`` included (``~/work/acme*`` takes every folder below it), ``?`` is one
character, ``[abc]`` / ``[!abc]`` one of (or none of) those characters. A glob matches the whole
value, ignoring case. A project glob that starts with ``~`` also matches the project written
with the home folder spelled out, and ``\\`` counts as ``/`` in projects (Windows paths). A
session without a project never matches a project rule. A title rule matches the title the
source gave the session, before a no-text rule replaces it. Where a skip and a no-text rule
both match, skip wins (it keeps more out).

Every import applies the rules (see :func:`desktop_app.store.sessions.save_sessions`).
Applying a rule to the sessions stored already is the user's choice (:func:`apply_rule`); it
goes through the same "really gone" path as deleting (:func:`.deletion.erase`).
"""

from __future__ import annotations

import fnmatch
import os
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from enum import StrEnum
from functools import cached_property

from sqlite_utils import Database

from desktop_app.domain import Message, Session, parse_utc, utc_iso
from desktop_app.store.deletion import (
    DeletionCount,
    count_sessions_to_delete,
    delete_sessions,
    erase,
)
from desktop_app.store.indexing import unindex

#: The title a no-text session gets, from its tool key (``SessionRow.tool_key``): the caller
#: knows the tools' display names ("Claude Code session").
NeutralTitle = Callable[[str], str]

_CHUNK = 500


class RuleError(ValueError):
    """A rule that cannot be stored: an empty pattern, an unknown action or selector."""


class RuleAction(StrEnum):
    """What a rule does to the sessions it matches."""

    SKIP = "skip"
    NO_TEXT = "no-text"


class Selector(StrEnum):
    """What a rule's pattern is matched against."""

    SOURCE = "source"
    PROJECT = "project"
    TITLE = "title"


def _glob(pattern: str) -> re.Pattern[str]:
    return re.compile(fnmatch.translate(pattern.casefold()), re.DOTALL)


@dataclass(frozen=True)
class Rule:
    """One stored rule. ``created_at`` is ISO 8601 UTC."""

    id: int
    action: RuleAction
    selector: Selector
    pattern: str
    created_at: str

    def to_json(self) -> dict[str, object]:
        """The ``rules list --json`` object."""
        return {"id": self.id, "action": self.action.value, "selector": self.selector.value,
                "pattern": self.pattern, "created_at": self.created_at}

    @cached_property
    def _matchers(self) -> tuple[re.Pattern[str], ...]:
        if self.selector is not Selector.PROJECT:
            return (_glob(self.pattern),)
        pattern = self.pattern.replace("\\", "/")
        found = [_glob(pattern)]
        if pattern.startswith("~"):
            expanded = os.path.expanduser(pattern).replace("\\", "/")
            if expanded != pattern:
                found.append(_glob(expanded))
        return tuple(found)

    def matches(self, source: str, project: str | None, title: str) -> bool:
        """True when a session of this source, project and (original) title matches."""
        if self.selector is Selector.SOURCE:
            return source.casefold() == self.pattern.casefold()
        if self.selector is Selector.PROJECT:
            if project is None:
                return False
            value = project.replace("\\", "/").casefold()
        else:
            value = title.casefold()
        return any(m.match(value) is not None for m in self._matchers)


class RuleSet:
    """The rules an import applies, ready to match many sessions."""

    def __init__(self, rules: Iterable[Rule] = ()) -> None:
        self.rules = tuple(rules)
        self._skip = [r for r in self.rules if r.action is RuleAction.SKIP]
        self._no_text = [r for r in self.rules if r.action is RuleAction.NO_TEXT]

    def __bool__(self) -> bool:
        return bool(self.rules)

    @property
    def has_no_text(self) -> bool:
        """True when some rule stores sessions without text."""
        return bool(self._no_text)

    def action_for(self, source: str, project: str | None, title: str) -> RuleAction | None:
        """What the rules do to such a session: skip wins over no-text; None when no rule
        matches."""
        if any(r.matches(source, project, title) for r in self._skip):
            return RuleAction.SKIP
        if any(r.matches(source, project, title) for r in self._no_text):
            return RuleAction.NO_TEXT
        return None

    def action_for_session(self, session: Session) -> RuleAction | None:
        """:meth:`action_for` a parsed session."""
        if not self.rules:
            return None
        return self.action_for(session.source, session.project, session.title)


# --- storing rules -----------------------------------------------------------------------------

_COLUMNS = "id, action, selector, pattern, created_at"


def _rule(row: Sequence[object]) -> Rule:
    rid, action, selector, pattern, created = row
    return Rule(int(str(rid)), RuleAction(str(action)), Selector(str(selector)), str(pattern),
                str(created))


def add_rule(db: Database, action: str, selector: str, pattern: str) -> tuple[Rule, bool]:
    """Store a rule; returns it and whether it is new (an equal rule is not stored twice).

    Raises :class:`RuleError` for an unknown action or selector, or an empty pattern.
    """
    try:
        act, sel = RuleAction(action), Selector(selector)
    except ValueError as exc:
        raise RuleError(str(exc)) from None
    text = pattern.strip()
    if not text:
        raise RuleError("the pattern is empty")
    if sel is Selector.SOURCE:
        text = text.lower()
    with db.atomic():
        row = db.conn.execute(
            f"SELECT {_COLUMNS} FROM rules WHERE action = ? AND selector = ? AND pattern = ?",
            (act.value, sel.value, text)).fetchone()
        if row is not None:
            return _rule(row), False
        now = utc_iso(datetime.now(UTC))
        cursor = db.conn.execute(
            "INSERT INTO rules (action, selector, pattern, created_at) VALUES (?, ?, ?, ?)",
            (act.value, sel.value, text, now))
        return Rule(int(cursor.lastrowid or 0), act, sel, text, str(now)), True


def list_rules(db: Database) -> list[Rule]:
    """Every rule, oldest first."""
    return [_rule(row) for row in db.conn.execute(f"SELECT {_COLUMNS} FROM rules ORDER BY id")]


def get_rule(db: Database, rule_id: int) -> Rule | None:
    """One rule by id, or None."""
    row = db.conn.execute(f"SELECT {_COLUMNS} FROM rules WHERE id = ?", (rule_id,)).fetchone()
    return None if row is None else _rule(row)


def load_rules(db: Database) -> RuleSet:
    """The rules as an import applies them."""
    return RuleSet(list_rules(db))


#: SQL: a file state names a session that rules kept out: not stored (and not deleted by the
#: user: a tombstone keeps those out), or stored without text.
_HOLDS_KEPT_OUT = (
    "EXISTS (SELECT 1 FROM json_each(file_states.sessions) j "
    "LEFT JOIN sessions s ON s.id = j.value "
    "WHERE (s.id IS NULL AND NOT EXISTS (SELECT 1 FROM tombstones t "
    "WHERE t.session_id = j.value)) OR s.no_text = 1)")


def remove_rule(db: Database, rule_id: int) -> Rule | None:
    """Remove a rule; returns it, or None when there is no such rule.

    The files that hold sessions a rule kept out (skipped, or stored without text) are
    forgotten (their remembered size and offset), so that the next import reads them again:
    skipped sessions are stored, and sessions kept without text get their text back, where
    the file still has it and no other rule keeps it out.
    """
    with db.atomic():
        rule = get_rule(db, rule_id)
        if rule is None:
            return None
        db.conn.execute("DELETE FROM rules WHERE id = ?", (rule_id,))
        db.conn.execute(f"DELETE FROM file_states WHERE {_HOLDS_KEPT_OUT}")
        return rule


# --- rules and the sessions stored already -----------------------------------------------------

def matching_sessions(db: Database, rule: Rule) -> list[str]:
    """The ids of stored sessions that applying ``rule`` would change, oldest first.

    A no-text rule leaves sessions already without text out. A title rule never matches a
    session kept without text: its own title is gone.
    """
    clauses: list[str] = []
    args: list[object] = []
    if rule.selector is Selector.SOURCE:
        clauses.append("source = ?")
        args.append(rule.pattern)
    elif rule.selector is Selector.PROJECT:
        clauses.append("project IS NOT NULL")
    if rule.action is RuleAction.NO_TEXT or rule.selector is Selector.TITLE:
        clauses.append("no_text = 0")
    where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
    rows = db.conn.execute(
        f"SELECT id, source, project, title FROM sessions{where} ORDER BY started_at, key", args)
    return [str(sid) for sid, source, project, title in rows
            if rule.matches(str(source), project, str(title))]


def count_matching(db: Database, rule: Rule) -> DeletionCount:
    """How many stored sessions applying ``rule`` would change, and how many of them are
    rated (a skip rule deletes their ratings with them; a no-text rule keeps them)."""
    return count_sessions_to_delete(db, matching_sessions(db, rule))


@dataclass(frozen=True, slots=True)
class ApplyResult:
    """What applying a rule did: sessions deleted or stripped of their text (and ratings
    deleted with them, for a skip rule). ``wal_cleared`` as for a deletion."""

    sessions: int
    ratings: int
    wal_cleared: bool


def apply_rule(db: Database, rule: Rule, neutral_title: NeutralTitle) -> ApplyResult:
    """Apply a rule to the sessions stored already, for good.

    ``skip``: the matching sessions are deleted with their ratings, as a deletion does, but
    without tombstones: the rule keeps them out, and once it is removed they can be imported
    again. ``no-text``: their message text and titles are removed (see :func:`strip_text`).
    """
    ids = matching_sessions(db, rule)
    if rule.action is RuleAction.SKIP:
        done = delete_sessions(db, ids, tombstone=False)
        return ApplyResult(done.sessions, done.ratings, done.wal_cleared)
    stripped, wal_cleared = strip_text(db, ids, neutral_title)
    return ApplyResult(stripped, 0, wal_cleared)


def strip_text(db: Database, session_ids: Sequence[str], neutral_title: NeutralTitle
               ) -> tuple[int, bool]:
    """Keep these sessions without text, for good: their messages keep role, time and model
    with empty text, their title becomes ``neutral_title(tool key)``, their full-text index
    entries and a parser's saved state of them go, and the text is overwritten in the file
    (see :func:`.deletion.erase`). Times, counts, model, tokens, project and ratings stay.

    Returns how many sessions lost their text (those without text already are left alone)
    and whether the write-ahead log was emptied.
    """
    ids = list(dict.fromkeys(session_ids))

    def work() -> int:
        done = 0
        for start in range(0, len(ids), _CHUNK):
            done += _strip_chunk(db, ids[start:start + _CHUNK], neutral_title)
        return done

    return erase(db, work, lambda done: done > 0)


def mark_without_text(db: Database, session_ids: Sequence[str],
                      neutral_title: NeutralTitle) -> int:
    """Mark sessions whose text never reached this database as kept without text (a restore of
    sessions exported that way): their empty texts and neutral title leave the search index,
    inside the caller's transaction. Returns how many were marked."""
    ids = list(dict.fromkeys(session_ids))
    return sum(_strip_chunk(db, ids[start:start + _CHUNK], neutral_title)
               for start in range(0, len(ids), _CHUNK))


def _strip_chunk(db: Database, chunk: Sequence[str], neutral_title: NeutralTitle) -> int:
    conn = db.conn
    marks = ", ".join("?" for _ in chunk)
    found = conn.execute(
        f"SELECT key, id, title, coalesce(tool_name, source), parser_version FROM sessions "
        f"WHERE no_text = 0 AND id IN ({marks})", list(chunk)).fetchall()
    if not found:
        return 0
    keys = [row[0] for row in found]
    keymarks = ", ".join("?" for _ in keys)
    unindex(db, keys)  # what of their text is indexed (see .indexing)
    conn.execute(f"UPDATE messages SET text = '' WHERE session_key IN ({keymarks})", keys)
    for key, sid, _title, tool_key, version in found:
        title = neutral_title(str(tool_key))
        content_hash = None
        if version is not None:  # as the next import of it, under the rule, computes it
            stored = stored_session(db, int(key))
            content_hash = replace(stored, title=title).content_hash(str(version))
        conn.execute("UPDATE sessions SET title = ?, no_text = 1, fingerprint = NULL, "
                     "content_hash = ? WHERE key = ?", (title, content_hash, key))
        conn.execute("DELETE FROM session_states WHERE session_id = ?", (sid,))
    return len(found)


def stored_session(db: Database, key: int) -> Session:
    """A stored session read back as a :class:`Session` (what its content hash covers)."""
    row = db.conn.execute(
        "SELECT source, external_id, title, started_at, ended_at, model, tokens_in, "
        "tokens_out, cost, project, hidden_branches, tool_thumbs, tool_name, tokens_uncached, "
        "tokens_cache_write, tokens_cache_read FROM sessions WHERE key = ?", (key,)).fetchone()
    (source, external_id, title, started, ended, model, tokens_in, tokens_out, cost, project,
     branches, thumbs, tool_name, uncached, cache_write, cache_read) = row
    messages = tuple(
        Message(role, text, parse_utc(time), msg_model)
        for role, text, time, msg_model in db.conn.execute(
            "SELECT role, text, time, model FROM messages WHERE session_key = ? ORDER BY seq",
            (key,)))
    return Session(source=source, external_id=external_id, title=title,
                   started_at=parse_utc(started), ended_at=parse_utc(ended), messages=messages,
                   model=model, tokens_in=tokens_in, tokens_out=tokens_out, cost=cost,
                   project=project, hidden_branches=branches or 0, tool_feedback=thumbs,
                   tool_name=tool_name, tokens_uncached=uncached,
                   tokens_cache_write=cache_write, tokens_cache_read=cache_read)


def without_text(session: Session, title: str) -> Session:
    """A session as a no-text rule stores it: ``title`` instead of its own, messages with
    role, time and model but no text, and no fingerprint (one is computed from the text) nor
    stored form (worked out from the text)."""
    return replace(session, title=title, fingerprint=None, stored_form=None,
                   messages=tuple(Message(m.role, "", m.time, m.model)
                                  for m in session.messages))
