"""Companion files read before the sessions they add to (ChatGPT's ``message_feedback.json``).

Each source spec may name a companion file (see :class:`~desktop_app.importers.contract.Companion`).
Every such file in a zip or folder, or beside a file given directly, is read first, whatever
order the files come in, so each session is stored with what its companion says at once (and a
re-import compares that too).
"""

from __future__ import annotations

import os
import zipfile
from pathlib import Path, PurePosixPath
from typing import BinaryIO, cast

from desktop_app.importers.contract import Companion, Report, Skipped
from desktop_app.importers.registry import SPECS
from desktop_app.importers.zipsafe import is_unsafe_name

#: Every source's companion, by the companion file's name (lower case).
_BY_FILE: dict[str, tuple[str, Companion]] = {
    spec.companion.file_name.lower(): (spec.name, spec.companion)
    for spec in SPECS if spec.companion is not None
}


def _merge(into: dict[str, dict[str, str]], source: str, found: dict[str, str]) -> None:
    merged = into.setdefault(source, {})
    for key, value in found.items():
        old = merged.get(key)
        merged[key] = value if old is None or old == value else "mixed"


def load_from_zip(zf: zipfile.ZipFile, name: str, report: Report,
                  into: dict[str, dict[str, str]]) -> None:
    """Read every companion file in an open zip (safe members only) into ``into``."""
    for info in zf.infolist():
        wanted = _BY_FILE.get(PurePosixPath(info.filename).name.lower())
        if wanted is None or info.is_dir():
            continue
        source, companion = wanted
        shown = f"{name}!{info.filename}"
        if is_unsafe_name(info.filename) or info.flag_bits & 0x1:
            continue  # reported by the member walk
        if info.file_size > companion.max_size:
            report(Skipped(shown, "too big for a feedback file; not read"))
            continue
        with zf.open(info) as stream:
            _merge(into, source, companion.read(cast(BinaryIO, stream), shown, report))


def load_from_folder(folder: Path, report: Report, into: dict[str, dict[str, str]]) -> None:
    """Read every companion file in a folder and its sub-folders into ``into``."""
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for filename in filenames:
            if filename.lower() in _BY_FILE:
                load_file(Path(dirpath) / filename, report, into)


def load_beside(path: Path, report: Report, into: dict[str, dict[str, str]]) -> None:
    """Read the companion files next to a file given directly."""
    for _source, companion in _BY_FILE.values():
        load_file(path.parent / companion.file_name, report, into)


def load_file(path: Path, report: Report, into: dict[str, dict[str, str]]) -> None:
    """Read one companion file (nothing when it is missing, a link or unreadable)."""
    wanted = _BY_FILE.get(path.name.lower())
    if wanted is None:
        return
    source, companion = wanted
    try:
        if path.is_symlink() or not path.is_file():
            return
        if path.stat().st_size > companion.max_size:
            report(Skipped(str(path), "too big for a feedback file; not read"))
            return
        with path.open("rb") as stream:
            _merge(into, source, companion.read(stream, str(path), report))
    except OSError as exc:
        report(Skipped(str(path), f"cannot be read ({exc.strerror or exc})"))


def companion_files_beside(path: Path) -> list[Path]:
    """The companion files that sit next to ``path`` (for remembering an export as read)."""
    return [path.parent / c.file_name for _s, c in _BY_FILE.values()
            if path.name.lower() != c.file_name.lower()
            and (path.parent / c.file_name).is_file()]
