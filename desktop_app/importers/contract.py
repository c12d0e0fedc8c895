"""What a source module provides and what a parser reports: the one contract of importers.

Each source module (``chatgpt.py``, ``claude_code.py``, …) exports one :class:`SourceSpec` named
``SPEC``: its name and display name, its parser version, how to recognise its files, how to read
them, and what it optionally adds (reading groups of files incrementally, skipping unchanged
records, companion files, default locations on this computer, a synthetic writer of its
format). :mod:`.registry` lists the specs; nothing else keeps a list of sources. A parser
turns bytes into :class:`~desktop_app.domain.Session` objects and knows nothing of the database.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, Protocol, TypeVar

from desktop_app.domain import Message, Session
from desktop_app.importers.places import Found, Places


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

    @property
    def detail(self) -> str:
        """The reason with where it happened, without the path (for a report line)."""
        return self.reason + (f" (at {self.where})" if self.where else "")


@dataclass(frozen=True, slots=True)
class Skipped:
    """A record, line or member an import left out, and why (shown in the import report)."""

    what: str
    reason: str

    def to_json(self) -> dict[str, str]:
        """The ``{"what", "reason"}`` object of the ``import --json`` contract."""
        return {"what": self.what, "reason": self.reason}


Report = Callable[[Skipped], None]


def prefixed(report: Report, name: str) -> Report:
    """A report that names the file (``name: what``) of each skipped item."""
    def forward(item: Skipped) -> None:
        report(Skipped(f"{name}: {item.what}", item.reason))
    return forward


class RecordTally:
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

    def save(self, session_id: str, state: dict[str, Any], *, holds_text: bool = True
             ) -> None:
        """Remember the state of a session (written in the import's transaction).

        ``holds_text=False`` promises that the state holds nothing of the session's text
        (ids, offsets, counts only): it is kept even for a session an import rule stores
        without text, whose other states are not kept.
        """
        ...

    def file_read(self, nbytes: int) -> None:
        """Called after each file of a group: counts progress; raises if the user cancelled."""
        ...



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


# --- the spec ------------------------------------------------------------------------------------

Sniff = Callable[[bytes, str], bool]
Parse = Callable[[BinaryIO, str, Report], Iterator[Session]]
#: Writes sessions in the source's own format (file or folder layout included) under the given
#: path, one session in memory at a time, the same bytes for the same sessions; returns the path
#: to import (see each source module's ``write_demo``).
Writer = Callable[[Iterable[Session], Path], Path]


#: The records of a source stored before, by the key of their first bytes (``record_head``):
#: for each, its size in bytes, its fingerprint and the id of its session.
KnownRecords = Mapping[int, Sequence[tuple[int, int, str]]]


class ParseKnown(Protocol):
    """Like ``parse``, but a record stored before with exactly these bytes (``known``) is not
    parsed: an :class:`Unchanged` stands for it. ``companion`` is what the source's companion
    files said (see :class:`Companion`), keyed by the tool's own conversation id."""

    def __call__(self, stream: BinaryIO, name: str, report: Report, *,
                 known: KnownRecords | None = ..., companion: Mapping[str, str] | None = ...
                 ) -> Iterator[Session | Unchanged]: ...


@dataclass(frozen=True, slots=True)
class GroupSpec:
    """A source whose sessions span files and grow: files are read together, incrementally.

    ``key`` says which group a file belongs to (files of one group are parsed together);
    ``parse`` streams the new or changed sessions of a group and sets each file's
    ``end``/``sessions``, raising :class:`FormatError` only when nothing of the group could be
    read; ``stat`` widens the size and mtime compared between imports (SQLite sources add their
    ``-wal`` file, where new rows land first).
    """

    key: Callable[[str], str]
    parse: Callable[[list[GroupFile], Report, Checkpoints], Iterator[Session]]
    stat: Callable[[Path], tuple[int, int]] | None = None
    #: ``parse`` reads in worker processes (:mod:`~desktop_app.importers.workers`) from about
    #: this many bytes to read: an import that finds them starts the workers early.
    workers_from: int | None = None


@dataclass(frozen=True, slots=True)
class Companion:
    """A file that comes with an export and adds to its sessions (ChatGPT's thumbs).

    Every file called ``file_name`` in the same zip or folder (or beside a file given directly)
    is read with ``read`` before the sessions; the merged mapping goes to ``parse_known``.
    """

    file_name: str
    read: Callable[[BinaryIO, str, Report], dict[str, str]]
    #: A companion file bigger than this is not read.
    max_size: int = 64 * 1024 * 1024


@dataclass(slots=True, eq=False)
class SourceSpec:
    """Everything Worthwhile knows of one source, in one place (see the module docs).

    Not frozen only so that a test can play a newer parser (``monkeypatch.setattr(spec,
    "version", ...)``); nothing in the package changes a spec.
    """

    #: The source name used everywhere: CLI, JSON, database (``"claude-code"``).
    name: str
    #: What people call the tool (``"Claude Code"``).
    display_name: str
    #: Human name of the format, for "supported formats" messages.
    format: str
    #: Bumped when the parser reads the source better: stored sessions are then re-read.
    version: str
    sniff: Sniff
    parse: Parse
    parse_known: ParseKnown | None = None
    group: GroupSpec | None = None
    companion: Companion | None = None
    #: Where the tool keeps its history on this computer (nothing is opened).
    locations: Callable[[Places], Iterator[Found]] | None = None
    #: Names of files that come with this source's exports but hold no sessions.
    companion_names: frozenset[str] = field(default_factory=frozenset)
    #: The synthetic writer of this format (``demo-data``, the demo, tests).
    writer: Writer | None = None

    @property
    def parser_version(self) -> str:
        """The version string stored with sessions and files (``"chatgpt-1"``)."""
        return f"{self.name}-{self.version}"


