"""Channel picker for images with more than three channels: which three channels form the
false-colour image (or one channel in grey), each channel's contrast range, and a bar chart of
per-channel contribution (which bands mattered) to show beside the map, with a choice of measure
(gradient x input or contribution ratios).

The widgets hold display choices only; the picture comes from `core.multichannel.compose` and the
contributions from `core.channel_contrib`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)
from superqt import QLabeledDoubleRangeSlider

from ..core.channel_contrib import CHANNEL_MEASURES
from ..core.multichannel import auto_contrast, compose

SLOTS = ("red", "green", "blue")
# per-channel measure id (core.channel_contrib) -> (choice text, axis label), translated on use
MEASURE_TEXTS = {
    "gradient-x-input": (
        QT_TRANSLATE_NOOP("ChannelContributionBars", "Gradient × input"),
        QT_TRANSLATE_NOOP("ChannelContributionBars", "contribution (gradient × input)"),
    ),
    "contribution-ratio": (
        QT_TRANSLATE_NOOP("ChannelContributionBars", "Contribution ratios"),
        QT_TRANSLATE_NOOP("ChannelContributionBars", "share of the class score"),
    ),
}


class ChannelPicker(QWidget):
    """Choose the displayed channels and their contrast; emits `compositionChanged`."""

    compositionChanged = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.data: np.ndarray | None = None
        self.channel_names: list[str] = []
        self.limits = np.zeros((0, 2), np.float32)
        self.grey = QCheckBox(self.tr("One channel in grey"))
        self.grey.toggled.connect(self._mode_changed)
        self.slots = [QComboBox() for _ in SLOTS]
        self.contrast_channel = QComboBox()
        self.contrast = QLabeledDoubleRangeSlider(Qt.Orientation.Horizontal)
        self.contrast.setDecimals(3)
        form = QFormLayout()
        form.addRow(self.grey)
        slot_labels = (self.tr("Red"), self.tr("Green"), self.tr("Blue"))
        for label, box in zip(slot_labels, self.slots, strict=True):
            form.addRow(label, box)
            box.currentIndexChanged.connect(self._slot_changed)
        form.addRow(self.tr("Contrast of"), self.contrast_channel)
        form.addRow(self.contrast)
        self.contrast_channel.currentIndexChanged.connect(self._show_contrast)
        self.contrast.valueChanged.connect(self._contrast_changed)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addStretch(1)
        self._updating = False

    def set_image(self, data: np.ndarray, channel_names: Sequence[str] | None = None) -> None:
        """A (C, H, W) image: the first three channels in red, green, blue (one channel: grey),
        each with the 1-99 % percentile contrast."""
        self.data = np.asarray(data, dtype=np.float32)
        count = self.data.shape[0]
        self.channel_names = list(
            channel_names or [self.tr("channel {index}").format(index=i) for i in range(count)])
        self.limits = auto_contrast(self.data)
        self._updating = True
        for index, box in enumerate(self.slots):
            box.clear()
            box.addItems(self.channel_names)
            box.setCurrentIndex(min(index, count - 1))
        self.contrast_channel.clear()
        self.contrast_channel.addItems(self.channel_names)
        self.grey.setChecked(count < 3)
        self._updating = False
        self._mode_changed()

    def channels(self) -> tuple[int, ...]:
        """The displayed channel indices: (r, g, b), or (i,) in grey mode."""
        chosen = tuple(box.currentIndex() for box in self.slots)
        return chosen[:1] if self.grey.isChecked() else chosen

    def composite(self) -> np.ndarray:
        """The H x W x 3 uint8 picture for the current choices (core.multichannel.compose)."""
        if self.data is None:
            raise ValueError("no image set")
        return compose(self.data, self.channels(), self.limits)

    def set_channels(self, channels: Sequence[int]) -> None:
        """Choose (r, g, b) or one channel (grey) programmatically."""
        self._updating = True
        self.grey.setChecked(len(channels) == 1)
        for box, index in zip(self.slots, channels, strict=False):
            box.setCurrentIndex(int(index))
        self._updating = False
        self._mode_changed()

    def set_contrast(self, channel: int, low: float, high: float) -> None:
        """Display range of one channel (values below `low` black, above `high` full)."""
        if high <= low:
            raise ValueError("the contrast range needs high > low")
        self.limits[channel] = (low, high)
        if self.contrast_channel.currentIndex() == channel:
            self._show_contrast(channel)
        self.compositionChanged.emit()

    def _mode_changed(self) -> None:
        grey = self.grey.isChecked()
        for box in self.slots[1:]:
            box.setEnabled(not grey)
        self._slot_changed()

    def _slot_changed(self) -> None:
        if self._updating or self.data is None:
            return
        self.contrast_channel.setCurrentIndex(self.channels()[0])
        self.compositionChanged.emit()

    def _show_contrast(self, channel: int) -> None:
        if self.data is None or channel < 0:
            return
        values = self.data[channel]
        low, high = float(values.min()), float(values.max())
        self.contrast.blockSignals(True)
        self.contrast.setRange(low, high if high > low else low + 1)
        self.contrast.setValue(tuple(float(v) for v in self.limits[channel]))
        self.contrast.blockSignals(False)

    def _contrast_changed(self, value: tuple[float, float]) -> None:
        channel = self.contrast_channel.currentIndex()
        if channel < 0 or value[1] <= value[0]:
            return
        self.limits[channel] = value
        self.compositionChanged.emit()


class ChannelContributionBars(QWidget):
    """Horizontal bars of per-channel contribution (positive right, negative left); the
    "Measure" box chooses which of the measures given to `show_measures` the bars show."""

    measureChanged = Signal(str)  # the measure id now shown

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.plot = pg.PlotWidget()
        self.plot.showGrid(x=True)
        self.bars = pg.BarGraphItem(x0=[], y=[], height=0.7, width=[])
        self.plot.addItem(self.bars)
        self.title = QLabel(" ")
        self.measure = QComboBox()
        for measure in CHANNEL_MEASURES:
            self.measure.addItem(self.tr(MEASURE_TEXTS[measure][0]), measure)
        self.measure.setAccessibleName(self.tr("Per-channel measure"))
        self.measure.setToolTip(self.tr(
            "Gradient × input: each band's summed x · ∂score/∂x, in score units.\n"
            "Contribution ratios: each band's summed share of the class score, multiplied back "
            "layer by layer (the biases keep the rest of 1)."
        ))
        self.measure.currentIndexChanged.connect(self._measure_changed)
        measure_label = QLabel(self.tr("Measure"))
        measure_label.setBuddy(self.measure)
        header = QHBoxLayout()
        header.addWidget(measure_label)
        header.addWidget(self.measure, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(header)
        layout.addWidget(self.title)
        layout.addWidget(self.plot, 1)
        self.values = np.zeros(0)
        self.measures: dict[str, np.ndarray] = {}
        self.names: list[str] = []
        self._title = ""
        self._label_axis()

    def current_measure(self) -> str:
        """The id of the chosen measure (one of core.channel_contrib.CHANNEL_MEASURES)."""
        return str(self.measure.currentData())

    def set_measure(self, measure: str) -> None:
        """Choose the measure shown (redrawn from the values already given)."""
        index = self.measure.findData(measure)
        if index < 0:
            raise ValueError(f"unknown per-channel measure {measure!r}")
        self.measure.setCurrentIndex(index)

    def show_measures(
        self, measures: Mapping[str, np.ndarray], names: Sequence[str], title: str = ""
    ) -> None:
        """Keep every measure's (C,) values and draw the chosen one."""
        missing = set(CHANNEL_MEASURES) - set(measures)
        if missing:
            raise ValueError(f"no values for {', '.join(sorted(missing))}")
        self.measures = {name: np.asarray(values, np.float64) for name, values in measures.items()}
        self.names, self._title = list(names), title
        self._draw_measure()

    def clear_measures(self, names: Sequence[str]) -> None:
        """Zero bars for `names` until the next `show_measures`."""
        self.measures = {}
        self.set_contributions(np.zeros(len(names)), names)

    def _measure_changed(self) -> None:
        self._label_axis()
        if self.measures:
            self._draw_measure()
        self.measureChanged.emit(self.current_measure())

    def _draw_measure(self) -> None:
        self.set_contributions(self.measures[self.current_measure()], self.names, self._title)

    def _label_axis(self) -> None:
        self.plot.setLabel("bottom", self.tr(MEASURE_TEXTS[self.current_measure()][1]))

    def set_contributions(
        self, values: Sequence[float] | np.ndarray, names: Sequence[str], title: str = ""
    ) -> None:
        """One bar per channel, top to bottom in channel order."""
        self.values = np.asarray(values, dtype=np.float64)
        if len(names) != len(self.values):
            raise ValueError(f"{len(names)} names for {len(self.values)} values")
        rows = -np.arange(len(self.values), dtype=np.float64)
        brushes = [pg.mkBrush("#e05a4f" if v >= 0 else "#4f7fe0") for v in self.values]
        self.bars.setOpts(
            x0=np.minimum(self.values, 0), y=rows, width=np.abs(self.values), brushes=brushes
        )
        axis = self.plot.getAxis("left")
        axis.setTicks([list(zip(rows.tolist(), names, strict=True))])
        widest = max((self.fontMetrics().horizontalAdvance(name) for name in names), default=0)
        axis.setWidth(widest + 24)  # room for every name, so none is dropped
        self.title.setText(title or " ")
        self.plot.autoRange()
        self.plot.setYRange(-len(self.values) + 0.4, 0.6, padding=0)
