"""The user's ratings and labels. Only the user's actions write here; imports never do."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Final, TypeVar

from sqlite_utils import Database

from desktop_app.domain import Rating, Verdict, parse_utc, utc_iso


class _Keep:
    """Marker: leave this part of the rating as it is."""

    def __repr__(self) -> str:
        return "KEEP"


KEEP: Final = _Keep()

_T = TypeVar("_T")


def _part(old: _T, new: _T) -> _T | _Keep:
    return KEEP if old == new else new


@dataclass(frozen=True, slots=True)
class RatingEdit:
    """A change to part of a rating: what is :data:`KEEP` stays as stored, labels come and go one
    by one. An undo step stores the edit it made and the edit that takes it back, so undoing a
    verdict never writes back labels (or anything else) that a later step has renamed or removed.
    """

    verdict: Verdict | _Keep = KEEP
    minutes_saved: int | _Keep | None = KEEP
    reason: str | _Keep | None = KEEP
    note: str | _Keep | None = KEEP
    rated_at: datetime | _Keep | None = KEEP
    add_labels: tuple[str, ...] = ()
    remove_labels: tuple[str, ...] = ()

    @classmethod
    def between(cls, old: Rating, new: Rating) -> RatingEdit:
        """The edit that turns ``old`` into ``new``, holding only the parts that differ."""
        return cls(
            verdict=_part(old.verdict, new.verdict),
            minutes_saved=_part(old.minutes_saved, new.minutes_saved),
            reason=_part(old.reason, new.reason),
            note=_part(old.note, new.note),
            rated_at=_part(old.rated_at, new.rated_at),
            add_labels=tuple(x for x in new.labels if x not in old.labels),
            remove_labels=tuple(x for x in old.labels if x not in new.labels),
        )

    def applied_to(self, rating: Rating) -> Rating:
        """``rating`` with this edit made."""
        kept = tuple(x for x in rating.labels if x not in self.remove_labels)
        return Rating(
            verdict=rating.verdict if isinstance(self.verdict, _Keep) else self.verdict,
            minutes_saved=(rating.minutes_saved if isinstance(self.minutes_saved, _Keep)
                           else self.minutes_saved),
            labels=kept + tuple(x for x in self.add_labels if x not in kept),
            reason=rating.reason if isinstance(self.reason, _Keep) else self.reason,
            note=rating.note if isinstance(self.note, _Keep) else self.note,
            rated_at=rating.rated_at if isinstance(self.rated_at, _Keep) else self.rated_at,
        )


def get_rating(db: Database, session_id: str) -> Rating:
    """The rating of one session (an empty :class:`Rating` when there is none)."""
    row = db.conn.execute(
        "SELECT verdict, minutes_saved, reason, note, rated_at FROM ratings WHERE session_id = ?",
        (session_id,),
    ).fetchone()
    labels = _labels_of(db, session_id)
    if row is None:
        return Rating(labels=labels)
    verdict, minutes, reason, note, rated_at = row
    return Rating(
        verdict=Verdict(verdict) if verdict else Verdict.UNRATED,
        minutes_saved=minutes,
        labels=labels,
        reason=reason,
        note=note,
        rated_at=parse_utc(rated_at),
    )


def _labels_of(db: Database, session_id: str) -> tuple[str, ...]:
    return tuple(
        row[0]
        for row in db.conn.execute(
            "SELECT sl.label FROM session_labels sl LEFT JOIN labels l ON l.name = sl.label "
            "WHERE sl.session_id = ? ORDER BY COALESCE(l.position, 1e9), sl.label",
            (session_id,),
        )
    )


def set_rating(db: Database, session_id: str, rating: Rating) -> None:
    """Store ``rating`` as the whole rating of a session (an empty rating removes it; blank
    labels are no labels; see :func:`one_line`)."""
    labels = tuple(dict.fromkeys(x for x in map(one_line, rating.labels) if x))
    with db.atomic():
        conn = db.conn
        conn.execute("DELETE FROM session_labels WHERE session_id = ?", (session_id,))
        if replace(rating, labels=labels).is_empty:
            conn.execute("DELETE FROM ratings WHERE session_id = ?", (session_id,))
            return
        rated_at = rating.rated_at or datetime.now(UTC)
        conn.execute(
            "INSERT OR REPLACE INTO ratings (session_id, verdict, minutes_saved, reason, note, "
            "rated_at) VALUES (?, ?, ?, ?, ?, ?)",
            (
                session_id,
                None if rating.verdict is Verdict.UNRATED else rating.verdict.value,
                rating.minutes_saved,
                rating.reason or None,
                rating.note or None,
                utc_iso(rated_at),
            ),
        )
        for label in labels:
            add_label(db, label)
            conn.execute(
                "INSERT INTO session_labels (session_id, label) VALUES (?, ?)", (session_id, label)
            )


def edit_ratings(db: Database, edits: Mapping[str, RatingEdit]) -> None:
    """Make each session's edit on its stored rating, all in one transaction."""
    with db.atomic():
        for session_id, edit in edits.items():
            set_rating(db, session_id, edit.applied_to(get_rating(db, session_id)))


