"""Presentation mode: what stands in for titles, text, notes, reasons and paths on a shared
screen, and the larger application font while it is on.

The mode is a property of the main window (``PROPERTY``), never a setting: it is not remembered,
so every start shows the person's own data until they turn it on again (View → Presentation Mode,
Ctrl+Shift+P). Views mask what they show; nothing masked is ever written back: the fields that
edit a note or a reason are disabled while it is on.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QWidget

from desktop_app.domain import SessionRow
from desktop_app.importers.registry import display_name

#: The main window's dynamic property that says presentation mode is on (dialogs ask it).
PROPERTY = "presentationMode"
#: What message text, notes, reasons and project paths show while presenting.
HIDDEN = "•••• (hidden for presentation)"
#: The application font is this much larger while presenting (for a projector).
FONT_SCALE = 1.25


def masked_title(session: SessionRow, with_day: bool = True) -> str:
    """A title's stand-in that keeps the layout readable: "ChatGPT session · 14 Mar" (without
    the day where it is shown beside it, as in the session table)."""
    name = f"{display_name(session.tool_key)} session"
    if session.started_at is None or not with_day:
        return name
    return f"{name} · {day_text(session.started_at)}"


def day_text(moment: datetime) -> str:
    """``14 Mar`` in local time (no leading zero)."""
    local = moment.astimezone()
    return f"{local.day} {local:%b}"


def masked_path(path: str | Path) -> str:
    """A path's stand-in that keeps only the file's own name (folders often name projects)."""
    name = Path(path).name
    return f"{HIDDEN} {name}" if name else HIDDEN


def presenting(widget: QWidget | None) -> bool:
    """True when the window ``widget`` belongs to is in presentation mode (a dialog asks the
    window it was opened from)."""
    while widget is not None:
        if widget.property(PROPERTY):
            return True
        widget = widget.parentWidget()
    return False


class LargerFont:
    """The application font scaled up while presenting, and put back exactly as it was."""

    def __init__(self, scale: float = FONT_SCALE) -> None:
        self._scale = scale
        self._saved: QFont | None = None

    @property
    def applied(self) -> bool:
        """True while the larger font is in use."""
        return self._saved is not None

    def apply(self) -> None:
        """Scale the application font (widgets sized relative to it follow)."""
        if self._saved is not None:
            return
        app = QApplication.instance()
        if not isinstance(app, QApplication):
            return
        saved = QApplication.font()
        bigger = QFont(saved)
        if saved.pointSizeF() > 0:
            bigger.setPointSizeF(saved.pointSizeF() * self._scale)
        else:  # a font sized in pixels
            bigger.setPixelSize(round(saved.pixelSize() * self._scale))
        self._saved = saved
        QApplication.setFont(bigger)

    def revert(self) -> None:
        """The application font as it was before :meth:`apply`."""
        if self._saved is None:
            return
        saved, self._saved = self._saved, None
        if isinstance(QApplication.instance(), QApplication):
            QApplication.setFont(saved)
