"""Plain data types shared by the store, importers, metrics and UI (no Qt here)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum

DEFAULT_LABELS: tuple[str, ...] = (
    "coding",
    "debugging",
    "writing",
    "research",
    "learning",
    "data",
    "other",
)

DEFAULT_REASONS: tuple[str, ...] = (
    "wrong or made up",
    "had to redo it",
    "faster myself",
    "just exploring",
    "gave up",
)

ROLES: tuple[str, ...] = ("user", "assistant", "tool", "system")

#: Minutes one session can save (or, negative, cost) at most: ten hours either way. More is a
#: typo, and one typo would swamp every mean of minutes saved.
MAX_MINUTES_SAVED = 600


class Verdict(StrEnum):
    """The user's own judgement of one session."""

    USEFUL = "useful"
    NOT_USEFUL = "not_useful"
    UNRATED = "unrated"

    @classmethod
    def parse(cls, text: str) -> Verdict:
        """Accept what a person types: ``useful``, ``not-useful``, ``not_useful``, ``clear``."""
        key = text.strip().lower().replace("-", "_").replace(" ", "_")
        if key in ("clear", "unrated", "none"):
            return cls.UNRATED
        try:
            return cls(key)
        except ValueError:
            raise ValueError(
                f"unknown verdict {text!r}: use useful, not-useful or clear"
            ) from None


def make_session_id(source: str, external_id: str) -> str:
    """Stable, opaque id of a session: the same source and external id give the same id anywhere."""
    digest = hashlib.sha256(f"{source}\x00{external_id}".encode()).hexdigest()
    return digest[:16]


def utc_iso(moment: datetime | None) -> str | None:
    """Format a time as ISO 8601 UTC with a trailing ``Z`` (seconds precision)."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    if moment.tzinfo is not UTC:
        moment = moment.astimezone(UTC)
    # isoformat is several times faster than strftime (imports format millions of times), and
    # twice as fast without timespec=; its first 19 characters are the same either way.
    return moment.isoformat()[:19] + "Z"


def message_times(messages: Sequence[Message]) -> tuple[str | None, ...]:
    """The messages' times as stored (:func:`utc_iso`), with the aware UTC times parsers give
    formatted inline (a million calls per large import)."""
    return tuple(m.time.isoformat()[:19] + "Z" if m.time is not None and m.time.tzinfo is UTC
                 else utc_iso(m.time) for m in messages)


def parse_utc(text: str | None) -> datetime | None:
    """Read a time written by :func:`utc_iso` (or any ISO 8601 string) as an aware UTC datetime."""
    if not text:
        return None
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


@dataclass(frozen=True, slots=True)
class Message:
    """One entry of a session's visible thread."""

    role: str
    text: str
    time: datetime | None = None
    model: str | None = None


@dataclass(frozen=True, slots=True)
class StoredForm:
    """What the store works out of a session before writing it, worked out ahead where the
    session was read (a worker process, while the importing process writes): its messages'
    times as stored (:func:`utc_iso`) and its :meth:`Session.content_hash`, for one parser
    version. The store uses it only for that version and for the session as read (never for
    a copy with other content, e.g. a no-text rule's).
    """

    parser_version: str
    times: tuple[str | None, ...]
    content_hash: str


