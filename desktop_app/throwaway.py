"""A throwaway demo database in a temporary folder, deleted when closed (never the real one)."""

from __future__ import annotations

import shutil
import tempfile
from datetime import date
from pathlib import Path
from types import TracebackType

from desktop_app.store import open_db


class DemoDatabase:
    """A fresh demo database in its own temporary folder; ``close()`` deletes the folder."""

    def __init__(self, today: date | None = None) -> None:
        from desktop_app.demo import generate_demo

        self.folder = Path(tempfile.mkdtemp(prefix="worthwhile-demo-"))
        self.path = self.folder / "demo.db"
        db = open_db(self.path)
        try:
            generate_demo(db, today=today)
        finally:
            db.close()

    def close(self) -> None:
        """Delete the demo database and its folder."""
        shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self) -> DemoDatabase:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()
