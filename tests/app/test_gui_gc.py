"""Cyclic garbage is collected on the GUI thread only (gapviewer.app.gui_gc): a worker thread
that allocates far past the interpreter's thresholds frees no garbage cycle, the GUI thread's
timer does. Before this, a model-thread collection destroying a Qt widget deadlocked the suite."""

from __future__ import annotations

import gc
import threading

from gapviewer.app.gui_gc import GuiThreadCollector


class Cycle:
    """Unreachable as soon as it is made, yet only the cycle collector can free it; records
    whether it was freed on the main thread."""

    def __init__(self, freed_on_main: list[bool]) -> None:
        self.freed_on_main = freed_on_main
        self.me = self

    def __del__(self) -> None:
        self.freed_on_main.append(threading.current_thread() is threading.main_thread())


def test_a_worker_thread_allocating_collects_nothing_the_gui_thread_does(qtbot):
    freed_on_main: list[bool] = []
    Cycle(freed_on_main)
    assert not gc.isenabled()
    kept = []
    worker = threading.Thread(target=lambda: kept.append([[] for _ in range(200_000)]))
    worker.start()
    worker.join()
    assert freed_on_main == []  # an enabled collector would have run in the worker
    qtbot.waitUntil(lambda: bool(freed_on_main), timeout=5000)
    assert freed_on_main == [True]


def test_collects_only_when_a_threshold_is_passed(gui_thread_gc):
    gc.collect()
    freed_on_main: list[bool] = []
    Cycle(freed_on_main)
    assert gui_thread_gc.collect_due() == 0 and freed_on_main == []
    kept = [[] for _ in range(gc.get_threshold()[0] + 1)]
    assert gui_thread_gc.collect_due() >= 1 and freed_on_main == [True]
    assert len(kept) > gc.get_threshold()[0]


def test_stop_gives_collection_back_to_the_interpreter(qapp):
    own = GuiThreadCollector(interval_ms=60_000)
    assert not gc.isenabled() and own.active
    own.stop()
    assert gc.isenabled() and not own.active
    gc.disable()  # the module's collector still runs
