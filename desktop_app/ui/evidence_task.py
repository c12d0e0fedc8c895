"""Bringing the evidence cache up to date off the GUI thread: git is asked on a worker
(``ui/tasks.py``), never on the GUI thread, and in a process of its own for a large database;
a newer request makes an older one stale."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from desktop_app.evidence.refresh import RefreshReport, refresh_evidence, refresh_evidence_file
from desktop_app.ui.tasks import Task, TaskContext, TaskRunner

log = logging.getLogger(__name__)

#: The task's key: a newer refresh (another import, another database) drops an older one.
EVIDENCE_TASK = "evidence"
#: From this many sessions on, the refresh runs in a process of its own: on a worker thread its
#: Python (bucketing commits, active time from 1M message times on a first count) held the
#: interpreter lock so often that typing at 100k sessions stalled 60-100 ms, 27 ms without it
#: (`tests/perf/bench_window_stall.py`). Below, a process costs more to start than it saves.
PROCESS_FROM = 5_000
#: Its process starts this long after the request: the window's first paint comes first (a
#: spawned interpreter takes ~0.2 s of a core), and a window closed at once starts none.
START_AFTER_S = 1.0


def start_evidence_refresh(tasks: TaskRunner, db_path: Path,
                           done: Callable[[RefreshReport], None]) -> Task:
    """Count commits and active time again where they changed; ``done`` gets the report on
    the GUI thread (not when the task failed or went stale)."""

    def work(context: TaskContext) -> RefreshReport:
        from desktop_app.store import count_sessions

        if count_sessions(context.db) < PROCESS_FROM:
            return refresh_evidence(context.db, check_cancelled=context.check_cancelled)
        from desktop_app.ui.process_task import in_a_process

        return in_a_process(refresh_evidence_file, db_path, context, "worthwhile-evidence",
                            after_s=START_AFTER_S)

    task = tasks.start(EVIDENCE_TASK, work, db_path=db_path)
    task.finished.connect(done)
    task.failed.connect(_on_failed)
    return task


def _on_failed(detail: str) -> None:
    # No evidence is shown where it could not be counted; the rest of the window works on.
    log.error("The commits and active time could not be counted\n%s", detail)
