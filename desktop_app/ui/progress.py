"""The progress dialog every long task shows: window-modal, shown only when the work lasts, left
open until the task's end closes it, with Cancel only where the work can stop halfway."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QProgressDialog, QWidget

#: Work that can be cancelled shows its progress out of this many steps.
STEPS = 1000


def progress_dialog(parent: QWidget, name: str, title: str, text: str, *,
                    cancel: Callable[[], None] | None = None,
                    show_after_ms: int = 300) -> QProgressDialog:
    """A progress dialog for a task started now. With ``cancel`` it has a Cancel button that
    calls it and counts to :data:`STEPS`; without, it has no button and a busy bar (the work
    cannot stop halfway). It appears once the work has lasted ``show_after_ms``."""
    dialog = QProgressDialog(text, "Cancel" if cancel else "", 0, STEPS if cancel else 0, parent)
    dialog.setObjectName(name)
    dialog.setWindowTitle(title)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(show_after_ms)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    if cancel is None:
        dialog.setCancelButton(None)  # Qt takes None: no button
    else:
        dialog.canceled.connect(cancel)
    dialog.setValue(0)
    return dialog
