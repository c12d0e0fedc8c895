"""The rating panel under the transcript: verdict, minutes saved, labels, reason, note, and
beside them the evidence: commits after the session, its active time."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop_app.domain import MAX_MINUTES_SAVED, Rating, Verdict
from desktop_app.metrics.evidence import (
    ACTIVE_GAP_SECONDS,
    CommitEvidence,
    active_minutes,
    evidence_text,
    net_minutes,
)
from desktop_app.metrics.suggest import Suggestion
from desktop_app.store.evidence import SessionEvidence
from desktop_app.ui.presentation import HIDDEN
from desktop_app.ui.theme import colors

MINUTES_NONE = -MAX_MINUTES_SAVED - 1  # the spin box's "not given" value, shown as "—"


class MinutesSpinBox(QSpinBox):
    """Minutes saved: negative allowed, and a "not given" state below the range."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setRange(MINUTES_NONE, MAX_MINUTES_SAVED)
        self.setSpecialValueText("—")
        self.setSuffix(" min")
        self.setValue(MINUTES_NONE)
        self.setAccelerated(True)
        self.setKeyboardTracking(False)

    def minutes(self) -> int | None:
        """The value, or None when not given."""
        return None if self.value() == MINUTES_NONE else self.value()

    def set_minutes(self, value: int | None) -> None:
        """Show ``value`` (None: not given)."""
        self.setValue(MINUTES_NONE if value is None else max(-600, min(600, value)))


class LabelPicker(QListWidget):
    """Checkable labels laid out in a wrapping row."""

    label_toggled = Signal(str, bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("labelPicker")
        self.setAccessibleName("Labels")
        self.setFlow(QListView.Flow.LeftToRight)
        self.setWrapping(True)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setSpacing(2)
        self.setUniformItemSizes(False)
        self.setFixedHeight(58)
        self.itemChanged.connect(self._on_item_changed)

    def set_labels(self, labels: list[str]) -> None:
        """The labels offered; those still offered keep their tick (the list can change under a
        shown session: a label added, or a rename undone)."""
        ticks = {self.item(i).text(): self.item(i).checkState() for i in range(self.count())}
        self.blockSignals(True)
        self.clear()
        for name in labels:
            item = QListWidgetItem(name, self)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable
                          | Qt.ItemFlag.ItemIsSelectable)
            item.setCheckState(ticks.get(name, Qt.CheckState.Unchecked))
        self.blockSignals(False)

    def set_checked(self, checked: tuple[str, ...], partial: tuple[str, ...] = ()) -> None:
        """Tick the labels of the shown session(s); ``partial`` ones are on some of them."""
        self.blockSignals(True)
        for i in range(self.count()):
            item = self.item(i)
            name = item.text()
            state = (Qt.CheckState.Checked if name in checked else
                     Qt.CheckState.PartiallyChecked if name in partial else
                     Qt.CheckState.Unchecked)
            item.setCheckState(state)
        self.blockSignals(False)

    def checked(self) -> list[str]:
        """Names of ticked labels."""
        return [self.item(i).text() for i in range(self.count())
                if self.item(i).checkState() == Qt.CheckState.Checked]

    def toggle(self, name: str) -> None:
        """Flip one label as a click would."""
        for i in range(self.count()):
            item = self.item(i)
            if item.text() == name:
                on = item.checkState() != Qt.CheckState.Checked
                item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)

    @Slot(QListWidgetItem)
    def _on_item_changed(self, item: QListWidgetItem) -> None:
        on = item.checkState() == Qt.CheckState.Checked
        self.label_toggled.emit(item.text(), on)

    def sizeHint(self) -> QSize:
        return QSize(300, 58)


