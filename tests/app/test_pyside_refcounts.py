"""Guard against PySide6 releases that drop a reference to None on C++ `void` calls.

PySide6 6.12.0 returns None from every void method (QPainter.setPen, QWidget.update, ...) without
the reference its caller drops. On Python < 3.12 None is not immortal, so pyqtgraph's axis painting
drained its count after a few hundred images and the interpreter aborted with "Fatal Python error:
none_dealloc". pyproject.toml excludes that release; this test fails if the installed one leaks.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

SCRIPT = """
import sys
from PySide6.QtCore import QRectF
rect = QRectF()
before = sys.getrefcount(None)
for _ in range(1000):
    rect.setWidth(2.0)  # a C++ void method
print((before - sys.getrefcount(None)) / 1000)
"""


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="None is immortal here (PEP 683)")
def test_void_calls_keep_none_alive():
    run = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True,
                         timeout=120, check=True)
    assert float(run.stdout.strip()) < 0.5, "this PySide6 leaks references to None"
