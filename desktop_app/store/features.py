"""What suggested verdicts learn from: each session's tool, labels, turns, duration, tokens,
the start of its first prompt, and its verdict. Read only: a suggestion is never stored."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlite_utils import Database

from desktop_app.domain import Verdict, parse_utc

#: Characters of the first prompt read (the model looks at its first words only).
PROMPT_CHARS = 400


@dataclass(frozen=True, slots=True)
class FeatureRow:
    """One session as the suggestion model sees it."""

    session_id: str
    #: The tool's key: a generic row's own tool name, else the source.
    tool: str
    labels: tuple[str, ...]
    messages: int
    user_messages: int
    duration_seconds: float | None
    tokens: int | None
    first_prompt: str
    verdict: Verdict
    #: For listing suggestions (not features).
    title: str = ""
    started_at: str | None = None


def _duration(started: str | None, ended: str | None) -> float | None:
    a: datetime | None = parse_utc(started)
    b: datetime | None = parse_utc(ended)
    if a is None or b is None:
        return None
    return max(0.0, (b - a).total_seconds())


_SQL = f"""
SELECT s.id, COALESCE(s.tool_name, s.source), s.message_count, s.user_message_count,
       s.started_at, s.ended_at, s.tokens_in, s.tokens_out, r.verdict, s.title,
       (SELECT substr(m.text, 1, {PROMPT_CHARS}) FROM messages m
        WHERE m.session_key = s.key AND m.role = 'user' ORDER BY m.seq LIMIT 1)
FROM sessions s LEFT JOIN ratings r ON r.session_id = s.id
ORDER BY s.key
"""


def feature_rows(db: Database) -> tuple[list[FeatureRow], list[FeatureRow]]:
    """Every session's features: (rated ones, sessions without a verdict), in storage order.

    Labels come from one grouped query; the first prompt from the messages' (session, seq)
    index. A session kept without text has an empty first prompt."""
    labels: dict[str, tuple[str, ...]] = {}
    for sid, joined in db.conn.execute(
            "SELECT session_id, group_concat(label, char(31)) FROM "
            "(SELECT session_id, label FROM session_labels ORDER BY session_id, label) "
            "GROUP BY session_id"):
        labels[sid] = tuple(joined.split("\x1f"))
    rated: list[FeatureRow] = []
    unrated: list[FeatureRow] = []
    for (sid, tool, n_msg, n_user, started, ended, t_in, t_out, verdict, title,
         prompt) in db.conn.execute(_SQL):
        tokens = None if t_in is None and t_out is None else (t_in or 0) + (t_out or 0)
        row = FeatureRow(sid, tool, labels.get(sid, ()), n_msg, n_user,
                         _duration(started, ended), tokens, prompt or "",
                         Verdict(verdict) if verdict else Verdict.UNRATED, title, started)
        (rated if verdict else unrated).append(row)
    return rated, unrated
