"""Claude Code records read the fast way give what the general rules give: odd times, odd ids,
and a part's result carried through a worker's pickle unchanged."""

from __future__ import annotations

import io
import pickle
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from desktop_app.domain import Message, Session
from desktop_app.importers import claude_code
from desktop_app.importers.contract import GroupFile, Skipped
from desktop_app.importers.values import from_iso
from tests.builders import S1, assistant, text, user, write_jsonl


@pytest.mark.parametrize(("value", "expected"), [
    ("2026-01-02T03:04:05.553Z", datetime(2026, 1, 2, 3, 4, 5, 553000, UTC)),
    ("2026-01-02T03:04:05Z", datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)),
    ("2026-01-02T03:04:05.553+00:00", datetime(2026, 1, 2, 3, 4, 5, 553000, UTC)),
    ("2026-01-02T03:04:05.553+02:00", datetime(2026, 1, 2, 1, 4, 5, 553000, UTC)),
    ("2026-01-02T03:04:05", datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)),  # naive: UTC
    ("2026-01-02T03:04:05.1234567Z", datetime(2026, 1, 2, 3, 4, 5, 123456, UTC)),
    (" 2026-01-02T03:04:05Z ", datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)),
    ("2026-01-02t03:04:05z", datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)),
    ("2026-13-02T03:04:05Z", None),
    ("yesterday", None),
    ("", None),
    (None, None),
    (1767322245, None),
])
def test_from_iso_reads_every_shape_as_utc(value: Any, expected: datetime | None) -> None:
    moment = from_iso(value)
    assert moment == expected
    if moment is not None:
        assert moment.tzinfo is UTC
        assert moment.isoformat() == expected.isoformat()  # type: ignore[union-attr]


class _Saved:
    """Checkpoints kept in memory."""

    def __init__(self) -> None:
        self.states: dict[str, dict[str, Any]] = {}

    def load(self, session_id: str) -> tuple[dict[str, Any], list[Message]] | None:
        return None

    def save(self, session_id: str, state: dict[str, Any], *, holds_text: bool = True
             ) -> None:
        self.states[session_id] = state

    def file_read(self, nbytes: int) -> None:
        pass


def _odd_session(tmp_path: Path) -> Path:
    records: list[Any] = [
        user("u1", S1, "Fix the build", "2026-01-02T03:04:05.553Z"),
        assistant("a1\nx", S1, [text("Looking")], "2026-01-02T05:04:06.000+02:00",
                  msg="m1", req="r1"),
        user("u2", S1, [{"type": "tool_result", "content": "ok"}], "2026-01-02T03:04:07"),
        assistant("a2", S1, [text("Done")], "2026-01-02T03:04:08.1234567Z", msg="m2",
                  req="r2"),
        user("u3", S1, "And the docs", "not a time"),
        {**user("u4", S1, "Thanks", ""), "timestamp": 1767322245},
    ]
    return write_jsonl(tmp_path / "projects" / "-home-alice-app" / f"{S1}.jsonl", records)


def test_a_part_read_in_a_worker_keeps_odd_times_and_ids(tmp_path: Path) -> None:
    path = _odd_session(tmp_path)
    [here] = list(claude_code.parse(io.BytesIO(path.read_bytes()), path.name,
                                    lambda item: None))
    files = [GroupFile(str(path), path.name, path.stat().st_size)]
    result = pickle.loads(pickle.dumps(claude_code._read_part_whole(files),
                                       pickle.HIGHEST_PROTOCOL))
    saved = _Saved()
    reports: list[Skipped] = []
    [there] = list(claude_code._emit_part_read(files, result, reports.append, saved))
    assert not reports
    for session in (here, there):
        assert isinstance(session, Session)
        assert [(m.role, m.time) for m in session.messages] == [
            ("user", datetime(2026, 1, 2, 3, 4, 5, 553000, UTC)),
            ("assistant", datetime(2026, 1, 2, 3, 4, 6, tzinfo=UTC)),
            ("tool", datetime(2026, 1, 2, 3, 4, 7, tzinfo=UTC)),
            ("assistant", datetime(2026, 1, 2, 3, 4, 8, 123456, UTC)),
            ("user", None),
            ("user", None),
        ]
        assert all(m.time is None or m.time.tzinfo is UTC for m in session.messages)
        assert (session.started_at, session.ended_at) == (
            datetime(2026, 1, 2, 3, 4, 5, 553000, UTC), datetime(2026, 1, 2, 3, 4, 8, 123456, UTC))
    assert here == there
    [state] = saved.states.values()
    assert state["uuids"] == ["u1", "a1\nx", "u2", "a2", "u3", "u4"]  # one with a line break too
    assert state["start"] == "2026-01-02T03:04:05.553000+00:00"


def test_a_kept_time_string_is_stored_as_its_time_would_be() -> None:
    """A worker works out stored times from the strings entries keep (no time object made);
    each must be what the store makes of the time itself."""
    from desktop_app.domain import utc_iso
    from desktop_app.importers.claude_code import _read_time, _stored_time

    shapes = ["2026-01-02T03:04:05Z", "2026-01-02T03:04:05.553Z", "2026-01-02T03:04:05.999999Z",
              "2026-01-02T03:04:05.9999999Z", "2026-01-02T03:04:05+00:00",
              "2026-01-02T03:04:05.1+00:00", "2026-01-02T03:04Z", "2026-01-02T03Z",
              "2026-01-02T03:04:05,5Z", "2026-01-02T03:04:05.553-00:00",
              "2026-01-02T03:04:05.553+01:00", "2026-12-31T23:59:59.9999995Z", "", None, 17]
    for value in shapes:
        moment, kept = _read_time(value)
        assert _stored_time(kept) == utc_iso(moment), value
