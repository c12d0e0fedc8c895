"""Aider chat history: ``.aider.chat.history.md`` in each repository where aider ran.

Each run (``# aider chat started at YYYY-MM-DD HH:MM:SS``, local time) is one session. Lines
starting ``#### `` are the person's input (slash commands are shown, not counted as prompts);
``> `` lines are aider's own output (edits, commits; the run's banner names the model, and
``> Tokens: 4.5k sent, 429 received. Cost: $0.0018 message, …`` lines give tokens and cost);
everything else is the assistant's reply (``> `` inside a code fence belongs to the reply).
The file only grows: a re-import reads from the start of its last run.

A run's id is its start (UTC) and a hash of its first prompt. Two runs of one file can share
both (started in the same second with the same prompt, e.g. by a script): the first keeps that
id and each later one adds its ordinal among them (``…-2``, ``…-3``). The ordinal counts the runs
before it in the file, which never change as the file only grows, so ids are stable across
re-imports; and as the first run keeps the id the older derivation gave the pair (which was
stored as one session), no stored id changes.
"""

from __future__ import annotations

import hashlib
import mmap
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import BinaryIO

from desktop_app.domain import Message, Session, utc_iso
from desktop_app.importers import writing
from desktop_app.importers.contract import (
    Checkpoints,
    FormatError,
    GroupFile,
    GroupSpec,
    Report,
    Skipped,
    SourceSpec,
)
from desktop_app.importers.places import (
    Found,
    Places,
    found_file,
)
from desktop_app.importers.streams import head_text
from desktop_app.importers.values import main_model, title_from

SOURCE = "aider"
FORMAT = "Aider chat history (.aider.chat.history.md)"
VERSION = "2"
FILE_NAME = ".aider.chat.history.md"

_RUN = re.compile(r"^# aider chat started at (\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2})")
#: :data:`_RUN` over a file's bytes (matched where a line starts with :data:`_HEADER`).
_HEADER = b"# aider chat started at "
_RUN_BYTES = re.compile(rb"# aider chat started at (\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2})")
_MODEL = re.compile(r"^(?:Main model|Model): (\S+)")
_TOKENS = re.compile(
    r"^Tokens: ([\d.,]+)([kKmM]?) sent(?:, ([\d.,]+)([kKmM]?) cache write)?"
    r"(?:, ([\d.,]+)([kKmM]?) cache hit)?, ([\d.,]+)([kKmM]?) received\."
    r"(?: Cost: \$([\d.,]+) message, \$([\d.,]+) session\.)?")
#: Slash commands whose text is a prompt to the model.
_PROMPT_COMMANDS = ("/ask ", "/code ", "/architect ", "/context ")


def sniff(head: bytes, name: str) -> bool:
    """An Aider history: its file name, or a run header near the top."""
    base = os.path.basename(name.replace("\\", "/").rsplit("!", 1)[-1])
    text = head_text(head[:4096])
    if base == FILE_NAME or base.endswith(".aider.chat.history.md"):
        return True
    return any(_RUN.match(line) for line in text.splitlines()[:20])


def group_key(path: str) -> str:
    """Each history file is read on its own."""
    return path


def _count(number: str, unit: str) -> int:
    value = float(number.replace(",", ""))
    return round(value * {"k": 1e3, "m": 1e6}.get(unit.lower(), 1))


