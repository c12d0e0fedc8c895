"""Factories for sessions and messages used across the tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from desktop_app.domain import Message, Session

BASE_TIME = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)


def make_messages(*texts: str, start: datetime = BASE_TIME) -> tuple[Message, ...]:
    """Alternating user/assistant messages, a minute apart."""
    return tuple(
        Message(role="user" if i % 2 == 0 else "assistant", text=text,
                time=start + timedelta(minutes=i),
                model=None if i % 2 == 0 else "gpt-4o")
        for i, text in enumerate(texts)
    )


def make_session(n: int = 0, **overrides: Any) -> Session:
    """A plausible ChatGPT session; ``n`` varies ids, titles and times."""
    start = BASE_TIME + timedelta(hours=n)
    values: dict[str, Any] = {
        "source": "chatgpt",
        "external_id": f"conv-{n:04d}",
        "title": f"Session number {n}",
        "started_at": start,
        "ended_at": start + timedelta(minutes=12),
        "messages": make_messages(f"question {n} about sorting", f"answer {n} use sorted()",
                                  start=start),
        "model": "gpt-4o",
    }
    values.update(overrides)
    return Session(**values)
