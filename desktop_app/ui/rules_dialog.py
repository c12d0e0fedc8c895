"""Edit → Import Rules…: the rules every import applies, adding one (with a live count of the
stored sessions it matches), applying one to the sessions stored already, removing one.

Applying a rule cannot be undone (the text is really gone): the window empties its undo stack
afterwards, as after a deletion (``MainWindow.sessions_removed``). Counting and applying run
off the GUI thread (``ui/tasks.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Protocol

from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QStackedWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)
from sqlite_utils import Database

from desktop_app.deleting import WAL_PENDING, plural
from desktop_app.importers.registry import SOURCES, display_name
from desktop_app.rules import (
    GLOB_HELP,
    REMOVED_EFFECT,
    applied_text,
    apply_details,
    apply_question,
    created_local,
    describe,
    future_only_text,
    no_text_title,
)
from desktop_app.store.deletion import DeletionCount
from desktop_app.store.locking import DatabaseBusyError
from desktop_app.store.rules import (
    ApplyResult,
    Rule,
    RuleAction,
    Selector,
    add_rule,
    apply_rule,
    count_matching,
    get_rule,
    list_rules,
    remove_rule,
)
from desktop_app.ui.errors import show_error, widen
from desktop_app.ui.one_dialog import OneDialog
from desktop_app.ui.presentation import HIDDEN, presenting
from desktop_app.ui.progress import progress_dialog
from desktop_app.ui.tasks import Task, TaskContext, TaskRunner

#: Task keys: the live count (a newer one makes the older stale), the count before asking,
#: and applying a rule.
COUNT_TASK = "rules-count"
ASK_TASK = "rules-ask"
APPLY_TASK = "rules-apply"
#: Milliseconds of quiet typing before the live count runs.
COUNT_DELAY_MS = 150
#: Said when another Worthwhile (an import on the command line) holds the database.
BUSY = ("Another Worthwhile is writing to the database (an import, say): nothing was changed. "
        "Try again once it has finished.")

ACTION_NAMES = {RuleAction.SKIP: "Skip: never store them",
                RuleAction.NO_TEXT: "Keep without text"}
SELECTOR_NAMES = {Selector.PROJECT: "Project", Selector.TITLE: "Title", Selector.SOURCE: "Tool"}


class RulesHost(Protocol):
    """What the dialog needs of the window."""

    @property
    def db(self) -> Database | None: ...

    @property
    def db_path(self) -> Path: ...

    def sessions_removed(self) -> None: ...

    def import_running(self) -> bool: ...



def apply_box(parent: QWidget | None, rule: Rule, count: DeletionCount) -> QMessageBox:
    """Asks whether to apply ``rule`` to the stored sessions it matches, for good. The
    default answer is "Only Future Imports"."""
    box = QMessageBox(parent)
    box.setObjectName("applyRuleConfirmation")
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle("Apply the rule to stored sessions?")
    box.setText(apply_question(rule, count))
    box.setInformativeText(apply_details(rule, "\n\n"))
    widen(box)
    verb = "Delete Them" if rule.action is RuleAction.SKIP else "Remove Their Text"
    apply = box.addButton(verb, QMessageBox.ButtonRole.DestructiveRole)
    apply.setObjectName("confirmApply")
    later = box.addButton("Only Future Imports", QMessageBox.ButtonRole.RejectRole)
    later.setObjectName("futureOnly")
    box.setDefaultButton(later)
    box.setEscapeButton(later)
    return box


def _count(rule: Rule) -> Callable[[TaskContext], DeletionCount]:
    def work(context: TaskContext) -> DeletionCount:
        return count_matching(context.db, rule)
    return work


class RulesDialog(QDialog):
    """The rules, and adding, applying and removing them."""

    #: The live count of the rule being written finished (stored sessions it matches).
    counted = Signal(int)
    #: A rule was applied to stored sessions (its :class:`ApplyResult`), views refreshed.
    applied = Signal(object)
    #: The rules changed (added or removed).
    rules_changed = Signal()

    def __init__(self, host: RulesHost, tasks: TaskRunner, parent: QWidget | None = None
                 ) -> None:
        super().__init__(parent)
        self.setObjectName("rulesDialog")
        self.setWindowTitle("Import rules")
        self.setMinimumWidth(640)
        self._host = host
        self._tasks = tasks
        self.confirmation: QMessageBox | None = None
        self.progress_dialog: QProgressDialog | None = None
        self.apply_task: Task | None = None
        self._count_timer = QTimer(self)
        self._count_timer.setSingleShot(True)
        self._count_timer.setInterval(COUNT_DELAY_MS)
        self._count_timer.timeout.connect(self._count_now)

        layout = QVBoxLayout(self)
        intro = QLabel(
            "Every import applies these rules. <b>Skip</b>: matching sessions are never "
            "stored. <b>Keep without text</b>: they are stored with their times, message "
            "counts, model, tokens and project, but no title and no message text; you can "
            "rate them, they count in the charts, and search cannot find them.")
        intro.setWordWrap(True)
        layout.addWidget(intro)

        self.rule_list = QTreeWidget(self)
        self.rule_list.setObjectName("rulesList")
        self.rule_list.setAccessibleName("Import rules")
        self.rule_list.setRootIsDecorated(False)
        self.rule_list.setHeaderLabels(["Rule", "Added"])
        self.rule_list.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.rule_list.header().setSectionResizeMode(
            1, QHeaderView.ResizeMode.ResizeToContents)
        self.rule_list.setMinimumHeight(120)
        self.rule_list.itemSelectionChanged.connect(self._update_buttons)
        layout.addWidget(self.rule_list, 1)
        self.empty_note = QLabel("No rules yet: every session an import reads is stored.")
        self.empty_note.setObjectName("rulesEmpty")
        layout.addWidget(self.empty_note)
        row = QHBoxLayout()
        row.addStretch(1)
        self.apply_button = QPushButton("Apply to Stored Sessions…")
        self.apply_button.setObjectName("applyRule")
        self.apply_button.setToolTip("Delete the stored sessions this rule matches, or remove "
                                     "their text, for good")
        self.apply_button.clicked.connect(self._on_apply_button_clicked)
        self.remove_button = QPushButton("Remove Rule")
        self.remove_button.setObjectName("removeRule")
        self.remove_button.clicked.connect(self._on_remove_button_clicked)
        for button in (self.apply_button, self.remove_button):
            button.setAutoDefault(False)
            row.addWidget(button)
        layout.addLayout(row)

        box = QGroupBox("Add a rule", self)
        form = QGridLayout(box)
        self.action_box = QComboBox(box)
        self.action_box.setObjectName("ruleAction")
        self.action_box.setAccessibleName("What the rule does")
        for action, text in ACTION_NAMES.items():
            self.action_box.addItem(text, action.value)
        self.selector_box = QComboBox(box)
        self.selector_box.setObjectName("ruleSelector")
        self.selector_box.setAccessibleName("Which sessions")
        for selector, text in SELECTOR_NAMES.items():
            self.selector_box.addItem(text, selector.value)
        self.pattern_stack = QStackedWidget(box)
        self.pattern_edit = QLineEdit(box)
        self.pattern_edit.setObjectName("rulePattern")
        self.pattern_edit.setAccessibleName("Pattern")
        self.pattern_edit.setPlaceholderText("e.g. ~/work/acme*  or  *salary*")
        self.tool_box = QComboBox(box)
        self.tool_box.setObjectName("ruleTool")
        self.tool_box.setAccessibleName("Tool")
        for source in SOURCES:
            self.tool_box.addItem(display_name(source), source)
        self.pattern_stack.addWidget(self.pattern_edit)
        self.pattern_stack.addWidget(self.tool_box)
        self.match_label = QLabel("")
        self.match_label.setObjectName("ruleMatches")
        self.add_button = QPushButton("Add Rule")
        self.add_button.setObjectName("addRule")
        self.add_button.setDefault(True)  # Enter in the pattern adds the rule
        self.add_button.clicked.connect(self._on_add_button_clicked)
        form.addWidget(QLabel("Sessions whose"), 0, 0)
        form.addWidget(self.selector_box, 0, 1)
        form.addWidget(QLabel("matches"), 0, 2)
        form.addWidget(self.pattern_stack, 0, 3)
        form.addWidget(QLabel("are"), 1, 0)
        form.addWidget(self.action_box, 1, 1)
        form.addWidget(self.match_label, 1, 3)
        form.addWidget(self.add_button, 1, 4)
        form.setColumnStretch(3, 1)
        help_text = QLabel(f"{GLOB_HELP} A title rule matches the title the tool gave the "
                           f"session. Removing a rule: {REMOVED_EFFECT[0].lower()}"
                           f"{REMOVED_EFFECT[1:]}")
        help_text.setWordWrap(True)
        help_text.setObjectName("rulesHelp")
        form.addWidget(help_text, 2, 0, 1, 5)
        layout.addWidget(box)

        self.status = QLabel("")
        self.status.setObjectName("rulesStatus")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        close = buttons.button(QDialogButtonBox.StandardButton.Close)
        if close is not None:
            close.setAutoDefault(False)  # Enter never closes the dialog by accident
        layout.addWidget(buttons)

        self.selector_box.currentIndexChanged.connect(self._on_selector_changed)
        self.action_box.currentIndexChanged.connect(self._schedule_count)
        self.pattern_edit.textChanged.connect(self._schedule_count)
        self.tool_box.currentIndexChanged.connect(self._schedule_count)
        self.reload()
        self._schedule_count()

    def done(self, result: int) -> None:
        """Closing: not while a rule is being applied; counts still running are dropped."""
        if self._busy():
            return
        self._count_timer.stop()
        self._tasks.drop(COUNT_TASK)
        self._tasks.drop(ASK_TASK)
        super().done(result)

    # --- the list ----------------------------------------------------------------------------

    def reload(self) -> None:
        """Read the rules again."""
        db = self._host.db
        rules = list_rules(db) if db is not None else []
        self.rule_list.clear()
        for rule in rules:
            item = QTreeWidgetItem([self._describe(rule), created_local(rule)])
            item.setData(0, Qt.ItemDataRole.UserRole, rule.id)
            item.setToolTip(0, self._describe(rule))
            self.rule_list.addTopLevelItem(item)
        self.empty_note.setVisible(not rules)
        self._update_buttons()

    def selected_rule(self) -> Rule | None:
        """The rule selected in the list."""
        db = self._host.db
        items = self.rule_list.selectedItems()
        if db is None or not items:
            return None
        return get_rule(db, int(items[0].data(0, Qt.ItemDataRole.UserRole)))

    def _busy(self) -> bool:
        return self.apply_task is not None and self.apply_task.running

    def _describe(self, rule: Rule) -> str:
        """A rule as the list names it; its title or project pattern hidden while presenting."""
        if presenting(self) and rule.selector is not Selector.SOURCE:
            rule = replace(rule, pattern=HIDDEN)
        return describe(rule)

    @Slot()
    def _update_buttons(self) -> None:
        chosen = bool(self.rule_list.selectedItems()) and not self._busy()
        self.apply_button.setEnabled(chosen)
        self.remove_button.setEnabled(chosen)

    def _say(self, text: str) -> None:
        self.status.setText(text)

    # --- the rule being written ----------------------------------------------------------------

    def written_rule(self) -> Rule | None:
        """The rule the controls describe (not stored), or None without a pattern."""
        action = RuleAction(str(self.action_box.currentData()))
        selector = Selector(str(self.selector_box.currentData()))
        if selector is Selector.SOURCE:
            pattern = str(self.tool_box.currentData())
        else:
            pattern = self.pattern_edit.text().strip()
        if not pattern:
            return None
        return Rule(0, action, selector, pattern, "")

    @Slot()
    def _on_selector_changed(self) -> None:
        tool = self.selector_box.currentData() == Selector.SOURCE.value
        self.pattern_stack.setCurrentWidget(self.tool_box if tool else self.pattern_edit)
        self._schedule_count()

    @Slot()
    def _schedule_count(self) -> None:
        rule = self.written_rule()
        self.add_button.setEnabled(rule is not None)
        if rule is None:
            self._tasks.drop(COUNT_TASK)
            self._count_timer.stop()
            self.match_label.setText("Type a pattern.")
            return
        self.match_label.setText("Counting…")
        self._count_timer.start()

    @Slot()
    def _count_now(self) -> None:
        rule = self.written_rule()
        if rule is None:
            return
        task = self._tasks.start(COUNT_TASK, _count(rule), db_path=self._host.db_path)
        task.finished.connect(self._on_count_finished)

    @Slot(object)
    def _on_count_finished(self, count: DeletionCount) -> None:
        n = count.sessions
        self.match_label.setText(
            f"{plural(n, 'stored session')} match{'es' if n == 1 else ''}" if n
            else "No stored session matches")
        self.counted.emit(n)

    # --- adding, applying, removing -------------------------------------------------------------

    @Slot()
    def _on_add_button_clicked(self) -> None:
        db = self._host.db
        written = self.written_rule()
        if db is None or written is None:
            return
        try:
            rule, new = add_rule(db, written.action.value, written.selector.value,
                                 written.pattern)
        except DatabaseBusyError:
            self._say(BUSY)
            return
        self.reload()
        self.pattern_edit.clear()
        self._select(rule.id)
        self._say(f"{'Added' if new else 'There is such a rule already'}: {describe(rule)}.")
        self.rules_changed.emit()
        self.ask_to_apply(rule, after_adding=True)

    def _select(self, rule_id: int) -> None:
        for i in range(self.rule_list.topLevelItemCount()):
            item = self.rule_list.topLevelItem(i)
            if item is not None and item.data(0, Qt.ItemDataRole.UserRole) == rule_id:
                self.rule_list.setCurrentItem(item)

    @Slot()
    def _on_apply_button_clicked(self) -> None:
        rule = self.selected_rule()
        if rule is not None:
            self.ask_to_apply(rule, after_adding=False)

    def ask_to_apply(self, rule: Rule, *, after_adding: bool) -> None:
        """Count the stored sessions ``rule`` matches (off the GUI thread), then ask."""
        if self._host.import_running():
            self._say(self.status.text() + " An import is running: apply the rule to stored "
                      "sessions once it has finished (Apply to Stored Sessions…).")
            return
        task = self._tasks.start(ASK_TASK, _count(rule), db_path=self._host.db_path)
        task.finished.connect(lambda count: self._ask(rule, count, after_adding))

    def _ask(self, rule: Rule, count: DeletionCount, after_adding: bool) -> None:
        if count.sessions == 0:
            self._say(f"{self._describe(rule)}: no stored session matches it.")
            return
        box = apply_box(self, rule, count)
        box.finished.connect(lambda _result: self._on_confirmation_finished(box, rule, count))
        self.confirmation = box
        box.open()

    def _on_confirmation_finished(self, box: QMessageBox, rule: Rule,
                                  count: DeletionCount) -> None:
        self.confirmation = None
        chosen = box.clickedButton()
        box.deleteLater()
        if chosen is not None and chosen.objectName() == "confirmApply":
            self.start_apply(rule)
        else:
            self._say(future_only_text(count))

    def start_apply(self, rule: Rule) -> None:
        """Apply ``rule`` to the stored sessions off the GUI thread (confirm first)."""
        if self._busy() or self._host.import_running():
            return

        def work(context: TaskContext) -> ApplyResult:
            return apply_rule(context.db, rule, no_text_title)

        task = self._tasks.start(APPLY_TASK, work, db_path=self._host.db_path)
        # It cannot stop halfway: no Cancel.
        dialog = progress_dialog(
            self, "applyRuleProgress", "Applying the rule",
            "Applying the rule… the text is overwritten in the database file.", show_after_ms=0)
        task.finished.connect(lambda result: self._on_apply_finished(rule, result))
        task.failed.connect(self._on_apply_failed)
        self.apply_task, self.progress_dialog = task, dialog
        self._update_buttons()

    def _end_apply(self) -> None:
        if self.progress_dialog is not None:
            self.progress_dialog.close()
            self.progress_dialog.deleteLater()
        self.apply_task = self.progress_dialog = None
        self._update_buttons()

    def _on_apply_finished(self, rule: Rule, result: ApplyResult) -> None:
        self._end_apply()
        self._host.sessions_removed()
        text = applied_text(rule, result)
        self._say(text if result.wal_cleared else f"{text} {WAL_PENDING}")
        self._schedule_count()
        self.applied.emit(result)

    @Slot(str)
    def _on_apply_failed(self, detail: str) -> None:
        self._end_apply()
        show_error(self, "The rule could not be applied; nothing was changed.", detail)

    @Slot()
    def _on_remove_button_clicked(self) -> None:
        db = self._host.db
        rule = self.selected_rule()
        if db is None or rule is None:
            return
        try:
            remove_rule(db, rule.id)
        except DatabaseBusyError:
            self._say(BUSY)
            return
        self.reload()
        self._say(f"Removed: {self._describe(rule)}. {REMOVED_EFFECT}")
        self.rules_changed.emit()


class RulesController(OneDialog[RulesDialog]):
    """Opens the rules dialog (Edit → Import Rules…), one at a time."""

    def __init__(self, window: QMainWindow, host: RulesHost, tasks: TaskRunner) -> None:
        super().__init__(window)
        self._window = window
        self._host = host
        self._tasks = tasks

    @Slot()
    def open(self) -> None:
        """Show the dialog (bring it forward when it is open)."""
        if self._host.db is None:
            return
        self.show_one(lambda: RulesDialog(self._host, self._tasks, self._window))
