"""Gemini Apps activity from Google Takeout: ``MyActivity.json`` or ``MyActivity.html``.

Takeout keeps one record per prompt, newest first, with no conversation id except (since
2026) a chat link in ``details``. Records are grouped into sessions by that link, else by a
gap of more than 30 minutes. A session without a chat link gets an id made from its first
record (time plus a hash of the prompt), so later records never change an earlier session's id.
"""

from __future__ import annotations

import bisect
import codecs
import hashlib
import itertools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, BinaryIO

from desktop_app.domain import Message, Session, utc_iso
from desktop_app.importers import writing
from desktop_app.importers.contract import (
    FormatError,
    RecordTally,
    Report,
    SourceSpec,
)
from desktop_app.importers.streams import (
    head_text,
    iter_json,
    json_top_level,
    read_head,
)
from desktop_app.importers.values import (
    as_dict,
    as_list,
    as_str,
    from_iso,
    title_from,
)

SOURCE = "gemini"
VERSION = "1"
FORMAT = "Gemini Apps activity from Google Takeout (MyActivity.json or MyActivity.html)"

#: Records further apart than this start a new session (when there is no chat link).
SESSION_GAP = timedelta(minutes=30)
#: "Prompted" in the languages seen in exports (the prefix of a prompt record's title).
PROMPT_PREFIXES = ("Prompted ", "Prompted: ", "Запит: ", "Запрос: ", "Gefragt: ",
                   "Demandé : ", "Pregunta: ", "Prompt: ")
_PROMPT_LABELS = frozenset(p.strip().rstrip(":").strip() for p in PROMPT_PREFIXES)
_CHAT_LINK = re.compile(r"gemini\.google\.com/(?:u/\d+/)?app/([0-9A-Za-z_-]+)")
_ATTACHED = re.compile(r"^\s*\d+\s+attached\s+files?\.?\s*$", re.IGNORECASE)
_BLOCK_TAGS = frozenset({"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5",
                         "h6", "tr", "pre", "blockquote", "table"})
_HIDDEN_TAGS = frozenset({"script", "style", "template", "noscript", "head", "title"})


def sniff(head: bytes, name: str) -> bool:
    """Takeout's activity JSON (``header``/``title``/``time`` records of Gemini or Bard) or HTML."""
    text = head_text(head)
    if "outer-cell" in text and ("Gemini" in text or "Bard" in text):
        return True
    kind, keys = json_top_level(head)
    if kind != "array":
        return False
    return {"header", "title", "time"} <= set(keys) and ("Gemini" in text or "Bard" in text)


@dataclass
class _Record:
    time: datetime
    prompt: str
    answer: str
    chat_id: str | None
    notes: list[str] = field(default_factory=list)


def parse(stream: BinaryIO, name: str, report: Report) -> Iterator[Session]:
    """Read every prompt record, group them into sessions, yield the sessions oldest first."""
    head, stream = read_head(stream)
    text = head_text(head)
    tally = RecordTally(name, "Gemini prompt record", report)
    if not head.strip():
        raise FormatError(name, "the file is empty")
    if head.lstrip().startswith(b"[") and "outer-cell" not in text:
        records = list(_json_records(stream, name, tally))
    else:
        records = list(_html_records(stream, name, tally))
    tally.finish()
    yield from _sessions(records)


# --- JSON ----------------------------------------------------------------------------------------


def _prompt_text(title: str) -> str | None:
    for prefix in PROMPT_PREFIXES:
        if title.startswith(prefix):
            return title[len(prefix):]
    return None


def _json_records(stream: BinaryIO, name: str, tally: RecordTally) -> Iterator[_Record]:
    for index, item in enumerate(iter_json(stream, name, "item"), start=1):
        record = as_dict(item)
        what = f"record {index}"
        title = as_str(record.get("title")) or ""
        time = from_iso(record.get("time"))
        html_chunks = [as_str(as_dict(chunk).get("html")) or ""
                       for chunk in as_list(record.get("safeHtmlItem"))]
        prompt = _prompt_text(title)
        if prompt is None and html_chunks and title and ":" in title[:40]:
            prompt = title.split(":", 1)[1].strip()  # a prefix in a language not listed
        if not record or time is None:
            tally.skip(what, "not an activity record with a time")
            continue
        if prompt is None:
            tally.skip(what, f"not a prompt ({title[:40] or 'no title'})", unreadable=False)
            continue
        chat_id = None
        for detail in as_list(record.get("details")):
            detail_dict = as_dict(detail)
            link = _CHAT_LINK.search(str(detail_dict.get("url") or detail_dict.get("name")))
            if link:
                chat_id = link.group(1)
        answer = _drop_attachment_counter(
            "\n\n".join(t for t in (html_to_text(h) for h in html_chunks) if t))
        notes = [f"[attached file: {f}]" for f in as_list(record.get("attachedFiles"))
                 if isinstance(f, str)]
        image = as_str(record.get("imageFile"))
        if image:
            notes.append(f"[image: {image}]")
        tally.ok()
        yield _Record(time, prompt.strip(), answer, chat_id, notes)