@dataclass
class _Run:
    started: datetime
    offset: int
    #: The start as the run's header writes it (local time): how the report names the run.
    header: str = ""
    messages: list[Message] = field(default_factory=list)
    models: list[str | None] = field(default_factory=list)
    model: str | None = None
    tokens_in: int = 0
    tokens_out: int = 0
    has_tokens: bool = False
    cost: float | None = None
    role: str = ""
    lines: list[str] = field(default_factory=list)

    def flush(self) -> None:
        text = "\n".join(self.lines).strip()
        role, self.lines, self.role = self.role, [], ""
        if not text:
            return
        if role == "user":
            first = text.splitlines()[0].strip()
            if first.startswith("/") and not first.startswith(_PROMPT_COMMANDS):
                role = "system"
            elif first.startswith(_PROMPT_COMMANDS):
                text = text.split(" ", 1)[1].strip() if " " in first else text
        time = self.started if not self.messages else None
        model = self.model if role == "assistant" else None
        self.messages.append(Message(role, text, time, model))
        if role == "assistant":
            self.models.append(self.model)

    def line(self, role: str, text: str) -> None:
        if role != self.role:
            self.flush()
            self.role = role
        self.lines.append(text)

    def key(self) -> str | None:
        """The run's start and a hash of its first prompt; None for a run without a prompt."""
        self.flush()
        prompts = [m.text for m in self.messages if m.role == "user"]
        if not prompts:
            return None
        digest = hashlib.sha256(prompts[0].encode()).hexdigest()[:12]
        return f"{utc_iso(self.started)}-{digest}"

    def session(self, project: str | None, ordinal: int = 1) -> Session | None:
        """The run as a session; None for a run without a prompt (see :meth:`why_not`).
        ``ordinal`` counts the runs of the file with the same :meth:`key`, this one included."""
        key = self.key()
        if key is None:
            return None
        external = key if ordinal == 1 else f"{key}-{ordinal}"
        prompts = [m.text for m in self.messages if m.role == "user"]
        return Session(source=SOURCE, external_id=external, title=title_from(prompts[0]),
                       started_at=self.started, ended_at=self.started,
                       messages=tuple(self.messages),
                       model=main_model(self.models) or self.model,
                       tokens_in=self.tokens_in if self.has_tokens else None,
                       tokens_out=self.tokens_out if self.has_tokens else None,
                       cost=self.cost, project=project)

    def why_not(self) -> str:
        """Why a run without a prompt is no session (for the import report)."""
        commands = [m.text.splitlines()[0].split()[0] for m in self.messages
                    if m.role == "system"]
        if commands:
            shown = ", ".join(dict.fromkeys(commands))
            return f"no prompt, only commands ({shown}): not a session"
        if self.messages:
            return "no prompt, only aider's own output: not a session"
        return "no prompt (aider was started and left): not a session"


def _local(text: str) -> datetime | None:
    try:
        naive = datetime.strptime(text.replace("T", " "), "%Y-%m-%d %H:%M:%S")
    except ValueError:
        return None
    try:
        return naive.astimezone().astimezone(UTC)  # the header is in local time
    except (OverflowError, OSError, ValueError):
        return None


def _runs(stream: BinaryIO, start: int, name: str, report: Report) -> Iterator[_Run]:
    """The runs from byte ``start`` (which is the start of a run, or 0)."""
    run: _Run | None = None
    fence = False
    pos = start
    for n, raw in enumerate(stream, 1):
        line_start = pos
        pos += len(raw)
        try:
            line = raw.decode("utf-8").rstrip("\r\n")
        except UnicodeDecodeError:
            line = raw.decode("utf-8", "replace").rstrip("\r\n")
        header = _RUN.match(line)
        if header:
            if run is not None:
                yield run
            started = _local(header.group(1))
            if started is None:
                report(Skipped(f"{name}: line {n}", "run header with an impossible date"))
                run = None
                continue
            run, fence = _Run(started, line_start, header.group(1)), False
            continue
        if run is None:
            continue
        stripped = line.rstrip()
        if stripped.startswith("```"):
            fence = not fence
        if not fence and (stripped.startswith("#### ") or stripped == "####"):
            run.line("user", stripped[5:])
        elif not fence and (stripped.startswith("> ") or stripped == ">"):
            _info(run, stripped[2:].strip())
        elif run.role in ("", "user", "tool") and not stripped:
            continue
        else:
            run.line("assistant", line)
    if run is not None:
        yield run


