"""The Value view: value per use over time, by tool and by label, always apart from usage."""

from __future__ import annotations

import csv
import html
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import partial
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QEvent,
    QEventLoop,
    QObject,
    QPointF,
    QRectF,
    Qt,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtGui import QCloseEvent, QColor, QCursor, QKeyEvent, QPainter
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QTabWidget,
    QToolTip,
    QVBoxLayout,
    QWidget,
)
from sqlite_utils import Database

from desktop_app.importers.registry import DISPLAY_NAMES, TOOL_NAMES, display_name
from desktop_app.metrics import (
    MIN_RATED,
    NO_LABEL,
    By,
    Figures,
    GroupBy,
    Stats,
    compare,
    day_start_utc,
    insights,
    value_stats,
)
from desktop_app.metrics.cost import CostFigures, PriceTable, cost_figures, cost_tally, money
from desktop_app.metrics.evidence import CommitComparison, compare_commits
from desktop_app.metrics.text import percent
from desktop_app.store import SessionQuery
from desktop_app.store.evidence import commit_tallies
from desktop_app.store.prices import load_prices
from desktop_app.store.stats import StatsReader, rated_cost_rows
from desktop_app.ui.charts.common import GroupTarget, Target, chart_colors
from desktop_app.ui.charts.over_time import OverTimeChart
from desktop_app.ui.charts.tabs import (
    OVER_TIME,
    TAB_TITLES,
    Chart,
    ChartTabs,
    new_chart,
    put_in_tab,
)
from desktop_app.ui.charts.usage_value import UsageValueChart
from desktop_app.ui.errors import show_error
from desktop_app.ui.tasks import Task, TaskContext, TaskRunner
from desktop_app.ui.theme import colors

log = logging.getLogger(__name__)

#: At most this many insight sentences at the top.
MAX_INSIGHTS = 4
EXPORT_FILTERS = "PNG image (*.png);;SVG image (*.svg);;CSV, the numbers behind the chart (*.csv)"
#: The tabs, in order: over time, by tool, by label, usage vs value.
#: The key of the figures' task: a newer request (period, tool, rating) drops an older one.
FIGURES_TASK = "value-figures"



@dataclass(frozen=True)
class ValueFigures:
    """Everything the view shows, computed off the GUI thread (plain Python objects)."""

    stats: Stats
    tool_stats: Stats | None
    label_stats: Stats | None
    insights: tuple[str, ...]
    #: Cost per useful use over the rated uses with a known cost (None: not computed).
    cost: CostFigures | None = None
    #: Coding sessions followed by commits against those in a repository without.
    commits: CommitComparison | None = None


def _value_stats(db: Database, *, by: By, group: GroupBy | None = None,
                 source: str | None = None, date_from: date | None = None,
                 date_to: date | None = None) -> Stats:
    """The view's one call of the metrics: every figure it shows comes through here."""
    # The tool menu and the by-tool groups name tools ("Perplexity"), not sources.
    return value_stats(StatsReader(db, tools=True), by=by, group=group, source=source,
                       date_from=date_from, date_to=date_to)


def load_figures(db: Database, by: By, source: str | None,
                 check_cancelled: Callable[[], None] = lambda: None,
                 today: date | None = None) -> ValueFigures:
    """The statistics over time, by tool and by label, and the insight sentences (on a worker
    thread; ``check_cancelled`` raises between the queries once a newer request came;
    ``today``, default the local date, ends the stretches the sentences compare)."""
    stats = _value_stats(db, by=by, source=source)
    if not stats.periods:
        return ValueFigures(stats, None, None, ())
    check_cancelled()
    prices = PriceTable(load_prices(db))
    cost = cost_figures(cost_tally(rated_cost_rows(db, source, tools=True), prices))
    check_cancelled()
    tool_stats = _value_stats(db, by=by, group="tool", source=source)
    check_cancelled()
    label_stats = _value_stats(db, by=by, group="label", source=source)
    check_cancelled()
    lines: list[str] = []
    trend = _trend_sentence(db, stats, source, today or date.today())
    if trend:
        lines.append(trend)
    if source is None:
        lines += insights(tool_stats.group_totals, names=TOOL_NAMES, limit=1)[:2]
    # Labels come with ratings, so unlabelled sessions are (almost) never rated: saying so
    # every time would crowd out the real findings. The By label tab shows them.
    labelled = {g: f for g, f in label_stats.group_totals.items() if g != NO_LABEL}
    lines += insights(labelled, names=DISPLAY_NAMES, limit=1)[:2]
    check_cancelled()
    commits = compare_commits(*commit_tallies(db, source))  # the evidence cache, no git
    return ValueFigures(stats, tool_stats, label_stats, tuple(lines[:MAX_INSIGHTS]), cost,
                        commits)


