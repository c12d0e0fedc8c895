"""The first-run screen shown while the database has no sessions."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal, SignalInstance
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget

from desktop_app.ui.theme import colors


class FirstRunWidget(QWidget):
    """Welcome text and the ways to get sessions in (each button appears once it works)."""

    demo_requested = Signal()
    import_requested = Signal()
    discover_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("firstRun")
        layout = QVBoxLayout(self)
        layout.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.setSpacing(14)

        title = QLabel("<h1>Welcome to Worthwhile</h1>")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        intro = QLabel(
            "Worthwhile shows whether your AI use is worth it: not how much you use AI, "
            "but how often it actually helped.<br>Bring in your history from the AI tools you "
            "use, mark each session useful or not with one key, and watch value per use over "
            "time."
        )
        intro.setWordWrap(True)
        intro.setAlignment(Qt.AlignmentFlag.AlignCenter)
        intro.setFixedWidth(560)
        privacy = QLabel(
            f'<span style="color:{colors().muted};">Everything stays on this computer. '
            "Worthwhile never opens a network connection.</span>"
        )
        privacy.setAlignment(Qt.AlignmentFlag.AlignCenter)
        privacy.setWordWrap(True)
        privacy.setFixedWidth(560)

        self.import_button = self._button(
            "Import files…", "importFiles",
            "Choose exports or logs from your AI tools (files, zips or folders); "
            "you can also drop them on this window.", self.import_requested)
        self.import_button.setDefault(True)
        self.discover_button = self._button(
            "Find histories on this computer", "findHistories",
            "Look where Claude Code, Codex, Copilot, Cursor, Aider and llm keep their logs, "
            "and choose what to import.", self.discover_requested)
        self.demo_button = self._button(
            "Try demo data", "tryDemo",
            "Open a throwaway database of realistic synthetic sessions. "
            "Your own data is never mixed with it.", self.demo_requested)

        layout.addWidget(title)
        layout.addWidget(intro, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addSpacing(10)
        layout.addWidget(self.import_button, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(self.discover_button, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(self.demo_button, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addSpacing(10)
        layout.addWidget(privacy, 0, Qt.AlignmentFlag.AlignHCenter)

    def _button(self, text: str, name: str, tip: str, signal: SignalInstance) -> QPushButton:
        button = QPushButton(text, self)
        button.setObjectName(name)
        button.setToolTip(tip)
        button.setMinimumWidth(240)
        button.clicked.connect(signal)
        return button
