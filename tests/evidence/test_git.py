"""Asking git, read-only: commits on every local branch by committer time, with their lines;
no repository, no git or a git that hangs is None, never a crash; nothing is written."""

from __future__ import annotations

import stat
import sys
from pathlib import Path

import pytest

from desktop_app.evidence import git
from desktop_app.metrics.evidence import Commit
from tests.evidence.gitrepo import at, lines, sample_repo


def _ts(text: str) -> int:
    return int(at(text).timestamp())


def test_read_commits_sees_every_local_branch_with_committer_times_and_lines(
        tmp_path: Path) -> None:
    repo = sample_repo(tmp_path / "repo")
    commits = git.read_commits(repo.root)
    assert commits is not None
    assert sorted(commits, key=lambda c: c.time) == [
        Commit(_ts("2026-01-09 12:00"), 5, 0),
        Commit(_ts("2026-01-10 10:30"), 10, 0),
        Commit(_ts("2026-01-11 09:00"), 3, 3),  # on "feature", authored days earlier
        Commit(_ts("2026-01-11 12:00"), 7, 0),
    ]


def test_since_leaves_out_older_commits(tmp_path: Path) -> None:
    repo = sample_repo(tmp_path / "repo")
    commits = git.read_commits(repo.root, since=_ts("2026-01-10 10:00"))
    assert commits is not None
    assert sorted(c.time for c in commits) == [
        _ts("2026-01-10 10:30"), _ts("2026-01-11 09:00"), _ts("2026-01-11 12:00")]


def test_binary_files_count_no_lines(tmp_path: Path) -> None:
    repo = sample_repo(tmp_path / "repo")
    (repo.root / "blob.bin").write_bytes(bytes(range(256)) * 4)
    repo.git("add", "blob.bin")
    repo.git("commit", "-q", "-m", "binary", when=at("2026-01-12 08:00"))
    commits = git.read_commits(repo.root, since=_ts("2026-01-12 00:00"))
    assert commits == [Commit(_ts("2026-01-12 08:00"), 0, 0)]


def test_repository_of_finds_the_work_tree_from_a_subfolder(tmp_path: Path) -> None:
    repo = sample_repo(tmp_path / "repo")
    assert git.repository_of(str(repo.root)) == repo.root
    assert git.repository_of(str(repo.root / "sub")) == repo.root


@pytest.mark.parametrize("project", [None, "", "relative/path", "9f86d081884c7d659a2feaa0c55ad015"])
def test_a_project_that_is_no_absolute_path_has_no_repository(project: str | None) -> None:
    assert git.repository_of(project) is None


def test_a_folder_outside_any_repository_or_missing_has_none(tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    assert git.repository_of(str(plain)) is None
    assert git.repository_of(str(tmp_path / "gone")) is None
    (plain / "file.txt").write_text("x", encoding="utf-8")
    assert git.repository_of(str(plain / "file.txt")) is None  # a file, not a folder


def test_a_linked_work_tree_is_its_own_repository_with_shared_branches(tmp_path: Path) -> None:
    repo = sample_repo(tmp_path / "repo")
    linked = tmp_path / "linked"
    repo.git("worktree", "add", "-q", str(linked), "feature")
    assert git.repository_of(str(linked)) == linked
    assert git.repository_state(linked) == git.repository_state(repo.root)
    commits = git.read_commits(linked)
    assert commits is not None
    assert len(commits) == 4


def test_state_changes_when_a_branch_moves_and_only_then(tmp_path: Path) -> None:
    repo = sample_repo(tmp_path / "repo")
    first = git.repository_state(repo.root)
    assert first is not None
    assert git.repository_state(repo.root) == first
    git.read_commits(repo.root)
    assert git.repository_state(repo.root) == first
    repo.commit(at("2026-01-12 09:00"), {"d.txt": lines(1)})
    moved = git.repository_state(repo.root)
    assert moved not in (None, first)
    repo.git("branch", "another")
    assert git.repository_state(repo.root) not in (first, moved)
    repo.git("pack-refs", "--all")  # the same branches, packed: a change is allowed, not needed
    assert git.repository_state(repo.root) is not None
    assert git.repository_state(tmp_path) is None


def test_nothing_is_written_in_the_repository(tmp_path: Path) -> None:
    repo = sample_repo(tmp_path / "repo")
    (repo.root / "b.txt").write_text("edited, not committed\n", encoding="utf-8")

    def snapshot() -> dict[str, tuple[int, int]]:
        return {str(p): (p.stat().st_mtime_ns, p.stat().st_size)
                for p in sorted(repo.root.rglob("*"))}

    before = snapshot()
    assert git.read_commits(repo.root) is not None
    git.repository_state(repo.root)
    assert snapshot() == before


def test_git_missing_gives_none(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = sample_repo(tmp_path / "repo")
    monkeypatch.setattr(git, "GIT", str(tmp_path / "no-such-git"))
    assert git.read_commits(repo.root) is None


def test_a_failing_git_gives_none(tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    assert git.read_commits(plain) is None  # "not a git repository": exit code 128


@pytest.mark.skipif(sys.platform == "win32", reason="a shell script stands in for git")
def test_a_git_that_hangs_is_stopped_and_gives_none(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    repo = sample_repo(tmp_path / "repo")
    slow = tmp_path / "slow-git"
    slow.write_text("#!/bin/sh\nexec sleep 30\n", encoding="utf-8")
    slow.chmod(slow.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setattr(git, "GIT", str(slow))
    assert git.read_commits(repo.root, timeout=0.5) is None


def test_git_runs_without_prompts_or_optional_locks(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    seen = tmp_path / "seen.txt"
    spy = tmp_path / "spy-git"
    spy.write_text(f'#!/bin/sh\nenv > "{seen}"\necho "$@" >> "{seen}"\n', encoding="utf-8")
    spy.chmod(spy.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setattr(git, "GIT", str(spy))
    if sys.platform == "win32":
        pytest.skip("a shell script stands in for git")
    assert git.read_commits(tmp_path) == []
    told = seen.read_text(encoding="utf-8")
    assert "GIT_TERMINAL_PROMPT=0" in told
    assert "GIT_OPTIONAL_LOCKS=0" in told
    assert "core.fsmonitor=false" in told
    assert "--branches" in told
    assert "fetch" not in told


def test_parse_log_reads_headers_and_numstat_lines() -> None:
    text = ("\x011700000000\n\n3\t1\ta.py\n-\t-\timg.png\n"
            "\x011700000100\n"  # a merge or an empty commit: no lines
            "\x011700000200\n\n2\t0\tdir/{old => new}.py\n")
    assert git.parse_log(text) == [Commit(1_700_000_000, 3, 1), Commit(1_700_000_100, 0, 0),
                                   Commit(1_700_000_200, 2, 0)]
