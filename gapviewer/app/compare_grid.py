"""The side-by-side comparison: one `CellView` per (method, layer) cell of the state, on the same
image, with linked zoom/pan and a shared or per-cell scale (the normalisation option).
"""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtWidgets import QGridLayout, QWidget

from ..core import render
from .overlay_view import CellView
from .rendering import colormap_name, scale_maps, upsampled
from .state import AppState, Cell


def cell_title(state: AppState, cell: Cell) -> str:
    """"Method name · layer  C×H×W" for a cell's header."""
    method = state.methods.get(cell.method)
    name = method.name if method else cell.method
    shape = ""
    if state.model is not None:
        for layer in state.model.layers:
            if layer.name == cell.layer:
                shape = "  " + "×".join(map(str, layer.shape))
    params = ", ".join(f"{k}={v}" for k, v in cell.params)
    return f"<b>{name}</b> · {cell.layer}{shape}" + (f"  <i>({params})</i>" if params else "")


class CompareGrid(QWidget):
    """Cells laid out in a near-square grid; the active cell is outlined."""

    def __init__(self, state: AppState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.views: list[CellView] = []
        self._layout = QGridLayout(self)
        self._layout.setContentsMargins(4, 4, 4, 4)
        self._layout.setSpacing(6)
        self._heat_key: tuple | None = None
        state.cellsChanged.connect(self._rebuild)
        state.activeCellChanged.connect(self._mark_active)
        state.pixelsChanged.connect(self._show_image)
        state.mapsChanged.connect(self._show_maps)
        state.displayChanged.connect(self._show_maps)
        state.methodsChanged.connect(self._retitle)
        state.modelChanged.connect(self._retitle)
        self._rebuild()

    def _rebuild(self) -> None:
        cells = self.state.cells
        while len(self.views) > max(len(cells), 1):
            view = self.views.pop()
            self._layout.removeWidget(view)
            view.deleteLater()
        while len(self.views) < max(len(cells), 1):
            view = CellView(self)
            index = len(self.views)
            view.clicked.connect(lambda index=index: self.state.set_active_cell(index))
            view.closeRequested.connect(lambda index=index: self.state.remove_cell(index))
            if self.views:
                view.viewbox.setXLink(self.views[0].viewbox)
                view.viewbox.setYLink(self.views[0].viewbox)
            self.views.append(view)
            view.set_image(self.state.pixels)
        columns = math.ceil(math.sqrt(len(self.views)))
        for index, view in enumerate(self.views):
            self._layout.addWidget(view, index // columns, index % columns)
            view.close_button.setVisible(len(cells) > 1)
        self._heat_key = None
        self._retitle()
        self._mark_active()
        self._show_maps()

    def _retitle(self) -> None:
        for view, cell in zip(self.views, self.state.cells, strict=False):
            view.title.setText(cell_title(self.state, cell))

    def _mark_active(self) -> None:
        for index, view in enumerate(self.views):
            view.set_active(len(self.views) > 1 and index == self.state.active_cell)

    def _show_image(self) -> None:
        self._heat_key = None
        for view in self.views:
            view.set_image(self.state.pixels)
        if self.state.pixels is None:
            for view in self.views:
                view.set_message(
                    self.tr("Decoding…") if self.state.current_image else self.tr("No image"))

    def _show_maps(self) -> None:
        """Re-colour from the maps already known; opacity-only changes skip the resampling."""
        state = self.state
        display = state.display
        colormap = colormap_name(display)
        opacity = render.transmittance_to_alpha(display.transmittance / 100.0)
        results = [state.maps.get(cell) for cell in state.cells]
        raws = [r.values if r is not None else None for r in results]
        key = (
            id(state.pixels), tuple(id(r) for r in raws), display.normalisation,
            display.upsampling, tuple(state.cells),
        )
        if key == self._heat_key:
            for view in self.views:
                view.set_opacity(opacity)
                view.set_colormap(colormap)
            return
        self._heat_key = key
        scaled = scale_maps(raws, display.normalisation)
        for view, cell, result, item in zip(self.views, state.cells, results, scaled,
                                            strict=False):
            if state.pixels is None or item is None:
                computing = result is None and state.current_image is not None
                view.set_heat(None, None, colormap, None if computing else (0.0, 1.0), opacity)
                view.set_message(self._status(cell, result))
                continue
            heat = upsampled(item, state.pixels.shape[:2], display.upsampling)
            view.set_heat(heat, np.asarray(result.values), colormap, (item.vmin, item.vmax),
                          opacity)
            view.set_message(self.tr("Hover over the image for the contribution value"))

    def _status(self, cell: Cell, result) -> str:
        if self.state.pixels is None:
            return (self.tr("Decoding…") if self.state.current_image
                    else self.tr("Open or drop images to begin"))
        if result is not None and result.problem:
            return self.tr("No map: {problem}").format(problem=result.problem)
        if self.state.model is None:
            return self.tr("Loading the model…")
        return self.tr("Computing…")

    def reset_zoom(self) -> None:
        if self.views:
            self.views[0].reset_zoom()
