"""Signal view: a 1-D signal (one line per channel, or a spectrogram for audio) with its
contribution map as a coloured band under the curves and as a curve of its own on a linked time
axis; region boundaries (the patent's n1 x 1 grid) drawn, a transmittance control acting on the
band, a hover readout of time, values and contribution, and a movable cursor (for playback).

The view draws numpy arrays prepared by `core` (normalisation, colormaps, spectrogram); it never
computes a map.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QSlider, QVBoxLayout, QWidget

from ..core import render
from ..core.signals import spectrogram

CHANNEL_COLOURS = ("#e8e8e8", "#ff9f43", "#54a0ff", "#1dd1a1", "#ff6b6b", "#c8d6e5")
MODES = ("lines", "spectrogram")


class SignalView(QWidget):
    """Shows one signal and (optionally) one map over its time axis."""

    hovered = Signal(str)  # the readout under the mouse

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.data = np.zeros((1, 0), np.float32)
        self.sample_rate: float | None = None
        self.channel_names: list[str] = []
        self.values: np.ndarray | None = None
        self.scaled: np.ndarray | None = None
        self.transmittance = 0.5

        self.graphics = pg.GraphicsLayoutWidget()
        self.signal_plot = self.graphics.addPlot(row=0, col=0)
        self.map_plot = self.graphics.addPlot(row=1, col=0)
        self.graphics.ci.layout.setRowStretchFactor(0, 3)
        self.graphics.ci.layout.setRowStretchFactor(1, 1)
        self.map_plot.setXLink(self.signal_plot)
        self.map_plot.setLabel("left", self.tr("contribution"))
        self.signal_plot.addLegend(offset=(5, 5))
        self.band = pg.ImageItem(axisOrder="row-major")
        self.band.setZValue(-10)
        self.signal_plot.addItem(self.band)
        self.spectrum_image = pg.ImageItem(axisOrder="row-major")
        self.spectrum_image.setZValue(-20)
        self.signal_plot.addItem(self.spectrum_image)
        self.map_curve = self.map_plot.plot(pen=pg.mkPen("#ff5c5c", width=2), stepMode="center")
        self.boundaries: list[pg.InfiniteLine] = []
        self.cursor = pg.InfiniteLine(angle=90, pen=pg.mkPen("#ffd32a", width=1))
        self.cursor.setVisible(False)
        self.signal_plot.addItem(self.cursor)
        self.curves: list[pg.PlotDataItem] = []

        self.mode_box = QComboBox()
        self.mode_box.addItem(self.tr("lines"), "lines")
        self.mode_box.addItem(self.tr("spectrogram"), "spectrogram")
        self.mode_box.currentIndexChanged.connect(
            lambda index: self.set_mode(self.mode_box.itemData(index)))
        self.transmittance_slider = QSlider(Qt.Orientation.Horizontal)
        self.transmittance_slider.setRange(0, 100)
        self.transmittance_slider.setValue(round(self.transmittance * 100))
        self.transmittance_slider.valueChanged.connect(lambda v: self.set_transmittance(v / 100))
        self.readout = QLabel(" ")
        controls = QHBoxLayout()
        controls.addWidget(QLabel(self.tr("View")))
        controls.addWidget(self.mode_box)
        controls.addWidget(QLabel(self.tr("Transmittance")))
        controls.addWidget(self.transmittance_slider, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(controls)
        layout.addWidget(self.graphics, 1)
        layout.addWidget(self.readout)
        self.graphics.scene().sigMouseMoved.connect(self._mouse_moved)

    # data ---------------------------------------------------------------------------------
    def set_signal(
        self,
        data: np.ndarray,
        sample_rate: float | None = None,
        channel_names: Sequence[str] | None = None,
    ) -> None:
        """Show a (C, T) signal; the time axis is in seconds when the rate is known."""
        self.data = np.asarray(data, dtype=np.float32)
        if self.data.ndim == 1:
            self.data = self.data[None]
        self.sample_rate = sample_rate
        count = len(self.data)
        self.channel_names = list(
            channel_names or [self.tr("channel {index}").format(index=i) for i in range(count)])
        for curve in self.curves:
            self.signal_plot.removeItem(curve)
        self.signal_plot.legend.clear()
        times = self.times()
        self.curves = [
            self.signal_plot.plot(
                times,
                channel,
                pen=pg.mkPen(CHANNEL_COLOURS[index % len(CHANNEL_COLOURS)], width=1),
                name=self.channel_names[index],
            )
            for index, channel in enumerate(self.data)
        ]
        self.signal_plot.setLabel(
            "bottom", self.tr("time") if sample_rate else self.tr("sample"),
            units="s" if sample_rate else None
        )
        self.set_map(None)
        self.set_mode(self.mode_box.currentData())
        self.signal_plot.autoRange()

    def times(self) -> np.ndarray:
        """The x coordinate of every sample (seconds, or sample index without a rate)."""
        index = np.arange(self.data.shape[1], dtype=np.float64)
        return index / self.sample_rate if self.sample_rate else index

    def extent(self) -> tuple[float, float]:
        """The x range the signal covers: sample i spans [i, i + 1) / rate."""
        end = self.data.shape[1] / self.sample_rate if self.sample_rate else self.data.shape[1]
        return 0.0, float(end)

    def set_map(
        self,
        values: np.ndarray | None,
        colormap: str = render.DEFAULT_COLORMAP,
        normalisation: str = "per-map",
    ) -> None:
        """Show an (N,) map over the signal: N regions of equal length along the time axis."""
        for line in self.boundaries:
            self.map_plot.removeItem(line)
        self.boundaries = []
        if values is None:
            self.values = self.scaled = None
            self.band.clear()
            self.map_curve.setData([], [])
            return
        self.values = np.asarray(values, dtype=np.float32).ravel()
        self.scaled = render.normalise([self.values], normalisation)[0].values
        colours = render.apply_colormap(self.scaled, colormap)
        self.band.setImage(colours[None], levels=(0, 255))
        start, end = self.extent()
        low, high = self._value_range()
        self.band.setRect(QRectF(start, low, end - start, high - low))
        edges = np.linspace(start, end, len(self.values) + 1)
        self.map_curve.setData(edges, self.values)
        for edge in edges:
            line = pg.InfiniteLine(
                edge, angle=90, pen=pg.mkPen("#808080", width=1, style=Qt.PenStyle.DotLine)
            )
            self.map_plot.addItem(line)
            self.boundaries.append(line)
        self.set_transmittance(self.transmittance)

    def _value_range(self) -> tuple[float, float]:
        if self.data.size == 0:
            return 0.0, 1.0
        low, high = float(self.data.min()), float(self.data.max())
        return (low, high) if high > low else (low - 0.5, low + 0.5)

    # display ------------------------------------------------------------------------------
    def set_transmittance(self, transmittance: float) -> None:
        """How much of the signal shows through the band: band opacity = 1 - transmittance."""
        self.transmittance = min(1.0, max(0.0, float(transmittance)))
        self.band.setOpacity(1.0 - self.transmittance)
        self.transmittance_slider.blockSignals(True)
        self.transmittance_slider.setValue(round(self.transmittance * 100))
        self.transmittance_slider.blockSignals(False)

    def set_mode(self, mode: str) -> None:
        """ "lines": one curve per channel; "spectrogram": the STFT power of the channel mean
        (frequency on the left axis) with the band kept below it."""
        if mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}")
        if self.mode_box.currentData() != mode:
            self.mode_box.setCurrentIndex(self.mode_box.findData(mode))
            return
        spectral = mode == "spectrogram" and self.data.shape[1] > 1
        for curve in self.curves:
            curve.setVisible(not spectral)
        self.spectrum_image.setVisible(spectral)
        if spectral:
            result = spectrogram(self.data, self.sample_rate, window=min(256, self.data.shape[1]))
            power = result.power
            levels = (float(np.percentile(power, 5)), float(power.max()))
            self.spectrum_image.setImage(power, levels=levels, lut=render.colormap_lut("magma"))
            start, end = self.extent()
            self.spectrum_image.setRect(
                QRectF(start, 0, end - start, float(result.frequencies[-1]))
            )
            self.signal_plot.setLabel("left", self.tr("frequency"),
                                      units="Hz" if self.sample_rate else None)
        else:
            self.signal_plot.setLabel("left", self.tr("value"))
        self.band.setVisible(not spectral)
        self.signal_plot.autoRange()

    def set_cursor(self, position: float | None) -> None:
        """Show a vertical cursor at `position` (seconds, or samples), e.g. during playback."""
        self.cursor.setVisible(position is not None)
        if position is not None:
            self.cursor.setValue(position)

    # hover --------------------------------------------------------------------------------
    def readout_at(self, x: float) -> str:
        """The text for time axis position x: time, every channel's value, the region's
        contribution; empty outside the signal."""
        start, end = self.extent()
        if self.data.shape[1] == 0 or not start <= x < end:
            return ""
        sample = min(
            int(x * self.sample_rate) if self.sample_rate else int(x), self.data.shape[1] - 1
        )
        where = (f"t = {x:.4g} s" if self.sample_rate
                 else self.tr("sample {index}").format(index=sample))
        parts = [where] + [
            f"{name} = {self.data[i, sample]:.4g}" for i, name in enumerate(self.channel_names)
        ]
        if self.values is not None:
            region = min(int((x - start) / (end - start) * len(self.values)), len(self.values) - 1)
            parts.append(self.tr("region {index}: contribution {value:.4g}").format(
                index=region, value=self.values[region]))
        return ", ".join(parts)

    def _mouse_moved(self, position: QPointF) -> None:
        for plot in (self.signal_plot, self.map_plot):
            if plot.sceneBoundingRect().contains(position):
                text = self.readout_at(plot.vb.mapSceneToView(position).x())
                self.readout.setText(text or " ")
                self.hovered.emit(text)
                return
