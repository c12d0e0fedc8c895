"""A small database with everything an export has to carry: several sources, a generic row's
own tool, the tool's thumbs, hidden branches, update times, per-message models, a session
without messages or times, ratings with minutes (negative too), labels, reasons, notes, unicode,
text a spreadsheet would take for a formula, and edited label and reason lists."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlite_utils import Database

from desktop_app.domain import Message, Rating, Session, Verdict
from desktop_app.store import add_label, save_sessions, set_rating
from desktop_app.store.ratings import add_reason, remove_label
from tests.factories import BASE_TIME, make_messages, make_session

UNICODE_TITLE = "Résumé 📝 — 中文, עברית \"quoted\""
FORMULA_TITLE = "=HYPERLINK(\"http://example.invalid\")"
NOTE = "Line one\nline two, with a comma; and \"quotes\" ✓"


def rich_sessions() -> list[Session]:
    """The sessions of :func:`build_rich_db` (ids are stable)."""
    t = BASE_TIME
    return [
        make_session(1, title=UNICODE_TITLE, updated_at=t + timedelta(hours=2, microseconds=1234),
                     tool_feedback="up", hidden_branches=2,
                     messages=make_messages("¿Qué tal? 你好 🙂", "Très bien — merci!",
                                            "tab\there", start=t + timedelta(hours=1))),
        make_session(2, source="claude-code", external_id="cc-2", title=FORMULA_TITLE,
                     tokens_in=412_330, tokens_out=9_120, cost=1.2345,
                     project="~/src/billing-api",
                     messages=(Message("user", "Fix the flaky test", t, None),
                               Message("assistant", "Reading the test…", t + timedelta(seconds=5),
                                       "claude-sonnet-4-5"),
                               Message("tool", "Read tests/test_retry.py", t
                                       + timedelta(seconds=9), None),
                               Message("assistant", "Fixed.", t + timedelta(minutes=3),
                                       "claude-opus-4"))),
        make_session(3, source="generic", external_id="Perplexity/p-3", title="Sunglasses",
                     tool_name="Perplexity", model="sonar", tokens_in=31, tokens_out=120),
        Session(source="aider", external_id="aider-4", title="- starts with a dash",
                started_at=None, ended_at=None, messages=()),
        make_session(5, source="claude-ai", external_id="k-5", title="+1 plus",
                     updated_at=t + timedelta(days=1)),
        make_session(6, source="codex", external_id="cx-6", title="@mention"),
    ]


def rich_ratings() -> dict[int, Rating]:
    """Ratings by index into :func:`rich_sessions`."""
    when = datetime(2026, 11, 20, 8, 30, tzinfo=UTC)
    return {
        0: Rating(Verdict.USEFUL, 25, ("debugging", "ops, infra"), None, NOTE, when),
        1: Rating(Verdict.NOT_USEFUL, -10, ("coding",), "too slow", "=1+1",
                  when + timedelta(minutes=1)),
        2: Rating(Verdict.UNRATED, None, ("zeta",), None, None, when + timedelta(minutes=2)),
        3: Rating(Verdict.USEFUL, None, (), None, None, when + timedelta(minutes=3)),
        4: Rating(Verdict.NOT_USEFUL, 0, (), "faster myself", None, when + timedelta(minutes=4)),
    }


def build_rich_db(db: Database) -> list[str]:
    """Fill ``db`` (fresh) and return the session ids in :func:`rich_sessions` order."""
    sessions = rich_sessions()
    save_sessions(db, sessions, parser_version="test-1")
    add_label(db, "zeta")
    add_label(db, "ops, infra")
    remove_label(db, "data")
    add_reason(db, "too slow")
    for index, rating in rich_ratings().items():
        set_rating(db, sessions[index].id, rating)
    return [s.id for s in sessions]