def _info(run: _Run, text: str) -> None:
    model = _MODEL.match(text)
    if model:
        run.model = model.group(1)
    tokens = _TOKENS.match(text)
    if tokens:
        groups = tokens.groups()
        run.tokens_in += _count(groups[0], groups[1])
        run.tokens_out += _count(groups[6], groups[7])
        run.has_tokens = True
        if groups[9] is not None:
            run.cost = float(groups[9].replace(",", ""))
        return
    if not run.messages and run.role == "":
        return  # the run's banner: command line, version, model, repo map
    if text:
        run.line("tool", text)


def _quiet(_item: Skipped) -> None:
    """A report for runs read again only for their key (reported when they were read)."""


def _next_header(data: mmap.mmap, at: int, end: int) -> int:
    """Where the next line starting with :data:`_HEADER` after ``at`` starts (``end`` if none
    starts before ``end``)."""
    found = data.find(b"\n" + _HEADER, at, end)
    return found + 1 if found >= 0 else end


class _Ordinals:
    """Counts the runs of one file by key, to number the runs that share one.

    A read from the middle of the file (``start`` > 0) counts the runs before ``start`` too,
    lazily and cheaply: the header lines before ``start`` are found by a byte search (parsing
    nothing else), and only runs whose header can be the same second as a run read now (the
    same seconds, on its local date or the day before or after, as clocks move) are read, for
    their first prompt.
    """

    def __init__(self, path: str, start: int) -> None:
        self.path = path
        self.start = start
        self.seen: dict[str, int] = {}
        self._headers: dict[str, list[tuple[int, str]]] | None = None
        self._earlier: set[datetime] = set()

    def _headers_before(self) -> dict[str, list[tuple[int, str]]]:
        """Header lines before ``start``: by local date, their offsets and times as written."""
        if self._headers is None:
            self._headers = {}
            with open(self.path, "rb") as raw, \
                    mmap.mmap(raw.fileno(), 0, access=mmap.ACCESS_READ) as data:
                end = min(self.start, len(data))
                at = 0 if data[:len(_HEADER)] == _HEADER else _next_header(data, 0, end)
                while at < end:
                    found = _RUN_BYTES.match(data, at)
                    if found:
                        text = found.group(1).decode("ascii")
                        self._headers.setdefault(text[:10], []).append((at, text))
                    at = _next_header(data, at, end)
        return self._headers

    def _count_earlier(self, run: _Run) -> None:
        if run.started in self._earlier or self.start <= 0:
            return
        self._earlier.add(run.started)
        day = datetime.strptime(run.header[:10], "%Y-%m-%d")
        headers = self._headers_before()
        offsets = [offset for near in (day - timedelta(days=1), day, day + timedelta(days=1))
                   for offset, text in headers.get(f"{near:%Y-%m-%d}", [])
                   # clocks move by whole minutes: the seconds are the same
                   if text[-2:] == run.header[-2:] and _local(text) == run.started]
        if not offsets:
            return
        with open(self.path, "rb") as raw:
            for offset in offsets:
                raw.seek(offset)
                earlier = next(_runs(raw, offset, self.path, _quiet), None)
                key = earlier.key() if earlier is not None else None
                if key is not None:
                    self.seen[key] = self.seen.get(key, 0) + 1

    def of(self, run: _Run) -> int:
        """The ordinal of ``run`` (1 for the first run with its key)."""
        key = run.key()
        if key is None:
            return 1
        self._count_earlier(run)
        self.seen[key] = self.seen.get(key, 0) + 1
        return self.seen[key]


def _read(stream: BinaryIO, file: GroupFile, report: Report) -> Iterator[Session]:
    project = os.path.dirname(file.path) if os.path.isabs(file.path) else None
    last_start = file.start
    found_run = False
    ordinals = _Ordinals(file.path, file.start)
    for run in _runs(stream, file.start, file.name, report):
        found_run = True
        last_start = run.offset
        session = run.session(project, ordinals.of(run))
        if session is None:
            # Said every time the run is read: the last run of a file is read again when the
            # file grows (it may go on), and it may be a session by then.
            report(Skipped(f"{file.name}: run started at {run.header}", run.why_not()))
            continue
        file.sessions.add(session.id)
        yield session
    if not found_run and file.start == 0:
        raise FormatError(file.name, "no '# aider chat started at' line: not an Aider history")
    file.end = last_start  # the last run may go on: read it again next time


