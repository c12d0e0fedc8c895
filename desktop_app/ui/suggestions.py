"""Suggested verdicts in the window: computed off the GUI thread, shown faintly for unrated
sessions, and accepted only by the person (one session, or all of them as one undo step)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal, Slot
from PySide6.QtWidgets import QMessageBox, QPushButton, QWidget

from desktop_app.domain import Verdict
from desktop_app.metrics.suggest import ModelReport, Suggestion, SuggestResult
from desktop_app.ui.rating import RatingController
from desktop_app.ui.tasks import Task, TaskContext, TaskRunner

log = logging.getLogger(__name__)

#: The task's key: a newer computation drops an older one.
TASK = "suggestions"
#: Ratings often come in runs (U, J, U, J…): the model is trained again once they pause.
DEBOUNCE_MS = 1500


#: From this many sessions on, the model is trained in a process of its own. On a worker
#: thread its long numpy and SQLite calls hold Python's interpreter lock for 0.1-0.2 s at a
#: time: typing and scrolling at 100k sessions stalled 100-200 ms while it trained, 26 / 16 ms
#: in a process (`tests/perf/bench_window_stall.py`). Below, training takes a moment and a
#: process would cost more to start than it saves.
PROCESS_FROM = 5_000


def _compute(context: TaskContext) -> SuggestResult:
    from desktop_app.store import count_sessions
    from desktop_app.suggesting import compute_suggestions, suggestions_for_file
    from desktop_app.ui.process_task import in_a_process

    path = context.db_path
    if path is None or count_sessions(context.db) < PROCESS_FROM:
        result, _rows = compute_suggestions(context.db)
        return result
    return in_a_process(suggestions_for_file, path, context, "worthwhile-suggestions")


class SuggestionsController(QObject):
    """Keeps the suggestions for the window's database; views ask it for one session's."""

    #: New suggestions (or none) arrived.
    changed = Signal()

    def __init__(self, tasks: TaskRunner, controller: RatingController,
                 parent: QWidget) -> None:
        super().__init__(parent)
        self._parent = parent
        self._tasks = tasks
        self._controller = controller
        self._db_path: Path | None = None
        self._task: Task | None = None
        self._result: SuggestResult | None = None
        #: The question Edit → Accept Suggestions… asks (kept for tests and scripts).
        self.confirmation: QMessageBox | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self.refresh_now)
        controller.ratings_changed.connect(self._on_controller_ratings_changed)
        #: Work run on the worker (tests and the lead may pass commits through another).
        self.work: Callable[[TaskContext], SuggestResult] = _compute

    # --- computing ---------------------------------------------------------------------------

    def set_db_path(self, path: Path | None) -> None:
        """Suggest for the database at ``path`` (None: none shown), in a moment."""
        self._db_path = path
        self._result = None
        self._timer.stop()
        self._tasks.drop(TASK)
        self._task = None
        self.changed.emit()
        # Not at once: the window's first paint comes first (it reads every session's features).
        self.refresh()

    def stop(self) -> None:
        """The database is closing: nothing more is computed for it."""
        self._db_path = None
        self._timer.stop()
        self._tasks.drop(TASK)
        self._task = None

    def refresh(self) -> None:
        """Compute again once ratings have paused for a moment."""
        if self._db_path is not None:
            self._timer.start()

    @Slot()
    def refresh_now(self) -> None:
        """Compute again now (off the GUI thread)."""
        self._timer.stop()
        if self._db_path is None:
            return
        task = self._tasks.start(TASK, self.work, db_path=self._db_path)
        task.finished.connect(self._on_task_finished)
        task.failed.connect(self._on_task_failed)
        self._task = task

    @property
    def busy(self) -> bool:
        """True while suggestions are being computed (or wait for ratings to pause)."""
        return self._timer.isActive() or (self._task is not None and self._task.running)

    @Slot(object)
    def _on_task_finished(self, result: SuggestResult) -> None:
        self._task = None
        self._result = result
        self.changed.emit()

    @Slot(str)
    def _on_task_failed(self, detail: str) -> None:
        self._task = None
        log.error("Suggestions could not be computed\n%s", detail)

    @Slot(list)
    def _on_controller_ratings_changed(self, _ids: list[str]) -> None:
        self.refresh()

    # --- reading -----------------------------------------------------------------------------

    @property
    def report(self) -> ModelReport | None:
        """What the model rests on (None until computed)."""
        return self._result.report if self._result is not None else None

    @property
    def suggestions(self) -> Mapping[str, Suggestion]:
        """Suggestions by session id (only sessions unrated when they were computed)."""
        return self._result.suggestions if self._result is not None else {}

    def suggestion(self, session_id: str) -> Suggestion | None:
        """The suggestion for one session, if any."""
        return self.suggestions.get(session_id)

    def why_none(self) -> str:
        """Why no suggestions are shown, in a sentence."""
        report = self.report
        if report is None:
            return "Suggestions are still being worked out from your ratings."
        if report.reason:
            return report.reason
        return "Every session is rated: there is nothing to suggest."

    # --- accepting ---------------------------------------------------------------------------

    def accept(self, session_ids: list[str]) -> bool:
        """Take the suggestions of these sessions as their verdicts (one undo step; sessions
        rated meanwhile keep their rating)."""
        verdicts = {sid: s.verdict for sid in session_ids
                    if (s := self.suggestion(sid)) is not None}
        if not verdicts:
            return False
        text = "Accept suggested verdict"
        return self._controller.accept_verdicts(verdicts, text)

    def accept_all(self) -> None:
        """Edit → Accept Suggestions…: asks first, with the count; then one undo step."""
        suggestions = dict(self.suggestions)
        if not suggestions:
            box = QMessageBox(QMessageBox.Icon.Information, "No suggestions", self.why_none(),
                              QMessageBox.StandardButton.Ok, self._parent)
            box.setObjectName("noSuggestionsBox")
            box.finished.connect(box.deleteLater)
            self.confirmation = box
            box.open()
            return
        useful = sum(1 for s in suggestions.values() if s.verdict is Verdict.USEFUL)
        n = len(suggestions)
        box = QMessageBox(QMessageBox.Icon.Question, "Accept suggestions?",
                          f"Accept {n:,} suggested verdict{'s' if n != 1 else ''}?",
                          QMessageBox.StandardButton.Cancel, self._parent)
        box.setObjectName("acceptSuggestionsBox")
        report = self.report
        box.setInformativeText(
            f"{useful:,} likely useful and {n - useful:,} likely not useful, for sessions you "
            "have not rated. They become your ratings and count in value per use. "
            f"{report.summary if report else ''}\n\nEdit → Undo (Ctrl+Z) takes them all back "
            "in one step.")
        accept = QPushButton(f"Accept {n:,}")
        accept.setObjectName("confirmAcceptSuggestions")
        box.addButton(accept, QMessageBox.ButtonRole.AcceptRole)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)

        def finished() -> None:
            self.confirmation = None
            if box.clickedButton() is accept:
                verdicts = {sid: s.verdict for sid, s in suggestions.items()}
                self._controller.accept_verdicts(verdicts, "Accept suggested verdicts")
            box.deleteLater()

        box.finished.connect(finished)
        self.confirmation = box
        box.open()
