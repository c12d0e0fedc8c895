"""The Team view: people's summary cards merged, with the Value view's charts over the cells that
at least 3 people's cards rest on; the others are hidden and said to be ("fewer than 3 people").

It never shows one card's numbers, a list of who sent what, or a ranking of people: only the
merged cells, how many cards were merged, how many cells were hidden, and the files that could
not be read (with why).
"""

from __future__ import annotations

import html
import logging
from dataclasses import dataclass
from datetime import date, timedelta
from functools import partial
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEventLoop, QPointF, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QCloseEvent, QCursor
from PySide6.QtWidgets import (
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

from desktop_app.importers.registry import DISPLAY_NAMES, TOOL_NAMES
from desktop_app.metrics import MIN_RATED, NO_LABEL, Stats, insights
from desktop_app.sharing.team import (
    FEWER_THAN,
    MIN_PEOPLE,
    MergeError,
    Rejected,
    Team,
    merge,
    read_cards,
)
from desktop_app.ui.charts.common import chart_colors
from desktop_app.ui.charts.over_time import OverTimeChart
from desktop_app.ui.charts.tabs import (
    TAB_TITLES,
    Chart,
    ChartTabs,
    new_chart,
    put_in_tab,
)
from desktop_app.ui.charts.usage_value import UsageValueChart
from desktop_app.ui.tasks import Task, TaskContext, TaskRunner
from desktop_app.ui.theme import colors

log = logging.getLogger(__name__)

#: The figures' task: opening other cards makes an older load stale.
TEAM_TASK = "team-figures"
CARD_FILTER = "Summary cards (*.json);;All files (*)"
#: What a period without shown figures says when pointed at (hidden and empty alike: which one
#: it is would name a hidden cell).
WITHHELD = f"Not shown: nobody's uses, or {FEWER_THAN}"
MAX_INSIGHTS = 4



@dataclass(frozen=True)
class CardSet:
    """What the view shows: card files, or the demo team's cards (``demo``)."""

    paths: tuple[Path, ...] = ()
    demo: bool = False

    def __bool__(self) -> bool:
        return self.demo or bool(self.paths)


@dataclass(frozen=True)
class TeamFigures:
    """The merged cards without a group, by tool and by label (plain objects, off the GUI
    thread), the files not read, and ``error`` when the cards cannot be merged at all."""

    overall: Team | None
    tools: Team | None
    labels: Team | None
    rejected: tuple[Rejected, ...]
    error: str | None = None
    insights: tuple[str, ...] = ()


def load_team(cards: CardSet, today: date | None = None) -> TeamFigures:
    """Read the cards and merge them three ways (the work of the view's task)."""
    rejected: list[Rejected] = []
    if cards.demo:
        from desktop_app.demo.cards import demo_team

        read = demo_team(today)
    else:
        read, rejected = read_cards(cards.paths)
    try:
        overall = merge(read)
        tools = merge(read, group="tool")
        labels = merge(read, group="label")
    except MergeError as exc:
        return TeamFigures(None, None, None, tuple(rejected), str(exc))
    # The Value view's sentences, about the shown cells only: the differences its intervals
    # back (the charts already show what has too few ratings or overlaps, and a sentence about
    # "the 2 groups" would not say whether it means tools or labels).
    lines = insights(tools.stats().group_totals, names=TOOL_NAMES, limit=1)
    labelled = {g: f for g, f in labels.stats().group_totals.items() if g != NO_LABEL}
    lines += insights(labelled, names=DISPLAY_NAMES, limit=1)
    claims = [line for line in lines if " more often than " in line]
    return TeamFigures(overall, tools, labels, tuple(rejected),
                       insights=tuple(claims[:MAX_INSIGHTS]))


def choose_card_files(parent: QWidget) -> list[Path]:
    """Ask for summary card files (none when the user cancels)."""
    paths, _ = QFileDialog.getOpenFileNames(parent, "Open team cards", str(Path.home()),
                                            CARD_FILTER)
    return [Path(p) for p in paths]


class TeamView(ChartTabs, QWidget):
    """Several people's cards as one picture: usage and value per use over time, by tool and by
    label, with 95 % intervals, built only on cells at least 3 cards contribute to.

    The cards are read and merged off the GUI thread (``set_cards``); ``loaded`` is emitted when
    they are shown.
    """

    loaded = Signal()
    #: The user asked to open other cards / to close these (the window does it).
    open_requested = Signal()
    close_requested = Signal()

    def __init__(self, tasks: TaskRunner | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("teamView")
        self.setAccessibleName("Team")
        self._own_tasks = tasks is None
        self._tasks = tasks if tasks is not None else TaskRunner(self)
        self._task: Task | None = None
        self._cards = CardSet()
        self.figures: TeamFigures | None = None
        self.hover_text: str | None = None
        #: The local date that decides which period is "so far" (None: today).
        self.today: date | None = None

        outer = QVBoxLayout(self)
        outer.setContentsMargins(12, 8, 12, 8)
        outer.setSpacing(6)
        controls = QHBoxLayout()
        self.summary_label = QLabel()
        self.summary_label.setObjectName("teamSummary")
        self.summary_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.open_button = QPushButton("Open Cards…")
        self.open_button.setObjectName("teamOpen")
        self.open_button.setToolTip("Open other people's summary cards (replaces these)")
        self.open_button.setAutoDefault(False)
        self.open_button.clicked.connect(self.open_requested)
        self.close_button = QPushButton("Close Cards")
        self.close_button.setObjectName("teamClose")
        self.close_button.setToolTip("Close the team's cards (the files are left as they are)")
        self.close_button.setAutoDefault(False)
        self.close_button.clicked.connect(self.close_requested)
        controls.addWidget(self.summary_label, 1)
        controls.addWidget(self.open_button)
        controls.addWidget(self.close_button)
        outer.addLayout(controls)

        self.problems_label = QLabel()
        self.problems_label.setObjectName("teamRejected")
        self.problems_label.setWordWrap(True)
        self.problems_label.setTextFormat(Qt.TextFormat.RichText)
        self.problems_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.insights_label = QLabel()
        self.insights_label.setObjectName("teamInsights")
        self.insights_label.setWordWrap(True)
        self.insights_label.setTextFormat(Qt.TextFormat.RichText)
        self.hidden_label = QLabel()
        self.hidden_label.setObjectName("teamHidden")
        self.hidden_label.setWordWrap(True)
        self.basis_label = QLabel()
        self.basis_label.setObjectName("teamBasis")
        self.basis_label.setWordWrap(True)
        for label in (self.problems_label, self.insights_label, self.hidden_label,
                      self.basis_label):
            label.setVisible(False)
            outer.addWidget(label)

        self.tabs = QTabWidget()
        self.tabs.setObjectName("teamTabs")
        self.tabs.setDocumentMode(True)
        self._built: list[Chart | None] = [None] * len(TAB_TITLES)
        self._drawn: list[Stats | None] = [None] * len(TAB_TITLES)
        for title in TAB_TITLES:
            self.tabs.addTab(QWidget(), title)  # a placeholder until the chart is built
        self.tabs.currentChanged.connect(self._on_tabs_current_changed)
        self.message_label = QLabel()
        self.message_label.setObjectName("teamMessage")
        self.message_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message_label.setWordWrap(True)
        self.message_label.setMargin(24)
        self.pages = QStackedWidget()
        self.pages.addWidget(self.tabs)
        self.pages.addWidget(self.message_label)
        self.pages.setCurrentWidget(self.message_label)
        outer.addWidget(self.pages, 1)
        self.apply_colors()

    # --- the cards -------------------------------------------------------------------------

    @property
    def cards(self) -> CardSet:
        """The cards shown (or being read)."""
        return self._cards

    @property
    def busy(self) -> bool:
        """True while the cards asked for last are being read."""
        return self._task is not None and self._task.running

    def set_cards(self, cards: CardSet) -> None:
        """Read and merge ``cards`` (off the GUI thread); they are shown on arrival."""
        self._cards = cards
        self.summary_label.setText("Reading the cards…")
        today = self.today

        def work(_context: TaskContext) -> TeamFigures:
            return load_team(cards, today)

        task = self._tasks.start(TEAM_TASK, work)
        task.finished.connect(self._on_task_finished)
        task.failed.connect(self._on_task_failed)
        self._task = task

    def clear(self) -> None:
        """Show no cards (the window closed them): what was read is dropped."""
        self._tasks.drop(TEAM_TASK)
        self._task = None
        self._cards = CardSet()
        self.figures = None
        self._drawn = [None] * len(TAB_TITLES)
        self.summary_label.clear()
        self.problems_label.setVisible(False)
        self._show_message("")

    def ensure_loaded(self, timeout_ms: int = 60_000) -> bool:
        """Wait, running the event loop, until the cards asked for are shown (for scripts and
        screenshots; the GUI itself never waits). False on timeout."""
        if not self.busy:
            return True
        loop = QEventLoop()
        self.loaded.connect(loop.quit)
        QTimer.singleShot(timeout_ms, loop.quit)
        if self.busy:
            loop.exec()
        self.loaded.disconnect(loop.quit)
        return not self.busy

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._own_tasks:  # a stand-alone view; in the window, the window stops the tasks
            self._tasks.stop_all()
        super().closeEvent(event)

    @Slot(object)
    def _on_task_finished(self, figures: TeamFigures) -> None:
        self._task = None
        self.figures = figures
        self._show(figures)
        self.loaded.emit()

    @Slot(str)
    def _on_task_failed(self, detail: str) -> None:
        self._task = None
        log.error("The team's cards could not be merged\n%s", detail)
        self.figures = None
        self.summary_label.setText("The cards could not be read (a problem inside Worthwhile).")
        self._show_message(html.escape(detail.strip().splitlines()[-1]))
        self.loaded.emit()

    # --- showing ---------------------------------------------------------------------------

    def _show(self, figures: TeamFigures) -> None:
        self._show_problems(figures.rejected)
        team = figures.overall
        if figures.error is not None or team is None:
            self.summary_label.setText("These cards cannot be merged.")
            self._show_message(html.escape(figures.error or ""))
            return
        self.summary_label.setText(self._summary_text(team))
        if team.too_few_people:
            self._show_message(
                f"<p style='font-size:15pt'><b>{FEWER_THAN.capitalize()}</b></p>"
                f"<p>Nothing is shown. The team view combines the cards of at least "
                f"{MIN_PEOPLE} people and shows only what at least {MIN_PEOPLE} of them "
                "contributed to, so that no one's numbers can be seen on their own.</p>"
                f"<p>Cards open: {team.cards}.</p>")
            return
        if not team.cells:
            self._show_message(
                f"<p style='font-size:15pt'><b>{FEWER_THAN.capitalize()}</b></p>"
                f"<p>Nothing is shown: in every {team.by} the cards' uses rest on "
                f"{FEWER_THAN}.</p>")
            return
        self.pages.setCurrentWidget(self.tabs)
        self.insights_label.setText("".join(f"<div>• {html.escape(line)}</div>"
                                            for line in figures.insights))
        self.insights_label.setVisible(bool(figures.insights))
        self.hidden_label.setText(self._hidden_text(figures))
        self.hidden_label.setVisible(True)
        self.basis_label.setText(self._basis_text(team))
        self.basis_label.setVisible(True)
        self._drawn = [None] * len(TAB_TITLES)
        self._chart(max(0, self.tabs.currentIndex()))

    def _show_message(self, text: str) -> None:
        for label in (self.insights_label, self.hidden_label, self.basis_label):
            label.setVisible(False)
        self.message_label.setText(text)
        self.pages.setCurrentWidget(self.message_label)

    def _show_problems(self, rejected: tuple[Rejected, ...]) -> None:
        if not rejected:
            self.problems_label.setVisible(False)
            return
        n = len(rejected)
        items = "".join(f"<li>{html.escape(r.path)}: {html.escape(r.reason)}</li>"
                        for r in rejected)
        self.problems_label.setText(
            f"<div style='color:{colors().not_useful}'>{n} file{'s' if n != 1 else ''} could "
            f"not be read, so {'they are' if n != 1 else 'it is'} not counted:</div>"
            f"<ul style='margin:0'>{items}</ul>")
        self.problems_label.setVisible(True)

    def _summary_text(self, team: Team) -> str:
        who = (f"{team.cards} synthetic people: the demo's cards" if self._cards.demo else
               f"{team.cards} {'person' if team.cards == 1 else 'people'}: their summary cards")
        duplicates = ""
        if team.duplicates:
            duplicates = (f" · {team.duplicates} duplicate{'s' if team.duplicates != 1 else ''}"
                          " of a card counted once")
        return f"Team of {who} · per {team.by}{duplicates}"

    def _hidden_text(self, figures: TeamFigures) -> str:
        parts = []
        for team, what in ((figures.overall, self._by()), (figures.tools, "tool cell"),
                           (figures.labels, "label cell")):
            if team is not None and team.hidden:
                parts.append(f"{team.hidden} {what}{'s' if team.hidden != 1 else ''}")
        if not parts:
            return (f"Every cell has at least {MIN_PEOPLE} people behind it: nothing is hidden. "
                    "Totals are sums of the cells shown.")
        return (f"Hidden: {', '.join(parts)}, where {FEWER_THAN} contributed (or hidden with "
                "them, so that no one's figures can be worked out from a total). Hidden cells "
                "are not named; totals are sums of the cells shown.")

    def _by(self) -> str:
        team = self.figures.overall if self.figures is not None else None
        return team.by if team is not None else "week"

    def _basis_text(self, team: Team) -> str:
        t = team.stats().totals
        first = team.cells[0].figures.start
        last = team.cells[-1].figures.end - timedelta(days=1)
        text = (f"Based on {t.rated:,} rated of {t.uses:,} uses ({first:%d %b %Y} – "
                f"{last:%d %b %Y}). Value per use = useful ÷ rated, shown with its 95 % "
                f"interval once a {team.by} has {MIN_RATED} ratings.")
        if t.minutes_saved_mean is not None:
            text += (f" Minutes are each person's own estimates: {t.minutes_saved_mean:+.1f} "
                     f"min saved per rated use on average, from the {t.minutes_n:,} where they "
                     "gave them.")
        return text

    # --- the charts, the Value view's own ----------------------------------------------------

    def _stats(self, index: int) -> tuple[Stats | None, Team | None]:
        f = self.figures
        if f is None:
            return None, None
        team = (f.overall, f.tools, f.labels, f.overall)[index]
        return (team.stats() if team is not None else None), team

    def _chart(self, index: int) -> Chart:
        """Chart ``index``, built if need be and given the figures shown."""
        chart = self._built[index]
        if chart is None:
            chart = self._build_chart(index)
        stats, team = self._stats(index)
        if stats is not None and team is not None and self._drawn[index] is None:
            if isinstance(chart, OverTimeChart):
                periods = {p.start for p in stats.periods}
                chart.withheld = frozenset(periods - team.shown_starts())
            if isinstance(chart, OverTimeChart | UsageValueChart):
                chart.today = self.today
            chart.set_stats(stats)
            self._drawn[index] = stats
        return chart

    def _build_chart(self, index: int) -> Chart:
        made = new_chart(index)
        made.open_hint = None  # a team's cells open no sessions
        if isinstance(made, OverTimeChart):
            made.withheld_text = WITHHELD
        made.widget.setObjectName(made.widget.objectName().replace("value", "team", 1))
        made.widget.scene().sigMouseMoved.connect(partial(self._on_chart_mouse_moved, made))
        made.apply_colors(chart_colors())
        self._built[index] = made
        put_in_tab(self.tabs, index, made)
        return made

    @Slot(int)
    def _on_tabs_current_changed(self, index: int) -> None:
        if index >= 0:
            self._chart(index)

    def hover(self, chart: Chart, scene_pos: QPointF) -> str | None:
        """The words for what is under the pointer (the charts' own, told as a team's)."""
        text = chart.hover(scene_pos)
        if text is None:
            return None
        return text.replace("(your own estimate)", "(each person's own estimate)")

    def _on_chart_mouse_moved(self, chart: Chart, scene_pos: Any) -> None:
        text = self.hover(chart, scene_pos)
        self.hover_text = text
        if text:
            QToolTip.showText(QCursor.pos(), text, chart.widget)
        else:
            QToolTip.hideText()

    def apply_colors(self) -> None:
        """Restyle everything after a light/dark switch."""
        cc = chart_colors()
        for chart in self._built:
            if chart is not None:
                chart.apply_colors(cc)
        muted = f"color: {colors().muted};"
        self.basis_label.setStyleSheet(muted)
        self.hidden_label.setStyleSheet(muted)
        if self.figures is not None:
            self._show_problems(self.figures.rejected)
