"""``worthwhile export`` and ``backup`` as a person types them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlite_utils import Database

from desktop_app.cli import main
from tests.richdata import build_rich_db


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_export_says_what_it_wrote(capsys: pytest.CaptureFixture[str], db: Database,
                                   db_path: Path, tmp_path: Path) -> None:
    build_rich_db(db)
    for fmt, extra, what in (("csv", [], "as CSV"),
                             ("json", ["--transcripts"], "as JSON with transcripts")):
        target = tmp_path / f"e.{fmt}"
        code, out, err = run(capsys, "--db", str(db_path), "export", "--format", fmt,
                             "--out", str(target), *extra)
        assert (code, err) == (0, "")
        assert out.startswith(f"{target}: 6 sessions exported {what} (")
        assert target.is_file()


def test_export_of_a_missing_database_is_empty_and_creates_nothing(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    missing = tmp_path / "none.db"
    target = tmp_path / "e.json"
    code, _out, _ = run(capsys, "--db", str(missing), "export", "--format", "json",
                       "--out", str(target))
    assert code == 0
    assert json.loads(target.read_text())["sessions"] == []
    assert not missing.exists()


def test_export_errors(capsys: pytest.CaptureFixture[str], db: Database, db_path: Path,
                       tmp_path: Path) -> None:
    build_rich_db(db)
    code, _, err = run(capsys, "--db", str(db_path), "export", "--format", "csv",
                       "--out", str(db_path))
    assert code == 1
    assert err == f"worthwhile: error: {db_path} is the database itself: choose another file\n"
    code, _, err = run(capsys, "--db", str(db_path), "export", "--format", "csv",
                       "--out", str(tmp_path))
    assert (code, "is a folder" in err) == (1, True)
    with pytest.raises(SystemExit) as exit_info:
        main(["--db", str(db_path), "export", "--format", "xml", "--out", "x"])
    assert exit_info.value.code == 2
    with pytest.raises(SystemExit) as exit_info:
        main(["--db", str(db_path), "export", "--out", "x"])
    assert exit_info.value.code == 2


def test_demo_export(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    target = tmp_path / "demo.csv"
    code, _out, _ = run(capsys, "--demo", "export", "--format", "csv", "--out", str(target))
    assert code == 0
    assert target.read_bytes().startswith(b"\xef\xbb\xbfid,source,tool,")
