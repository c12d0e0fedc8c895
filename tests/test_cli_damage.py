"""The command line on a damaged database or one from a newer Worthwhile: one clear line on
stderr, exit 1, and the file left exactly as it was."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from desktop_app.cli import main
from desktop_app.store import open_db, save_sessions
from tests.damage import (
    DAMAGE_AT_OPEN,
    damage_in_sessions_pages,
    folder_state,
    healthy_database,
)
from tests.factories import make_session

COMMANDS = [
    ["sessions"],
    ["sessions", "--json"],
    ["stats", "--json"],
    ["show", "chatgpt-000000"],
    ["rate", "chatgpt-000000", "useful"],
    ["import", "nothing-here.json"],
]


@pytest.fixture(scope="module")
def healthy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return healthy_database(tmp_path_factory.mktemp("healthy") / "worthwhile.db")


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def damaged(healthy: Path, db_path: Path, damage: Callable[[Path], None]) -> Path:
    db_path.parent.mkdir()
    shutil.copyfile(healthy, db_path)
    damage(db_path)
    return db_path


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_newer_database_is_one_line_exit_1_and_untouched(
        capsys: pytest.CaptureFixture[str], db_path: Path, command: list[str]) -> None:
    db = open_db(db_path)
    save_sessions(db, [make_session(1)])
    db.conn.execute("INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
                    "VALUES ('worthwhile', '0099_later', '2031-01-01')")
    db.conn.commit()
    db.close()
    before = folder_state(db_path.parent)
    code, out, err = run(capsys, "--db", str(db_path), *command)
    assert code == 1
    assert out == ""
    assert err == (f"worthwhile: error: {db_path} was written by a newer version of Worthwhile "
                   "(schema 0099_later); update Worthwhile to open it. The file was not "
                   "changed.\n")
    assert folder_state(db_path.parent) == before


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
@pytest.mark.parametrize("kind", ["text file", "cut in half", "sessions root page garbled"])
def test_damaged_database_is_one_line_naming_it_and_how_to_move_it_aside(
        capsys: pytest.CaptureFixture[str], healthy: Path, db_path: Path, kind: str,
        command: list[str]) -> None:
    damaged(healthy, db_path, DAMAGE_AT_OPEN[kind])
    before = folder_state(db_path.parent)
    code, out, err = run(capsys, "--db", str(db_path), *command)
    assert code == 1
    assert out == ""
    assert err.startswith(f"worthwhile: error: {db_path} ")
    assert err.count("\n") == 1
    assert "Nothing was changed. To start a new database, move the file aside" in err
    assert "worthwhile.db.damaged" in err
    assert folder_state(db_path.parent) == before


def test_damage_met_by_the_first_query_is_the_same_clear_line(
        capsys: pytest.CaptureFixture[str], healthy: Path, db_path: Path) -> None:
    damaged(healthy, db_path, damage_in_sessions_pages)
    code, out, err = run(capsys, "--db", str(db_path), "sessions")
    assert code == 1
    assert out == ""
    assert err.startswith(f"worthwhile: error: {db_path} is damaged (SQLite: database disk "
                          "image is malformed). Nothing was changed.")
    assert err.count("\n") == 1
    assert "Traceback" not in err
