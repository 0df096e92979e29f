"""The signal view: curves per channel, the map as a band and a curve on a linked axis, region
boundaries, transmittance, hover readout, spectrogram mode, cursor."""

from __future__ import annotations

import numpy as np
import pytest

from gapviewer.app.signal_view import SignalView
from gapviewer.core import render

RATE = 1000.0


@pytest.fixture
def view(qtbot):
    widget = SignalView()
    qtbot.addWidget(widget)
    widget.resize(700, 400)
    widget.show()
    t = np.arange(2000) / RATE
    widget.set_signal(
        np.stack([np.sin(2 * np.pi * 50 * t), 0.5 * t]), RATE, channel_names=["mic", "ramp"]
    )
    return widget


def test_one_curve_per_channel_on_a_time_axis(view):
    assert len(view.curves) == 2
    x, y = view.curves[1].getData()
    np.testing.assert_allclose(x, np.arange(2000) / RATE)
    np.testing.assert_allclose(y, 0.5 * np.arange(2000) / RATE, rtol=1e-6)
    assert view.extent() == (0.0, 2.0)


def test_map_band_curve_and_region_boundaries(view):
    values = np.array([0.0, 2.0, 1.0, 4.0])
    view.set_map(values)
    colours = view.band.image
    expected = render.apply_colormap(np.array([0.0, 0.5, 0.25, 1.0]), "viridis")
    np.testing.assert_array_equal(colours[0], expected)
    rect = view.band.mapRectToParent(view.band.boundingRect())
    assert (rect.left(), rect.width()) == pytest.approx((0.0, 2.0))
    edges, heights = view.map_curve.getData()
    np.testing.assert_allclose(edges, [0, 0.5, 1.0, 1.5, 2.0])
    np.testing.assert_allclose(heights, values)
    assert [line.value() for line in view.boundaries] == pytest.approx([0, 0.5, 1, 1.5, 2])
    assert view.map_plot.getViewBox().linkedView(0) is view.signal_plot.getViewBox()
    view.set_map(None)
    assert view.band.image is None and view.boundaries == []


def test_transmittance_acts_on_the_band_only(view):
    view.set_map(np.arange(5.0))
    view.transmittance_slider.setValue(80)
    assert view.band.opacity() == pytest.approx(0.2)
    assert all(curve.opacity() == 1 for curve in view.curves)
    view.set_transmittance(0.0)
    assert view.band.opacity() == 1 and view.transmittance_slider.value() == 0


def test_hover_readout(view, qtbot):
    view.set_map(np.array([0.0, 2.0, 1.0, 4.0]))
    text = view.readout_at(1.2505)
    assert text.startswith("t = 1.25 s") and "ramp = 0.625" in text
    assert text.endswith("region 2: contribution 1")
    assert view.readout_at(2.5) == "" and view.readout_at(-0.1) == ""
    centre = view.signal_plot.vb.mapViewToScene(view.signal_plot.vb.viewRect().center())
    with qtbot.waitSignal(view.hovered) as emitted:
        view.graphics.scene().sigMouseMoved.emit(centre)
    assert emitted.args[0].startswith("t = ") and view.readout.text() == emitted.args[0]


def test_samples_without_a_rate(qtbot):
    widget = SignalView()
    qtbot.addWidget(widget)
    widget.set_signal(np.arange(10.0))
    widget.set_map(np.array([1.0, 3.0]))
    assert widget.readout_at(7.5) == "sample 7, channel 0 = 7, region 1: contribution 3"


def test_spectrogram_mode_and_cursor(view):
    view.set_map(np.arange(3.0))
    view.set_mode("spectrogram")
    assert view.spectrum_image.isVisible() and not view.band.isVisible()
    assert not any(curve.isVisible() for curve in view.curves)
    power = view.spectrum_image.image
    frequencies = np.fft.rfftfreq(256) * RATE
    assert frequencies[power.mean(1).argmax()] == pytest.approx(50, abs=RATE / 256)
    view.mode_box.setCurrentText("lines")
    assert view.band.isVisible() and all(curve.isVisible() for curve in view.curves)
    view.set_cursor(1.5)
    assert view.cursor.isVisible() and view.cursor.value() == 1.5
    view.set_cursor(None)
    assert not view.cursor.isVisible()
    with pytest.raises(ValueError, match="mode must be"):
        view.set_mode("waterfall")
