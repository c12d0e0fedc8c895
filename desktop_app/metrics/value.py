"""Value per use per week or month, overall or by tool or label, from tallies (pure, no SQL).

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
- **cost**, **cost_priced_uses**, **cost_per_useful** and its interval (with ``prices`` only,
  added after the other keys): see :mod:`.cost`.
- **periods** run from the period of the first matching session (or ``date_from``) to the period
  of the last one (or ``date_to``), and *every* period in between is listed, with zeros when
  nothing happened, so charts show gaps honestly instead of joining across them. The first and
  last period keep their full ``start``/``end`` even when ``date_from``/``date_to`` cut them;
  their counts then cover only the filtered days.
- **partial** (in ``to_json`` only): the period has not ended yet, today (local) falls inside
  it, so its counts are "so far" (PRODUCT.md, "Partial periods").
- **group="tool"**: one entry per period and source. **group="label"**: one entry per period and
  label; a session with two labels counts in both, sessions without a label form the group
  :data:`NO_LABEL`. Every group that has a use anywhere in the range gets an entry in every
  period (zeros included); groups are sorted by name, :data:`NO_LABEL` last.
- **totals** are one object over all matching sessions, never a sum over groups, so a session
  with two labels is counted once; ``Stats.group_totals`` holds the per-group totals.

Where the numbers come from: this module is pure. :func:`value_stats` asks a
:class:`TallyReader` (the store's ``StatsReader``) for additive :class:`~desktop_app.domain.Tally`
counts per period and group between UTC boundaries that :func:`.periods.utc_bounds` works out
from local days, and turns them into figures. Tests can pass any object with the same methods.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Literal, Protocol, TypeVar, runtime_checkable

from desktop_app.domain import CostRow, Tally, parse_utc
from desktop_app.metrics.cost import CostFigures, CostTally, PriceTable, cost_figures, cost_tally
from desktop_app.metrics.periods import (
    By,
    Period,
    check_by,
    day_start_utc,
    iter_periods,
    local_date,
    utc_bounds,
    utc_text,
)
from desktop_app.metrics.wilson import wilson_interval

#: How stats can be split: by the session's tool (source) or by the user's labels.
GroupBy = Literal["tool", "label"]

#: Below this many rated uses there is no value per use, interval or estimate.
MIN_RATED = 5

#: The group of sessions that carry no label, with ``group="label"``.
NO_LABEL = "(no label)"


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

    def is_partial(self, today: date | None = None) -> bool:
        """True while the period has not ended: ``today`` (local, default now) falls inside it."""
        day = date.today() if today is None else today
        return self.start <= day < self.end

    def to_json(self, today: date | None = None) -> dict[str, object]:
        """One entry of ``periods`` in ``stats --json``: ISO ``start``/``end``, the figures, then
        ``partial`` (see :meth:`is_partial`; ``today`` defaults to the local date)."""
        return {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            **Figures.to_json(self),
            "partial": self.is_partial(today),
        }


@dataclass(frozen=True, slots=True)
class Stats:
    """The result of :func:`value_stats`: periods (per group), totals and per-group totals."""

    by: By
    group: GroupBy | None
    periods: tuple[PeriodFigures, ...]
    totals: Figures
    group_totals: Mapping[str, Figures] = field(default_factory=dict)
    #: The cost figures per ``(index into periods, group)`` and of the totals, when asked for
    #: with a price table (see :mod:`.cost`); None otherwise.
    costs: Mapping[tuple[int, str | None], CostFigures] | None = None
    total_cost: CostFigures | None = None

    @property
    def groups(self) -> tuple[str, ...]:
        """The groups in display order (empty without ``group``)."""
        return tuple(self.group_totals)

    def series(self, group: str | None = None) -> list[PeriodFigures]:
        """The periods of one group in time order (``None`` without ``group``)."""
        return [p for p in self.periods if p.group == group]

    def to_json(self, today: date | None = None) -> dict[str, object]:
        """Exactly the ``stats --json`` object of the PRODUCT contract (``today``: see
        :meth:`PeriodFigures.is_partial`)."""
        day = date.today() if today is None else today
        periods = [p.to_json(day) for p in self.periods]
        totals = self.totals.to_json()
        if self.costs is not None and self.total_cost is not None:
            index = {start: i for i, start in enumerate(sorted({p.start for p in self.periods}))}
            for period, entry in zip(self.periods, periods, strict=True):
                key = (index[period.start], period.group)
                entry.update(self.costs.get(key, _NO_COST).to_json())
            totals.update(self.total_cost.to_json())
        return {
            "by": self.by,
            "group": self.group,
            "periods": periods,
            "totals": totals,
        }


def _figures(tally: Tally, group: str | None) -> Figures:
    return Figures(group, *_figure_values(tally))


_Values = tuple[
    int, int, int, int, float | None, float | None, float | None, float | None, float | None,
    float | None, float | None, int, float | None,
]


def _figure_values(t: Tally) -> _Values:
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


_ZERO = _figure_values(Tally())
_NO_COST = cost_figures(None)


_K = TypeVar("_K", bound=Hashable)

#: Tallies keyed by (period index, group): the tool, the label, or None when not grouped.
Cells = dict[tuple[int, str | None], Tally]


class TallyReader(Protocol):
    """Where :func:`value_stats` gets its counts (``desktop_app.store.stats.StatsReader``).

    Times are UTC text as the store keeps it (``YYYY-MM-DDTHH:MM:SSZ``); ``bounds`` are the
    periods' boundaries (period ``i`` is ``bounds[i] <= started_at < bounds[i + 1]``), ``lo`` and
    ``hi`` the range actually counted. ``source`` keeps one tool's sessions, ``label`` only
    sessions carrying that label.
    """

    def snapshot(self) -> AbstractContextManager[None]:
        """The reads made inside see one consistent state of the data."""
        ...

    def first_last(
        self, lo: str | None, hi: str | None, source: str | None, label: str | None
    ) -> tuple[str | None, str | None]:
        """The first and last start time of the matching sessions (``None`` when none)."""
        ...

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
        """Tallies per period, keyed ``(period, tool)`` with ``by_tool``, else ``(period, None)``.

        Periods (and tools) without a use may be left out.
        """
        ...

    def label_tallies(
        self, bounds: Sequence[str], lo: str, hi: str, source: str | None, label: str | None
    ) -> tuple[Cells, dict[int, Tally]]:
        """Tallies per period and label, and per period of labelled sessions counted once."""
        ...


#: Token sums for pricing keyed as :data:`Cells` (a label group's unlabelled sessions: None).
CostCells = dict[tuple[int, str | None], list[CostRow]]


@runtime_checkable
class CostReader(TallyReader, Protocol):
    """A :class:`TallyReader` that also sums tokens for pricing (the store's ``StatsReader``)."""

    def cost_rows(
        self,
        bounds: Sequence[str],
        lo: str,
        hi: str,
        source: str | None,
        label: str | None,
        *,
        group: GroupBy | None,
    ) -> CostCells:
        """Summed tokens per period, group (tool, label or None), model and verdict."""
        ...


@dataclass(frozen=True, slots=True)
class PeriodTallies:
    """The counts :func:`value_stats` turns into figures, for callers that need the counts
    themselves (a summary card adds them up across tools).

    ``periods`` are every period of the range (see the module docs); ``cells`` the tallies keyed
    ``(index into periods, group)`` (the group is the tool key, the label with
    :data:`NO_LABEL` for unlabelled sessions, or ``None``), where periods and groups without a
    use may be missing; ``base`` the ungrouped cells behind a label split (``None`` otherwise).
    ``first_day`` and ``last_day`` are the local days of the first and last matching session
    (``None`` when none matched).
    """

    by: By
    group: GroupBy | None
    periods: tuple[Period, ...]
    cells: Cells
    base: Cells | None
    first_day: date | None
    last_day: date | None
    #: Token sums for pricing, when asked for: keyed as ``cells`` (and ``cost_base`` the
    #: ungrouped ones behind a label split).
    cost_cells: CostCells | None = None
    cost_base: CostCells | None = None


def collect_tallies(
    reader: TallyReader,
    by: By = "week",
    group: GroupBy | None = None,
    source: str | None = None,
    label: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    *,
    costs: bool = False,
) -> PeriodTallies:
    """The tallies behind :func:`value_stats` with the same arguments (and the same errors);
    ``costs``: with the token sums for pricing too (``reader`` must be a :class:`CostReader`)."""
    if costs and not isinstance(reader, CostReader):
        raise TypeError("cost figures need a reader that sums tokens (a CostReader)")
    by = check_by(by)
    if group not in (None, "tool", "label"):
        raise ValueError(f"unknown group {group!r}: use tool or label")
    if date_from is not None and date_to is not None and date_from > date_to:
        raise ValueError(f"the start date {date_from} is after the end date {date_to}")
    lo_limit = utc_text(day_start_utc(date_from)) if date_from is not None else None
    hi_limit = (
        utc_text(day_start_utc(date_to + timedelta(days=1))) if date_to is not None else None
    )
    with reader.snapshot():
        first, last = reader.first_last(lo_limit, hi_limit, source, label)
        first_day = _local_date_of(first) if first else None
        last_day = _local_date_of(last) if last else None
        start_day = date_from or first_day or date_to
        end_day = date_to or last_day or date_from
        periods: tuple[Period, ...] = ()
        if start_day is not None and end_day is not None:
            periods = tuple(iter_periods(start_day, end_day, by))
        if not periods:
            return PeriodTallies(by, group, (), {}, None, first_day, last_day)
        bounds = utc_bounds(periods)
        lo = max(bounds[0], lo_limit) if lo_limit else bounds[0]
        hi = min(bounds[-1], hi_limit) if hi_limit else bounds[-1]
        if group == "label":
            base = reader.period_tallies(bounds, lo, hi, source, label, by_tool=False)
            labels, labelled = reader.label_tallies(bounds, lo, hi, source, label)
            cells = _with_unlabelled(labels, base, labelled)
        else:
            cells = reader.period_tallies(bounds, lo, hi, source, label, by_tool=group == "tool")
            base = None
        cost_cells = cost_base = None
        if costs and isinstance(reader, CostReader):
            cost_cells = reader.cost_rows(bounds, lo, hi, source, label, group=group)
            if group == "label":
                cost_base = reader.cost_rows(bounds, lo, hi, source, label, group=None)
                cost_cells = {(b, NO_LABEL if g is None else g): rows
                              for (b, g), rows in cost_cells.items()}
    return PeriodTallies(by, group, periods, cells, base, first_day, last_day, cost_cells,
                         cost_base)


def value_stats(
    reader: TallyReader,
    by: By = "week",
    group: GroupBy | None = None,
    source: str | None = None,
    label: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    *,
    prices: PriceTable | None = None,
) -> Stats:
    """Value per use per week or month, optionally split by tool or label (see module docs).

    With ``prices``, the periods and totals gain the cost figures of :mod:`.cost` (``reader``
    must then be a :class:`CostReader`).

    ``reader`` supplies the counts (``StatsReader(db)`` from the store); all its reads happen on
    one snapshot. ``source`` and ``label`` keep only sessions of that tool / with that label;
    ``date_from`` and ``date_to`` are inclusive local calendar days. Raises :class:`ValueError`
    for an unknown ``by`` or ``group``, or when ``date_from`` is after ``date_to``.
    """
    t = collect_tallies(reader, by, group, source, label, date_from, date_to,
                        costs=prices is not None)
    if not t.periods:
        empty = Stats(by=t.by, group=group, periods=(), totals=_figures(Tally(), None))
        if prices is not None:
            empty = replace(empty, costs={}, total_cost=_NO_COST)
        return empty
    stats = _assemble(t.by, group, t.periods, t.cells, t.base)
    if prices is None or t.cost_cells is None:
        return stats
    priced = {key: cost_tally(rows, prices) for key, rows in t.cost_cells.items()}
    total = CostTally()
    for rows in (t.cost_base if t.cost_base is not None else t.cost_cells).values():
        total.add(cost_tally(rows, prices))
    return replace(stats, costs={key: cost_figures(c) for key, c in priced.items()},
                   total_cost=cost_figures(total))


def _local_date_of(utc: str) -> date:
    moment = parse_utc(utc)
    if moment is None:
        raise ValueError("empty time")
    return local_date(moment)


def _cell(cells: dict[_K, Tally], key: _K) -> Tally:
    tally = cells.get(key)
    if tally is None:
        tally = cells[key] = Tally()
    return tally


def _with_unlabelled(labels: Cells, base: Cells, labelled: Mapping[int, Tally]) -> Cells:
    """The label cells plus :data:`NO_LABEL` per period: all sessions minus labelled ones."""
    unlabelled: Cells = {}
    for (b, _), tally in base.items():
        _cell(unlabelled, (b, NO_LABEL)).add(tally)
    for b, tally in labelled.items():
        _cell(unlabelled, (b, NO_LABEL)).add(tally, sign=-1)
    cells = dict(labels)
    cells.update((key, t) for key, t in unlabelled.items() if t.uses)
    return cells


def _assemble(
    by: By,
    group: GroupBy | None,
    periods: Sequence[Period],
    cells: Cells,
    base: Cells | None,
) -> Stats:
    """Lay the tallies out as one entry per period (and group), with totals."""
    total = Tally()
    for tally in (base if base is not None else cells).values():
        total.add(tally)
    if group is None:
        entries = tuple(
            _period_figures(p, None, cells.get((i, None))) for i, p in enumerate(periods)
        )
        return Stats(by=by, group=None, periods=entries, totals=_figures(total, None))
    per_group: dict[str, Tally] = {}
    for (_, name), tally in cells.items():
        if name is not None:
            _cell(per_group, name).add(tally)
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


def _period_figures(period: Period, group: str | None, tally: Tally | None) -> PeriodFigures:
    values = _ZERO if tally is None else _figure_values(tally)
    return PeriodFigures(group, *values, period.start, period.end)


def tally_figures(tally: Tally, group: str | None = None) -> Figures:
    """The figures of some counts, exactly as ``stats --json`` computes them (value per use and
    its interval, estimates, minutes), for counts summed elsewhere (the team view's cards)."""
    return _figures(tally, group)


def tally_period_figures(period: Period, group: str | None, tally: Tally) -> PeriodFigures:
    """One ``periods`` entry of ``stats --json`` for the counts of ``group`` in ``period``."""
    return _period_figures(period, group, tally)