def update_rating(
    db: Database,
    session_id: str,
    verdict: Verdict,
    *,
    minutes_saved: int | _Keep | None = KEEP,
    labels: tuple[str, ...] | _Keep = KEEP,
    reason: str | _Keep | None = KEEP,
    note: str | _Keep | None = KEEP,
) -> Rating:
    """Apply the ``rate`` command's rules and return the new rating.

    A verdict keeps the existing minutes, labels, reason and note unless they are given;
    :attr:`Verdict.UNRATED` (``clear``) removes the whole rating.
    """
    if verdict is Verdict.UNRATED:
        set_rating(db, session_id, Rating())
        return Rating()
    old = get_rating(db, session_id)
    new = Rating(
        verdict=verdict,
        minutes_saved=old.minutes_saved if isinstance(minutes_saved, _Keep) else minutes_saved,
        labels=old.labels if isinstance(labels, _Keep) else labels,
        reason=old.reason if isinstance(reason, _Keep) else reason,
        note=old.note if isinstance(note, _Keep) else note,
        rated_at=datetime.now(UTC),
    )
    set_rating(db, session_id, new)
    return new


def list_labels(db: Database) -> list[str]:
    """The user's labels in their chosen order."""
    return [row[0] for row in db.conn.execute("SELECT name FROM labels ORDER BY position, name")]


def list_reasons(db: Database) -> list[str]:
    """The reasons offered when a session was not useful, in order."""
    return [row[0] for row in db.conn.execute("SELECT name FROM reasons ORDER BY position, name")]


def count_rated(db: Database) -> int:
    """How many sessions have a verdict."""
    return int(
        db.conn.execute("SELECT count(*) FROM ratings WHERE verdict IS NOT NULL").fetchone()[0]
    )


def label_usage(db: Database, name: str) -> int:
    """How many sessions carry a label."""
    return int(db.conn.execute(
        "SELECT count(*) FROM session_labels WHERE label = ?", (name,)).fetchone()[0])


# --- the two lists: labels and reasons ----------------------------------------------------------
# Both are (name, position) tables; "labels" and "reasons" below are fixed table names, never
# user input. Each change returns what it did, so that an undo step can take back exactly that.


@dataclass(frozen=True, slots=True)
class ListRename:
    """What renaming an entry of a list did.

    ``position`` is the old entry's place (None: it was not in the list); ``merged`` says ``new``
    was in the list already, so ``old`` was folded into it. For labels, ``moved`` holds the
    sessions that carried ``old`` and ``had_new`` those of them that carried ``new`` already.
    """

    old: str
    new: str
    position: int | None
    merged: bool
    moved: tuple[str, ...] = ()
    had_new: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ListRemoval:
    """What removing an entry of a list did: its place (None: it was not in the list) and, for a
    label, the sessions that carried it."""

    name: str
    position: int | None
    session_ids: tuple[str, ...] = ()


def one_line(text: str) -> str:
    """A label or reason as stored: one line, single spaces, no control characters (a tab, a
    newline or the unit separator that joins labels in queries would split or garble it)."""
    return " ".join("".join(ch for ch in text if ch.isprintable() or ch.isspace()).split())


def _clean(name: str, what: str) -> str:
    clean = one_line(name)
    if not clean:
        raise ValueError(f"A {what} cannot be empty")
    return clean


def _position(db: Database, table: str, name: str) -> int | None:
    row = db.conn.execute(f"SELECT position FROM {table} WHERE name = ?", (name,)).fetchone()
    return None if row is None else int(row[0])


def _append(db: Database, table: str, name: str) -> bool:
    with db.atomic():
        cursor = db.conn.execute(
            f"INSERT OR IGNORE INTO {table} (name, position) "
            f"VALUES (?, (SELECT COALESCE(max(position), -1) + 1 FROM {table}))",
            (name,),
        )
    return cursor.rowcount == 1


def _rename(db: Database, table: str, old: str, new: str) -> ListRename:
    position = _position(db, table, old)
    merged = _position(db, table, new) is not None
    if merged:
        db.conn.execute(f"DELETE FROM {table} WHERE name = ?", (old,))
    else:
        db.conn.execute(f"UPDATE {table} SET name = ? WHERE name = ?", (new, old))
    return ListRename(old, new, position, merged)


