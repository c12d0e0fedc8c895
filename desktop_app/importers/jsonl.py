"""Reading JSONL logs line by line from an offset: bad lines skipped and counted, never fatal."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, BinaryIO

import orjson

from desktop_app.importers.contract import RecordTally


def _loads(text: bytes) -> Any:
    """``json.loads``, about twice as fast: orjson, and the standard library for what orjson
    refuses but it reads (NaN, lone surrogates, integers past 64 bits, a byte-order mark), so
    that every line reads exactly as before."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)


class LineReader:
    """The JSON objects of a JSONL stream, from byte ``start``; ``end`` is how far it got.

    ``end`` stops before an unterminated last line that is not valid JSON (a file still being
    written), so that the next import reads that line again once it is complete. Other bad
    lines are reported through ``tally`` and skipped.
    """

    def __init__(self, stream: BinaryIO, name: str, tally: RecordTally, start: int = 0) -> None:
        self.stream = stream
        self.name = name
        self.tally = tally
        self.start = start
        self.end = start
        self.lines = 0

    def _where(self) -> str:
        if self.start:
            return f"line {self.lines} after byte {self.start}"
        return f"line {self.lines}"

    def __iter__(self) -> Iterator[dict[str, Any]]:
        pos = self.start
        tally = self.tally
        loads = orjson.loads
        lines = self.lines
        read = 0  # added to the tally's count at the end (a call per line costs)
        try:
            for raw in self.stream:
                pos += len(raw)
                lines += 1
                try:  # the usual line first: JSON whitespace around a value reads the same
                    value = loads(raw)
                except (ValueError, RecursionError):
                    self.lines = lines
                    value = self._unusual(raw, pos)
                    if value is _INCOMPLETE:
                        return
                    if value is _SKIPPED:
                        continue
                self.end = pos
                if not isinstance(value, dict):
                    self.lines = lines
                    tally.skip(self._where(), "not a JSON object")
                    continue
                read += 1
                yield value
        finally:
            self.lines = lines
            tally.read += read

    def _unusual(self, raw: bytes, pos: int) -> Any:
        """A line orjson does not read as it is: blank, not JSON, or JSON only the standard
        library reads (see :func:`_loads`)."""
        text = raw.strip()
        if not text:
            self.end = pos
            return _SKIPPED
        try:
            return _loads(text)
        except (ValueError, RecursionError):
            if not raw.endswith(b"\n"):
                self.tally.skip(self._where(), "incomplete last line (read again next time)")
                return _INCOMPLETE
            self.end = pos
            reason = "not valid UTF-8" if _bad_utf8(text) else "not valid JSON"
            self.tally.skip(self._where(), reason)
            return _SKIPPED


_SKIPPED = object()
_INCOMPLETE = object()


def _bad_utf8(text: bytes) -> bool:
    try:
        text.decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


def head_records(head: bytes, limit: int = 30) -> Iterator[dict[str, Any]]:
    """The JSON objects among the first complete lines of ``head`` (for ``sniff``)."""
    lines = head.split(b"\n")
    if len(lines) > 1:
        lines = lines[:-1]  # the last one may be cut off
    for line in lines[:limit]:
        line = line.strip()
        if not line.startswith(b"{"):
            continue
        try:
            value = _loads(line)
        except (ValueError, RecursionError):
            continue
        if isinstance(value, dict):
            yield value
