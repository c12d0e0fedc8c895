"""Sessions in the store: round trips, idempotent saves, updates, search, filters, sorting."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from desktop_app.domain import Message, Session, Verdict
from desktop_app.store import (
    AmbiguousSessionIdError,
    SessionNotFoundError,
    SessionQuery,
    get_session,
    get_transcript,
    list_sessions,
    open_db,
    resolve_session_id,
    save_sessions,
    update_rating,
)
from desktop_app.store.sessions import tools_present
from tests.factories import make_messages, make_session


def test_session_round_trip(db_path: Path) -> None:
    db = open_db(db_path)
    session = make_session(1, tokens_in=1200, tokens_out=300, project="~/src/app")
    counts = save_sessions(db, [session])
    assert (counts.new, counts.updated, counts.unchanged, counts.messages) == (1, 0, 0, 2)
    row = get_session(db, session.id)
    assert row.title == "Session number 1"
    assert row.started_at == session.started_at
    assert row.ended_at == session.ended_at
    assert (row.messages, row.user_messages) == (2, 1)
    assert (row.tokens_in, row.tokens_out, row.project) == (1200, 300, "~/src/app")
    assert row.duration_seconds == 12 * 60
    transcript = get_transcript(db, session.id)
    assert [m.role for m in transcript] == ["user", "assistant"]
    assert transcript[1].text == "answer 1 use sorted()"
    assert transcript[1].model == "gpt-4o"


def test_resaving_same_session_is_unchanged(db_path: Path) -> None:
    db = open_db(db_path)
    sessions = [make_session(i) for i in range(5)]
    save_sessions(db, sessions)
    counts = save_sessions(db, sessions)
    assert (counts.new, counts.updated, counts.unchanged) == (0, 0, 5)
    assert len(list_sessions(db)) == 5


def test_changed_session_is_updated_and_search_follows(db_path: Path) -> None:
    db = open_db(db_path)
    old = make_session(1, messages=make_messages("tell me about walruses", "they are big"))
    save_sessions(db, [old])
    new = replace(old, title="Penguins", messages=make_messages("tell me about penguins",
                                                                 "they swim", "thanks"))
    counts = save_sessions(db, [new])
    assert (counts.new, counts.updated) == (0, 1)
    assert get_session(db, old.id).messages == 3
    assert [r.id for r in list_sessions(db, SessionQuery(search="penguins"))] == [old.id]
    assert list_sessions(db, SessionQuery(search="walruses")) == []


def test_filters_and_sorting_in_sql(db_path: Path) -> None:
    db = open_db(db_path)
    sessions = [make_session(i) for i in range(4)] + [
        make_session(9, source="claude-code", external_id="cc-1", title="Alpha")
    ]
    save_sessions(db, sessions)
    update_rating(db, sessions[0].id, Verdict.USEFUL, labels=("coding",), note="n")
    update_rating(db, sessions[1].id, Verdict.NOT_USEFUL)
    assert [r.source for r in list_sessions(db, SessionQuery(source="claude-code"))] == [
        "claude-code"
    ]
    assert [r.id for r in list_sessions(db, SessionQuery(verdict=Verdict.USEFUL))] == [
        sessions[0].id
    ]
    assert len(list_sessions(db, SessionQuery(verdict=Verdict.UNRATED))) == 3
    assert [r.id for r in list_sessions(db, SessionQuery(label="coding"))] == [sessions[0].id]
    assert [r.id for r in list_sessions(db, SessionQuery(has_note=True))] == [sessions[0].id]
    by_title = list_sessions(db, SessionQuery(order_by="title", descending=False))
    assert by_title[0].title == "Alpha"
    newest_first = list_sessions(db)
    assert newest_first[0].id == sessions[-1].id


@pytest.mark.parametrize("text", ['"unbalanced AND (', "NOT", "*", "a:b", "  "])
def test_search_treats_user_text_as_text(db_path: Path, text: str) -> None:
    db = open_db(db_path)
    save_sessions(db, [make_session(1)])
    list_sessions(db, SessionQuery(search=text))  # must not raise


def test_search_finds_message_text_and_titles(db_path: Path) -> None:
    db = open_db(db_path)
    a = make_session(1, title="Quarterly report", messages=(Message("user", "hello"),))
    b = make_session(2, title="Other", messages=(Message("user", "the quarterly numbers"),))
    c = make_session(3, title="Unrelated")
    save_sessions(db, [a, b, c])
    found = {r.id for r in list_sessions(db, SessionQuery(search="quarterly"))}
    assert found == {a.id, b.id}


def test_resolve_ids_and_prefixes(db_path: Path) -> None:
    db = open_db(db_path)
    sessions = [make_session(i) for i in range(3)]
    save_sessions(db, sessions)
    sid = sessions[0].id
    assert resolve_session_id(db, sid) == sid
    assert resolve_session_id(db, sid[:6].upper()) == sid
    with pytest.raises(SessionNotFoundError, match="at least 6"):
        resolve_session_id(db, sid[:5])
    with pytest.raises(SessionNotFoundError):
        resolve_session_id(db, "ffffffffffffffff")
    # Force an ambiguity by inserting an id sharing a prefix.
    db.conn.execute("UPDATE sessions SET id = ? WHERE id = ?", (sid[:8] + "00000000",
                                                                 sessions[1].id))
    with pytest.raises(AmbiguousSessionIdError):
        resolve_session_id(db, sid[:8])


def test_failed_save_rolls_back_everything(db_path: Path) -> None:
    db = open_db(db_path)
    good = make_session(1)

    def sessions() -> Iterator[Session]:
        yield good
        raise RuntimeError("parser broke")

    with pytest.raises(RuntimeError):
        save_sessions(db, sessions())
    assert list_sessions(db) == []
    assert db.conn.execute("SELECT count(*) FROM messages").fetchone()[0] == 0


def test_date_range_filter(db_path: Path) -> None:
    db = open_db(db_path)
    sessions = [make_session(i) for i in range(0, 48, 6)]  # every 6 hours from BASE_TIME
    save_sessions(db, sessions)
    start = sessions[2].started_at
    before = sessions[5].started_at
    assert start is not None
    assert before is not None
    found = list_sessions(db, SessionQuery(started_from=start, started_before=before,
                                           descending=False))
    assert [r.id for r in found] == [s.id for s in sessions[2:5]]


@pytest.mark.parametrize("column", sorted(__import__(
    "desktop_app.store.sessions", fromlist=["SORT_COLUMNS"]).SORT_COLUMNS))
def test_every_column_sorts_both_ways(db_path: Path, column: str) -> None:
    db = open_db(db_path)
    sessions = [make_session(i, tokens_in=i * 10 if i % 2 else None, model=f"m{i % 3}")
                for i in range(6)]
    save_sessions(db, sessions)
    update_rating(db, sessions[2].id, Verdict.USEFUL, minutes_saved=5, labels=("coding",))
    update_rating(db, sessions[4].id, Verdict.NOT_USEFUL, minutes_saved=-3)
    up = [r.id for r in list_sessions(db, SessionQuery(order_by=column, descending=False))]
    down = [r.id for r in list_sessions(db, SessionQuery(order_by=column, descending=True))]
    assert sorted(up) == sorted(down) == sorted(s.id for s in sessions)
    if column in ("verdict", "minutes"):
        # Sessions with a value come first both ways; those without follow.
        assert set(up[:2]) == set(down[:2]) == {sessions[2].id, sessions[4].id}
        assert up[:2] == down[:2][::-1]


def test_a_generic_tools_own_name_is_kept_filtered_and_sorted(db_path: Path) -> None:
    db = open_db(db_path)
    perplexity = [make_session(i, source="generic", external_id=f"Perplexity/p-{i}",
                               tool_name="Perplexity") for i in range(3)]
    poe = make_session(5, source="generic", external_id="Poe/x", tool_name="Poe")
    unnamed = make_session(6, source="generic", external_id="g-1")
    chat = make_session(7)
    save_sessions(db, [*perplexity, poe, unnamed, chat])
    row = get_session(db, poe.id)
    assert (row.source, row.tool_name, row.tool_key) == ("generic", "Poe", "Poe")
    assert get_session(db, chat.id).tool_key == "chatgpt"
    assert tools_present(db) == ["Perplexity", "Poe", "chatgpt", "generic"]

    def ids(query: SessionQuery) -> set[str]:
        return {r.id for r in list_sessions(db, query)}

    assert ids(SessionQuery(tool="Perplexity")) == {s.id for s in perplexity}
    assert ids(SessionQuery(tool="generic")) == {unnamed.id}  # the unnamed ones only
    assert ids(SessionQuery(source="generic")) == {s.id for s in [*perplexity, poe, unnamed]}
    assert ids(SessionQuery(tool="chatgpt")) == {chat.id}
    by_tool = list_sessions(db, SessionQuery(order_by="tool", descending=False))
    assert [r.tool_key for r in by_tool] == ["Perplexity"] * 3 + ["Poe", "chatgpt", "generic"]
    # Saved again unchanged: unchanged (the name is part of what is stored, and hashed).
    assert save_sessions(db, [poe]).unchanged == 1
    assert poe.content_hash() != replace(poe, tool_name=None).content_hash()
    assert chat.content_hash() == replace(chat, tool_name=None).content_hash()


def test_session_json_names_the_tool(db_path: Path) -> None:
    db = open_db(db_path)
    session = make_session(1, source="generic", external_id="Poe/x", tool_name="Poe")
    save_sessions(db, [session])
    obj = get_session(db, session.id).to_json(tool="Poe")
    assert list(obj)[:3] == ["id", "source", "tool"]
    assert (obj["source"], obj["tool"]) == ("generic", "Poe")


def test_the_key_array_is_the_keys_in_order_and_a_cancelled_query_stops(
        db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from desktop_app.store import sessions as store_sessions

    db = open_db(db_path)
    save_sessions(db, [make_session(i, messages=make_messages(f"common words {i}", "reply"))
                       for i in range(40)])
    for query in (SessionQuery(), SessionQuery(search="common"),
                  SessionQuery(order_by="title", descending=False)):
        keys = store_sessions.session_key_array(db, query, cancelled=lambda: False)
        assert keys.typecode == "q"
        assert keys.tolist() == store_sessions.session_keys(db, query)
        assert len(keys) == 40
    monkeypatch.setattr(store_sessions, "_CANCEL_CHECK_STEPS", 1)  # asked at every step
    with pytest.raises(store_sessions.QueryCancelledError):
        store_sessions.session_key_array(db, SessionQuery(search="common"),
                                         cancelled=lambda: True)
    # The connection is left as it was: the next query runs to its end.
    assert len(store_sessions.session_key_array(db, SessionQuery(search="common"))) == 40
