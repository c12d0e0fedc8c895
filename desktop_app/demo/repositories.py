"""Throwaway git repositories for the demo's projects, so the demo shows commit evidence.

Each demo project (``~/src/billing-api``, …) gets a small repository inside the demo's own
temporary folder, deleted with it. Its history follows the story: a coding session that changed
files and helped is usually followed by a commit of those changes (the lines its edits added and
removed) a little after it ends; one that did not help now and then. Commit times, contents and
identities come from the sessions alone, so the same story gives the same commits. Written with
one ``git fast-import`` per repository (no work tree is checked out), side by side while the
database is written; without git, or when git fails, there are no repositories and no error.
"""

from __future__ import annotations

import os
import random
import re
import shutil
import subprocess
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from desktop_app.domain import Session

#: Who commits (a demo person; no real address).
AUTHOR = "Alex Demo <alex@example.com>"
#: Share of sessions followed by a commit of their edits: helped, did not help.
COMMIT_USEFUL = 0.85
COMMIT_NOT_USEFUL = 0.15
#: Lines each file has before the story starts (edits remove lines from them).
INITIAL_LINES = 100
#: A demo repository is given this long to be written; slower, the demo has no evidence.
TIMEOUT_SECONDS = 20.0

_EDIT = re.compile(r"^(?:Edited|Applied patch to) (\S+) \(\+(\d+) -(\d+)\)$")


@dataclass
class _Commit:
    time: datetime
    message: str
    #: path -> (lines added, lines removed)
    changes: dict[str, tuple[int, int]] = field(default_factory=dict)


def _edits(session: Session) -> dict[str, tuple[int, int]]:
    """The lines a session's edits added and removed, by file."""
    changes: dict[str, tuple[int, int]] = {}
    for message in session.messages:
        if message.role != "tool":
            continue
        match = _EDIT.match(message.text)
        if match:
            path, added, removed = match[1], int(match[2]), int(match[3])
            was = changes.get(path, (0, 0))
            changes[path] = (was[0] + added, was[1] + removed)
    return changes


def plan_commits(story: Iterable[tuple[Session, bool]]) -> dict[str, list[_Commit]]:
    """The commits of each project (``~/…`` as the sessions name it), oldest first."""
    plans: dict[str, list[_Commit]] = {}
    for session, useful in story:
        if session.project is None or session.ended_at is None:
            continue
        changes = _edits(session)
        if not changes:
            continue  # it read and explained: nothing to commit
        rng = random.Random(f"worthwhile-demo-commit/{session.id}")
        if rng.random() >= (COMMIT_USEFUL if useful else COMMIT_NOT_USEFUL):
            continue
        when = session.ended_at + timedelta(minutes=rng.randint(2, 180))
        plans.setdefault(session.project, []).append(_Commit(when, session.title, changes))
    for commits in plans.values():
        # git log walks a branch by commit time: the history must only move forwards.
        commits.sort(key=lambda c: c.time)
    return plans


def _data(text: str) -> bytes:
    raw = text.encode()
    return b"data %d\n" % len(raw) + raw + b"\n"


def _stream(commits: Sequence[_Commit]) -> bytes:
    """A ``git fast-import`` stream: the files as they were before the first commit, then each
    commit removing and adding exactly the lines it says (every line is distinct)."""
    files: dict[str, list[str]] = {}
    written = 0

    def line(path: str) -> str:
        nonlocal written
        written += 1
        return f"#{written}"

    first = commits[0].time - timedelta(days=7)
    for commit in commits:
        for path in commit.changes:
            files.setdefault(path, [line(path) for _ in range(INITIAL_LINES)])
    chunks = [_commit_header(1, first, "Start of the project", None)]
    chunks += [b"M 100644 inline " + path.encode() + b"\n" + _data("\n".join(lines) + "\n")
               for path, lines in sorted(files.items())]
    for mark, commit in enumerate(commits, start=2):
        chunks.append(_commit_header(mark, commit.time, commit.message, mark - 1))
        for path, (added, removed) in sorted(commit.changes.items()):
            lines = files[path]
            removed = min(removed, len(lines) - 1)
            at = (mark * 7919) % max(1, len(lines) - removed)
            del lines[at:at + removed]
            insert = (mark * 104729) % (len(lines) + 1)
            lines[insert:insert] = [line(path) for _ in range(added)]
            chunks.append(b"M 100644 inline " + path.encode() + b"\n"
                          + _data("\n".join(lines) + "\n"))
    return b"".join(chunks)


