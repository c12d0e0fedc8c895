"""The command line while another Worthwhile writes: it waits, says so once, and succeeds."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from desktop_app.cli import main
from desktop_app.domain import Verdict
from desktop_app.store import get_rating, open_db, save_sessions
from tests.factories import make_session
from tests.locks import LockHolder

DATA = Path(__file__).resolve().parent / "data"
WAITING = "waiting for the database (another Worthwhile is writing)…"


@pytest.fixture
def stored(db_path: Path) -> str:
    db = open_db(db_path)
    session = make_session(3)
    save_sessions(db, [session])
    db.close()
    return session.id


def test_rate_waits_for_a_writer_holding_the_lock_for_two_seconds(
        capsys: pytest.CaptureFixture[str], db_path: Path, stored: str) -> None:
    with LockHolder(db_path, seconds=2.0) as other:
        code = main(["--db", str(db_path), "rate", stored, "useful", "--minutes", "20"])
        assert other.released.is_set()
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "useful" in out
    assert err.count(WAITING) == 1
    assert "locked" not in err
    db = open_db(db_path)
    try:
        rating = get_rating(db, stored)
    finally:
        db.close()
    assert (rating.verdict, rating.minutes_saved) == (Verdict.USEFUL, 20)


def test_import_waits_once_for_several_paths_and_keeps_its_json(
        capsys: pytest.CaptureFixture[str], db_path: Path, stored: str) -> None:
    paths = [str(DATA / "codex"), str(DATA / "aider")]
    with LockHolder(db_path, seconds=2.0):
        code = main(["--db", str(db_path), "import", *paths, "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    report = json.loads(out)  # stderr's word does not spoil the JSON on stdout
    assert report["totals"]["sessions_new"] > 0
    assert err.count(WAITING) == 1
    assert "locked" not in err


def test_a_short_wait_says_nothing(capsys: pytest.CaptureFixture[str], db_path: Path,
                                   stored: str) -> None:
    with LockHolder(db_path, seconds=0.2):
        assert main(["--db", str(db_path), "rate", stored, "not-useful"]) == 0
    assert WAITING not in capsys.readouterr().err
