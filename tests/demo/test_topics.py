"""Every demo session reads true: its title and its whole transcript come from one topic record.

Checked on the records themselves (the title's key words are in the prompt and an answer, titles
are grammatical), on every session of a generated demo database, and on every session the
``demo-data`` writers are given, for each source.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Iterable
from datetime import date
from pathlib import Path

import pytest

from desktop_app.demo.chat_topics import CHAT_TOPICS
from desktop_app.demo.code_topics import CODE_TOPICS, PROJECTS
from desktop_app.demo.corpus import (
    AGENT_FOLLOW_UPS,
    CHAT_FOLLOW_UPS,
    ELABORATION,
    ELABORATION_OF_KIND,
    Topic,
)
from desktop_app.demo.database import generate_demo
from desktop_app.demo.exports import CODING_SOURCES, sessions_for, write_export
from desktop_app.demo.story import demo_sessions
from desktop_app.domain import DEFAULT_LABELS, Message, Verdict
from desktop_app.importers import registry
from desktop_app.importers.values import title_from
from desktop_app.ingest import import_paths
from desktop_app.store import get_transcript, list_sessions, open_db

TOPICS: tuple[Topic, ...] = (*CHAT_TOPICS, *CODE_TOPICS)
BY_TITLE: dict[str, Topic] = {t.title: t for t in TOPICS}
BY_PROMPT: dict[str, Topic] = {t.prompt: t for t in TOPICS}
TODAY = date(2026, 3, 18)


# --- the records ---------------------------------------------------------------------------------

def title_slips(title: str) -> list[str]:
    """Grammar slips a title must not have (a short list of rules, each one a real slip seen)."""
    slips = []
    if not (title[0].isupper() or title[0].isdigit()):
        slips.append("starts in lower case")
    if title != title.strip() or "  " in title or title.endswith("."):
        slips.append("stray space or full stop")
    if "{" in title or "}" in title:
        slips.append("an unfilled slot")
    words = title.lower().split()
    if any(a == b for a, b in itertools.pairwise(words)):
        slips.append("a doubled word")
    for article, word in re.findall(r"\b(a|an) ([\w'-]+)", title, flags=re.IGNORECASE):
        vowel = word[0].lower() in "aeio" and not word.lower().startswith(("one", "eu"))
        if article.lower() == "a" and vowel:
            slips.append(f"'a {word}'")
        if article.lower() == "an" and not vowel and not word[:2].isupper() \
                and word[0].lower() not in "uh":
            slips.append(f"'an {word}'")
    # "How does the team invites work", "How the team invites works": a plural subject.
    for noun in re.findall(r"\bdoes (?:the |a |an )?(?:[\w-]+ )*?([\w-]+) work\b", title) + \
            re.findall(r"\bthe (?:[\w-]+ )*?([\w-]+) works\b", title):
        if noun.endswith("s") and not noun.endswith(("ss", "us", "is")):
            slips.append(f"a plural subject '{noun}' with a singular verb")
    return slips


@pytest.mark.parametrize("title", [
    "How does the team invites work", "How the team invites works", "add a thing", "Plan a event",
    "Fix the the bug", "Summarise {doc}", "Draft an proposal", "Trailing full stop.",
])
def test_the_grammar_rules_catch_real_slips(title: str) -> None:
    assert title_slips(title)


def test_titles_are_grammatical_and_unique() -> None:
    assert {t.title: title_slips(t.title) for t in TOPICS if title_slips(t.title)} == {}
    repeated = [title for title, n in Counter(t.title for t in TOPICS).items() if n > 1]
    assert repeated == []
    assert len(BY_PROMPT) == len(TOPICS), "each prompt belongs to one topic"


def test_each_records_key_words_are_in_its_title_prompt_and_an_answer() -> None:
    for t in TOPICS:
        key = t.key.casefold()
        assert key in t.title.casefold(), t.title
        assert key in t.prompt.casefold(), t.title
        assert key in (t.reply + " " + t.result).casefold(), t.title


def test_records_are_well_formed() -> None:
    kinds = Counter(t.kind for t in TOPICS)
    assert set(kinds) <= set(DEFAULT_LABELS)
    for t in CHAT_TOPICS:
        assert t.project is None
        assert (t.files, t.result, t.test_command, t.search) == ((), "", "", "")
    for t in CODE_TOPICS:
        assert t.project in PROJECTS
        assert t.files
        assert t.result
        assert t.search
        assert '"' not in t.search  # a tool entry quotes it
        assert t.test_command
        assert not t.edits or t.kind in ("coding", "debugging", "data"), t.title
    # Enough of each kind that a year of sessions rarely repeats one (see the story tests).
    assert min(Counter(t.kind for t in CHAT_TOPICS).values()) >= 18
    assert min(Counter(t.kind for t in CODE_TOPICS).values()) >= 18
    assert {t.project.path for t in CODE_TOPICS if t.project} == {p.path for p in PROJECTS}


# --- the sessions --------------------------------------------------------------------------------

_ELABORATION_SENTENCES = {group: sorted(sentences, key=len, reverse=True)
                          for group, sentences in ELABORATION.items()}


def _without_elaboration(text: str, kind: str) -> str:
    """An answer without the sentences ``demo-data`` adds to lengthen it (the first paragraph)."""
    answer, _, extra = text.partition("\n\n")
    for sentence in _ELABORATION_SENTENCES[ELABORATION_OF_KIND[kind]]:
        extra = extra.replace(sentence, "")
    return answer if not extra.strip() else text


def _tool_fits(text: str, topic: Topic) -> bool:
    if topic.project is None:  # a chat app's own tool (ChatGPT's Python, llm's tools)
        return text.startswith(("Ran python: loaded the data", f'Searched for "{topic.key}"'))
    files = "|".join(re.escape(f) for f in (*topic.files, "NOTES.md"))
    commands = "|".join(re.escape(c) for c in (topic.test_command, topic.project.suite_command))
    return bool(re.fullmatch(rf"Read ({files})", text)
                or re.fullmatch(rf'Searched for "{re.escape(topic.search)}" in the project '
                                r"\(\d+ match(es)?\)", text)
                or re.fullmatch(rf"(Edited|Applied patch to) ({files}) \(\+\d+ -\d+\)", text)
                or re.fullmatch(rf"Ran ({commands}): .+", text, flags=re.DOTALL))


def reads_true(title: str, messages: Iterable[Message], project: str | None = None,
               labels: tuple[str, ...] = ()) -> list[str]:
    """What in a session does not come from its title's topic record (empty: it reads true)."""
    topic = BY_TITLE.get(title)
    if topic is None:
        return [f"no topic is titled {title!r}"]
    if topic.project is None:
        shared = CHAT_FOLLOW_UPS[topic.kind] if topic.shared_follow_ups else ()
        pairs = [*topic.follow_ups, *shared]
        asked = {topic.prompt, *(q for q, _ in pairs)}
        answered = {topic.reply, *(a for _, a in pairs)}
    else:
        pool = AGENT_FOLLOW_UPS["read"] if not topic.edits else \
            AGENT_FOLLOW_UPS.get(topic.project.lang, AGENT_FOLLOW_UPS[""])
        asked = {topic.prompt, *(q for q, _, _ in pool)}
        answered = {topic.reply, topic.result, *(a for _, a, _ in pool)}
        if project is None or not project.endswith(topic.project.path.removeprefix("~")):
            return [f"{title!r} is in {project}, not {topic.project.path}"]
    problems = []
    said = [(m.role, _without_elaboration(m.text, topic.kind) if m.role == "assistant"
             else m.text) for m in messages]
    if not said or said[0] != ("user", topic.prompt):
        problems.append("does not open with the topic's prompt")
    for role, text in said:
        if role == "user" and text not in asked:
            problems.append(f"asks {text[:60]!r}")
        elif role == "assistant" and text not in answered:
            problems.append(f"answers {text[:60]!r}")
        elif role == "tool" and not _tool_fits(text, topic):
            problems.append(f"does {text!r}")
    key = topic.key.casefold()
    if not any(role == "assistant" and key in text.casefold() for role, text in said):
        problems.append(f"no answer mentions {topic.key!r}")
    if labels and topic.kind not in labels:
        problems.append(f"labelled {labels}, not {topic.kind}")
    return [f"{title}: {p}" for p in problems]


