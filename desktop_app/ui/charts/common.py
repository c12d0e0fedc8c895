"""What the Value view's charts share: colours from the theme, plot set-up, tooltips, targets."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pyqtgraph as pg
from PySide6.QtGui import QColor

from desktop_app.importers.registry import DISPLAY_NAMES, TOOL_NAMES
from desktop_app.metrics import Figures, GroupBy, PeriodFigures, display_name
from desktop_app.metrics.text import estimate_text, percent, value_text
from desktop_app.ui.theme import colors

#: The value axis always spans 0–100 %; the strip below 0 % (``FEW_LOW`` to ``FEW_HIGH``,
#: labelled "too few" on the axis) marks the periods with fewer than 5 ratings, so that a
#: mark there can never be read as a value.
VALUE_MIN = -20.0
VALUE_MAX = 104.0
FEW_LOW = -17.0
FEW_HIGH = -7.0
FEW_Y = (FEW_LOW + FEW_HIGH) / 2
#: The columns of an exported CSV after ``start``/``end`` (the ``stats --json`` keys).
FIGURE_KEYS = ("group", "uses", "rated", "useful", "not_useful", "value_per_use", "ci_low",
               "ci_high", "est_useful_uses", "est_useful_low", "est_useful_high",
               "minutes_saved_mean", "minutes_n", "tokens_per_useful")
PERCENT_TICKS = [[(v, f"{v} %") for v in (0, 25, 50, 75, 100)], []]
#: The value axis of the over-time chart: the percentages and the "too few" strip below them.
VALUE_TICKS = [[*PERCENT_TICKS[0], (FEW_Y, "too few")], []]
#: How much of its colour a period that has not ended yet ("so far") keeps.
SO_FAR_ALPHA = 0.4
#: The last line of a tooltip over something a click opens (a chart's ``open_hint``; None where
#: a click opens nothing, as in the team view).
OPEN_HINT = "Click to see these sessions"


@dataclass(frozen=True)
class ChartColors:
    """Chart colours for one scheme: the theme's verdict colours plus neutral chart tones."""

    background: str
    text: str
    axis: str
    useful: str
    not_useful: str
    unrated: str
    value: str
    band: str
    band_key: str
    few: str
    bar: str
    highlight: str


def chart_colors() -> ChartColors:
    """The chart colours of the scheme in use (from :func:`desktop_app.ui.theme.colors`)."""
    c = colors()
    if c.dark:
        return ChartColors(background="#28292d", text="#e8eaed", axis="#a0a0a0",
                           useful=c.useful, not_useful=c.not_useful, unrated="#6b6f74",
                           value=c.user, band="#7fb2ff50", band_key="#3f5576", few="#b0b0b0",
                           bar="#8f96a3", highlight="#ffffff30")
    return ChartColors(background="#ffffff", text="#1f1f1f", axis="#6b6b6b",
                       useful=c.useful, not_useful=c.not_useful, unrated="#c4c4c4",
                       value=c.user, band="#1f5fbf38", band_key="#b4c6e6", few="#7a7a7a",
                       bar="#7d8796", highlight="#00000018")


@dataclass(frozen=True)
class GroupTarget:
    """A tool or label the user pointed at in a group chart."""

    kind: GroupBy
    name: str


Target = PeriodFigures | GroupTarget


def setup_plot(plot: Any, title: str) -> None:
    """A plot that does not pan or zoom (its ranges are fixed by the data) with a title."""
    plot.setMouseEnabled(x=False, y=False)
    plot.hideButtons()
    plot.setMenuEnabled(False)
    plot.showGrid(x=False, y=True, alpha=0.18)
    plot.setTitle(title)
    plot.vb.setDefaultPadding(0.0)
    # ViewBox.paint strokes its (invisible) border whenever ``border`` is not None; that path
    # ends in "Z", which pyqtgraph's SVG exporter cannot parse with Qt 6.11.
    plot.vb.border = None


def style_plot(plot: Any, cc: ChartColors, title: str) -> None:
    """Axes, tick labels and title in the scheme's colours."""
    for name in ("left", "bottom", "right", "top"):
        axis = plot.getAxis(name)
        axis.setPen(pg.mkPen(cc.axis))
        axis.setTextPen(pg.mkPen(cc.text))
    plot.setTitle(title, color=cc.text, size="10pt")


def key(colour: str, mark: str = "■") -> str:
    """A coloured legend mark for a plot title (titles are rich text)."""
    return f"<span style='color:{colour}'>{mark}</span>"


def period_name(start: date, by: str) -> str:
    """``Week of 16 Nov 2026`` or ``November 2026``."""
    return f"{start:%B %Y}" if by == "month" else f"Week of {start:%d %b %Y}"


def lighter(colour: str, alpha: float = SO_FAR_ALPHA) -> QColor:
    """``colour`` with only ``alpha`` of its opacity (a "so far" period)."""
    out = QColor(colour)
    out.setAlphaF(out.alphaF() * alpha)
    return out


def figures_tooltip(head: str, f: Figures, footer: str | None) -> str:
    """Exact numbers for a hover: uses, ratings, value with interval, estimates, minutes."""
    unrated = f.uses - f.rated
    lines = [
        head,
        f"{f.uses:,} uses · {f.rated:,} rated ({f.useful:,} useful, {f.not_useful:,} not "
        f"useful) · {unrated:,} unrated",
    ]
    if f.value_per_use is None:
        lines.append(f"Value per use: not enough ratings ({f.rated} rated; it takes 5)")
    else:
        lines.append(f"Value per use {value_text(f)}, 95 % interval")
        lines.append(f"Estimated useful uses {estimate_text(f)} (an estimate)")
    if f.minutes_saved_mean is not None:
        lines.append(f"Minutes saved (your own estimate): {f.minutes_saved_mean:+.1f} on average "
                     f"over {f.minutes_n} rated uses")
    if footer:
        lines.append(footer)
    return "\n".join(lines)


def group_name(kind: GroupBy, name: str) -> str:
    """How a tool or label group is named: a tool by its display name (a generic tool's own
    name as written: "le Chat"), a label capitalised."""
    return display_name(name, TOOL_NAMES if kind == "tool" else DISPLAY_NAMES)


def group_head(kind: GroupBy, name: str) -> str:
    """A group's name as a tooltip heading."""
    return f"{'Tool' if kind == 'tool' else 'Label'}: {group_name(kind, name)}"


def n_text(f: Figures) -> str:
    """``65 % · n = 23 rated of 140 uses``."""
    value = f"{percent(f.value_per_use)} · " if f.value_per_use is not None else ""
    return f"{value}n = {f.rated:,} rated of {f.uses:,} uses"
