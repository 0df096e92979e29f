"""A guard against a reference-count bug of PySide6 6.12.0 on Python < 3.12.

PySide6 6.12.0 (shiboken6 6.12.0) returns `None` from every C++ method declared `void`
(`QPainter.setPen`, `QWidget.update`, `QTimer.stop`, ...) without adding the reference the caller
will drop. On Python 3.12 and later `None`, `True` and `False` are immortal (PEP 683) and nothing
happens; on 3.11 each such call takes one reference from `None` for good. pyqtgraph draws an axis
with about a hundred of these calls, so browsing a few hundred images drained all of `None`'s
references and the interpreter aborted with "Fatal Python error: none_dealloc" inside
`AxisItem.paint` (tests/benchmarks/bench_viewer.py; tests/app/test_qt_compat.py measures it).

`pin_singletons()` gives `None`, `True` and `False` 2**40 extra references, which is what PEP 683
does on 3.12: a leak of one reference per call then needs about 10**12 calls to matter. The
real fix is a PySide6 other than 6.12.0 on Python 3.11 (6.11.3 does not leak) or Python >= 3.12.
"""

from __future__ import annotations

import ctypes
import sys

PINNED_REFERENCES = 1 << 40
_pinned = False


def needs_pinning() -> bool:
    """CPython before 3.12, where these singletons still count their references."""
    return sys.implementation.name == "cpython" and sys.version_info < (3, 12)


def pin_singletons() -> bool:
    """Make None, True and False practically immortal (once per process); True if done now."""
    global _pinned
    if _pinned or not needs_pinning():
        return False
    for singleton in (None, True, False):
        # ob_refcnt is the first field of every CPython object (Include/object.h, PyObject).
        ctypes.c_ssize_t.from_address(id(singleton)).value += PINNED_REFERENCES
    _pinned = True
    return True