def _commit_header(mark: int, when: datetime, message: str, parent: int | None) -> bytes:
    stamp = f"{int(when.timestamp())} +0000"
    head = (f"commit refs/heads/main\nmark :{mark}\nauthor {AUTHOR} {stamp}\n"
            f"committer {AUTHOR} {stamp}\n").encode() + _data(message)
    return head + (f"from :{parent}\n".encode() if parent is not None else b"")


def _skeleton(git_dir: Path) -> None:
    """An empty repository, as ``git init`` writes it less its samples (no process to wait
    for): its HEAD names ``main``, which fast-import then writes."""
    (git_dir / "objects").mkdir(parents=True)
    (git_dir / "refs" / "heads").mkdir(parents=True)
    (git_dir / "refs" / "tags").mkdir()
    (git_dir / "HEAD").write_text("ref: refs/heads/main\n", encoding="utf-8")
    (git_dir / "config").write_text(
        "[core]\n\trepositoryformatversion = 0\n\tfilemode = true\n\tbare = false\n",
        encoding="utf-8")


def _env() -> dict[str, str]:
    # Nothing of the user's git set-up applies: no global or system config, no templates.
    return {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull,
            "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"}


class RepositoryWriter:
    """Writes a repository per demo project under ``root`` (a new folder of the demo's own: a
    failed repository's folder is removed) on a thread of its own, while the demo's database is
    written. :attr:`folders` says where each will be (project, as the
    sessions name it → folder; empty without git); :meth:`wait` finishes them."""

    def __init__(self, root: Path, story: Iterable[tuple[Session, bool]]) -> None:
        self.folders: dict[str, Path] = {}
        self._processes: dict[str, subprocess.Popen[bytes]] = {}
        self._lock = threading.Lock()
        self._stopped = False
        self._thread: threading.Thread | None = None
        if shutil.which("git") is None:
            return
        plans = plan_commits(story)
        self.folders = {project: root / project.removeprefix("~/") for project in plans}
        self._thread = threading.Thread(target=self._write, args=(plans,),
                                        name="demo-repositories", daemon=True)
        self._thread.start()

    def _write(self, plans: dict[str, list[_Commit]]) -> None:
        env = _env()
        for project, commits in sorted(plans.items()):
            folder = self.folders[project]
            try:
                _skeleton(folder / ".git")
                # One process per repository, side by side, each reading its history from a
                # file (a pipe would hold this thread until git has read it all).
                stream = folder / ".git" / "demo-history"
                stream.write_bytes(_stream(commits))
                with self._lock:
                    if self._stopped:
                        return
                    with stream.open("rb") as history:
                        self._processes[project] = subprocess.Popen(
                            ["git", "-C", str(folder), "fast-import", "--quiet"],
                            stdin=history, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, env=env)
            except (OSError, subprocess.SubprocessError):
                continue  # no repository for this project: wait() removes what was begun

    def wait(self) -> dict[str, Path]:
        """The repositories written (project → folder); a failed one is removed."""
        if self._thread is not None:
            self._thread.join()
        for project in list(self.folders):
            process = self._processes.get(project)
            if process is not None:
                try:
                    process.wait(timeout=TIMEOUT_SECONDS)
                except subprocess.SubprocessError:
                    process.kill()
                    process.wait()
            folder = self.folders[project]
            (folder / ".git" / "demo-history").unlink(missing_ok=True)
            if process is None or process.returncode != 0:
                shutil.rmtree(self.folders.pop(project), ignore_errors=True)
        return dict(self.folders)

    def stop(self) -> None:
        """Stop writing (the demo is abandoned): nothing is left running."""
        with self._lock:
            self._stopped = True
        if self._thread is not None:
            self._thread.join()
        for process in self._processes.values():
            if process.poll() is None:
                process.kill()
            process.wait()
        for folder in self.folders.values():
            shutil.rmtree(folder, ignore_errors=True)
        self.folders = {}


def build_repositories(root: Path, story: Iterable[tuple[Session, bool]]) -> dict[str, Path]:
    """Write a repository per demo project under ``root`` and wait for them; returns project
    (as the sessions name it) → the repository's folder, for those written (none without
    git)."""
    return RepositoryWriter(root, story).wait()
