"""The writer: files, zips and folders → parsers → the store, one transaction per path (no Qt)."""

from desktop_app.ingest.report import FileReport, ImportProgress, ImportReport
from desktop_app.ingest.run import import_paths

__all__ = ["FileReport", "ImportProgress", "ImportReport", "import_paths"]
