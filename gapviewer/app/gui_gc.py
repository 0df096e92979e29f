"""Python's cyclic garbage collection on the GUI thread only.

CPython runs its cycle collector in whichever thread allocates when a generation passes its
threshold. In gapviewer that is often the model thread (torch allocates a lot), and a garbage
cycle holding a Qt widget is then destroyed there: `~QObject` takes Qt's connection lock and
waits for the GIL, while the GUI thread holds the GIL and waits for that lock, and the whole
process hangs (seen in the test suite; tests/app/test_gui_gc.py). So the automatic collector is
switched off and a timer on the GUI thread collects instead, with the interpreter's own
generation thresholds (the remedy pyqtgraph's `GarbageCollector` applies too). The pause a
collection costs is the same as before: the collector always holds the GIL, whatever thread
runs it.
"""

from __future__ import annotations

import gc

import shiboken6
from PySide6.QtCore import QCoreApplication, QObject, QThread, QTimer

INTERVAL_MS = 500


class GuiThreadCollector(QObject):
    """Collects every `interval_ms` on the thread it lives on; automatic collection is off
    until `stop()`."""

    def __init__(self, parent: QObject | None = None, interval_ms: int = INTERVAL_MS) -> None:
        super().__init__(parent)
        self.timer = QTimer(self)
        self.timer.setObjectName("gui-thread-gc")
        self.timer.timeout.connect(self.collect_due)
        gc.disable()
        self.timer.start(interval_ms)

    @property
    def active(self) -> bool:
        return self.timer.isActive()

    def collect_due(self) -> int:
        """Collect the oldest generation whose count passed its threshold, as the interpreter
        would have; returns the number of unreachable objects found (0: nothing was due)."""
        counts, thresholds = gc.get_count(), gc.get_threshold()
        if counts[0] <= thresholds[0]:  # older generations count the younger's collections
            return 0
        return gc.collect(max(g for g in range(3) if counts[g] > thresholds[g]))

    def stop(self) -> None:
        """Give collection back to the interpreter."""
        self.timer.stop()
        gc.enable()


_collector: GuiThreadCollector | None = None


def collect_on_gui_thread() -> GuiThreadCollector:
    """Start (once) and return the application's collector; call it on the GUI thread after
    the QApplication exists. Calling again after `stop()` starts a new one."""
    global _collector
    app = QCoreApplication.instance()
    if app is None or QThread.currentThread() is not app.thread():
        raise RuntimeError("the garbage collector must be started on the GUI thread")
    if _collector is None or not shiboken6.isValid(_collector) or not _collector.active:
        _collector = GuiThreadCollector(app)
    return _collector
