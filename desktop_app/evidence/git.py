"""Read-only questions to git repositories on this computer: which repository a project folder
is in, whether its branches moved, and its commits since a time.

Nothing here writes to a repository or opens a network connection: ``git log`` is the only
command run, through a subprocess with a time-out, with optional locks off
(``GIT_OPTIONAL_LOCKS=0``), no prompts, no fsmonitor hook, no pager, no external diff or text
conversion and no signature checks. Whether a repository changed is read from its ref files
without running git at all, so a fresh cache costs no subprocess. Any failure (git missing, a
time-out, a repository git refuses) is ``None``: no evidence, never a crash.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
from pathlib import Path

from desktop_app.metrics.evidence import Commit

#: A ``git log`` that takes longer than this is stopped, and the repository has no evidence.
GIT_TIMEOUT_SECONDS = 30.0
#: The program run (a test points it at one that does not exist, or hangs).
GIT = "git"

_ENV_OVERRIDES = {
    "GIT_TERMINAL_PROMPT": "0",
    "GIT_OPTIONAL_LOCKS": "0",
    "GIT_PAGER": "cat",
    "GIT_ASKPASS": "",
    "SSH_ASKPASS": "",
    "LC_ALL": "C",
}
_CONFIG = ("-c", "core.fsmonitor=false", "-c", "log.showSignature=false",
           "-c", "core.untrackedCache=false", "-c", "gc.auto=0")
_HEADER = "\x01"


def _git_dir(root: Path) -> Path | None:
    """The git directory of a work tree ``root`` (``.git`` itself, or where a ``.git`` file of a
    linked work tree or submodule points)."""
    dot = root / ".git"
    if dot.is_dir():
        return dot
    if dot.is_file():
        try:
            text = dot.read_text(encoding="utf-8", errors="replace").strip()
        except OSError:
            return None
        if text.startswith("gitdir:"):
            target = Path(text[len("gitdir:"):].strip())
            target = target if target.is_absolute() else (root / target)
            return target if target.is_dir() else None
    return None


def repository_of(project: str | None) -> Path | None:
    """The work tree root of the git repository holding ``project`` (an absolute folder path,
    as Claude Code, Codex and Aider record it), or None (no path, not a folder, no repository).

    Looks upwards for ``.git`` like git does, without running it.
    """
    if not project or not os.path.isabs(project):
        return None
    try:
        folder = Path(project)
        if not folder.is_dir():
            return None
        for candidate in (folder, *folder.parents):
            if _git_dir(candidate) is not None:
                return candidate
    except OSError:
        return None
    return None


def _common_dir(git_dir: Path) -> Path:
    """Where the shared refs of a linked work tree live (``commondir``), else ``git_dir``."""
    common = git_dir / "commondir"
    if common.is_file():
        try:
            text = common.read_text(encoding="utf-8", errors="replace").strip()
        except OSError:
            return git_dir
        target = Path(text) if os.path.isabs(text) else git_dir / text
        if target.is_dir():
            return target
    return git_dir


def repository_state(root: Path) -> str | None:
    """A fingerprint of the repository's local branches: it changes whenever a branch moves
    (a commit, a rebase, a reset, a new or deleted branch). Read from the ref files alone (loose
    refs under ``refs/heads``, ``packed-refs``, a reftable's table list), no subprocess; None
    when ``root`` is no longer a repository."""
    git_dir = _git_dir(root)
    if git_dir is None:
        return None
    common = _common_dir(git_dir)
    digest = hashlib.sha256()
    try:
        heads = common / "refs" / "heads"
        if heads.is_dir():
            for path in sorted(heads.rglob("*")):
                if path.is_file():
                    digest.update(str(path.relative_to(heads)).encode())
                    digest.update(path.read_bytes()[:200])
        for extra in (common / "packed-refs", common / "reftable" / "tables.list"):
            if extra.is_file():
                st = extra.stat()
                digest.update(f"{extra.name}:{st.st_size}:{st.st_mtime_ns}".encode())
                if extra.name == "tables.list":
                    digest.update(extra.read_bytes())
    except OSError:
        return None
    return digest.hexdigest()[:32]


def _number(text: str) -> int:
    """A ``--numstat`` count: ``-`` (a binary file) counts no lines."""
    return int(text) if text.isdigit() else 0


def parse_log(text: str) -> list[Commit]:
    """Commits from ``git log --format=%x01%ct --numstat`` output: a header line per commit
    (``\\x01`` and its committer time) followed by ``added<TAB>deleted<TAB>path`` lines."""
    commits: list[Commit] = []
    time: int | None = None
    added = deleted = 0
    for line in text.splitlines():
        if line.startswith(_HEADER):
            if time is not None:
                commits.append(Commit(time, added, deleted))
            stamp = line[1:].strip()
            time = int(stamp) if stamp.lstrip("-").isdigit() else None
            added = deleted = 0
        elif line and time is not None:
            parts = line.split("\t", 2)
            if len(parts) == 3:
                added += _number(parts[0])
                deleted += _number(parts[1])
    if time is not None:
        commits.append(Commit(time, added, deleted))
    return commits


def read_commits(root: Path, since: int | None = None, *,
                 timeout: float | None = None) -> list[Commit] | None:
    """Every commit on the repository's local branches (any author), each once, with its
    committer time and lines added and deleted; from ``since`` (Unix seconds, by committer
    time) on when given. None when git is missing, fails or takes longer than ``timeout``
    (default :data:`GIT_TIMEOUT_SECONDS`)."""
    args = [GIT, "--no-pager", *_CONFIG, "-C", str(root), "log", "--branches",
            "--format=" + "%x01%ct", "--numstat", "--no-ext-diff", "--no-textconv",
            "--no-color", "--no-show-signature"]
    if since is not None:
        # git stops walking a branch at commits older than this (by committer time); the
        # windows are checked exactly afterwards, so a little slack is harmless.
        args.append(f"--since=@{max(0, since - 60)}")
    env = {**os.environ, **_ENV_OVERRIDES}
    try:
        done = subprocess.run(args, capture_output=True, env=env,
                              timeout=GIT_TIMEOUT_SECONDS if timeout is None else timeout,
                              stdin=subprocess.DEVNULL, check=False)
    except (OSError, subprocess.SubprocessError):
        return None  # git missing, not runnable, or too slow (run() kills it on time-out)
    if done.returncode != 0:
        return None
    return parse_log(done.stdout.decode("utf-8", errors="replace"))
