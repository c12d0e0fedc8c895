"""By tool or by label: value per use with interval whiskers and n, and uses beside it."""

from __future__ import annotations

from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF

from desktop_app.metrics import MIN_RATED, NO_LABEL, Figures, GroupBy, Stats
from desktop_app.ui.charts.common import (
    FIGURE_KEYS,
    OPEN_HINT,
    PERCENT_TICKS,
    ChartColors,
    GroupTarget,
    Target,
    chart_colors,
    figures_tooltip,
    group_head,
    group_name,
    n_text,
    setup_plot,
    style_plot,
)

ROW_HEIGHT = 0.6
#: The height of an interval's caps, and the gap between a cap and the label above it (in rows).
BEAM = 0.18
LABEL_GAP = 0.08


class GroupChart:
    """Value per use of each tool (or label) over the whole range, highest first.

    Groups with fewer than five ratings come last, with no point, marked "not enough
    ratings". ``order`` holds the groups top to bottom, ``value``/``ci_low``/``ci_high`` their
    figures in percent (NaN for too few ratings) and ``uses`` their uses.
    """

    def __init__(self, kind: GroupBy) -> None:
        self.kind = kind
        #: The tooltip's last line over a group a click opens (None: clicks open nothing).
        self.open_hint: str | None = OPEN_HINT
        self.widget = pg.GraphicsLayoutWidget()
        self.widget.setObjectName(f"valueBy{kind.title()}Chart")
        self.widget.setAccessibleName(f"Value per use by {kind}")
        self.figures: list[Figures] = []
        self.order: list[str] = []
        self.value = np.zeros(0)
        self.ci_low = np.zeros(0)
        self.ci_high = np.zeros(0)
        self.uses = np.zeros(0)
        self._texts: list[Any] = []

        layout = self.widget.ci
        self.value_plot = layout.addPlot(row=0, col=0)
        self.uses_plot = layout.addPlot(row=0, col=1)
        layout.layout.setColumnStretchFactor(0, 3)
        layout.layout.setColumnStretchFactor(1, 1)
        setup_plot(self.value_plot, self._value_title())
        setup_plot(self.uses_plot, "Uses")
        self.value_plot.showGrid(x=True, y=False, alpha=0.18)
        self.uses_plot.showGrid(x=True, y=False, alpha=0.18)
        self.value_plot.getAxis("bottom").setTicks(PERCENT_TICKS)
        self.value_plot.setXRange(-2, 104, padding=0)
        self.value_plot.getAxis("left").setWidth(110)
        self.uses_plot.getAxis("left").setStyle(showValues=False)
        self.uses_plot.getAxis("left").setWidth(4)
        self.uses_plot.setYLink(self.value_plot)

        empty = np.zeros(0)
        self.whiskers = pg.ErrorBarItem(x=empty, y=empty, left=empty, right=empty, beam=BEAM)
        self.points = pg.ScatterPlotItem(symbol="o", size=10)
        self.bars = pg.BarGraphItem(x0=empty, y=empty, width=empty, height=ROW_HEIGHT)
        self.value_plot.addItem(self.whiskers)
        self.value_plot.addItem(self.points)
        self.uses_plot.addItem(self.bars)
        self.apply_colors(chart_colors())

    def _value_title(self) -> str:
        return f"Value per use by {self.kind}, with its 95 % interval and n"

    def set_stats(self, stats: Stats) -> None:
        """Draw the group totals of ``stats`` (grouped by this chart's kind)."""
        totals = [f for f in stats.group_totals.values() if f.uses]
        ready = sorted((f for f in totals if f.value_per_use is not None),
                       key=lambda f: (-(f.value_per_use or 0.0), -f.rated, f.group or ""))
        small = sorted((f for f in totals if f.value_per_use is None),
                       key=lambda f: (-f.uses, f.group or ""))
        self.figures = [*ready, *small]
        self.order = [f.group or "" for f in self.figures]
        n = len(self.figures)
        ys = np.arange(n - 1, -1, -1, dtype=np.float64)
        nan = float("nan")
        self.value = np.array([nan if f.value_per_use is None else f.value_per_use * 100
                               for f in self.figures], dtype=np.float64)
        self.ci_low = np.array([nan if f.ci_low is None else f.ci_low * 100
                                for f in self.figures], dtype=np.float64)
        self.ci_high = np.array([nan if f.ci_high is None else f.ci_high * 100
                                 for f in self.figures], dtype=np.float64)
        self.uses = np.array([f.uses for f in self.figures], dtype=np.float64)
        k = len(ready)
        self.points.setData(x=self.value[:k], y=ys[:k])
        self.whiskers.setData(x=self.value[:k], y=ys[:k], left=(self.value - self.ci_low)[:k],
                              right=(self.ci_high - self.value)[:k])
        self.bars.setOpts(x0=np.zeros(n), y=ys, width=self.uses, height=ROW_HEIGHT)
        ticks = [(float(y), group_name(self.kind, name))
                 for y, name in zip(ys, self.order, strict=True)]
        self.value_plot.getAxis("left").setTicks([ticks, []])
        self.uses_plot.getAxis("left").setTicks([ticks, []])
        self._place_texts(ys, k)
        self.value_plot.setYRange(-0.6, max(n, 1) - 0.4, padding=0)
        top = float(self.uses.max()) if n else 1.0
        self.uses_plot.setXRange(0, max(top, 1.0) * 1.35, padding=0)
        self.value_plot.setXRange(-2, 104, padding=0)

    def _place_texts(self, ys: np.ndarray[Any, Any], ready: int) -> None:
        for i, item in enumerate(self._texts):
            (self.value_plot if i % 2 == 0 else self.uses_plot).removeItem(item)
        self._texts = []
        cc = chart_colors()
        for i, f in enumerate(self.figures):
            y = float(ys[i])
            if i < ready:
                # Above the whisker and clear of its caps, kept inside the axis so it is never
                # clipped.
                x = min(max(float(self.value[i]), 16.0), 84.0)
                text = pg.TextItem(n_text(f), color=cc.text, anchor=(0.5, 1.0))
                text.setPos(x, y + BEAM / 2 + LABEL_GAP)
            else:
                text = pg.TextItem(f"not enough ratings · {n_text(f)} (it takes {MIN_RATED})",
                                   color=cc.axis, anchor=(0, 0.5))
                text.setPos(1.0, y)
            self.value_plot.addItem(text)
            count = pg.TextItem(f"{f.uses:,}", color=cc.text, anchor=(0, 0.5))
            count.setPos(float(self.uses[i]), y)
            self.uses_plot.addItem(count)
            self._texts += [text, count]

    def apply_colors(self, cc: ChartColors) -> None:
        """Restyle for a light/dark switch."""
        self.widget.setBackground(cc.background)
        style_plot(self.value_plot, cc, self._value_title())
        style_plot(self.uses_plot, cc, "Uses")
        self.whiskers.setData(pen=pg.mkPen(cc.value, width=2))
        self.points.setPen(pg.mkPen(cc.value))
        self.points.setBrush(pg.mkBrush(cc.value))
        self.bars.setOpts(brush=pg.mkBrush(cc.bar), pen=pg.mkPen(None))
        ready = int(np.isfinite(self.value).sum())
        for i, item in enumerate(self._texts):
            row = i // 2
            item.setColor(cc.axis if (i % 2 == 0 and row >= ready) else cc.text)

    # --- pointing --------------------------------------------------------------------------

    def index_at(self, scene_pos: QPointF) -> int | None:
        """The group (row) under a scene position in either plot."""
        n = len(self.figures)
        for plot in (self.value_plot, self.uses_plot):
            if plot.vb.sceneBoundingRect().contains(scene_pos):
                y: float = plot.vb.mapSceneToView(scene_pos).y()
                row = round(y)
                if abs(y - row) <= 0.45 and 0 <= row < n:
                    return n - 1 - row
        return None

    def count(self) -> int:
        """How many items (periods, groups or dots) can be pointed at."""
        return len(self.figures)

    def scene_pos_of(self, index: int) -> QPointF:
        """The middle of a group's uses bar, in scene coordinates."""
        y = float(len(self.figures) - 1 - index)
        point: QPointF = self.uses_plot.vb.mapViewToScene(
            QPointF(float(self.uses[index]) / 2, y))
        return point

    def clickable(self, name: str) -> bool:
        """Sessions without a label cannot be listed by a filter, so that row opens nothing."""
        return not (self.kind == "label" and name == NO_LABEL)

    def target_at(self, scene_pos: QPointF) -> Target | None:
        """The group to open for a click."""
        i = self.index_at(scene_pos)
        if i is None or not self.clickable(self.order[i]):
            return None
        return GroupTarget(self.kind, self.order[i])

    def hover(self, scene_pos: QPointF) -> str | None:
        """Exact numbers of the group under the pointer."""
        i = self.index_at(scene_pos)
        if i is None:
            return None
        name = self.order[i]
        footer = self.open_hint if self.clickable(name) else None
        return figures_tooltip(group_head(self.kind, name), self.figures[i], footer)

    def csv_table(self) -> tuple[list[str], list[list[object]]]:
        """The numbers behind the chart: one row per group, in chart order."""
        header = list(FIGURE_KEYS)
        return header, [[f.to_json()[k] for k in header] for f in self.figures]