def _drop_attachment_counter(text: str) -> str:
    """Remove the "1 attached file." line Takeout puts before some answers."""
    lines = text.splitlines()
    while lines and (not lines[0].strip() or _ATTACHED.match(lines[0])):
        lines.pop(0)
    return "\n".join(lines)


# --- HTML ----------------------------------------------------------------------------------------


class _TextCollector(HTMLParser):
    """Text of an HTML fragment, block elements as line breaks, list items as bullets."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN_TAGS:
            self._hidden += 1
        elif tag == "li":
            self.parts.append("\n• ")
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN_TAGS:
            self._hidden = max(0, self._hidden - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    """Plain text of answer HTML: tags stripped, scripts dropped, ``<li>`` as bullets."""
    collector = _TextCollector()
    collector.feed(html)
    collector.close()
    lines = [" ".join(line.split()) for line in "".join(collector.parts).splitlines()]
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


class _ActivityPage(HTMLParser):
    """Splits MyActivity.html into records: the text lines of each ``outer-cell``."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.records: list[list[str]] = []
        self._depth = 0  # div depth inside the current outer cell (0 = outside)
        self._hidden = 0
        self._line: list[str] = []

    def _flush(self) -> None:
        line = " ".join("".join(self._line).split())
        self._line = []
        if line and self.records and self._depth:
            self.records[-1].append(line)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN_TAGS:
            self._hidden += 1
            return
        if tag == "div":
            classes = (dict(attrs).get("class") or "").split()
            if self._depth:
                self._depth += 1
            elif "outer-cell" in classes:
                self._depth = 1
                self.records.append([])
        if tag in _BLOCK_TAGS or tag == "div":
            self._flush()
            if tag == "li":
                self._line.append("• ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN_TAGS:
            self._hidden = max(0, self._hidden - 1)
            return
        if tag in _BLOCK_TAGS or tag == "div":
            self._flush()
        if tag == "div" and self._depth:
            self._depth -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden and self._depth:
            self._line.append(data)


_MONTHS = {m: i for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)}
_ZONES = {"UTC": 0, "GMT": 0, "EST": -5, "EDT": -4, "CST": -6, "CDT": -5, "MST": -7,
          "MDT": -6, "PST": -8, "PDT": -7, "AKST": -9, "AKDT": -8, "HST": -10, "BST": 1,
          "CET": 1, "CEST": 2, "EET": 2, "EEST": 3, "IST": 5.5, "JST": 9, "KST": 9,
          "AEST": 10, "AEDT": 11}
_HUMAN_TIME = re.compile(
    r"^(?P<mon>[A-Za-z]{3})[a-z]*\.? (?P<day>\d{1,2}), (?P<year>\d{4}),? "
    r"(?P<h>\d{1,2}):(?P<m>\d{2}):(?P<s>\d{2})\s*(?P<ampm>[AP]M)?\s*"
    r"(?P<zone>[A-Z]{2,5}|GMT[+-]\d{1,2}(?::\d{2})?|UTC[+-]\d{1,2}(?::\d{2})?)?$"
)


def parse_human_time(text: str) -> datetime | None:
    """``Jan 2, 2025, 3:04:05 PM EST`` (or ``GMT+05:30``) as UTC; None when not such a time."""
    match = _HUMAN_TIME.match(text.replace("\u202f", " ").replace("\xa0", " ").strip())
    if not match:
        return None
    month = _MONTHS.get(match["mon"].lower())
    if month is None:
        return None
    hour = int(match["h"])
    if match["ampm"]:
        hour = hour % 12 + (12 if match["ampm"] == "PM" else 0)
    zone_text = match["zone"] or "UTC"
    if zone_text[:3] in ("GMT", "UTC") and len(zone_text) > 3:
        sign = -1 if zone_text[3] == "-" else 1
        hours, _, minutes = zone_text[4:].partition(":")
        offset = sign * (int(hours) + int(minutes or 0) / 60)
    else:
        offset = _ZONES.get(zone_text, 0)
    try:
        local = datetime(int(match["year"]), month, int(match["day"]), hour, int(match["m"]),
                         int(match["s"]), tzinfo=timezone(timedelta(hours=offset)))
    except ValueError:
        return None
    return local.astimezone(UTC)


