"""value_stats against a slow, obvious reference on random data, in several time zones."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlite_utils import Database

from desktop_app.domain import parse_utc
from desktop_app.metrics import NO_LABEL, iter_periods, period_start, value_stats, wilson_interval
from desktop_app.store.stats import StatsReader
from tests.conftest import AddSession
from tests.metrics.conftest import SetTz

SOURCES = ("chatgpt", "claude-code", "codex", "cursor")
LABELS = ("coding", "debugging", "writing")


def figures(items: list[dict[str, object]]) -> dict[str, object]:
    """The contract's figures for a list of sessions, computed the long way."""
    rated = [s for s in items if s["verdict"] is not None]
    useful = [s for s in rated if s["verdict"] == "useful"]
    minutes = [int(s["minutes"]) for s in rated if s["minutes"] is not None]  # type: ignore[call-overload]
    with_tokens = [s for s in rated if s["tokens_in"] is not None or s["tokens_out"] is not None]
    useful_tokens = [s for s in with_tokens if s["verdict"] == "useful"]
    value = low = high = est = est_low = est_high = tokens = None
    if len(rated) >= 5:
        value = len(useful) / len(rated)
        low, high = wilson_interval(len(useful), len(rated))
        est, est_low, est_high = value * len(items), low * len(items), high * len(items)
    if len(with_tokens) >= 5 and useful_tokens:
        total = sum(int(s["tokens_in"] or 0) + int(s["tokens_out"] or 0)  # type: ignore[call-overload]
                    for s in with_tokens)
        tokens = total / len(useful_tokens)
    return {
        "uses": len(items), "rated": len(rated), "useful": len(useful),
        "not_useful": len(rated) - len(useful), "value_per_use": value, "ci_low": low,
        "ci_high": high, "est_useful_uses": est, "est_useful_low": est_low,
        "est_useful_high": est_high,
        "minutes_saved_mean": sum(minutes) / len(minutes) if minutes else None,
        "minutes_n": len(minutes), "tokens_per_useful": tokens,
    }


def reference(db: Database, by: str, group: str | None, source: str | None, label: str | None,
              date_from: date | None, date_to: date | None) -> dict[str, object]:
    """Read every session into Python and bucket it by its local calendar day."""
    labels: dict[str, set[str]] = defaultdict(set)
    for sid, name in db.conn.execute("SELECT session_id, label FROM session_labels"):
        labels[sid].add(name)
    sessions = []
    for sid, src, started, t_in, t_out, verdict, minutes in db.conn.execute(
        "SELECT s.id, s.source, s.started_at, s.tokens_in, s.tokens_out, r.verdict, "
        "r.minutes_saved FROM sessions s LEFT JOIN ratings r ON r.session_id = s.id"
    ):
        moment = parse_utc(started)
        if moment is None:
            continue
        day = moment.astimezone().date()  # the local day, straight from the C library
        if source is not None and src != source:
            continue
        if label is not None and label not in labels[sid]:
            continue
        if (date_from and day < date_from) or (date_to and day > date_to):
            continue
        groups: list[str | None] = [None]
        if group == "tool":
            groups = [src]
        elif group == "label":
            groups = [*sorted(labels[sid])] or [NO_LABEL]
        sessions.append({"day": day, "groups": groups, "verdict": verdict, "minutes": minutes,
                         "tokens_in": t_in, "tokens_out": t_out})
    days = [s["day"] for s in sessions]
    first = date_from or (min(days) if days else date_to)
    last = date_to or (max(days) if days else date_from)
    periods = list(iter_periods(first, last, by)) if first and last else []  # type: ignore[arg-type]
    names = sorted({g for s in sessions for g in s["groups"]} - {None},
                   key=lambda n: (n == NO_LABEL, n))
    out = []
    for p in periods:
        for name in names if group else [None]:
            items = [s for s in sessions
                     if period_start(s["day"], by) == p.start  # type: ignore[arg-type]
                     and name in s["groups"]]
            out.append({"start": p.start.isoformat(), "end": p.end.isoformat(), "group": name,
                        **figures(items), "partial": p.start <= date.today() < p.end})
    return {"by": by, "group": group, "periods": out,
            "totals": {"group": None, **figures(sessions)}}