def parse(stream: BinaryIO, name: str, report: Report) -> Iterator[Session]:
    """Every run of one history file."""
    file = GroupFile(path=name, name=name, size=0)
    yield from _read(stream, file, report)


def parse_group(files: list[GroupFile], report: Report,
                checkpoints: Checkpoints) -> Iterator[Session]:
    """The new runs of one history file (from the start of the run read last)."""
    for f in files:
        if not f.changed:
            continue
        with open(f.path, "rb") as raw:
            raw.seek(f.start)
            yield from _read(raw, f, report)


#: Folders never searched for Aider histories (big, and never a repository's own history).
_SKIP_DIRS = frozenset({".git", "node_modules", ".venv", "venv", "__pycache__", ".tox",
                        ".mypy_cache", ".cache", "site-packages", "target", "dist", "build"})
#: How deep below a folder the user added Aider histories are looked for.
SEARCH_DEPTH = 4


def locations(p: Places) -> Iterator[Found]:
    """Aider keeps a history in each repository: searched in the folders the user added."""
    seen: set[Path] = set()
    for folder in p.extra_folders:
        if not folder.is_dir():
            if folder.name == FILE_NAME and folder.is_file():
                found = found_file(SOURCE, folder)
                if found:
                    yield found
            continue
        base = str(folder).count(os.sep)
        for dirpath, dirnames, filenames in os.walk(folder):
            depth = dirpath.count(os.sep) - base
            dirnames[:] = sorted(d for d in dirnames if d not in _SKIP_DIRS
                                 and depth < SEARCH_DEPTH)
            if FILE_NAME in filenames:
                path = Path(dirpath) / FILE_NAME
                if path.resolve() in seen:
                    continue
                seen.add(path.resolve())
                found = found_file(SOURCE, path)
                if found:
                    yield found



# --- synthetic histories (demo-data, the demo, tests) --------------------------------------------

_AIDER_VERSION = "0.86.1"
_FENCE = "```"


def tokens_text(count: int) -> str:
    """A token count as Aider prints it: ``429``, ``4.5k``, ``45k``."""
    if count < 1000:
        return str(count)
    if count < 10_000:
        return f"{count / 1000:.1f}k"
    return f"{round(count / 1000)}k"


