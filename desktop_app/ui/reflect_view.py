"""The Reflect view: a week's random sample of sessions, rated one at a time, keyboard only."""

from __future__ import annotations

import html
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from PySide6.QtCore import QEvent, Qt, Signal, Slot
from PySide6.QtGui import QActionGroup, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QSpinBox,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)
from sqlite_utils import Database

from desktop_app.domain import SessionRow, Verdict, parse_utc
from desktop_app.importers.registry import display_name
from desktop_app.metrics.periods import (
    iter_periods,
    local_date,
    period_of,
    period_start,
    utc_bounds,
)
from desktop_app.metrics.sampling import (
    DEFAULT_SAMPLE_SIZE,
    draw_sample,
    last_complete_week,
    week_figures,
)
from desktop_app.metrics.suggest import Suggestion
from desktop_app.metrics.text import percent
from desktop_app.metrics.value import MIN_RATED
from desktop_app.store import (
    SessionNotFoundError,
    get_rating,
    get_session,
    get_transcript,
    list_labels,
    list_reasons,
)
from desktop_app.store.reflect import ReflectSamples, newest_unrated_start, week_counts
from desktop_app.store.stats import StatsReader, first_last
from desktop_app.ui import formatting
from desktop_app.ui.presentation import masked_title
from desktop_app.ui.rating import RatingController
from desktop_app.ui.rating_panel import RatingPanel
from desktop_app.ui.reminder import DAYS
from desktop_app.ui.tasks import Task, TaskContext, TaskRunner
from desktop_app.ui.transcript_view import TranscriptView

log = logging.getLogger(__name__)

PREVIEW_MESSAGES = 8
PREVIEW_CHARS = 600
#: The key of the draw's task: a newer draw (another week, size or database) drops an older one.
DRAW_TASK = "reflect-draw"
#: The key of the week list's task (and of the week Reflect opens on).
WEEKS_TASK = "reflect-weeks"


@dataclass(frozen=True, slots=True)
class WeekRow:
    """One week of the week list: its Monday, its sessions and how many have a verdict."""

    start: date
    sessions: int
    rated: int
    #: The week is not over yet (its counts are "so far").
    partial: bool = False

    @property
    def text(self) -> str:
        """What the list shows: "Week of 16 Nov 2026 – 22 Nov · 49 sessions, 14 rated"."""
        noun = "session" if self.sessions == 1 else "sessions"
        so_far = " so far" if self.partial else ""
        return (f"{week_title(self.start)} · {self.sessions:,} {noun}{so_far}, "
                f"{self.rated:,} rated")


def week_title(monday: date) -> str:
    """"Week of 16 Nov 2026 – 22 Nov"."""
    return f"Week of {monday:%d %b %Y} – {monday + timedelta(days=6):%d %b}"


def _local_day(text: str) -> date:
    moment = parse_utc(text)
    assert moment is not None
    return local_date(moment)


def opening_week(db: Database, today: date | None = None) -> date:
    """The week Reflect opens on: the newest week that has ended with a session still without a
    verdict; else this week if it has one; else the last complete week."""
    this_week = period_start(today or date.today(), "week")
    newest = newest_unrated_start(db, before=utc_bounds([period_of(this_week, "week")])[0])
    if newest is None:
        newest = newest_unrated_start(db)  # only the week not over yet (or later) has some
    if newest is None:
        return last_complete_week(today)
    return min(period_start(_local_day(newest), "week"), this_week)


def list_weeks(db: Database, today: date | None = None) -> list[WeekRow]:
    """The weeks that have sessions, newest first, with their counts (one grouped query)."""
    this_week = period_start(today or date.today(), "week")
    first, last = first_last(db)
    if first is None or last is None:
        return []
    periods = list(iter_periods(_local_day(first), _local_day(last), "week"))
    counts = week_counts(db, utc_bounds(periods))
    rows = [WeekRow(p.start, uses, rated, partial=p.start >= this_week)
            for p, (uses, rated) in zip(periods, counts, strict=True) if uses]
    return rows[::-1]


