"""Writing back sessions and ratings read from Worthwhile's own export (a person's new laptop).

The sessions keep their original source and id. A copy from the export replaces a stored
session only when it is newer (the tool's update time; without one, more messages); a copy
without transcript never replaces one. A rating from the export replaces a stored rating only
when it was given later (``rated_at``). Storage knows no format: the caller parses the file.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlite_utils import Database

from desktop_app.domain import DEFAULT_LABELS, DEFAULT_REASONS, RestoredSession, parse_utc
from desktop_app.store.deletion import tombstoned
from desktop_app.store.ratings import set_rating
from desktop_app.store.rules import NeutralTitle, mark_without_text
from desktop_app.store.sessions import Outcome, save_sessions, stored_time


@dataclass
class RestoreCounts:
    """What :func:`restore_sessions` did with a batch."""

    new: int = 0
    updated: int = 0
    unchanged: int = 0
    messages: int = 0
    #: Sessions with messages stored by this batch without them (the export had no
    #: transcripts).
    without_transcript: int = 0
    #: Copies kept out because the stored session is newer (counted in ``unchanged``).
    older: list[RestoredSession] = field(default_factory=list)
    #: Ratings written, and ratings left as stored because the stored one was given later.
    ratings_restored: int = 0
    ratings_kept: int = 0
    #: Sessions the user deleted (tombstoned): neither they nor their ratings come back.
    deleted_earlier: int = 0


@dataclass(frozen=True, slots=True)
class _Stored:
    updated_at: str | None
    message_count: int
    #: Stored from an export without transcripts: counts but no messages.
    metadata_only: bool


def _stored(db: Database, ids: list[str]) -> dict[str, _Stored]:
    marks = ", ".join("?" for _ in ids)
    rows = db.conn.execute(
        "SELECT s.id, s.updated_at, s.message_count, "
        "NOT EXISTS (SELECT 1 FROM messages m WHERE m.session_key = s.key) "
        f"FROM sessions s WHERE s.id IN ({marks})", ids)
    return {sid: _Stored(updated, int(count), bool(empty) and int(count) > 0)
            for sid, updated, count, empty in rows}


def _replaces(item: RestoredSession, stored: _Stored) -> bool | None:
    """True: the export's copy replaces the stored session; False: the stored one is newer
    (the copy is an older one); None: the same session (or a copy without transcript): the
    stored one stays and nothing is said."""
    if not item.has_transcript:
        return None
    if stored.metadata_only:
        return True  # fills in the messages (unless older by update time: see save_sessions)
    updated = stored_time(item.session.updated_at)
    if updated is not None and stored.updated_at is not None:
        if updated == stored.updated_at:
            return None
        return updated > stored.updated_at
    if item.messages == stored.message_count:
        return None
    return item.messages > stored.message_count


def restore_sessions(db: Database, items: Sequence[RestoredSession], *,
                     import_id: int | None, parser_version: str,
                     neutral_title: NeutralTitle | None = None,
                     index: bool = True) -> RestoreCounts:
    """Store a batch of sessions read from an export, and their ratings (one transaction).

    ``index``: as :func:`~desktop_app.store.sessions.save_sessions`'s (False: queued, indexed
    in an import's second phase).

    New sessions are inserted (without transcript: with the counts the export recorded and no
    messages). A stored session is replaced only by a newer copy with transcript (see
    :func:`_replaces`); a stored session without messages is filled in by a copy with them.
    Each rating is written unless the session has a rating given at the same time or later.
    """
    counts = RestoreCounts()
    if not items:
        return counts
    with db.atomic():
        gone = tombstoned(db, [item.session.id for item in items])
        if gone:
            counts.deleted_earlier = sum(item.session.id in gone for item in items)
            items = [item for item in items if item.session.id not in gone]
        stored = _stored(db, [item.session.id for item in items])
        full: list[RestoredSession] = []
        bare: list[RestoredSession] = []
        for item in items:
            old = stored.get(item.session.id)
            decision = True if old is None else _replaces(item, old)
            if decision is None:
                counts.unchanged += 1
            elif decision is False:
                counts.unchanged += 1
                counts.older.append(item)
            else:
                (full if item.has_transcript else bare).append(item)
        for group in (full, bare):
            if group:
                _save(db, group, import_id, parser_version, counts, index)
        # Kept without text where they were exported: kept so here too (no text came anyway).
        textless = [item.session.id for item in full + bare if item.no_text]
        if textless and neutral_title is not None:
            mark_without_text(db, textless, neutral_title)
        _restore_ratings(db, items, counts)
    return counts


def _save(db: Database, items: list[RestoredSession], import_id: int | None,
          parser_version: str, counts: RestoreCounts, index: bool) -> None:
    done = save_sessions(db, [item.session for item in items], import_id=import_id,
                         parser_version=parser_version, index=index)
    counts.new += done.new
    counts.updated += done.updated
    counts.unchanged += done.unchanged
    counts.messages += done.messages
    for item, outcome in zip(items, done.outcomes, strict=True):
        if outcome is Outcome.OLDER:
            counts.older.append(item)
        elif outcome is not Outcome.UNCHANGED and not item.has_transcript:
            # No messages came with it: keep the counts the tool recorded.
            db.conn.execute(
                "UPDATE sessions SET message_count = ?, user_message_count = ? WHERE id = ?",
                (item.messages, item.user_messages, item.session.id))
            if item.messages:
                counts.without_transcript += 1


def _restore_ratings(db: Database, items: Sequence[RestoredSession],
                     counts: RestoreCounts) -> None:
    rated = [item for item in items if not item.rating.is_empty]
    if not rated:
        return
    ids = [item.session.id for item in rated]
    marks = ", ".join("?" for _ in ids)
    stored = {
        sid: parse_utc(rated_at)
        for sid, rated_at in db.conn.execute(
            f"SELECT session_id, rated_at FROM ratings WHERE session_id IN ({marks})", ids)
    }
    for item in rated:
        sid = item.session.id
        new_time = item.rating.rated_at
        if sid in stored:
            old_time = stored[sid]
            if new_time is not None and new_time == old_time:
                continue  # the same rating (the same export imported again)
            # A rating without a time is never newer than one that has it.
            if new_time is None or (old_time is not None and new_time < old_time):
                counts.ratings_kept += 1
                continue
        set_rating(db, sid, item.rating)
        stored[sid] = new_time
        counts.ratings_restored += 1


# --- the person's lists --------------------------------------------------------------------


def _names(db: Database, table: str) -> list[str]:
    # table is "labels" or "reasons", never user input
    return [row[0] for row in db.conn.execute(f"SELECT name FROM {table} ORDER BY position, name")]


def lists_are_default(db: Database) -> bool:
    """True while the label and reason lists are the ones a new database starts with."""
    return (_names(db, "labels") == list(DEFAULT_LABELS)
            and _names(db, "reasons") == list(DEFAULT_REASONS))


def restore_lists(db: Database, labels: Sequence[str], reasons: Sequence[str], *,
                  adopt: bool) -> None:
    """Bring the export's label and reason lists in.

    ``adopt`` (the database still had the lists it started with): the lists become the
    export's, in its order; labels that sessions carry but the export did not list stay, after
    them. Otherwise the person's lists stay as they are and the export's missing names are
    added at the end, in the export's order. An empty list in the export changes nothing.
    """
    with db.atomic():
        for table, names in (("labels", labels), ("reasons", reasons)):
            if not names:
                continue
            current = _names(db, table)
            if adopt:
                used = ({row[0] for row in db.conn.execute(
                    "SELECT DISTINCT label FROM session_labels")} if table == "labels" else set())
                final = list(dict.fromkeys([*names, *(n for n in current if n in used)]))
                db.conn.execute(f"DELETE FROM {table}")
            else:
                final = current + [n for n in dict.fromkeys(names) if n not in current]
            db.conn.executemany(f"INSERT OR REPLACE INTO {table} (name, position) VALUES (?, ?)",
                                [(name, i) for i, name in enumerate(final)])
