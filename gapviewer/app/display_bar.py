"""The display controls above the view: transmittance slider (patent FIG. 6), colormap,
normalisation and upsampling. They write `AppState.display` only; nothing is recomputed.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QWidget
from superqt import QLabeledSlider

from ..core import render
from .state import AppState


def _combo(items: dict[str, str], tooltip: str) -> QComboBox:
    combo = QComboBox()
    for value, label in items.items():
        combo.addItem(label, value)
    combo.setToolTip(tooltip)
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(7)
    return combo


def upsampling_names() -> dict[str, str]:
    """The upsampling choices as the display bar shows them, translated."""
    return {
        "nearest": QCoreApplication.translate("DisplayBar", "Nearest (regions)"),
        "bilinear": QCoreApplication.translate("DisplayBar", "Bilinear"),
        "bicubic": QCoreApplication.translate("DisplayBar", "Bicubic"),
    }


class DisplayBar(QWidget):
    """One row of display controls bound to `state.display`."""

    def __init__(self, state: AppState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.slider = QLabeledSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(0, 100)
        self.slider.setToolTip(
            self.tr("Transmittance of the heat map (0 % opaque, 100 % invisible), patent FIG. 6")
        )
        for part in (self.slider, *self.slider.findChildren(QWidget)):  # slider, value box
            part.setAccessibleName(self.tr("Transmittance"))
            part.setToolTip(self.slider.toolTip())
        self.slider.setMinimumWidth(110)
        self.colormap = _combo({name: name for name in render.COLORMAPS}, self.tr("Colormap"))
        self.normalisation = _combo(
            {
                "per-map": self.tr("Per cell"),
                "shared": self.tr("Shared scale"),
                "signed": self.tr("Signed (diverging)"),
            },
            self.tr("Per cell: each map to its own range; shared: one range for the grid; "
                    "signed: symmetric range around zero with a diverging colormap"),
        )
        self.upsampling = _combo(
            upsampling_names(),
            self.tr("How layer-resolution maps are resized to the image: nearest shows the "
                    "layer's regions as blocks (FIG. 6)"),
        )
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        for label, widget, stretch in (
            (self.tr("&Transmittance"), self.slider, 2),
            (self.tr("&Colormap"), self.colormap, 0),
            (self.tr("&Scale"), self.normalisation, 0),
            (self.tr("&Upsampling"), self.upsampling, 0),
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
            self.tr("Signed maps use the diverging {name} colormap").format(
                name=render.DIVERGING_COLORMAP)
            if signed else self.tr("Colormap")
        )
        for widget in (self.slider, self.colormap, self.normalisation, self.upsampling):
            widget.blockSignals(False)
