"""The readable table ``worthwhile team`` prints: the shown cells, their totals, what was hidden
and the files not read (no Qt)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from desktop_app.domain import Tally
from desktop_app.metrics.compare import display_name
from desktop_app.metrics.text import estimate_text, minutes_text, period_label, value_text
from desktop_app.metrics.value import Figures, tally_figures
from desktop_app.sharing.team import FEWER_THAN, MIN_PEOPLE, Rejected, Team

_PERIOD_HEADER = {"week": "Week of", "month": "Month"}


def _people(team: Team) -> str:
    dup = ""
    if team.duplicates:
        dup = (f" ({team.duplicates} duplicate{'s' if team.duplicates != 1 else ''} of a card "
               "counted once)")
    return f"{team.cards} card{'s' if team.cards != 1 else ''}{dup}"


def format_team(team: Team, rejected: Sequence[Rejected] = ()) -> str:
    """The readable table ``worthwhile team`` prints: the shown cells, the totals of the shown
    cells, how many were hidden, and the files not read."""
    grouped = team.group is not None
    how = f"per {team.by}" + (f", by {team.group}" if grouped else "")
    out = [f"Team: {_people(team)}, {how}."]
    if team.too_few_people:
        out.append(f"Nothing is shown: {FEWER_THAN}. The team view needs cards from at least "
                   f"{MIN_PEOPLE} people, so that no one's numbers can be seen on their own.")
    elif not team.cells:
        out.append(f"Nothing is shown: every {team.by} rests on {FEWER_THAN}.")
    hidden = [_hidden_text(team.hidden, grouped)] if team.hidden and not team.too_few_people \
        else []
    if team.cells:
        table, notes = _table(team)
        out += ["", *table, *hidden, "", *notes]
    else:
        out += hidden
    if rejected:
        out += ["", f"Not read ({len(rejected)} file{'s' if len(rejected) != 1 else ''}):"]
        out += [f"  {r.path}: {r.reason}" for r in rejected]
    return "\n".join(out) + "\n"


def _hidden_text(hidden: int, grouped: bool) -> str:
    cells = f"{hidden} cell{'s' if hidden != 1 else ''}" if grouped else (
        f"{hidden} period{'s' if hidden != 1 else ''}")
    return (f"{cells} hidden: {FEWER_THAN} (or hidden with them, so that no one's figures can "
            "be worked out from a total).")


def _table(team: Team) -> tuple[list[str], list[str]]:
    grouped = team.group is not None
    names: Mapping[str, str] | None = None
    if team.group == "tool":  # tools keep their names as the cards wrote them
        names = {c.figures.group or "": c.figures.group or "" for c in team.cells}
    header = [_PERIOD_HEADER[team.by]]
    if grouped:
        header.append("Tool" if team.group == "tool" else "Label")
    header += ["People", "Uses", "Rated", "Useful", "Value per use (95 % CI)",
               "Est. useful uses*", "Minutes saved† (n)"]
    rows = []
    for cell in team.cells:
        f = cell.figures
        first = [period_label(f.start, team.by)]
        if grouped:
            first.append(display_name(f.group or "", names))
        rows.append(_row(first, str(cell.contributors), f))
    totals: list[list[str]] = []
    if grouped:
        for name, tally in team.group_totals().items():
            totals.append(_row(["Total", display_name(name, names)], "",
                               tally_figures(tally, name)))
    if team.group != "label":  # label cells count a session with two labels twice
        totals.append(_row(["Total", "all"] if grouped else ["Total"], "",
                           tally_figures(team.shown_total())))
    text_columns = 2 if grouped else 1
    widths = [max(len(r[i]) for r in [header, *rows, *totals]) for i in range(len(header))]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(c.ljust(w) if i < text_columns else c.rjust(w)
                         for i, (c, w) in enumerate(zip(cells, widths, strict=True))).rstrip()

    rule = "  ".join("-" * w for w in widths)
    total: Tally = team.shown_total()
    basis = (f"Based on {total.rated:,} rated of {total.uses:,} uses in the cells shown"
             if team.group != "label" else "A session with two labels counts under both")
    table = [line(header), rule, *(line(r) for r in rows), rule, *(line(r) for r in totals)]
    return table, [
        f"{basis}; totals are sums of the cells shown. People: the cards with a use in that "
        "cell.",
        "* Estimate: value per use × uses, with the same interval.",
        "† Each person's own estimates: the mean of the minutes given, and how many gave one.",
    ]


def _row(first: list[str], people: str, f: Figures) -> list[str]:
    return [*first, people, f"{f.uses:,}", f"{f.rated:,}", f"{f.useful:,}", value_text(f),
            estimate_text(f), minutes_text(f)]