def close(got: object, expected: object) -> bool:
    if isinstance(expected, float):
        return isinstance(got, float) and got == pytest.approx(expected, rel=1e-9, abs=1e-9)
    return got == expected


def assert_matches(got: dict[str, object], expected: dict[str, object]) -> None:
    assert got["by"] == expected["by"]
    assert got["group"] == expected["group"]
    got_periods, exp_periods = got["periods"], expected["periods"]
    assert isinstance(got_periods, list)
    assert isinstance(exp_periods, list)
    assert [(p["start"], p["group"]) for p in got_periods] == [
        (p["start"], p["group"]) for p in exp_periods
    ]
    for g, e in zip([*got_periods, got["totals"]], [*exp_periods, expected["totals"]],
                    strict=True):
        assert list(g) == list(e)
        bad = {k: (g[k], e[k]) for k in e if not close(g[k], e[k])}
        assert not bad, (e.get("start"), e.get("group"), bad)


@pytest.fixture
def random_set(add_session: AddSession) -> None:
    """400 sessions over 15 months, many near DST changes and on exact period edges, ~45 % rated."""
    rng = random.Random(20260301)
    anchors = [datetime(2025, 3, 30, tzinfo=UTC), datetime(2025, 10, 26, tzinfo=UTC),
               datetime(2025, 11, 2, tzinfo=UTC), datetime(2025, 12, 31, 18, tzinfo=UTC),
               datetime(2026, 3, 8, tzinfo=UTC), datetime(2026, 3, 29, tzinfo=UTC)]
    for i in range(400):
        if i % 4 == 1:
            # Whole half hours: local midnights (period edges) in every zone tested.
            moment = rng.choice(anchors) + timedelta(minutes=30 * rng.randrange(-72, 72))
        elif i % 2:
            moment = rng.choice(anchors) + timedelta(minutes=rng.randrange(-36 * 60, 36 * 60))
        else:
            moment = datetime(2025, 3, 1, tzinfo=UTC) + timedelta(
                seconds=rng.randrange(450 * 86400))
        rated = rng.random() < 0.45
        tokens = rng.random() < 0.5
        add_session(
            rng.choice(SOURCES),
            None if i % 97 == 0 else moment.strftime("%Y-%m-%dT%H:%M:%SZ"),
            verdict=rng.choice(("useful", "useful", "not_useful")) if rated else None,
            minutes=rng.choice((None, rng.randrange(-20, 90))) if rng.random() < 0.7 else None,
            labels=tuple(rng.sample(LABELS, rng.choice((0, 0, 1, 1, 2)))),
            tokens_in=rng.randrange(0, 5000) if tokens else None,
            tokens_out=rng.choice((None, rng.randrange(0, 900))) if tokens else None,
        )


@pytest.mark.parametrize(
    "zone", ["UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata", "America/Santiago"]
)
@pytest.mark.usefixtures("random_set")
def test_matches_reference_in_every_shape(db: Database, set_tz: SetTz, zone: str) -> None:
    set_tz(zone)
    cases: list[dict[str, Any]] = [
        *(dict(by=by, group=group) for by in ("week", "month")
          for group in (None, "tool", "label")),
        dict(by="week", group=None, source="codex"),
        dict(by="week", group="label", source="cursor"),
        dict(by="month", group="tool", label="writing"),
        dict(by="week", group="label", label="coding"),
        dict(by="week", group="tool", date_from=date(2025, 10, 20), date_to=date(2025, 11, 3)),
        dict(by="month", group="label", date_from=date(2025, 12, 31)),
        dict(by="week", group=None, date_to=date(2025, 3, 30)),
        dict(by="week", group=None, source="codex", label="debugging",
             date_from=date(2026, 3, 1), date_to=date(2026, 3, 31)),
    ]
    for case in cases:
        args: dict[str, object] = {"group": None, "source": None, "label": None,
                                   "date_from": None, "date_to": None, **case}
        got = value_stats(StatsReader(db), **args).to_json()  # type: ignore[arg-type]
        assert_matches(got, reference(db, **args))  # type: ignore[arg-type]
