"""What every importer shares: the parser protocol, FormatError, Skipped and small helpers."""

from __future__ import annotations

import io
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import IO, Any, BinaryIO, Protocol, TypeVar

import ijson

from desktop_app.domain import Message, Session

#: How many leading bytes :func:`desktop_app.importers.detect.detect` looks at.
HEAD_SIZE = 64 * 1024

#: Titles derived from a first prompt are cut to this many characters.
TITLE_LENGTH = 80


class FormatError(Exception):
    """Input an importer cannot read: which file, why, and where in it (record, line, byte)."""

    def __init__(self, path: str, reason: str, where: str | None = None) -> None:
        super().__init__(path, reason, where)
        self.path = path
        self.reason = reason
        self.where = where

    def __str__(self) -> str:
        at = f" (at {self.where})" if self.where else ""
        return f"{self.path}: {self.reason}{at}"


@dataclass(frozen=True, slots=True)
class Skipped:
    """A record, line or member an import left out, and why (shown in the import report)."""

    what: str
    reason: str

    def to_json(self) -> dict[str, str]:
        """The ``{"what", "reason"}`` object of the ``import --json`` contract."""
        return {"what": self.what, "reason": self.reason}


Report = Callable[[Skipped], None]


class Parser(Protocol):
    """What a source module provides (each importer module satisfies this protocol)."""

    SOURCE: str
    #: Human name of the format, for "supported formats" messages.
    FORMAT: str
    #: Bumped when the parser reads the source better: stored sessions are then re-read.
    VERSION: str

    def sniff(self, head: bytes, name: str) -> bool:
        """True when ``head`` (the first bytes of a file called ``name``) is this format."""
        ...

    def parse(self, stream: BinaryIO, name: str, report: Report) -> Iterator[Session]:
        """Stream the sessions of one file; raise :class:`FormatError` for unreadable input."""
        ...


# --- JSON streaming ------------------------------------------------------------------------------


def _json_reason(exc: Exception) -> str:
    text = exc.args[0] if exc.args else str(exc)
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    first = str(text).strip().splitlines()[0] if str(text).strip() else type(exc).__name__
    if "premature EOF" in first:
        return "the JSON ends too early (the file looks truncated)"
    if "UTF8" in first or isinstance(exc, UnicodeDecodeError):
        return "not valid UTF-8 text"
    if "trailing garbage" in first:
        return "unexpected data after the end of the JSON"
    return f"not valid JSON ({first})"


def iter_json(stream: BinaryIO, name: str, prefix: str) -> Iterator[Any]:
    """Stream the JSON values at ``prefix`` (ijson syntax, e.g. ``"item"``), one at a time.

    Any JSON or encoding error becomes a :class:`FormatError` naming the item it happened in.
    """
    count = 0
    try:
        for value in ijson.items(stream, prefix, use_float=True):
            yield value
            count += 1
    except (ijson.JSONError, UnicodeDecodeError, ValueError, OverflowError) as exc:
        raise FormatError(name, _json_reason(exc), f"item {count + 1}") from exc


def json_top_level(head: bytes) -> tuple[str, list[str]]:
    """The kind of the top-level JSON value in ``head`` (``"array"``, ``"object"`` or ``""``)
    and the keys of the top-level object (or of the first array item) seen in those bytes."""
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not text:
        return "", []
    kind = {b"["[0]: "array", b"{"[0]: "object"}.get(text[0], "")
    if not kind:
        return "", []
    keys: list[str] = []
    depth_wanted = 2 if kind == "array" else 1
    depth = 0
    try:
        for _prefix, event, value in ijson.parse(io.BytesIO(text)):
            if event in ("start_map", "start_array"):
                depth += 1
            elif event in ("end_map", "end_array"):
                depth -= 1
                if depth < depth_wanted:
                    break
            elif event == "map_key" and depth == depth_wanted:
                keys.append(str(value))
    except Exception:  # a probe of a cut-off head: keep what was read so far
        pass
    return kind, keys


def head_text(head: bytes) -> str:
    """The head as text for pattern checks (undecodable bytes replaced, BOM dropped)."""
    return head.decode("utf-8", "replace").lstrip("\ufeff")


# --- values --------------------------------------------------------------------------------------


def as_dict(value: Any) -> dict[str, Any]:
    """``value`` if it is a JSON object, else an empty dict (tolerant field access)."""
    return value if isinstance(value, dict) else {}


def as_list(value: Any) -> list[Any]:
    """``value`` if it is a JSON array, else an empty list."""
    return value if isinstance(value, list) else []


def as_str(value: Any) -> str | None:
    """``value`` if it is a non-empty string, else None."""
    return value if isinstance(value, str) and value else None


