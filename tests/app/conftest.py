"""Fixtures for the viewer tests: offscreen Qt, temporary settings, a tiny seeded GAP model,
generated image files, a started main window, and a check that fails any test leaving a thread,
worker or timer running (garbage is collected on the GUI thread meanwhile: tests/conftest.py).
"""

from __future__ import annotations

import gc
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402
import shiboken6  # noqa: E402
from PySide6.QtCore import QSettings, QThread, QThreadPool, QTimer  # noqa: E402
from viewer_helpers import WAIT_MS, tiny_spec  # noqa: E402

from gapviewer.app.main_window import MainWindow  # noqa: E402


@pytest.fixture(autouse=True)
def temporary_settings(tmp_path_factory):
    """Any QSettings the code under test creates goes to a temporary folder."""
    folder = tmp_path_factory.mktemp("settings")
    for scope in (QSettings.Scope.UserScope, QSettings.Scope.SystemScope):
        QSettings.setPath(QSettings.Format.IniFormat, scope, str(folder))
        QSettings.setPath(QSettings.Format.NativeFormat, scope, str(folder))
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    return folder


def _running_threads() -> list[QThread]:
    return [
        o for o in gc.get_objects()
        if issubclass(type(o), QThread) and shiboken6.isValid(o) and o.isRunning()
    ]


def _active_timers() -> list[QTimer]:
    return [
        o for o in gc.get_objects()
        if issubclass(type(o), QTimer) and shiboken6.isValid(o) and o.isActive()
    ]


@pytest.fixture(autouse=True)
def no_dangling_work(qapp, gui_thread_gc):
    """Fail the test if a QThread, pool task or timer it started is still running at the end."""
    yield
    qapp.processEvents()
    threads = _running_threads()
    timers = [timer for timer in _active_timers() if timer is not gui_thread_gc.timer]
    pool = QThreadPool.globalInstance().activeThreadCount()
    for thread in threads:
        thread.quit()
        thread.wait(5000)
    for timer in timers:
        timer.stop()
    assert not threads, f"threads left running: {[t.objectName() for t in threads]}"
    assert not timers, f"timers left active: {len(timers)}"
    assert pool == 0, f"{pool} thread-pool tasks left running"


@pytest.fixture
def settings(tmp_path) -> QSettings:
    return QSettings(str(tmp_path / "session.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def window(qtbot, settings):
    """A shown main window on the tiny model, without sample photos; joined at the end."""
    win = MainWindow(settings=settings)
    qtbot.addWidget(win)
    win.resize(1100, 700)
    win.show()
    win.start(model=tiny_spec(), restore=False, samples=False)
    qtbot.waitUntil(lambda: win.state.model is not None and win.controller.idle, timeout=WAIT_MS)
    yield win
    win.close()
