"""value_stats on a small hand-rated data set: every key and number worked out by hand."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date

import pytest
from sqlite_utils import Database

from desktop_app.metrics import MIN_RATED, NO_LABEL, Stats, value_stats
from desktop_app.store.stats import StatsReader
from tests.conftest import AddSession
from tests.metrics.conftest import SetTz

# The hand values have six decimals; estimates multiply them by uses, hence a relative bound.
APPROX = 1e-6

# The hand-rated set (TZ=UTC). Week A = 2026-03-02..03-09, week B (empty), week C = 03-16..03-23.
#
#  id  tool         start (UTC)          tokens in/out  verdict     minutes  labels
#  c1  claude-code  Mon 03-02 09:00      1000 / 200     useful      30       coding
#  c2  claude-code  Tue 03-03 09:00       500 / 300     not useful  -        coding, debugging
#  c3  claude-code  Wed 03-04 09:00      2000 / -       useful      -        debugging
#  c4  claude-code  Thu 03-05 09:00         - / 400     useful      -        -
#  c5  claude-code  Sun 03-08 23:59       100 / 100     not useful  -        -
#  g1  chatgpt      Mon 03-02 12:00         -           useful      10       writing
#  g2  chatgpt      Wed 03-04 12:00         -           not useful  -5       writing
#  g3  chatgpt      Fri 03-06 12:00         -           (none)      99       writing
#  g4  chatgpt      Sat 03-07 12:00         -           -           -        -
#  g5  chatgpt      Mon 03-16 08:00         -           useful      -        research
#  g6  chatgpt      Sun 03-22 23:59:59      -           -           -        -
#
# Week A: uses 9, rated 7 (g3 has minutes and a label but no verdict), useful 4, not useful 3.
#   value 4/7 = 0.571429, Wilson(4, 7) = 0.250458..0.841780, estimates x 9 uses.
#   minutes from rated uses: 30, 10, -5 -> mean 35/3 (g3's 99 is not a rated use), n 3.
#   tokens: c1..c5 are the rated uses with tokens (5): 1200 + 800 + 2000 + 400 + 200 = 4600
#   over the 3 useful of them (c1, c3, c4) = 1533.33.
# Week C: uses 2, rated 1, useful 1: below 5 rated, so no value and no estimates.
# Totals: uses 11, rated 8, useful 5, not useful 3, value 5/8, Wilson(5, 8) = 0.305742..0.863156.
W47 = (0.250458, 0.841780)
W58 = (0.305742, 0.863156)
W35 = (0.230724, 0.882379)


@pytest.fixture
def hand_set(add_session: AddSession) -> dict[str, str]:
    u, n = "useful", "not_useful"
    cc, gpt = "claude-code", "chatgpt"
    return {
        "c1": add_session(cc, "2026-03-02T09:00:00Z", verdict=u, minutes=30, labels=("coding",),
                          tokens_in=1000, tokens_out=200),
        "c2": add_session(cc, "2026-03-03T09:00:00Z", verdict=n,
                          labels=("coding", "debugging"), tokens_in=500, tokens_out=300),
        "c3": add_session(cc, "2026-03-04T09:00:00Z", verdict=u, labels=("debugging",),
                          tokens_in=2000),
        "c4": add_session(cc, "2026-03-05T09:00:00Z", verdict=u, tokens_out=400),
        "c5": add_session(cc, "2026-03-08T23:59:00Z", verdict=n, tokens_in=100, tokens_out=100),
        "g1": add_session(gpt, "2026-03-02T12:00:00Z", verdict=u, minutes=10, labels=("writing",)),
        "g2": add_session(gpt, "2026-03-04T12:00:00Z", verdict=n, minutes=-5,
                          labels=("writing",)),
        "g3": add_session(gpt, "2026-03-06T12:00:00Z", minutes=99, labels=("writing",)),
        "g4": add_session(gpt, "2026-03-07T12:00:00Z"),
        "g5": add_session(gpt, "2026-03-16T08:00:00Z", verdict=u, labels=("research",)),
        "g6": add_session(gpt, "2026-03-22T23:59:59Z"),
    }


def zero(start: str, end: str, group: str | None = None) -> dict[str, object]:
    return {
        "start": start, "end": end, "group": group, "uses": 0, "rated": 0, "useful": 0,
        "not_useful": 0, "value_per_use": None, "ci_low": None, "ci_high": None,
        "est_useful_uses": None, "est_useful_low": None, "est_useful_high": None,
        "minutes_saved_mean": None, "minutes_n": 0, "tokens_per_useful": None, "partial": False,
    }


def counts(uses: int, rated: int, useful: int, not_useful: int,
           **rest: object) -> dict[str, object]:
    """Figures below five ratings: counts, minutes and nothing estimated."""
    out: dict[str, object] = {
        "uses": uses, "rated": rated, "useful": useful, "not_useful": not_useful,
        "value_per_use": None, "ci_low": None, "ci_high": None, "est_useful_uses": None,
        "est_useful_low": None, "est_useful_high": None, "minutes_saved_mean": None,
        "minutes_n": 0, "tokens_per_useful": None,
    }
    out.update(rest)
    return out


def valued(uses: int, useful: int, rated: int, ci: tuple[float, float],
           **rest: object) -> dict[str, object]:
    """Figures with at least five ratings: value, interval and estimates scaled by uses."""
    p = useful / rated
    out = counts(uses, rated, useful, rated - useful)
    out.update({
        "value_per_use": p, "ci_low": ci[0], "ci_high": ci[1],
        "est_useful_uses": p * uses, "est_useful_low": ci[0] * uses,
        "est_useful_high": ci[1] * uses,
    })
    out.update(rest)
    return out


def assert_same(got: object, expected: object, where: str = "") -> None:
    """Deep equality, keys in order, floats to six decimals (relative 1e-5 for large ones)."""
    if isinstance(expected, dict):
        assert isinstance(got, dict), where
        assert list(got) == list(expected), f"keys at {where}"
        for key in expected:
            assert_same(got[key], expected[key], f"{where}.{key}")
    elif isinstance(expected, list):
        assert isinstance(got, list), where
        assert len(got) == len(expected), f"length at {where}"
        for i, (g, e) in enumerate(zip(got, expected, strict=True)):
            assert_same(g, e, f"{where}[{i}]")
    elif isinstance(expected, float):
        assert isinstance(got, float), f"{where}: {got!r}"
        assert got == pytest.approx(expected, rel=1e-5, abs=APPROX), where
    else:
        assert got == expected, where
        assert type(got) is type(expected), f"type at {where}"


WEEK_A = valued(9, 4, 7, W47, minutes_saved_mean=35 / 3, minutes_n=3,
                tokens_per_useful=4600 / 3)
WEEK_C = counts(2, 1, 1, 0)
TOTALS = valued(11, 5, 8, W58, minutes_saved_mean=35 / 3, minutes_n=3,
                tokens_per_useful=4600 / 3)


def test_stats_json_by_week(db: Database, hand_set: dict[str, str]) -> None:
    got = value_stats(StatsReader(db)).to_json()
    assert_same(got, {
        "by": "week",
        "group": None,
        "periods": [
            {"start": "2026-03-02", "end": "2026-03-09", "group": None, **WEEK_A, "partial": False},
            zero("2026-03-09", "2026-03-16"),
            {"start": "2026-03-16", "end": "2026-03-23", "group": None, **WEEK_C, "partial": False},
        ],
        "totals": {"group": None, **TOTALS},
    })
    json.dumps(got)  # plain JSON types only


def test_stats_json_by_month(db: Database, hand_set: dict[str, str]) -> None:
    got = value_stats(StatsReader(db), by="month").to_json()
    assert_same(got, {
        "by": "month",
        "group": None,
        "periods": [{"start": "2026-03-01", "end": "2026-04-01", "group": None, **TOTALS,
                     "partial": False}],
        "totals": {"group": None, **TOTALS},
    })


def test_group_by_tool(db: Database, hand_set: dict[str, str]) -> None:
    stats = value_stats(StatsReader(db), group="tool")
    a, b, c = ("2026-03-02", "2026-03-09"), ("2026-03-09", "2026-03-16"), ("2026-03-16",
                                                                           "2026-03-23")
    gpt_a = counts(4, 2, 1, 1, minutes_saved_mean=2.5, minutes_n=2)
    cc_a = valued(5, 3, 5, W35, minutes_saved_mean=30.0, minutes_n=1,
                  tokens_per_useful=4600 / 3)
    totals: dict[str, object] = {"group": None, **TOTALS}
    assert_same(stats.to_json(), {
        "by": "week",
        "group": "tool",
        "periods": [
            {"start": a[0], "end": a[1], "group": "chatgpt", **gpt_a, "partial": False},
            {"start": a[0], "end": a[1], "group": "claude-code", **cc_a, "partial": False},
            zero(*b, "chatgpt"),
            zero(*b, "claude-code"),
            {"start": c[0], "end": c[1], "group": "chatgpt", **WEEK_C, "partial": False},
            zero(*c, "claude-code"),
        ],
        "totals": totals,
    })
    assert stats.groups == ("chatgpt", "claude-code")
    assert_same(stats.group_totals["chatgpt"].to_json(),
                {"group": "chatgpt", **counts(6, 3, 2, 1, minutes_saved_mean=2.5, minutes_n=2)})
    assert_same(stats.group_totals["claude-code"].to_json(), {"group": "claude-code", **cc_a})
    assert [p.uses for p in stats.series("chatgpt")] == [4, 0, 2]


def test_group_by_label(db: Database, hand_set: dict[str, str]) -> None:
    stats = value_stats(StatsReader(db), group="label")
    a, c = ("2026-03-02", "2026-03-09"), ("2026-03-16", "2026-03-23")
    groups = ["coding", "debugging", "research", "writing", NO_LABEL]
    assert stats.groups == tuple(groups)
    entries = {(p.start.isoformat(), p.group): p.to_json() for p in stats.periods}
    assert len(entries) == 3 * len(groups)  # every group in every week, gap week included
    expected = {
        # c2 has two labels: it counts for coding and for debugging.
        (a, "coding"): counts(2, 2, 1, 1, minutes_saved_mean=30.0, minutes_n=1),
        (a, "debugging"): counts(2, 2, 1, 1),
        (a, "research"): counts(0, 0, 0, 0),
        (a, "writing"): counts(3, 2, 1, 1, minutes_saved_mean=2.5, minutes_n=2),
        (a, NO_LABEL): counts(3, 2, 1, 1),  # c4, c5, g4
        (c, "research"): counts(1, 1, 1, 0),
        (c, NO_LABEL): counts(1, 0, 0, 0),  # g6
        (c, "writing"): counts(0, 0, 0, 0),
    }
    for ((start, end), group), figures in expected.items():
        assert_same(entries[(start, group)], {"start": start, "end": end, "group": group,
                                              **figures, "partial": False}, f"{start} {group}")
    assert all(entries[("2026-03-09", g)]["uses"] == 0 for g in groups)
    # Totals count each session once, although the label groups add up to 12 uses.
    assert_same(stats.to_json()["totals"], {"group": None, **TOTALS})
    assert sum(t.uses for t in stats.group_totals.values()) == 12


def test_filters(db: Database, hand_set: dict[str, str]) -> None:
    by_source = value_stats(StatsReader(db), source="chatgpt")
    assert [(str(p.start), p.uses, p.rated, p.useful) for p in by_source.periods] == [
        ("2026-03-02", 4, 2, 1), ("2026-03-09", 0, 0, 0), ("2026-03-16", 2, 1, 1),
    ]
    assert (by_source.totals.uses, by_source.totals.rated, by_source.totals.minutes_n) == (6, 3, 2)

    # Only the weeks that hold a writing session; g3 counts as a use, not as rated.
    writing = value_stats(StatsReader(db), label="writing")
    assert [(str(p.start), p.uses, p.rated) for p in writing.periods] == [("2026-03-02", 3, 2)]
    assert writing.totals.minutes_saved_mean == pytest.approx(2.5)

    coding = value_stats(StatsReader(db), label="coding", group="label")
    assert coding.groups == ("coding", "debugging")  # c2's other label; nobody is unlabelled
    assert coding.group_totals["debugging"].uses == 1
    assert coding.totals.uses == 2

    cc_writing = value_stats(StatsReader(db), source="claude-code", label="writing")
    assert cc_writing.periods == ()
    assert cc_writing.totals.uses == 0

    both = value_stats(StatsReader(db), source="claude-code", label="debugging", group="tool")
    assert [(p.group, p.uses, p.useful) for p in both.periods] == [("claude-code", 2, 1)]


def test_date_range_is_inclusive_local_days(db: Database, hand_set: dict[str, str]) -> None:
    stats = value_stats(StatsReader(db), date_from=date(2026, 3, 4), date_to=date(2026, 3, 16))
    # Full weeks are listed; only sessions from 03-04 00:00 to 03-16 23:59:59 count.
    assert [(str(p.start), str(p.end), p.uses) for p in stats.periods] == [
        ("2026-03-02", "2026-03-09", 6),  # c3, c4, c5, g2, g3, g4
        ("2026-03-09", "2026-03-16", 0),
        ("2026-03-16", "2026-03-23", 1),  # g5, not g6
    ]
    assert stats.totals.uses == 7
    # A range with nothing in it still lists its periods, with zeros.
    empty = value_stats(StatsReader(db), date_from=date(2026, 4, 1), date_to=date(2026, 4, 14))
    assert [str(p.start) for p in empty.periods] == ["2026-03-30", "2026-04-06", "2026-04-13"]
    assert empty.totals.uses == 0
    only_from = value_stats(StatsReader(db), date_from=date(2026, 3, 20))
    assert [(str(p.start), p.uses) for p in only_from.periods] == [("2026-03-16", 1)]
    only_to = value_stats(StatsReader(db), by="month", date_to=date(2026, 3, 2))
    assert [(str(p.start), p.uses) for p in only_to.periods] == [("2026-03-01", 2)]


def test_bad_arguments(db: Database) -> None:
    with pytest.raises(ValueError, match="after"):
        value_stats(StatsReader(db), date_from=date(2026, 3, 5), date_to=date(2026, 3, 4))
    with pytest.raises(ValueError, match="week or month"):
        value_stats(StatsReader(db), by="day")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="tool or label"):
        value_stats(StatsReader(db), group="model")  # type: ignore[arg-type]


def test_empty_database(db: Database) -> None:
    stats = value_stats(StatsReader(db), group="tool")
    assert stats.to_json() == {
        "by": "week", "group": "tool", "periods": [],
        "totals": {k: v for k, v in zero("", "").items()
                   if k not in ("start", "end", "partial")},
    }


def test_five_rated_is_the_threshold(db: Database, add_session: AddSession) -> None:
    for i in range(4):
        add_session("codex", f"2026-05-0{i + 4}T10:00:00Z", verdict="useful",
                    tokens_in=100, tokens_out=0)
    four = value_stats(StatsReader(db)).totals
    assert (four.rated, four.useful, four.enough_ratings) == (4, 4, False)
    assert four.value_per_use is None
    assert four.ci_low is None
    assert four.ci_high is None
    assert four.est_useful_uses is None
    assert four.est_useful_low is None
    assert four.est_useful_high is None
    assert four.tokens_per_useful is None
    add_session("codex", "2026-05-08T10:00:00Z", verdict="not_useful", tokens_in=100)
    five = value_stats(StatsReader(db)).totals
    assert MIN_RATED == 5
    assert (five.rated, five.useful, five.enough_ratings) == (5, 4, True)
    assert five.value_per_use == pytest.approx(0.8)
    assert five.ci_low is not None
    assert five.ci_high is not None
    assert (round(five.ci_low, 3), round(five.ci_high, 3)) == (0.376, 0.964)
    assert five.est_useful_uses == pytest.approx(4.0)
    assert five.tokens_per_useful == pytest.approx(500 / 4)


def test_sessions_without_start_time_are_left_out(db: Database, add_session: AddSession) -> None:
    add_session("aider", None, verdict="useful")
    add_session("aider", "2026-05-04T10:00:00Z")
    stats = value_stats(StatsReader(db))
    assert stats.totals.uses == 1
    assert stats.totals.rated == 0


def test_sunday_night_new_york(db: Database, add_session: AddSession, set_tz: SetTz) -> None:
    set_tz("America/New_York")
    add_session("chatgpt", "2026-01-12T04:30:00Z")  # Sunday 23:30 EST, Monday in UTC
    add_session("chatgpt", "2026-01-12T05:30:00Z")  # Monday 00:30 EST
    add_session("chatgpt", "2026-03-09T03:30:00Z")  # Sunday 23:30 EDT (DST began that day)
    stats = value_stats(StatsReader(db))
    nonzero = [(str(p.start), p.uses) for p in stats.periods if p.uses]
    assert nonzero == [("2026-01-05", 1), ("2026-01-12", 1), ("2026-03-02", 1)]
    set_tz("UTC")
    nonzero = [(str(p.start), p.uses) for p in value_stats(StatsReader(db)).periods if p.uses]
    assert nonzero == [("2026-01-12", 2), ("2026-03-09", 1)]


def test_berlin_around_dst(db: Database, add_session: AddSession, set_tz: SetTz) -> None:
    set_tz("Europe/Berlin")
    add_session("cursor", "2026-03-29T00:30:00Z")  # Sun 01:30 CET, before the jump
    add_session("cursor", "2026-03-29T21:30:00Z")  # Sun 23:30 CEST
    add_session("cursor", "2026-03-29T22:30:00Z")  # Mon 00:30 CEST
    add_session("cursor", "2026-10-25T00:30:00Z")  # Sun 02:30 CEST (first time)
    add_session("cursor", "2026-10-25T01:30:00Z")  # Sun 02:30 CET (second time)
    add_session("cursor", "2026-10-25T22:30:00Z")  # Sun 23:30 CET
    add_session("cursor", "2026-10-25T23:30:00Z")  # Mon 00:30 CET
    weeks = {str(p.start): p.uses for p in value_stats(StatsReader(db)).periods if p.uses}
    assert weeks == {"2026-03-23": 2, "2026-03-30": 1, "2026-10-19": 3, "2026-10-26": 1}
    months = value_stats(StatsReader(db), by="month")
    assert len(months.periods) == 8  # March to October, gaps included
    assert [(str(p.start), p.uses) for p in months.periods if p.uses] == [
        ("2026-03-01", 3), ("2026-10-01", 4),
    ]


def test_rated_sessions_on_the_edges(db: Database, add_session: AddSession,
                                     set_tz: SetTz) -> None:
    set_tz("Europe/Berlin")
    add_session("cursor", "2026-03-29T21:59:59Z", verdict="useful")  # Sunday 23:59:59 CEST
    add_session("cursor", "2026-03-29T22:00:00Z", verdict="not_useful")  # Monday 00:00:00
    add_session("cursor", "2026-04-05T22:00:00Z", verdict="useful", labels=("data",))  # Monday
    periods = value_stats(StatsReader(db)).periods
    weeks = [(str(p.start), p.uses, p.rated, p.useful) for p in periods]
    assert weeks == [("2026-03-23", 1, 1, 1), ("2026-03-30", 1, 1, 0), ("2026-04-06", 1, 1, 1)]
    by_label = value_stats(StatsReader(db), group="label")
    assert [(str(p.start), p.group, p.rated) for p in by_label.periods if p.rated] == [
        ("2026-03-23", NO_LABEL, 1), ("2026-03-30", NO_LABEL, 1), ("2026-04-06", "data", 1),
    ]


def test_year_end(db: Database, add_session: AddSession) -> None:
    add_session("claude-ai", "2026-12-31T12:00:00Z")
    add_session("claude-ai", "2027-01-03T23:00:00Z")  # Sunday: still ISO week 53 of 2026
    add_session("claude-ai", "2027-01-04T00:00:00Z")  # Monday: week 1 of 2027
    weeks = value_stats(StatsReader(db)).periods
    assert [(str(p.start), str(p.end), p.uses) for p in weeks] == [
        ("2026-12-28", "2027-01-04", 2), ("2027-01-04", "2027-01-11", 1),
    ]
    months = value_stats(StatsReader(db), by="month").periods
    assert [(str(p.start), str(p.end), p.uses) for p in months] == [
        ("2026-12-01", "2027-01-01", 1), ("2027-01-01", "2027-02-01", 2),
    ]


def test_year_end_in_local_time(db: Database, add_session: AddSession, set_tz: SetTz) -> None:
    set_tz("Asia/Kolkata")
    add_session("gemini", "2026-12-31T18:29:00Z")  # 23:59 on 31 December in India
    add_session("gemini", "2026-12-31T18:30:00Z")  # 00:00 on 1 January
    months = value_stats(StatsReader(db), by="month").periods
    assert [(str(p.start), p.uses) for p in months] == [("2026-12-01", 1), ("2027-01-01", 1)]


def test_reads_one_snapshot_and_leaves_no_transaction(db: Database, hand_set: object) -> None:
    assert not db.conn.in_transaction
    value_stats(StatsReader(db), group="label")
    assert not db.conn.in_transaction
    with db.atomic():  # inside the caller's transaction it just reads
        assert value_stats(StatsReader(db)).totals.uses == 11
        assert db.conn.in_transaction


def test_result_is_a_stats(db: Database, hand_set: object) -> None:
    stats = value_stats(StatsReader(db))
    assert isinstance(stats, Stats)
    with pytest.raises(AttributeError):
        stats.periods[0].uses = 3  # type: ignore[misc]


def test_metrics_never_load_qt() -> None:
    code = (
        "import sys, desktop_app.metrics; "
        "sys.exit(any(m.split('.')[0] in ('PySide6', 'shiboken6') for m in sys.modules))"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_partial_is_the_period_today_falls_in(db: Database, hand_set: object) -> None:
    stats = value_stats(StatsReader(db))  # weeks of 03-02, 03-09 and 03-16 (end 03-23)

    def partial(today: date, of: Stats = stats) -> list[object]:
        periods = of.to_json(today)["periods"]
        assert isinstance(periods, list)
        return [p["partial"] for p in periods]

    assert partial(date(2026, 3, 18)) == [False, False, True]
    assert partial(date(2026, 3, 16)) == [False, False, True]  # the first day counts
    assert partial(date(2026, 3, 23)) == [False, False, False]  # end is exclusive: it is over
    assert partial(date(2026, 3, 1)) == [False, False, False]  # not started: not "so far"
    assert [p.is_partial(date(2026, 3, 9)) for p in stats.periods] == [False, True, False]
    totals = stats.to_json()["totals"]
    assert isinstance(totals, dict)
    assert "partial" not in totals
    assert partial(date(2026, 3, 31), value_stats(StatsReader(db), by="month")) == [True]
