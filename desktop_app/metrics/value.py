"""Value per use per week or month, overall or by tool or label, straight from the store.

How the numbers are defined (the PRODUCT contract, plus the choices it leaves open):

- **uses**: sessions that started in the period (local time, see :mod:`.periods`). Sessions
  without a start time cannot be placed in a period and are left out everywhere.
- **rated / useful / not_useful**: uses with a verdict. A rating row holding only minutes, labels
  or a note (no verdict) does not make a session rated.
- **value_per_use** = useful ÷ rated with a 95 % Wilson interval ``ci_low`` to ``ci_high``;
  **est_useful_uses** = value_per_use * uses, ``est_useful_low/high`` = the interval * uses.
  All five are ``None`` below :data:`MIN_RATED` rated uses ("not enough ratings yet").
- **minutes_saved_mean**: mean of the minutes the user gave on rated uses (their own estimate),
  ``None`` when nobody gave minutes; ``minutes_n`` says how many gave them.
- **tokens_per_useful**: tokens (in + out) of the *rated* uses whose source records tokens,
  divided by how many of those were useful. Using rated uses only keeps numerator and
  denominator from the same sessions (all uses' tokens over the rated useful count would
  overstate the cost by uses ÷ rated). ``None`` below :data:`MIN_RATED` such rated uses or when
  none of them was useful.
- **periods** run from the period of the first matching session (or ``date_from``) to the period
  of the last one (or ``date_to``), and *every* period in between is listed, with zeros when
  nothing happened, so charts show gaps honestly instead of joining across them. The first and
  last period keep their full ``start``/``end`` even when ``date_from``/``date_to`` cut them;
  their counts then cover only the filtered days.
- **group="tool"**: one entry per period and source. **group="label"**: one entry per period and
  label; a session with two labels counts in both, sessions without a label form the group
  :data:`NO_LABEL`. Every group that has a use anywhere in the range gets an entry in every
  period (zeros included); groups are sorted by name, :data:`NO_LABEL` last.
- **totals** are one object over all matching sessions, never a sum over groups, so a session
  with two labels is counted once; ``Stats.group_totals`` holds the per-group totals.

Speed: no per-row work happens in Python. Period boundaries are computed in Python as UTC
instants (exact for any zone and DST rule) and SQLite buckets rows with a binary CASE tree over
them. Uses are counted per period with index range counts; rated figures come from one pass over
``ratings`` joined to ``sessions`` by id. See ``tests/perf/bench_metrics.py``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Literal

from sqlite_utils import Database

from desktop_app.domain import parse_utc
from desktop_app.metrics.periods import (
    By,
    Period,
    check_by,
    day_start_utc,
    iter_periods,
    local_date,
    utc_text,
)
from desktop_app.metrics.wilson import wilson_interval

#: How stats can be split: by the session's tool (source) or by the user's labels.
GroupBy = Literal["tool", "label"]

#: Below this many rated uses there is no value per use, interval or estimate.
MIN_RATED = 5

#: The group of sessions that carry no label, with ``group="label"``.
NO_LABEL = "(no label)"

_UTC_TEXT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")


@dataclass(frozen=True, slots=True)
class Figures:
    """The value figures of one group over some stretch of time (JSON keys of the contract)."""

    group: str | None
    uses: int
    rated: int
    useful: int
    not_useful: int
    value_per_use: float | None
    ci_low: float | None
    ci_high: float | None
    est_useful_uses: float | None
    est_useful_low: float | None
    est_useful_high: float | None
    minutes_saved_mean: float | None
    minutes_n: int
    tokens_per_useful: float | None

    @property
    def enough_ratings(self) -> bool:
        """True when there are enough rated uses to show a value per use."""
        return self.rated >= MIN_RATED

    def to_json(self) -> dict[str, object]:
        """The contract's figures keys (the ``totals`` object of ``stats --json``)."""
        return {
            "group": self.group,
            "uses": self.uses,
            "rated": self.rated,
            "useful": self.useful,
            "not_useful": self.not_useful,
            "value_per_use": self.value_per_use,
            "ci_low": self.ci_low,
            "ci_high": self.ci_high,
            "est_useful_uses": self.est_useful_uses,
            "est_useful_low": self.est_useful_low,
            "est_useful_high": self.est_useful_high,
            "minutes_saved_mean": self.minutes_saved_mean,
            "minutes_n": self.minutes_n,
            "tokens_per_useful": self.tokens_per_useful,
        }