def _trend_sentence(db: Database, stats: Stats, source: str | None, today: date) -> str | None:
    """The first stretch of the history against the last one (up to 13 weeks each, the last
    ending today at the latest: days to come have no uses yet)."""
    first_day = stats.periods[0].start
    last_day = max(first_day, min(stats.periods[-1].end - timedelta(days=1), today))
    window = min(timedelta(weeks=13), (last_day - first_day + timedelta(days=1)) / 2)
    days = window.days
    if days < 14:
        return None
    early = _value_stats(db, by="month", source=source, date_from=first_day,
                         date_to=first_day + timedelta(days=days - 1)).totals
    late = _value_stats(db, by="month", source=source,
                        date_from=last_day - timedelta(days=days - 1), date_to=last_day).totals
    span = f"{days // 7} weeks" if days % 7 == 0 else f"{days} days"
    uses = (f"Uses went from {early.uses:,} in your first {span} to {late.uses:,} in the "
            f"last {span}")
    outcome = compare(late, early)
    if outcome == "not enough ratings":
        return f"{uses}; too few ratings to compare value per use between the two."

    def told(f: Figures) -> str:
        return f"{percent(f.value_per_use or 0.0)} (of {f.rated} rated)"

    if outcome == "no clear difference":
        return (f"{uses}, with no clear difference in value per use ({told(early)} then, "
                f"{told(late)} now: the 95 % intervals overlap).")
    verb = "fell" if outcome == "lower" else "rose"
    return (f"{uses}, while value per use {verb} from {told(early)} to {told(late)}; "
            "the 95 % intervals do not overlap.")


def cost_text(cost: CostFigures | None, rated: int) -> str | None:
    """The Value view's sentence on cost per useful use, saying how many of the ``rated`` uses
    it rests on (None: no rated use has a cost)."""
    if cost is None or cost.priced_rated == 0:
        return None
    n = cost.priced_rated
    if cost.per_useful is None:
        return (f"Cost per useful use: not yet, it needs {MIN_RATED} rated uses with a known "
                f"cost, one of them useful ({n:,} of your {rated:,} rated so far).")
    return (f"Cost per useful use: about {money(cost.per_useful)} (an estimate: "
            f"{money(cost.per_useful_low)} to {money(cost.per_useful_high)}), from the {n:,} of "
            f"your {rated:,} rated uses whose tokens and model price are known; prices from "
            "your local table (Edit ▸ Prices…).")


