"""Honest comparisons of value per use: a difference is claimed only when intervals are apart."""

from __future__ import annotations

from collections.abc import Mapping
from itertools import combinations
from typing import Literal, Protocol

from desktop_app.metrics.value import MIN_RATED, NO_LABEL

#: The possible outcomes of :func:`compare`.
Comparison = Literal["higher", "lower", "no clear difference", "not enough ratings"]


class Interval(Protocol):
    """Anything with a 95 % interval for value per use (``None`` when too few ratings)."""

    @property
    def ci_low(self) -> float | None: ...

    @property
    def ci_high(self) -> float | None: ...


class GroupValue(Interval, Protocol):
    """Figures of one group as :func:`insights` needs them (a :class:`~.value.Figures` fits)."""

    @property
    def uses(self) -> int: ...

    @property
    def rated(self) -> int: ...

    @property
    def value_per_use(self) -> float | None: ...


def compare(a: Interval, b: Interval) -> Comparison:
    """Is ``a``'s value per use higher or lower than ``b``'s, judged by their 95 % intervals?

    ``"higher"`` / ``"lower"`` only when the intervals do not overlap at all (a deliberately
    cautious test: touching intervals count as overlapping); ``"no clear difference"`` when they
    overlap; ``"not enough ratings"`` when either side has no interval yet.
    """
    if a.ci_low is None or a.ci_high is None or b.ci_low is None or b.ci_high is None:
        return "not enough ratings"
    if a.ci_low > b.ci_high:
        return "higher"
    if a.ci_high < b.ci_low:
        return "lower"
    return "no clear difference"


def display_name(group: str, names: Mapping[str, str] | None = None) -> str:
    """How a group reads in a sentence: its name in ``names`` (the tools' display names, which
    the caller knows), else the label capitalised."""
    if group == NO_LABEL:
        return "Unlabelled"
    if names and group in names:
        return names[group]
    return group[:1].upper() + group[1:]


def _percent(value: float) -> str:
    return f"{int(value * 100 + 0.5)} %"


def insights(
    stats_by_group: Mapping[str, GroupValue],
    *,
    names: Mapping[str, str] | None = None,
    limit: int = 3,
) -> list[str]:
    """A few plain sentences about ``stats_by_group`` (e.g. ``Stats.group_totals``).

    Only differences backed by non-overlapping 95 % intervals are claimed, the largest first and
    at most ``limit`` of them, each with its sample sizes. When groups with enough ratings all
    overlap, it says so; groups with uses but fewer than five ratings are named as too small.
    ``names`` overrides how a group is written (default: :func:`display_name`).
    """

    def name(group: str) -> str:
        return display_name(group, names)

    ready = {g: s for g, s in stats_by_group.items() if s.value_per_use is not None}
    claims: list[tuple[float, str]] = []
    for g1, g2 in combinations(sorted(ready), 2):
        outcome = compare(ready[g1], ready[g2])
        if outcome == "lower":
            g1, g2 = g2, g1
        elif outcome != "higher":
            continue
        hi, lo = ready[g1], ready[g2]
        hi_value, lo_value = hi.value_per_use or 0.0, lo.value_per_use or 0.0
        claims.append((
            hi_value - lo_value,
            f"{name(g1)} sessions were useful more often than {name(g2)} sessions "
            f"({_percent(hi_value)} of {hi.rated} rated vs "
            f"{_percent(lo_value)} of {lo.rated} rated).",
        ))
    claims.sort(key=lambda c: -c[0])
    sentences = [text for _, text in claims[:limit]]
    if not claims and len(ready) >= 2:
        sentences.append(
            f"No clear difference in value per use between the {len(ready)} groups with enough "
            "ratings yet: their 95 % intervals overlap."
        )
    small = sorted(g for g, s in stats_by_group.items() if s.uses and s.rated < MIN_RATED)
    if small:
        listed = ", ".join(name(g) for g in small[:-1])
        listed = f"{listed} and {name(small[-1])}" if listed else name(small[-1])
        sentences.append(
            f"Not enough ratings yet for {listed} (fewer than {MIN_RATED} rated each)."
            if len(small) > 1
            else f"Not enough ratings yet for {listed} "
            f"({stats_by_group[small[0]].rated} rated of {stats_by_group[small[0]].uses} uses)."
        )
    return sentences
