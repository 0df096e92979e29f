"""The feature-invalidation what-if panel (Hitachi model inverse analysis, sec. 5 and Table 1).

The user picks "top k % positive contributions" of the shown predicted-class map; whoever owns the
model zeroes those regions' feature vectors at the map's layer (core.metrics.invalidate_features)
and hands the result back to `show_result`: the class score before and after, and the top-10
classes before and after side by side, laid out as the paper's Table 1. Nothing is computed here.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QImage, QPixmap
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

TABLE_HEADERS = ("Rank", "Before", "Score", "After", "Score")
MASK_PREVIEW = 140


class WhatIfPanel(QWidget):
    """Controls and the Table 1 view of one feature invalidation."""

    invalidateRequested = Signal(float)  # fraction of the map's cells, 0..1

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.percent = QDoubleSpinBox()
        self.percent.setRange(1.0, 100.0)
        self.percent.setValue(10.0)
        self.percent.setSuffix(" %")
        self.percent.setToolTip("Zero the feature vectors of this share of the map's cells with "
                                "the largest positive contributions")
        self.button = QPushButton("Invalidate top")
        self.button.setEnabled(False)
        self.button.clicked.connect(
            lambda: self.invalidateRequested.emit(self.percent.value() / 100.0)
        )
        self.scores = QLabel("Select an image in the table, then invalidate its top regions.")
        self.scores.setWordWrap(True)
        self.mask_view = QLabel()
        self.mask_view.setFixedSize(MASK_PREVIEW, MASK_PREVIEW)
        self.mask_view.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.table = QTableWidget(0, len(TABLE_HEADERS))
        self.table.setHorizontalHeaderLabels(list(TABLE_HEADERS))
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        controls = QHBoxLayout()
        controls.addWidget(self.button)
        controls.addWidget(self.percent)
        controls.addWidget(QLabel("positive contributions"))
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

    def clear(self) -> None:
        self.table.setRowCount(0)
        self.mask_view.clear()
        self.scores.setText("")

    def show_message(self, text: str) -> None:
        self.scores.setText(text)

    def show_result(self, result: Any, pixels: np.ndarray | None = None) -> None:
        """Show a `core.metrics.Invalidation`; with `pixels`, the zeroed cells over the image."""
        cells = int(np.count_nonzero(result.mask))
        self.scores.setText(
            f"{result.target_name} at {result.layer}, {cells} of {result.mask.size} cells "
            f"zeroed: score {result.score_before:.2f} → {result.score_after:.2f}, "
            f"rank {result.rank_before} → {result.rank_after}"
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
        if pixels is not None:
            self._show_mask(pixels, result.mask)

    def _show_mask(self, pixels: np.ndarray, mask: np.ndarray) -> None:
        rgb = render.render_overlay(pixels, mask.astype(np.float32), alpha=0.6,
                                    upsample_mode="nearest", value_range=(0.0, 1.0))
        rgb = np.ascontiguousarray(rgb)
        height, width = rgb.shape[:2]
        image = QImage(rgb.data, width, height, 3 * width, QImage.Format.Format_RGB888).copy()
        self.mask_view.setPixmap(
            QPixmap.fromImage(image).scaled(
                MASK_PREVIEW, MASK_PREVIEW, Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
        )
