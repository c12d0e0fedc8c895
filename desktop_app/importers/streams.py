"""Reading streams: the head of a file, JSON streaming, a stream that replays its head."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from typing import IO, Any, BinaryIO

import ijson

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
