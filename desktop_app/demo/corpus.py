"""What the demo's sessions are made of: topic records, tools' task mixes, models and follow-ups.

A :class:`Topic` is one thing a person works on with an assistant, written as one piece: its
title, the first prompt, the assistant's answer and, for a coding assistant, its report, the
files it touches and what it searches for. A session takes its title and every sentence of its
transcript from one topic (plus follow-ups that fit any topic of its kind), so it reads true.
The topics themselves live in :mod:`.chat_topics` (chat apps) and :mod:`.code_topics` (coding
assistants working in a repository). Plain text tables, no logic: :mod:`.story` draws from them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Project:
    """A repository the coding assistants work in."""

    path: str
    #: "python", "typescript", "go" or "terraform": decides the test commands and their output.
    lang: str
    #: The command that runs the whole suite, as a tool entry names it.
    suite_command: str
    #: About how many tests the whole suite has (0: a Terraform plan, not tests).
    suite_size: int


@dataclass(frozen=True)
class Topic:
    """One thing a session is about; its title and transcript come from here only."""

    #: The label the work is about (one of the default labels).
    kind: str
    title: str
    #: Words that make it this topic: they appear in the title, the first prompt and an answer.
    key: str
    prompt: str
    #: The first answer (a chat), or what a coding assistant says before it starts working.
    reply: str
    #: A coding assistant's report after its first round of work ("" for a chat).
    result: str = ""
    #: Follow-up questions (and answers) only this topic has.
    follow_ups: tuple[tuple[str, str], ...] = ()
    #: Whether the follow-ups every topic of its kind shares may come after the own ones.
    shared_follow_ups: bool = True
    #: Coding topics: the repository, the files read and edited (the main one first), the
    #: narrow test command for them, and what the assistant searches the code for.
    project: Project | None = None
    files: tuple[str, ...] = ()
    test_command: str = ""
    search: str = ""
    #: Coding topics: whether the assistant changes files (False: it reads and explains).
    edits: bool = True


#: A follow-up a person types in a coding session, what the assistant reports after it, and what
#: it does in between: "read", "search", "edit", "trim" (an edit that mostly removes lines),
#: "test" (the topic's tests), "suite" (all tests), "notes" (writes NOTES.md).
AgentFollowUp = tuple[str, str, tuple[str, ...]]

KINDS_BY_TOOL: Mapping[str, Mapping[str, float]] = {
    "chatgpt": {"writing": 0.21, "research": 0.29, "learning": 0.16, "coding": 0.08,
                "debugging": 0.08, "data": 0.1, "other": 0.08},
    "claude-ai": {"writing": 0.25, "research": 0.29, "learning": 0.14, "coding": 0.08,
                  "debugging": 0.07, "data": 0.1, "other": 0.07},
    "claude-code": {"coding": 0.48, "debugging": 0.30, "data": 0.1, "research": 0.07,
                    "learning": 0.05},
    "codex": {"coding": 0.5, "debugging": 0.32, "data": 0.1, "research": 0.04, "learning": 0.04},
    "copilot": {"coding": 0.48, "debugging": 0.36, "learning": 0.1, "data": 0.06},
}
SECOND_LABEL: Mapping[str, tuple[str, ...]] = {
    "coding": ("debugging", "learning", "data"),
    "debugging": ("coding", "learning"),
    "writing": ("research", "other"),
    "research": ("writing", "learning", "data"),
    "learning": ("coding", "research"),
    "data": ("coding", "research"),
    "other": ("writing", "research"),
}

MODELS: Mapping[str, tuple[tuple[str, float, float, float], ...]] = {
    # model, available from t, weight early, weight late
    "chatgpt": (("gpt-4o", 0.0, 0.7, 0.1), ("o1", 0.0, 0.2, 0.0), ("gpt-4o-mini", 0.0, 0.1, 0.05),
                ("o3", 0.2, 0.2, 0.15), ("gpt-4.1", 0.25, 0.1, 0.05), ("gpt-5", 0.55, 0.5, 0.65)),
    "claude-ai": (("claude-3-5-sonnet", 0.0, 0.6, 0.0), ("claude-3-7-sonnet", 0.0, 0.4, 0.05),
                  ("claude-sonnet-4", 0.25, 0.6, 0.15), ("claude-opus-4-1", 0.45, 0.2, 0.2),
                  ("claude-sonnet-4-5", 0.65, 0.7, 0.6)),
    "claude-code": (("claude-3-7-sonnet", 0.0, 0.8, 0.0), ("claude-sonnet-4", 0.15, 0.8, 0.15),
                    ("claude-opus-4-1", 0.4, 0.3, 0.25), ("claude-sonnet-4-5", 0.65, 0.7, 0.6)),
    "codex": (("codex-mini-latest", 0.0, 0.6, 0.05), ("gpt-5", 0.4, 0.3, 0.2),
              ("gpt-5-codex", 0.55, 0.6, 0.75)),
    "copilot": (("gpt-4o", 0.0, 0.8, 0.1), ("claude-3-5-sonnet", 0.0, 0.2, 0.0),
                ("gpt-4.1", 0.3, 0.6, 0.3), ("claude-sonnet-4", 0.35, 0.3, 0.3),
                ("gpt-5-mini", 0.6, 0.3, 0.3)),
}

# --- follow-ups that fit any topic of their kind -------------------------------------------------

CHAT_FOLLOW_UPS: Mapping[str, tuple[tuple[str, str], ...]] = {
    "writing": (
        ("Make it shorter.", "Here it is at about half the length; the main point and the ask "
         "are still there."),
        ("Can you make the tone less formal?", "Here it is in a warmer, more relaxed tone, with "
         "the same content."),
        ("Can you turn that into bullet points?", "Here it is as bullet points, the most "
         "important first."),
        ("That's too long for Slack.", "A Slack-sized version: three sentences, with the full "
         "text linked for anyone who wants it."),
        ("Less corporate, please.", "Rewritten without the buzzwords; it should read like a "
         "person wrote it now."),
        ("Give me two other openings.", "Two alternatives: one that starts with the news, one "
         "that starts with what the reader gets out of it."),
    ),
    "research": (
        ("Can you put that in a table?", "Here it is as a table: one row per point, with the "
         "evidence next to it."),
        ("How sure are you about this?", "Fairly sure about the overall picture, less about the "
         "details; check the specifics against current sources before relying on them."),
        ("Summarise that in three sentences.", "Here it is in three sentences, with the "
         "conclusion first."),
        ("Explain the second point again.", "Sure: here it is step by step, with an example."),
        ("What's the one thing to remember?", "That context matters most: what worked "
         "somewhere else may not carry over to your situation, so test it small first."),
    ),
    "learning": (
        ("Explain the second point again.", "Sure: here it is step by step, with a smaller "
         "example."),
        ("Can you give me a harder example?", "Here is one where it interacts with error "
         "handling; predict the output before you run it."),
        ("Why is it designed that way?", "Mostly for predictability: the rule is simple to "
         "state, even if the edge cases surprise people."),
        ("How would I check that I've understood it?", "Write the example from memory, then "
         "change one line and predict what happens before running it."),
        ("Where can I read more?", "The official documentation's section on it is the best "
         "next step; read the examples, not just the reference."),
    ),
    "coding": (
        ("Can you show the whole function?", "Here is the whole function with the change in "
         "place."),
        ("Is there a simpler way?", "Yes, if you accept one more line of setup: here is a "
         "version half as long."),
        ("That doesn't work in my version.", "You're right, that came in a later version. For "
         "yours, use the form below."),
        ("Can you add a test for it?", "Here is a test with the normal case, an empty input and "
         "one bad value."),
        ("Why not use a library for this?", "You could; the trade-off is one more dependency "
         "for a few dozen lines of code."),
    ),
    "debugging": (
        ("That didn't fix it, same error.", "Then the cause is earlier: check where the value "
         "is created. Add the log line below and paste what it prints."),
        ("It works now, thanks.", "Good. Add a test that reproduces the original failure so "
         "it stays fixed."),
        ("Why did it work before?", "Most likely the earlier code never reached this path; a "
         "recent change made it reachable."),
        ("How do I stop this from happening again?", "A regression test for this case, and a "
         "check at the boundary where the bad value comes in."),
    ),
    "data": (
        ("Can you do that in pandas instead?", "Here is the same logic in pandas; it reads the "
         "file once and does the rest in memory."),
        ("The numbers don't match our dashboard.", "The dashboard probably counts in local time "
         "and this uses UTC; shift the timestamps first and the totals should agree."),
        ("Can you explain that step by step?", "Sure: load, clean, group, then compute; each "
         "step below with what it does."),
        ("How do I run this every Monday?", "A cron entry or your scheduler's weekly trigger; "
         "write the output to a dated file so runs don't overwrite each other."),
    ),
    "other": (
        ("Make it cheaper.", "A cheaper version: fewer paid extras, and the two biggest costs "
         "swapped for free options."),
        ("Can you put that in a table?", "Here it is as a table, one row per item."),
        ("What would you drop if time runs out?", "The nice-to-haves at the bottom of the list; "
         "nothing above them depends on them."),
        ("Thanks. Anything I missed?", "Check the deadlines first: anything that needs booking "
         "or ordering can't be fixed at the last minute."),
    ),
}

AGENT_FOLLOW_UPS: Mapping[str, tuple[AgentFollowUp, ...]] = {
    # For work that changes code, by the project's language ("" for any).
    "": (
        ("Run the full test suite, please.", "The full suite passes.", ("suite",)),
        ("Keep the diff smaller.", "I dropped the unrelated formatting changes; the diff is "
         "now only the change itself.", ("trim",)),
        ("That broke the build. Can you fix it?", "Fixed: an import I had moved was still used "
         "in another module. The build is green again.", ("search", "edit", "suite")),
        ("Undo the last change, it was wrong.", "Reverted it; the code is back to the previous "
         "version and the tests pass.", ("trim", "test")),
        ("Good. Can you add a test for that?", "Added a regression test; it fails without the "
         "change and passes with it.", ("edit", "test")),
        ("Update the comments to match.", "The doc comments now describe the new behaviour.",
         ("edit",)),
    ),
    "terraform": (
        ("Run a plan, please.", "The plan shows only the expected changes.", ("suite",)),
        ("Keep the diff smaller.", "I dropped the unrelated formatting changes; the diff is "
         "now only the change itself.", ("trim",)),
        ("Run fmt and validate too.", "terraform fmt is clean and the configuration validates.",
         ("edit", "test")),
        ("Add a comment explaining why.", "Added a short comment above the block saying why "
         "it is there.", ("edit",)),
    ),
    # For work that reads and explains.
    "read": (
        ("Write that up in NOTES.md.", "Written to NOTES.md: one paragraph per step, with the "
         "file names.", ("notes",)),
        ("Which tests cover this?", "The tests that exercise it are in the files the search "
         "found; the error paths have no test yet.", ("search",)),
        ("Show me where it is called from.", "Here are the call sites, with a line on what each "
         "one passes in.", ("search",)),
        ("Where should I start if I want to change it?", "With the tests next to it: they "
         "show what it promises, so you know what a change must keep.", ("read",)),
    ),
}

#: Sentences the ``demo-data`` writers add to answers to bring them to a realistic length, by the
#: kind of topic (see :data:`ELABORATION_OF_KIND`); each fits any answer of its kinds.
ELABORATION: Mapping[str, tuple[str, ...]] = {
    "technical": (
        "One caveat: this depends on the version you run, so check the changelog before "
        "relying on it.",
        "A common mistake here is to handle the happy path only; add a case for empty input "
        "and one for a value that is far too large.",
        "You can verify this quickly: run it on a small sample first and compare the output by "
        "hand.",
        "Keep the change small enough to review in one sitting, and write down why you made "
        "it.",
        "If that does not match what you see, paste the exact output and I will look again.",
        "Once it works, a short test that pins this behaviour saves the next person an "
        "afternoon.",
        "If it still fails, the full error message and the versions you run will narrow it "
        "down quickly.",
    ),
    "learning": (
        "The short version is above; the details below matter once the basics are clear.",
        "A good way to make it stick is to explain it to someone else in your own words.",
        "If a part of this doesn't click, say which one and I'll try a different angle.",
        "It is worth trying a small example yourself before reading further.",
        "Most people find this confusing at first; it gets easier after a few examples.",
        "Coming back to it after a day or two helps more than reading it twice now.",
    ),
    "general": (
        "The short version is above; the details below matter once the first step is done.",
        "There is a trade-off between simplicity and flexibility; the simpler option usually "
        "wins.",
        "Note that any numbers here are estimates; treat them as an order of magnitude, not a "
        "quote.",
        "Most of the effort is in the first step; after that it gets easier.",
        "It is worth asking one person who will be affected before settling on this.",
        "If something here does not fit your situation, say which part and I will rework it.",
    ),
}
ELABORATION_OF_KIND: Mapping[str, str] = {
    "coding": "technical", "debugging": "technical", "data": "technical",
    "learning": "learning", "writing": "general", "research": "general", "other": "general",
}

USEFUL_NOTES: tuple[str, ...] = (
    "Saved me a trip to the docs", "Good first draft, edited lightly", "Caught a bug I missed",
    "Would use again for this", "Much faster than searching", "Explained it better than the docs",
)
NOT_USEFUL_NOTES: tuple[str, ...] = (
    "Invented an API that doesn't exist", "Went in circles", "Quicker to write it myself",
    "Confident but wrong", "Only helped as a rubber duck", "Too generic to use",
)