class RatingPanel(QWidget):
    """Shows one session's (or a selection's) rating and reports what the user changes."""

    verdict_chosen = Signal(object)  # Verdict
    minutes_committed = Signal(object)  # int | None
    label_toggled = Signal(str, bool)
    reason_committed = Signal(object)  # str | None
    note_committed = Signal(object)  # str | None
    add_label_requested = Signal()
    #: The person takes the suggested verdict shown (the Accept button or A).
    accept_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ratingPanel")
        grid = QGridLayout(self)
        grid.setContentsMargins(8, 6, 8, 6)
        grid.setHorizontalSpacing(8)
        grid.setVerticalSpacing(4)

        self.heading = QLabel("Was it worth it?")
        self.heading.setObjectName("ratingHeading")
        font = self.heading.font()
        font.setBold(True)
        self.heading.setFont(font)

        self.useful_button = QPushButton("&Useful")
        self.useful_button.setObjectName("verdictUseful")
        self.useful_button.setToolTip("Mark useful (U)")
        self.useful_button.setAccessibleName("Mark useful")
        self.not_useful_button = QPushButton("&Not useful")
        self.not_useful_button.setObjectName("verdictNotUseful")
        self.not_useful_button.setToolTip("Mark not useful (N)")
        self.not_useful_button.setAccessibleName("Mark not useful")
        self.clear_button = QPushButton("Clear")
        self.clear_button.setObjectName("verdictClear")
        self.clear_button.setToolTip("Clear the rating (0)")
        self.clear_button.setAccessibleName("Clear rating")
        for button in (self.useful_button, self.not_useful_button):
            button.setCheckable(True)
            button.setAutoDefault(False)
        self.clear_button.setAutoDefault(False)
        self.useful_button.clicked.connect(lambda: self.verdict_chosen.emit(Verdict.USEFUL))
        self.not_useful_button.clicked.connect(
            lambda: self.verdict_chosen.emit(Verdict.NOT_USEFUL))
        self.clear_button.clicked.connect(lambda: self.verdict_chosen.emit(Verdict.UNRATED))
        verdicts = QHBoxLayout()
        verdicts.addWidget(self.useful_button)
        verdicts.addWidget(self.not_useful_button)
        verdicts.addWidget(self.clear_button)
        # A suggested verdict, learned from the person's ratings: faint, and a rating only once
        # accepted (ui/suggestions.py).
        self.suggestion_label = QLabel()
        self.suggestion_label.setObjectName("suggestedVerdict")
        self.accept_button = QPushButton("&Accept")
        self.accept_button.setObjectName("acceptSuggestion")
        self.accept_button.setToolTip("Take the suggested verdict as your rating (A)")
        self.accept_button.setAccessibleName("Accept the suggested verdict")
        self.accept_button.setAutoDefault(False)
        self.accept_button.clicked.connect(self.accept_requested)
        self._suggestion: Suggestion | None = None
        verdicts.addStretch(1)
        # On a line of its own (empty, and so taking no room, while hidden): the panel stays as
        # narrow as before and the session table keeps its width.
        suggested = QHBoxLayout()
        suggested.addWidget(self.suggestion_label)
        suggested.addSpacing(6)
        suggested.addWidget(self.accept_button)
        suggested.addStretch(1)
        verdict_rows = QVBoxLayout()
        verdict_rows.setSpacing(4)
        verdict_rows.addLayout(verdicts)
        verdict_rows.addLayout(suggested)

        self.minutes = MinutesSpinBox()
        self.minutes.setObjectName("minutesSaved")
        self.minutes.setAccessibleName("Minutes saved")
        self.minutes.setToolTip("Your own estimate of minutes saved; negative when it cost time")
        self.minutes.editingFinished.connect(self._on_minutes_editing_finished)
        minutes_label = QLabel("&Minutes saved")
        minutes_label.setBuddy(self.minutes)

        self.reason = QComboBox()
        self.reason.setObjectName("reasonPicker")
        self.reason.setAccessibleName("Reason it was not useful")
        self.reason.setEditable(True)
        self.reason.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.reason.setMinimumContentsLength(16)
        self.reason.activated.connect(self._on_reason_activated)
        line = self.reason.lineEdit()
        if line is not None:
            line.setPlaceholderText("why not useful?")
            line.editingFinished.connect(self._on_reason_editing_finished)
        reason_label = QLabel("&Reason")
        reason_label.setBuddy(self.reason)

        self.labels = LabelPicker()
        self.labels.label_toggled.connect(self.label_toggled)
        self.add_label_button = QPushButton("+")
        self.add_label_button.setObjectName("addLabel")
        self.add_label_button.setToolTip("Add a label")
        self.add_label_button.setAccessibleName("Add a label")
        self.add_label_button.setFixedWidth(28)
        self.add_label_button.clicked.connect(self.add_label_requested)
        labels_label = QLabel("&Labels")
        labels_label.setBuddy(self.labels)

        self.note = QLineEdit()
        self.note.setObjectName("noteEdit")
        self.note.setAccessibleName("Note")
        self.note.setPlaceholderText("A note for yourself (Enter to save)")
        self.note.setClearButtonEnabled(True)
        self.note.editingFinished.connect(self._on_note_editing_finished)
        note_label = QLabel("N&ote")
        note_label.setBuddy(self.note)

        # Evidence beside the verdict: commits in the session's repository (coding sessions).
        self.commits_label = QLabel()
        self.commits_label.setObjectName("commitEvidence")
        self.commits_label.setAccessibleName("Commits after the session")
        self.commits_label.setWordWrap(True)  # a narrow panel wraps it rather than widen
        self.commits_label.setToolTip(
            "Commits on the local branches of the session's repository (any author) during the "
            "session and the 24 hours after it, and the lines they added and deleted; read "
            "from git on this computer")
        verdicts.insertSpacing(verdicts.count() - 1, 10)
        verdicts.insertWidget(verdicts.count() - 1, self.commits_label)
        # Beside minutes saved: the time the person was active in the session (an estimate).
        self.active_label = QLabel()
        self.active_label.setObjectName("activeTime")
        self.active_label.setAccessibleName("Active time")
        self.active_label.setWordWrap(True)
        self.active_label.setToolTip(
            f"Active time: the sum of the gaps under {ACTIVE_GAP_SECONDS // 60} minutes between "
            "the session's messages (longer pauses count as away). Net minutes = your minutes "
            "saved − active minutes, for when your estimate left out the time the session "
            "took. Both are estimates.")

        grid.addWidget(self.heading, 0, 0, 1, 4)
        grid.addLayout(verdict_rows, 1, 0, 1, 4)
        grid.addWidget(minutes_label, 2, 0)
        grid.addWidget(self.minutes, 2, 1)
        grid.addWidget(reason_label, 2, 2, Qt.AlignmentFlag.AlignRight)
        grid.addWidget(self.reason, 2, 3)
        grid.addWidget(self.active_label, 3, 1, 1, 3)
        grid.addWidget(labels_label, 4, 0, Qt.AlignmentFlag.AlignTop)
        labels_row = QHBoxLayout()
        labels_row.addWidget(self.labels, 1)
        labels_row.addWidget(self.add_label_button, 0, Qt.AlignmentFlag.AlignTop)
        grid.addLayout(labels_row, 4, 1, 1, 3)
        grid.addWidget(note_label, 5, 0)
        grid.addWidget(self.note, 5, 1, 1, 3)
        grid.setColumnStretch(3, 1)
        self._shown_minutes: int | None = None
        self._shown_note = ""
        self._shown_reason = ""
        #: Presentation mode: the note and the reason show a stand-in and cannot be edited.
        self._masked = False
        self._shown: tuple[Rating | None, int, tuple[str, ...]] = (None, 1, ())
        self._evidence: SessionEvidence | None = None
        self.show_rating(None)

    def set_choices(self, labels: list[str], reasons: list[str]) -> None:
        """The user's label and reason lists."""
        self.labels.set_labels(labels)
        self.reason.blockSignals(True)
        self.reason.clear()
        self.reason.addItem("")
        self.reason.addItems(reasons)
        self.reason.blockSignals(False)

    def set_masked(self, masked: bool) -> None:
        """Presentation mode on or off. Turning it on first saves a note or reason being typed
        (it is the person's own text); while on, neither field can be edited, and what they
        show is never committed."""
        if masked == self._masked:
            return
        if masked:
            self.commit_pending()
        self._masked = masked
        self.show_rating(*self._shown)

    def show_suggestion(self, suggestion: Suggestion | None) -> None:
        """The suggested verdict of the session about to be shown (None: none); it shows
        while that session has no verdict."""
        self._suggestion = suggestion
        self._show_suggestion()

    def _show_suggestion(self) -> None:
        rating, count, _partial = self._shown
        s = self._suggestion
        shown = (s is not None and rating is not None and count == 1
                 and rating.verdict is Verdict.UNRATED)
        if s is not None and shown:
            self.suggestion_label.setText(
                f'<span style="color:{colors().muted};"><i>Suggested: {s.text}</i></span>')
            self.suggestion_label.setToolTip(
                "Learned from your own ratings; not a rating until you accept it")
        self.suggestion_label.setVisible(shown)
        self.accept_button.setVisible(shown)

    def show_rating(self, rating: Rating | None, count: int = 1,
                    partial_labels: tuple[str, ...] = ()) -> None:
        """Show ``rating`` (None: nothing selected); ``count`` > 1 for a selection."""
        self._shown = (rating, count, partial_labels)
        self._show_suggestion()
        enabled = rating is not None
        for w in (self.useful_button, self.not_useful_button, self.clear_button, self.minutes,
                  self.labels, self.add_label_button):
            w.setEnabled(enabled)
        self.note.setEnabled(enabled and not self._masked)
        rating = rating or Rating()
        if not enabled:
            self.heading.setText("Select a session to rate it")
        elif count > 1:
            self.heading.setText(f"Rate {count} selected sessions")
        else:
            self.heading.setText(self._heading(rating))
        self.useful_button.setChecked(rating.verdict is Verdict.USEFUL)
        self.not_useful_button.setChecked(rating.verdict is Verdict.NOT_USEFUL)
        self.reason.setEnabled(enabled and rating.verdict is Verdict.NOT_USEFUL
                               and not self._masked)
        self._shown_minutes = rating.minutes_saved
        self.minutes.blockSignals(True)
        self.minutes.set_minutes(rating.minutes_saved)
        self.minutes.blockSignals(False)
        self.labels.set_checked(rating.labels, partial_labels)
        self._shown_reason = rating.reason or ""
        self.reason.blockSignals(True)
        self.reason.setCurrentText(self._masked_text(self._shown_reason))
        line = self.reason.lineEdit()
        if line is not None and self._masked:
            line.setCursorPosition(0)  # the stand-in shows its start in a narrow field
        self.reason.blockSignals(False)
        self._shown_note = rating.note or ""
        if self._masked:
            self.note.setText(self._masked_text(self._shown_note))
        elif not self.note.hasFocus() or self.note.text() == self._shown_note:
            self.note.setText(self._shown_note)
        if line is not None:
            line.setPlaceholderText(
                "Hidden for presentation" if self._masked else "why not useful?")
        self.note.setPlaceholderText("Hidden for presentation" if self._masked
                                     else "A note for yourself (Enter to save)")
        self._show_evidence_texts()

    def show_evidence(self, evidence: SessionEvidence | None) -> None:
        """Show one session's evidence beside its rating (None: a selection, or nothing)."""
        self._evidence = evidence
        self._show_evidence_texts()

    def _show_evidence_texts(self) -> None:
        rating, count, _ = self._shown
        evidence = self._evidence if rating is not None and count == 1 else None
        commits = None
        if evidence is not None and evidence.commits is not None:
            commits = evidence_text(CommitEvidence(evidence.commits, evidence.lines_added or 0,
                                                   evidence.lines_deleted or 0))
        self.commits_label.setText(commits or "")
        self.commits_label.setVisible(commits is not None)
        active = active_minutes(evidence.active_seconds) if evidence is not None else None
        if active is None:
            self.active_label.setVisible(False)
            self.active_label.clear()
            return
        # Under half a minute rounds to 0: "≈ 0 min active" read like a fault.
        amount = "under a minute" if active == 0 else f"\u2248 {active} min"
        text = f"{amount} active (an estimate)"
        net = net_minutes(self._shown_minutes, active)
        if net is not None:
            text = f"{amount} active \u00b7 net \u2248 {net:+d} min (estimates)"
        self.active_label.setText(text)
        self.active_label.setVisible(True)

    def _masked_text(self, text: str) -> str:
        return HIDDEN if self._masked and text else text

    def commit_pending(self) -> None:
        """Save what is typed but not committed yet (minutes, reason, note) before moving on."""
        self.minutes.interpretText()
        self._on_minutes_editing_finished()
        if self.reason.isEnabled():
            self._commit_reason()
        self._on_note_editing_finished()

    @staticmethod
    def _heading(rating: Rating) -> str:
        c = colors()
        if rating.verdict is Verdict.USEFUL:
            return f'Was it worth it? <span style="color:{c.useful};">Useful</span>'
        if rating.verdict is Verdict.NOT_USEFUL:
            return f'Was it worth it? <span style="color:{c.not_useful};">Not useful</span>'
        return "Was it worth it? Not rated yet: press U or N"

    @Slot()
    def _on_minutes_editing_finished(self) -> None:
        value = self.minutes.minutes()
        if value != self._shown_minutes:
            self._shown_minutes = value
            self._show_evidence_texts()
            self.minutes_committed.emit(value)

    @Slot(int)
    def _on_reason_activated(self, _index: int) -> None:
        self._commit_reason()

    @Slot()
    def _on_reason_editing_finished(self) -> None:
        self._commit_reason()

    def _commit_reason(self) -> None:
        if self._masked:
            return  # the stand-in is not the person's reason
        text = self.reason.currentText().strip()
        if text != self._shown_reason:
            self._shown_reason = text
            self.reason_committed.emit(text or None)

    @Slot()
    def _on_note_editing_finished(self) -> None:
        if self._masked:
            return  # the stand-in is not the person's note
        text = self.note.text().strip()
        if text != self._shown_note:
            self._shown_note = text
            self.note_committed.emit(text or None)
