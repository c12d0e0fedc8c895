"""The Value view: charts from the metrics, live updates after rating, clicks, exports, looks."""

from __future__ import annotations

import csv
import math
import os
import threading
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt, QTimer
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from sqlite_utils import Database

from desktop_app.demo.database import generate_demo
from desktop_app.domain import Verdict
from desktop_app.metrics import day_start_utc, value_stats
from desktop_app.store import SessionQuery, save_sessions, update_rating
from desktop_app.store.stats import StatsReader
from desktop_app.ui import value_view as value_view_module
from desktop_app.ui.charts.common import FEW_HIGH, FEW_LOW, FEW_Y, GroupTarget
from desktop_app.ui.charts.groups import BEAM
from desktop_app.ui.charts.over_time import BAR_SHARE
from desktop_app.ui.theme import apply_theme
from desktop_app.ui.value_view import ValueView
from tests.factories import make_session

# Monday 16 Nov 2026 09:00 UTC is the factories' base time; TZ is UTC in tests.
WEEK1 = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)


@pytest.fixture
def view(qtbot: QtBot) -> ValueView:
    widget = ValueView()
    qtbot.addWidget(widget)
    widget.resize(1180, 740)
    return widget


def _two_weeks(db: Database) -> list[str]:
    """Week 1: 8 sessions, 6 rated (4 useful). Week 2: 6 sessions, 2 rated (both useful)."""
    sessions = [make_session(i, started_at=WEEK1 + timedelta(hours=i)) for i in range(8)]
    sessions += [make_session(100 + i, started_at=WEEK1 + timedelta(days=7, hours=i))
                 for i in range(6)]
    save_sessions(db, sessions)
    verdicts = [Verdict.USEFUL] * 4 + [Verdict.NOT_USEFUL] * 2
    for s, v in zip(sessions[:6], verdicts, strict=True):
        update_rating(db, s.id, v)
    for s in sessions[8:10]:
        update_rating(db, s.id, Verdict.USEFUL)
    return [s.id for s in sessions]


def _show(qtbot: QtBot, view: ValueView, path: Path) -> None:
    """Show the figures of the database at ``path`` once they have arrived (read off the GUI
    thread)."""
    with qtbot.waitSignal(view.loaded, timeout=10_000):
        view.set_db_path(path)
    with qtbot.waitExposed(view):
        view.show()


def test_demo_data_fills_every_chart(qtbot: QtBot, view: ValueView, db: Database,
                                     db_path: Path, network_events: list[Any]) -> None:
    generate_demo(db)
    _show(qtbot, view, db_path)
    stats = value_stats(StatsReader(db), by="week")
    ot = view.over_time
    assert len(ot.periods) == len(stats.periods) > 50
    assert ot.useful.sum() + ot.not_useful.sum() == stats.totals.rated
    assert ot.useful.sum() + ot.not_useful.sum() + ot.unrated.sum() == stats.totals.uses
    assert (~_nan(ot.value) == ~ot.few).all()  # a value exactly where there are 5+ ratings
    assert ot.few_marks.data["x"].tolist() == ot.centers[ot.few].tolist()
    by_tool = value_stats(StatsReader(db), group="tool")
    assert sorted(view.by_tool.order) == sorted(by_tool.group_totals)
    values = view.by_tool.value[~_nan(view.by_tool.value)]
    assert list(values) == sorted(values, reverse=True)  # sorted by value per use
    assert len(view.usage_value.shown) > 20
    assert "rated of" in view.basis_label.text()
    assert "Minutes are your own estimates" in view.basis_label.text()
    assert view.insights_label.text()  # a few sentences from metrics.insights/compare
    assert "95 % intervals" in view.insights_label.text()
    assert network_events == []


def _nan(a: Any) -> Any:
    import numpy as np

    return np.isnan(a)


