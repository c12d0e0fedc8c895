"""Cost from the local price table (pure: no SQL, nothing fetched).

How the numbers are defined:

- **A session's cost** = uncached input × the input price + cache writes × the cache-write
  price + cache reads × the cache-read price + output × the output price (prices per million
  tokens), at the price of the session's main model. Where a source records no split, all of
  ``tokens_in`` is priced as uncached input. ``None`` where the session has no tokens (neither
  count known) or its model has no price; such models are listed as "no price".
- **Which price**: an entry whose ``model`` equals the id (ignoring case) wins; otherwise the
  pattern (``*`` = any text) that matches with the longest text before its first ``*``.
- **cost** of a period: the sum over its uses that have a cost; **cost_priced_uses** says how
  many uses that is (the others have no tokens or no price). ``None`` when none has a cost.
- **cost_per_useful** = the cost of the *rated* uses that have a cost ÷ how many of them were
  useful (as ``tokens_per_useful``: numerator and denominator from the same sessions).
  ``None`` below :data:`~desktop_app.metrics.value.MIN_RATED` such rated uses or when none of
  them was useful.
- **cost_per_useful_interval** = their mean cost per rated use divided by the ends of the
  95 % Wilson interval of their useful share (value per use's interval, over the priced rated
  uses), taken as exact: an estimate (``cost_per_useful_estimate``), not a confidence interval
  of the cost itself.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from desktop_app.domain import CostRow, Price
from desktop_app.metrics.wilson import wilson_interval

#: Below this many priced rated uses there is no cost per useful use (as for value per use).
MIN_PRICED_RATED = 5

#: Tokens per price unit: prices are per million tokens.
PER = 1_000_000


class PriceTable:
    """Prices by model id or pattern (see the module docs for which entry wins)."""

    __slots__ = ("_cache", "_exact", "_patterns", "entries")

    def __init__(self, entries: Iterable[Price]) -> None:
        self.entries: tuple[Price, ...] = tuple(entries)
        self._exact: dict[str, Price] = {}
        patterns: list[tuple[int, str, Price]] = []
        for entry in self.entries:
            key = entry.model.strip().lower()
            if "*" in key or "?" in key or "[" in key:
                literal = len(key.split("*")[0].split("?")[0].split("[")[0])
                patterns.append((literal, key, entry))
            else:
                self._exact[key] = entry
        # Longest literal start first; ties: the longer pattern, then by text (stable).
        patterns.sort(key=lambda p: (-p[0], -len(p[1]), p[1]))
        self._patterns = patterns
        self._cache: dict[str, Price | None] = {}

    def price_for(self, model: str | None) -> Price | None:
        """The price of ``model`` (None: no entry matches, or no model)."""
        if not model:
            return None
        key = model.strip().lower()
        if key in self._cache:
            return self._cache[key]
        found = self._exact.get(key)
        if found is None:
            found = next((e for _, pattern, e in self._patterns
                          if fnmatch.fnmatchcase(key, pattern)), None)
        self._cache[key] = found
        return found

    def unpriced(self, models: Iterable[str | None]) -> list[str]:
        """The models among ``models`` that have no price, sorted, each once ("no price")."""
        return sorted({m for m in models if m and self.price_for(m) is None},
                      key=lambda m: (m.lower(), m))


def token_cost(price: Price, uncached: int, cache_write: int, cache_read: int,
               output: int) -> float:
    """The cost of these tokens at ``price`` (US dollars)."""
    return (uncached * price.input + cache_write * price.cache_write
            + cache_read * price.cache_read + output * price.output) / PER


def session_cost(table: PriceTable, model: str | None, tokens_in: int | None,
                 tokens_out: int | None, uncached: int | None = None,
                 cache_write: int | None = None, cache_read: int | None = None) -> float | None:
    """One session's cost (see the module docs); None without tokens or without a price."""
    if tokens_in is None and tokens_out is None:
        return None
    price = table.price_for(model)
    if price is None:
        return None
    write, read = cache_write or 0, cache_read or 0
    fresh = uncached if uncached is not None else (tokens_in or 0) - write - read
    return token_cost(price, fresh, write, read, tokens_out or 0)


