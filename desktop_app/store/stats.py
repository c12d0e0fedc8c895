"""The stats queries: tallies of sessions and ratings per period (UTC bounds) and tool or label.

What is counted (the figures built on it are :mod:`desktop_app.metrics.value`'s):

- **uses**: sessions whose ``started_at`` lies in the range; sessions without one are never
  counted. **rated / useful / not_useful**: uses with a verdict (a rating row with only minutes,
  labels or a note does not count).
- **minutes_sum / minutes_n**: the minutes given on rated uses and how many gave them.
- **tokens_rated / tokens_sum / tokens_useful**: of the rated uses whose tool records tokens
  (either count known), how many, their tokens in + out, and how many of them were useful.
- **cost rows** (:func:`cost_rows`, read only when cost figures are asked for): the tokens of
  the uses whose tokens are known, summed per period, group, model and verdict, for
  :mod:`desktop_app.metrics.cost` to price (one pass over the range's sessions).

Periods are given as UTC boundaries in the store's text form (the caller works them out from
local days, see :func:`desktop_app.metrics.periods.utc_bounds`); a row belongs to period ``i``
when ``bounds[i] <= started_at < bounds[i + 1]``. Results are :class:`~desktop_app.domain.Tally`
cells keyed by ``(period index, group)``, where the group is the tool, the label or ``None``.

**The tool** of a session is its ``tool_key``: the tool's own name where the source records one
(a generic-format row's ``tool``: "Perplexity"), else the source (``"claude-code"``). Named rows
are few: they are counted through their partial index (migration 0009) and moved from their
source's group to their tool's, so databases without them run exactly the queries they always
did. A ``source`` filter keeps a source's sessions (all of them); with ``tools=True`` (see
:class:`StatsReader`) it names a tool as the groups do.

Speed: no per-row work happens in Python. SQLite buckets rows with a binary CASE tree over the
boundaries (log2(periods) text comparisons per row, no time zone work); uses are counted per
period with index range counts; rated figures come from one pass over ``ratings``, which keeps a
copy of its session's start, tool and tokens (migration 0003, kept current by triggers). See
``tests/perf/bench_metrics.py``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from desktop_app.domain import CostRow, Tally
from desktop_app.store.sessions import TOOL_IS

#: Tallies keyed by (period index, group): the tool, the label, or None when not grouped.
Cells = dict[tuple[int, str | None], Tally]

_UTC_TEXT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")

# Aggregates in Tally field order over sessions ``s`` left-joined to ratings ``r``. Tokens are
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


def _tally(values: Sequence[Any]) -> Tally:
    return Tally(*[v or 0 for v in values])


def utc_literal(text: str) -> str:
    """A boundary as an SQL literal. Boundaries must be UTC text (checked), never other input."""
    if not _UTC_TEXT.fullmatch(text):
        raise ValueError(f"not a UTC boundary: {text!r}")
    return f"'{text}'"


def bucket_sql(bounds: Sequence[str], column: str) -> str:
    """An SQL expression giving the index ``i`` with ``bounds[i] <= column < bounds[i + 1]``.

    A balanced CASE tree: log2(periods) text comparisons per row, no function calls. Rows
    outside ``[bounds[0], bounds[-1])`` must be filtered out by the caller.
    """

    def node(lo: int, hi: int) -> str:
        if hi - lo == 1:
            return str(lo)
        mid = (lo + hi) // 2
        return (
            f"CASE WHEN {column} < {utc_literal(bounds[mid])} "
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
    #: ``source`` names a tool (a source, or a generic tool's own name), not a source.
    tools: bool = False

    def where(self, alias: str = "s") -> tuple[str, list[Any]]:
        """Conditions on sessions ``alias`` (range and source; the label is the caller's).

        A tool filter is exact on sessions (``s``); on ratings (``r``, which keep no tool name)
        it keeps the source's rows and :func:`_move_named` corrects the cells.
        """
        column = f"{alias}.started_at"
        sql = f"{column} >= {utc_literal(self.lo)} AND {column} < {utc_literal(self.hi)}"
        args: list[Any] = []
        if self.source is not None:
            if self.tools and alias == "s":
                sql += f" AND ({TOOL_IS})"
                args.extend([self.source, self.source])
            else:
                sql += f" AND {alias}.source = ?"
                args.append(self.source)
        return sql, args


@contextmanager
def snapshot(db: Database) -> Iterator[None]:
    """Run the reads inside on one consistent snapshot (an import may commit in between).

    A read transaction, rolled back at the end (nothing is written); inside a transaction the
    caller already holds, the reads simply join it.
    """
    conn = db.conn
    if conn.in_transaction:
        yield
        return
    conn.execute("BEGIN")
    try:
        yield
    finally:
        conn.execute("ROLLBACK")


def _has_named(db: Database, tool: str) -> bool:
    """True when a named row is of source ``tool`` or named ``tool`` (partial index only)."""
    return db.conn.execute(
        "SELECT 1 FROM sessions INDEXED BY sessions_tool_name WHERE tool_name IS NOT NULL "
        "AND (source = ? OR tool_name = ?) LIMIT 1", (tool, tool)
    ).fetchone() is not None


def first_last(
    db: Database,
    lo: str | None = None,
    hi: str | None = None,
    source: str | None = None,
    label: str | None = None,
    *,
    tools: bool = False,
) -> tuple[str | None, str | None]:
    """First and last start time (UTC text) of the sessions in ``[lo, hi)`` with the filters.

    ``(None, None)`` when none match. Index seeks, no scan (a tool filter on a tool with named
    rows reads that tool's rows). ``tools``: ``source`` names a tool (see the module docs).
    """
    conds = ["s.started_at IS NOT NULL"]
    args: list[Any] = []
    if lo is not None:
        conds.append(f"s.started_at >= {utc_literal(lo)}")
    if hi is not None:
        conds.append(f"s.started_at < {utc_literal(hi)}")
    if source is not None and tools and _has_named(db, source):
        conds.append(f"({TOOL_IS})")
        args.extend([source, source])
    elif source is not None:
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


def _cell(cells: Cells, key: tuple[int, str | None]) -> Tally:
    tally = cells.get(key)
    if tally is None:
        tally = cells[key] = Tally()
    return tally


def period_tallies(
    db: Database,
    bounds: Sequence[str],
    lo: str,
    hi: str,
    source: str | None = None,
    label: str | None = None,
    *,
    by_tool: bool = False,
    tools: bool = False,
) -> Cells:
    """Tallies per period (and per tool with ``by_tool``) of the sessions in ``[lo, hi)``.

    ``bounds`` are the periods' UTC boundaries; ``lo``/``hi`` may cut the first and last period.
    ``source`` keeps one source's sessions (one tool's with ``tools``), ``label`` only sessions
    with that label. Keys are ``(period index, tool or None)``; periods (and tools) without a
    use have no entry.
    """
    scope = _Scope(lo, hi, source, label, tools)
    cells: Cells = {}
    where, args = scope.where()
    bucket = bucket_sql(bounds, "s.started_at")
    gexpr = "coalesce(s.tool_name, s.source)" if by_tool else "NULL"
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
        cells[(b, g)] = Tally(uses)
    # Only rated sessions need their rating: walk ratings (a third of the rows or fewer) and
    # look each session up by id, rather than looking up a rating for every session.
    # Ratings carry a copy of their session's start, tool and tokens (store migration 0003,
    # kept current by triggers), so this reads the ratings table alone.
    rated_where, rated_args = scope.where("r")
    rated_sql = (
        f"SELECT {bucket_sql(bounds, 'r.started_at')} AS b, "
        f"{'r.source' if by_tool else 'NULL'} AS g, {_RATED_SUMS} FROM ratings r "
        f"WHERE r.verdict IS NOT NULL AND {rated_where} GROUP BY b, g"
    )
    for b, g, *values in db.conn.execute(rated_sql, rated_args):
        cell = _cell(cells, (b, g))  # exists already: a rated session is a use
        (cell.rated, cell.useful, cell.not_useful, cell.minutes_sum, cell.minutes_n,
         cell.tokens_rated, cell.tokens_sum, cell.tokens_useful) = [v or 0 for v in values]
    if by_tool or (scope.tools and scope.source is not None):
        _move_named(db, cells, bounds, scope, by_tool=by_tool)
    return cells


def _move_named(db: Database, cells: Cells, bounds: Sequence[str], scope: _Scope, *,
                by_tool: bool) -> None:
    """Move the named rows counted under their source to their tool (see the module docs).

    The cells were counted by source (with ``source = scope.source`` as the filter); each named
    row leaves its source's cell and joins its tool's, or only leaves (a tool filter the source
    matches but the name does not) or only joins (a tool filter naming it). Reads named rows
    alone, through their partial index.
    """
    where, args = _Scope(scope.lo, scope.hi, None, None).where()
    wanted = scope.source
    if wanted is not None:
        where += " AND (s.source = ? OR s.tool_name = ?)" if scope.tools else " AND s.source = ?"
        args += [wanted, wanted] if scope.tools else [wanted]
    sql = (
        f"SELECT {bucket_sql(bounds, 's.started_at')} AS b, s.source, s.tool_name, {_SUMS} "
        "FROM sessions s INDEXED BY sessions_tool_name "
        "LEFT JOIN ratings r ON r.session_id = s.id "
        f"WHERE s.tool_name IS NOT NULL AND {where} GROUP BY b, s.source, s.tool_name"
    )
    touched: set[tuple[int, str | None]] = set()
    for b, source, name, *values in db.conn.execute(sql, args):
        tally = _tally(values)
        leaves = (b, source if by_tool else None)
        joins = (b, name if by_tool else None)
        if wanted is None or source == wanted:  # counted under its source
            _cell(cells, leaves).add(tally, -1)
            touched.add(leaves)
        if wanted is None or (name == wanted if scope.tools else source == wanted):
            _cell(cells, joins).add(tally)
    for key in touched:
        if cells[key].uses == 0:
            del cells[key]


def _use_counts(
    db: Database, bounds: Sequence[str], scope: _Scope, *, by_tool: bool
) -> Iterator[tuple[int, str | None, int]]:
    """Sessions per period (and tool), each one an index range count: no sort, no table rows."""
    rows = []
    for i in range(len(bounds) - 1):
        lo, hi = max(bounds[i], scope.lo), min(bounds[i + 1], scope.hi)
        if lo < hi:
            rows.append(f"({i}, {utc_literal(lo)}, {utc_literal(hi)})")
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


def label_tallies(
    db: Database,
    bounds: Sequence[str],
    lo: str,
    hi: str,
    source: str | None = None,
    label: str | None = None,
    *,
    tools: bool = False,
) -> tuple[Cells, dict[int, Tally]]:
    """Tallies per period and label, and per period of the labelled sessions counted once.

    A session with two labels counts under both labels but once in the second result, so that
    subtracting it from :func:`period_tallies` leaves the unlabelled sessions. ``label`` keeps
    only sessions that have that label (with all their labels). One pass over
    ``session_labels``; each row also says whether it is its session's first label. ``tools``:
    ``source`` names a tool (see the module docs).
    """
    scope = _Scope(lo, hi, source, label, tools)
    where, args = scope.where()
    bucket = bucket_sql(bounds, "s.started_at")
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
    cells: Cells = {}
    labelled: dict[int, Tally] = {}
    for b, name, first, *values in db.conn.execute(sql, args):
        tally = _tally(values)
        _cell(cells, (b, name)).add(tally)
        if first:
            once = labelled.get(b)
            if once is None:
                once = labelled[b] = Tally()
            once.add(tally)
    return cells, labelled


# --- tokens for pricing, per period and group (the stats' cost figures) ---------------------

#: Effective uncached input: the recorded part, else all input less the cached parts.
_UNCACHED = ("coalesce(s.tokens_uncached, coalesce(s.tokens_in, 0) "
             "- coalesce(s.tokens_cache_write, 0) - coalesce(s.tokens_cache_read, 0))")
_KNOWN = "coalesce(s.tokens_in, s.tokens_out) IS NOT NULL"

CostCells = dict[tuple[int, str | None], list[CostRow]]


def cost_rows(db: Database, bounds: Sequence[str], lo: str, hi: str,
              source: str | None = None, label: str | None = None, *,
              group: str | None = None, tools: bool = False) -> CostCells:
    """Summed tokens per period, group, model and verdict of the sessions in ``[lo, hi)`` whose
    tokens are known (see :class:`~desktop_app.domain.CostRow`).

    Keys are ``(period index, group)`` as the stats tallies' are: the tool key with
    ``group="tool"``, the label with ``group="label"`` (None for sessions without one; a session
    counts under each of its labels), else None. ``source`` keeps a source's sessions (a tool's
    with ``tools``), ``label`` the sessions that have that label.
    """
    conds = [f"s.started_at >= {utc_literal(lo)}", f"s.started_at < {utc_literal(hi)}", _KNOWN]
    args: list[Any] = []
    if source is not None:
        _only_source(conds, args, source, tools=tools, table="s")
    if label is not None:
        conds.append("s.id IN (SELECT session_id FROM session_labels WHERE label = ?)")
        args.append(label)
    join = ""
    gexpr = "NULL"
    if group == "tool":
        gexpr = "coalesce(s.tool_name, s.source)"
    elif group == "label":
        join = " LEFT JOIN session_labels g ON g.session_id = s.id"
        gexpr = "g.label"
    sql = (
        f"SELECT {bucket_sql(bounds, 's.started_at')} AS b, {gexpr} AS grp, s.model, r.verdict, "
        f"count(*), sum({_UNCACHED}), sum(coalesce(s.tokens_cache_write, 0)), "
        "sum(coalesce(s.tokens_cache_read, 0)), sum(coalesce(s.tokens_out, 0)) "
        f"FROM sessions s LEFT JOIN ratings r ON r.session_id = s.id{join} "
        f"WHERE {' AND '.join(conds)} GROUP BY b, grp, s.model, r.verdict"
    )
    cells: CostCells = {}
    for b, g, model, verdict, *sums in db.conn.execute(sql, args):
        cells.setdefault((b, g), []).append(CostRow(model, verdict, *(int(v or 0) for v in sums)))
    return cells



def _only_source(conds: list[str], args: list[Any], source: str, *, tools: bool,
                 table: str) -> None:
    """Keep ``source``'s sessions: a tool's (its name or its source, ``tools``) or a source's
    (``table``'s ``source`` column: the sessions' ``s`` or the ratings' copy ``r``)."""
    if tools:
        conds.append(f"({TOOL_IS})")
        args.extend([source, source])
    else:
        conds.append(f"{table}.source = ?")
        args.append(source)


def rated_cost_rows(db: Database, source: str | None = None, *,
                    tools: bool = False) -> list[CostRow]:
    """Summed tokens per model and verdict of the *rated* sessions whose tokens are known (with
    a start time; ``source`` as in :func:`cost_rows`), for cost per useful use alone.

    Driven from the ratings (a rated session's tokens are known when its rating's copy of them
    is, migration 0003), each session looked up by id: at 100k sessions this reads a third of
    the rows :func:`cost_rows` does, without a scan of the sessions.
    """
    conds = ["r.verdict IS NOT NULL", "r.started_at IS NOT NULL",
             "coalesce(r.tokens_in, r.tokens_out) IS NOT NULL"]
    args: list[Any] = []
    if source is not None:
        _only_source(conds, args, source, tools=tools, table="r")
    sql = (
        f"SELECT s.model, r.verdict, count(*), sum({_UNCACHED}), "
        "sum(coalesce(s.tokens_cache_write, 0)), sum(coalesce(s.tokens_cache_read, 0)), "
        "sum(coalesce(s.tokens_out, 0)) "
        "FROM ratings r CROSS JOIN sessions s ON s.id = r.session_id "
        f"WHERE {' AND '.join(conds)} GROUP BY s.model, r.verdict"
    )
    return [CostRow(model, verdict, *(int(v or 0) for v in sums))
            for model, verdict, *sums in db.conn.execute(sql, args)]

class StatsReader:
    """The stats queries on one connection, as :class:`desktop_app.metrics.TallyReader`.

    ``value_stats(StatsReader(db), ...)``: the metrics ask, the store counts. The groups of
    ``group="tool"`` are tools (a generic row's own tool name, else the source); ``source``
    keeps a source's sessions, or with ``tools=True`` a tool's as the groups name them (what
    the app's tool menus offer: "Perplexity", or "generic" for unnamed generic rows).
    """

    __slots__ = ("db", "tools")

    def __init__(self, db: Database, *, tools: bool = False) -> None:
        self.db = db
        self.tools = tools

    def snapshot(self) -> AbstractContextManager[None]:
        """See :func:`snapshot`."""
        return snapshot(self.db)

    def first_last(
        self, lo: str | None, hi: str | None, source: str | None, label: str | None
    ) -> tuple[str | None, str | None]:
        """See :func:`first_last`."""
        return first_last(self.db, lo, hi, source, label, tools=self.tools)

    def period_tallies(
        self,
        bounds: Sequence[str],
        lo: str,
        hi: str,
        source: str | None,
        label: str | None,
        *,
        by_tool: bool,
    ) -> Cells:
        """See :func:`period_tallies`."""
        return period_tallies(self.db, bounds, lo, hi, source, label, by_tool=by_tool,
                              tools=self.tools)

    def label_tallies(
        self, bounds: Sequence[str], lo: str, hi: str, source: str | None, label: str | None
    ) -> tuple[Cells, dict[int, Tally]]:
        """See :func:`label_tallies`."""
        return label_tallies(self.db, bounds, lo, hi, source, label, tools=self.tools)

    def cost_rows(
        self,
        bounds: Sequence[str],
        lo: str,
        hi: str,
        source: str | None,
        label: str | None,
        *,
        group: str | None,
    ) -> CostCells:
        """See :func:`cost_rows`."""
        return cost_rows(self.db, bounds, lo, hi, source, label, group=group, tools=self.tools)