def test_rating_then_refresh_changes_the_chart_data(qtbot: QtBot, view: ValueView,
                                                   db: Database, db_path: Path) -> None:
    ids = _two_weeks(db)
    _show(qtbot, view, db_path)
    ot = view.over_time
    assert list(ot.useful) == [4, 2]
    assert list(ot.not_useful) == [2, 0]
    assert list(ot.unrated) == [2, 4]
    assert ot.value[0] == pytest.approx(100 * 4 / 6)
    # Week 2 has two ratings: no point on the value line, but marked.
    assert math.isnan(ot.value[1])
    assert list(ot.few) == [False, True]
    assert ot.few_marks.data["x"].tolist() == [ot.centers[1]]
    assert not any(x == ot.centers[1] for x in ot.line.xData[~_nan(ot.line.yData)])

    for sid in ids[10:13]:
        update_rating(db, sid, Verdict.NOT_USEFUL)
    with qtbot.waitSignal(view.loaded, timeout=10_000):
        view.refresh()
    assert list(ot.not_useful) == [2, 3]
    assert list(ot.unrated) == [2, 1]
    assert ot.value[1] == pytest.approx(100 * 2 / 5)
    assert ot.ci_low[1] < ot.value[1] < ot.ci_high[1]
    assert list(ot.few) == [False, False]
    assert ot.few_marks.data["x"].tolist() == []


def test_clicking_a_period_asks_for_its_sessions(qtbot: QtBot, view: ValueView,
                                                 db: Database, db_path: Path) -> None:
    _two_weeks(db)
    _show(qtbot, view, db_path)
    chart = view.over_time
    scene_pos = chart.scene_pos_of(1)
    pos = chart.widget.mapFromScene(scene_pos)
    with qtbot.waitSignal(view.sessions_requested) as blocker:
        qtbot.mouseClick(chart.widget.viewport(), Qt.MouseButton.LeftButton,
                         pos=QPoint(pos.x(), pos.y()))
    query = blocker.args[0]
    assert isinstance(query, SessionQuery)
    monday = WEEK1.date() + timedelta(days=7)
    assert query.started_from == day_start_utc(monday)
    assert query.started_before == day_start_utc(monday + timedelta(days=7))
    assert query.started_from.tzinfo is not None
    assert query.source is None
    # Hover shows the exact numbers of that week.
    assert "Week of 23 Nov 2026" in (chart.hover(scene_pos) or "")
    assert "not enough ratings" in (chart.hover(scene_pos) or "")


def test_clicking_a_group_and_the_tool_filter(qtbot: QtBot, view: ValueView,
                                              db: Database, db_path: Path) -> None:
    generate_demo(db)
    _show(qtbot, view, db_path)
    view.tabs.setCurrentWidget(view.by_tool.widget)
    chart = view.by_tool
    index = chart.order.index("copilot")
    pos = chart.widget.mapFromScene(chart.scene_pos_of(index))
    with qtbot.waitSignal(view.sessions_requested) as blocker:
        qtbot.mouseClick(chart.widget.viewport(), Qt.MouseButton.LeftButton,
                         pos=QPoint(pos.x(), pos.y()))
    assert blocker.args[0] == SessionQuery(tool="copilot")

    with qtbot.waitSignal(view.loaded, timeout=10_000):
        view.set_source("claude-code")
    assert view.stats is not None
    assert view.stats.totals == value_stats(StatsReader(db), source="claude-code").totals
    assert "Claude Code only" in view.basis_label.text()
    with qtbot.waitSignal(view.sessions_requested) as blocker:
        view.open_target(GroupTarget("label", "research"))
    assert blocker.args[0] == SessionQuery(tool="claude-code", label="research")

    with qtbot.waitSignal(view.loaded, timeout=10_000):
        view.set_by("month")
    assert view.stats is not None
    assert view.stats.by == "month"
    assert len(view.over_time.periods) < 20


