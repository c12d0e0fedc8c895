"""Import rules in the store: storing them, what a glob matches, what an import writes under
them, and applying one to the sessions stored already with the "really gone" guarantee."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlite_utils import Database

from desktop_app.domain import Rating, Session, Verdict
from desktop_app.store import (
    SessionQuery,
    count_sessions,
    get_rating,
    get_session,
    get_transcript,
    list_sessions,
    open_db,
    save_sessions,
    set_rating,
)
from desktop_app.store.deletion import delete_sessions, has_tombstones
from desktop_app.store.files import (
    FileState,
    load_file_states,
    save_file_states,
    save_session_state,
)
from desktop_app.store.rules import (
    Rule,
    RuleAction,
    RuleError,
    RuleSet,
    Selector,
    add_rule,
    apply_rule,
    count_matching,
    get_rule,
    list_rules,
    load_rules,
    matching_sessions,
    remove_rule,
)
from desktop_app.store.sessions import Outcome, count_unsearchable
from tests.factories import make_messages, make_session

#: Written in a session's title and messages; no other session holds a word like it.
SECRET = "Quokkafjordvelvet"


def _title(tool_key: str) -> str:
    return f"{tool_key.upper()} session"


def _rule(action: str, selector: str, pattern: str) -> Rule:
    return Rule(0, RuleAction(action), Selector(selector), pattern, "")


def _rules(*rules: tuple[str, str, str]) -> RuleSet:
    return RuleSet(_rule(*r) for r in rules)


def _secret(n: int = 900, **overrides: object) -> Session:
    values: dict[str, object] = {
        "source": "claude-code", "external_id": f"cc-{n}", "project": "/home/me/work/acme-api",
        "title": f"Rotate the {SECRET} keys",
        "messages": make_messages(f"the {SECRET} token leaked", f"revoke {SECRET} now"),
        "model": "claude-sonnet-4", "tokens_in": 1200, "tokens_out": 300}
    values.update(overrides)
    return make_session(n, **values)


def _raw_hits(db_path: Path, word: str = SECRET) -> dict[str, int]:
    """How often a word's letters occur in the database file and its -wal (lower case and
    without its first letter: the search index stores words lower cased, sharing prefixes)."""
    needle = word.lower()[1:].encode()
    hits = {}
    for suffix in ("", "-wal"):
        path = db_path.with_name(db_path.name + suffix)
        hits[suffix or "db"] = path.read_bytes().lower().count(needle) if path.exists() else 0
    return hits


def _integrity(db: Database) -> None:
    """The full-text indexes are sound and hold exactly the sessions stored with text.

    (FTS5's own check against the content tables cannot be used: a session kept without text
    is a row of ``sessions`` that is, on purpose, not in the index.)
    """
    for table in ("sessions_fts", "messages_fts"):
        db.execute(f"INSERT INTO {table} ({table}, rank) VALUES ('integrity-check', 0)")
    sessions = db.conn.execute("SELECT count(*) FROM sessions WHERE no_text = 0").fetchone()[0]
    messages = db.conn.execute(
        "SELECT count(*) FROM messages m JOIN sessions s ON s.key = m.session_key "
        "WHERE s.no_text = 0").fetchone()[0]
    assert db.conn.execute("SELECT count(*) FROM sessions_fts_docsize").fetchone()[0] == sessions
    assert db.conn.execute("SELECT count(*) FROM messages_fts_docsize").fetchone()[0] == messages


def _others(db: Database, n: int = 40) -> list[str]:
    sessions = [make_session(i) for i in range(n)]
    save_sessions(db, sessions)
    return [s.id for s in sessions]


# --- storing rules ---------------------------------------------------------------------------

def test_rules_are_stored_listed_and_removed(db: Database) -> None:
    first, new = add_rule(db, "skip", "project", "  ~/work/acme*  ")
    assert new
    assert (first.action, first.selector, first.pattern) == (
        RuleAction.SKIP, Selector.PROJECT, "~/work/acme*")
    again, new = add_rule(db, "skip", "project", "~/work/acme*")
    assert (again, new) == (first, False)  # the same rule is not stored twice
    second, _ = add_rule(db, "no-text", "source", "Claude-Code")
    assert second.pattern == "claude-code"
    assert list_rules(db) == [first, second]
    assert second.to_json() == {"id": second.id, "action": "no-text", "selector": "source",
                                "pattern": "claude-code", "created_at": second.created_at}
    assert second.created_at.endswith("Z")
    assert get_rule(db, second.id) == second
    assert remove_rule(db, first.id) == first
    assert remove_rule(db, first.id) is None
    assert get_rule(db, first.id) is None
    assert list_rules(db) == [second]


@pytest.mark.parametrize(("action", "selector", "pattern"), [
    ("skip", "project", "   "), ("delete", "project", "x"), ("skip", "folder", "x")])
def test_a_rule_that_cannot_be_stored(db: Database, action: str, selector: str,
                                      pattern: str) -> None:
    with pytest.raises(RuleError):
        add_rule(db, action, selector, pattern)
    assert list_rules(db) == []


# --- what a rule matches ---------------------------------------------------------------------

@pytest.mark.parametrize(("pattern", "project", "matches"), [
    ("/home/me/work/*", "/home/me/work/acme/api", True),  # * takes / too
    ("*/ACME*", "/home/me/work/acme-api", True),  # case does not matter
    ("/home/me/work", "/home/me/work/acme", False),  # the whole path must match
    ("*acme?api", "/x/acme-api", True),
    ("*[0-9]", "/x/build2", True),
    ("*[!0-9]", "/x/build2", False),
    ("c:/users/me/*", "C:\\Users\\me\\src\\app", True),  # \\ counts as /
    ("*", None, False),  # no project: never matched by a project rule
])
def test_project_globs(pattern: str, project: str | None, matches: bool) -> None:
    assert _rule("skip", "project", pattern).matches("codex", project, "t") is matches


def test_a_project_glob_with_a_tilde_matches_the_home_folder_spelled_out(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    rule = _rule("skip", "project", "~/work/acme*")
    assert rule.matches("codex", f"{tmp_path}/work/acme/api", "t")
    assert rule.matches("codex", "~/work/acme-web", "t")
    assert not rule.matches("codex", f"{tmp_path}/play/acme", "t")


def test_title_and_source_rules() -> None:
    title = _rule("no-text", "title", "*salary*")
    assert title.matches("chatgpt", None, "My SALARY talk")
    assert not title.matches("chatgpt", "/salary", "Lunch ideas")
    source = _rule("skip", "source", "claude-code")
    assert source.matches("claude-code", None, "x")
    assert not source.matches("codex", None, "claude-code")


def test_skip_wins_over_no_text() -> None:
    rules = _rules(("no-text", "source", "codex"), ("skip", "title", "*secret*"))
    assert rules.action_for("codex", None, "top secret") is RuleAction.SKIP
    assert rules.action_for("codex", None, "plain") is RuleAction.NO_TEXT
    assert rules.action_for("chatgpt", None, "plain") is None
    assert not RuleSet()
    assert RuleSet().action_for("codex", None, "x") is None


# --- what an import writes under rules ----------------------------------------------------------

def test_a_skip_rule_keeps_sessions_out(db: Database) -> None:
    add_rule(db, "skip", "project", "*/work/*")
    kept, out = make_session(1), _secret()
    counts = save_sessions(db, [kept, out])  # the rules are read from the database
    assert (counts.new, counts.excluded) == (1, 1)
    assert counts.outcomes == [Outcome.NEW, Outcome.EXCLUDED]
    assert out.id in counts.no_state
    assert [r.id for r in list_sessions(db)] == [kept.id]
    assert _raw_hits_in(db) == 0


def _raw_hits_in(db: Database) -> int:
    """The secret in any column of any row (the bytes are checked where it matters)."""
    found = 0
    for (table,) in db.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                    "AND sql NOT LIKE 'CREATE VIRTUAL%'"):
        for row in db.conn.execute(f'SELECT * FROM "{table}"'):
            found += sum(SECRET.lower() in str(v).lower() for v in row)
    return found


def test_a_no_text_rule_stores_facts_without_text(db: Database, db_path: Path) -> None:
    _others(db)
    rules = _rules(("no-text", "project", "*/work/*"))
    session = _secret()
    counts = save_sessions(db, [session], rules=rules, neutral_title=_title)
    assert (counts.new, counts.messages, counts.erased) == (1, 2, 0)
    assert session.id in counts.no_state
    row = get_session(db, session.id)
    assert row.no_text
    assert row.title == "CLAUDE-CODE session"
    assert (row.started_at, row.ended_at, row.messages, row.user_messages, row.model,
            row.tokens_in, row.tokens_out, row.project) == (
        session.started_at, session.ended_at, 2, 1, "claude-sonnet-4", 1200, 300,
        "/home/me/work/acme-api")
    assert [(m.role, m.time, m.model, m.text) for m in get_transcript(db, session.id)] == [
        (m.role, m.time, m.model, "") for m in session.messages]
    assert row.to_json(tool="Claude Code")["no_text"] is True
    assert list_sessions(db, SessionQuery(search=SECRET)) == []
    assert list_sessions(db, SessionQuery(search="claude")) == []  # not its neutral title
    key = db.conn.execute("SELECT key FROM sessions WHERE id = ?", (session.id,)).fetchone()[0]
    assert db.conn.execute("SELECT count(*) FROM sessions_fts_docsize WHERE id = ?",
                           (key,)).fetchone()[0] == 0  # no index entry of its own
    _integrity(db)
    assert _raw_hits(db_path) == {"db": 0, "-wal": 0}
    # Read again under the rule: unchanged; grown: updated, still without text.
    again = save_sessions(db, [session], rules=rules, neutral_title=_title)
    assert again.outcomes == [Outcome.UNCHANGED]
    grown = _secret(messages=make_messages(f"the {SECRET} token leaked", "revoke it",
                                           f"and {SECRET} too?"))
    more = save_sessions(db, [grown], rules=rules, neutral_title=_title)
    assert (more.outcomes, more.erased) == ([Outcome.UPDATED], 0)
    assert get_session(db, grown.id).messages == 3
    _integrity(db)
    assert _raw_hits(db_path) == {"db": 0, "-wal": 0}
    # The others are still found.
    assert len(list_sessions(db, SessionQuery(search="sorting"))) == 40


def test_sessions_stored_before_a_rule_stay_until_they_change(db: Database,
                                                              db_path: Path) -> None:
    skipped, stripped = make_session(1, title=f"{SECRET} plans"), _secret()
    save_sessions(db, [skipped, stripped])
    rules = _rules(("skip", "title", "*plans*"), ("no-text", "source", "claude-code"))
    same = save_sessions(db, [skipped, stripped], rules=rules, neutral_title=_title)
    assert same.outcomes == [Outcome.UNCHANGED, Outcome.UNCHANGED]
    assert not get_session(db, stripped.id).no_text  # the user did not apply the rule
    assert len(list_sessions(db, SessionQuery(search=SECRET))) == 2

    # Changed copies: the skipped one is not written (the stored copy stays as it was), the
    # no-text one is written without text and its old text is really gone once the caller
    # merges the indexes (as an import does).
    changed = save_sessions(db, [
        make_session(1, title=f"{SECRET} plans", messages=make_messages("other", "words")),
        _secret(tokens_out=999)], rules=rules, neutral_title=_title)
    assert changed.outcomes == [Outcome.EXCLUDED, Outcome.UPDATED]
    assert (changed.excluded, changed.erased) == (1, 1)
    assert get_transcript(db, skipped.id)[0].text == "question 1 about sorting"
    row = get_session(db, stripped.id)
    assert (row.no_text, row.tokens_out) == (True, 999)
    _integrity(db)
    assert [r.id for r in list_sessions(db, SessionQuery(search=SECRET))] == [skipped.id]


def test_removing_the_rule_lets_the_text_come_back(db: Database) -> None:
    rules = _rules(("no-text", "source", "claude-code"))
    session = _secret()
    save_sessions(db, [session], rules=rules, neutral_title=_title)
    back = save_sessions(db, [session], rules=RuleSet())
    assert back.outcomes == [Outcome.UPDATED]
    row = get_session(db, session.id)
    assert (row.no_text, row.title) == (False, session.title)
    assert len(list_sessions(db, SessionQuery(search=SECRET))) == 1
    _integrity(db)


def test_deleting_a_session_kept_without_text(db: Database) -> None:
    _others(db, 5)
    session = _secret()
    save_sessions(db, [session], rules=_rules(("no-text", "source", "claude-code")))
    delete_sessions(db, [session.id])
    assert count_sessions(db) == 5
    _integrity(db)  # no index entry was removed that it never had


def test_no_state_is_kept_for_a_session_without_text(db: Database) -> None:
    session = _secret()
    save_sessions(db, [session], rules=_rules(("no-text", "source", "claude-code")))
    save_session_state(db, session.id, "1", {"first_prompt": SECRET})
    assert db.conn.execute("SELECT count(*) FROM session_states").fetchone()[0] == 0


def test_unsearchable_counts_follow_the_filters(db: Database) -> None:
    _others(db, 3)
    assert count_unsearchable(db, SessionQuery(search="x")) == 0
    save_sessions(db, [_secret(1), _secret(2), _secret(3, source="codex")],
                  rules=_rules(("no-text", "project", "*acme*")))
    assert count_unsearchable(db, SessionQuery(search="sorting")) == 3
    assert count_unsearchable(db, SessionQuery(search="x", source="codex")) == 1
    assert count_unsearchable(db, SessionQuery(search="x", verdict=Verdict.USEFUL)) == 0


# --- applying a rule to stored sessions ----------------------------------------------------------

def test_applying_a_skip_rule_deletes_without_tombstones(db: Database, db_path: Path) -> None:
    others = _others(db)
    session = _secret()
    save_sessions(db, [session])
    set_rating(db, session.id, Rating(Verdict.USEFUL, note="mine"))
    rule, _ = add_rule(db, "skip", "project", "*/work/*")
    assert matching_sessions(db, rule) == [session.id]
    assert (count_matching(db, rule).sessions, count_matching(db, rule).ratings) == (1, 1)
    assert _raw_hits(db_path)["db"] + _raw_hits(db_path)["-wal"] > 0
    result = apply_rule(db, rule, _title)
    assert (result.sessions, result.ratings, result.wal_cleared) == (1, 1, True)
    assert [r.id for r in list_sessions(db)] == list(reversed(others))
    assert get_rating(db, session.id) == Rating()
    assert not has_tombstones(db)  # the rule keeps it out, not a tombstone
    _integrity(db)
    assert _raw_hits(db_path) == {"db": 0, "-wal": 0}
    # The rule keeps it out of the next import.
    assert save_sessions(db, [session]).outcomes == [Outcome.EXCLUDED]


def test_applying_a_no_text_rule_removes_text_for_good(db: Database, db_path: Path) -> None:
    _others(db)
    session = _secret()
    save_sessions(db, [session], parser_version="claude-code-9")
    set_rating(db, session.id, Rating(Verdict.NOT_USEFUL, minutes_saved=-5, note="mine"))
    save_session_state(db, session.id, "claude-code-9", {"first_prompt": SECRET})
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    assert _raw_hits(db_path)["db"] > 0  # in the main file, not just the log
    rule, _ = add_rule(db, "no-text", "title", "rotate the *")  # the pattern is stored too
    assert count_matching(db, rule).sessions == 1
    result = apply_rule(db, rule, _title)
    assert (result.sessions, result.ratings, result.wal_cleared) == (1, 0, True)
    assert _raw_hits(db_path) == {"db": 0, "-wal": 0}
    row = get_session(db, session.id)
    assert (row.no_text, row.title, row.messages, row.tokens_in) == (
        True, "CLAUDE-CODE session", 2, 1200)
    assert get_rating(db, session.id).note == "mine"  # ratings stay
    assert db.conn.execute("SELECT count(*) FROM session_states").fetchone()[0] == 0
    _integrity(db)
    assert count_matching(db, rule).sessions == 0  # done: nothing left to apply it to
    db.close()
    assert _raw_hits(db_path) == {"db": 0, "-wal": 0}
    # Read again under the rule, the stored copy is what the import would write: unchanged.
    db = open_db(db_path)
    again = save_sessions(db, [session], parser_version="claude-code-9", neutral_title=_title)
    assert again.outcomes == [Outcome.UNCHANGED]
    db.close()


def test_a_title_rule_does_not_match_sessions_without_their_title(db: Database) -> None:
    session = _secret(title="client session")
    save_sessions(db, [session], rules=_rules(("no-text", "source", "claude-code")))
    skip, _ = add_rule(db, "skip", "title", "*session*")  # its neutral title would match
    assert matching_sessions(db, skip) == []
    by_source, _ = add_rule(db, "skip", "source", "claude-code")
    assert matching_sessions(db, by_source) == [session.id]


def test_removing_a_rule_forgets_the_files_holding_what_it_kept_out(db: Database) -> None:
    kept, skipped, stripped = make_session(1), make_session(2), _secret()
    rule, _ = add_rule(db, "skip", "source", "chatgpt")
    save_sessions(db, [kept], rules=RuleSet())
    save_sessions(db, [skipped])
    save_sessions(db, [stripped], rules=_rules(("no-text", "source", "claude-code")))
    deleted = make_session(3)
    save_sessions(db, [deleted], rules=RuleSet())
    delete_sessions(db, [deleted.id])
    save_file_states(db, [
        FileState("/a", "chatgpt", "1", 1, 1, 1, (kept.id,)),
        FileState("/b", "chatgpt", "1", 1, 1, 1, (kept.id, skipped.id)),
        FileState("/c", "claude-code", "1", 1, 1, 1, (stripped.id,)),
        FileState("/d", "chatgpt", "1", 1, 1, 1, (deleted.id,)),
    ])
    remove_rule(db, rule.id)
    # Read again at the next import: the one with a skipped session and the one with a
    # session kept without text. A deleted session stays deleted (its tombstone says so).
    assert sorted(load_file_states(db)) == ["/a", "/d"]
    assert load_rules(db).rules == ()


# --- a property: whatever the rules and sessions ---------------------------------------------

_WORDS = ["alpha", "Beta", "gamma", "delta"]
_PROJECTS = [None, "/home/me/work/acme", "/home/me/src/tool", "C:\\work\\acme"]


@st.composite
def _sessions(draw: st.DrawFn) -> list[Session]:
    n = draw(st.integers(1, 8))
    found = []
    for i in range(n):
        word = draw(st.sampled_from(_WORDS))
        found.append(make_session(
            i, source=draw(st.sampled_from(["chatgpt", "codex"])),
            external_id=f"s{i}", project=draw(st.sampled_from(_PROJECTS)),
            title=f"{word} {SECRET}{i}",
            messages=make_messages(f"{SECRET}{i} says {word}", f"reply {SECRET}{i}")))
    return found


_RULES = st.lists(st.tuples(
    st.sampled_from(["skip", "no-text"]),
    st.sampled_from(["project", "title", "source"]),
    st.sampled_from(["*acme*", "*work*", "alpha*", "*BETA*", "chatgpt", "codex", "*"])),
    max_size=3)


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sessions=_sessions(), rules=_RULES, twice=st.booleans())
def test_stored_sessions_never_match_a_skip_rule_and_no_text_ones_hold_no_text(
        tmp_path_factory: pytest.TempPathFactory, sessions: list[Session],
        rules: list[tuple[str, str, str]], twice: bool) -> None:
    path = tmp_path_factory.mktemp("prop") / "w.db"
    db = open_db(path)
    try:
        for act, selector, pattern in rules:
            add_rule(db, act, selector, pattern)
        ruleset = load_rules(db)
        counts = save_sessions(db, sessions)
        if twice:  # importing twice equals once
            again = save_sessions(db, sessions)
            assert again.new == again.updated == 0
            assert again.excluded == counts.excluded
        stored = {r.id: r for r in list_sessions(db)}
        assert counts.new == len(stored)
        assert counts.excluded == len(sessions) - len(stored)
        for s in sessions:
            action = ruleset.action_for(s.source, s.project, s.title)
            assert (s.id in stored) is (action is not RuleAction.SKIP)
            if s.id not in stored:
                continue
            assert stored[s.id].no_text is (action is RuleAction.NO_TEXT)
            n = s.external_id[1:]
            found = list_sessions(db, SessionQuery(search=f"{SECRET}{n}"))
            if action is RuleAction.NO_TEXT:
                assert found == []
                assert all(m.text == "" for m in get_transcript(db, s.id))
            else:
                assert [r.id for r in found] == [s.id]
        _integrity(db)
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        raw = path.read_bytes().lower()
        for s in sessions:  # only the text of sessions stored with their text is in the file
            n = s.external_id[1:]
            present = s.id in stored and not stored[s.id].no_text
            assert (f"{SECRET.lower()[1:]}{n}".encode() in raw) is present, s.id
    finally:
        db.close()
        for suffix in ("", "-wal", "-shm"):
            target = path.with_name(path.name + suffix)
            if target.exists():
                os.remove(target)