def _html_records(stream: BinaryIO, name: str, tally: RecordTally) -> Iterator[_Record]:
    page = _ActivityPage()
    try:
        text_stream = iter(lambda: stream.read(1 << 20), b"")
        decoder = codecs.getincrementaldecoder("utf-8")()
        for chunk in text_stream:
            page.feed(decoder.decode(chunk))
        page.feed(decoder.decode(b"", final=True))
        page.close()
    except UnicodeDecodeError as exc:
        raise FormatError(name, "not valid UTF-8 text") from exc
    if not page.records:
        raise FormatError(name, "no activity records (no outer-cell blocks) in this HTML")
    for index, lines in enumerate(page.records, start=1):
        what = f"record {index}"
        body = lines[1:] if lines and lines[0] in ("Gemini Apps", "Bard") else list(lines)
        body = [line for line in body if not line.startswith(("Products:", "Why is this here"))]
        time_at = next((i for i, line in enumerate(body) if parse_human_time(line)), None)
        if time_at is None:
            tally.skip(what, "no readable time in this record")
            continue
        time = parse_human_time(body[time_at])
        assert time is not None
        rest = body[:time_at] + body[time_at + 1:]
        label_at = next((i for i, line in enumerate(rest)
                         if line in _PROMPT_LABELS or _prompt_text(line) is not None), None)
        if label_at is None:
            first = rest[0][:40] if rest else "no text"
            tally.skip(what, f"not a prompt ({first})", unreadable=False)
            continue
        label = rest[label_at]
        inline = _prompt_text(label)
        after = rest[label_at + 1:]
        if inline:
            prompt, answer_lines = inline, after
        else:
            prompt, answer_lines = (after[0] if after else ""), after[1:]
        answer = "\n\n".join(line for line in answer_lines if not _ATTACHED.match(line))
        tally.ok()
        yield _Record(time, prompt.strip(), answer, None)


# --- grouping ------------------------------------------------------------------------------------


def _derived_id(record: _Record) -> str:
    digest = hashlib.sha256(record.prompt.encode()).hexdigest()[:12]
    return f"{utc_iso(record.time)}-{digest}"


def _sessions(records: list[_Record]) -> Iterator[Session]:
    records.sort(key=lambda r: r.time)
    groups: dict[str, list[_Record]] = {}
    current: str | None = None
    last_time: datetime | None = None
    for record in records:
        if record.chat_id:
            groups.setdefault(f"chat:{record.chat_id}", []).append(record)
            continue
        if current is None or last_time is None or record.time - last_time > SESSION_GAP:
            current = _derived_id(record)
            groups[current] = []
        groups[current].append(record)
        last_time = record.time
    for key, group in groups.items():
        external_id = key.removeprefix("chat:")
        messages: list[Message] = []
        for record in group:
            prompt = "\n\n".join([record.prompt, *record.notes]) if record.notes else record.prompt
            messages.append(Message("user", prompt or "[empty prompt]", record.time))
            if record.answer:
                messages.append(Message("assistant", record.answer, record.time))
        title = title_from(group[0].prompt) or "Gemini chat"
        yield Session(source=SOURCE, external_id=external_id, title=title,
                      started_at=group[0].time, ended_at=group[-1].time, messages=tuple(messages))



# --- synthetic exports (demo-data, the demo, tests) ----------------------------------------------

#: The activity file in ``Takeout/My Activity/Gemini Apps/``.
FILE_NAME = "MyActivity.json"
_CHAT_ID = re.compile(r"[0-9A-Za-z_-]+")
#: Sessions written without a chat link keep at least this far from each other.
_UNLINKED_GAP = SESSION_GAP + timedelta(minutes=1)


