"""Bringing the evidence cache up to date off the GUI thread: git is asked on a worker
(``ui/tasks.py``), never on the GUI thread; a newer request makes an older one stale."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from desktop_app.evidence.refresh import RefreshReport, refresh_evidence
from desktop_app.ui.tasks import Task, TaskContext, TaskRunner

log = logging.getLogger(__name__)

#: The task's key: a newer refresh (another import, another database) drops an older one.
EVIDENCE_TASK = "evidence"


def start_evidence_refresh(tasks: TaskRunner, db_path: Path,
                           done: Callable[[RefreshReport], None]) -> Task:
    """Count commits and active time again where they changed; ``done`` gets the report on
    the GUI thread (not when the task failed or went stale)."""

    def work(context: TaskContext) -> RefreshReport:
        return refresh_evidence(context.db, check_cancelled=context.check_cancelled)

    task = tasks.start(EVIDENCE_TASK, work, db_path=db_path)
    task.finished.connect(done)
    task.failed.connect(_on_failed)
    return task


def _on_failed(detail: str) -> None:
    # No evidence is shown where it could not be counted; the rest of the window works on.
    log.error("The commits and active time could not be counted\n%s", detail)