@dataclass(frozen=True, slots=True)
class PeriodFigures(Figures):
    """The figures of one group in one period; ``end`` is exclusive, both are local dates."""

    start: date
    end: date

    def to_json(self) -> dict[str, object]:
        """One entry of ``periods`` in ``stats --json``: ISO ``start``/``end``, then the figures."""
        return {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            **Figures.to_json(self),
        }


@dataclass(frozen=True, slots=True)
class Stats:
    """The result of :func:`value_stats`: periods (per group), totals and per-group totals."""

    by: By
    group: GroupBy | None
    periods: tuple[PeriodFigures, ...]
    totals: Figures
    group_totals: Mapping[str, Figures] = field(default_factory=dict)

    @property
    def groups(self) -> tuple[str, ...]:
        """The groups in display order (empty without ``group``)."""
        return tuple(self.group_totals)

    def series(self, group: str | None = None) -> list[PeriodFigures]:
        """The periods of one group in time order (``None`` without ``group``)."""
        return [p for p in self.periods if p.group == group]

    def to_json(self) -> dict[str, object]:
        """Exactly the ``stats --json`` object of the PRODUCT contract."""
        return {
            "by": self.by,
            "group": self.group,
            "periods": [p.to_json() for p in self.periods],
            "totals": self.totals.to_json(),
        }


@dataclass(slots=True)
class _Tally:
    """Additive counts behind :class:`Figures` (so groups can be summed and subtracted)."""

    uses: int = 0
    rated: int = 0
    useful: int = 0
    not_useful: int = 0
    minutes_sum: int = 0
    minutes_n: int = 0
    tokens_rated: int = 0
    tokens_sum: int = 0
    tokens_useful: int = 0

    def add(self, other: _Tally, sign: int = 1) -> None:
        self.uses += sign * other.uses
        self.rated += sign * other.rated
        self.useful += sign * other.useful
        self.not_useful += sign * other.not_useful
        self.minutes_sum += sign * other.minutes_sum
        self.minutes_n += sign * other.minutes_n
        self.tokens_rated += sign * other.tokens_rated
        self.tokens_sum += sign * other.tokens_sum
        self.tokens_useful += sign * other.tokens_useful


def _figures(tally: _Tally, group: str | None) -> Figures:
    return Figures(group, *_figure_values(tally))


_Values = tuple[
    int, int, int, int, float | None, float | None, float | None, float | None, float | None,
    float | None, float | None, int, float | None,
]


def _figure_values(t: _Tally) -> _Values:
    """The figures after ``group``, in field order (positional: this runs per period and group)."""
    value = low = high = est = est_low = est_high = None
    if t.rated >= MIN_RATED:
        value = t.useful / t.rated
        low, high = wilson_interval(t.useful, t.rated)
        est, est_low, est_high = value * t.uses, low * t.uses, high * t.uses
    tokens = None
    if t.tokens_rated >= MIN_RATED and t.tokens_useful > 0:
        tokens = t.tokens_sum / t.tokens_useful
    minutes = t.minutes_sum / t.minutes_n if t.minutes_n else None
    return (
        t.uses, t.rated, t.useful, t.not_useful, value, low, high, est, est_low, est_high,
        minutes, t.minutes_n, tokens,
    )


_ZERO = _figure_values(_Tally())


# --- SQL -------------------------------------------------------------------------------------

# Aggregates in _Tally field order over sessions ``s`` left-joined to ratings ``r``. Tokens are
# known when either count is; ``coalesce(tokens_in, tokens_out)`` is non-null exactly then.
_SUMS = """
    count(*),
    count(r.verdict),
    sum(r.verdict = 'useful'),
    sum(r.verdict = 'not_useful'),
    sum(CASE WHEN r.verdict IS NOT NULL THEN r.minutes_saved END),
    count(CASE WHEN r.verdict IS NOT NULL THEN r.minutes_saved END),
    count(CASE WHEN r.verdict IS NOT NULL THEN coalesce(s.tokens_in, s.tokens_out) END),
    sum(CASE WHEN r.verdict IS NOT NULL
        THEN coalesce(s.tokens_in, 0) + coalesce(s.tokens_out, 0) END),
    count(CASE WHEN r.verdict = 'useful' THEN coalesce(s.tokens_in, s.tokens_out) END)
"""

