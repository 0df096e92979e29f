"""The image browser: thumbnails with the predicted class and confidence, unreadable files with
their reason, keyboard navigation (arrows, Home/End) and the current image kept in the state.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

import numpy as np
from PySide6.QtCore import (
    QAbstractListModel,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    QSize,
    Qt,
)
from PySide6.QtGui import QAction, QColor, QImage, QPixmap
from PySide6.QtWidgets import QListView, QToolBar, QVBoxLayout, QWidget

from .engine import THUMBNAIL_SIZE
from .state import AppState

Index = QModelIndex | QPersistentModelIndex

# Thumbnail pixmaps kept for the most recently drawn rows (a list view shows a few dozen); the
# rest are made again from the entry's thumbnail when drawn, so a long browse keeps no pixmap
# per image it passed.
PIXMAP_ROWS = 256


def pixmap_from_array(pixels: np.ndarray) -> QPixmap:
    """A QPixmap copy of an H x W x 3 uint8 array."""
    pixels = np.ascontiguousarray(pixels)
    height, width = pixels.shape[:2]
    image = QImage(pixels.data, width, height, 3 * width, QImage.Format.Format_RGB888)
    return QPixmap.fromImage(image.copy())


def thumbnail_pixels(device_pixel_ratio: float) -> int:
    """Thumbnail size (longer side, pixels) that fills THUMBNAIL_SIZE logical pixels without
    enlarging at this device pixel ratio."""
    return max(THUMBNAIL_SIZE, math.ceil(THUMBNAIL_SIZE * device_pixel_ratio))


def thumbnail_pixmap(thumbnail: np.ndarray) -> QPixmap:
    """The list's pixmap of a thumbnail: at most THUMBNAIL_SIZE logical pixels on its longer
    side, its extra pixels (made for a high-DPI screen) drawn as device pixels."""
    pixmap = pixmap_from_array(thumbnail)
    pixmap.setDevicePixelRatio(max(1.0, max(thumbnail.shape[:2]) / THUMBNAIL_SIZE))
    return pixmap


class ImageListModel(QAbstractListModel):
    """`state.images` as list rows; thumbnails become pixmaps on the GUI thread, the latest
    PIXMAP_ROWS of them kept."""

    def __init__(self, state: AppState) -> None:
        super().__init__()
        self.state = state
        self._keys: list[str] = []
        self._pixmaps: OrderedDict[str, QPixmap] = OrderedDict()
        state.imagesChanged.connect(self._reset)
        state.entryChanged.connect(self._entry_changed)
        self._reset()

    def _reset(self) -> None:
        self.beginResetModel()
        self._keys = [entry.key for entry in self.state.images]
        keys = set(self._keys)
        self._pixmaps = OrderedDict((k, v) for k, v in self._pixmaps.items() if k in keys)
        self.endResetModel()

    def _entry_changed(self, key: str) -> None:
        if key in self._keys:
            self._pixmaps.pop(key, None)
            row = self._keys.index(key)
            self.dataChanged.emit(self.index(row), self.index(row))

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008 (Qt API)
        return 0 if parent.isValid() else len(self._keys)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._keys):
            return None
        key = self._keys[index.row()]
        entry = self.state.images[index.row()]
        info = self.state.info(key)
        if role == Qt.ItemDataRole.DisplayRole:
            second = info.error or info.prediction or "…"
            return f"{entry.name}\n{second}"
        if role == Qt.ItemDataRole.DecorationRole and info.thumbnail is not None:
            return self._pixmap(key, info.thumbnail)
        if role == Qt.ItemDataRole.ToolTipRole:
            where = entry.path or self.tr("sample photo {name}").format(name=entry.name)
            return f"{where}\n{info.error or ''}".strip()
        if role == Qt.ItemDataRole.ForegroundRole and info.error:
            return QColor("#e06c5a")
        return None

    def _pixmap(self, key: str, thumbnail: np.ndarray) -> QPixmap:
        pixmap = self._pixmaps.get(key)
        if pixmap is None:
            pixmap = self._pixmaps[key] = thumbnail_pixmap(thumbnail)
            if len(self._pixmaps) > PIXMAP_ROWS:
                self._pixmaps.popitem(last=False)
        else:
            self._pixmaps.move_to_end(key)
        return pixmap


class BrowserPanel(QWidget):
    """Toolbar (open files / open folder) over the thumbnail list."""

    def __init__(self, state: AppState, actions: Sequence[QAction] = (),
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.model = ImageListModel(state)
        self.view = QListView()
        self.view.setModel(self.model)
        self.view.setAccessibleName(self.tr("Images"))
        self.view.setToolTip(self.tr("Opened images: the arrow keys move through them"))
        self.view.setIconSize(QSize(THUMBNAIL_SIZE // 2 + 16, THUMBNAIL_SIZE // 2 + 16))
        self.view.setUniformItemSizes(True)
        self.view.setSpacing(2)
        self.view.setWordWrap(False)
        self.view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.view.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.view.selectionModel().currentChanged.connect(self._current_changed)
        toolbar = QToolBar()
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        for action in actions:
            toolbar.addAction(action)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(toolbar)
        layout.addWidget(self.view, 1)
        state.currentImageChanged.connect(self._follow_state)
        state.imagesChanged.connect(self._follow_state)

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            self.state.set_current(current.row())

    def _follow_state(self) -> None:
        row = self.state.current_index
        if row < 0 or row >= self.model.rowCount():
            return
        index = self.model.index(row)
        if self.view.currentIndex() != index:
            self.view.selectionModel().setCurrentIndex(
                index, QItemSelectionModel.SelectionFlag.ClearAndSelect
            )
        self.view.scrollTo(index)
