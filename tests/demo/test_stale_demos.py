"""A demo's temporary folder is claimed by a lock while its process runs; folders left behind by
a killed demo are removed, and nothing else is: not a demo in use, not another program's folder,
not another person's, not a link."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest

from desktop_app.demo import database
from desktop_app.demo.database import (
    FOLDER_PREFIX,
    LOCK_NAME,
    DemoDatabase,
    remove_stale_demos,
)

TODAY = date(2026, 11, 30)


def stale_folder(root: Path, name: str, claim: str = "12345\n") -> Path:
    """A folder as a killed demo leaves it: its lock file holds a process id, and nobody holds
    the lock any more."""
    folder = root / f"{FOLDER_PREFIX}{name}"
    folder.mkdir(mode=0o700)
    (folder / "demo.db").write_bytes(b"SQLite format 3\x00")
    (folder / LOCK_NAME).write_text(claim)
    return folder


def test_a_demo_claims_its_folder_until_it_is_closed(tmp_path: Path) -> None:
    with DemoDatabase(today=TODAY, root=tmp_path) as demo:
        assert demo.folder.parent == tmp_path
        assert demo.folder.name.startswith(FOLDER_PREFIX)
        assert (demo.folder / LOCK_NAME).read_text().strip() == str(os.getpid())
        # In use (by this very process): a start meanwhile leaves it alone.
        assert remove_stale_demos(tmp_path) == []
        assert demo.path.exists()
    assert not demo.folder.exists()


def test_only_worthwhile_demo_folders_whose_owner_is_gone_are_removed(tmp_path: Path) -> None:
    killed = stale_folder(tmp_path, "killed")
    unclaimed = stale_folder(tmp_path, "being-made", claim="")  # locked, id not written yet
    no_lock = tmp_path / f"{FOLDER_PREFIX}older"
    no_lock.mkdir()
    (no_lock / "demo.db").write_bytes(b"")
    not_ours = tmp_path / "someone-else-demo-x"
    not_ours.mkdir()
    (not_ours / LOCK_NAME).write_text("12345\n")
    a_file = tmp_path / f"{FOLDER_PREFIX}file"
    a_file.write_text("not a folder")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    target = stale_folder(elsewhere, "target")  # stale itself, but reached through a link
    link = tmp_path / f"{FOLDER_PREFIX}link"
    link.symlink_to(target, target_is_directory=True)
    with DemoDatabase(today=TODAY, root=tmp_path) as live:  # cleans first, then claims its own
        assert not killed.exists()
        for kept in (unclaimed, no_lock, not_ours, a_file, link, target, live.folder):
            assert kept.exists(), kept
        assert (target / "demo.db").exists()  # a link is never followed


def test_another_persons_demo_folder_is_left_alone(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    folder = stale_folder(tmp_path, "theirs")
    monkeypatch.setattr(os, "getuid", lambda: os.stat(folder).st_uid + 1)
    assert remove_stale_demos(tmp_path) == []
    assert folder.exists()
    monkeypatch.undo()
    assert remove_stale_demos(tmp_path) == [folder]
    assert not folder.exists()


def test_interrupted_while_building_leaves_no_folder(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(*_args: object, **_kwargs: object) -> int:
        raise KeyboardInterrupt

    monkeypatch.setattr(database, "generate_demo", interrupted)
    with pytest.raises(KeyboardInterrupt):
        DemoDatabase(today=TODAY, root=tmp_path)
    assert list(tmp_path.iterdir()) == []