def test_the_check_catches_a_transcript_from_another_topic() -> None:
    session, _ = next(iter(demo_sessions(TODAY)))
    assert reads_true(session.title, session.messages, session.project) == []
    other = next(t for t in TOPICS if t.title != session.title and t.kind == BY_TITLE[
        session.title].kind and t.project == BY_TITLE[session.title].project)
    swapped = (session.messages[0], Message("assistant", other.reply, None))
    assert reads_true(session.title, swapped, session.project)
    assert reads_true(other.title, session.messages, session.project)
    assert reads_true("How does the search indexer work", session.messages, session.project)


def test_every_session_of_the_demo_database_reads_true(db_path: Path) -> None:
    db = open_db(db_path)
    try:
        generate_demo(db, today=TODAY)
        rows = list_sessions(db)
        problems = [p for row in rows
                    for p in reads_true(row.title, get_transcript(db, row.id), row.project,
                                        row.rating.labels)]
    finally:
        db.close()
    assert len(rows) > 1200
    assert problems == []
    assert sum(r.rating.verdict is not Verdict.UNRATED for r in rows) > 300


def test_the_demo_is_varied() -> None:
    sessions = [s for s, _ in demo_sessions(TODAY)]
    titles = Counter(s.title for s in sessions)
    assert len(titles) > 500  # of about 1,400 sessions
    assert max(titles.values()) <= 5  # a topic comes back months later at most a few times
    by_tool: dict[str, set[str]] = {}
    for s in sessions:
        by_tool.setdefault(s.source, set()).add(s.title)
    assert min(len(titles) for titles in by_tool.values()) > 90
    # The same topic never twice in a row for one tool.
    for tool in by_tool:
        mine = [s.title for s in sessions if s.source == tool]
        assert all(a != b for a, b in itertools.pairwise(mine)), tool


@pytest.mark.parametrize("source", registry.SOURCES)
def test_every_session_demo_data_writes_reads_true(source: str) -> None:
    sessions = list(sessions_for(source, 150))
    problems = [p for s in sessions for p in reads_true(
        s.title, s.messages, s.project)]
    assert problems == []
    assert all((s.project is not None) == (source in CODING_SOURCES) for s in sessions)


@pytest.mark.parametrize("source", ["chatgpt", "claude-code", "codex", "gemini"])
def test_imported_demo_data_keeps_each_title_with_its_prompt(db_path: Path, tmp_path: Path,
                                                             source: str) -> None:
    db = open_db(db_path)
    try:
        assert import_paths(db, [write_export(source, 60, tmp_path / source)]).ok
        rows = list_sessions(db)
        firsts = [next(m.text for m in get_transcript(db, r.id) if m.role == "user")
                  for r in rows]
    finally:
        db.close()
    assert len(rows) == 60
    for row, first in zip(rows, firsts, strict=True):
        # The prompt as the tool kept it (Gemini's Takeout adds the names of attached files).
        topic = next(t for t in TOPICS if first.startswith(t.prompt))
        # A tool that keeps no title shows the first prompt instead.
        assert row.title in (topic.title, title_from(first)), (row.title, first)
