"""Suggested verdicts a person accepted, written in bulk (and taken back by undo).

Only sessions still without a verdict are rated; a suggestion never overwrites a rating, and one
that is not accepted is never stored at all.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlite_utils import Database

from desktop_app.domain import Verdict, utc_iso

#: Ids per query (SQLite's limit on bound parameters is far above).
CHUNK = 500


@dataclass(frozen=True)
class AcceptedVerdicts:
    """What :func:`accept_verdicts` wrote: the verdicts, and per session the rating's time before
    (None: the session had no rating row at all), so that undo puts back exactly that."""

    verdicts: dict[str, Verdict]
    previous: dict[str, str | None]


def accept_verdicts(db: Database, verdicts: Mapping[str, Verdict],
                    rated_at: datetime) -> AcceptedVerdicts:
    """Give each stored session of ``verdicts`` that has no verdict yet its verdict (minutes,
    labels and note it has stay), in one transaction; the others are left alone."""
    ids = [sid for sid, v in verdicts.items() if v is not Verdict.UNRATED]
    stamp = utc_iso(rated_at)
    applied: dict[str, Verdict] = {}
    previous: dict[str, str | None] = {}
    with db.atomic():
        conn = db.conn
        for start in range(0, len(ids), CHUNK):
            part = ids[start:start + CHUNK]
            marks = ", ".join("?" for _ in part)
            for sid, has_row, verdict, before in conn.execute(
                    "SELECT s.id, r.session_id IS NOT NULL, r.verdict, r.rated_at "
                    "FROM sessions s LEFT JOIN ratings r ON r.session_id = s.id "
                    f"WHERE s.id IN ({marks})", part):
                if verdict is None:
                    applied[sid] = verdicts[sid]
                    previous[sid] = before if has_row else None
        conn.executemany(
            "INSERT INTO ratings (session_id, verdict, rated_at) VALUES (?, ?, ?)",
            [(sid, v.value, stamp) for sid, v in applied.items() if previous[sid] is None])
        conn.executemany(
            "UPDATE ratings SET verdict = ?, rated_at = ? WHERE session_id = ?",
            [(v.value, stamp, sid) for sid, v in applied.items() if previous[sid] is not None])
    return AcceptedVerdicts(applied, previous)


def revert_accepted(db: Database, accepted: AcceptedVerdicts) -> None:
    """Take back what :func:`accept_verdicts` wrote: those sessions are unrated again, with
    whatever else their rating held."""
    with db.atomic():
        conn = db.conn
        conn.executemany("DELETE FROM ratings WHERE session_id = ?",
                         [(sid,) for sid, before in accepted.previous.items() if before is None])
        conn.executemany(
            "UPDATE ratings SET verdict = NULL, rated_at = ? WHERE session_id = ?",
            [(before, sid) for sid, before in accepted.previous.items() if before is not None])