@dataclass(frozen=True, slots=True)
class Session:
    """One conversation or coding session as a tool recorded it."""

    source: str
    external_id: str
    title: str
    started_at: datetime | None = None
    ended_at: datetime | None = None
    messages: tuple[Message, ...] = ()
    model: str | None = None
    tokens_in: int | None = None
    tokens_out: int | None = None
    cost: float | None = None
    project: str | None = None
    #: Regenerated or edited alternatives the tool kept that are not the visible thread.
    hidden_branches: int = 0
    #: The tool's own thumbs on the session (``"up"``, ``"down"``, ``"mixed"``), never a verdict.
    tool_feedback: str | None = None
    #: A cheap fingerprint of the session's record in its source file (see migration 0006), so a
    #: re-import can skip an unchanged one before parsing it; not part of the content hash.
    fingerprint: int | None = None
    #: The tool's own name where one source stands for many tools (a generic-format row's
    #: ``tool``: "Perplexity", "Poe"); None where the source is the tool.
    tool_name: str | None = None
    #: When the source last changed this session, as the source itself records it (ChatGPT's
    #: ``update_time``, Claude.ai's ``updated_at``, …): of two copies of a session the newer
    #: one is kept. None where the source records no such time. Not part of the content hash
    #: (see :func:`desktop_app.store.sessions.save_sessions`).
    updated_at: datetime | None = None
    #: The split of ``tokens_in`` where the source records it (PRODUCT.md, "Tokens and
    #: model"): input the model read uncached, input written to its prompt cache, and input
    #: read from that cache. ``tokens_in`` stays their sum; None where the source does not
    #: record that part (Codex records cache reads but no cache writes).
    tokens_uncached: int | None = None
    tokens_cache_write: int | None = None
    tokens_cache_read: int | None = None
    #: Where the fingerprint is a hash of the record's exact bytes (ChatGPT): the key of its
    #: first bytes and its size, by which a re-import finds it without decoding it.
    record_head: int | None = None
    record_size: int | None = None
    #: Worked out ahead of the store (see :class:`StoredForm`); never part of equality.
    stored_form: StoredForm | None = field(default=None, compare=False, repr=False)

    @property
    def id(self) -> str:
        """The stable id derived from source and external id."""
        return make_session_id(self.source, self.external_id)

    @property
    def user_message_count(self) -> int:
        """How many of the visible messages the person typed."""
        return sum(1 for m in self.messages if m.role == "user")

    def stored(self, parser_version: str) -> StoredForm:
        """Its :class:`StoredForm` for ``parser_version`` (computed here when not given)."""
        form = self.stored_form
        if form is not None and form.parser_version == parser_version and \
                len(form.times) == len(self.messages):
            return form
        times = message_times(self.messages)
        return StoredForm(parser_version, times, self.content_hash(parser_version, times))

    def content_hash(self, parser_version: str = "1",
                     times: Sequence[str | None] | None = None, *,
                     columns: tuple[Sequence[str], Sequence[str], Sequence[str | None]]
                     | None = None) -> str:
        """A hash of everything an import stores, so an unchanged session can be skipped.

        ``times`` may hold the messages' times already formatted by :func:`utc_iso` (the store
        formats them anyway), which saves doing it twice on large imports. ``columns``: the
        messages as roles, texts and models (with ``times``), for a session built without
        them (a parser's worker works out the stored form before any message object exists).
        """
        parts: list[str] = [
            parser_version,
            self.title,
            utc_iso(self.started_at) or "",
            utc_iso(self.ended_at) or "",
            self.model or "",
            str(self.tokens_in),
            str(self.tokens_out),
            str(self.cost),
            self.project or "",
        ]
        # Only when set, so that sessions without them keep the hashes they always had.
        if self.hidden_branches:
            parts.append(f"branches={self.hidden_branches}")
        if self.tool_feedback:
            parts.append(f"feedback={self.tool_feedback}")
        if self.tool_name:
            parts.append(f"tool={self.tool_name}")
        split = (self.tokens_uncached, self.tokens_cache_write, self.tokens_cache_read)
        if split != (None, None, None):
            parts.append("split={}/{}/{}".format(*split))
        chunks = ["".join(f"{part}\x00" for part in parts)]
        if columns is not None:
            assert times is not None, "columns come with their times"
            rows: Iterable[tuple[str, str, str | None, str | None]] = zip(
                *columns[:2], times, columns[2], strict=True)
        else:
            if times is None:
                times = [utc_iso(m.time) for m in self.messages]
            rows = ((m.role, m.text, time, m.model)
                    for m, time in zip(self.messages, times, strict=True))
        chunks.extend(f"{role}\x00{time or ''}\x00{model or ''}\x00{text}\x00\x01"
                      for role, text, time, model in rows)
        # One update of the same bytes as part-by-part updates: the hash is unchanged.
        return hashlib.sha256("".join(chunks).encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class Rating:
    """What the user said about one session. Imports never write this."""

    verdict: Verdict = Verdict.UNRATED
    minutes_saved: int | None = None
    labels: tuple[str, ...] = ()
    reason: str | None = None
    note: str | None = None
    rated_at: datetime | None = None

    @property
    def is_empty(self) -> bool:
        """True when nothing at all is recorded."""
        return (
            self.verdict is Verdict.UNRATED
            and self.minutes_saved is None
            and not self.labels
            and not self.reason
            and not self.note
        )


@dataclass(frozen=True, slots=True)
class SessionRow:
    """A stored session with its rating, as the table, the CLI and JSON output see it."""

    id: str
    source: str
    external_id: str
    title: str
    started_at: datetime | None
    ended_at: datetime | None
    messages: int
    user_messages: int
    model: str | None
    tokens_in: int | None
    tokens_out: int | None
    cost: float | None
    project: str | None
    rating: Rating = field(default_factory=Rating)
    #: See :attr:`Session.tool_name`.
    tool_name: str | None = None
    #: Stored without text by an import rule: no title of its own, messages without text.
    no_text: bool = False
    #: See :attr:`Session.tokens_uncached` and the two after it.
    tokens_uncached: int | None = None
    tokens_cache_write: int | None = None
    tokens_cache_read: int | None = None

    @property
    def tool_key(self) -> str:
        """What the session is grouped and filtered by as a tool: its own tool name where the
        source records one, else its source (``"Perplexity"``, ``"claude-code"``)."""
        return self.tool_name or self.source

    @property
    def duration_seconds(self) -> int | None:
        """Wall-clock length of the session, where both ends are known."""
        if self.started_at is None or self.ended_at is None:
            return None
        return max(0, int((self.ended_at - self.started_at).total_seconds()))

    def to_json(self, *, tool: str) -> dict[str, object]:
        """The ``sessions --json`` object of the PRODUCT contract; ``tool`` is the display name
        of :attr:`tool_key` (the caller knows the tools' names)."""
        verdict = self.rating.verdict
        return {
            "id": self.id,
            "source": self.source,
            "tool": tool,
            "external_id": self.external_id,
            "title": self.title,
            "started_at": utc_iso(self.started_at),
            "ended_at": utc_iso(self.ended_at),
            "messages": self.messages,
            "user_messages": self.user_messages,
            "model": self.model,
            "tokens_in": self.tokens_in,
            "tokens_out": self.tokens_out,
            "cost": self.cost,
            "project": self.project,
            "verdict": None if verdict is Verdict.UNRATED else verdict.value,
            "minutes_saved": self.rating.minutes_saved,
            "labels": list(self.rating.labels),
            "reason": self.rating.reason,
            "note": self.rating.note,
            "rated_at": utc_iso(self.rating.rated_at),
            "no_text": self.no_text,
        }


@dataclass(slots=True)
class Tally:
    """Additive counts of some sessions, the raw material of value per use.

    The store counts them and the metrics turn them into figures. Not frozen on purpose: tallies
    are accumulators, summed and subtracted in place (per group, per total) many times a refresh.
    ``rated`` counts sessions with a verdict; ``minutes_*`` and ``tokens_*`` cover rated sessions
    only: ``tokens_rated`` those whose tool records tokens, ``tokens_sum`` their tokens (in + out)
    and ``tokens_useful`` how many of them were useful.
    """

    uses: int = 0
    rated: int = 0
    useful: int = 0
    not_useful: int = 0
    minutes_sum: int = 0
    minutes_n: int = 0
    tokens_rated: int = 0
    tokens_sum: int = 0
    tokens_useful: int = 0

    def add(self, other: Tally, sign: int = 1) -> None:
        """Add ``other`` to this tally (subtract it with ``sign=-1``)."""
        self.uses += sign * other.uses
        self.rated += sign * other.rated
        self.useful += sign * other.useful
        self.not_useful += sign * other.not_useful
        self.minutes_sum += sign * other.minutes_sum
        self.minutes_n += sign * other.minutes_n
        self.tokens_rated += sign * other.tokens_rated
        self.tokens_sum += sign * other.tokens_sum
        self.tokens_useful += sign * other.tokens_useful


@dataclass(frozen=True, slots=True)
class RestoredSession:
    """A session read back from Worthwhile's own JSON export, with the rating it had.

    ``session`` keeps its original source and external id (so its id is the same).
    ``has_transcript`` is False when the export was written without transcripts: the session
    then has no messages, and ``messages`` / ``user_messages`` are the counts the export
    recorded (otherwise they are the transcript's).
    """

    session: Session
    rating: Rating
    has_transcript: bool
    messages: int
    user_messages: int
    #: It was kept without text by an import rule where it was exported (``"no_text": true``).
    no_text: bool = False


@dataclass(frozen=True, slots=True)
class Price:
    """One entry of the price table: US dollars per million tokens of each kind.

    ``model`` is an exact model id or a pattern in which ``*`` stands for any text (dated ids:
    ``claude-sonnet-4*``); ``taken`` is the ISO date the prices were taken (None: unknown).
    """

    model: str
    input: float
    cache_write: float
    cache_read: float
    output: float
    taken: str | None = None


@dataclass(frozen=True, slots=True)
class CostRow:
    """The tokens of some sessions of one model and one verdict, summed, for pricing.

    ``sessions`` counts those whose tokens are known (either count); the sums cover them:
    ``uncached`` is input read uncached (all of ``tokens_in`` where the source records no
    split), ``cache_write`` and ``cache_read`` the cached parts, ``output`` the output tokens.
    ``verdict`` is ``"useful"``, ``"not_useful"`` or None (unrated).
    """

    model: str | None
    verdict: str | None
    sessions: int
    uncached: int
    cache_write: int
    cache_read: int
    output: int