# The same minus ``uses`` over rated rows only (every row has a verdict), from the ratings
# table's own copy of the session's tokens.
_RATED_SUMS = """
    count(*),
    sum(r.verdict = 'useful'),
    sum(r.verdict = 'not_useful'),
    sum(r.minutes_saved),
    count(r.minutes_saved),
    count(coalesce(r.tokens_in, r.tokens_out)),
    sum(coalesce(r.tokens_in, 0) + coalesce(r.tokens_out, 0)),
    count(CASE WHEN r.verdict = 'useful' THEN coalesce(r.tokens_in, r.tokens_out) END)
"""


def _tally(values: Sequence[Any]) -> _Tally:
    return _Tally(*[v or 0 for v in values])


def _literal(text: str) -> str:
    """A boundary as an SQL literal. Boundaries are our own UTC strings (checked), never input."""
    if not _UTC_TEXT.fullmatch(text):
        raise AssertionError(f"not a UTC boundary: {text!r}")
    return f"'{text}'"


def _bucket_sql(bounds: Sequence[str], column: str) -> str:
    """An SQL expression giving the index ``i`` with ``bounds[i] <= column < bounds[i + 1]``.

    A balanced CASE tree: log2(periods) text comparisons per row, no function calls, no time
    zone work in SQLite. Rows outside ``[bounds[0], bounds[-1])`` must be filtered out by the
    caller.
    """

    def node(lo: int, hi: int) -> str:
        if hi - lo == 1:
            return str(lo)
        mid = (lo + hi) // 2
        return (
            f"CASE WHEN {column} < {_literal(bounds[mid])} "
            f"THEN {node(lo, mid)} ELSE {node(mid, hi)} END"
        )

    return node(0, len(bounds) - 1)


@dataclass(frozen=True, slots=True)
class _Scope:
    """What to count: the UTC range (``lo`` inclusive, ``hi`` exclusive) and the filters."""

    lo: str
    hi: str
    source: str | None
    label: str | None

    def where(self, alias: str = "s") -> tuple[str, list[Any]]:
        """Conditions on sessions ``alias`` (range and source; the label is the caller's)."""
        column = f"{alias}.started_at"
        sql = f"{column} >= {_literal(self.lo)} AND {column} < {_literal(self.hi)}"
        args: list[Any] = []
        if self.source is not None:
            sql += f" AND {alias}.source = ?"
            args.append(self.source)
        return sql, args


@contextmanager
def _snapshot(db: Database) -> Iterator[None]:
    """Run several reads on one consistent snapshot (an import may commit in between)."""
    conn = db.conn
    if conn.in_transaction:
        yield
        return
    conn.execute("BEGIN")
    try:
        yield
    finally:
        conn.execute("ROLLBACK")


def value_stats(
    db: Database,
    by: By = "week",
    group: GroupBy | None = None,
    source: str | None = None,
    label: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
) -> Stats:
    """Value per use per week or month, optionally split by tool or label (see module docs).

    ``source`` and ``label`` keep only sessions of that tool / with that label; ``date_from``
    and ``date_to`` are inclusive local calendar days. Raises :class:`ValueError` for an unknown
    ``by`` or ``group``, or when ``date_from`` is after ``date_to``.
    """
    by = check_by(by)
    if group not in (None, "tool", "label"):
        raise ValueError(f"unknown group {group!r}: use tool or label")
    if date_from is not None and date_to is not None and date_from > date_to:
        raise ValueError(f"the start date {date_from} is after the end date {date_to}")
    lo_limit = utc_text(day_start_utc(date_from)) if date_from is not None else None
    hi_limit = (
        utc_text(day_start_utc(date_to + timedelta(days=1))) if date_to is not None else None
    )
    with _snapshot(db):
        first, last = _first_last(db, lo_limit, hi_limit, source, label)
        start_day = date_from or (_local_date_of(first) if first else date_to)
        end_day = date_to or (_local_date_of(last) if last else date_from)
        periods: list[Period] = []
        if start_day is not None and end_day is not None:
            periods = list(iter_periods(start_day, end_day, by))
        if not periods:
            return Stats(by=by, group=group, periods=(), totals=_figures(_Tally(), None))
        bounds = [utc_text(day_start_utc(p.start)) for p in periods]
        bounds.append(utc_text(day_start_utc(periods[-1].end)))
        scope = _Scope(
            lo=max(bounds[0], lo_limit) if lo_limit else bounds[0],
            hi=min(bounds[-1], hi_limit) if hi_limit else bounds[-1],
            source=source,
            label=label,
        )
        if group == "label":
            base = _base_tallies(db, bounds, scope, by_tool=False)
            cells = _label_tallies(db, bounds, scope, base)
        else:
            cells = _base_tallies(db, bounds, scope, by_tool=group == "tool")
            base = None
    return _assemble(by, group, periods, cells, base)


