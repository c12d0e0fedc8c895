"""Re-importing exactly the same export file opens nothing; any change reads it again."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from desktop_app.domain import Verdict
from desktop_app.importers import chatgpt
from desktop_app.ingest import import_paths
from desktop_app.store import get_rating, list_sessions, open_db, update_rating

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "chatgpt" / \
    "Sinity__polylogue__native-conversation-v1.json"


def counts(db: object, path: Path) -> tuple[int, int, int, str | None]:
    report = import_paths(db, [path])  # type: ignore[arg-type]
    f = report.files[0]
    return f.sessions_new, f.sessions_updated, f.sessions_unchanged, f.error


def test_same_file_again_is_not_opened(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = open_db(tmp_path / "w.db")
    export = tmp_path / "conversations.json"
    shutil.copy(SAMPLE, export)
    assert counts(db, export) == (1, 0, 0, None)
    sid = list_sessions(db)[0].id
    update_rating(db, sid, Verdict.USEFUL, minutes_saved=5)

    opened: list[str] = []
    real_open = Path.open

    def spy(self: Path, *args: object, **kwargs: object) -> object:
        if self == export:
            opened.append(str(self))
        return real_open(self, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(Path, "open", spy)
    report = import_paths(db, [export])
    assert report.files[0].source == "chatgpt"
    assert (report.files[0].sessions_unchanged, report.files[0].error) == (1, None)
    assert opened == []
    assert get_rating(db, sid).minutes_saved == 5


def test_any_change_reads_the_file_again(tmp_path: Path) -> None:
    db = open_db(tmp_path / "w.db")
    export = tmp_path / "conversations.json"
    shutil.copy(SAMPLE, export)
    counts(db, export)
    # Touched (same content, new mtime): read again, found unchanged.
    stat = export.stat()
    os.utime(export, ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000_000))
    assert counts(db, export) == (0, 0, 1, None)
    # Edited: read again, updated.
    data = json.loads(export.read_text(encoding="utf-8"))
    conversation = data[0] if isinstance(data, list) else data
    conversation["title"] = "A new title"
    conversation["update_time"] = (conversation.get("update_time") or 0) + 60
    export.write_text(json.dumps(data), encoding="utf-8")
    assert counts(db, export) == (0, 1, 0, None)
    assert list_sessions(db)[0].title == "A new title"


def test_a_new_parser_version_reads_it_again(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    db = open_db(tmp_path / "w.db")
    export = tmp_path / "conversations.json"
    shutil.copy(SAMPLE, export)
    counts(db, export)
    monkeypatch.setattr(chatgpt.SPEC, "version", chatgpt.SPEC.version + "-next")
    opened_before = db.conn.execute("SELECT count(*) FROM imports").fetchone()[0]
    assert counts(db, export)[3] is None
    assert db.conn.execute("SELECT count(*) FROM imports").fetchone()[0] == opened_before + 1
    state = db.conn.execute("SELECT parser_version FROM file_states").fetchone()[0]
    assert state.endswith("-next")
