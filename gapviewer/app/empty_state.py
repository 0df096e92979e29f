"""The first-run / empty-state hint: shown in place of the heat-map grid while no image is open.

It says what to do first (drop files, open images or a folder, or look at the sample photos)
with buttons for each, so a new user never faces an empty dark view.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from .state import AppState
from .style import app_icon

ICON_SIZE = 96  # logical pixels; drawn from the SVG at the screen's device pixel ratio


class EmptyStateHint(QWidget):
    """Replaces `replaces` (the grid) while `state` has no image; back when one is listed."""

    def __init__(self, state: AppState, open_files: QAction, open_folder: QAction,
                 open_samples: Callable[[], None], replaces: QWidget,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("emptyState")
        self.state = state
        self.replaces = replaces
        self.icon = QLabel()
        self.icon.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.icon.setAccessibleName("gapviewer")
        self.title = QLabel(self.tr("No image open yet"))
        self.title.setObjectName("emptyTitle")
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.text = QLabel(self.tr("Drop image files or folders anywhere on this window, or:"))
        self.text.setObjectName("emptyHint")
        self.text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.text.setWordWrap(True)
        self.buttons: list[QPushButton] = []
        row = QHBoxLayout()
        row.addStretch(1)
        for text, tip, slot in (
            (self.tr("Open images…"), self.tr("Choose image files (Ctrl+O)"),
             open_files.trigger),
            (self.tr("Open a folder…"),
             self.tr("Open every image in a folder and its sub-folders (Ctrl+Shift+O)"),
             open_folder.trigger),
            (self.tr("Show the sample photos"),
             self.tr("Photos from scikit-image's data set, to try the methods at once"),
             open_samples),
        ):
            button = QPushButton(text)
            button.setToolTip(tip)
            button.clicked.connect(lambda _checked=False, slot=slot: slot())
            row.addWidget(button)
            self.buttons.append(button)
        row.addStretch(1)
        self.next_steps = QLabel(self.tr(
            "Then choose a method and a layer on the right: the heat map appears over the "
            "image. F1 lists the keyboard shortcuts."))
        self.next_steps.setObjectName("emptyHint")
        self.next_steps.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.next_steps.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addStretch(2)
        layout.addWidget(self.icon)
        layout.addWidget(self.title)
        layout.addWidget(self.text)
        layout.addLayout(row)
        layout.addWidget(self.next_steps)
        layout.addStretch(3)
        state.imagesChanged.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        """Show the hint (and hide the grid) exactly while no image is listed."""
        empty = not self.state.images
        self.setVisible(empty)
        self.replaces.setVisible(not empty)

    def showEvent(self, event) -> None:  # noqa: N802 (Qt override)
        """Draw the icon for the screen shown on (crisp at a device pixel ratio of 2)."""
        size = QSize(ICON_SIZE, ICON_SIZE)
        self.icon.setPixmap(app_icon().pixmap(size, self.devicePixelRatioF()))
        super().showEvent(event)