def _local_date_of(utc: str) -> date:
    moment = parse_utc(utc)
    if moment is None:
        raise ValueError("empty time")
    return local_date(moment)


def _first_last(
    db: Database, lo: str | None, hi: str | None, source: str | None, label: str | None
) -> tuple[str | None, str | None]:
    """First and last start time of the matching sessions (index seeks, no scan)."""
    conds = ["s.started_at IS NOT NULL"]
    args: list[Any] = []
    if lo is not None:
        conds.append(f"s.started_at >= {_literal(lo)}")
    if hi is not None:
        conds.append(f"s.started_at < {_literal(hi)}")
    if source is not None:
        conds.append("s.source = ?")
        args.append(source)
    where = " AND ".join(conds)
    if label is not None:
        row = db.conn.execute(
            "SELECT min(s.started_at), max(s.started_at) FROM session_labels f "
            f"CROSS JOIN sessions s ON s.id = f.session_id WHERE f.label = ? AND {where}",
            [label, *args],
        ).fetchone()
    else:
        # Two single-aggregate subqueries: SQLite answers each with one index seek.
        row = db.conn.execute(
            f"SELECT (SELECT min(s.started_at) FROM sessions s WHERE {where}), "
            f"(SELECT max(s.started_at) FROM sessions s WHERE {where})",
            [*args, *args],
        ).fetchone()
    return row[0], row[1]


_Cells = dict[tuple[int, str | None], _Tally]


def _cell(cells: _Cells, key: tuple[int, str | None]) -> _Tally:
    tally = cells.get(key)
    if tally is None:
        tally = cells[key] = _Tally()
    return tally


def _base_tallies(db: Database, bounds: Sequence[str], scope: _Scope, *, by_tool: bool) -> _Cells:
    """Per period (and per tool) tallies of all sessions in ``scope``."""
    cells: _Cells = {}
    where, args = scope.where()
    bucket = _bucket_sql(bounds, "s.started_at")
    gexpr = "s.source" if by_tool else "NULL"
    if scope.label is not None:
        # Few sessions carry a given label: drive everything from the label index.
        sql = (
            f"SELECT {bucket} AS b, {gexpr} AS g, {_SUMS} FROM session_labels f "
            "CROSS JOIN sessions s ON s.id = f.session_id "
            "LEFT JOIN ratings r ON r.session_id = f.session_id "
            f"WHERE f.label = ? AND {where} GROUP BY b, g"
        )
        for b, g, *values in db.conn.execute(sql, [scope.label, *args]):
            cells[(b, g)] = _tally(values)
        return cells
    for b, g, uses in _use_counts(db, bounds, scope, by_tool=by_tool):
        cells[(b, g)] = _Tally(uses)
    # Only rated sessions need their rating: walk ratings (a third of the rows or fewer) and
    # look each session up by id, rather than looking up a rating for every session.
    # Ratings carry a copy of their session's start, tool and tokens (store migration 0003,
    # kept current by triggers), so this reads the ratings table alone.
    rated_where, rated_args = scope.where("r")
    rated_sql = (
        f"SELECT {_bucket_sql(bounds, 'r.started_at')} AS b, "
        f"{'r.source' if by_tool else 'NULL'} AS g, {_RATED_SUMS} FROM ratings r "
        f"WHERE r.verdict IS NOT NULL AND {rated_where} GROUP BY b, g"
    )
    for b, g, *values in db.conn.execute(rated_sql, rated_args):
        cell = _cell(cells, (b, g))  # exists already: a rated session is a use
        (cell.rated, cell.useful, cell.not_useful, cell.minutes_sum, cell.minutes_n,
         cell.tokens_rated, cell.tokens_sum, cell.tokens_useful) = [v or 0 for v in values]
    return cells


