"""Both themes keep check boxes visible: their outline stands out from the window."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QApplication, QCheckBox, QStyle, QStyleOptionButton, QWidget
from pytestqt.qtbot import QtBot

from desktop_app.ui.theme import apply_theme


def _luminance(color: QColor) -> float:
    def channel(value: float) -> float:
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4
    return (0.2126 * channel(color.redF()) + 0.7152 * channel(color.greenF())
            + 0.0722 * channel(color.blueF()))


def _contrast(a: QColor, b: QColor) -> float:
    light, dark = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


@pytest.fixture(params=["light", "dark"])
def theme(request: pytest.FixtureRequest) -> Iterator[str]:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    apply_theme(app, request.param)
    yield str(request.param)
    apply_theme(app, "light")


def _indicator_outline(qtbot: QtBot, checked: bool) -> tuple[QColor, QColor]:
    """The most contrasting colour on the box's border, and the window colour behind it."""
    parent = QWidget()
    qtbot.addWidget(parent)
    box = QCheckBox("coding", parent)
    box.setChecked(checked)
    parent.resize(120, 40)
    parent.show()
    qtbot.waitExposed(parent)
    image: QImage = parent.grab().toImage()
    option = QStyleOptionButton()
    option.initFrom(box)
    rect = box.style().subElementRect(QStyle.SubElement.SE_CheckBoxIndicator, option, box)
    rect.translate(box.pos())
    window = parent.palette().color(parent.backgroundRole())
    border = [image.pixelColor(x, rect.top() + rect.height() // 2)
              for x in (rect.left(), rect.left() + 1, rect.right(), rect.right() - 1)]
    border += [image.pixelColor(rect.left() + rect.width() // 2, y)
               for y in (rect.top(), rect.top() + 1, rect.bottom(), rect.bottom() - 1)]
    return max(border, key=lambda c: _contrast(c, window)), window


@pytest.mark.parametrize("checked", [False, True])
def test_check_box_outline_can_be_seen(qtbot: QtBot, theme: str, checked: bool) -> None:
    outline, window = _indicator_outline(qtbot, checked)
    # WCAG asks 3:1 for the parts of a control needed to see it.
    assert _contrast(outline, window) >= 3.0, (theme, outline.name(), window.name())


def test_dark_theme_keeps_the_check_mark(qtbot: QtBot) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    apply_theme(app, "dark")
    try:
        box = QCheckBox()
        qtbot.addWidget(box)
        box.resize(24, 24)
        box.show()
        qtbot.waitExposed(box)
        off = box.grab().toImage()
        box.setCheckState(Qt.CheckState.Checked)
        on = box.grab().toImage()
        assert off != on
    finally:
        apply_theme(app, "light")