class ValueView(ChartTabs, QWidget):
    """Value per use per week or month, by tool and by label, with honest intervals.

    The figures are read off the GUI thread (``refresh()`` asks for them; a newer request makes
    an older one stale); until they arrive the charts keep showing the previous ones. When they
    do, the words and the tab shown are updated and ``loaded`` is emitted; the other tabs'
    charts are built and drawn on the following turns of the event loop, one each (or at once
    when shown or asked for), so that no step blocks the window for long.
    """

    #: A :class:`desktop_app.store.SessionQuery` for the period or group the user clicked.
    sessions_requested = Signal(object)
    #: The figures asked for last are all shown.
    loaded = Signal()
    #: The user asked to rate sessions (no period has enough ratings yet): show Reflect.
    reflect_requested = Signal()

    def __init__(self, tasks: TaskRunner | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("valueView")
        self.setAccessibleName("Value")
        self._own_tasks = tasks is None
        self._tasks = tasks if tasks is not None else TaskRunner(self)
        self._task: Task | None = None
        self._db_path: Path | None = None
        self._by: By = "week"
        self._source: str | None = None
        self.stats: Stats | None = None
        self.tool_stats: Stats | None = None
        self.label_stats: Stats | None = None
        self.hover_text: str | None = None
        self._key_index: dict[int, int] = {}  # chart id -> item the keyboard points at
        self._tools: list[str] = []
        self._insights: tuple[str, ...] = ()
        #: The local date that decides which period is "so far" (None: today).
        self.today: date | None = None

        outer = QVBoxLayout(self)
        outer.setContentsMargins(12, 8, 12, 8)
        outer.setSpacing(6)
        controls = QHBoxLayout()
        self.period_box = QComboBox()
        self.period_box.setObjectName("valuePeriod")
        self.period_box.setAccessibleName("Period")
        self.period_box.addItem("Per week", "week")
        self.period_box.addItem("Per month", "month")
        self.period_box.currentIndexChanged.connect(self._on_period_box_current_index_changed)
        self.tool_box = QComboBox()
        self.tool_box.setObjectName("valueTool")
        self.tool_box.setAccessibleName("Tool")
        self.tool_box.addItem("All tools", None)
        self.tool_box.currentIndexChanged.connect(self._on_tool_box_current_index_changed)
        self.busy_label = QLabel("Updating…")
        self.busy_label.setObjectName("valueBusy")
        self.busy_label.setVisible(False)
        self.export_button = QPushButton("Export…")
        self.export_button.setObjectName("valueExport")
        self.export_button.setAccessibleName("Export the chart")
        self.export_button.setToolTip("Save the chart shown as PNG or SVG, or its numbers as CSV")
        self.export_button.setAutoDefault(False)
        self.export_button.clicked.connect(self._on_export_button_clicked)
        controls.addWidget(self.period_box)
        controls.addWidget(self.tool_box)
        controls.addStretch(1)
        controls.addWidget(self.busy_label)
        controls.addWidget(self.export_button)
        outer.addLayout(controls)

        self.insights_label = QLabel()
        self.insights_label.setObjectName("valueInsights")
        self.insights_label.setAccessibleName("Insights")
        self.insights_label.setWordWrap(True)
        self.insights_label.setTextFormat(Qt.TextFormat.RichText)
        self.insights_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.basis_label = QLabel()
        self.basis_label.setObjectName("valueBasis")
        self.basis_label.setWordWrap(True)
        self.cost_label = QLabel()
        self.cost_label.setObjectName("valueCost")
        self.cost_label.setAccessibleName("Cost per useful use")
        self.cost_label.setWordWrap(True)
        self.cost_label.setVisible(False)
        # Value per use after commits and without (coding sessions in a repository only).
        self.commits_label = QLabel()
        self.commits_label.setObjectName("valueCommits")
        self.commits_label.setAccessibleName("Sessions followed by commits")
        self.commits_label.setWordWrap(True)
        self.commits_label.setToolTip(
            "Coding sessions whose project is a git repository on this computer, split by "
            "whether any commit was made during the session or the 24 hours after it")
        self.commits_label.setVisible(False)
        outer.addWidget(self.insights_label)
        outer.addWidget(self.basis_label)
        outer.addWidget(self.cost_label)
        outer.addWidget(self.commits_label)
        # Until a period has enough ratings the chart has no value to show: say what to do.
        self.no_value_bar = QWidget()
        self.no_value_bar.setObjectName("valueNoValue")
        no_value = QHBoxLayout(self.no_value_bar)
        no_value.setContentsMargins(0, 0, 0, 0)
        self.no_value_label = QLabel()
        self.no_value_label.setObjectName("valueNoValueText")
        self.no_value_label.setWordWrap(True)
        self.reflect_button = QPushButton("Rate in Reflect…")
        self.reflect_button.setObjectName("valueGoToReflect")
        self.reflect_button.setAccessibleName("Rate this week's sample in Reflect")
        self.reflect_button.setAutoDefault(False)
        self.reflect_button.clicked.connect(self.reflect_requested)
        no_value.addWidget(self.no_value_label, 1)
        no_value.addWidget(self.reflect_button)
        self.no_value_bar.setVisible(False)
        outer.addWidget(self.no_value_bar)

        # Each chart is built, and given its figures, when its tab is shown or on a spare turn
        # of the event loop, one at a time: none of this blocks the window for long.
        self.tabs = QTabWidget()
        self.tabs.setObjectName("valueTabs")
        self.tabs.setDocumentMode(True)
        self._built: list[Chart | None] = [None] * len(TAB_TITLES)
        self._drawn: list[Stats | None] = [None] * len(TAB_TITLES)  # the figures each shows
        for title in TAB_TITLES:
            self.tabs.addTab(QWidget(), title)  # a placeholder until the chart is built
        self.tabs.currentChanged.connect(self._on_tabs_current_changed)
        self._sync_timer = QTimer(self)
        self._sync_timer.setSingleShot(True)
        self._sync_timer.setInterval(0)
        self._sync_timer.timeout.connect(self._on_sync_timer_timeout)
        self.empty_label = QLabel(
            "No sessions yet. Import your AI history (File ▸ Import) and rate a few sessions "
            "to see value per use here.")
        self.empty_label.setObjectName("valueEmpty")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.pages = QStackedWidget()
        self.pages.addWidget(self.tabs)
        self.pages.addWidget(self.empty_label)
        outer.addWidget(self.pages, 1)

        # "Updating…" only when an answer takes long enough to notice (no flicker).
        self._busy_timer = QTimer(self)
        self._busy_timer.setSingleShot(True)
        self._busy_timer.setInterval(250)
        self._busy_timer.timeout.connect(self._on_busy_timer_timeout)
        self.apply_colors()
        self._chart(OVER_TIME)

    # --- the charts, built and drawn one at a time --------------------------------------------

    def _wanted(self, index: int) -> Stats | None:
        stats = (self.stats, self.tool_stats, self.label_stats, self.stats)[index]
        return stats if stats is not None and stats.periods else None

    def _chart(self, index: int) -> Chart:
        """Chart ``index``, built if need be and brought up to date with the figures."""
        chart = self._built[index]
        if chart is None:
            chart = self._build_chart(index)
        wanted = self._wanted(index)
        if wanted is not None and wanted is not self._drawn[index]:
            if isinstance(chart, OverTimeChart | UsageValueChart):
                chart.today = self.today
            chart.set_stats(wanted)
            self._drawn[index] = wanted
        return chart

    def _build_chart(self, index: int) -> Chart:
        made = new_chart(index)
        self._built[index] = made
        scene = made.widget.scene()
        scene.sigMouseMoved.connect(partial(self._on_chart_mouse_moved, made))
        scene.sigMouseClicked.connect(partial(self._on_chart_mouse_clicked, made))
        # Keyboard: arrows walk the periods or groups, Enter opens one.
        made.widget.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        made.widget.installEventFilter(self)
        made.apply_colors(chart_colors())
        put_in_tab(self.tabs, index, made)
        return made

    def _charts(self) -> list[Chart]:
        return [c for c in self._built if c is not None]

    def _out_of_date(self) -> int | None:
        for index in range(len(TAB_TITLES)):
            wanted = self._wanted(index)
            if self._built[index] is None or (wanted is not None
                                              and wanted is not self._drawn[index]):
                return index
        return None

    def _sync_soon(self) -> None:
        """Draw the tab shown now; build and draw the others on later turns of the loop."""
        self._chart(max(0, self.tabs.currentIndex()))
        if self._out_of_date() is not None:
            self._sync_timer.start()

    @Slot()
    def _on_sync_timer_timeout(self) -> None:
        index = self._out_of_date()
        if index is not None:
            self._chart(index)
            self._sync_timer.start()

    @Slot(int)
    def _on_tabs_current_changed(self, index: int) -> None:
        if index >= 0:
            self._chart(index)

    # --- data ------------------------------------------------------------------------------

    def set_db_path(self, path: Path) -> None:
        """Show the value figures of the database at ``path`` (read off the GUI thread)."""
        self._db_path = path
        self._source = None
        self._tools = []
        self.tool_box.blockSignals(True)
        self.tool_box.clear()
        self.tool_box.addItem("All tools", None)
        self.tool_box.blockSignals(False)
        self.refresh()

    @property
    def db_path(self) -> Path | None:
        """The database shown."""
        return self._db_path

    @property
    def busy(self) -> bool:
        """True while the figures asked for last have not all arrived."""
        return self._task is not None and self._task.running

    @property
    def by(self) -> By:
        """``week`` or ``month``."""
        return self._by

    @property
    def source(self) -> str | None:
        """The tool filter (None: all tools)."""
        return self._source

    def set_by(self, by: By) -> None:
        """Per week or per month (as the period box does)."""
        self.period_box.setCurrentIndex(self.period_box.findData(by))

    def set_source(self, source: str | None) -> None:
        """Only one tool's sessions (None: all tools)."""
        index = self.tool_box.findData(source)
        if index < 0:
            self.tool_box.addItem(display_name(source or ""), source)
            index = self.tool_box.count() - 1
        self.tool_box.setCurrentIndex(index)

    def refresh(self) -> None:
        """Ask for the figures again (after an import or a rating); they are drawn on arrival."""
        if self._db_path is None:
            return
        by, source, today = self._by, self._source, self.today

        def work(context: TaskContext) -> ValueFigures:
            return load_figures(context.db, by, source, context.check_cancelled, today)

        task = self._tasks.start(FIGURES_TASK, work, db_path=self._db_path)
        task.finished.connect(self._on_task_finished)
        task.failed.connect(self._on_task_failed)
        self._task = task
        if not self._busy_timer.isActive():
            self._busy_timer.start()

    def ensure_loaded(self, timeout_ms: int = 60_000) -> bool:
        """Wait, running the event loop, until the figures asked for are shown.

        For scripts, screenshots and benchmarks; the GUI itself never waits. Returns False on
        timeout.
        """
        if not self.busy:
            return True
        loop = QEventLoop()
        self.loaded.connect(loop.quit)
        timer = QTimer(self)
        timer.setSingleShot(True)
        timer.timeout.connect(loop.quit)
        timer.start(timeout_ms)
        if self.busy:
            loop.exec()
        timer.stop()
        timer.deleteLater()
        self.loaded.disconnect(loop.quit)
        return not self.busy

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._own_tasks:  # a stand-alone view; in the window, the window stops the tasks
            self._tasks.stop_all()
            self._end_task()
        super().closeEvent(event)

    @Slot(object)
    def _on_task_finished(self, figures: ValueFigures) -> None:
        if figures.stats is not self.stats:
            self._show_stats(figures.stats)
        self.show_cost(figures.cost)
        if figures.tool_stats is not None and figures.label_stats is not None:
            self.tool_stats = figures.tool_stats
            self.label_stats = figures.label_stats
            self._insights = figures.insights
            if self._source is None:
                self._update_tools(list(figures.tool_stats.group_totals.values()))
            self.insights_label.setText(self._insights_html())
        sentence = figures.commits.sentence() if figures.commits is not None else None
        self.commits_label.setText(sentence or "")
        self.commits_label.setVisible(sentence is not None and bool(figures.stats.periods))
        self._sync_soon()
        self._end_task()
        self.loaded.emit()

    @Slot(str)
    def _on_task_failed(self, detail: str) -> None:
        log.error("The value figures could not be computed\n%s", detail)
        self.insights_label.setText(
            "<div>The figures could not be computed (a problem inside Worthwhile): "
            f"{html.escape(detail.strip().splitlines()[-1])}</div>")
        self._end_task()
        self.loaded.emit()

    def _end_task(self) -> None:
        self._task = None
        self._busy_timer.stop()
        self.busy_label.setVisible(False)

    @Slot()
    def _on_busy_timer_timeout(self) -> None:
        self.busy_label.setVisible(self.busy)

    def _show_stats(self, stats: Stats) -> None:
        """Take the ungrouped statistics (for the over-time and usage charts, the basis line)."""
        self.stats = stats
        self._key_index.clear()
        if not stats.periods:
            self.pages.setCurrentWidget(self.empty_label)
            self.no_value_bar.setVisible(False)
            self.basis_label.clear()
            self.insights_label.clear()
            self.tool_stats = self.label_stats = None
            self._insights = ()
            return
        self.pages.setCurrentWidget(self.tabs)
        self.basis_label.setText(self._basis_text(stats))
        self.no_value_label.setText(
            f"No {stats.by} has {MIN_RATED} ratings yet, so there is no value per use to show. "
            "Rate this week's sample to see value per use.")
        self.no_value_bar.setVisible(
            not any(p.rated >= MIN_RATED for p in stats.series(None)))

    def _update_tools(self, totals: list[Any]) -> None:
        tools = [f.group for f in sorted(totals, key=lambda f: -f.uses)]
        if tools == self._tools:
            return
        self._tools = tools
        self.tool_box.blockSignals(True)
        self.tool_box.clear()
        self.tool_box.addItem("All tools", None)
        for tool in tools:
            self.tool_box.addItem(display_name(tool), tool)
        self.tool_box.setCurrentIndex(0)
        self.tool_box.blockSignals(False)

    # --- words -----------------------------------------------------------------------------

    def _basis_text(self, stats: Stats) -> str:
        t = stats.totals
        # The last period may not be over: the range ends today, never in the future.
        today = self.today or date.today()
        first, last = stats.periods[0].start, stats.periods[-1].end - timedelta(days=1)
        last = max(first, min(last, today))
        tool = f", {display_name(self._source)} only" if self._source else ""
        text = (f"Based on {t.rated:,} rated of {t.uses:,} uses ({first:%d %b %Y} – "
                f"{last:%d %b %Y}{tool}). Value per use = useful ÷ rated, shown with its 95 % "
                f"interval once a {stats.by} has {MIN_RATED} ratings.")
        if t.minutes_saved_mean is not None:
            text += (f" Minutes are your own estimates: {t.minutes_saved_mean:+.1f} min saved "
                     f"per rated use on average, from the {t.minutes_n:,} where you gave them.")
        else:
            text += " Minutes are your own estimates; you have given none yet."
        return text

    def show_cost(self, cost: CostFigures | None) -> None:
        """Cost per useful use, where rated uses have a known cost (hidden where none has)."""
        rated = self.stats.totals.rated if self.stats is not None else 0
        text = cost_text(cost, rated)
        self.cost_label.setText(text or "")
        self.cost_label.setVisible(bool(text))

    def insight_lines(self) -> list[str]:
        """The plain-language insights shown at the top."""
        return list(self._insights)

    def _insights_html(self) -> str:
        lines = self.insight_lines()
        if not lines:
            return ""
        return "".join(f"<div>• {html.escape(line)}</div>" for line in lines)

    # --- look ------------------------------------------------------------------------------

    def apply_colors(self) -> None:
        """Restyle everything after a light/dark switch."""
        cc = chart_colors()
        for chart in self._charts():
            chart.apply_colors(cc)
        self.basis_label.setStyleSheet(f"color: {colors().muted};")
        self.cost_label.setStyleSheet(f"color: {colors().muted};")

    # --- pointing --------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            chart = next((c for c in self._charts() if c.widget is watched), None)
            if chart is not None and self._on_chart_key(chart, event.key()):
                return True
        return super().eventFilter(watched, event)

    def _on_chart_key(self, chart: Chart, key: int) -> bool:
        n = chart.count()
        if n == 0:
            return False
        current = self._key_index.get(id(chart))
        steps = {Qt.Key.Key_Left: -1, Qt.Key.Key_Up: -1, Qt.Key.Key_Right: 1, Qt.Key.Key_Down: 1}
        if key in steps:
            start = (n if steps[Qt.Key(key)] < 0 else -1) if current is None else current
            index = max(0, min(n - 1, start + steps[Qt.Key(key)]))
        elif key == Qt.Key.Key_Home:
            index = 0
        elif key == Qt.Key.Key_End:
            index = n - 1
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and current is not None:
            target = chart.target_at(chart.scene_pos_of(current))
            if target is not None:
                self.open_target(target)
            return True
        else:
            return False
        self.point_at(chart, index)
        return True

    def point_at(self, chart: Chart, index: int) -> None:
        """Show the numbers of item ``index`` as the pointer would (the keyboard's hover)."""
        self._key_index[id(chart)] = index
        pos = chart.scene_pos_of(index)
        text = chart.hover(pos)
        self.hover_text = text
        if text:
            view_pos = chart.widget.mapFromScene(pos)
            QToolTip.showText(chart.widget.mapToGlobal(view_pos), text, chart.widget)

    def _on_chart_mouse_moved(self, chart: Chart, scene_pos: QPointF) -> None:
        text = chart.hover(scene_pos)
        self.hover_text = text
        if text:
            QToolTip.showText(QCursor.pos(), text, chart.widget)
        else:
            QToolTip.hideText()

    def _on_chart_mouse_clicked(self, chart: Chart, event: Any) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return
        target = chart.target_at(event.scenePos())
        if target is not None:
            self.open_target(target)

    def open_target(self, target: Target) -> None:
        """Ask for the Sessions view filtered to a period or a group (emits the query)."""
        if isinstance(target, GroupTarget):
            if target.kind == "tool":
                query = SessionQuery(tool=target.name)
            else:
                query = SessionQuery(tool=self._source, label=target.name)
        else:
            query = SessionQuery(tool=self._source,
                                 started_from=day_start_utc(target.start),
                                 started_before=day_start_utc(target.end))
        self.sessions_requested.emit(query)

    # --- export ----------------------------------------------------------------------------

    def current_chart(self) -> Chart:
        """The chart of the tab shown."""
        return self._chart(max(0, self.tabs.currentIndex()))

    def export_png(self, path: str | Path) -> None:
        """Save the chart shown as a PNG image (twice the screen size for a crisp print)."""
        from pyqtgraph.exporters import ImageExporter

        chart = self.current_chart()
        self._hide_hover(chart)
        exporter = ImageExporter(chart.widget.ci)
        width = max(1200, int(chart.widget.width() * 2))
        exporter.parameters()["width"] = width
        exporter.export(str(path))

    def _hide_hover(self, chart: Chart) -> None:
        """An exported image shows the data, not where the pointer happened to be."""
        if isinstance(chart, OverTimeChart):
            chart.set_hover_visible(False)
        QToolTip.hideText()

    def export_svg(self, path: str | Path) -> None:
        """Save the chart shown as an SVG image.

        Qt's own SVG generator, not pyqtgraph's SVGExporter: with Qt 6.11 the latter fails on
        every clipped plot (Qt now closes paths with "Z", which its coordinate rewriting cannot
        parse).
        """
        chart = self.current_chart()
        self._hide_hover(chart)
        source = chart.widget.ci.sceneBoundingRect()
        size = source.size().toSize()
        generator = QSvgGenerator()
        generator.setFileName(str(path))
        generator.setSize(size)
        generator.setViewBox(QRectF(0, 0, size.width(), size.height()))
        generator.setTitle(self.tabs.tabText(self.tabs.currentIndex()))
        generator.setDescription("Worthwhile: value per use")
        painter = QPainter()
        if not painter.begin(generator):
            raise OSError(f"cannot write {path}")
        try:
            target = QRectF(0, 0, size.width(), size.height())
            painter.fillRect(target, QColor(chart_colors().background))
            chart.widget.scene().render(painter, target, source)
        finally:
            painter.end()

    def export_csv(self, path: str | Path) -> None:
        """Save the numbers behind the chart shown (the ``stats --json`` keys) as CSV."""
        header, rows = self.current_chart().csv_table()
        with open(path, "w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f)
            writer.writerow(header)
            writer.writerows(["" if v is None else v for v in row] for row in rows)

    @Slot()
    def _on_export_button_clicked(self) -> None:
        name = ["value-over-time", "value-by-tool", "value-by-label",
                "usage-vs-value"][max(0, self.tabs.currentIndex())]
        path, chosen = QFileDialog.getSaveFileName(self, "Export chart", f"{name}.png",
                                                   EXPORT_FILTERS)
        if not path:
            return
        suffix = Path(path).suffix.lower()
        if suffix not in (".png", ".svg", ".csv"):
            suffix = ".svg" if "svg" in chosen else ".csv" if "csv" in chosen.lower() else ".png"
            path += suffix
        try:
            {".png": self.export_png, ".svg": self.export_svg, ".csv": self.export_csv}[suffix](
                path)
        except OSError as exc:
            show_error(self, f"Could not save {path}.", str(exc))

    # --- controls --------------------------------------------------------------------------

    @Slot(int)
    def _on_period_box_current_index_changed(self, _index: int) -> None:
        by = self.period_box.currentData()
        self._by = "month" if by == "month" else "week"
        self.refresh()

    @Slot(int)
    def _on_tool_box_current_index_changed(self, _index: int) -> None:
        data = self.tool_box.currentData()
        self._source = data if isinstance(data, str) else None
        self.refresh()
