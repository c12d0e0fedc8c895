"""Synthetic files of any source in that tool's own format (``worthwhile demo-data``).

The sessions come from :mod:`desktop_app.demo.story`'s generator (the same topics, follow-ups and
models): chats for the chat apps and ``llm``, coding sessions with tool calls, a project and
token counts for the coding assistants. Each source's own writer (``SPEC.writer``, the
``write_demo`` of its module) lays them out as the tool does, file or folder layout included.
The same arguments always give the same bytes; sessions are generated one at a time, so a file
of any size can be written; importing it gives exactly the sessions asked for.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from desktop_app.demo import corpus, story
from desktop_app.domain import Message, Session
from desktop_app.importers import registry

#: Files are anchored to this day unless another is given, so that they never depend on the clock.
DEFAULT_END = date(2026, 3, 1)
DEFAULT_SEED = 2026

#: Sources whose sessions are coding sessions (a project, tool calls, many tokens).
CODING_SOURCES = frozenset({"claude-code", "codex", "copilot", "cursor", "aider", "gemini-cli"})

_MODELS: dict[str, tuple[str, ...]] = {
    "chatgpt": ("gpt-4o", "gpt-4o", "gpt-5", "gpt-5", "o3", "gpt-4.1", "gpt-4o-mini"),
    "claude-ai": ("claude-sonnet-4-5", "claude-sonnet-4-5", "claude-sonnet-4", "claude-opus-4-1"),
    "gemini": ("gemini-2.5-flash", "gemini-2.5-flash", "gemini-2.5-pro"),
    "open-webui": ("llama3.1:8b", "qwen2.5:14b", "mistral-nemo:12b", "gpt-4o-mini"),
    "generic": ("sonar", "sonar-pro", "mistral-large", "deepseek-chat"),
    "llm": ("gpt-4o-mini", "gpt-4.1-mini", "claude-3.5-haiku", "gemini-2.0-flash"),
    "cursor": ("claude-4-sonnet", "claude-4-sonnet", "gpt-5", "claude-4.5-sonnet"),
    "aider": ("anthropic/claude-sonnet-4", "gpt-4.1", "deepseek/deepseek-chat"),
    "gemini-cli": ("gemini-2.5-pro", "gemini-2.5-pro", "gemini-2.5-flash"),
}
_GENERIC_TOOLS = ("Perplexity", "Le Chat", "DeepSeek", "Poe")
_HOME = "/home/alex"
_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
def sessions_for(source: str, count: int, *, seed: int = DEFAULT_SEED,
                 end: date = DEFAULT_END) -> Iterator[Session]:
    """``count`` sessions of ``source``, oldest first, spread over the time before ``end``.

    Deterministic: the same arguments give the same sessions, ids included. Each session is
    what the tool would record: ids of the tool's own kind, a model, tokens (the writer leaves
    out what its format does not carry), regenerated answers and thumbs for ChatGPT, a prompt
    left unanswered now and then for Gemini (Takeout misses many answers), token counts as Aider
    prints them (``4.5k``).
    """
    rng = random.Random(f"worthwhile-demo-data/{source}/{seed}/{end.isoformat()}")
    decks = story.code_decks(rng) if source in CODING_SOURCES else story.chat_decks(rng)
    finish = datetime.combine(end, time(0, 0, tzinfo=UTC))
    # About a year of history; bigger exports get longer, like a heavy user's would.
    span = timedelta(days=max(365.0, count * 12 / (24 * 60)))
    slot = span / count
    start = finish - span
    for index in range(count):
        started = start + slot * index + slot * rng.random() * 0.5
        started = started.replace(microsecond=0)
        if source in CODING_SOURCES:
            yield _coding_session(rng, decks, source, index, started, slot, index / count)
        else:
            yield _chat_session(rng, decks, source, index, started, slot)


def _chat_session(rng: random.Random, decks: story.Decks, source: str, index: int,
                  started: datetime, slot: timedelta) -> Session:
    kind = story.weighted(rng, corpus.KINDS_BY_TOOL["chatgpt"])
    topic = decks.draw(kind)
    model = story.pick(rng, _MODELS[source])
    entries = story.chat_messages(rng, topic, model)
    elaboration = corpus.ELABORATION[corpus.ELABORATION_OF_KIND[kind]]
    messages: list[Message] = []
    moment = started
    max_step = max(2, int(slot.total_seconds() / 2 / max(1, len(entries))))
    tokens_in = tokens_out = 0
    context = 0
    for role, text, _model in entries:
        if role == "assistant":
            extra = rng.sample(elaboration, rng.randint(2, 6))
            text = (text + "\n\n" + " ".join(extra[:2]) + "\n\n" + " ".join(extra[2:])).rstrip()
            tokens_in += 40 + context // 4
            tokens_out += max(1, len(text) // 4)
        context += len(text)
        messages.append(Message(role, text, moment, model if role == "assistant" else None))
        moment += timedelta(seconds=rng.randint(1, min(240, max_step)))
    branches = 0
    feedback: str | None = None
    roll = rng.random()
    if source == "chatgpt":
        branches = int(roll < 0.125)
        feedback = ("up", "up", "down", "mixed")[int(roll * 100) % 4] if roll > 0.94 else None
        if kind == "data" and rng.random() < 0.5:  # code interpreter ran something
            at = next(i for i, m in enumerate(messages) if m.role == "assistant")
            messages.insert(at, Message("tool", "Ran python: loaded the data and checked the "
                                        f"result on {rng.randint(3, 40)} rows.",
                                        messages[at].time))
    elif source == "open-webui":
        branches = int(roll < 0.1)
    elif source == "claude-ai":
        branches = int(roll < 0.08)
    elif source == "gemini" and roll > 0.83 and len(messages) > 2:
        messages.pop()  # Takeout has no answer for this prompt
    elif source == "llm" and roll < 0.25:  # ``llm -T``: a tool the model called
        messages.insert(1, Message("tool", f'Searched for "{topic.key}" '
                                   f"({rng.randint(2, 9)} matches)", messages[0].time))
    external_id = _external_id(rng, source, index, started)
    return Session(source=source, external_id=external_id, title=topic.title,
                   started_at=started, ended_at=messages[-1].time, messages=tuple(messages),
                   model=model, tokens_in=tokens_in, tokens_out=tokens_out,
                   hidden_branches=branches, tool_feedback=feedback)


def _coding_session(rng: random.Random, decks: story.Decks, source: str, index: int,
                    started: datetime, slot: timedelta, t: float) -> Session:
    kinds = corpus.KINDS_BY_TOOL.get(source, corpus.KINDS_BY_TOOL["claude-code"])
    topic = decks.draw(story.weighted(rng, kinds))
    assert topic.project is not None
    model = story.pick_model(rng, source, t) if source in corpus.MODELS else \
        story.pick(rng, _MODELS[source])
    entries = story.coding_messages(rng, topic, model, source)
    minutes = min(120.0, max(5.0, len(entries) * rng.uniform(2.5, 12.0) + rng.uniform(0, 15)))
    minutes = min(minutes, max(1.0, slot.total_seconds() / 120))
    messages = story.timed(rng, entries, started, minutes)
    # Agents re-send the conversation every turn, so input (mostly cache reads) dwarfs output.
    tokens_in = int(min(2_000_000, max(50_000, minutes * rng.uniform(4_000, 20_000))))
    tokens_out = int(tokens_in * rng.uniform(0.006, 0.03))
    cost = None
    if source == "aider":  # no cache reads; Aider prints its counts rounded, and the cost
        tokens_in, tokens_out = _as_aider_prints(tokens_in // 20), _as_aider_prints(tokens_out)
        cost = round(tokens_in * 3e-6 + tokens_out * 15e-6, 4)
    return Session(source=source, external_id=_external_id(rng, source, index, started),
                   title=topic.title, started_at=started,
                   ended_at=messages[-1].time, messages=messages, model=model,
                   tokens_in=tokens_in, tokens_out=tokens_out, cost=cost,
                   project=topic.project.path.replace("~", _HOME, 1))


def _as_aider_prints(count: int) -> int:
    """A count as Aider shows it: exact below 1,000, then ``4.5k`` and ``45k``."""
    if count < 1000:
        return count
    if count < 10_000:
        return round(count / 100) * 100
    return round(count / 1000) * 1000


def _external_id(rng: random.Random, source: str, index: int, started: datetime) -> str:
    """An id of the kind the tool uses."""
    bits = rng.getrandbits(128)
    if source == "gemini":
        return f"{bits & (2**64 - 1):016x}"
    if source == "generic":
        return f"{_GENERIC_TOOLS[index % len(_GENERIC_TOOLS)]}/{uuid.UUID(int=bits, version=4)}"
    millis = int(started.timestamp() * 1000)
    if source == "llm":  # a ULID: 48 bits of milliseconds, 80 random
        value = (millis << 80) | (bits & (2**80 - 1))
        return "".join(_CROCKFORD[(value >> shift) & 31] for shift in range(125, -1, -5))
    if source == "codex":  # a UUIDv7: milliseconds first
        value = (millis << 80) | (bits & (2**80 - 1))
        value = (value & ~(0xF << 76) & ~(0x3 << 62)) | (0x7 << 76) | (0x2 << 62)
        return str(uuid.UUID(int=value))
    return str(uuid.UUID(int=bits, version=4))


def write_export(source: str, count: int, out: str | Path, *, seed: int = DEFAULT_SEED,
                 end: date = DEFAULT_END) -> Path:
    """Write ``count`` synthetic sessions of ``source`` in the tool's own format under ``out``.

    For a one-file format ``out`` is the file, or an existing folder (the tool's usual file
    name is used then); for a format laid out in folders (Claude Code, Codex, Copilot, Gemini
    CLI, Aider) it is the folder to lay them out in. Files are written under temporary names
    and renamed when complete. Returns the path to import. Raises :class:`KeyError` for a
    source without a writer and :class:`ValueError` for a count below 1.
    """
    if count < 1:
        raise ValueError("the number of sessions must be at least 1")
    writer = registry.spec(source).writer
    if writer is None:
        raise KeyError(source)
    return writer(sessions_for(source, count, seed=seed, end=end), Path(out))
