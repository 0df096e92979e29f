"""Fixtures shared by the Qt tests of several folders."""

from __future__ import annotations

import gc

import pytest


@pytest.fixture(scope="module")
def gui_thread_gc(qapp):
    """Garbage collection on the GUI thread while a module's tests run, as in the app (a worker
    thread collecting Qt widgets deadlocks: gapviewer.app.gui_gc); the interpreter's own after."""
    from gapviewer.app.gui_gc import collect_on_gui_thread

    collector = collect_on_gui_thread()
    yield collector
    collector.stop()
    gc.collect()
