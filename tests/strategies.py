"""Hypothesis strategies shared by the property tests: sessions, messages and ratings as any
source or person could make them (any Unicode text, missing times, big numbers)."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import strategies as st

from desktop_app.domain import ROLES, Message, Rating, Session, Verdict
from desktop_app.importers.registry import SOURCES

#: Any text Python can store as UTF-8 (no lone surrogates), NUL and emoji included.
TEXT = st.text(st.characters(codec="utf-8"), max_size=30)
#: A time to the second (as the store keeps message and session times), or none.
TIME = st.none() | st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2090, 1, 1),
                                timezones=st.just(UTC)).map(lambda d: d.replace(microsecond=0))
MESSAGE = st.builds(Message, role=st.sampled_from(ROLES), text=TEXT, time=TIME,
                    model=st.none() | TEXT)
SESSION = st.builds(
    Session, source=st.sampled_from(SOURCES), external_id=st.text(min_size=1, max_size=12),
    title=TEXT, started_at=TIME, ended_at=TIME,
    messages=st.lists(MESSAGE, max_size=4).map(tuple), model=st.none() | TEXT,
    tokens_in=st.none() | st.integers(0, 10**12), tokens_out=st.none() | st.integers(0, 10**9),
    cost=st.none() | st.floats(0, 1e6, allow_nan=False), project=st.none() | TEXT,
    hidden_branches=st.integers(0, 3), tool_feedback=st.sampled_from([None, "up", "mixed"]),
    tool_name=st.none() | TEXT,
    updated_at=st.none() | st.datetimes(min_value=datetime(2000, 1, 1),
                                        max_value=datetime(2090, 1, 1), timezones=st.just(UTC)))
RATING = st.builds(
    Rating, verdict=st.sampled_from(Verdict), minutes_saved=st.none() | st.integers(-600, 600),
    labels=st.lists(TEXT, max_size=3).map(tuple), reason=st.none() | TEXT,
    note=st.none() | TEXT, rated_at=TIME)