def test_exports_write_files(qtbot: QtBot, view: ValueView, db: Database,
                             db_path: Path, tmp_path: Path) -> None:
    _two_weeks(db)
    _show(qtbot, view, db_path)
    view.export_png(tmp_path / "chart.png")
    view.export_svg(tmp_path / "chart.svg")
    view.export_csv(tmp_path / "chart.csv")
    assert not QImage(str(tmp_path / "chart.png")).isNull()
    assert (tmp_path / "chart.svg").read_text(encoding="utf-8").lstrip().startswith("<?xml")
    with open(tmp_path / "chart.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0])[:6] == ["start", "end", "group", "uses", "rated", "useful"]
    assert [(r["start"], r["uses"], r["rated"], r["useful"]) for r in rows] == [
        ("2026-11-16", "8", "6", "4"), ("2026-11-23", "6", "2", "2")]
    assert rows[1]["value_per_use"] == ""  # not enough ratings: empty, never 0

    view.tabs.setCurrentWidget(view.by_tool.widget)
    view.export_csv(tmp_path / "tools.csv")
    with open(tmp_path / "tools.csv", newline="", encoding="utf-8") as f:
        tools = list(csv.DictReader(f))
    assert [(r["group"], r["uses"], r["rated"]) for r in tools] == [("chatgpt", "14", "8")]
    view.export_png(tmp_path / "tools.png")
    view.export_svg(tmp_path / "tools.svg")
    assert (tmp_path / "tools.png").stat().st_size > 1000
    assert (tmp_path / "tools.svg").stat().st_size > 1000


def test_empty_database_says_so(qtbot: QtBot, view: ValueView, db: Database,
                                db_path: Path) -> None:
    _show(qtbot, view, db_path)
    assert view.pages.currentWidget() is view.empty_label


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_screenshot_light_and_dark(qtbot: QtBot, db: Database, db_path: Path, tmp_path: Path,
                                   theme: str, network_events: list[Any]) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    apply_theme(app, theme)
    try:
        generate_demo(db)
        view = ValueView()
        qtbot.addWidget(view)
        view.resize(1180, 740)
        _show(qtbot, view, db_path)
        view.apply_colors()
        folder = Path(os.environ.get("WORTHWHILE_SHOTS", tmp_path))
        for i in range(view.tabs.count()):
            view.tabs.setCurrentIndex(i)
            qtbot.wait(10)
            out = folder / f"value-{i}-{theme}.png"
            assert view.grab().save(str(out))
            image = QImage(str(out))
            sample = [image.pixelColor(x, y).lightnessF()
                      for x in range(0, image.width(), 16) for y in range(200, image.height(), 16)]
            mean = sum(sample) / len(sample)
            assert (mean < 0.35) if theme == "dark" else (mean > 0.7)
    finally:
        apply_theme(app, "light")
    assert network_events == []


def test_the_view_answers_while_its_figures_are_computed(
    qtbot: QtBot, view: ValueView, db: Database, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _two_weeks(db)
    gate = threading.Event()
    real = value_view_module._value_stats

    def held(*args: Any, **kwargs: Any) -> Any:
        gate.wait(10)
        return real(*args, **kwargs)

    monkeypatch.setattr(value_view_module, "_value_stats", held)
    with qtbot.waitExposed(view):
        view.show()
    view.set_db_path(db_path)
    assert view.busy
    # While the figures are being read, the window goes on: timers fire, the user switches
    # period and tab, and is told that the figures are on their way.
    ticks: list[int] = []
    QTimer.singleShot(0, lambda: ticks.append(1))
    qtbot.waitUntil(lambda: bool(ticks))
    view.set_by("month")  # a newer request: the first one's answer will be dropped
    view.tabs.setCurrentIndex(1)
    assert view.tabs.currentWidget() is view.by_tool.widget
    qtbot.waitUntil(view.busy_label.isVisible)
    assert view.busy
    with qtbot.waitSignal(view.loaded, timeout=10_000):
        gate.set()
    assert not view.busy
    assert not view.busy_label.isVisible()
    assert view.stats is not None
    assert view.stats.by == "month"
    assert list(view.over_time.useful) == [6]
    assert sorted(view.by_tool.order) == ["chatgpt"]


def test_a_failure_computing_the_figures_is_shown_and_the_view_goes_on(
    qtbot: QtBot, view: ValueView, db: Database, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _two_weeks(db)

    def broken(*_args: Any, **_kwargs: Any) -> Any:
        raise RuntimeError("the figures broke")

    with monkeypatch.context() as patch:
        patch.setattr(value_view_module, "_value_stats", broken)
        with qtbot.waitSignal(view.loaded, timeout=10_000):
            view.set_db_path(db_path)
        assert "could not be computed" in view.insights_label.text()
        assert "the figures broke" in view.insights_label.text()
        assert not view.busy
    with qtbot.waitSignal(view.loaded, timeout=10_000):
        view.refresh()
    assert view.stats is not None
    assert view.stats.totals.rated == 8


def test_the_so_far_label_stays_over_its_own_bar(qtbot: QtBot, view: ValueView, db: Database,
                                                db_path: Path) -> None:
    """A year of demo weeks at a laptop's width: the label of the short week in progress must not
    lie over the tall week before it, nor stick out above the plot."""
    today = date(2026, 11, 25)  # a Wednesday: its week has begun
    generate_demo(db, today=today)
    view.today = today
    view.resize(1100, 600)
    _show(qtbot, view, db_path)
    ot = view.over_time
    assert bool(ot.partial[-1])
    [label] = ot.so_far_labels
    box = ot.usage.vb.mapSceneToView(label.sceneBoundingRect()).boundingRect()
    i = len(ot.periods) - 1
    step = ot.centers[i] - ot.centers[i - 1]
    assert box.left() > ot.centers[i - 1] + step * BAR_SHARE / 2  # clear of the bar before
    assert box.right() < ot.centers[i] + step / 2  # and inside the plot
    assert box.bottom() <= ot.usage.vb.viewRange()[1][1]


def test_the_current_week_is_drawn_as_so_far(qtbot: QtBot, view: ValueView, db: Database,
                                             db_path: Path) -> None:
    ids = _two_weeks(db)
    for sid in ids[10:13]:  # week 2 gets 5 ratings: a value, but the week is not over
        update_rating(db, sid, Verdict.NOT_USEFUL)
    view.today = date(2026, 11, 25)  # a Wednesday in week 2
    _show(qtbot, view, db_path)
    ot = view.over_time
    assert list(ot.partial) == [False, True]
    # Lighter bars for the week not over, and a "so far" label above it.
    for bar in ot.bars.values():
        alphas = [QColor(b.color()).alphaF() for b in bar.opts["brushes"]]
        assert alphas[1] < alphas[0]
    assert [label.textItem.toPlainText() for label in ot.so_far_labels] == ["so far"]
    # Its value is a hollow point, off the line of the weeks that are over.
    assert ot.so_far_points.data["x"].tolist() == [ot.centers[1]]
    assert ot.so_far_points.data["y"][0] == pytest.approx(100 * 2 / 5)
    assert math.isnan(ot.line.yData[1])
    assert "so far" in (ot.hover(ot.scene_pos_of(1)) or "")
    assert "so far" not in (ot.hover(ot.scene_pos_of(0)) or "")
    assert "so far" in view.over_time.value_plot.titleLabel.text
    # The range said ends today, not on the Sunday to come.
    assert "16 Nov 2026 – 25 Nov 2026" in view.basis_label.text()
    # In usage against value, its dot is hollow and said to be "so far" too.
    uv = view.usage_value
    assert uv.partial == [False, True]
    assert "so far" in (uv.hover(uv.scene_pos_of(1)) or "")

    view.today = date(2026, 11, 30)  # both weeks are over
    with qtbot.waitSignal(view.loaded, timeout=10_000):
        view.refresh()
    update_rating(db, ids[13], Verdict.USEFUL)
    with qtbot.waitSignal(view.loaded, timeout=10_000):
        view.refresh()
    assert list(ot.partial) == [False, False]
    assert ot.so_far_labels == []
    assert ot.so_far_points.data["x"].tolist() == []
    assert "16 Nov 2026 – 29 Nov 2026" in view.basis_label.text()


def test_too_few_ratings_are_marked_apart_from_the_values(qtbot: QtBot, view: ValueView,
                                                          db: Database, db_path: Path) -> None:
    _two_weeks(db)
    _show(qtbot, view, db_path)
    ot = view.over_time
    (y,) = ot.few_marks.data["y"].tolist()
    assert y == FEW_Y
    assert FEW_LOW <= y <= FEW_HIGH < 0  # in the strip below 0 %, never on a value
    # The strip is labelled on the value axis, and no grid line runs through it.
    ticks = dict(ot.value_plot.getAxis("left")._tickLevels[0])
    assert ticks[FEW_Y] == "too few"
    assert all(line.value() >= 0 for line in ot.grid)
    assert not ot.value_plot.getAxis("left").grid
    assert not view.no_value_bar.isVisibleTo(view)  # week 1 has 6 ratings


def test_a_lone_rated_week_gets_a_whisker_and_the_bands_stay_within_their_weeks(
        qtbot: QtBot, view: ValueView, db: Database, db_path: Path) -> None:
    # Weeks with 5 ratings: two, then a gap, a lone one, a gap, and two more.
    rated_weeks = [0, 1, 3, 5, 6]
    for week in range(7):
        sessions = [make_session(week * 10 + i,
                                 started_at=WEEK1 - timedelta(weeks=8 - week, hours=-i))
                    for i in range(5)]
        save_sessions(db, sessions)
        for i, s in enumerate(sessions):
            if week in rated_weeks:
                update_rating(db, s.id, Verdict.USEFUL if i % 3 else Verdict.NOT_USEFUL)
    _show(qtbot, view, db_path)
    ot = view.over_time
    assert ot.whiskers.opts["x"].tolist() == [ot.centers[3]]
    runs = [(ot.centers[0], ot.centers[1]), (ot.centers[5], ot.centers[6])]
    pieces = ot.band.path().toSubpathPolygons()
    assert len(pieces) == len(runs)
    for piece, (first, last) in zip(pieces, runs, strict=True):
        xs = [piece.at(i).x() for i in range(piece.size())]
        # Never across a gap.
        assert min(xs) >= first - 1
        assert max(xs) <= last + 1


def test_without_enough_ratings_anywhere_the_view_says_to_rate(
    qtbot: QtBot, view: ValueView, db: Database, db_path: Path
) -> None:
    sessions = [make_session(i, started_at=WEEK1 + timedelta(days=i)) for i in range(10)]
    save_sessions(db, sessions)
    update_rating(db, sessions[0].id, Verdict.USEFUL)  # one rating: no value anywhere
    _show(qtbot, view, db_path)
    assert view.no_value_bar.isVisible()
    assert "Rate this week's sample to see value per use" in view.no_value_label.text()
    with qtbot.waitSignal(view.reflect_requested, timeout=2_000):
        qtbot.mouseClick(view.reflect_button, Qt.MouseButton.LeftButton)
    assert view.over_time.few.all()
    assert (view.over_time.few_marks.data["y"] < 0).all()


def test_an_exported_png_has_no_hover_band(qtbot: QtBot, view: ValueView, db: Database,
                                           db_path: Path, tmp_path: Path) -> None:
    _two_weeks(db)
    _show(qtbot, view, db_path)
    ot = view.over_time
    view.export_png(tmp_path / "before.png")
    assert ot.hover(ot.scene_pos_of(0))
    assert all(line.isVisible() for line in ot.cursor)  # the grey band under the pointer
    view.export_png(tmp_path / "after.png")
    assert not any(line.isVisible() for line in ot.cursor)
    before, after = QImage(str(tmp_path / "before.png")), QImage(str(tmp_path / "after.png"))
    assert not before.isNull()
    assert before == after


def test_group_labels_keep_clear_of_the_interval_caps(qtbot: QtBot, view: ValueView,
                                                      db: Database, db_path: Path) -> None:
    generate_demo(db)
    _show(qtbot, view, db_path)
    chart = view.by_tool
    view.tabs.setCurrentWidget(chart.widget)
    qtbot.wait(50)
    ready = int((~_nan(chart.value)).sum())
    assert ready >= 2
    vb = chart.value_plot.vb
    for i in range(ready):
        text = chart._texts[2 * i]
        y = float(len(chart.figures) - 1 - i)
        cap_top = vb.mapViewToScene(QPointF(float(chart.ci_low[i]), y + BEAM / 2)).y()
        label_bottom = text.mapRectToScene(text.boundingRect()).bottom()
        assert label_bottom < cap_top - 2  # pixels of air between the label and the caps


def test_the_trend_sentence_compares_days_that_have_happened(db: Database) -> None:
    # One session a day from Monday 26 Oct to Wednesday 25 Nov 2026; today is that Wednesday.
    start = datetime(2026, 10, 26, 9, 0, tzinfo=UTC)
    save_sessions(db, [make_session(i, started_at=start + timedelta(days=i)) for i in range(31)])
    figures = value_view_module.load_figures(db, "week", None, today=date(2026, 11, 25))
    # The last stretch ends today: the four days to come would read as a drop in uses.
    assert figures.insights[0].startswith(
        "Uses went from 15 in your first 15 days to 15 in the last 15 days")
