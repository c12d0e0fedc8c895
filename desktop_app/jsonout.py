"""The JSON objects of the command line's contract, written in one place: a session as
``sessions --json`` prints it, and ``show --json``'s object with its transcript. The export
writes the same objects (with a few keys more)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import TextIO

from desktop_app.domain import Message, SessionRow, utc_iso
from desktop_app.importers.registry import display_name
from desktop_app.metrics.cost import PriceTable, session_cost
from desktop_app.metrics.evidence import active_minutes
from desktop_app.store.evidence import SessionEvidence

_NO_EVIDENCE = SessionEvidence()


def row_cost(row: SessionRow, prices: PriceTable) -> float | None:
    """A stored session's cost from the price table (US dollars, to 6 decimals), or None."""
    cost = session_cost(prices, row.model, row.tokens_in, row.tokens_out, row.tokens_uncached,
                        row.tokens_cache_write, row.tokens_cache_read)
    return None if cost is None else round(cost, 6)


def session_object(row: SessionRow, prices: PriceTable | None = None,
                   evidence: Mapping[str, SessionEvidence] | None = None) -> dict[str, object]:
    """The ``sessions --json`` object of one session; with ``prices``, its ``cost`` comes from
    the local price table (None without tokens or price), otherwise it is the stored one; with
    ``evidence`` (the cache, by session id) also ``commits`` and ``lines_changed`` (null without
    a repository) and ``active_minutes`` (null where no message has a time)."""
    obj = row.to_json(tool=display_name(row.tool_key))
    if prices is not None:
        obj["cost"] = row_cost(row, prices)
    if evidence is not None:
        found = evidence.get(row.id, _NO_EVIDENCE)
        obj["commits"] = found.commits
        obj["lines_changed"] = found.lines_changed
        obj["active_minutes"] = active_minutes(found.active_seconds)
    return obj


def transcript_objects(messages: Iterable[Message], *, models: bool = False,
                       no_text: bool = False) -> list[dict[str, object]]:
    """``show --json``'s ``transcript`` entries (``models``: with each message's model too;
    ``no_text``: the session is kept without text by an import rule, so every text is null)."""
    if models:
        return [{"role": m.role, "time": utc_iso(m.time), "text": None if no_text else m.text,
                 "model": m.model} for m in messages]
    return [{"role": m.role, "time": utc_iso(m.time), "text": None if no_text else m.text}
            for m in messages]


def show_object(row: SessionRow, tool_feedback: str | None,
                transcript: Iterable[Message] | None, *, models: bool = False,
                prices: PriceTable | None = None,
                evidence: Mapping[str, SessionEvidence] | None = None) -> dict[str, object]:
    """The ``show --json`` object: the session (``prices`` and ``evidence`` as in
    :func:`session_object`), the tool's own thumbs (never a verdict) and, unless ``transcript``
    is None, the transcript."""
    obj = session_object(row, prices, evidence)
    obj["tool_feedback"] = tool_feedback
    if transcript is not None:
        obj["transcript"] = transcript_objects(transcript, models=models, no_text=row.no_text)
    return obj


def emit_json(obj: object, out: TextIO) -> None:
    """Print ``obj`` as the command line's JSON: indented, UTF-8 as is, one final newline."""
    json.dump(obj, out, ensure_ascii=False, indent=2)
    out.write("\n")
