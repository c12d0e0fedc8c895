"""Rating histories for suggested verdicts: one where the verdict follows the features, one
where it is a coin toss (shared by the store, CLI and window tests)."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from sqlite_utils import Database

from desktop_app.domain import Rating, Session, Verdict
from desktop_app.store import save_sessions, set_rating
from tests.factories import make_messages

START = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def _session(i: int, good: bool, start: datetime, rng: random.Random) -> Session:
    if good:
        texts = [f"explain the {rng.choice(['proof', 'essay', 'idea'])} to me", "Sure: …"]
        return Session(source="claude-ai", external_id=f"good-{i}", title=f"Explain {i}",
                       started_at=start, ended_at=start + timedelta(minutes=5),
                       messages=make_messages(*texts, start=start))
    texts = [f"fix the flaky build {rng.choice(['again', 'now', 'test'])}", "Try …"] * 12
    return Session(source="copilot", external_id=f"bad-{i}", title=f"Flaky build {i}",
                   started_at=start, ended_at=start + timedelta(minutes=50),
                   messages=make_messages(*texts, start=start))


def fill(db: Database, rated: int = 60, unrated: int = 8, *, follow: bool = True,
         seed: int = 1, start: datetime = START) -> dict[str, Verdict]:
    """Store ``rated`` rated and ``unrated`` unrated sessions, an hour apart from ``start``.

    With ``follow``, explaining in Claude is useful and fixing a build in Copilot is not (one
    in ten flipped); else verdicts are random. Returns each unrated session's id and the verdict
    its features point to."""
    rng = random.Random(seed)
    sessions, ratings, expected = [], [], {}
    for i in range(rated + unrated):
        good = rng.random() < 0.55
        s = _session(i, good, start + timedelta(hours=i), rng)
        sessions.append(s)
        if i < rated:
            useful = (good != (rng.random() < 0.1)) if follow else rng.random() < 0.5
            ratings.append((s.id, Verdict.USEFUL if useful else Verdict.NOT_USEFUL))
        else:
            expected[s.id] = Verdict.USEFUL if good else Verdict.NOT_USEFUL
    save_sessions(db, sessions)
    for sid, verdict in ratings:
        set_rating(db, sid, Rating(verdict=verdict))
    return expected
