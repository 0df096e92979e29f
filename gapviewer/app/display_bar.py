"""The display controls above the view: transmittance slider (patent FIG. 6), colormap,
normalisation and upsampling. They write `AppState.display` only; nothing is recomputed.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QWidget
from superqt import QLabeledSlider

from ..core import render
from .state import AppState

NORMALISATION_LABELS = {
    "per-map": "Per cell",
    "shared": "Shared scale",
    "signed": "Signed (diverging)",
}
UPSAMPLING_LABELS = {
    "nearest": "Nearest (regions)",
    "bilinear": "Bilinear",
    "bicubic": "Bicubic",
}


def _combo(items: dict[str, str], tooltip: str) -> QComboBox:
    combo = QComboBox()
    for value, label in items.items():
        combo.addItem(label, value)
    combo.setToolTip(tooltip)
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(7)
    return combo


class DisplayBar(QWidget):
    """One row of display controls bound to `state.display`."""

    def __init__(self, state: AppState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.slider = QLabeledSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(0, 100)
        self.slider.setToolTip(
            "Transmittance of the heat map (0 % opaque, 100 % invisible), patent FIG. 6"
        )
        self.slider.setMinimumWidth(110)
        self.colormap = _combo({name: name for name in render.COLORMAPS}, "Colormap")
        self.normalisation = _combo(
            NORMALISATION_LABELS,
            "Per cell: each map to its own range; shared: one range for the grid; "
            "signed: symmetric range around zero with a diverging colormap",
        )
        self.upsampling = _combo(
            UPSAMPLING_LABELS,
            "How layer-resolution maps are resized to the image: nearest shows the layer's "
            "regions as blocks (FIG. 6)",
        )
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        for label, widget, stretch in (
            ("Transmittance", self.slider, 2),
            ("Colormap", self.colormap, 0),
            ("Scale", self.normalisation, 0),
            ("Upsampling", self.upsampling, 0),
        ):
            caption = QLabel(label)
            caption.setBuddy(widget)
            layout.addWidget(caption)
            layout.addWidget(widget, stretch)
            layout.addSpacing(6)
        self._sync()
        self.slider.valueChanged.connect(lambda v: state.set_display(transmittance=int(v)))
        self.colormap.currentIndexChanged.connect(
            lambda _: state.set_display(colormap=self.colormap.currentData())
        )
        self.normalisation.currentIndexChanged.connect(
            lambda _: state.set_display(normalisation=self.normalisation.currentData())
        )
        self.upsampling.currentIndexChanged.connect(
            lambda _: state.set_display(upsampling=self.upsampling.currentData())
        )
        state.displayChanged.connect(self._sync)

    def _sync(self) -> None:
        display = self.state.display
        for widget in (self.slider, self.colormap, self.normalisation, self.upsampling):
            widget.blockSignals(True)
        self.slider.setValue(display.transmittance)
        self.colormap.setCurrentIndex(self.colormap.findData(display.colormap))
        self.normalisation.setCurrentIndex(self.normalisation.findData(display.normalisation))
        self.upsampling.setCurrentIndex(self.upsampling.findData(display.upsampling))
        signed = display.normalisation == "signed"
        self.colormap.setEnabled(not signed)
        self.colormap.setToolTip(
            f"Signed maps use the diverging {render.DIVERGING_COLORMAP} colormap"
            if signed else "Colormap"
        )
        for widget in (self.slider, self.colormap, self.normalisation, self.upsampling):
            widget.blockSignals(False)
