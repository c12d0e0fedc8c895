"""A small git repository with commits at known committer times, for the evidence tests."""

from __future__ import annotations

import os
import subprocess
from datetime import UTC, datetime
from pathlib import Path


def at(text: str) -> datetime:
    """``"2026-01-10 10:30"`` as an aware UTC time."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


class Repo:
    """Run git in ``root`` as a person would, with fixed names and dates."""

    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        self.git("init", "-q", "-b", "main")

    def git(self, *args: str, when: datetime | None = None,
            authored: datetime | None = None) -> str:
        env = {**os.environ, "GIT_AUTHOR_NAME": "Ada", "GIT_AUTHOR_EMAIL": "ada@example.org",
               "GIT_COMMITTER_NAME": "Bob", "GIT_COMMITTER_EMAIL": "bob@example.org",
               "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull}
        if when is not None:
            env["GIT_COMMITTER_DATE"] = when.isoformat()
            env["GIT_AUTHOR_DATE"] = (authored or when).isoformat()
        done = subprocess.run(["git", "-C", str(self.root), *args], env=env, check=True,
                              capture_output=True, text=True)
        return done.stdout

    def commit(self, when: datetime, files: dict[str, str], *,
               authored: datetime | None = None, message: str = "change") -> None:
        """Write ``files`` (name -> whole content) and commit them at ``when``."""
        for name, content in files.items():
            path = self.root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(content, encoding="utf-8")
            self.git("add", name)
        self.git("commit", "-q", "-m", message, when=when, authored=authored)


def lines(n: int, word: str = "line") -> str:
    """``n`` numbered lines."""
    return "".join(f"{word} {i}\n" for i in range(n))


def sample_repo(root: Path) -> Repo:
    """The repository the tests count in (a session from 10:00 to 11:00 on 10 January 2026 has
    the window 10 Jan 10:00 – 11 Jan 11:00):

    - main  9 Jan 12:00  a.txt +5            (before the window)
    - main 10 Jan 10:30  b.txt +10           (in)
    - feature 11 Jan 09:00  b.txt +3 −3, authored 5 Jan (in: committer time counts)
    - main 11 Jan 12:00  c.txt +7            (after the window)
    """
    repo = Repo(root)
    repo.commit(at("2026-01-09 12:00"), {"a.txt": lines(5)})
    repo.commit(at("2026-01-10 10:30"), {"b.txt": lines(10)})
    repo.git("branch", "feature")
    repo.git("checkout", "-q", "feature")
    repo.commit(at("2026-01-11 09:00"), {"b.txt": lines(7) + lines(3, "changed")},
                authored=at("2026-01-05 09:00"))
    repo.git("checkout", "-q", "main")
    repo.commit(at("2026-01-11 12:00"), {"sub/c.txt": lines(7)})
    return repo