def _use_counts(
    db: Database, bounds: Sequence[str], scope: _Scope, *, by_tool: bool
) -> Iterator[tuple[int, str | None, int]]:
    """Sessions per period (and tool), each one an index range count: no sort, no table rows."""
    rows = []
    for i in range(len(bounds) - 1):
        lo, hi = max(bounds[i], scope.lo), min(bounds[i + 1], scope.hi)
        if lo < hi:
            rows.append(f"({i}, {_literal(lo)}, {_literal(hi)})")
    if not rows:
        return
    values = ", ".join(rows)
    args: list[Any] = []
    if by_tool:
        if scope.source is not None:
            tools = "SELECT ? AS source"
            args.append(scope.source)
        else:
            # Distinct sources by skipping through the (source, started_at) index.
            tools = (
                "SELECT min(source) AS source FROM sessions UNION ALL "
                "SELECT (SELECT min(source) FROM sessions WHERE source > t.source) "
                "FROM t WHERE t.source IS NOT NULL"
            )
        sql = (
            f"WITH RECURSIVE t(source) AS ({tools}), p(i, lo, hi) AS (VALUES {values}) "
            "SELECT p.i, t.source, (SELECT count(*) FROM sessions s WHERE s.source = t.source "
            "AND s.started_at >= p.lo AND s.started_at < p.hi) FROM t, p "
            "WHERE t.source IS NOT NULL"
        )
    else:
        cond = ""
        if scope.source is not None:
            cond = " AND s.source = ?"
            args.append(scope.source)
        sql = (
            f"WITH p(i, lo, hi) AS (VALUES {values}) SELECT p.i, NULL, (SELECT count(*) "
            f"FROM sessions s WHERE s.started_at >= p.lo AND s.started_at < p.hi{cond}) FROM p"
        )
    for i, g, uses in db.conn.execute(sql, args):
        if uses:
            yield i, g, uses


def _label_tallies(db: Database, bounds: Sequence[str], scope: _Scope, base: _Cells) -> _Cells:
    """Per period and label tallies; unlabelled sessions are all sessions minus labelled ones.

    One pass over ``session_labels`` in (session, label) order. Each row also says whether it is
    its session's first label, so that summing first rows counts every labelled session once.
    """
    where, args = scope.where()
    bucket = _bucket_sql(bounds, "s.started_at")
    label_cond = ""
    if scope.label is not None:
        label_cond = " AND g.session_id IN (SELECT session_id FROM session_labels WHERE label = ?)"
        args.append(scope.label)
    sql = (
        f"SELECT {bucket} AS b, g.label, g.label = (SELECT min(x.label) FROM session_labels x "
        f"WHERE x.session_id = g.session_id) AS first, {_SUMS} "
        "FROM session_labels g NOT INDEXED "
        "CROSS JOIN sessions s ON s.id = g.session_id "
        "LEFT JOIN ratings r ON r.session_id = g.session_id "
        f"WHERE {where}{label_cond} GROUP BY b, g.label, first"
    )
    cells: _Cells = {}
    unlabelled: _Cells = {}
    for (b, _), tally in base.items():
        _cell(unlabelled, (b, NO_LABEL)).add(tally)
    for b, name, first, *values in db.conn.execute(sql, args):
        tally = _tally(values)
        _cell(cells, (b, name)).add(tally)
        if first:
            _cell(unlabelled, (b, NO_LABEL)).add(tally, sign=-1)
    cells.update((key, t) for key, t in unlabelled.items() if t.uses)
    return cells


def _assemble(
    by: By,
    group: GroupBy | None,
    periods: Sequence[Period],
    cells: _Cells,
    base: _Cells | None,
) -> Stats:
    """Lay the tallies out as one entry per period (and group), with totals."""
    total = _Tally()
    for tally in (base if base is not None else cells).values():
        total.add(tally)
    if group is None:
        entries = tuple(
            _period_figures(p, None, cells.get((i, None))) for i, p in enumerate(periods)
        )
        return Stats(by=by, group=None, periods=entries, totals=_figures(total, None))
    per_group: dict[str, _Tally] = {}
    for (_, name), tally in cells.items():
        if name is not None:
            _cell_by_name(per_group, name).add(tally)
    names = sorted((n for n, t in per_group.items() if t.uses), key=lambda n: (n == NO_LABEL, n))
    entries = tuple(
        _period_figures(p, name, cells.get((i, name)))
        for i, p in enumerate(periods)
        for name in names
    )
    return Stats(
        by=by,
        group=group,
        periods=entries,
        totals=_figures(total, None),
        group_totals={name: _figures(per_group[name], name) for name in names},
    )


def _cell_by_name(per_group: dict[str, _Tally], name: str) -> _Tally:
    tally = per_group.get(name)
    if tally is None:
        tally = per_group[name] = _Tally()
    return tally


def _period_figures(period: Period, group: str | None, tally: _Tally | None) -> PeriodFigures:
    values = _ZERO if tally is None else _figure_values(tally)
    return PeriodFigures(group, *values, period.start, period.end)
