"""Google Takeout as .tgz: members read as streams, with the same guards as zips."""

from __future__ import annotations

import io
import json
import tarfile
from pathlib import Path

from sqlite_utils import Database

from desktop_app.importers.zipsafe import ZipLimits
from desktop_app.ingest import import_paths
from desktop_app.store import count_sessions
from tests.builders import dump

ACTIVITY = "Takeout/My Activity/Gemini Apps/MyActivity.json"


def _records(n: int) -> bytes:
    return json.dumps([
        {"header": "Gemini Apps", "title": f"Prompted question number {i}",
         "time": f"2026-03-0{1 + i % 8}T09:{i % 60:02d}:00.000Z", "products": ["Gemini Apps"],
         "details": [{"name": f"https://gemini.google.com/app/chat{i}",
                      "url": f"https://gemini.google.com/app/chat{i}"}],
         "safeHtmlItem": [{"html": f"<p>answer {i}</p>"}]}
        for i in range(n)
    ]).encode()


def _tgz(path: Path, members: dict[str, bytes], *, links: dict[str, str] | None = None) -> Path:
    with tarfile.open(path, "w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
        for name, target in (links or {}).items():
            info = tarfile.TarInfo(name)
            info.type = tarfile.SYMTYPE
            info.linkname = target
            tar.addfile(info)
    return path


def test_takeout_tgz_imports(db: Database, tmp_path: Path) -> None:
    path = _tgz(tmp_path / "takeout-20260301T000000Z-001.tgz", {
        ACTIVITY: _records(5),
        "Takeout/archive_browser.html": b"<html>index</html>",
        "Takeout/My Activity/Gemini Apps/lens-diagram.png": b"\x89PNG" + bytes(50),
    })
    entry = import_paths(db, [path]).files[0]
    assert entry.error is None, entry.error
    assert (entry.source, entry.sessions_new) == ("gemini", 5)
    assert entry.skipped == []
    again = import_paths(db, [path]).files[0]
    assert (again.sessions_new, again.sessions_unchanged) == (0, 5)


def test_unsafe_members_are_skipped_and_reported(db: Database, tmp_path: Path) -> None:
    path = _tgz(tmp_path / "takeout.tar.gz", {
        ACTIVITY: _records(2),
        "../evil/MyActivity.json": _records(3),
        "/etc/MyActivity.json": _records(3),
    }, links={"Takeout/link.json": "/etc/passwd"})
    entry = import_paths(db, [path]).files[0]
    assert entry.error is None, entry.error
    assert entry.sessions_new == 2
    reasons = {s.what.split("!", 1)[1]: s.reason for s in entry.skipped}
    assert set(reasons) == {"../evil/MyActivity.json", "/etc/MyActivity.json",
                            "Takeout/link.json"}
    assert "outside" in reasons["../evil/MyActivity.json"]
    assert reasons["Takeout/link.json"] == "link"


def test_tar_bomb_is_refused_and_nothing_stored(db: Database, tmp_path: Path) -> None:
    bomb = _tgz(tmp_path / "takeout.tgz", {
        ACTIVITY: _records(3),
        "Takeout/My Activity/Gemini Apps/big.json": b"[" + b" " * 20_000_000 + b"]",
    })
    before = dump(db)
    limits = ZipLimits(ratio_floor=1024 * 1024, max_ratio=100.0)
    entry = import_paths(db, [bomb], limits=limits).files[0]
    assert entry.error is not None
    assert "bomb" in entry.error
    assert count_sessions(db) == 0
    assert [line for line in dump(db) if "imports" not in line] == \
        [line for line in before if "imports" not in line]


def test_too_many_members_is_refused(db: Database, tmp_path: Path) -> None:
    path = _tgz(tmp_path / "takeout.tgz", {f"Takeout/f{i}.txt": b"x" for i in range(30)})
    entry = import_paths(db, [path], limits=ZipLimits(max_members=10)).files[0]
    assert entry.error is not None
    assert "too many members" in entry.error


def test_not_a_tar_is_a_clear_error(db: Database, tmp_path: Path) -> None:
    import gzip

    path = tmp_path / "takeout.tgz"
    path.write_bytes(gzip.compress(b"just some text, not a tar archive" * 20))
    entry = import_paths(db, [path]).files[0]
    assert entry.error is not None
    assert "tgz" in entry.error or "no supported" in entry.error
