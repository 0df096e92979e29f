"""Display window W1 (patent US 2025/0259040 A1, FIG. 6): the image, the contribution heat map
above it with opacity 1 - transmittance, a colour bar with values, zoom/pan and a hover readout.

The view draws numpy arrays prepared by `core.render`; it never computes a map.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QToolButton, QVBoxLayout, QWidget

from ..core import render

pg.setConfigOptions(imageAxisOrder="row-major", antialias=True)


@cache
def colormap_object(name: str) -> pg.ColorMap:
    """A pyqtgraph ColorMap of a core.render colormap (for the colour bar); built once."""
    lut = render.colormap_lut(name)
    return pg.ColorMap(np.linspace(0.0, 1.0, len(lut)), np.asarray(lut))


def region_at(shape: tuple[int, ...], image_size: tuple[int, int], x: float, y: float
              ) -> tuple[int, ...] | None:
    """Index of the layer region under image pixel (x, y): region i covers rows
    [i*H/h, (i+1)*H/h) as in `core.render.upsample(mode="nearest")`; None outside the image.
    """
    height, width = image_size
    if not (0 <= x < width and 0 <= y < height):
        return None
    if len(shape) == 1:
        return (int(x) * shape[0] // width,)
    return (int(y) * shape[0] // height, int(x) * shape[1] // width)


class CellView(QWidget):
    """One (method, layer) panel: title bar, pyqtgraph view with image + heat map, readout."""

    clicked = Signal()
    closeRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.raw: np.ndarray | None = None
        self.image_size: tuple[int, int] | None = None
        self._colormap: str | None = None
        self._levels: tuple[float, float] | None = None
        self.title = QLabel()
        self.title.setObjectName("cellTitle")
        self.close_button = QToolButton()
        self.close_button.setText("✕")
        self.close_button.setToolTip(self.tr("Remove this cell from the comparison"))
        self.close_button.setAccessibleName(self.tr("Remove this cell"))
        self.close_button.setAutoRaise(True)
        self.close_button.clicked.connect(self.closeRequested)
        self.readout = QLabel(" ")
        self.readout.setObjectName("cellReadout")
        self.plot = pg.GraphicsLayoutWidget()
        self.plot.ci.setContentsMargins(2, 2, 2, 2)
        self.viewbox = self.plot.addViewBox(row=0, col=0, lockAspect=True, invertY=True,
                                            enableMenu=False)
        self.image_item = pg.ImageItem()
        self.heat_item = pg.ImageItem()
        self.heat_item.setZValue(1)
        self.viewbox.addItem(self.image_item)
        self.viewbox.addItem(self.heat_item)
        self.colorbar = pg.ColorBarItem(values=(0, 1), width=14, interactive=False,
                                        colorMapMenu=False)
        self.colorbar.axis.setWidth(58)
        self.colorbar.axis.setStyle(hideOverlappingLabels=False)
        self.plot.addItem(self.colorbar, row=0, col=1)
        self.plot.scene().sigMouseMoved.connect(self._hover)
        self.plot.setAccessibleName(self.tr("Heat map over the image"))
        self.plot.setAccessibleDescription(
            self.tr("Wheel zooms, dragging pans; the value under the pointer shows below")
        )
        header = QHBoxLayout()
        header.setContentsMargins(6, 2, 2, 2)
        header.addWidget(self.title, 1)
        header.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addLayout(header)
        layout.addWidget(self.plot, 1)
        layout.addWidget(self.readout)
        self.set_active(False)

    def mousePressEvent(self, event) -> None:  # noqa: N802 (Qt override)
        self.clicked.emit()
        super().mousePressEvent(event)

    def set_active(self, active: bool) -> None:
        self.setProperty("active", active)
        self.setStyleSheet(
            "CellView { border: 2px solid %s; border-radius: 4px; }"
            % ("#3d8fd6" if active else "transparent")
        )

    def set_image(self, pixels: np.ndarray | None) -> None:
        if pixels is None:
            self.image_item.clear()
            self.heat_item.clear()
            self.image_size = None
            return
        new_size = tuple(pixels.shape[:2])
        self.image_item.setImage(pixels, autoLevels=False, levels=(0, 255))
        if new_size != self.image_size:
            self.image_size = new_size
            self.viewbox.autoRange(padding=0.0)

    def set_heat(self, values01: np.ndarray | None, raw: np.ndarray | None, colormap: str,
                 value_range: tuple[float, float] | None, opacity: float) -> None:
        """Heat map already scaled to [0, 1] and upsampled to the image; `raw` at layer grid.
        `value_range` None keeps the colour bar's values (the next map is on its way)."""
        self.raw = raw
        if values01 is None:
            self.heat_item.clear()
        else:
            lut = render.colormap_lut(colormap)
            self.heat_item.setImage(values01, autoLevels=False, levels=(0.0, 1.0), lut=lut)
        self.heat_item.setOpacity(opacity)
        self.set_colormap(colormap)
        if value_range is not None:
            self._set_levels(*value_range)

    def _set_levels(self, low: float, high: float) -> None:
        """New colour-bar values; unchanged ones skip the axis's tick layout (its costliest
        repaint)."""
        levels = (low, high if high > low else low + 1e-12)
        if levels != self._levels:
            self._levels = levels
            self.colorbar.setLevels(values=levels)

    def set_opacity(self, opacity: float) -> None:
        self.heat_item.setOpacity(opacity)

    def set_colormap(self, colormap: str) -> None:
        if colormap == self._colormap:
            return
        self._colormap = colormap
        if self.heat_item.image is not None:
            self.heat_item.setLookupTable(render.colormap_lut(colormap))
        self.colorbar.setColorMap(colormap_object(colormap))

    def set_message(self, text: str) -> None:
        self.readout.setText(text)

    def _hover(self, scene_pos: QPointF) -> None:
        if self.raw is None or self.image_size is None:
            return
        if not self.viewbox.sceneBoundingRect().contains(scene_pos):
            return
        point = self.viewbox.mapSceneToView(scene_pos)
        region = region_at(self.raw.shape, self.image_size, point.x(), point.y())
        if region is None:
            return
        value = float(self.raw[region])
        where = ", ".join(map(str, region))
        self.readout.setText(
            self.tr("pixel ({x}, {y})   region ({region})   value {value}").format(
                x=int(point.x()), y=int(point.y()), region=where, value=f"{value:.4g}")
        )

    def reset_zoom(self) -> None:
        self.viewbox.autoRange(padding=0.0)

    def grab_view(self):
        return self.plot.grab()