def write_demo(sessions: Iterable[Session], out: Path) -> Path:
    """Write ``sessions`` as Takeout's ``MyActivity.json``: one record per prompt, newest first.

    The answer is the record's ``safeHtmlItem`` (HTML, in two chunks when long); a prompt with
    no answer after it gets none (Takeout misses many). Records carry the chat link in
    ``details`` (the session's id when it can be one), except one session in four, written
    without a link, as older exports are, where the time gaps keep it apart from the other
    unlinked ones (the importer then derives the id from the first record). One session in ten
    has an attached file and the "1 attached file." line before its first answer. Takeout has no
    titles, models, tokens, tool or system messages; messages before the first prompt are left
    out. Records go through a temporary spool so that the file lists the newest activity first
    whatever order the sessions come in. ``out`` is the file, or a folder for it.
    """
    path = writing.file_target(out, FILE_NAME)
    spool = path.with_name(path.name + ".spool")
    unlinked: list[tuple[datetime, datetime]] = []
    spans: list[tuple[datetime, int, int]] = []
    try:
        with open(spool, "w+b") as tmp:
            for session in sessions:
                records = _demo_records(session, unlinked)
                if not records:
                    continue
                data = ",".join(writing.dump(r) for r in records).encode()
                spans.append((writing.start_of(session), tmp.tell(), len(data)))
                tmp.write(data)
            spans.sort(key=lambda span: span[0], reverse=True)
            with writing.replacing(path, large=True) as handle:
                handle.write("[")
                for n, (_start, offset, length) in enumerate(spans):
                    tmp.seek(offset)
                    handle.write(("," if n else "") + tmp.read(length).decode())
                handle.write("]")
    finally:
        spool.unlink(missing_ok=True)
    return path


def _can_unlink(prompts: list[datetime], unlinked: list[tuple[datetime, datetime]]) -> bool:
    """True when records without a link still group back into this one session."""
    if any(b - a > SESSION_GAP for a, b in itertools.pairwise(prompts)):
        return False
    span = (prompts[0], prompts[-1])
    at = bisect.bisect(unlinked, span)
    before = unlinked[at - 1] if at else None
    after = unlinked[at] if at < len(unlinked) else None
    if before is not None and span[0] - before[1] <= _UNLINKED_GAP:
        return False
    if after is not None and after[0] - span[1] <= _UNLINKED_GAP:
        return False
    unlinked.insert(at, span)
    return True


def _demo_html(text: str) -> list[str]:
    paragraphs = ["<p>" + writing.html_escape(p).replace("\n", "<br>") + "</p>"
                  for p in text.split("\n\n") if p.strip()]
    if len(paragraphs) > 2:
        half = len(paragraphs) // 2
        return ["".join(paragraphs[:half]), "".join(paragraphs[half:])]
    return ["".join(paragraphs)] if paragraphs else []


def _demo_records(session: Session, unlinked: list[tuple[datetime, datetime]]
                  ) -> list[dict[str, Any]]:
    key = session.id
    pairs: list[tuple[datetime, str, str]] = []
    for prompt, after in writing.exchanges(writing.timed(session)):
        if prompt is None:
            continue  # Takeout has nothing before the first prompt
        answer = "\n\n".join(m.text for m in after if m.role == "assistant" and m.text.strip())
        pairs.append((prompt.time, prompt.text, answer))
    if not pairs:
        return []
    chat_id = session.external_id if _CHAT_ID.fullmatch(session.external_id) else \
        writing.stable_hex(key, "chat", 16)
    linked = not (writing.roll(key, "unlinked", 4) == 0
                  and _can_unlink([p[0] for p in pairs], unlinked))
    attached = writing.roll(key, "attached", 10) == 0
    records: list[dict[str, Any]] = []
    for n, (moment, prompt_text, answer) in enumerate(pairs):
        record: dict[str, Any] = {
            "header": "Gemini Apps",
            "title": f"Prompted {prompt_text}",
            "time": writing.iso_z(moment),
            "products": ["Gemini Apps"],
            "activityControls": ["Gemini Apps Activity"],
        }
        if linked:
            url = f"https://gemini.google.com/app/{chat_id}"
            record["details"] = [{"name": url, "url": url}]
        chunks = _demo_html(answer)
        if attached and n == 0:
            record["attachedFiles"] = ["notes.pdf"]
            chunks = ["<p>1 attached file.</p>", *chunks]
        if chunks:
            record["safeHtmlItem"] = [{"html": chunk} for chunk in chunks]
        records.append(record)
    records.reverse()
    return records


SPEC = SourceSpec(
    name=SOURCE,
    display_name="Gemini Apps",  # Google's own name; a bare "Gemini" reads as Gemini CLI too
    format=FORMAT,
    version=VERSION,
    sniff=sniff,
    parse=parse,
    writer=write_demo,
    # Google Takeout's index page.
    companion_names=frozenset({"archive_browser.html"}),
)
