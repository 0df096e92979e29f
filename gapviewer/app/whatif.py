"""The feature-invalidation what-if panel (Hitachi model inverse analysis, sec. 5 and Table 1).

The user picks "top k % positive contributions" of the shown predicted-class map, or paints the
layer's regions on the image (click or drag toggles cells); whoever owns the model zeroes those
regions' feature vectors at the map's layer (core.metrics.invalidate_features) and hands the
result back to `show_result`: the class score before and after, and the top-10 classes before
and after side by side, laid out as the paper's Table 1. Nothing is computed here.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from PySide6.QtCore import QPointF, Qt, Signal
from PySide6.QtGui import QImage, QMouseEvent, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDoubleSpinBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..core import render

MASK_PREVIEW = 200


def _pixmap(rgb: np.ndarray, ratio: float = 1.0) -> QPixmap:
    """The picture fitted into MASK_PREVIEW logical pixels, drawn with `ratio` device pixels
    per logical one (sharp on high-DPI screens)."""
    rgb = np.ascontiguousarray(rgb)
    height, width = rgb.shape[:2]
    image = QImage(rgb.data, width, height, 3 * width, QImage.Format.Format_RGB888).copy()
    side = round(MASK_PREVIEW * ratio)
    pixmap = QPixmap.fromImage(image).scaled(
        side, side, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation,
    )
    pixmap.setDevicePixelRatio(ratio)
    return pixmap


class MaskPainter(QLabel):
    """The image with the layer's regions to invalidate drawn on it; pressing on a region
    toggles it and dragging paints the same state over the regions passed."""

    maskChanged = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFixedSize(MASK_PREVIEW, MASK_PREVIEW)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setToolTip(self.tr("Click or drag over the image to choose the regions to invalidate"))
        self.pixels: np.ndarray | None = None
        self.mask: np.ndarray | None = None
        self._painting: bool | None = None

    def set_grid(self, pixels: np.ndarray, shape: tuple[int, int]) -> None:
        """A new image and layer grid; no region chosen."""
        self.pixels = pixels
        self.mask = np.zeros(shape, bool)
        self._redraw()

    def set_mask(self, mask: np.ndarray) -> None:
        if self.pixels is not None:
            self.mask = np.asarray(mask, bool).copy()
            self._redraw()

    def clear_grid(self) -> None:
        self.pixels = None
        self.mask = None
        self.clear()

    def cell_at(self, position: QPointF) -> tuple[int, int] | None:
        """The grid cell under a point of this widget (the picture is centred), or None."""
        pixmap = self.pixmap()
        if self.mask is None or pixmap is None or pixmap.isNull():
            return None
        size = pixmap.deviceIndependentSize()
        left = (self.width() - size.width()) / 2
        top = (self.height() - size.height()) / 2
        u = (position.x() - left) / size.width()
        v = (position.y() - top) / size.height()
        if not (0 <= u < 1 and 0 <= v < 1):
            return None
        rows, columns = self.mask.shape
        return int(v * rows), int(u * columns)

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt override)
        cell = self.cell_at(event.position())
        if cell is not None:
            self._painting = not self.mask[cell]
            self._paint(cell)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt override)
        cell = self.cell_at(event.position())
        if cell is not None and self._painting is not None and self.mask[cell] != self._painting:
            self._paint(cell)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt override)
        self._painting = None

    def _paint(self, cell: tuple[int, int]) -> None:
        self.mask[cell] = self._painting
        self._redraw()
        self.maskChanged.emit()

    def _redraw(self) -> None:
        rgb = render.render_overlay(self.pixels, self.mask.astype(np.float32), alpha=0.6,
                                    upsample_mode="nearest", value_range=(0.0, 1.0))
        self.setPixmap(_pixmap(rgb, self.devicePixelRatioF()))


class WhatIfPanel(QWidget):
    """Controls and the Table 1 view of one feature invalidation."""

    invalidateRequested = Signal(float)  # fraction of the map's cells, 0..1
    invalidateMaskRequested = Signal(object)  # a bool grid of the layer: the painted regions

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.percent = QDoubleSpinBox()
        self.percent.setRange(1.0, 100.0)
        self.percent.setValue(10.0)
        self.percent.setSuffix(" %")
        self.percent.setToolTip(self.tr("Zero the feature vectors of this share of the map's "
                                        "cells with the largest positive contributions"))
        self.button = QPushButton(self.tr("Invalidate top"))
        self.button.setEnabled(False)
        self.button.clicked.connect(
            lambda: self.invalidateRequested.emit(self.percent.value() / 100.0)
        )
        self.scores = QLabel(
            self.tr("Select an image in the table, then invalidate its top regions."))
        self.scores.setWordWrap(True)
        self.mask_view = MaskPainter()
        self.paint_button = QPushButton(self.tr("Invalidate painted"))
        self.paint_button.setEnabled(False)
        self.paint_button.setToolTip(self.tr("Zero the regions painted on the picture"))
        self.paint_button.clicked.connect(
            lambda: self.invalidateMaskRequested.emit(self.mask_view.mask.copy())
        )
        self.mask_view.maskChanged.connect(self._mask_changed)
        headers = (self.tr("Rank"), self.tr("Before"), self.tr("Score"), self.tr("After"),
                   self.tr("Score"))
        self.table = QTableWidget(0, len(headers))
        self.table.setHorizontalHeaderLabels(list(headers))
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        controls = QHBoxLayout()
        controls.addWidget(self.button)
        controls.addWidget(self.percent)
        controls.addWidget(QLabel(self.tr("positive contributions")))
        controls.addWidget(self.paint_button)
        controls.addStretch()
        top = QHBoxLayout()
        top.addWidget(self.mask_view)
        top.addWidget(self.scores, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(controls)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)

    def set_available(self, available: bool) -> None:
        """Enable the button once a map to rank regions by is shown."""
        self.button.setEnabled(available)
        if not available:
            self.paint_button.setEnabled(False)

    def set_grid(self, pixels: np.ndarray, shape: tuple[int, int]) -> None:
        """The image and the layer grid whose regions can be painted."""
        self.mask_view.set_grid(pixels, shape)
        self._mask_changed()

    def clear(self) -> None:
        self.table.setRowCount(0)
        self.mask_view.clear_grid()
        self.paint_button.setEnabled(False)
        self.scores.setText("")

    def _mask_changed(self) -> None:
        mask = self.mask_view.mask
        self.paint_button.setEnabled(mask is not None and bool(mask.any()))

    def show_message(self, text: str) -> None:
        self.scores.setText(text)

    def show_result(self, result: Any) -> None:
        """Show a `core.metrics.Invalidation`; its cells become the painted ones (to refine)."""
        cells = int(np.count_nonzero(result.mask))
        self.scores.setText(
            self.tr("{target} at {layer}, {cells} of {total} cells zeroed: score {before:.2f} → "
                    "{after:.2f}, rank {rank_before} → {rank_after}").format(
                target=result.target_name, layer=result.layer, cells=cells,
                total=result.mask.size, before=result.score_before, after=result.score_after,
                rank_before=result.rank_before, rank_after=result.rank_after)
        )
        self.table.setRowCount(len(result.top_before))
        for row, (before, after) in enumerate(
            zip(result.top_before, result.top_after, strict=True)
        ):
            values = (str(row + 1), before.name, f"{before.score:.2f}", after.name,
                      f"{after.score:.2f}")
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                if column in (1, 3) and result.target in (before.index, after.index):
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                self.table.setItem(row, column, item)
        self.mask_view.set_mask(result.mask)
        self._mask_changed()
