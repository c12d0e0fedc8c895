"""The weekly habit (off by default): on or after the chosen day, if last week's Reflect sample
is not rated yet, the window opens on Reflect, with a local notification where a tray exists."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QSystemTrayIcon, QWidget
from sqlite_utils import Database

from desktop_app.domain import Verdict
from desktop_app.metrics.periods import period_of, utc_bounds
from desktop_app.metrics.sampling import last_complete_week
from desktop_app.store import get_rating
from desktop_app.store.reflect import stored_sample, week_counts
from desktop_app.ui.icon import app_icon

DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
#: How long the notification's tray icon stays after its message.
TRAY_MS = 30_000

#: Today's date (tests put a fake clock here).
today: Callable[[], date] = date.today


def sample_waiting(db: Database, week: date, size: int) -> bool:
    """True while the week's Reflect sample has a session without a verdict: the sample drawn
    already, or, before it is drawn, any unrated session of the week (the draw takes those)."""
    sample = stored_sample(db, week.isoformat(), size)
    if sample:
        return any(get_rating(db, sid).verdict is Verdict.UNRATED for sid in sample)
    (uses, rated), = week_counts(db, utc_bounds([period_of(week, "week")]))
    return uses > rated


def reminder_due(remind_day: int | None, day: date) -> bool:
    """True when a reminder is set and ``day`` is that weekday or later in the week."""
    return remind_day is not None and day.weekday() >= remind_day


class WeeklyReminder(QObject):
    """Checks once when the window opens its database; says so in the tray if there is one."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self._parent = parent
        self.tray: QSystemTrayIcon | None = None

    def due(self, db: Database, remind_day: int | None, size: int) -> date | None:
        """The week to reflect on when the reminder applies now, else None."""
        day = today()
        if not reminder_due(remind_day, day):
            return None
        week = last_complete_week(day)
        return week if sample_waiting(db, week, size) else None

    def notify(self, week: date) -> None:
        """A local notification (only where the desktop has a tray)."""
        if not QSystemTrayIcon.isSystemTrayAvailable():
            return
        if self.tray is None:
            self.tray = QSystemTrayIcon(app_icon(), self)
            self.tray.setToolTip("Worthwhile")
        self.tray.show()
        self.tray.showMessage(
            "Worthwhile: time to reflect",
            f"Last week's sample (week of {week:%d %b}) is waiting for your verdicts.",
            QSystemTrayIcon.MessageIcon.Information)
        QTimer.singleShot(TRAY_MS, self.tray.hide)
