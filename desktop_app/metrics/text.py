"""Value-per-use statistics as a readable fixed-width table for ``worthwhile stats`` (no Qt)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from desktop_app.metrics.compare import display_name
from desktop_app.metrics.value import MIN_RATED, Figures, Stats

#: What a period's first day reads as, per ``by``.
_PERIOD_HEADER = {"week": "Week of", "month": "Month"}
NOT_ENOUGH = "not enough ratings"
NO_MINUTES = "—"


def period_label(start: date, by: str) -> str:
    """``2026-11-16`` for the week starting then, ``Nov 2026`` for a month."""
    if by == "month":
        return f"{start:%b %Y}"
    return start.isoformat()


def percent(value: float) -> str:
    """``78 %`` (rounded half up, like :func:`desktop_app.metrics.insights`)."""
    return f"{int(value * 100 + 0.5)} %"


def value_text(f: Figures) -> str:
    """``78 % (65–87 %)`` or ``not enough ratings``."""
    if f.value_per_use is None or f.ci_low is None or f.ci_high is None:
        return NOT_ENOUGH
    return f"{percent(f.value_per_use)} ({int(f.ci_low * 100 + 0.5)}–{percent(f.ci_high)})"


def estimate_text(f: Figures) -> str:
    """``109 (91–122)`` estimated useful uses, or ``—`` below :data:`MIN_RATED` ratings."""
    if f.est_useful_uses is None or f.est_useful_low is None or f.est_useful_high is None:
        return NO_MINUTES
    return f"{f.est_useful_uses:.0f} ({f.est_useful_low:.0f}–{f.est_useful_high:.0f})"


def minutes_text(f: Figures) -> str:
    """``+12.5 (n=30)``: the mean of the minutes the user gave, and how many gave one."""
    if f.minutes_saved_mean is None:
        return NO_MINUTES
    return f"{f.minutes_saved_mean:+.1f} (n={f.minutes_n})"


def tokens_text(f: Figures) -> str:
    """Tokens per useful use, ``48k``, or ``—``."""
    t = f.tokens_per_useful
    if t is None:
        return NO_MINUTES
    if t >= 1_000_000:
        return f"{t / 1_000_000:.1f}M"
    if t >= 1000:
        return f"{t / 1000:.0f}k"
    return f"{t:.0f}"


def _row(first: Sequence[str], f: Figures, with_tokens: bool) -> list[str]:
    cells = [*first, f"{f.uses:,}", f"{f.rated:,}", f"{f.useful:,}", value_text(f),
             estimate_text(f), minutes_text(f)]
    if with_tokens:
        cells.append(tokens_text(f))
    return cells


def format_stats(stats: Stats, names: Mapping[str, str] | None = None) -> str:
    """The table printed by ``worthwhile stats``: one row per period (and group), then totals.

    Grouped tables leave out a group's periods without uses (they would be rows of zeros) and
    end with one total per group and the overall total (a session with two labels counts once
    there). Estimates and minutes are marked as such in a footnote.
    """
    if not stats.periods:
        return "No sessions match: nothing to show.\n"
    grouped = stats.group is not None
    every = [*stats.periods, *stats.group_totals.values(), stats.totals]
    with_tokens = any(f.tokens_per_useful is not None for f in every)
    header = [_PERIOD_HEADER.get(stats.by, "Period")]
    if grouped:
        header.append("Tool" if stats.group == "tool" else "Label")
    header += ["Uses", "Rated", "Useful", "Value per use (95 % CI)", "Est. useful uses*",
               "Minutes saved† (n)"]
    if with_tokens:
        header.append("Tokens / useful")
    rows: list[list[str]] = []
    for p in stats.periods:
        if grouped and not p.uses:
            continue
        first = [period_label(p.start, stats.by)]
        if grouped:
            first.append(display_name(p.group or "", names))
        rows.append(_row(first, p, with_tokens))
    totals: list[list[str]] = []
    if grouped:
        for name, f in stats.group_totals.items():
            totals.append(_row(["Total", display_name(name, names)], f, with_tokens))
        totals.append(_row(["Total", "all"], stats.totals, with_tokens))
    else:
        totals.append(_row(["Total"], stats.totals, with_tokens))

    text_columns = 2 if grouped else 1
    widths = [max(len(r[i]) for r in [header, *rows, *totals]) for i in range(len(header))]

    def line(cells: Sequence[str]) -> str:
        parts = [c.ljust(w) if i < text_columns else c.rjust(w)
                 for i, (c, w) in enumerate(zip(cells, widths, strict=True))]
        return "  ".join(parts).rstrip()

    rule = "  ".join("-" * w for w in widths)
    out = [line(header), rule, *(line(r) for r in rows), rule, *(line(r) for r in totals)]
    t = stats.totals
    out += [
        "",
        f"Based on {t.rated:,} rated of {t.uses:,} uses. Value per use = useful ÷ rated, "
        f"shown from {MIN_RATED} rated uses.",
        "* Estimate: value per use × uses, with the same interval.",
        "† Your own estimates: the mean of the minutes you gave, and how many gave one.",
    ]
    if with_tokens:
        out.append("Tokens / useful: tokens of rated uses whose tool records them, per useful one.")
    return "\n".join(out) + "\n"
