"""One week for everyone: Reflect and the Value view agree across a DST jump at midnight.

In Tehran, clocks went from 00:00 straight to 01:00 on Monday 2021-03-22 (+03:30 to +04:30), so
that Monday's first instant is 01:00 local = 2021-03-21T20:30Z. Reflect used to read the missing
midnight as +04:30 and started its week an hour early (19:30Z), so sessions of Sunday evening
fell in Monday's week there and in the week before in the Value view.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlite_utils import Database

from desktop_app.metrics import value_stats
from desktop_app.metrics.sampling import draw_sample, week_bounds, week_figures
from desktop_app.store.reflect import ReflectSamples
from desktop_app.store.stats import StatsReader
from tests.conftest import AddSession
from tests.metrics.conftest import SetTz

MONDAY = date(2021, 3, 22)
WEEK_BEFORE = date(2021, 3, 15)


@pytest.fixture
def tehran(set_tz: SetTz, add_session: AddSession) -> dict[str, str]:
    set_tz("Asia/Tehran")  # the fixture restores TZ (and tzset) afterwards
    return {
        "sun_2330": add_session("chatgpt", "2021-03-21T20:00:00Z"),  # Sunday 23:30 (+03:30)
        "sun_last": add_session("codex", "2021-03-21T20:29:59Z"),  # Sunday 23:59:59
        "mon_first": add_session("chatgpt", "2021-03-21T20:30:00Z"),  # Monday 01:00 (+04:30)
        "mon_morning": add_session("codex", "2021-03-22T06:00:00Z"),  # Monday 10:30
    }


def test_the_week_starts_when_monday_does(tehran: dict[str, str]) -> None:
    assert week_bounds(MONDAY) == ("2021-03-21T20:30:00Z", "2021-03-28T19:30:00Z")
    assert week_bounds(WEEK_BEFORE)[1] == "2021-03-21T20:30:00Z"


def test_value_view_and_reflect_put_each_session_in_the_same_week(
    db: Database, tehran: dict[str, str]
) -> None:
    monday_ids = {tehran["mon_first"], tehran["mon_morning"]}
    sunday_ids = {tehran["sun_2330"], tehran["sun_last"]}

    weeks = {p.start: p.uses for p in value_stats(StatsReader(db), by="week").periods}
    assert weeks == {WEEK_BEFORE: 2, MONDAY: 2}

    samples = ReflectSamples(db)
    assert set(draw_sample(samples, MONDAY, 10)) == monday_ids
    assert set(draw_sample(samples, WEEK_BEFORE, 10)) == sunday_ids
    assert week_figures(StatsReader(db), MONDAY).uses == 2
    assert week_figures(StatsReader(db), WEEK_BEFORE).uses == 2
