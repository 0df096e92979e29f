"""The "About this map" panel: what the active cell's map means and how it was computed.

It restates, for the map on screen, the method and its source, the layer and its region grid
(the patent's n1 x n2 regions), the class explained, the parameters, the raw value range, and how
the values were turned into colours (normalisation, colormap, upsampling, transmittance). Text
only; it reads the state and never asks for a computation.
"""

from __future__ import annotations

from html import escape

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QSizePolicy, QVBoxLayout, QWidget

from .display_bar import upsampling_names
from .i18n import translate_method_text
from .rendering import colormap_name
from .state import AppState, Cell, MapResult, MethodEntry


def _number(value: float) -> str:
    return f"{value:.4g}"


class MapInfoPanel(QWidget):
    """Describes `state.cells[state.active_cell]` and its map; refreshed on every state change."""

    def __init__(self, state: AppState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.text = QLabel()
        self.text.setObjectName("mapInfo")
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.RichText)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                          | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.text.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        # Wrapped text whose height follows its content would resize the dock on every image.
        self.text.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.text.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.text.setAccessibleName(self.tr("About this map"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.text)
        for signal in (state.modelChanged, state.methodsChanged, state.cellsChanged,
                       state.activeCellChanged, state.mapsChanged, state.displayChanged,
                       state.predictionsChanged, state.targetChanged):
            signal.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        """Sets the text only when it changed: a new label text re-lays out the whole dock."""
        text = self.describe()
        if text != self.text.text():
            self.text.setText(text)

    def describe(self) -> str:
        """The panel's rich text for the active cell (plain sentences, one per line)."""
        state = self.state
        cell = state.active
        method = state.methods.get(cell.method) if cell else None
        if state.model is None or cell is None or method is None:
            return self.tr("No map yet: load a model and open an image.")
        result = state.maps.get(cell)
        lines = [
            self.tr("<b>{method}</b>: {summary}").format(
                method=escape(method.name), summary=escape(translate_method_text(method.summary))),
            self.tr("Source: {source}").format(source=escape(method.source)),
            self._layer_line(cell),
            self._target_line(method),
            self._cost_line(method),
        ]
        if cell.params:
            values = ", ".join(f"{escape(name)} = {escape(str(value))}"
                               for name, value in cell.params)
            lines.append(self.tr("Parameters: {values} (others at their defaults)")
                         .format(values=values))
        else:
            lines.append(self.tr("Parameters: the method's defaults"))
        lines.append(self._values_line(method, result))
        lines.append(self._drawing_line())
        return "<br>".join(lines)

    def _layer_line(self, cell: Cell) -> str:
        model = self.state.model
        if cell.layer == "input":
            return self.tr("Layer: the input image (one value per input pixel)")
        if cell.layer == "model":
            return self.tr("Layer: the model's own map (it computes the map itself)")
        shape = next((layer.shape for layer in model.layers if layer.name == cell.layer), ())
        grid = shape[1:] if len(shape) > 1 else ()
        regions = int(np.prod(grid)) if grid else 0
        pre_gap = self.tr(" (the pre-GAP layer)") if cell.layer == model.pre_gap_layer else ""
        if not grid:
            return self.tr("Layer: {layer}{pre_gap}").format(layer=escape(cell.layer),
                                                            pre_gap=pre_gap)
        return self.tr(
            "Layer: {layer}{pre_gap}, {channels} channels on a {grid} grid: {regions} regions, "
            "each one value of the map"
        ).format(layer=escape(cell.layer), pre_gap=pre_gap, channels=shape[0],
                 grid=" × ".join(map(str, grid)), regions=regions)

    def _target_line(self, method: MethodEntry) -> str:
        state = self.state
        if not method.class_dependent:
            return self.tr("Class: none; the map is the same for every class")
        target = state.explained_target
        if not isinstance(target, int) or state.model is None:
            return self.tr("Class: the top-1 prediction (once it is known)")
        names = state.model.class_names
        name = names[target] if 0 <= target < len(names) else str(target)
        chosen = self.tr("chosen") if state.target is not None else self.tr("top-1")
        probability = next((p for index, _, p in state.predictions if index == target), None)
        if probability is None:
            return self.tr("Class: {name} (#{index}, {chosen})").format(
                name=escape(name), index=target, chosen=chosen)
        return self.tr("Class: {name} (#{index}, {chosen}, p = {p:.1%})").format(
            name=escape(name), index=target, chosen=chosen, p=probability)

    def _cost_line(self, method: MethodEntry) -> str:
        costs = {
            "forward only": self.tr("Computed from the forward pass alone (no gradient)"),
            "gradient": self.tr("Computed from one backward pass of the class score"),
            "modified backward": self.tr("Computed from one backward pass with modified rules"),
            "many forwards": self.tr("Computed from many forward passes of altered inputs"),
            "special architecture": self.tr("Computed by the model's own architecture"),
        }
        return costs.get(method.needs, escape(method.needs))

    def _values_line(self, method: MethodEntry, result: MapResult | None) -> str:
        if result is None:
            return self.tr("Values: being computed")
        if result.values is None:
            return self.tr("Values: none ({reason})").format(reason=escape(result.problem or ""))
        values = result.values
        line = self.tr("Values: {low} to {high} (raw, before colouring)").format(
            low=_number(float(np.min(values))), high=_number(float(np.max(values))))
        if method.signed:
            line += self.tr("; the method is signed (zero is no effect: choose the signed scale "
                            "to see both signs)")
        return line

    def _drawing_line(self) -> str:
        display = self.state.display
        scales = {
            "per-map": self.tr("each cell from its own minimum (0) to maximum (1)"),
            "shared": self.tr("one range shared by all cells of the grid"),
            "signed": self.tr("symmetric around zero, zero in the middle of the colormap"),
        }
        return self.tr(
            "Colours: {scale}; colormap {colormap}; upsampling to the image: {upsampling}; "
            "transmittance {transmittance} %"
        ).format(scale=scales.get(display.normalisation, escape(display.normalisation)),
                 colormap=colormap_name(display),
                 upsampling=upsampling_names().get(display.upsampling, display.upsampling),
                 transmittance=display.transmittance)
