"""Reading streams: the head of a file, JSON streaming, a stream that replays its head."""

from __future__ import annotations

import codecs
import io
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import IO, Any, BinaryIO, Generic, TypeVar

import ijson
import orjson

from desktop_app.importers.contract import FormatError

#: How many leading bytes detection looks at.
HEAD_SIZE = 64 * 1024


def json_reason(exc: Exception) -> str:
    """Why ijson (or the UTF-8 decoder) could not read a JSON file, in plain words."""
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
        raise FormatError(name, json_reason(exc), f"item {count + 1}") from exc


def array_or_object(stream: BinaryIO, name: str, what: str
                    ) -> tuple[str, list[str], BinaryIO]:
    """Open a JSON export that is an array of ``what`` or one of them on its own.

    Returns the ijson prefix of the items (``"item"``, or ``""`` for a lone object), the keys
    seen at the top of the file and the stream (still at byte 0); raises
    :class:`FormatError` for an empty file or another JSON value.
    """
    head, stream = read_head(stream)
    kind, keys = json_top_level(head)
    if kind not in ("array", "object"):
        reason = "the file is empty" if not head.strip() else f"not a JSON array of {what}"
        raise FormatError(name, reason)
    return ("item" if kind == "array" else ""), keys, stream


#: The last head :func:`json_top_level` read, and what it found: detecting a file asks several
#: sources' sniffers about the same head (four probes of a 64 KiB head were a third of
#: detecting a Claude Code log).
_LAST_TOP: tuple[bytes, str, tuple[str, ...]] | None = None


def json_top_level(head: bytes) -> tuple[str, list[str]]:
    """The kind of the top-level JSON value in ``head`` (``"array"``, ``"object"`` or ``""``)
    and the keys of the top-level object (or of the first array item) seen in those bytes."""
    global _LAST_TOP
    last = _LAST_TOP
    if last is not None and last[0] is head:  # the same bytes object: read it already
        return last[1], list(last[2])
    kind, keys = _json_top_level(head)
    _LAST_TOP = (head, kind, tuple(keys))
    return kind, keys


def _json_top_level(head: bytes) -> tuple[str, list[str]]:
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
        #: Bytes handed out so far (head included).
        self.returned = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        if self._head.nbytes:
            n = min(len(view), self._head.nbytes)
            view[:n] = self._head[:n]
            self._head = self._head[n:]
            self.returned += n
            return n
        data = self._stream.read(len(view))
        n = len(data)
        view[:n] = data
        self.returned += n
        if n and self._counted is not None:
            self._counted(n)
        return n


class Headed(io.BufferedReader):
    """A stream whose first bytes were already read for detection: ``head`` replays first.

    Detection reads a file's head once; the parser gets it with the stream instead of reading
    it again (see :func:`read_head`).
    """

    def __init__(self, head: bytes, stream: IO[bytes],
                 counted: Callable[[int], None] | None = None, size: int = HEAD_SIZE) -> None:
        #: True when ``head`` is the whole file (it is shorter than a head).
        self.complete = len(head) < size
        if head.startswith(b"\xef\xbb\xbf"):  # a UTF-8 byte order mark: JSON parsers reject it
            head = head[3:]
        self._source = Prefixed(head, stream, counted)
        super().__init__(self._source, buffer_size=256 * 1024)
        self.head = head

    @property
    def untouched(self) -> bool:
        """True while nothing has been read from the stream yet."""
        return self._source.returned == 0


def read_head(stream: BinaryIO, size: int = HEAD_SIZE) -> tuple[bytes, BinaryIO]:
    """The first ``size`` bytes of ``stream`` and a stream that still starts at byte 0.

    A :class:`Headed` stream not read yet gives its head at once (no second read).
    """
    if (isinstance(stream, Headed) and stream.untouched
            and (len(stream.head) >= size or stream.complete)):
        return stream.head[:size], stream
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


# --- the items of a top-level JSON array, with their raw bytes ----------------------------------

#: How many leading bytes of an item :func:`iter_raw_items` shows ``recognise``.
ITEM_HEAD = 128
_CHUNK = 256 * 1024
_BYTES_SPACE = re.compile(rb"[ \t\n\r]*")
_COMMA, _OPEN = ord(","), ord("{")
#: What may follow a complete item of an array.
_AFTER_ITEM = frozenset(b" \t\n\r,]")
#: A decode error this close to the end of the text read so far may just mean "read more".
_NEAR_END = 64
#: The start of an object up to the end of its first key (``{"title":``).
_FIRST_KEY = re.compile(rb'\{[ \t\n\r]*"[^"\\\r\n]{1,64}"[ \t\n\r]*:')
_SPACE_BYTES = frozenset(b" \t\n\r")
_CLOSE = ord("}")
#: How far ahead :meth:`_RawScanner.quick` looks for the item after the one it decodes.
_QUICK_AHEAD = 4 * 1024 * 1024
#: How many candidate ends it tries before leaving an item to the standard decoder.
_QUICK_TRIES = 4
#: After this many items in a row it could not decode, it is not tried again.
_QUICK_MISSES = 8

