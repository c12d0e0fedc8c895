"""Light and dark palettes on the Fusion style, following the system's scheme unless told."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPainter, QPalette
from PySide6.QtWidgets import QApplication, QProxyStyle, QStyle, QStyleOption, QWidget


@dataclass(frozen=True)
class Colors:
    """The few colours our own widgets use beyond the palette."""

    dark: bool
    user: str
    assistant: str
    tool: str
    system: str
    muted: str
    useful: str
    not_useful: str
    demo_bg: str
    demo_fg: str
    code_bg: str


LIGHT = Colors(dark=False, user="#1f5fbf", assistant="#2e7d32", tool="#8a5a00", system="#6b6b6b",
               muted="#6b6b6b", useful="#2e7d32", not_useful="#c62828", demo_bg="#ffcc33",
               demo_fg="#2b2100", code_bg="#f2f2f2")
DARK = Colors(dark=True, user="#7fb2ff", assistant="#81c784", tool="#ffb74d", system="#a8a8a8",
              muted="#a0a0a0", useful="#81c784", not_useful="#ef9a9a", demo_bg="#ffcc33",
              demo_fg="#2b2100", code_bg="#2b2d30")

_current: Colors = LIGHT


def system_prefers_dark() -> bool:
    """True when the desktop asks for a dark scheme."""
    hints = QGuiApplication.styleHints()
    return hints.colorScheme() == Qt.ColorScheme.Dark


def colors() -> Colors:
    """The colours of the scheme in use."""
    return _current


def _dark_palette() -> QPalette:
    p = QPalette()
    # Fusion outlines check boxes with a darker Window colour: Base must be lighter than Window
    # for the boxes to show at all.
    window, base, text = QColor("#1b1c1f"), QColor("#28292d"), QColor("#e8eaed")
    roles = {
        QPalette.ColorRole.Window: window,
        QPalette.ColorRole.WindowText: text,
        QPalette.ColorRole.Base: base,
        QPalette.ColorRole.AlternateBase: QColor("#2e3034"),
        QPalette.ColorRole.ToolTipBase: QColor("#2b2d30"),
        QPalette.ColorRole.ToolTipText: text,
        QPalette.ColorRole.Text: text,
        QPalette.ColorRole.Button: QColor("#32353a"),
        QPalette.ColorRole.ButtonText: text,
        QPalette.ColorRole.BrightText: QColor("#ffffff"),
        QPalette.ColorRole.Highlight: QColor("#3d6fb6"),
        QPalette.ColorRole.HighlightedText: QColor("#ffffff"),
        QPalette.ColorRole.Link: QColor("#8ab4f8"),
        QPalette.ColorRole.PlaceholderText: QColor("#9aa0a6"),
        QPalette.ColorRole.Mid: QColor("#5f6368"),
        QPalette.ColorRole.Midlight: QColor("#4a4d51"),
        QPalette.ColorRole.Dark: QColor("#111214"),
        QPalette.ColorRole.Shadow: QColor("#000000"),
        QPalette.ColorRole.Light: QColor("#6b6f74"),
    }
    for role, color in roles.items():
        p.setColor(role, color)
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.WindowText,
                 QPalette.ColorRole.ButtonText):
        p.setColor(QPalette.ColorGroup.Disabled, role, QColor("#7f8387"))
    return p


def _light_palette() -> QPalette:
    p = QPalette()
    roles = {
        QPalette.ColorRole.Window: QColor("#f5f5f5"),
        QPalette.ColorRole.WindowText: QColor("#1f1f1f"),
        QPalette.ColorRole.Base: QColor("#ffffff"),
        QPalette.ColorRole.AlternateBase: QColor("#f7f9fc"),
        QPalette.ColorRole.Text: QColor("#1f1f1f"),
        QPalette.ColorRole.Button: QColor("#ececec"),
        QPalette.ColorRole.ButtonText: QColor("#1f1f1f"),
        QPalette.ColorRole.Highlight: QColor("#2f6fd0"),
        QPalette.ColorRole.HighlightedText: QColor("#ffffff"),
        QPalette.ColorRole.Link: QColor("#1a56b8"),
        QPalette.ColorRole.PlaceholderText: QColor("#767676"),
    }
    for role, color in roles.items():
        p.setColor(role, color)
    # setColor() sets every colour group: disabled controls need their own, greyer text.
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.WindowText,
                 QPalette.ColorRole.ButtonText):
        p.setColor(QPalette.ColorGroup.Disabled, role, QColor("#9a9a9a"))
    return p


# Fusion outlines check and radio boxes with the Window colour darkened by 140 %: near black on a
# dark window, and a pale grey (1.7:1) on a light one. Indicators are drawn as if on these windows
# instead: outlines of at least 3:1 against the real window (WCAG's figure for a control's parts).
INDICATOR_WINDOW = {False: QColor("#b4b4b4"), True: QColor("#c4c8cc")}
_INDICATORS = (QStyle.PrimitiveElement.PE_IndicatorCheckBox,
               QStyle.PrimitiveElement.PE_IndicatorRadioButton,
               QStyle.PrimitiveElement.PE_IndicatorItemViewItemCheck)


class _IndicatorStyle(QProxyStyle):
    """Fusion, with check and radio boxes outlined so they can be seen."""

    def __init__(self, dark: bool) -> None:
        super().__init__("Fusion")
        self._window = INDICATOR_WINDOW[dark]

    def drawPrimitive(self, element: QStyle.PrimitiveElement, option: QStyleOption,
                      painter: QPainter, widget: QWidget | None = None) -> None:
        if element in _INDICATORS:
            option = type(option)(option)
            palette = QPalette(option.palette)
            palette.setColor(QPalette.ColorRole.Window, self._window)
            option.palette = palette
        super().drawPrimitive(element, option, painter, widget)


def apply_theme(app: QApplication, theme: str | None = None) -> Colors:
    """Use ``light``, ``dark`` or (None) the system's scheme; returns the colours in use."""
    global _current
    dark = system_prefers_dark() if theme is None else theme == "dark"
    app.setStyle(_IndicatorStyle(dark))
    app.setPalette(_dark_palette() if dark else _light_palette())
    _current = DARK if dark else LIGHT
    return _current