def _printable_parts(total: int, parts: int) -> list[int]:
    """``total`` over ``parts`` replies so that the printed counts still add up to it: whole
    thousands on all replies but the last, the rest (under 1,000, printed exactly) on it."""
    if parts <= 1:
        return [total] * parts
    if total % 1000 == 0:
        return [t * 1000 for t in writing.split(total // 1000, parts, f"aider{total}")]
    thousands = writing.split(total // 1000, parts - 1, f"aider{total}")
    return [t * 1000 for t in thousands] + [total % 1000]


def write_demo(sessions: Iterable[Session], out: Path) -> Path:
    """Write ``sessions`` as Aider's ``.aider.chat.history.md``, one per repository:
    ``out/<project name>/.aider.chat.history.md`` (a run appended per session, in the order
    given); returns ``out``.

    A run starts with ``# aider chat started at`` (local time, as Aider writes it) and its
    banner (``> Main model: …``); prompts are ``#### `` lines (one session in six asks with
    ``/ask``), answers plain Markdown, tool messages ``> `` lines (an edit followed by its
    commit). After each answer a ``> Tokens: 4.5k sent, 429 received. Cost: …`` line carries its
    share of the session's tokens, abbreviated as Aider prints them (a total keeps its value
    when it is printable or there are two answers or more). What Aider cannot hold: message
    times (only the run's start), ids (the importer derives one from the run), the project (the
    file's folder is), system messages, and separate consecutive messages of one role (one
    block). Answer lines that would read as a prompt or as Aider's output are indented.
    """
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    try:
        for session in sessions:
            folder = _repo_folder(session.project)
            partial = writing.partial_path(out / folder / FILE_NAME)
            partial.parent.mkdir(parents=True, exist_ok=True)
            with open(partial, "a" if partial in written else "w", encoding="utf-8",
                      newline="\n") as handle:
                handle.write(_demo_run(session))
            if partial not in written:
                written.append(partial)
        for partial in written:
            os.replace(partial, partial.with_name(FILE_NAME))
    finally:
        for partial in written:
            partial.unlink(missing_ok=True)
    return out


def _repo_folder(project: str | None) -> str:
    """The folder a session's history goes in: its project's name."""
    name = re.sub(r"[^A-Za-z0-9._-]", "-", (project or "").rstrip("/\\").rsplit("/", 1)[-1])
    return name.strip(".") or "chats"


def _answer_lines(text: str) -> list[str]:
    lines: list[str] = []
    fence = False
    for line in text.splitlines():
        bare = line.rstrip()
        if not fence and (bare.startswith(("#### ", "> ")) or bare in ("####", ">")
                          or _RUN.match(bare)):
            line = " " + line  # would read as a prompt or Aider's output
        if bare.startswith(_FENCE):
            fence = not fence
        lines.append(line)
    if fence:
        lines.append(_FENCE)
    return lines


def _demo_run(session: Session) -> str:
    key = session.id
    answers = [m for m in session.messages if m.role == "assistant"]
    model = session.model or next((m.model for m in answers if m.model), None) or "gpt-4o"
    started = writing.start_of(session).astimezone()
    lines = ["", f"# aider chat started at {started:%Y-%m-%d %H:%M:%S}", ""]
    banner = [f"/home/alex/.local/bin/aider --model {model}", f"Aider v{_AIDER_VERSION}",
              f"Main model: {model} with diff edit format, infinite output",
              "Weak model: anthropic/claude-3-5-haiku-20241022",
              "Git repo: .git with 142 files", "Repo-map: using 4096 tokens, auto refresh"]
    lines += [f"> {line}  " for line in banner] + [""]
    replies = max(1, len(answers))
    sent = _printable_parts(session.tokens_in or 0, replies)
    received = _printable_parts(session.tokens_out or 0, replies)
    cents = writing.split(round((session.cost or 0) * 10_000), replies, key + "/cost")
    has_tokens = session.tokens_in is not None or session.tokens_out is not None
    reply = 0
    spent = 0
    asked = False
    for message in session.messages:
        if message.role == "user":
            text = message.text
            if not asked and writing.roll(key, "ask", 6) == 0:
                text = "/ask " + text
            asked = True
            lines += [f"#### {line}".rstrip() + "  " for line in text.splitlines() or [""]]
            lines.append("")
        elif message.role == "assistant":
            lines += _answer_lines(message.text)
            lines.append("")
            if has_tokens:
                usage = f"Tokens: {tokens_text(sent[reply])} sent, " \
                        f"{tokens_text(received[reply])} received."
                if session.cost is not None:
                    spent += cents[reply]
                    usage += f" Cost: ${cents[reply] / 10_000:.4f} message, " \
                             f"${spent / 10_000:.4f} session."
                lines += [f"> {usage}  ", ""]
            reply += 1
        elif message.role == "tool":
            lines += [f"> {line}  " for line in message.text.splitlines()]
            step = writing.tool_step(message.text)
            if step.kind == "edit":
                commit = writing.stable_hex(key, f"commit{reply}", 7)
                lines.append(f"> Commit {commit} fix: update {step.target}  ")
            lines.append("")
    if has_tokens and not answers:
        lines += [f"> Tokens: {tokens_text(sent[0])} sent, {tokens_text(received[0])} "
                  "received.  ", ""]
    return "\n".join(lines) + "\n"


SPEC = SourceSpec(
    name=SOURCE,
    display_name="Aider",
    format=FORMAT,
    version=VERSION,
    sniff=sniff,
    parse=parse,
    group=GroupSpec(key=group_key, parse=parse_group),
    locations=locations,
    writer=write_demo,
)
