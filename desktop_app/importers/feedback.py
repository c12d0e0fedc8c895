"""Finding ChatGPT's ``message_feedback.json`` next to the conversations (zip, folder, file).

The thumbs are read before the conversations, whatever order the files come in, so that each
session is stored with its thumbs at once (and a re-import compares them too).
"""

from __future__ import annotations

import os
import zipfile
from pathlib import Path, PurePosixPath

from desktop_app.importers.base import Report, Skipped
from desktop_app.importers.chatgpt import FEEDBACK_FILE, read_feedback
from desktop_app.importers.zipsafe import is_unsafe_name

#: A feedback file bigger than this is not read (real ones are a few KB to a few MB).
MAX_FEEDBACK_SIZE = 64 * 1024 * 1024


def _merge(into: dict[str, str], found: dict[str, str]) -> None:
    for cid, thumbs in found.items():
        old = into.get(cid)
        into[cid] = thumbs if old is None or old == thumbs else "mixed"


def load_feedback_from_zip(zf: zipfile.ZipFile, name: str, report: Report) -> dict[str, str]:
    """The thumbs of every ``message_feedback.json`` in an open zip (safe members only)."""
    found: dict[str, str] = {}
    for info in zf.infolist():
        if PurePosixPath(info.filename).name.lower() != FEEDBACK_FILE or info.is_dir():
            continue
        shown = f"{name}!{info.filename}"
        if is_unsafe_name(info.filename) or info.flag_bits & 0x1:
            continue  # reported by the member walk
        if info.file_size > MAX_FEEDBACK_SIZE:
            report(Skipped(shown, "too big for a feedback file; not read"))
            continue
        with zf.open(info) as stream:
            _merge(found, read_feedback(stream, shown, report))  # type: ignore[arg-type]
    return found


def load_feedback_from_folder(folder: Path, report: Report) -> dict[str, str]:
    """The thumbs of every ``message_feedback.json`` in a folder and its sub-folders."""
    found: dict[str, str] = {}
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for filename in filenames:
            if filename.lower() == FEEDBACK_FILE:
                _merge(found, load_feedback_file(Path(dirpath) / filename, report))
    return found


def load_feedback_file(path: Path, report: Report) -> dict[str, str]:
    """The thumbs of one feedback file (nothing when it is missing, a link or unreadable)."""
    try:
        if path.is_symlink() or not path.is_file():
            return {}
        if path.stat().st_size > MAX_FEEDBACK_SIZE:
            report(Skipped(str(path), "too big for a feedback file; not read"))
            return {}
        with path.open("rb") as stream:
            return read_feedback(stream, str(path), report)
    except OSError as exc:
        report(Skipped(str(path), f"cannot be read ({exc.strerror or exc})"))
        return {}
