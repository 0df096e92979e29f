"""The PySide6 6.12.0 / Python < 3.12 reference leak on void calls, and the guard against it
(gapviewer.app.qt_compat). Each case runs in a fresh interpreter, since the unguarded one aborts.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from gapviewer.app.qt_compat import needs_pinning

SCRIPT = """
import sys
from PySide6.QtCore import QRectF
rect = QRectF()
before = sys.getrefcount(None)
for _ in range(1000):
    rect.setWidth(2.0)  # a C++ void method
print("leak", (before - sys.getrefcount(None)) / 1000, flush=True)
if GUARD:
    import gapviewer.app  # noqa: F401  (pins None, True and False)
for _ in range(3 * before):
    rect.setWidth(2.0)
del rect
print("survived", flush=True)
"""


def run(guard: bool) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", f"GUARD = {guard}\n" + SCRIPT],
                          capture_output=True, text=True, timeout=120)


def leaks_per_call() -> float:
    first = run(guard=True).stdout.splitlines()[0]
    return float(first.split()[1])


@pytest.mark.skipif(not needs_pinning(), reason="None is immortal on this Python (PEP 683)")
def test_void_calls_no_longer_abort_the_interpreter():
    if leaks_per_call() < 0.5:
        pytest.skip("this PySide6 does not leak references to None")
    unguarded = run(guard=False)
    assert unguarded.returncode != 0 and "none_dealloc" in unguarded.stderr
    guarded = run(guard=True)
    assert guarded.returncode == 0, guarded.stderr
    assert guarded.stdout.splitlines()[-1] == "survived"