_T = TypeVar("_T")
#: ``take(size)``: the ``size`` raw bytes from the item's start, when they end where an array
#: item may end (else None).
Take = Callable[[int], bytes | None]
#: ``recognise(head, take)``: ``(size, token)`` for an item known without decoding it.
Recognise = Callable[[bytes, Take], tuple[int, _T] | None]


@dataclass(slots=True)  # not frozen: built once per item, frozen's __init__ is 5x slower
class RawItem(Generic[_T]):
    """One item of an array: decoded (``value``, with its exact bytes ``raw``), or recognised
    without decoding (``token``, what ``recognise`` returned; ``value`` and ``raw`` are None).

    ``exact`` is False for an item orjson decoded: the same value as the standard library's
    decoder gives, except that an integer beyond 64 bits comes as a float (rounded). A reader
    to whom that matters decodes ``raw`` again with :func:`json.loads` where it meets one.
    """

    value: Any = None
    raw: bytes | None = None
    token: _T | None = None
    exact: bool = True


def iter_raw_items(stream: BinaryIO, name: str,
                   recognise: Recognise[_T] | None = None) -> Iterator[RawItem[_T]]:
    """The items of the JSON array that is the whole of ``stream``, each with its raw bytes.

    ``recognise`` sees the first :data:`ITEM_HEAD` bytes of each item and may claim it by a size
    (checking those bytes with ``take``): the item is then skipped without being decoded, at the
    speed of reading bytes. Every other item is decoded, its bytes given with it: with orjson
    where the next item starts with the same key (see :meth:`_RawScanner.quick`), else with the
    standard library's C decoder (as :func:`desktop_app.importers.jsonarray.iter_array`). Errors
    (invalid JSON or UTF-8, a truncated file, data after the array) raise :class:`FormatError`
    naming the item they happened in. Memory holds one chunk plus the item being read.
    """
    return _RawScanner(stream, name).items(recognise)