def as_int(value: Any) -> int | None:
    """A non-negative whole number from a JSON number or numeric string, else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        number = value
    elif isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            return None
    else:
        return None
    if number != number or number < 0 or number > 1e15:  # NaN or absurd
        return None
    return int(number)


_MIN_EPOCH = 0.0
_MAX_EPOCH = 32503680000.0  # year 3000


def from_epoch(value: Any) -> datetime | None:
    """A UTC time from Unix seconds or milliseconds (large values are taken as ms)."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        seconds = float(value)
    except ValueError:
        return None
    if seconds != seconds:
        return None
    if seconds > 1e11:
        seconds /= 1000.0
    if not _MIN_EPOCH < seconds < _MAX_EPOCH:
        return None
    return datetime.fromtimestamp(seconds, UTC)


_ISO_FRACTION = re.compile(r"(\.\d{6})\d+")


def from_iso(value: Any) -> datetime | None:
    """A UTC time from an ISO 8601 string (``Z`` or an offset; naive times are taken as UTC)."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = _ISO_FRACTION.sub(r"\1", value.strip()).replace("z", "Z")
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    try:
        return moment.astimezone(UTC)
    except (OverflowError, ValueError):
        return None


def parse_time(value: Any) -> datetime | None:
    """A UTC time from any of the usual encodings: epoch s/ms (number or digits) or ISO 8601."""
    if isinstance(value, str) and re.fullmatch(r"\s*\d+(\.\d+)?\s*", value):
        return from_epoch(value)
    if isinstance(value, str):
        return from_iso(value)
    return from_epoch(value)


def title_from(text: str | None, limit: int = TITLE_LENGTH) -> str:
    """A one-line title from a prompt: first non-empty line, cut at a word near ``limit``."""
    if not text:
        return ""
    line = next((ln.strip() for ln in text.splitlines() if ln.strip()), "")
    line = " ".join(line.split())
    if len(line) <= limit:
        return line
    cut = line[:limit].rsplit(" ", 1)[0] if " " in line[: limit] else line[:limit]
    return cut.rstrip(" ,.;:") + "…"


def main_model(models: Iterable[str | None]) -> str | None:
    """The model of most assistant messages; ties go to the one used latest."""
    ordered = [m for m in models if m]
    if not ordered:
        return None
    counts = Counter(ordered)
    best = max(counts.values())
    for model in reversed(ordered):
        if counts[model] == best:
            return model
    return None  # pragma: no cover - unreachable


def first_user_text(messages: Iterable[Message]) -> str | None:
    """The text of the first user message, if any."""
    return next((m.text for m in messages if m.role == "user" and m.text.strip()), None)


def time_span(
    messages: Iterable[Message], start: datetime | None = None, end: datetime | None = None
) -> tuple[datetime | None, datetime | None]:
    """Session start and end: the given times, else the first and last message times."""
    times = [m.time for m in messages if m.time is not None]
    first = start or (min(times) if times else None)
    last = max(times) if times else end
    if last is None:
        last = end
    if first is not None and last is not None and last < first:
        last = first
    return first, last


def size_text(size: Any) -> str:
    """A file size for a note in a transcript (``"12 KB"``), or ``""`` if unknown."""
    number = as_int(size)
    if number is None:
        return ""
    if number < 1024:
        return f"{number} B"
    value = float(number)
    for unit in ("KB", "MB", "GB"):
        value /= 1024
        if value < 1024 or unit == "GB":
            return f"{value:.1f} {unit}" if value < 10 else f"{value:.0f} {unit}"
    return ""  # pragma: no cover - the loop always returns


# --- streams -------------------------------------------------------------------------------------


class Prefixed(io.RawIOBase):
    """A stream that returns ``head`` (bytes already read) first, then the rest of ``stream``.

    ``counted`` is called with the size of each read from ``stream`` (not from ``head``).
    """

    def __init__(self, head: bytes, stream: IO[bytes],
                 counted: Callable[[int], None] | None = None) -> None:
        super().__init__()
        self._head = memoryview(head)
        self._stream = stream
        self._counted = counted

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        if self._head.nbytes:
            n = min(len(view), self._head.nbytes)
            view[:n] = self._head[:n]
            self._head = self._head[n:]
            return n
        data = self._stream.read(len(view))
        n = len(data)
        view[:n] = data
        if n and self._counted is not None:
            self._counted(n)
        return n


def read_head(stream: BinaryIO, size: int = HEAD_SIZE) -> tuple[bytes, BinaryIO]:
    """The first ``size`` bytes of ``stream`` and a stream that still starts at byte 0."""
    chunks: list[bytes] = []
    wanted = size
    while wanted > 0:
        chunk = stream.read(wanted)
        if not chunk:
            break
        chunks.append(chunk)
        wanted -= len(chunk)
    head = b"".join(chunks)
    if head.startswith(b"\xef\xbb\xbf"):  # a UTF-8 byte order mark: JSON parsers reject it
        head = head[3:]
    return head, io.BufferedReader(Prefixed(head, stream), buffer_size=256 * 1024)


class Tally:
    """Counts the records of one file read and skipped; a file with no readable one is an error."""

    def __init__(self, name: str, kind: str, report: Report) -> None:
        self.name = name
        self.kind = kind
        self.report = report
        self.read = 0
        self.bad = 0
        self.first_reason = ""

    def ok(self) -> None:
        """One record read."""
        self.read += 1

    def skip(self, what: str, reason: str, *, unreadable: bool = True) -> None:
        """Report a skipped record; ``unreadable`` ones count against the file."""
        self.report(Skipped(what, reason))
        if unreadable:
            self.bad += 1
            self.first_reason = self.first_reason or f"{what}: {reason}"
        else:
            self.read += 1

    def finish(self) -> None:
        """Raise :class:`FormatError` when records were there but none could be read."""
        if self.read == 0 and self.bad:
            raise FormatError(self.name, f"no readable {self.kind} ({self.bad} unreadable; "
                                         f"first: {self.first_reason})")


def child_ids(node: dict[str, Any], key: str, nodes: dict[str, Any]) -> list[str]:
    """The ids listed under ``node[key]`` that are nodes of the tree (anything else ignored)."""
    return [c for c in as_list(node.get(key)) if isinstance(c, str) and c in nodes]


# --- sources that span several files and grow (coding-assistant logs) ---------------------------


@dataclass(slots=True)
class GroupFile:
    """One file of a group read together (e.g. one Claude Code project folder).

    ``start`` is where reading begins (0, or where the last import stopped when the file only
    grew); ``previous`` is the size read last time (None for a file never imported). The parser
    sets ``end`` (how far it read: the end of the last complete line) and ``sessions`` (the ids
    of the sessions this file contributed to).
    """

    path: str
    name: str
    size: int
    start: int = 0
    previous: int | None = None
    end: int = 0
    sessions: set[str] = field(default_factory=set)

    @property
    def changed(self) -> bool:
        """True when the file is new or holds bytes not read yet."""
        return self.previous is None or self.start < self.size


class Checkpoints(Protocol):
    """Where a group parser keeps what it needs to continue a session later (JSON state)."""

    def load(self, session_id: str) -> tuple[dict[str, Any], list[Message]] | None:
        """The saved state and stored transcript of a session, or None."""
        ...

    def save(self, session_id: str, state: dict[str, Any]) -> None:
        """Remember the state of a session (written in the import's transaction)."""
        ...

    def file_read(self, nbytes: int) -> None:
        """Called after each file of a group: counts progress; raises if the user cancelled."""
        ...


class GroupParser(Parser, Protocol):
    """A source whose sessions span files and grow: files are read together, incrementally."""

    def group_key(self, path: str) -> str:
        """Which group a file belongs to (files of one group are parsed together)."""
        ...

    def parse_group(self, files: list[GroupFile], report: Report,
                    checkpoints: Checkpoints) -> Iterator[Session]:
        """Stream the new or changed sessions of a group; set each file's ``end``/``sessions``.

        Raise :class:`FormatError` only when nothing of the group could be read.
        """
        ...


def is_group_parser(parser: Parser) -> bool:
    """True for sources read as groups of files, incrementally (see :class:`GroupParser`)."""
    return callable(getattr(parser, "parse_group", None))


# --- skipping unchanged sessions before they are parsed -------------------------------------------


@dataclass(frozen=True, slots=True)
class Unchanged:
    """A session a parser found stored already and unchanged (its fingerprint matched).

    Parsers with a ``parse_known(stream, name, report, *, known, feedback)`` function yield it
    instead of building the session; the runner counts it as unchanged.
    """

    session_id: str


_T = TypeVar("_T")


class GroupReading:
    """Reads the files of a group one at a time: an unreadable file is listed as skipped and
    the others go on; when every wanted file failed, the first error stands for the group."""

    def __init__(self, report: Report) -> None:
        self.report = report
        self.failed: list[FormatError] = []

    def attempt(self, name: str, read: Callable[[], _T]) -> tuple[bool, _T | None]:
        """Run ``read``; ``(True, result)``, or ``(False, None)`` after reporting the failure."""
        try:
            return True, read()
        except FormatError as exc:
            error = exc
        except OSError as exc:
            error = FormatError(name, f"cannot be read ({exc.strerror or exc})")
        self.failed.append(error)
        self.report(Skipped(name, error.reason))
        return False, None

    def check(self, wanted: int) -> None:
        """Raise the first error when all ``wanted`` files failed."""
        if self.failed and len(self.failed) == wanted:
            raise self.failed[0]
