"""Crash and exception reports: an uncaught exception (GUI thread or any other thread) is appended
to a log file with the library versions, and a non-modal dialog shows its one-line reason, the log
file's path and a "Copy details" button (full traceback and versions to the clipboard).

`install_crash_reporter(parent, versions)` replaces `sys.excepthook` and `threading.excepthook`;
`CrashReporter.uninstall()` puts the previous hooks back.
"""

from __future__ import annotations

import datetime
import sys
import threading
import traceback
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QObject, QStandardPaths, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

LOG_NAME = "gapviewer.log"


def log_path() -> Path:
    """Where reports are appended: <AppDataLocation>/gapviewer.log (folder created if needed)."""
    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    path = Path(folder or Path.home()) / LOG_NAME
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def one_line(error: BaseException) -> str:
    """"TypeError: message" with the message's first line."""
    message = str(error).strip().splitlines()
    return f"{type(error).__name__}: {message[0]}" if message else type(error).__name__


class CrashDialog(QDialog):
    """The reason, the log file and "Copy details"; non-modal, so work can go on."""

    def __init__(self, reason: str, details: str, path: Path,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.details = details
        self.setWindowTitle(self.tr("gapviewer: unexpected error"))
        self.setModal(False)
        self.setMinimumWidth(460)
        self.reason = QLabel(reason)
        self.reason.setWordWrap(True)
        self.where = QLabel(self.tr("The full report was added to {path}").format(path=path))
        self.where.setWordWrap(True)
        self.copy_button = QPushButton(self.tr("&Copy details"))
        self.copy_button.setToolTip(
            self.tr("Copy the traceback and the versions to the clipboard, for a bug report")
        )
        self.copy_button.clicked.connect(self.copy_details)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.reason)
        layout.addWidget(self.where)
        layout.addWidget(buttons)

    def copy_details(self) -> None:
        QGuiApplication.clipboard().setText(self.details)


class CrashReporter(QObject):
    """Writes each uncaught exception to `path` and shows a `CrashDialog` on the GUI thread."""

    reported = Signal(str, str)  # one-line reason, full details

    def __init__(self, parent: QWidget | None, versions: Callable[[], str],
                 path: Path | None = None) -> None:
        super().__init__(parent)
        self.parent_widget = parent
        self.versions = versions
        self.path = path or log_path()
        self.dialogs: list[CrashDialog] = []
        self._previous: tuple[object, object] | None = None
        self.reported.connect(self._show)  # queued when reported from another thread

    def install(self) -> None:
        self._previous = (sys.excepthook, threading.excepthook)
        sys.excepthook = self.handle
        threading.excepthook = self._handle_thread

    def uninstall(self) -> None:
        if self._previous is not None:
            sys.excepthook, threading.excepthook = self._previous
            self._previous = None

    def handle(self, kind: type[BaseException], error: BaseException,
               trace: TracebackType | None) -> None:
        """The `sys.excepthook`: log, then show the dialog (from any thread)."""
        stamp = datetime.datetime.now().astimezone().isoformat(timespec="seconds")
        details = "{stamp} {thread}\n{trace}\n{versions}\n".format(
            stamp=stamp, thread=threading.current_thread().name,
            trace="".join(traceback.format_exception(kind, error, trace)).rstrip(),
            versions=self.versions(),
        )
        try:
            with self.path.open("a", encoding="utf-8") as log:
                log.write(details + "\n")
        except OSError as problem:
            details += f"\n(could not write {self.path}: {problem})\n"
        self.reported.emit(one_line(error), details)

    def _handle_thread(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_type is SystemExit:
            return
        self.handle(args.exc_type, args.exc_value, args.exc_traceback)

    def _show(self, reason: str, details: str) -> None:
        dialog = CrashDialog(reason, details, self.path, self.parent_widget)
        dialog.finished.connect(lambda _result, d=dialog: self._forget(d))
        self.dialogs.append(dialog)
        dialog.show()

    def _forget(self, dialog: CrashDialog) -> None:
        if dialog in self.dialogs:
            self.dialogs.remove(dialog)


def install_crash_reporter(parent: QWidget | None, versions: Callable[[], str],
                           path: Path | None = None) -> CrashReporter:
    """Replace `sys.excepthook` and `threading.excepthook` with a `CrashReporter`'s."""
    reporter = CrashReporter(parent, versions, path)
    reporter.install()
    return reporter