class _RawScanner:
    """Bytes read so far (``data`` from ``at``) and, while items are decoded, the same bytes as
    text (``text`` from ``tat``, in step with ``at``); the text is dropped when bytes are
    skipped and decoded again from the next item that needs it."""

    def __init__(self, stream: BinaryIO, name: str) -> None:
        self.stream = stream
        self.name = name
        self.data = b""
        self.at = 0
        self.eof = False
        self.text: str | None = None
        self.tat = 0
        self.utf8 = codecs.getincrementaldecoder("utf-8")()
        self.count = 0
        #: Items in a row :meth:`quick` could not decode (it stops trying after a few).
        self.misses = 0
        #: False when the last item was decoded by :meth:`quick`.
        self.exact = True

    def fail(self, reason: str) -> FormatError:
        return FormatError(self.name, reason, f"item {self.count + 1}")

    def _decoded(self, data: bytes, final: bool) -> str:
        try:
            return self.utf8.decode(data, final=final)
        except UnicodeDecodeError as exc:
            raise self.fail("not valid UTF-8 text") from exc

    def more(self, size: int = _CHUNK) -> bool:
        """Read at least ``size`` more bytes (fewer at the end); False at the end of the file."""
        if self.eof:
            return False
        data = self.stream.read(size)
        if not data:
            self.eof = True
        self.data = self.data[self.at:] + data
        self.at = 0
        if self.text is not None:
            self.text = self.text[self.tat:] + self._decoded(data, not data)
            self.tat = 0
        return bool(data)

    def want(self, size: int) -> bool:
        """At least ``size`` bytes from ``at`` are read (False: the file is shorter)."""
        while len(self.data) - self.at < size:
            if not self.more(max(_CHUNK, size - (len(self.data) - self.at))):
                return False
        return True

    def skip_space(self) -> int:
        """Skip whitespace; the next byte (-1 at the end of the file)."""
        while True:
            match = _BYTES_SPACE.match(self.data, self.at)
            end = match.end() if match else self.at
            if self.text is not None:
                self.tat += end - self.at
            self.at = end
            if self.at < len(self.data):
                return self.data[self.at]
            if not self.more():
                return -1

    def step(self) -> None:
        """Pass one ASCII byte (a bracket or comma)."""
        self.at += 1
        if self.text is not None:
            self.tat += 1

    def take(self, size: int) -> bytes | None:
        if self.at + size >= len(self.data):  # reading more moves the bytes in the buffer
            self.want(size + 1)
        data, at = self.data, self.at
        end = at + size
        if end > len(data) or (end < len(data) and data[end] not in _AFTER_ITEM):
            return None
        return data[at:end]

    def decode(self, decoder: json.JSONDecoder) -> tuple[Any, bytes]:
        """Decode the item at ``at``: its value and raw bytes (``exact`` says by which
        decoder, see :class:`RawItem`)."""
        quick = self.quick()
        self.exact = quick is None
        if quick is not None:
            return quick
        if self.text is None:
            self.utf8 = codecs.getincrementaldecoder("utf-8")()
            self.text = self._decoded(self.data[self.at:], self.eof)
            self.tat = 0
        while True:
            text = self.text
            assert text is not None
            try:
                item, end = decoder.raw_decode(text, self.tat)
            except json.JSONDecodeError as exc:
                cut = exc.pos >= len(text) - _NEAR_END or exc.msg.startswith("Unterminated")
                if cut and not self.eof:
                    # Read at least as much again as the item so far: linear in its size.
                    self.more(max(_CHUNK, len(self.data) - self.at))
                    continue
                if cut:
                    raise self.fail("the JSON ends too early (the file looks truncated)") from exc
                raise self.fail(f"not valid JSON ({exc.msg})") from exc
            except RecursionError as exc:
                raise self.fail("not valid JSON (nested too deeply)") from exc
            if end >= len(text) and not self.eof:
                self.more()  # a number cut at the end of the chunk would decode as a shorter one
                continue
            raw = text[self.tat:end].encode("utf-8", "surrogatepass")
            self.tat = end
            self.at += len(raw)
            return item, raw

    def quick(self) -> tuple[Any, bytes] | None:
        """Decode the item at ``at`` with orjson (about twice as fast, and no text to keep in
        step), its end found without decoding: the next item starts with the same key
        (``{"title":``), after ``}`` and a comma. None when no such end is found (the last
        item, items of other shapes, invalid JSON, values orjson refuses such as ``NaN``):
        :meth:`decode` reads it, and says what is wrong.

        An end is confirmed by orjson decoding exactly the bytes up to it: a JSON value ends
        at one place only, so bytes cut anywhere else (inside a string, in a nested object)
        are not one value.
        """
        if self.misses >= _QUICK_MISSES:
            return None
        found = self._quick()
        self.misses = 0 if found is not None else self.misses + 1
        return found

    def _quick(self) -> tuple[Any, bytes] | None:
        if len(self.data) - self.at < ITEM_HEAD:
            self.want(ITEM_HEAD)
        data, at = self.data, self.at
        first = _FIRST_KEY.match(data, at)
        if first is None:
            return None
        key = first.group()
        start = first.end()
        tries = 0
        while True:
            found = data.find(key, start)
            if found < 0:
                if self.eof or len(data) - at > _QUICK_AHEAD:
                    return None
                searched = max(len(data) - len(key), at + 1) - at
                self.more(max(_CHUNK, len(data) - at))
                data, at = self.data, self.at
                start = at + searched
                continue
            start = found + 1
            end = found
            while data[end - 1] in _SPACE_BYTES:
                end -= 1
            if data[end - 1] != _COMMA:
                continue
            end -= 1
            while data[end - 1] in _SPACE_BYTES:
                end -= 1
            if data[end - 1] != _CLOSE or end <= at:
                continue
            try:
                value = orjson.loads(memoryview(data)[at:end])
            except orjson.JSONDecodeError:
                tries += 1
                if tries >= _QUICK_TRIES:
                    return None
                continue
            self.at = end
            self.text = None
            return value, data[at:end]

    def items(self, recognise: Recognise[_T] | None) -> Iterator[RawItem[_T]]:
        decoder = json.JSONDecoder()
        self.want(3)
        if self.data.startswith(b"\xef\xbb\xbf"):
            self.at = 3
        first = self.skip_space()
        if first != ord("["):
            raise self.fail("not a JSON array" if first >= 0 else "the file is empty")
        self.step()
        if self.skip_space() == ord("]"):
            self.step()
        else:
            while True:
                if self.at >= len(self.data):
                    raise self.fail("the JSON ends too early (the file looks truncated)")
                known = None
                if recognise is not None:
                    if len(self.data) - self.at < ITEM_HEAD:
                        self.want(ITEM_HEAD)
                    known = recognise(self.data[self.at:self.at + ITEM_HEAD], self.take)
                if known is not None:
                    size, token = known
                    self.at += size
                    self.text = None
                    self.count += 1
                    yield RawItem(token=token)
                else:
                    item, raw = self.decode(decoder)
                    self.count += 1
                    yield RawItem(value=item, raw=raw, exact=self.exact)
                data, at = self.data, self.at
                if at + 1 < len(data) and data[at] == _COMMA and data[at + 1] == _OPEN:
                    self.step()  # the usual "},{" between conversations: no spaces to skip
                    continue
                after = self.skip_space()
                if after < 0:
                    raise self.fail("the JSON ends too early (the file looks truncated)")
                if after == ord("]"):
                    self.step()
                    break
                if after != ord(","):
                    raise self.fail(f"not valid JSON (expected ',' or ']' after item "
                                    f"{self.count})")
                self.step()
                if self.skip_space() < 0:
                    raise self.fail("the JSON ends too early (the file looks truncated)")
        if self.skip_space() >= 0:
            raise FormatError(self.name, "unexpected data after the end of the JSON")
