"""Regression: PySide6 6.12.0 on Python 3.11 aborts after ~100k signal emits (bool_dealloc)."""

from __future__ import annotations

import subprocess
import sys

_SCRIPT = """
import os
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from PySide6.QtCore import QAbstractListModel, QModelIndex, QObject, Signal

class Emitter(QObject):
    changed = Signal(bool)
    ticked = Signal()

class Model(QAbstractListModel):
    def rowCount(self, parent=QModelIndex()):
        return 0

seen = [0]
e = Emitter()
e.changed.connect(lambda value: seen.__setitem__(0, seen[0] + 1))
e.ticked.connect(lambda: None)
for i in range(200_000):
    e.changed.emit(i % 2 == 0)
    e.ticked.emit()
m = Model()
for _ in range(100_000):
    m.beginResetModel()
    m.endResetModel()
print(seen[0])
"""


def test_200k_signal_emits_do_not_abort_the_interpreter() -> None:
    # In a subprocess: the bug kills the interpreter, which must fail this test, not the run.
    result = subprocess.run([sys.executable, "-c", _SCRIPT], capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "200000"