@dataclass(slots=True)
class CostTally:
    """Additive cost counts of some uses (summed per period and group, like a Tally).

    ``cost``/``priced``: the cost of the uses that have one, and how many; ``rated_cost``,
    ``rated`` and ``useful``: the same over the rated ones among them, and how many were useful.
    """

    cost: float = 0.0
    priced: int = 0
    rated_cost: float = 0.0
    rated: int = 0
    useful: int = 0

    def add(self, other: CostTally) -> None:
        """Add ``other`` to this tally."""
        self.cost += other.cost
        self.priced += other.priced
        self.rated_cost += other.rated_cost
        self.rated += other.rated
        self.useful += other.useful


def cost_tally(rows: Iterable[CostRow], table: PriceTable) -> CostTally:
    """Price summed token rows (per model and verdict) into one :class:`CostTally`."""
    tally = CostTally()
    for row in rows:
        price = table.price_for(row.model)
        if price is None or row.sessions == 0:
            continue
        cost = token_cost(price, row.uncached, row.cache_write, row.cache_read, row.output)
        tally.cost += cost
        tally.priced += row.sessions
        if row.verdict is not None:
            tally.rated_cost += cost
            tally.rated += row.sessions
            if row.verdict == "useful":
                tally.useful += row.sessions
    return tally


@dataclass(frozen=True, slots=True)
class CostFigures:
    """The cost figures of one group over some stretch of time (``stats --json`` keys)."""

    cost: float | None
    priced_uses: int
    per_useful: float | None
    per_useful_low: float | None
    per_useful_high: float | None
    #: How many rated uses with a cost the figure per useful use rests on.
    priced_rated: int = 0

    def to_json(self) -> dict[str, object]:
        """The keys a ``stats --json`` period gains (costs in US dollars, to 6 decimals)."""
        interval = None
        if self.per_useful_low is not None and self.per_useful_high is not None:
            interval = [_round(self.per_useful_low), _round(self.per_useful_high)]
        return {
            "cost": _round(self.cost),
            "cost_priced_uses": self.priced_uses,
            "cost_per_useful": _round(self.per_useful),
            "cost_per_useful_interval": interval,
            "cost_per_useful_estimate": self.per_useful is not None,
        }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 6)


def cost_figures(tally: CostTally | None) -> CostFigures:
    """The figures of some cost counts (see the module docs)."""
    if tally is None or tally.priced == 0:
        return NO_COST
    per = low = high = None
    if tally.rated >= MIN_PRICED_RATED and tally.useful > 0:
        per = tally.rated_cost / tally.useful
        mean = tally.rated_cost / tally.rated
        share_low, share_high = wilson_interval(tally.useful, tally.rated)
        low, high = mean / share_high, mean / share_low
    return CostFigures(tally.cost, tally.priced, per, low, high, tally.rated)


NO_COST = CostFigures(None, 0, None, None, None, 0)


def cost_cells(rows: Mapping[tuple[int, str | None], Iterable[CostRow]],
               table: PriceTable) -> dict[tuple[int, str | None], CostTally]:
    """Price every cell's rows (cells keyed as the stats tallies are)."""
    return {key: cost_tally(cell, table) for key, cell in rows.items()}


def money(value: float | None) -> str:
    """A cost as people read it: ``$0.42``, ``$1,234``, ``$0.0031``, ``< $0.001``; ``no price``
    for None."""
    if value is None:
        return "no price"
    if value >= 100:
        return f"${value:,.0f}"
    if value >= 0.1 or value == 0:
        return f"${value:,.2f}"
    return f"${value:.2g}" if value >= 0.001 else "< $0.001"
