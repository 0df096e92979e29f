"""Non-modal feedback: the error banner and the busy bar (progress and cancel)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QTimer
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QToolButton,
    QWidget,
)

from .state import AppState

BANNER_SECONDS = 20


class Banner(QFrame):
    """Shows the latest error above the view until closed or for BANNER_SECONDS."""

    def __init__(self, state: AppState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("banner")
        self.label = QLabel()
        self.label.setWordWrap(True)
        close = QToolButton()
        close.setText("✕")
        close.setAccessibleName(self.tr("Close the message"))
        close.setToolTip(self.tr("Close the message"))
        close.setAutoRaise(True)
        close.clicked.connect(self.hide)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 4, 4)
        layout.addWidget(self.label, 1)
        layout.addWidget(close)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.hide)
        self.hide()
        state.errorRaised.connect(self.show_message)

    def show_message(self, message: str) -> None:
        self.label.setText(message)
        self.show()
        self._timer.start(BANNER_SECONDS * 1000)

    def hideEvent(self, event) -> None:  # noqa: N802 (Qt override)
        self._timer.stop()
        super().hideEvent(event)


class BusyBar(QWidget):
    """Progress of the running work, with a cancel button for explanations. Its size is fixed
    in both directions (the height follows the font), so work starting or ending and progress
    messages relay out nothing: Qt passes a child's geometry change up only through widgets
    whose size may change, and each pass up would relay out the whole main window.
    """

    def __init__(self, state: AppState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.label = QLabel()
        self.label.setMinimumWidth(90)
        self.progress = QProgressBar()
        self.progress.setMaximumHeight(12)
        self.progress.setTextVisible(False)
        self.cancel = QPushButton(self.tr("Cancel"))
        self.cancel.setToolTip(self.tr("Stop the running computation (Esc)"))
        self.cancel.clicked.connect(state.request_cancel)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 0, 8, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.progress, 1)
        layout.addWidget(self.cancel)
        self.setFixedWidth(320)
        self._fix_height()
        state.busyChanged.connect(self._update)
        self._update()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt override)
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._fix_height()

    def _fix_height(self) -> None:
        margins = self.layout().contentsMargins()
        tallest = max(w.sizeHint().height() for w in (self.label, self.progress, self.cancel))
        self.setFixedHeight(tallest + margins.top() + margins.bottom())

    def _update(self) -> None:
        busy = self.state.busy
        self.progress.setVisible(busy.active)
        self.label.setText(busy.message if busy.active else "")
        if busy.determinate:
            self.progress.setRange(0, 1000)
            self.progress.setValue(int(busy.fraction * 1000))
        else:
            self.progress.setRange(0, 0)
        self.cancel.setVisible(busy.active and busy.cancellable)
