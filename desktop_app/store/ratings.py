"""The user's ratings and labels. Only the user's actions write here; imports never do."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Final

from sqlite_utils import Database

from desktop_app.domain import Rating, Verdict, parse_utc, utc_iso


class _Keep:
    """Marker: leave this part of the rating as it is."""

    def __repr__(self) -> str:
        return "KEEP"


KEEP: Final = _Keep()


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
    """Store ``rating`` as the whole rating of a session (an empty rating removes it)."""
    with db.atomic():
        conn = db.conn
        conn.execute("DELETE FROM session_labels WHERE session_id = ?", (session_id,))
        if rating.is_empty:
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
        for label in dict.fromkeys(x.strip() for x in rating.labels if x.strip()):
            add_label(db, label)
            conn.execute(
                "INSERT INTO session_labels (session_id, label) VALUES (?, ?)", (session_id, label)
            )


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


def add_label(db: Database, name: str) -> None:
    """Add a label at the end of the list (nothing happens if it exists)."""
    clean = name.strip()
    if not clean:
        raise ValueError("A label cannot be empty")
    db.conn.execute(
        "INSERT OR IGNORE INTO labels (name, position) "
        "VALUES (?, (SELECT COALESCE(max(position), -1) + 1 FROM labels))",
        (clean,),
    )


def list_reasons(db: Database) -> list[str]:
    """The reasons offered when a session was not useful, in order."""
    return [row[0] for row in db.conn.execute("SELECT name FROM reasons ORDER BY position, name")]


def count_rated(db: Database) -> int:
    """How many sessions have a verdict."""
    return int(
        db.conn.execute("SELECT count(*) FROM ratings WHERE verdict IS NOT NULL").fetchone()[0]
    )


def rename_label(db: Database, old: str, new: str) -> None:
    """Rename a label everywhere (merging into ``new`` if that label exists already)."""
    clean = new.strip()
    if not clean:
        raise ValueError("A label cannot be empty")
    if clean == old:
        return
    with db.atomic():
        conn = db.conn
        exists = conn.execute("SELECT 1 FROM labels WHERE name = ?", (clean,)).fetchone()
        if exists:
            conn.execute("DELETE FROM labels WHERE name = ?", (old,))
        else:
            conn.execute("UPDATE labels SET name = ? WHERE name = ?", (clean, old))
        conn.execute(
            "INSERT OR IGNORE INTO session_labels (session_id, label) "
            "SELECT session_id, ? FROM session_labels WHERE label = ?", (clean, old))
        conn.execute("DELETE FROM session_labels WHERE label = ?", (old,))


def remove_label(db: Database, name: str) -> int:
    """Remove a label from the list and from every session; returns how many sessions had it."""
    with db.atomic():
        count = label_usage(db, name)
        db.conn.execute("DELETE FROM session_labels WHERE label = ?", (name,))
        db.conn.execute("DELETE FROM labels WHERE name = ?", (name,))
    return count


def label_usage(db: Database, name: str) -> int:
    """How many sessions carry a label."""
    return int(db.conn.execute(
        "SELECT count(*) FROM session_labels WHERE label = ?", (name,)).fetchone()[0])


def set_reasons(db: Database, reasons: list[str]) -> None:
    """Replace the list of reasons offered (ratings keep the reason text they have)."""
    clean = list(dict.fromkeys(r.strip() for r in reasons if r.strip()))
    with db.atomic():
        db.conn.execute("DELETE FROM reasons")
        db.conn.executemany("INSERT INTO reasons (name, position) VALUES (?, ?)",
                            [(r, i) for i, r in enumerate(clean)])
