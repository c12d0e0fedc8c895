"""Reflect's stored weekly samples and the pool of unrated sessions they are drawn from."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from sqlite_utils import Database

from desktop_app.domain import utc_iso
from desktop_app.store.stats import bucket_sql, utc_literal


def stored_sample(db: Database, week: str, size: int) -> list[str]:
    """The sample kept for ``week`` (ISO date of its Monday) and ``size``, in order, or ``[]``."""
    return [
        row[0]
        for row in db.conn.execute(
            "SELECT session_id FROM reflect_samples WHERE week_start = ? AND size = ? "
            "ORDER BY position",
            (week, size),
        )
    ]


def unrated_pool(db: Database, lo: str, hi: str) -> dict[str, list[str]]:
    """Sessions without a verdict that started in ``[lo, hi)`` (UTC text), ids by tool.

    Ids come in ascending order and tools in the order their first id appears: the draw is
    seeded, so the same data must give the same pool.
    """
    pool: dict[str, list[str]] = {}
    for sid, source in db.conn.execute(
        "SELECT s.id, s.source FROM sessions s LEFT JOIN ratings r ON r.session_id = s.id "
        "WHERE s.started_at >= ? AND s.started_at < ? AND r.verdict IS NULL "
        "ORDER BY s.id",
        (lo, hi),
    ):
        pool.setdefault(source, []).append(sid)
    return pool


def newest_unrated_start(db: Database, before: str | None = None) -> str | None:
    """Start (UTC text) of the newest session without a verdict, started before ``before`` if
    given; ``None`` when every such session is rated (or there are none)."""
    cond, args = ("AND s.started_at < ? ", [before]) if before is not None else ("", [])
    row = db.conn.execute(
        "SELECT s.started_at FROM sessions s LEFT JOIN ratings r ON r.session_id = s.id "
        f"WHERE s.started_at IS NOT NULL {cond}AND r.verdict IS NULL "
        "ORDER BY s.started_at DESC LIMIT 1",
        args,
    ).fetchone()
    return None if row is None else str(row[0])


def week_counts(db: Database, bounds: Sequence[str]) -> list[tuple[int, int]]:
    """Sessions and sessions with a verdict started in each ``[bounds[i], bounds[i + 1])``.

    One grouped query; ``bounds`` are consecutive UTC boundaries in the store's text form (see
    :func:`desktop_app.metrics.periods.utc_bounds`). One pair per period, zeros included.
    """
    counts = [(0, 0)] * max(len(bounds) - 1, 0)
    if not counts:
        return counts
    bucket = bucket_sql(bounds, "s.started_at")
    for i, uses, rated in db.conn.execute(
        f"SELECT {bucket} AS b, count(*), count(r.verdict) FROM sessions s "
        "LEFT JOIN ratings r ON r.session_id = s.id "
        f"WHERE s.started_at >= {utc_literal(bounds[0])} "
        f"AND s.started_at < {utc_literal(bounds[-1])} "
        "GROUP BY b"
    ):
        counts[i] = (uses, rated)
    return counts


def save_sample(db: Database, week: str, size: int, ids: Sequence[str]) -> list[str]:
    """Keep ``ids`` as the sample of ``week`` and ``size`` and return it.

    If a sample was kept for them in the meantime, that one stays and is returned instead.
    """
    drawn_at = utc_iso(datetime.now(UTC))
    with db.atomic():
        earlier = stored_sample(db, week, size)
        if earlier:
            return earlier
        db.conn.executemany(
            "INSERT INTO reflect_samples (week_start, size, position, session_id, drawn_at) "
            "VALUES (?, ?, ?, ?, ?)",
            [(week, size, i, sid, drawn_at) for i, sid in enumerate(ids)],
        )
    return list(ids)


class ReflectSamples:
    """The functions above on one connection, as :class:`desktop_app.metrics.sampling.SampleStore`.

    ``draw_sample(ReflectSamples(db), week)``: the metrics draw, the store keeps.
    """

    __slots__ = ("db",)

    def __init__(self, db: Database) -> None:
        self.db = db

    def stored_sample(self, week: str, size: int) -> list[str]:
        """See :func:`stored_sample`."""
        return stored_sample(self.db, week, size)

    def unrated_pool(self, lo: str, hi: str) -> dict[str, list[str]]:
        """See :func:`unrated_pool`."""
        return unrated_pool(self.db, lo, hi)

    def save_sample(self, week: str, size: int, ids: Sequence[str]) -> list[str]:
        """See :func:`save_sample`."""
        return save_sample(self.db, week, size, ids)