def _draw(db: Database, week: date, size: int) -> tuple[list[str], int]:
    """The week's sample and where to continue in it (runs on a worker thread)."""
    sample = draw_sample(ReflectSamples(db), week, size)
    # Reopening a week continues at its first session still without a verdict.
    position = next((i for i, sid in enumerate(sample)
                     if get_rating(db, sid).verdict is Verdict.UNRATED), len(sample))
    return sample, position


class ReflectView(QWidget):
    """Draws the week's sample and walks through it: U / N / S, minutes, labels, note, Enter."""

    sample_size_changed = Signal(int)
    #: The weekly reminder's day was chosen (0 = Monday; None: no reminder).
    remind_day_changed = Signal(object)

    def __init__(self, controller: RatingController, tasks: TaskRunner,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reflectView")
        self.setAccessibleName("Reflect")
        self.controller = controller
        self._tasks = tasks
        self._task: Task | None = None
        self._weeks_task: Task | None = None
        self._weeks: list[WeekRow] = []
        #: The week to open on is being found; a week chosen meanwhile wins.
        self._opening = False
        self._db: Database | None = None
        self._db_path: Path | None = None
        self._week = last_complete_week()
        self._sample: list[str] = []
        self._position = 0
        self._sample_size = DEFAULT_SAMPLE_SIZE
        self._loaded = False
        #: The session shown, and whether its title is masked (presentation mode).
        self._row: SessionRow | None = None
        self._masked = False
        #: Suggested verdicts by session id (ui/suggestions.py), shown for unrated sessions.
        self._suggestions: Mapping[str, Suggestion] = {}

        outer = QVBoxLayout(self)
        outer.setContentsMargins(12, 10, 12, 10)
        top = QHBoxLayout()
        self.prev_week = QPushButton("◀")
        self.prev_week.setObjectName("reflectPrevWeek")
        self.prev_week.setToolTip("Previous week (Alt+Left)")
        self.prev_week.setAccessibleName("Previous week")
        self.prev_week.setShortcut(QKeySequence("Alt+Left"))
        self.next_week = QPushButton("▶")
        self.next_week.setObjectName("reflectNextWeek")
        self.next_week.setToolTip("Next week (Alt+Right)")
        self.next_week.setAccessibleName("Next week")
        self.next_week.setShortcut(QKeySequence("Alt+Right"))
        for button in (self.prev_week, self.next_week):
            button.setFixedWidth(36)
            button.setAutoDefault(False)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.prev_week.clicked.connect(lambda: self.set_week(self._week - timedelta(days=7)))
        self.next_week.clicked.connect(lambda: self.set_week(self._week + timedelta(days=7)))
        # The week shown, and the list to choose another from: its items are the weeks that
        # have sessions, with their counts; a week without any shows as the placeholder.
        self.week_box = QComboBox()
        self.week_box.setObjectName("reflectWeek")
        self.week_box.setAccessibleName("Week")
        self.week_box.setToolTip("Choose a week (Alt+W)")
        self.week_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.week_box.setMaxVisibleItems(20)
        self.week_box.activated.connect(self._on_week_box_activated)
        week_shortcut = QShortcut(QKeySequence("Alt+W"), self)
        week_shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        week_shortcut.activated.connect(self._open_week_list)
        self.progress = QLabel()
        self.progress.setObjectName("reflectProgress")
        self.size_box = QSpinBox()
        self.size_box.setObjectName("reflectSampleSize")
        self.size_box.setAccessibleName("Sessions per week")
        self.size_box.setRange(1, 50)
        self.size_box.setPrefix("Sample: ")
        self.size_box.setSuffix(" per week")
        self.size_box.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.size_box.setKeyboardTracking(False)
        self.size_box.valueChanged.connect(self._on_size_box_value_changed)
        top.addWidget(self.prev_week)
        top.addWidget(self.week_box)
        top.addWidget(self.next_week)
        top.addSpacing(16)
        top.addWidget(self.progress)
        top.addStretch(1)
        top.addWidget(self.size_box)
        # The weekly habit (off by default; see ui/reminder.py): a short button, so that the
        # week bar still fits a small screen, whose menu names the days in full.
        self.remind_button = QToolButton()
        self.remind_button.setObjectName("reflectRemindDay")
        self.remind_button.setAccessibleName("Weekly reminder")
        self.remind_button.setToolTip(
            "When Worthwhile starts on or after the chosen day and last week's sample is not "
            "rated yet, it opens here (with a notification where your desktop has a tray)")
        self.remind_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.remind_button.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.remind_menu = QMenu(self.remind_button)
        self.remind_menu.setObjectName("reflectRemindMenu")
        days = QActionGroup(self.remind_menu)
        for index, text in enumerate(["No weekly reminder",
                                      *(f"Remind me on {day}" for day in DAYS)]):
            action = self.remind_menu.addAction(text)
            action.setCheckable(True)
            action.setActionGroup(days)
            action.triggered.connect(
                lambda _on=False, day=index - 1: self._on_remind_day_chosen(day))
        self.remind_button.setMenu(self.remind_menu)
        top.addWidget(self.remind_button)
        self.set_remind_day(None)
        outer.addLayout(top)

        self.pages = QStackedWidget(self)
        outer.addWidget(self.pages, 1)

        # One session at a time.
        card = QWidget()
        card_layout = QVBoxLayout(card)
        card_layout.setContentsMargins(0, 6, 0, 0)
        self.title = QLabel()
        self.title.setObjectName("reflectTitle")
        self.title.setWordWrap(True)
        self._size_fonts()
        self.facts = QLabel()
        self.facts.setObjectName("reflectFacts")
        self.preview = TranscriptView(card)
        self.preview.setObjectName("reflectPreview")
        self.preview.setAccessibleName("Transcript preview")
        self.preview.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.panel = RatingPanel(card)
        # Unique names, so that scripts find the Sessions view's rating widgets unambiguously.
        for widget, name in ((self.panel.useful_button, "reflectUseful"),
                             (self.panel.not_useful_button, "reflectNotUseful"),
                             (self.panel.minutes, "reflectMinutes"),
                             (self.panel.labels, "reflectLabels"),
                             (self.panel.reason, "reflectReason"),
                             (self.panel.note, "reflectNote"),
                             (self.panel.add_label_button, "reflectAddLabel")):
            widget.setObjectName(name)
        self.panel.useful_button.setToolTip("Useful (U)")
        self.panel.clear_button.setText("Skip")
        self.panel.clear_button.setObjectName("reflectSkip")
        self.panel.clear_button.setToolTip("Skip this session (S)")
        self.panel.clear_button.setAccessibleName("Skip")
        self.panel.clear_button.clicked.disconnect()
        self.panel.clear_button.clicked.connect(self.skip)
        self.next_button = QPushButton("Next  ⏎")
        self.next_button.setObjectName("reflectNext")
        self.next_button.setAccessibleName("Next session")
        self.next_button.setToolTip("Next session (Enter)")
        self.next_button.setAutoDefault(False)
        self.next_button.clicked.connect(self.next)
        bottom = QHBoxLayout()
        bottom.addWidget(self.panel, 1)
        bottom.addWidget(self.next_button, 0, Qt.AlignmentFlag.AlignBottom)
        card_layout.addWidget(self.title)
        card_layout.addWidget(self.facts)
        card_layout.addWidget(self.preview, 1)
        card_layout.addLayout(bottom)
        self.pages.addWidget(card)
        self.card = card

        # The end of the week (or nothing to reflect on).
        self.summary = QLabel()
        self.summary.setObjectName("reflectSummary")
        self.summary.setWordWrap(True)
        self.summary.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.pages.addWidget(self.summary)

        self.panel.verdict_chosen.connect(self._on_panel_verdict_chosen)
        controller.follow_panel(self.panel, self._current_ids)
        self.panel.note.returnPressed.connect(self.next)
        controller.ratings_changed.connect(self._on_controller_ratings_changed)

        for keys, slot in ((("S",), self.skip), (("Return", "Enter"), self.next)):
            for key in keys:
                shortcut = QShortcut(QKeySequence(key), self)
                shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
                shortcut.activated.connect(slot)

    def _size_fonts(self) -> None:
        """The week and the title larger than the rest, relative to the font in use."""
        for widget, scale in ((self.week_box, 1.25), (self.title, 1.4)):
            font = self.font()
            if font.pointSizeF() > 0:
                font.setPointSizeF(font.pointSizeF() * scale)
            else:
                font.setPixelSize(round(font.pixelSize() * scale))
            font.setBold(True)
            widget.setFont(font)

    def changeEvent(self, event: QEvent) -> None:
        # The application font changed (presentation mode's larger one): keep the proportions.
        if event.type() == QEvent.Type.FontChange:
            self._size_fonts()
        super().changeEvent(event)

    def set_masked(self, masked: bool) -> None:
        """Presentation mode: the title, the transcript preview, the note and the reason are
        shown as stand-ins."""
        self._masked = masked
        self.preview.set_masked(masked)
        self.panel.set_masked(masked)
        if self._row is not None:
            self.title.setText(self._title_text(self._row))

    def set_suggestions(self, suggestions: Mapping[str, Suggestion]) -> None:
        """Show the suggested verdict of the session shown, while it is unrated."""
        self._suggestions = suggestions
        current = self._current_ids()
        self.panel.show_suggestion(suggestions.get(current[0]) if current else None)

    def _title_text(self, row: SessionRow) -> str:
        return masked_title(row) if self._masked else row.title or "(untitled)"

    # --- state -----------------------------------------------------------------------------

    def set_db(self, db: Database, path: Path, sample_size: int | None = None) -> None:
        """Reflect on ``db`` at ``path`` (the draw opens its own connection there); starts at the
        last complete week."""
        self._db = db
        self._db_path = path
        self._tasks.drop(DRAW_TASK)  # a draw from the database shown before
        self._tasks.drop(WEEKS_TASK)
        self._task = self._weeks_task = None
        self._weeks = []
        self._sample, self._position = [], 0
        if sample_size is not None:
            self._sample_size = sample_size
        self.size_box.blockSignals(True)
        self.size_box.setValue(self._sample_size)
        self.size_box.blockSignals(False)
        self.panel.set_choices(list_labels(db), list_reasons(db))
        self._week = last_complete_week()
        self._loaded = False
        self._fill_week_box()
        if self.isVisible():
            self.refresh_weeks(open_week=True)

    def showEvent(self, event: QShowEvent) -> None:
        # The week and its sample are found (and the sample stored) when the view is first
        # shown, not at start-up; the week list is counted again at every showing.
        if self._db is not None:
            self.refresh_weeks(open_week=not self._loaded)
        super().showEvent(event)

    def refresh_weeks(self, *, open_week: bool = False) -> None:
        """Count the week list again off the GUI thread; with ``open_week``, then show the week
        to reflect on (see :func:`opening_week`)."""
        if self._db_path is None:
            return
        if open_week:
            self._loaded = self._opening = True
            self._tasks.drop(DRAW_TASK)
            self._task = None
            self.progress.setText("Finding the week…")
        elif self._opening:
            return  # the week to open on is still being found: that task counts the list too

        def work(context: TaskContext) -> tuple[list[WeekRow], date | None]:
            db = context.db
            return list_weeks(db), opening_week(db) if open_week else None

        task = self._tasks.start(WEEKS_TASK, work, db_path=self._db_path)
        task.finished.connect(self._on_weeks_task_finished)
        task.failed.connect(self._on_weeks_task_failed)
        self._weeks_task = task

    @Slot(object)
    def _on_weeks_task_finished(self, found: tuple[list[WeekRow], date | None]) -> None:
        self._weeks_task = None
        self._weeks, week = found
        if week is not None and self._opening:
            self.set_week(week)
        else:
            self._fill_week_box()

    @Slot(str)
    def _on_weeks_task_failed(self, detail: str) -> None:
        self._weeks_task = None
        if self._opening:
            self._opening = False
            self._on_task_failed(detail)
        else:
            log.error("The week list could not be counted\n%s", detail)

    def _fill_week_box(self) -> None:
        box = self.week_box
        box.blockSignals(True)
        box.clear()
        for row in self._weeks:
            box.addItem(row.text)
        box.setPlaceholderText(f"{week_title(self._week)} · no sessions")
        box.setCurrentIndex(next((i for i, row in enumerate(self._weeks)
                                  if row.start == self._week), -1))
        box.blockSignals(False)

    @Slot(int)
    def _on_week_box_activated(self, index: int) -> None:
        week = self._weeks[index].start if 0 <= index < len(self._weeks) else None
        if week is not None and week != self._week:
            self.set_week(week)
        elif self._position < len(self._sample):
            self.setFocus(Qt.FocusReason.OtherFocusReason)

    @Slot()
    def _open_week_list(self) -> None:
        self.week_box.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.week_box.showPopup()

    @property
    def week(self) -> date:
        """Monday of the week shown."""
        return self._week

    @property
    def sample(self) -> list[str]:
        """The week's sample (session ids)."""
        return list(self._sample)

    @property
    def position(self) -> int:
        """Index of the session shown (== len(sample) at the summary)."""
        return self._position

    @property
    def busy(self) -> bool:
        """True while the week's sample is being drawn."""
        return any(task is not None and task.running for task in (self._task, self._weeks_task))

    @property
    def weeks(self) -> list[WeekRow]:
        """The week list (newest first), as last counted."""
        return list(self._weeks)

    def set_week(self, week_start: date) -> None:
        """Show the week starting on the Monday of ``week_start`` (its sample is drawn off the
        GUI thread; until it arrives nothing can be rated)."""
        self._week = period_start(week_start, "week")
        self._opening = False
        self._loaded = self._db is not None
        self.next_week.setEnabled(self._week < period_start(date.today(), "week"))
        self._fill_week_box()
        if self._db is None or self._db_path is None:
            return
        self.panel.commit_pending()
        self._sample, self._position = [], 0
        self.progress.setText("Drawing…")
        week, size = self._week, self._sample_size

        def work(context: TaskContext) -> tuple[list[str], int]:
            return _draw(context.db, week, size)

        task = self._tasks.start(DRAW_TASK, work, db_path=self._db_path)
        task.finished.connect(self._on_task_finished)
        task.failed.connect(self._on_task_failed)
        self._task = task

    @Slot(object)
    def _on_task_finished(self, drawn: tuple[list[str], int]) -> None:
        self._task = None
        self._sample, self._position = drawn
        self._show()

    @Slot(str)
    def _on_task_failed(self, detail: str) -> None:
        self._task = None
        log.error("The week's sample could not be drawn\n%s", detail)
        self.progress.setText("")
        self.summary.setText("<h2>The sample could not be drawn</h2><p>A problem inside "
                             f"Worthwhile: {html.escape(detail.strip().splitlines()[-1])}</p>")
        self.pages.setCurrentWidget(self.summary)

    def _current_ids(self) -> list[str]:
        if 0 <= self._position < len(self._sample):
            return [self._sample[self._position]]
        return []

    def _show(self) -> None:
        db = self._db
        if db is None:
            return
        total = len(self._sample)
        if self._position >= total:
            self.progress.setText(f"{total} of {total} done" if total else "")
            self.summary.setText(self._summary_html())
            self.pages.setCurrentWidget(self.summary)
            return
        self.progress.setText(f"{self._position + 1} of {total}")
        sid = self._sample[self._position]
        try:
            row = get_session(db, sid)
        except SessionNotFoundError:  # deleted since the draw: move on
            self._position += 1
            self._show()
            return
        self._row = row
        self.title.setText(self._title_text(row))
        facts = [display_name(row.tool_key), formatting.local_time(row.started_at),
                 formatting.duration(row.duration_seconds), f"{row.messages} messages",
                 row.model or ""]
        self.facts.setText(" · ".join(f for f in facts if f))
        messages = get_transcript(db, sid, limit=PREVIEW_MESSAGES)
        trimmed = [m if len(m.text) <= PREVIEW_CHARS else
                   type(m)(role=m.role, text=m.text[:PREVIEW_CHARS] + " …", time=m.time,
                           model=m.model)
                   for m in messages]
        self.preview.show_session(row, trimmed, header=False)
        self.panel.show_suggestion(self._suggestions.get(sid))
        self.panel.show_rating(get_rating(db, sid))
        self.pages.setCurrentWidget(self.card)
        if not self.panel.note.hasFocus():
            self.setFocus(Qt.FocusReason.OtherFocusReason)

    def _summary_html(self) -> str:
        assert self._db is not None
        s = week_figures(StatsReader(self._db), self._week)
        if not self._sample:
            return ("<h2>Nothing to reflect on this week</h2>"
                    f"<p>{s.uses} sessions this week, {s.rated} already rated.</p>"
                    "<p>Choose another week from the list above (Alt+W) or with ◀ (Alt+←).</p>")
        lines = [f"<h2>Week of {self._week:%d %b %Y}: done</h2>",
                 f"<p><b>{s.uses}</b> uses · <b>{s.rated}</b> rated · "
                 f"<b>{s.useful}</b> useful</p>"]
        value, low, high = s.value_per_use, s.ci_low, s.ci_high
        if value is None or low is None or high is None:
            lines.append(f"<p>Value per use: not enough ratings yet ({s.rated} rated; "
                         f"it takes {MIN_RATED} to say anything).</p>")
        else:
            lines.append(f"<p>Value per use so far: <b>{percent(value)}</b> "
                         f"(95 % interval {percent(low)}–{percent(high)}, based on {s.rated} "
                         f"rated of {s.uses} uses)</p>")
        lines.append("<p>Press ◀ (Alt+←) for the previous week.</p>")
        return "".join(lines)

    # --- actions ---------------------------------------------------------------------------

    def rate(self, verdict: Verdict) -> bool:
        """U / N on the current session (0 clears it)."""
        return self.controller.set_verdict(self._current_ids(), verdict)

    @Slot(object)
    def _on_panel_verdict_chosen(self, verdict: Verdict) -> None:
        self.rate(verdict)

    @Slot()
    def skip(self) -> None:
        """S: leave this one unrated and go on."""
        self.next()

    @Slot()
    def next(self) -> None:
        """Enter: the next session of the sample (or the summary)."""
        if self._position < len(self._sample):
            self.panel.commit_pending()
            self._position += 1
            self._show()

    @Slot(list)
    def _on_controller_ratings_changed(self, ids: list[str]) -> None:
        if self._db is None:
            return
        current = self._current_ids()
        if current and current[0] in ids:
            self.panel.show_rating(get_rating(self._db, current[0]))
        elif self.pages.currentWidget() is self.summary:
            self.summary.setText(self._summary_html())
        if self.isVisible():
            self.refresh_weeks()  # the rated counts changed

    def set_remind_day(self, day: int | None) -> None:
        """Show the weekly reminder's day (None: off)."""
        self.remind_menu.actions()[0 if day is None else day + 1].setChecked(True)
        # Trailing spaces: room for the menu's arrow, which the style draws over the text.
        self.remind_button.setText(("Reminder: off" if day is None else
                                    f"Reminder: {DAYS[day][:3]}") + "   ")

    def _on_remind_day_chosen(self, day: int) -> None:
        chosen = None if day < 0 else day
        self.set_remind_day(chosen)
        self.remind_day_changed.emit(chosen)

    @Slot(int)
    def _on_size_box_value_changed(self, value: int) -> None:
        self._sample_size = value
        self.sample_size_changed.emit(value)
        self.set_week(self._week)
