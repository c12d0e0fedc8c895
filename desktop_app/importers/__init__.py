"""Importers of AI history files (no Qt): one module per source, detection, zips, the runner."""

from desktop_app.importers.base import FormatError, Skipped
from desktop_app.importers.runner import (
    FileReport,
    ImportProgress,
    ImportReport,
    import_paths,
)

__all__ = [
    "FileReport",
    "FormatError",
    "ImportProgress",
    "ImportReport",
    "Skipped",
    "import_paths",
]
