"""The channel picker (false colour / grey, per-channel contrast) and the per-channel
contribution bar chart."""

from __future__ import annotations

import numpy as np
import pytest

from gapviewer.app.channel_picker import ChannelContributionBars, ChannelPicker
from gapviewer.core.multichannel import auto_contrast, compose

NAMES = ["C-H", "N-H", "O-H", "C=O", "S-S"]


@pytest.fixture
def cube() -> np.ndarray:
    rng = np.random.default_rng(0)
    return (rng.uniform(size=(5, 12, 16)) * np.arange(1, 6)[:, None, None]).astype(np.float32)


@pytest.fixture
def picker(qtbot, cube):
    widget = ChannelPicker()
    qtbot.addWidget(widget)
    widget.show()
    widget.set_image(cube, NAMES)
    return widget


def test_defaults_to_the_first_three_channels(picker, cube):
    assert picker.channels() == (0, 1, 2) and not picker.grey.isChecked()
    np.testing.assert_array_equal(picker.composite(), compose(cube, (0, 1, 2), auto_contrast(cube)))
    assert [picker.slots[0].itemText(i) for i in range(5)] == NAMES


def test_choosing_channels_and_grey(picker, qtbot, cube):
    with qtbot.waitSignal(picker.compositionChanged):
        picker.slots[1].setCurrentIndex(4)
    assert picker.channels() == (0, 4, 2)
    np.testing.assert_array_equal(picker.composite()[..., 1], compose(cube, (4,))[..., 0])
    with qtbot.waitSignal(picker.compositionChanged):
        picker.grey.setChecked(True)
    assert picker.channels() == (0,) and not picker.slots[1].isEnabled()
    rgb = picker.composite()
    assert (rgb[..., 0] == rgb[..., 2]).all()
    picker.set_channels((3, 2, 1))
    assert picker.channels() == (3, 2, 1) and picker.slots[2].isEnabled()


def test_per_channel_contrast(picker, qtbot, cube):
    picker.set_channels((2,))
    assert picker.contrast_channel.currentIndex() == 2
    with qtbot.waitSignal(picker.compositionChanged):
        picker.contrast.setValue((0.5, 1.5))
    np.testing.assert_allclose(picker.limits[2], [0.5, 1.5])
    expected = np.clip(np.rint((cube[2] - 0.5) * 255), 0, 255).astype(np.uint8)
    np.testing.assert_array_equal(picker.composite()[..., 0], expected)
    picker.set_contrast(0, 0.0, 0.25)
    np.testing.assert_allclose(picker.limits[0], [0, 0.25])
    np.testing.assert_allclose(picker.limits[2], [0.5, 1.5])  # other channels keep theirs
    with pytest.raises(ValueError, match="high > low"):
        picker.set_contrast(1, 2.0, 1.0)


def test_single_channel_image_starts_in_grey(qtbot):
    widget = ChannelPicker()
    qtbot.addWidget(widget)
    widget.set_image(np.arange(12.0).reshape(1, 3, 4))
    assert widget.grey.isChecked() and widget.channels() == (0,)
    assert widget.composite().shape == (3, 4, 3)


def test_contribution_bars(qtbot):
    bars = ChannelContributionBars()
    qtbot.addWidget(bars)
    bars.set_contributions([0.5, -0.25, 2.0], ["a", "b", "c"], title="class 'tumour'")
    opts = bars.bars.opts
    np.testing.assert_allclose(opts["width"], [0.5, 0.25, 2.0])
    np.testing.assert_allclose(opts["x0"], [0.0, -0.25, 0.0])
    np.testing.assert_allclose(opts["y"], [0, -1, -2])
    ticks = bars.plot.getAxis("left")._tickLevels[0]
    assert [name for _, name in ticks] == ["a", "b", "c"]
    assert bars.title.text() == "class 'tumour'"
    with pytest.raises(ValueError, match="2 names for 3 values"):
        bars.set_contributions([1, 2, 3], ["a", "b"])


def test_measure_box_switches_the_bars_and_their_axis(qtbot):
    bars = ChannelContributionBars()
    qtbot.addWidget(bars)
    assert bars.current_measure() == "gradient-x-input"
    assert bars.measure.accessibleName() == "Per-channel measure"
    gradient, shares = [4.0, -1.0, 0.5], [0.6, -0.1, 0.2]
    bars.show_measures({"gradient-x-input": gradient, "contribution-ratio": shares},
                       ["a", "b", "c"], title="class 'x'")
    np.testing.assert_allclose(bars.bars.opts["width"], [4.0, 1.0, 0.5])
    assert "gradient" in bars.plot.getAxis("bottom").labelText
    with qtbot.waitSignal(bars.measureChanged) as changed:
        bars.measure.setCurrentIndex(bars.measure.findData("contribution-ratio"))
    assert changed.args == ["contribution-ratio"]
    np.testing.assert_allclose(bars.values, shares)
    np.testing.assert_allclose(bars.bars.opts["x0"], [0.0, -0.1, 0.0])
    assert "share of the class score" in bars.plot.getAxis("bottom").labelText
    assert bars.title.text() == "class 'x'"
    bars.set_measure("gradient-x-input")
    np.testing.assert_allclose(bars.values, gradient)
    bars.clear_measures(["a", "b"])
    np.testing.assert_array_equal(bars.values, [0.0, 0.0])
    bars.set_measure("contribution-ratio")  # nothing kept to redraw: the zero bars stay
    np.testing.assert_array_equal(bars.values, [0.0, 0.0])
    with pytest.raises(ValueError, match="no values for contribution-ratio"):
        bars.show_measures({"gradient-x-input": gradient}, ["a", "b", "c"])
    with pytest.raises(ValueError, match="unknown per-channel measure"):
        bars.set_measure("saliency")
