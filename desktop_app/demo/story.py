"""The demo's story: a year of sessions and ratings, deterministic for a given day (no Qt).

Every session is about one :class:`~desktop_app.demo.corpus.Topic`: its title and every message
come from that record (and from follow-ups that fit any topic of its kind), so it reads true.
Sessions happen at local working hours on days before today, so nothing lies in the future.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import TypeVar

from desktop_app.demo.chat_topics import CHAT_TOPICS
from desktop_app.demo.code_topics import CODE_TOPICS
from desktop_app.demo.corpus import (
    AGENT_FOLLOW_UPS,
    CHAT_FOLLOW_UPS,
    KINDS_BY_TOOL,
    MODELS,
    NOT_USEFUL_NOTES,
    SECOND_LABEL,
    USEFUL_NOTES,
    AgentFollowUp,
    Topic,
)
from desktop_app.domain import DEFAULT_LABELS, DEFAULT_REASONS, Message, Rating, Session, Verdict
from desktop_app.metrics.periods import day_start_utc, local_date
from desktop_app.metrics.wilson import wilson_interval

_T = TypeVar("_T")
Entry = tuple[str, str, str | None]  # role, text, model of one message

CHAT_TOOLS: frozenset[str] = frozenset({"chatgpt", "claude-ai"})
#: Tools whose logs record token counts (the others leave ``tokens_in``/``tokens_out`` empty).
TOKEN_TOOLS: frozenset[str] = frozenset({"claude-code", "codex"})

# --- the story ---------------------------------------------------------------------------------
# Sessions per month grow geometrically from FIRST_MONTH to LAST_MONTH over 13 full months.
FIRST_MONTH = 44.0
LAST_MONTH = 178.0
FULL_MONTHS = 13
# Relative activity by weekday (Mon..Sun); the sum over a week times 4.345 weeks is one month.
_WEEKDAY_WEIGHT = (1.0, 1.05, 1.05, 1.0, 0.8, 0.14, 0.11)
_MONTH_WEIGHT = sum(_WEEKDAY_WEIGHT) * 365.25 / 12 / 7
# Share of sessions rated: at first (keen), at the end (rating fatigue), in the last complete
# week and in the current week (the Reflect queue's material).
RATE_SHARE_EARLY = 0.50
RATE_SHARE_LATE = 0.29
LAST_WEEK_RATE_SHARE = 0.12
CURRENT_WEEK_RATE_SHARE = 0.05
MIN_LAST_WEEK_SESSIONS = 15
# The story is checked with this margin on top of what a chart needs, and re-rolled (a bounded
# number of times) when the dice blurred it.
STORY_MARGIN = 0.02
STORY_ATTEMPTS = 8
# Sessions start in these local hours (weekdays, weights; weekends: uniform), so that the longest
# session (2 hours) still ends well before midnight.
_WEEKDAY_HOURS = (range(7, 19), (4, 8, 12, 12, 10, 5, 9, 12, 11, 8, 5, 2))
_WEEKEND_HOURS = range(9, 21)

# Tool mix at the start and at the end of the period (interpolated); codex appears at CODEX_FROM.
_TOOL_MIX_EARLY: Mapping[str, float] = {
    "chatgpt": 0.36, "claude-ai": 0.22, "copilot": 0.30, "claude-code": 0.12, "codex": 0.0,
}
_TOOL_MIX_LATE: Mapping[str, float] = {
    "chatgpt": 0.20, "claude-ai": 0.13, "copilot": 0.17, "claude-code": 0.30, "codex": 0.20,
}
CODEX_FROM = 0.3

# Chance that a session was useful (rated or not): per tool at the start and the end of the
# period, plus a per-label shift (averaged over the session's labels).
_USEFUL_EARLY: Mapping[str, float] = {
    "chatgpt": 0.92, "claude-ai": 0.92, "claude-code": 0.92, "codex": 0.78, "copilot": 0.70,
}
_USEFUL_LATE: Mapping[str, float] = {
    "chatgpt": 0.31, "claude-ai": 0.35, "claude-code": 0.80, "codex": 0.46, "copilot": 0.26,
}
_LABEL_SHIFT: Mapping[str, float] = {
    "research": 0.20, "learning": 0.06, "writing": 0.04, "coding": 0.03, "data": 0.0,
    "other": -0.05, "debugging": -0.26,
}
# What a session that went well or badly looks like, so that a person's verdicts follow what
# the suggestion model can see: a chat that went round in circles takes more turns, an agent
# that struggled takes more follow-ups and longer. Weights of 1..5 chat turns (no outcome:
# the export files' mix).
_CHAT_TURNS = (30, 35, 20, 10, 5)
_CHAT_TURNS_USEFUL = (42, 36, 14, 6, 2)
_CHAT_TURNS_NOT_USEFUL = (8, 22, 30, 24, 16)

def weighted(rng: random.Random, weights: Mapping[str, float]) -> str:
    names = [name for name, weight in weights.items() if weight > 0]
    return rng.choices(names, [weights[name] for name in names])[0]


def pick(rng: random.Random, items: Sequence[_T]) -> _T:
    return items[rng.randrange(len(items))]


def _months_before(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


def _plan_days(rng: random.Random, start: date, today: date) -> list[int]:
    """How many sessions start on each day from ``start`` up to ``today`` (excluded), growing."""
    growth = (LAST_MONTH / FIRST_MONTH) ** (1 / (FULL_MONTHS - 1))
    counts: list[int] = []
    for offset in range((today - start).days):
        day = start + timedelta(days=offset)
        months = offset / (365.25 / 12)
        expected = FIRST_MONTH * growth**months * _WEEKDAY_WEIGHT[day.weekday()] / _MONTH_WEIGHT
        counts.append(int(expected + rng.random()))
    # The Reflect queue needs material in the last complete week, whatever the dice said.
    week = (today - start).days - today.weekday() - 7
    day_index = week
    while sum(counts[week:week + 7]) < MIN_LAST_WEEK_SESSIONS:
        counts[day_index] += 1
        day_index = week + (day_index - week + 1) % 5
    return counts


def _start_times(rng: random.Random, day: date, count: int) -> list[datetime]:
    """``count`` start times (UTC) at local working hours of ``day``, in order."""
    times: list[datetime] = []
    for _ in range(count):
        weekend = day.weekday() >= 5
        hour = rng.choice(_WEEKEND_HOURS) if weekend else rng.choices(*_WEEKDAY_HOURS)[0]
        # A naive time is local: the person's clock, whatever zone the computer is in.
        local = datetime.combine(day, time(hour, rng.randrange(60), rng.randrange(60)))
        times.append(local.astimezone(UTC))
    return sorted(times)


def _uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def pick_model(rng: random.Random, tool: str, t: float) -> str:
    weights = {name: early + (late - early) * t
               for name, since, early, late in MODELS[tool] if t >= since}
    return weighted(rng, weights)


class Decks:
    """Topics of each kind dealt in a shuffled order: every topic of a kind once before any of
    them comes again, so a topic recurs months apart, never twice in a row."""

    def __init__(self, rng: random.Random, topics: Sequence[Topic]) -> None:
        self._rng = rng
        self._topics: dict[str, list[Topic]] = {}
        for topic in topics:
            self._topics.setdefault(topic.kind, []).append(topic)
        self._decks: dict[str, list[Topic]] = {}

    def draw(self, kind: str) -> Topic:
        """The next topic of ``kind``."""
        deck = self._decks.get(kind)
        if not deck:
            deck = list(self._topics[kind])
            self._rng.shuffle(deck)
            self._decks[kind] = deck
        return deck.pop()


def chat_decks(rng: random.Random) -> Decks:
    """Decks of what people ask the chat apps."""
    return Decks(rng, CHAT_TOPICS)


def code_decks(rng: random.Random) -> Decks:
    """Decks of what the coding assistants work on."""
    return Decks(rng, CODE_TOPICS)


def chat_messages(rng: random.Random, topic: Topic, model: str,
                  went_well: bool | None = None) -> list[Entry]:
    """A chat about ``topic``: its prompt and answer, then a few follow-ups that fit it (more
    of them when it did not go well)."""
    weights = _CHAT_TURNS if went_well is None else \
        _CHAT_TURNS_USEFUL if went_well else _CHAT_TURNS_NOT_USEFUL
    turns = rng.choices((1, 2, 3, 4, 5), weights)[0]
    entries: list[Entry] = [("user", topic.prompt, None), ("assistant", topic.reply, model)]
    shared = CHAT_FOLLOW_UPS[topic.kind] if topic.shared_follow_ups else ()
    follow_ups = [*topic.follow_ups, *rng.sample(shared, len(shared))]
    for question, answer in follow_ups[:turns - 1]:
        entries.append(("user", question, None))
        entries.append(("assistant", answer, model))
    return entries


def _test_output(rng: random.Random, command: str, size: int, failing: bool) -> str:
    """What ``command`` prints when ``size`` tests run (one of them failing, if ``failing``)."""
    if command.startswith("terraform plan"):
        return f"Plan: {rng.randint(0, 3)} to add, {rng.randint(1, 4)} to change, 0 to destroy."
    if command.startswith("terraform validate"):
        return "Success! The configuration is valid."
    failed = "1 failed, " if failing else ""
    passed = size - failing
    if command.startswith("pytest"):
        return f"{failed}{passed} passed in {rng.uniform(0.3, 0.1 * size + 2):.2f}s"
    if command.startswith("go test"):
        if failing:
            return f"FAIL (1 of {size} tests failed)"
        return f"ok ({size} tests, {rng.uniform(0.05, 0.02 * size + 1):.2f}s)"
    return f"{failed}{passed} tests passed"


def coding_messages(rng: random.Random, topic: Topic, model: str, tool: str,
                    went_well: bool | None = None) -> list[Entry]:
    """A coding assistant's session on ``topic``: the prompt, what the assistant says and does
    (reading, searching, editing and testing the topic's files), its report, and follow-ups
    (fewer when it went well, as many as fit when it did not)."""
    assert topic.project is not None
    project = topic.project
    narrow = rng.randint(6, 30)  # tests in the topic's own test file
    verb = "Applied patch to" if tool == "codex" else "Edited"

    def run(command: str, failing: bool = False) -> str:
        size = project.suite_size + rng.randint(-2, 2) if command == project.suite_command \
            else narrow
        return f"Ran {command}: {_test_output(rng, command, size, failing)}"

    def edit(path: str, trim: bool = False) -> str:
        added, removed = (rng.randint(0, 3), rng.randint(6, 40)) if trim else \
            (rng.randint(2, 60), rng.randint(0, 25))
        return f"{verb} {path} (+{added} -{removed})"

    def act(action: str) -> str:
        if action == "read":
            return f"Read {pick(rng, topic.files)}"
        if action == "search":
            found = rng.randint(1, 14)
            matches = "1 match" if found == 1 else f"{found} matches"
            return f'Searched for "{topic.search}" in the project ({matches})'
        if action in ("edit", "trim"):
            path = topic.files[0] if rng.random() < 0.7 else pick(rng, topic.files)
            return edit(path, trim=action == "trim")
        if action == "notes":
            return f"{verb} NOTES.md (+{rng.randint(8, 40)} -0)"
        if action == "suite":
            return run(project.suite_command)
        return run(topic.test_command)

    main = topic.files[0]
    tools: list[str] = []
    if not topic.edits:
        tools = [f"Read {main}", act("search")]
        if len(topic.files) > 1 and rng.random() < 0.6:
            tools.append(f"Read {topic.files[1]}")
    else:
        reproduce = topic.kind == "debugging" and project.lang != "terraform"
        if reproduce:
            tools.append(run(topic.test_command, failing=True))
        tools.append(f"Read {main}" if rng.random() < 0.7 else act("search"))
        tools.append(edit(main))
        if len(topic.files) > 1 and not reproduce and rng.random() < 0.5:
            tools.append(edit(topic.files[1]))
        tools.append(run(project.suite_command if project.lang == "terraform"
                         else topic.test_command))
    entries: list[Entry] = [("user", topic.prompt, None), ("assistant", topic.reply, model),
                            *(("tool", text, None) for text in tools),
                            ("assistant", topic.result, model)]
    if went_well is None:
        target = rng.randint(len(entries), 10)
    elif went_well:
        target = min(10, len(entries) + rng.randint(0, 3))
    else:
        target = rng.randint(max(len(entries), 8), 10)
    pool: Sequence[AgentFollowUp]
    if not topic.edits:
        pool = AGENT_FOLLOW_UPS["read"]
    else:
        pool = AGENT_FOLLOW_UPS.get(project.lang, AGENT_FOLLOW_UPS[""])
    for prompt, report, actions in rng.sample(pool, len(pool)):
        step: list[Entry] = [("user", prompt, None),
                             *(("tool", act(action), None) for action in actions),
                             ("assistant", report, model)]
        if len(entries) + len(step) > target:
            break
        entries.extend(step)
    return entries


def timed(rng: random.Random, entries: list[Entry], start: datetime,
           minutes: float) -> tuple[Message, ...]:
    span = int(minutes * 60)
    offsets = sorted(rng.randint(0, span) for _ in range(len(entries) - 2))
    seconds = [0, *offsets, span]
    return tuple(
        Message(role=role, text=text, time=start + timedelta(seconds=second), model=model)
        for (role, text, model), second in zip(entries, seconds, strict=True)
    )


def _labels(rng: random.Random, kind: str) -> list[str]:
    """The labels a person gives a session of ``kind``: the kind, now and then a second one."""
    labels = [kind]
    if rng.random() < 0.25:
        labels.append(pick(rng, SECOND_LABEL[kind]))
    return labels


def _went_well(rng: random.Random, tool: str, labels: Sequence[str], t: float) -> bool:
    """Whether a session of ``tool`` with ``labels``, ``t`` of the way through the period, was
    useful (the person's verdict, if they rate it)."""
    chance = _USEFUL_EARLY[tool] + (_USEFUL_LATE[tool] - _USEFUL_EARLY[tool]) * t
    chance += sum(_LABEL_SHIFT[label] for label in labels) / len(labels)
    return rng.random() < min(0.97, max(0.03, chance))


def _rating(rng: random.Random, tool: str, labels: Sequence[str], useful: bool,
            ended: datetime, latest: datetime) -> Rating:
    minutes: int | None = None
    reason: str | None = None
    note: str | None = None
    if useful:
        if rng.random() < 0.88:
            scale = 1.5 if tool not in CHAT_TOOLS else 1.0
            minutes = int(rng.choice((5, 5, 10, 10, 15, 15, 20, 30, 30, 45, 60)) * scale)
            minutes = min(60, 5 * round(minutes / 5))
        if rng.random() < 0.1:
            note = pick(rng, USEFUL_NOTES)
    else:
        if rng.random() < 0.75:
            minutes = rng.choice((0, 0, 0, -5, -10, -10, -15, -20, -30))
        if rng.random() < 0.85:
            reason = rng.choices(DEFAULT_REASONS, (30, 25, 25, 12, 8))[0]
        if rng.random() < 0.1:
            note = pick(rng, NOT_USEFUL_NOTES)
    roll = rng.random()
    if roll < 0.6:
        delay = timedelta(minutes=rng.randint(1, 90))
    elif roll < 0.85:
        delay = timedelta(hours=rng.randint(2, 30))
    else:
        delay = timedelta(days=rng.randint(1, 6), hours=rng.randint(0, 8))
    return Rating(
        verdict=Verdict.USEFUL if useful else Verdict.NOT_USEFUL,
        minutes_saved=minutes,
        labels=tuple(label for label in DEFAULT_LABELS if label in labels),
        reason=reason,
        note=note,
        rated_at=min(ended + delay, max(latest, ended)),
    )


def _token_split(rng: random.Random, tool: str,
                 tokens_in: int) -> tuple[int, int | None, int]:
    """``tokens_in`` as the tool records it: uncached input, cache writes (None: Codex records
    none) and cache reads. Claude Code reads almost all of its input from the prompt cache,
    writing what is new each turn to it; Codex reports most of its input as cached."""
    if tool == "codex":
        cache_read = int(tokens_in * rng.uniform(0.72, 0.92))
        return tokens_in - cache_read, None, cache_read
    uncached = int(tokens_in * rng.uniform(0.0005, 0.004))
    cache_write = int(tokens_in * rng.uniform(0.04, 0.14))
    return uncached, cache_write, tokens_in - uncached - cache_write


def _session(rng: random.Random, decks: tuple[Decks, Decks], started: datetime,
             t: float) -> tuple[Session, list[str], bool]:
    """One session starting at ``started``, ``t`` of the way through the period; the labels a
    person would give it, and whether it was useful (which shows in its length)."""
    mix = {tool: early + (_TOOL_MIX_LATE[tool] - early) * t
           for tool, early in _TOOL_MIX_EARLY.items()}
    if t < CODEX_FROM:
        mix["codex"] = 0.0
    tool = weighted(rng, mix)
    kind = weighted(rng, KINDS_BY_TOOL[tool])
    labels = _labels(rng, kind)
    useful = _went_well(rng, tool, labels, t)
    model = pick_model(rng, tool, t)
    chat, code = decks
    tokens_in: int | None = None
    tokens_out: int | None = None
    uncached: int | None = None
    cache_write: int | None = None
    cache_read: int | None = None
    if tool in CHAT_TOOLS:
        topic = chat.draw(kind)
        entries = chat_messages(rng, topic, model, useful)
        # A chat that does not help is read, tried and argued with for longer.
        per_entry = rng.uniform(0.8, 3.0) if useful else rng.uniform(1.5, 4.0)
        minutes = min(40.0, max(2.0, len(entries) * per_entry + rng.uniform(0, 6)))
    else:
        topic = code.draw(kind)
        entries = coding_messages(rng, topic, model, tool, useful)
        # An agent that struggles takes longer over every step.
        per_entry = rng.uniform(2.5, 7.0) if useful else rng.uniform(6.0, 13.0)
        minutes = min(120.0, max(5.0, len(entries) * per_entry + rng.uniform(0, 15)))
    if tool in TOKEN_TOOLS:
        # Agents re-send the conversation every turn, so input (mostly cache reads) dwarfs output.
        per_minute = rng.uniform(6_000, 20_000) if tool == "claude-code" else \
            rng.uniform(4_000, 14_000)
        tokens_in = int(min(2_000_000, max(50_000, minutes * per_minute)))
        tokens_out = int(tokens_in * rng.uniform(0.006, 0.03))
        uncached, cache_write, cache_read = _token_split(rng, tool, tokens_in)
    messages = timed(rng, entries, started, minutes)
    session = Session(
        source=tool,
        external_id=_uuid(rng),
        title=topic.title,
        started_at=started,
        ended_at=messages[-1].time,
        messages=messages,
        model=model,
        tokens_in=tokens_in,
        tokens_out=tokens_out,
        project=None if topic.project is None else topic.project.path,
        tokens_uncached=uncached,
        tokens_cache_write=cache_write,
        tokens_cache_read=cache_read,
    )
    return session, labels, useful


#: A demo session, its rating (None: unrated) and whether it was useful (rated or not).
StoryEntry = tuple[Session, Rating | None, bool]


def _build(today: date, seed: int, attempt: int) -> list[StoryEntry]:
    # ``today`` is part of the seed: another day is another data set, never a partial replay of
    # this one (one stream started elsewhere would repeat some draws, ids included).
    rng = random.Random(f"worthwhile-demo/{seed}/{today.isoformat()}/{attempt}")
    decks = (chat_decks(rng), code_decks(rng))
    start = _months_before(today, FULL_MONTHS)
    total_days = (today - start).days
    counts = _plan_days(rng, start, today)
    this_monday = total_days - today.weekday()
    last_monday = this_monday - 7
    # Pick exactly which sessions of the two recent weeks are rated, so the shares are certain.
    last_week_n = sum(counts[last_monday:this_monday])
    this_week_n = sum(counts[this_monday:])
    last_week_rated = set(rng.sample(
        range(last_week_n), min(last_week_n // 5, round(LAST_WEEK_RATE_SHARE * last_week_n))))
    this_week_rated = set(rng.sample(
        range(this_week_n), min(this_week_n // 10, round(CURRENT_WEEK_RATE_SHARE * this_week_n))))
    # Ratings, like sessions, happened before today.
    latest = day_start_utc(today) - timedelta(seconds=1)
    pairs: list[StoryEntry] = []
    seen_last_week = seen_this_week = 0
    for offset, count in enumerate(counts):
        day = start + timedelta(days=offset)
        t = offset / total_days
        for started in _start_times(rng, day, count):
            session, labels, useful = _session(rng, decks, started, t)
            if offset >= this_monday:
                rated = seen_this_week in this_week_rated
                seen_this_week += 1
            elif offset >= last_monday:
                rated = seen_last_week in last_week_rated
                seen_last_week += 1
            else:
                rated = rng.random() < RATE_SHARE_EARLY + (RATE_SHARE_LATE - RATE_SHARE_EARLY) * t
            ended = session.ended_at or started
            pairs.append((session, _rating(rng, session.source, labels, useful, ended, latest)
                          if rated else None, useful))
    return pairs


def _wilson(successes: int, n: int) -> tuple[float, float]:
    """95 % Wilson score interval (0..1 when there is nothing to go on)."""
    return wilson_interval(successes, n) if n else (0.0, 1.0)


def _tells_story(pairs: list[StoryEntry], today: date) -> bool:
    """Whether the dice told the designed story clearly, with a margin over what a chart shows."""
    first_month = _months_before(today, FULL_MONTHS)
    tallies: dict[str, list[int]] = {}
    for session, rating, _ in pairs:
        if rating is None or session.started_at is None:
            continue
        day = local_date(session.started_at)
        month = (day.year - first_month.year) * 12 + day.month - first_month.month
        groups = [session.source, *rating.labels]
        if month < 4:
            groups.append("first 4 months")
        elif month > FULL_MONTHS - 4:
            groups.append("last 4 months")
        for group in groups:
            tally = tallies.setdefault(group, [0, 0])
            tally[0] += rating.verdict is Verdict.USEFUL
            tally[1] += 1

    def share(group: str) -> float:
        useful, rated = tallies.get(group, (0, 0))
        return useful / rated if rated else 0.0

    def beats(better: str, worse: str) -> bool:
        return _wilson(*tallies.get(better, (0, 0)))[0] > _wilson(*tallies.get(worse, (0, 0)))[1] \
            + STORY_MARGIN

    return (share("first 4 months") - share("last 4 months") > 0.15 + STORY_MARGIN
            and beats("claude-code", "copilot") and beats("research", "debugging"))


def demo_story(today: date | None = None, seed: int = 2026) -> list[StoryEntry]:
    """:func:`demo_sessions` with whether each session was useful, rated or not (what shows in
    it, and in the commits that follow it: :mod:`desktop_app.demo.repositories`)."""
    if today is None:
        today = date.today()
    # The verdicts are dice rolls, so once in a while they blur the story (about one day in a
    # hundred); then the next roll of the same day is used, so a trainer's chart always shows it.
    entries = _build(today, seed, 0)
    attempt = 1
    while attempt < STORY_ATTEMPTS and not _tells_story(entries, today):
        entries = _build(today, seed, attempt)
        attempt += 1
    return entries


def demo_sessions(today: date | None = None,
                  seed: int = 2026) -> Iterator[tuple[Session, Rating | None]]:
    """Yield the demo data set, oldest session first, each with its rating (``None``: unrated).

    About 14 months of sessions up to the day before ``today`` (default: the local date): usage
    climbs month over month while the share of useful sessions drifts down; Claude Code beats
    Copilot and research beats debugging. Whether a session helped shows in it, rated or not (a
    chat that did not help took more turns, an agent that struggled more follow-ups and longer),
    so suggested verdicts learned from the ratings qualify. About a third are rated, but hardly
    any in the last complete week and the current one (its days so far), so the Reflect queue
    has material.
    Sessions start at local working hours and end the same evening, so every session, message
    and rating lies before the start of ``today`` (local midnight, :func:`day_start_utc`).
    The same ``today`` and ``seed`` always give the same sessions, ids, text and ratings at the
    same local times; nothing reads the clock otherwise.
    """
    for session, rating, _ in demo_story(today, seed):
        yield session, rating
