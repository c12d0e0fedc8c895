"""Evidence beside a verdict, computed from plain numbers: commits in a session's window, and
the time a person was active in a session (no database, no git: both are handed in).

- A session's *window* runs from its start to 24 hours after its end (``FOLLOW_SECONDS``):
  commits made during the session and the day after count as its evidence.
- *Active time* is the sum of the gaps under 5 minutes (``ACTIVE_GAP_SECONDS``) between a
  session's consecutive messages: a longer pause counts as time away. An estimate.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from itertools import pairwise

from desktop_app.domain import Tally
from desktop_app.metrics.compare import compare
from desktop_app.metrics.value import Figures, tally_figures

#: Commits up to this long after a session's end count as its evidence.
FOLLOW_SECONDS = 24 * 3600
#: Gaps between messages shorter than this count as active time.
ACTIVE_GAP_SECONDS = 300


@dataclass(frozen=True, slots=True)
class Commit:
    """One commit as the evidence needs it: committer time (Unix seconds) and lines changed."""

    time: int
    added: int = 0
    deleted: int = 0


@dataclass(frozen=True, slots=True)
class CommitEvidence:
    """Commits in one session's window and their lines added and deleted."""

    commits: int
    added: int
    deleted: int

    @property
    def lines_changed(self) -> int:
        """Lines added plus lines deleted."""
        return self.added + self.deleted


def session_window(started: datetime | None, ended: datetime | None) -> tuple[int, int] | None:
    """A session's window as Unix seconds, both ends included: from its start to 24 h after its
    end (a missing end: its start; a missing start: its end). None without either."""
    first = started or ended
    last = ended or started
    if first is None or last is None:
        return None
    start, end = int(first.timestamp()), int(last.timestamp())
    return min(start, end), max(start, end) + FOLLOW_SECONDS


def bucket_commits(commits: Iterable[Commit],
                   windows: Mapping[str, tuple[int, int]]) -> dict[str, CommitEvidence]:
    """Each window's commits (``start <= time <= end``) with their lines, for one repository.

    A commit counts in every window it falls in (sessions of one repository may overlap).
    Sorting once and bisecting makes this O((C + S) log C) for C commits and S windows.
    """
    ordered = sorted(commits, key=lambda c: c.time)
    times = [c.time for c in ordered]
    added = [0]
    deleted = [0]
    for c in ordered:
        added.append(added[-1] + c.added)
        deleted.append(deleted[-1] + c.deleted)
    found: dict[str, CommitEvidence] = {}
    for key, (start, end) in windows.items():
        lo, hi = bisect_left(times, start), bisect_right(times, end)
        found[key] = CommitEvidence(hi - lo, added[hi] - added[lo], deleted[hi] - deleted[lo])
    return found


def active_seconds(times: Iterable[datetime | None]) -> int | None:
    """The sum of the gaps under :data:`ACTIVE_GAP_SECONDS` between consecutive messages (in
    time order; messages without a time are left out). None when no message has a time."""
    known = sorted(t for t in times if t is not None)
    if not known:
        return None
    total = 0.0
    for before, after in pairwise(known):
        gap = (after - before).total_seconds()
        if gap < ACTIVE_GAP_SECONDS:
            total += gap
    return round(total)


def active_minutes(seconds: int | None) -> int | None:
    """Active seconds as whole minutes (rounded), None stays None."""
    return None if seconds is None else int(seconds / 60 + 0.5)


def net_minutes(minutes_saved: int | None, active: int | None) -> int | None:
    """Net minutes = the person's minutes saved − the minutes they were active in the session
    (an estimate, for someone whose "minutes saved" left out the time the session took)."""
    if minutes_saved is None or active is None:
        return None
    return minutes_saved - active


@dataclass(frozen=True)
class CommitComparison:
    """Value per use of sessions followed by commits against those in a repository without."""

    with_commits: Figures
    without_commits: Figures

    def sentence(self) -> str | None:
        """One plain sentence, with the sample sizes; None when no session has a repository."""
        a, b = self.with_commits, self.without_commits
        if a.uses + b.uses == 0:
            return None
        sizes = (f"{a.uses:,} sessions followed by commits ({a.rated:,} rated), "
                 f"{b.uses:,} in a repository without ({b.rated:,} rated)")
        outcome = compare(a, b)
        if outcome == "not enough ratings":
            return f"Commits: too few ratings to compare value per use yet: {sizes}."
        told_a = f"{_percent(a.value_per_use)} useful"
        told_b = f"{_percent(b.value_per_use)}"
        if outcome == "no clear difference":
            return (f"Sessions followed by commits: {told_a} vs {told_b} without, no clear "
                    f"difference (the 95 % intervals overlap); {sizes}.")
        word = "more" if outcome == "higher" else "less"
        return (f"Sessions followed by commits were useful {word} often: {told_a} vs "
                f"{told_b} without (the 95 % intervals do not overlap); {sizes}.")


def compare_commits(with_commits: Tally, without_commits: Tally) -> CommitComparison:
    """Figures (value per use with its 95 % interval) of the two groups of coding sessions."""
    return CommitComparison(tally_figures(with_commits, "with commits"),
                            tally_figures(without_commits, "without commits"))


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{int(value * 100 + 0.5)} %"


def evidence_text(evidence: CommitEvidence | None) -> str | None:
    """"3 commits, +120 −40 lines (session + 24 h)": what was committed during the session and
    the 24 hours after it (None: no repository)."""
    if evidence is None:
        return None
    noun = "commit" if evidence.commits == 1 else "commits"
    if evidence.commits == 0:
        return "No commits (session + 24 h)"
    return (f"{evidence.commits:,} {noun}, +{evidence.added:,} \u2212{evidence.deleted:,} lines "
            "(session + 24 h)")

