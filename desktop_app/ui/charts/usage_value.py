"""Usage vs value: one dot per period, uses across, value per use up, so the two stay apart."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF
from PySide6.QtGui import QColor

from desktop_app.metrics import MIN_RATED, PeriodFigures, Stats
from desktop_app.ui.charts.common import (
    OPEN_HINT,
    PERCENT_TICKS,
    ChartColors,
    Target,
    chart_colors,
    figures_tooltip,
    period_name,
    setup_plot,
    style_plot,
)
from desktop_app.ui.charts.over_time import period_table


class UsageValueChart:
    """Each period with enough ratings as a dot (x: uses, y: value per use) with its interval.

    Older periods are paler. ``x``/``y`` hold the plotted dots, ``shown`` the periods behind
    them, ``hidden`` how many periods had too few ratings to place, ``partial`` which dots are
    of a period not over yet (hollow, "so far": its uses are still growing; ``today``, default
    the local date, decides).
    """

    def __init__(self) -> None:
        self.widget = pg.GraphicsLayoutWidget()
        self.widget.setObjectName("valueUsageVsValueChart")
        self.widget.setAccessibleName("Usage against value per use, one dot per period")
        self.by = "week"
        self.periods: list[PeriodFigures] = []
        self.shown: list[PeriodFigures] = []
        self.hidden = 0
        self.partial: list[bool] = []
        self.today: date | None = None
        #: The tooltip's last line over a dot (None: clicks open nothing).
        self.open_hint: str | None = OPEN_HINT
        self.x = np.zeros(0)
        self.y = np.zeros(0)
        self.plot = self.widget.ci.addPlot(row=0, col=0)
        setup_plot(self.plot, self._title())
        self.plot.showGrid(x=True, y=True, alpha=0.18)
        self.plot.getAxis("left").setTicks(PERCENT_TICKS)
        self.plot.getAxis("left").setWidth(62)
        self.plot.setLabel("left", "value per use")
        self.plot.setLabel("bottom", "uses")
        empty = np.zeros(0)
        self.whiskers = pg.ErrorBarItem(x=empty, y=empty, top=empty, bottom=empty, beam=0.0)
        self.dots = pg.ScatterPlotItem(symbol="o", size=11, hoverable=False)
        self.plot.addItem(self.whiskers)
        self.plot.addItem(self.dots)
        self.apply_colors(chart_colors())

    def _title(self) -> str:
        hidden = (f"; {self.hidden} {self.by}s with fewer than {MIN_RATED} ratings not shown"
                  if self.hidden else "")
        so_far = f"; hollow = so far, this {self.by} is not over" if any(self.partial) else ""
        return (f"Uses against value per use, one dot per {self.by} "
                f"(paler = older{so_far}){hidden}")

    def set_stats(self, stats: Stats) -> None:
        """Draw the periods of ``stats`` (ungrouped)."""
        self.by = stats.by
        self.periods = stats.series(None)
        self.shown = [p for p in self.periods if p.value_per_use is not None]
        today = self.today or date.today()
        self.partial = [p.is_partial(today) for p in self.shown]
        self.hidden = sum(1 for p in self.periods if p.value_per_use is None and p.uses)
        self.x = np.array([p.uses for p in self.shown], dtype=np.float64)
        self.y = np.array([(p.value_per_use or 0.0) * 100 for p in self.shown], dtype=np.float64)
        low = np.array([(p.ci_low or 0.0) * 100 for p in self.shown], dtype=np.float64)
        high = np.array([(p.ci_high or 0.0) * 100 for p in self.shown], dtype=np.float64)
        self.whiskers.setData(x=self.x, y=self.y, top=high - self.y, bottom=self.y - low)
        self._set_dots(chart_colors())
        top = float(self.x.max()) if len(self.x) else 1.0
        self.plot.setXRange(0, max(top, 1.0) * 1.06, padding=0)
        self.plot.setYRange(-2, 104, padding=0)
        self.plot.setTitle(self._title())

    def _set_dots(self, cc: ChartColors) -> None:
        n = len(self.shown)
        brushes: list[Any] = []
        pens: list[Any] = []
        for i in range(n):
            colour = QColor(cc.value)
            colour.setAlphaF(0.25 + 0.75 * (i + 1) / n)
            so_far = i < len(self.partial) and self.partial[i]
            brushes.append(pg.mkBrush(cc.background if so_far else colour))
            pens.append(pg.mkPen(cc.value, width=1.5) if so_far
                        else pg.mkPen(cc.background, width=0.8))
        self.dots.setData(x=self.x, y=self.y, data=list(range(n)), brush=brushes, pen=pens)

    def apply_colors(self, cc: ChartColors) -> None:
        """Restyle for a light/dark switch."""
        self.widget.setBackground(cc.background)
        style_plot(self.plot, cc, self._title())
        faint = QColor(cc.value)
        faint.setAlphaF(0.35)
        self.whiskers.setData(pen=pg.mkPen(faint, width=1))
        self._set_dots(cc)

    # --- pointing --------------------------------------------------------------------------

    def index_at(self, scene_pos: QPointF) -> int | None:
        """The dot under a scene position (an index into ``shown``)."""
        if not self.plot.vb.sceneBoundingRect().contains(scene_pos):
            return None
        spots = self.dots.pointsAt(self.plot.vb.mapSceneToView(scene_pos))
        if len(spots) == 0:
            return None
        index: int = spots[0].data()
        return index

    def count(self) -> int:
        """How many items (periods, groups or dots) can be pointed at."""
        return len(self.shown)

    def scene_pos_of(self, index: int) -> QPointF:
        """Where dot ``index`` is drawn, in scene coordinates."""
        point: QPointF = self.plot.vb.mapViewToScene(
            QPointF(float(self.x[index]), float(self.y[index])))
        return point

    def target_at(self, scene_pos: QPointF) -> Target | None:
        """The period to open for a click on its dot."""
        i = self.index_at(scene_pos)
        return None if i is None else self.shown[i]

    def hover(self, scene_pos: QPointF) -> str | None:
        """Exact numbers of the dot under the pointer."""
        i = self.index_at(scene_pos)
        if i is None:
            return None
        p = self.shown[i]
        head = period_name(p.start, self.by)
        if self.partial[i]:
            last = p.end - timedelta(days=1)
            head += f" · so far: this {self.by} is not over (it ends {last:%d %b})"
        return figures_tooltip(head, p, self.open_hint)

    def csv_table(self) -> tuple[list[str], list[list[object]]]:
        """The numbers behind the chart: every period (the ones without a dot included)."""
        return period_table(self.periods)
