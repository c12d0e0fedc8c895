"""The demo's throwaway git repositories: commit evidence in the demo, the same for the same day,
inside the demo's folder only, and no error (and no evidence) where git is missing."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from desktop_app.demo.database import DemoDatabase, generate_demo
from desktop_app.demo.repositories import build_repositories, plan_commits
from desktop_app.demo.story import demo_story
from desktop_app.evidence.git import read_commits
from desktop_app.evidence.refresh import fresh_evidence
from desktop_app.store import list_sessions, open_db

TODAY = date(2026, 11, 30)
needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def _heads(folder: Path) -> dict[str, str]:
    """Each repository's main branch (relative folder → commit id)."""
    heads: dict[str, str] = {}
    for git_dir in sorted(folder.rglob(".git")):
        out = subprocess.run(["git", "-C", str(git_dir.parent), "rev-parse", "main"],
                             capture_output=True, text=True, check=True)
        heads[str(git_dir.parent.relative_to(folder))] = out.stdout.strip()
    return heads


def test_commits_follow_the_sessions_that_helped() -> None:
    story = [(s, useful) for s, _, useful in demo_story(TODAY)]
    plans = plan_commits(story)
    assert set(plans) == {"~/src/billing-api", "~/src/web-dashboard", "~/src/data-pipeline",
                          "~/src/search-service", "~/work/infra"}
    by_title = {s.title for s, useful in story if useful}
    commits = [c for project in plans.values() for c in project]
    helped = sum(c.message in by_title for c in commits)
    assert helped / len(commits) > 0.8
    for project in plans.values():
        times = [c.time for c in project]
        assert times == sorted(times)  # a history that only moves forwards


@needs_git
def test_repositories_hold_the_planned_commits_and_lines(tmp_path: Path) -> None:
    story = [(s, useful) for s, _, useful in demo_story(TODAY)]
    made = build_repositories(tmp_path, story)
    plans = plan_commits(story)
    assert set(made) == set(plans)
    for project, folder in made.items():
        assert folder == tmp_path / project.removeprefix("~/")
        found = read_commits(folder)
        assert found is not None
        planned = plans[project]
        assert len(found) == len(planned) + 1  # and the project's first commit
        mine = sorted(found, key=lambda c: c.time)[1:]
        assert [c.time for c in mine] == [int(c.time.timestamp()) for c in planned]
        assert [(c.added, c.deleted) for c in mine] == [
            (sum(a for a, _ in c.changes.values()), sum(r for _, r in c.changes.values()))
            for c in planned]
        assert not (folder / ".git" / "demo-history").exists()


@needs_git
def test_the_demo_shows_commit_evidence_the_same_each_time(tmp_path: Path) -> None:
    heads: list[dict[str, str]] = []
    for _ in range(2):
        with DemoDatabase(today=TODAY, root=tmp_path) as demo:
            db = open_db(demo.path)
            try:
                rows = list_sessions(db)
                evidence = fresh_evidence(db)
            finally:
                db.close()
            coding = [r for r in rows if r.project is not None]
            assert coding
            assert all(Path(r.project).is_relative_to(demo.folder) for r in coding
                       if r.project is not None)
            counted = [evidence[r.id].commits for r in coding]
            assert all(c is not None for c in counted)  # every project is a repository
            assert sum(1 for c in counted if c) > 0.3 * len(coding)
            heads.append(_heads(demo.folder))
        assert not demo.folder.exists()  # the repositories go with the demo
    assert heads[0] == heads[1]
    assert len(heads[0]) == 5


def test_without_git_the_demo_has_no_repositories_and_no_error(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shutil, "which", lambda _name: None)
    with DemoDatabase(today=TODAY, root=tmp_path) as demo:
        db = open_db(demo.path)
        try:
            rows = list_sessions(db)
            evidence = fresh_evidence(db)
        finally:
            db.close()
        assert not list(demo.folder.rglob(".git"))
        coding = [r for r in rows if r.project is not None]
        assert all(r.project is not None and r.project.startswith("~/") for r in coding)
        assert all(evidence[r.id].commits is None for r in coding)


@needs_git
def test_a_git_that_fails_leaves_no_repository(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    real = subprocess.Popen

    def failing(args: list[str], **kwargs: Any) -> subprocess.Popen[bytes]:
        process: subprocess.Popen[bytes] = real(["git", "no-such-command"], **kwargs)
        return process

    monkeypatch.setattr(subprocess, "Popen", failing)
    db = open_db(tmp_path / "demo.db")
    try:
        generate_demo(db, today=TODAY, repositories=tmp_path / "projects")
        rows = list_sessions(db)
        evidence = fresh_evidence(db)
    finally:
        db.close()
    assert not list((tmp_path / "projects").rglob(".git"))
    assert all(evidence[r.id].commits is None for r in rows)
