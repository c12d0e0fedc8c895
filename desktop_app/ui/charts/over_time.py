"""Over time: uses per period as stacked bars, and below it (its own axis) value per use."""

from __future__ import annotations

from bisect import bisect_right
from datetime import date, timedelta
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt

from desktop_app.metrics import MIN_RATED, PeriodFigures, Stats, day_start_utc
from desktop_app.ui.charts.common import (
    FEW_HIGH,
    FEW_LOW,
    FEW_Y,
    FIGURE_KEYS,
    OPEN_HINT,
    PERCENT_TICKS,
    VALUE_MAX,
    VALUE_MIN,
    VALUE_TICKS,
    ChartColors,
    Target,
    chart_colors,
    figures_tooltip,
    key,
    lighter,
    period_name,
    setup_plot,
    style_plot,
)

BAR_SHARE = 0.8
FEW_NAME = f"too few ratings (under {MIN_RATED}: no value)"
SO_FAR = "so far"
#: The share of the usage axis kept free above a "so far" bar for its label.
SO_FAR_ROOM = 0.25


def _empty() -> np.ndarray[Any, np.dtype[np.float64]]:
    return np.zeros(0, dtype=np.float64)


class OverTimeChart:
    """Two plots on one time axis: usage (counts) on top, value per use (0–100 %) below.

    The numbers drawn are kept as attributes (``useful``, ``not_useful``, ``unrated``,
    ``value``, ``ci_low``, ``ci_high`` in percent, NaN where there are too few ratings,
    ``few``: the periods marked as having fewer than five ratings, in a strip below 0 % labelled
    "too few", and ``partial``: the periods not over yet, drawn lighter and hollow, "so far").
    ``today`` (default: the local date) decides which period has not ended. Periods whose start
    is in ``withheld`` have no figures to show (the team view's hidden ones): no bar, no mark,
    and ``withheld_text`` when pointed at.
    """

    def __init__(self) -> None:
        self.widget = pg.GraphicsLayoutWidget()
        self.widget.setObjectName("valueOverTimeChart")
        self.widget.setAccessibleName("Uses and value per use over time")
        self.periods: list[PeriodFigures] = []
        self.by = "week"
        self._edges: list[float] = []
        self.centers = _empty()
        self.useful = _empty()
        self.not_useful = _empty()
        self.unrated = _empty()
        self.value = _empty()
        self.ci_low = _empty()
        self.ci_high = _empty()
        self.few = np.zeros(0, dtype=bool)
        self.partial = np.zeros(0, dtype=bool)
        self.today: date | None = None
        self.withheld: frozenset[date] = frozenset()
        self.withheld_text = ""
        #: The tooltip's last line over a period (None: clicks open nothing).
        self.open_hint: str | None = OPEN_HINT

        layout = self.widget.ci
        self.usage = layout.addPlot(row=0, col=0, axisItems={"bottom": pg.DateAxisItem()})
        self.value_plot = layout.addPlot(row=1, col=0, axisItems={"bottom": pg.DateAxisItem()})
        layout.layout.setRowStretchFactor(0, 1)
        layout.layout.setRowStretchFactor(1, 1)
        self.value_plot.setXLink(self.usage)
        # The legends live in the titles, so they never cover a bar or a point.
        setup_plot(self.usage, "")
        setup_plot(self.value_plot, "")
        self.usage.setLabel("left", "uses")
        self.value_plot.setLabel("left", "value per use")
        self.value_plot.getAxis("left").setTicks(VALUE_TICKS)
        # Grid lines at the percentages only: none runs through the "too few" strip.
        self.value_plot.showGrid(x=False, y=False)
        self.grid = [pg.InfiniteLine(pos=v, angle=0, movable=False) for v, _ in PERCENT_TICKS[0]]
        for line in self.grid:
            line.setZValue(-20)
            self.value_plot.addItem(line, ignoreBounds=True)
        self.few_strip = pg.LinearRegionItem(values=(FEW_LOW, FEW_HIGH), orientation="horizontal",
                                             movable=False)
        for edge in self.few_strip.lines:
            edge.setPen(pg.mkPen(None))
        self.few_strip.setZValue(-30)
        self.value_plot.addItem(self.few_strip, ignoreBounds=True)
        self.value_plot.setYRange(VALUE_MIN, VALUE_MAX, padding=0)
        for plot in (self.usage, self.value_plot):
            plot.getAxis("left").setWidth(62)

        zero = _empty()
        self.bars = {
            key: pg.BarGraphItem(x=zero, height=zero, width=1.0, pen=None)
            for key in ("useful", "not_useful", "unrated")
        }
        for bar in self.bars.values():
            self.usage.addItem(bar)

        self.low_curve = pg.PlotCurveItem(connect="finite")
        self.high_curve = pg.PlotCurveItem(connect="finite")
        self.band = pg.FillBetweenItem(self.low_curve, self.high_curve)
        self.whiskers = pg.ErrorBarItem(x=zero, y=zero, top=zero, bottom=zero, beam=0.0)
        self.line = pg.PlotDataItem(connect="finite", symbol="o", symbolSize=6, antialias=True)
        # The period not over yet: a dashed link to it, a hollow point, a faint whisker.
        self.so_far_link = pg.PlotCurveItem(connect="finite")
        self.so_far_whiskers = pg.ErrorBarItem(x=zero, y=zero, top=zero, bottom=zero, beam=0.0)
        self.so_far_points = pg.ScatterPlotItem(symbol="o", size=8)
        self.few_marks = pg.ScatterPlotItem(symbol="|", size=12)
        for item in (self.band, self.low_curve, self.high_curve, self.whiskers, self.line,
                     self.so_far_link, self.so_far_whiskers, self.so_far_points,
                     self.few_marks):
            self.value_plot.addItem(item)
        self.so_far_labels: list[Any] = []
        self.cursor = [pg.InfiniteLine(angle=90, movable=False) for _ in range(2)]
        for plot, line in zip((self.usage, self.value_plot), self.cursor, strict=True):
            line.setVisible(False)
            plot.addItem(line, ignoreBounds=True)

        self.apply_colors(chart_colors())

    def _so_far_key(self, cc: ChartColors, mark: str) -> str:
        if not (self.partial & np.isfinite(self.value)).any():
            return ""
        return f" &nbsp;{key(cc.value, mark)} {SO_FAR}"

    def _usage_title(self, cc: ChartColors) -> str:
        so_far = (f" &nbsp;(paler: {SO_FAR}, this {self.by} is not over)"
                  if self.partial.any() else "")
        return (f"Uses per {self.by}: &nbsp;{key(cc.useful)} useful &nbsp;"
                f"{key(cc.not_useful)} not useful &nbsp;{key(cc.unrated)} unrated{so_far}")

    def _value_title(self, cc: ChartColors) -> str:
        return (f"Value per use per {self.by} (useful ÷ rated): &nbsp;{key(cc.value, '●')} "
                f"value per use{self._so_far_key(cc, '○')} &nbsp;{key(cc.band_key)} 95 % "
                f"interval &nbsp;{key(cc.few, '|')} {FEW_NAME}")

    # --- data ------------------------------------------------------------------------------

    def set_stats(self, stats: Stats) -> None:
        """Draw the periods of ``stats`` (ungrouped)."""
        self.by = stats.by
        self.periods = stats.series(None)
        n = len(self.periods)
        edges = [day_start_utc(p.start).timestamp() for p in self.periods]
        if self.periods:
            edges.append(day_start_utc(self.periods[-1].end).timestamp())
        self._edges = edges
        starts = np.array(edges[:-1] if edges else [], dtype=np.float64)
        ends = np.array(edges[1:], dtype=np.float64)
        self.centers = (starts + ends) / 2
        widths = (ends - starts) * BAR_SHARE
        self.useful = np.array([p.useful for p in self.periods], dtype=np.float64)
        self.not_useful = np.array([p.not_useful for p in self.periods], dtype=np.float64)
        self.unrated = np.array([p.uses - p.rated for p in self.periods], dtype=np.float64)
        nan = float("nan")
        self.value = np.array([nan if p.value_per_use is None else p.value_per_use * 100
                               for p in self.periods], dtype=np.float64)
        self.ci_low = np.array([nan if p.ci_low is None else p.ci_low * 100
                                for p in self.periods], dtype=np.float64)
        self.ci_high = np.array([nan if p.ci_high is None else p.ci_high * 100
                                 for p in self.periods], dtype=np.float64)
        self.few = np.array([p.rated < MIN_RATED and p.start not in self.withheld
                             for p in self.periods], dtype=bool)
        today = self.today or date.today()
        self.partial = np.array([p.is_partial(today) for p in self.periods], dtype=bool)

        rated = self.useful + self.not_useful
        cc = chart_colors()
        self.bars["useful"].setOpts(x=self.centers, width=widths, y0=np.zeros(n),
                                    height=self.useful, brushes=self._brushes(cc.useful))
        self.bars["not_useful"].setOpts(x=self.centers, width=widths, y0=self.useful,
                                        height=self.not_useful,
                                        brushes=self._brushes(cc.not_useful))
        self.bars["unrated"].setOpts(x=self.centers, width=widths, y0=rated,
                                     height=self.unrated, brushes=self._brushes(cc.unrated))
        self._label_so_far(rated + self.unrated)

        # Ended periods: a line, and a band or (alone) a whisker.
        finite = np.isfinite(self.value)
        full = finite & ~self.partial
        # A band needs two neighbours; a lone period gets a whisker instead. (It stays out of the
        # band's curves: pyqtgraph pairs their pieces in order and drops a lone point from one.)
        before = np.concatenate(([False], full[:-1])) if n else full
        after = np.concatenate((full[1:], [False])) if n else full
        alone = full & ~before & ~after
        banded = full & ~alone
        # No data where nothing is drawn: all-NaN data upsets pyqtgraph.
        if full.any():
            self.line.setData(self.centers, self.value + np.where(full, 0.0, np.nan))
        else:
            self.line.setData([], [])
        if banded.any():
            hide = np.where(banded, 0.0, np.nan)
            self.low_curve.setData(self.centers, self.ci_low + hide)
            self.high_curve.setData(self.centers, self.ci_high + hide)
        else:
            self.low_curve.setData([], [])
            self.high_curve.setData([], [])
        self.whiskers.setData(x=self.centers[alone], y=self.value[alone],
                              top=(self.ci_high - self.value)[alone],
                              bottom=(self.value - self.ci_low)[alone])
        # The period not over yet: hollow, with a faint whisker and a dashed link from the last.
        so_far = finite & self.partial
        self.so_far_points.setData(x=self.centers[so_far], y=self.value[so_far])
        self.so_far_whiskers.setData(x=self.centers[so_far], y=self.value[so_far],
                                     top=(self.ci_high - self.value)[so_far],
                                     bottom=(self.value - self.ci_low)[so_far])
        linked = so_far & before
        link_x: list[float] = []
        link_y: list[float] = []
        for i in np.flatnonzero(linked):
            link_x += [float(self.centers[i - 1]), float(self.centers[i]), float("nan")]
            link_y += [float(self.value[i - 1]), float(self.value[i]), float("nan")]
        if link_x:
            self.so_far_link.setData(np.array(link_x), np.array(link_y))
        else:
            self.so_far_link.setData([], [])
        self.few_marks.setData(x=self.centers[self.few], y=np.full(int(self.few.sum()), FEW_Y))

        self.apply_colors(chart_colors())
        if n:
            self.usage.setXRange(edges[0], edges[-1], padding=0.01)
            totals = rated + self.unrated
            top = max(float(totals.max()), 1.0)
            # Room above a "so far" bar for its upright label (about a quarter of the height).
            labelled = totals[self.partial]
            if labelled.size:
                top = max(top, float(labelled.max()) + SO_FAR_ROOM * top)
            self.usage.setYRange(0, top * 1.06, padding=0)
        self.value_plot.setYRange(VALUE_MIN, VALUE_MAX, padding=0)

    def _brushes(self, colour: str) -> list[Any]:
        """One brush per bar: lighter for a period not over yet."""
        return [pg.mkBrush(lighter(colour) if so_far else colour) for so_far in self.partial]

    def _label_so_far(self, totals: np.ndarray[Any, Any]) -> None:
        """A "so far" label standing upright on each bar of a period not over yet: as narrow as a
        bar, so it never lies over the bar before it, however tall that one is."""
        for item in self.so_far_labels:
            self.usage.removeItem(item)
        self.so_far_labels = []
        for i in np.flatnonzero(self.partial):
            label = pg.TextItem(SO_FAR, color=chart_colors().axis, anchor=(0.0, 0.5), angle=90)
            label.textItem.document().setDocumentMargin(0)  # as narrow as the text
            label.setPos(float(self.centers[i]), float(totals[i]))
            self.usage.addItem(label, ignoreBounds=True)
            self.so_far_labels.append(label)

    def apply_colors(self, cc: ChartColors) -> None:
        """Restyle for a light/dark switch."""
        self.widget.setBackground(cc.background)
        style_plot(self.usage, cc, self._usage_title(cc))
        style_plot(self.value_plot, cc, self._value_title(cc))
        for name, colour in (("useful", cc.useful), ("not_useful", cc.not_useful),
                             ("unrated", cc.unrated)):
            self.bars[name].setOpts(brushes=self._brushes(colour), brush=pg.mkBrush(colour),
                                    pen=pg.mkPen(None))
        for label in self.so_far_labels:
            label.setColor(cc.axis)
        for line in self.grid:
            line.setPen(pg.mkPen(lighter(cc.axis, 0.3), width=1))
        self.few_strip.setBrush(pg.mkBrush(lighter(cc.unrated, 0.35)))
        self.few_strip.setHoverBrush(pg.mkBrush(lighter(cc.unrated, 0.35)))
        self.band.setBrush(pg.mkBrush(cc.band))
        self.band.setPen(pg.mkPen(None))
        edge = pg.mkPen(cc.band, width=1)
        self.low_curve.setPen(edge)
        self.high_curve.setPen(edge)
        self.whiskers.setData(pen=pg.mkPen(cc.value, width=1.5))
        self.line.setPen(pg.mkPen(cc.value, width=2))
        self.line.setSymbolPen(pg.mkPen(cc.value))
        self.line.setSymbolBrush(pg.mkBrush(cc.value))
        self.few_marks.setPen(pg.mkPen(cc.few, width=2))
        self.few_marks.setBrush(pg.mkBrush(None))
        self.so_far_points.setPen(pg.mkPen(cc.value, width=1.5))
        self.so_far_points.setBrush(pg.mkBrush(cc.background))
        self.so_far_whiskers.setData(pen=pg.mkPen(lighter(cc.value), width=1.5))
        self.so_far_link.setPen(pg.mkPen(lighter(cc.value), width=2,
                                         style=Qt.PenStyle.DashLine))
        for line in self.cursor:
            line.setPen(pg.mkPen(cc.highlight, width=max(1, self._bar_pixels())))

    def _bar_pixels(self) -> int:
        if len(self._edges) < 2:
            return 1
        width = (self._edges[1] - self._edges[0]) * BAR_SHARE
        px = self.usage.vb.viewPixelSize()[0]
        return int(width / px) if px > 0 else 1

    # --- pointing --------------------------------------------------------------------------

    def index_at(self, scene_pos: QPointF) -> int | None:
        """The period under a scene position in either plot (None outside)."""
        if not self.periods:
            return None
        for plot in (self.usage, self.value_plot):
            if plot.vb.sceneBoundingRect().contains(scene_pos):
                x = plot.vb.mapSceneToView(scene_pos).x()
                i = bisect_right(self._edges, x) - 1
                if 0 <= i < len(self.periods):
                    return i
        return None

    def count(self) -> int:
        """How many items (periods, groups or dots) can be pointed at."""
        return len(self.periods)

    def scene_pos_of(self, index: int, plot: Any = None) -> QPointF:
        """Where period ``index`` is drawn (the middle of its bar), in scene coordinates."""
        plot = plot or self.usage
        total = (self.useful + self.not_useful + self.unrated)[index]
        y = total / 2 if plot is self.usage else 50.0
        point: QPointF = plot.vb.mapViewToScene(QPointF(float(self.centers[index]), float(y)))
        return point

    def target_at(self, scene_pos: QPointF) -> Target | None:
        """The period to open for a click."""
        i = self.index_at(scene_pos)
        return None if i is None else self.periods[i]

    def hover(self, scene_pos: QPointF) -> str | None:
        """Highlight the period under the pointer and return its exact numbers."""
        i = self.index_at(scene_pos)
        for line in self.cursor:
            line.setVisible(i is not None)
            if i is not None:
                line.setPen(pg.mkPen(chart_colors().highlight, width=max(1, self._bar_pixels())))
                line.setValue(float(self.centers[i]))
        if i is None:
            return None
        p = self.periods[i]
        head = period_name(p.start, self.by)
        if self.partial[i]:
            last = p.end - timedelta(days=1)
            head += f" · {SO_FAR}: this {self.by} is not over (it ends {last:%d %b})"
        if p.start in self.withheld:
            return f"{head}\n{self.withheld_text}"
        return figures_tooltip(head, p, self.open_hint)

    def set_hover_visible(self, visible: bool) -> None:
        """Hide the hover band (for an export); showing it again waits for the next hover."""
        if not visible:
            for line in self.cursor:
                line.setVisible(False)

    def csv_table(self) -> tuple[list[str], list[list[object]]]:
        """The numbers behind the chart: one row per period, the ``stats --json`` keys."""
        return period_table(self.periods)


def period_table(periods: list[PeriodFigures]) -> tuple[list[str], list[list[object]]]:
    header = ["start", "end", *FIGURE_KEYS]
    return header, [[p.to_json()[k] for k in header] for p in periods]
