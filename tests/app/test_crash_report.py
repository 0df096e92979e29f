"""Crash reports: uncaught exceptions (in a slot, in a worker thread) go to the log file with the
versions, a non-modal dialog shows the reason and copies the details; the hooks are restored."""

from __future__ import annotations

import sys
import threading

import pytest
from PySide6.QtCore import QStandardPaths
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QPushButton

from gapviewer.app.crash_report import LOG_NAME, install_crash_reporter, log_path

VERSIONS = "gapviewer 9.9.9\ntorch loading…"


@pytest.fixture
def reporter(qtbot, tmp_path):
    before = (sys.excepthook, threading.excepthook)
    reporter = install_crash_reporter(None, lambda: VERSIONS, tmp_path / LOG_NAME)
    yield reporter
    reporter.uninstall()
    for dialog in list(reporter.dialogs):
        dialog.close()
    assert (sys.excepthook, threading.excepthook) == before


def _raise_in_slot() -> None:
    raise ValueError("the slot failed\nsecond line")


@pytest.mark.qt_no_exception_capture
def test_exception_in_a_slot_is_logged_shown_and_copied(qtbot, reporter):
    button = QPushButton()
    qtbot.addWidget(button)
    button.clicked.connect(_raise_in_slot)
    button.click()
    qtbot.waitUntil(lambda: len(reporter.dialogs) == 1)
    log = reporter.path.read_text(encoding="utf-8")
    assert "Traceback" in log and "_raise_in_slot" in log
    assert "ValueError: the slot failed" in log and VERSIONS in log
    dialog = reporter.dialogs[0]
    assert dialog.isVisible() and not dialog.isModal()
    assert dialog.reason.text() == "ValueError: the slot failed"
    assert str(reporter.path) in dialog.where.text()
    dialog.copy_button.click()
    copied = QGuiApplication.clipboard().text()
    assert "_raise_in_slot" in copied and "second line" in copied and VERSIONS in copied


@pytest.mark.qt_no_exception_capture
def test_exception_in_a_thread_is_reported_on_the_gui_thread(qtbot, reporter):
    def work() -> None:
        raise RuntimeError("worker broke")

    thread = threading.Thread(target=work, name="test-worker")
    thread.start()
    thread.join()
    qtbot.waitUntil(lambda: len(reporter.dialogs) == 1)
    assert reporter.dialogs[0].reason.text() == "RuntimeError: worker broke"
    log = reporter.path.read_text(encoding="utf-8")
    assert "test-worker" in log and "RuntimeError: worker broke" in log
    reporter.dialogs[0].close()
    assert not reporter.dialogs


def test_reports_append_and_the_log_lives_in_the_app_data_folder(qtbot, reporter):
    for message in ("first", "second"):
        try:
            raise KeyError(message)
        except KeyError as error:
            reporter.handle(type(error), error, error.__traceback__)
    log = reporter.path.read_text(encoding="utf-8")
    assert log.index("KeyError: 'first'") < log.index("KeyError: 'second'")
    QStandardPaths.setTestModeEnabled(True)
    try:
        folder = QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.AppDataLocation
        )
        assert log_path().parent.samefile(folder) and log_path().name == "gapviewer.log"
    finally:
        QStandardPaths.setTestModeEnabled(False)