def _unrename(db: Database, table: str, rename: ListRename) -> None:
    if rename.position is None:
        return
    if rename.merged:
        db.conn.execute(f"INSERT OR IGNORE INTO {table} (name, position) VALUES (?, ?)",
                        (rename.old, rename.position))
    else:
        db.conn.execute(f"UPDATE {table} SET name = ? WHERE name = ?", (rename.old, rename.new))


def _sessions_with(db: Database, label: str) -> tuple[str, ...]:
    return tuple(row[0] for row in db.conn.execute(
        "SELECT session_id FROM session_labels WHERE label = ? ORDER BY session_id", (label,)))


def add_label(db: Database, name: str) -> bool:
    """Add a label at the end of the list; False if it was there already."""
    return _append(db, "labels", _clean(name, "label"))


def rename_label(db: Database, old: str, new: str) -> ListRename | None:
    """Rename a label everywhere (merging into ``new`` if that label exists already).

    Returns what it did for :func:`revert_label_rename`, or None when the name is the same.
    """
    clean = _clean(new, "label")
    if clean == old:
        return None
    with db.atomic():
        moved = _sessions_with(db, old)
        had_new = tuple(sorted(set(moved) & set(_sessions_with(db, clean))))
        done = _rename(db, "labels", old, clean)
        conn = db.conn
        conn.execute(
            "INSERT OR IGNORE INTO session_labels (session_id, label) "
            "SELECT session_id, ? FROM session_labels WHERE label = ?", (clean, old))
        conn.execute("DELETE FROM session_labels WHERE label = ?", (old,))
    return ListRename(old, clean, done.position, done.merged, moved, had_new)


def revert_label_rename(db: Database, rename: ListRename) -> None:
    """Take back a :func:`rename_label`: the old label in its place, on the sessions it was on."""
    with db.atomic():
        _unrename(db, "labels", rename)
        conn = db.conn
        conn.executemany("INSERT OR IGNORE INTO session_labels (session_id, label) VALUES (?, ?)",
                         [(sid, rename.old) for sid in rename.moved])
        keep = set(rename.had_new)
        conn.executemany("DELETE FROM session_labels WHERE session_id = ? AND label = ?",
                         [(sid, rename.new) for sid in rename.moved if sid not in keep])


def remove_label(db: Database, name: str) -> ListRemoval:
    """Remove a label from the list and from every session; returns what it took away."""
    with db.atomic():
        removal = ListRemoval(name, _position(db, "labels", name), _sessions_with(db, name))
        db.conn.execute("DELETE FROM session_labels WHERE label = ?", (name,))
        db.conn.execute("DELETE FROM labels WHERE name = ?", (name,))
    return removal


def restore_label(db: Database, removal: ListRemoval) -> None:
    """Take back a :func:`remove_label`: the label in its place, on the sessions it was on."""
    with db.atomic():
        if removal.position is not None:
            db.conn.execute("INSERT OR IGNORE INTO labels (name, position) VALUES (?, ?)",
                            (removal.name, removal.position))
        db.conn.executemany(
            "INSERT OR IGNORE INTO session_labels (session_id, label) VALUES (?, ?)",
            [(sid, removal.name) for sid in removal.session_ids])


def add_reason(db: Database, name: str) -> bool:
    """Add a reason at the end of the list; False if it was there already."""
    return _append(db, "reasons", _clean(name, "reason"))


def rename_reason(db: Database, old: str, new: str) -> ListRename | None:
    """Rename a reason in the list (ratings keep the reason text they have).

    Returns what it did for :func:`revert_reason_rename`, or None when the name is the same.
    """
    clean = _clean(new, "reason")
    if clean == old:
        return None
    with db.atomic():
        return _rename(db, "reasons", old, clean)


def revert_reason_rename(db: Database, rename: ListRename) -> None:
    """Take back a :func:`rename_reason`."""
    with db.atomic():
        _unrename(db, "reasons", rename)


def remove_reason(db: Database, name: str) -> ListRemoval:
    """Remove a reason from the list (ratings keep the reason text they have)."""
    with db.atomic():
        removal = ListRemoval(name, _position(db, "reasons", name))
        db.conn.execute("DELETE FROM reasons WHERE name = ?", (name,))
    return removal


def restore_reason(db: Database, removal: ListRemoval) -> None:
    """Take back a :func:`remove_reason`: the reason in its place."""
    if removal.position is None:
        return
    with db.atomic():
        db.conn.execute("INSERT OR IGNORE INTO reasons (name, position) VALUES (?, ?)",
                        (removal.name, removal.position))
