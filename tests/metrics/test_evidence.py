"""Evidence figures from plain numbers: commits bucketed into windows, active time, the
comparison of sessions followed by commits with those that were not."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from desktop_app.domain import Tally
from desktop_app.metrics.evidence import (
    Commit,
    CommitEvidence,
    active_minutes,
    active_seconds,
    bucket_commits,
    compare_commits,
    evidence_text,
    net_minutes,
    session_window,
)

T0 = datetime(2026, 1, 10, 10, 0, tzinfo=UTC)
DAY = 24 * 3600


def test_window_runs_from_start_to_a_day_after_the_end() -> None:
    start = int(T0.timestamp())
    assert session_window(T0, T0 + timedelta(hours=1)) == (start, start + 3600 + DAY)
    assert session_window(T0, None) == (start, start + DAY)
    assert session_window(None, T0) == (start, start + DAY)
    assert session_window(None, None) is None


def test_bucket_counts_commits_and_lines_with_both_ends_included() -> None:
    commits = [Commit(99, 1, 1), Commit(100, 2, 0), Commit(150, 5, 5), Commit(200, 0, 3),
               Commit(201, 9, 9)]
    found = bucket_commits(commits, {"a": (100, 200), "b": (150, 150), "c": (300, 400)})
    assert found == {"a": CommitEvidence(3, 7, 8), "b": CommitEvidence(1, 5, 5),
                     "c": CommitEvidence(0, 0, 0)}
    assert found["a"].lines_changed == 15


def test_bucket_does_not_depend_on_the_order_commits_come_in() -> None:
    commits = [Commit(t, t % 7, t % 3) for t in range(0, 1000, 37)]
    windows = {str(i): (i * 50, i * 50 + 120) for i in range(20)}
    assert bucket_commits(reversed(commits), windows) == bucket_commits(commits, windows)
    for key, (lo, hi) in windows.items():
        inside = [c for c in commits if lo <= c.time <= hi]
        assert bucket_commits(commits, windows)[key] == CommitEvidence(
            len(inside), sum(c.added for c in inside), sum(c.deleted for c in inside))


def test_active_time_sums_the_gaps_under_five_minutes() -> None:
    times = [T0, T0 + timedelta(seconds=60), T0 + timedelta(seconds=460),  # 400 s: away
             T0 + timedelta(seconds=759), None]  # 299 s: active
    assert active_seconds(times) == 60 + 299
    assert active_seconds(reversed(times)) == 359  # the order given does not matter
    assert active_seconds([T0, T0 + timedelta(seconds=300)]) == 0  # exactly 5 min: away
    assert active_seconds([T0]) == 0
    assert active_seconds([None, None]) is None
    assert active_seconds([]) is None


def test_minutes_and_net_minutes() -> None:
    assert active_minutes(359) == 6
    assert active_minutes(29) == 0
    assert active_minutes(None) is None
    assert net_minutes(30, 12) == 18
    assert net_minutes(None, 12) is None
    assert net_minutes(30, None) is None


def test_evidence_text() -> None:
    assert evidence_text(None) is None
    assert evidence_text(CommitEvidence(0, 0, 0)) == (
        "No commits (session + 24 h)")
    assert evidence_text(CommitEvidence(3, 120, 40)) == (
        "3 commits, +120 \u221240 lines (session + 24 h)")
    assert evidence_text(CommitEvidence(1, 1, 0)).startswith("1 commit,")  # type: ignore[union-attr]


def test_comparison_claims_a_difference_only_when_the_intervals_are_apart() -> None:
    apart = compare_commits(Tally(uses=60, rated=40, useful=38, not_useful=2),
                            Tally(uses=50, rated=40, useful=8, not_useful=32))
    text = apart.sentence()
    assert text is not None
    assert text.startswith("Sessions followed by commits were useful more often: 95 % useful vs "
                           "20 % without")
    assert "60 sessions followed by commits (40 rated), 50 in a repository without (40 rated)" \
        in text
    close = compare_commits(Tally(uses=12, rated=10, useful=6, not_useful=4),
                            Tally(uses=12, rated=10, useful=5, not_useful=5))
    assert "no clear difference" in (close.sentence() or "")
    few = compare_commits(Tally(uses=12, rated=4, useful=4), Tally(uses=3, rated=3, useful=0,
                                                                   not_useful=3))
    assert (few.sentence() or "").startswith("Commits: too few ratings to compare")
    assert compare_commits(Tally(), Tally()).sentence() is None
