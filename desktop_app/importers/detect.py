"""Which source a file is, judged from its first bytes (and its name only as a hint)."""

from __future__ import annotations

from pathlib import PurePosixPath

from desktop_app.importers import worthwhile_export
from desktop_app.importers.contract import SourceSpec
from desktop_app.importers.registry import DETECTION_ORDER

#: Files that come with any export but hold no sessions: never reported as skipped.
COMPANION_FILES = frozenset({
    "readme", "readme.md", "readme.txt", "readme.html", "license", "license.txt", "license.md",
    ".ds_store",
})

#: The same, named by each source (its spec's companion file and companion names).
SOURCE_COMPANIONS: frozenset[str] = frozenset().union(*(
    spec.companion_names | ({spec.companion.file_name.lower()} if spec.companion else set())
    for spec in DETECTION_ORDER
))

#: Extensions of files that could hold a history; anything else in a folder or zip is ignored.
CANDIDATE_EXTENSIONS = frozenset({
    ".json", ".jsonl", ".ndjson", ".csv", ".tsv", ".html", ".htm", ".txt", "",
})


def detect(head: bytes, name: str) -> SourceSpec | None:
    """The source of a file whose first bytes are ``head`` (None when none fits).

    Worthwhile's own export is no source: None (see :func:`is_worthwhile_export`).
    """
    if worthwhile_export.sniff(head, name):
        return None
    for spec in DETECTION_ORDER:
        if spec.sniff(head, name):
            return spec
    return None


def is_worthwhile_export(head: bytes, name: str) -> bool:
    """True for Worthwhile's own JSON export (a format restored with its sessions' sources)."""
    return worthwhile_export.sniff(head, name)


#: Where a person learns which files can be imported (the error messages point here).
FORMATS_HELP = ("see “Which files can I import?” in the Help menu, or “Supported sources” in the "
                "README")


def supported_formats() -> str:
    """A readable list of what can be imported, for error messages."""
    return ("; ".join(spec.format for spec in DETECTION_ORDER)
            + f"; {worthwhile_export.FORMAT_TEXT}; or a zip or folder of those")


def unsupported_message(head: bytes) -> str:
    """Why a file given directly cannot be imported, naming what can."""
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not stripped:
        what = "the file is empty"
    elif b"\x00" in head[:4096]:
        what = "this is a binary file, not an AI history export"
    else:
        try:
            head.decode("utf-8")
            what = "this is not a supported AI history format"
        except UnicodeDecodeError as exc:
            if exc.start >= len(head) - 4:  # cut inside a character at the end of the head
                what = "this is not a supported AI history format"
            else:
                what = "the file is not UTF-8 text"
    return f"{what} ({FORMATS_HELP})"


#: Extensions of uploads and generated media in exports: not even opened.
ASSET_EXTENSIONS = frozenset({
    ".png", ".jpg", ".jpeg", ".gif", ".webp", ".heic", ".bmp", ".svg", ".ico", ".pdf", ".mp3",
    ".mp4", ".m4a", ".wav", ".webm", ".ogg", ".mov", ".docx", ".xlsx", ".pptx", ".index",
    ".woff", ".woff2", ".ttf", ".css", ".js",
})


def is_asset(name: str) -> bool:
    """True for media and other files that are never a history (skipped without opening)."""
    suffix = PurePosixPath(name.rsplit("!", 1)[-1].replace("\\", "/")).suffix.lower()
    return suffix in ASSET_EXTENSIONS


def is_companion(name: str) -> bool:
    """True for files an import skips silently: assets, account files, READMEs, metadata."""
    path = PurePosixPath(name.rsplit("!", 1)[-1].replace("\\", "/"))
    lower = path.name.lower()
    if (lower in COMPANION_FILES or lower in SOURCE_COMPANIONS or lower.endswith(".meta.json")
            or lower.startswith(".")):
        return True
    if path.suffix.lower() not in CANDIDATE_EXTENSIONS:
        return True
    # Claude.ai's per-project files and Claude Design chats hold no conversations we read.
    parts = [p.lower() for p in path.parts[:-1]]
    return "projects" in parts or "design_chats" in parts
