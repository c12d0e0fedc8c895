"""The evidence cache: one ``git log`` per repository that changed, sessions bucketed into
their windows, null where there is no repository, nothing run again while nothing changed."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlite_utils import Database

from desktop_app.cli import main
from desktop_app.domain import Message, Rating, Session, Verdict
from desktop_app.evidence import git
from desktop_app.evidence.refresh import fresh_evidence, refresh_evidence
from desktop_app.store import save_sessions, set_rating
from desktop_app.store.deletion import delete_all, delete_sessions
from desktop_app.store.evidence import (
    SessionEvidence,
    commit_counts,
    commit_tallies,
    session_evidence,
)
from tests.evidence.gitrepo import Repo, at, lines, sample_repo


def coding(n: int, project: str | None, start: datetime, end: datetime | None,
           gaps: tuple[int, ...] = (60,), source: str = "claude-code") -> Session:
    """A coding session whose messages are ``gaps`` seconds apart."""
    times = [start]
    for gap in gaps:
        times.append(times[-1] + timedelta(seconds=gap))
    messages = tuple(Message(role="user" if i % 2 == 0 else "assistant", text=f"m{i}", time=t)
                     for i, t in enumerate(times))
    return Session(source=source, external_id=f"s{n}", title=f"session {n}", started_at=start,
                   ended_at=end, messages=messages, project=project)


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    return sample_repo(tmp_path / "repo")


def test_sessions_get_their_window_s_commits_and_null_without_repository(
        db: Database, repo: Repo, tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    sessions = [
        coding(1, str(repo.root), at("2026-01-10 10:00"), at("2026-01-10 11:00")),
        coding(2, str(repo.root / "sub"), at("2026-01-11 11:30"), at("2026-01-11 11:45")),
        coding(3, str(plain), at("2026-01-10 10:00"), at("2026-01-10 11:00")),
        coding(4, None, at("2026-01-10 10:00"), at("2026-01-10 11:00")),
        coding(5, "0123abcd-project-hash", at("2026-01-10 10:00"), None, source="gemini-cli"),
        coding(6, str(repo.root), at("2025-06-01 10:00"), at("2025-06-01 11:00")),
    ]
    save_sessions(db, sessions)
    report = refresh_evidence(db)
    assert (report.repositories, report.git_runs, report.git_failures) == (1, 1, 0)
    ids = [s.id for s in sessions]
    # Session 1: b.txt +10 on main and b.txt +3 −3 on "feature"; a.txt before and c.txt after
    # the window are left out.
    assert session_evidence(db, ids[0]) == SessionEvidence(2, 13, 3, 60)
    assert session_evidence(db, ids[1]) == SessionEvidence(1, 7, 0, 60)  # c.txt, from sub/
    for sid in ids[2:5]:
        assert session_evidence(db, sid).commits is None
    assert session_evidence(db, ids[5]) == SessionEvidence(0, 0, 0, 60)
    assert commit_counts(db) == {ids[0]: 2, ids[1]: 1, ids[5]: 0}


def test_nothing_runs_again_until_the_repository_or_the_session_changes(
        db: Database, repo: Repo) -> None:
    session = coding(1, str(repo.root), at("2026-01-10 10:00"), at("2026-01-10 11:00"))
    save_sessions(db, [session])
    assert refresh_evidence(db).git_runs == 1
    again = refresh_evidence(db)
    assert (again.git_runs, again.rows_written) == (0, 0)

    repo.commit(at("2026-01-10 18:00"), {"e.txt": lines(4)})
    moved = refresh_evidence(db)
    assert (moved.git_runs, moved.sessions_counted) == (1, 1)
    assert session_evidence(db, session.id).commits == 3

    longer = coding(1, str(repo.root), at("2026-01-10 10:00"), at("2026-01-11 11:00"),
                    gaps=(60, 120))
    save_sessions(db, [longer])  # the session grew: its window now reaches the 12:00 commit
    grown = refresh_evidence(db)
    assert grown.git_runs == 1
    assert grown.activity_computed == 1
    assert session_evidence(db, session.id) == SessionEvidence(4, 24, 3, 180)


def test_one_git_run_per_repository_for_many_sessions(db: Database, repo: Repo,
                                                      tmp_path: Path) -> None:
    other = Repo(tmp_path / "other")
    other.commit(at("2026-01-10 10:05"), {"x.txt": lines(2)})
    sessions = [coding(i, str(repo.root if i % 2 else other.root),
                       at("2026-01-10 10:00") + timedelta(minutes=i), None) for i in range(40)]
    save_sessions(db, sessions)
    report = refresh_evidence(db)
    assert (report.repositories, report.git_runs, report.sessions_counted) == (2, 2, 40)


def test_git_missing_or_hanging_gives_null_and_no_crash(db: Database, repo: Repo,
                                                        tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    session = coding(1, str(repo.root), at("2026-01-10 10:00"), at("2026-01-10 11:00"))
    save_sessions(db, [session])
    monkeypatch.setattr(git, "GIT", str(tmp_path / "no-such-git"))
    report = refresh_evidence(db)
    assert report.git_failures == 1
    assert session_evidence(db, session.id) == SessionEvidence(None, None, None, 60)
    monkeypatch.undo()
    assert refresh_evidence(db).git_runs == 1  # installed later: counted then
    assert session_evidence(db, session.id).commits == 2

    slow = tmp_path / "slow-git"
    slow.write_text("#!/bin/sh\nexec sleep 30\n", encoding="utf-8")
    slow.chmod(0o755)
    monkeypatch.setattr(git, "GIT", str(slow))
    monkeypatch.setattr(git, "GIT_TIMEOUT_SECONDS", 0.3)
    repo.commit(at("2026-01-10 19:00"), {"f.txt": lines(1)})
    assert refresh_evidence(db).git_failures == 1
    assert session_evidence(db, session.id).commits is None  # not the stale count


def test_deleted_sessions_leave_no_evidence_behind(db: Database, repo: Repo) -> None:
    session = coding(1, str(repo.root), at("2026-01-10 10:00"), at("2026-01-10 11:00"))
    save_sessions(db, [session])
    other = coding(2, str(repo.root), at("2026-01-10 10:00"), at("2026-01-10 11:00"))
    save_sessions(db, [other])
    refresh_evidence(db)
    delete_sessions(db, [session.id])  # the repository's folder goes with the session
    assert db.execute("SELECT session_id FROM commit_evidence").fetchall() == [(other.id,)]
    assert db.execute("SELECT session_id FROM session_activity").fetchall() == [(other.id,)]
    delete_all(db)
    assert db.execute("SELECT count(*) FROM commit_evidence").fetchone()[0] == 0
    assert db.execute("SELECT count(*) FROM session_activity").fetchone()[0] == 0
    # Rows left without their session (deleted some other way) go at the next refresh.
    save_sessions(db, [other])
    refresh_evidence(db)
    db.execute("DELETE FROM sessions WHERE id = ?", [other.id])
    db.conn.commit()
    refresh_evidence(db)
    assert db.execute("SELECT count(*) FROM commit_evidence").fetchone()[0] == 0
    assert db.execute("SELECT count(*) FROM session_activity").fetchone()[0] == 0


def test_tallies_split_sessions_followed_by_commits_from_the_others(db: Database,
                                                                    repo: Repo) -> None:
    with_commits = coding(1, str(repo.root), at("2026-01-10 10:00"), at("2026-01-10 11:00"))
    without = coding(2, str(repo.root), at("2025-06-01 10:00"), at("2025-06-01 11:00"))
    no_repo = coding(3, None, at("2026-01-10 10:00"), None)
    save_sessions(db, [with_commits, without, no_repo])
    set_rating(db, with_commits.id, Rating(Verdict.USEFUL, minutes_saved=20))
    set_rating(db, without.id, Rating(Verdict.NOT_USEFUL))
    set_rating(db, no_repo.id, Rating(Verdict.USEFUL))
    refresh_evidence(db)
    followed, not_followed = commit_tallies(db)
    assert (followed.uses, followed.rated, followed.useful, followed.minutes_sum) == (1, 1, 1, 20)
    assert (not_followed.uses, not_followed.rated, not_followed.not_useful) == (1, 1, 1)
    assert commit_tallies(db, tool="codex")[0].uses == 0


def test_sessions_and_show_json_carry_commits_lines_and_active_minutes(
        db_path: Path, repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    from desktop_app.store import open_db

    db = open_db(db_path)
    in_repo = coding(1, str(repo.root), at("2026-01-10 10:00"), at("2026-01-10 11:00"),
                     gaps=(120, 90, 600, 30))
    chat = coding(2, None, at("2026-01-10 10:00"), None, source="chatgpt")
    save_sessions(db, [in_repo, chat])
    db.close()
    assert main(["--db", str(db_path), "sessions", "--json"]) == 0
    rows = {r["id"]: r for r in json.loads(capsys.readouterr().out)}
    assert list(rows[in_repo.id])[-3:] == ["commits", "lines_changed", "active_minutes"]
    assert (rows[in_repo.id]["commits"], rows[in_repo.id]["lines_changed"],
            rows[in_repo.id]["active_minutes"]) == (2, 16, 4)  # 240 s active
    assert (rows[chat.id]["commits"], rows[chat.id]["lines_changed"]) == (None, None)
    assert rows[chat.id]["active_minutes"] == 1
    assert main(["--db", str(db_path), "show", in_repo.id, "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert (shown["commits"], shown["lines_changed"], shown["active_minutes"]) == (2, 16, 4)


def test_fresh_evidence_reads_the_cache_where_it_cannot_write(db: Database, repo: Repo,
                                                              monkeypatch: pytest.MonkeyPatch
                                                              ) -> None:
    import sqlite3

    from desktop_app.evidence import refresh

    session = coding(1, str(repo.root), at("2026-01-10 10:00"), at("2026-01-10 11:00"))
    save_sessions(db, [session])
    refresh_evidence(db)

    def read_only(_db: Database, **_kw: object) -> None:
        raise sqlite3.OperationalError("attempt to write a readonly database")

    monkeypatch.setattr(refresh, "refresh_evidence", read_only)
    assert fresh_evidence(db)[session.id].commits == 2
