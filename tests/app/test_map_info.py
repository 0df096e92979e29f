"""The "About this map" panel states what the active map is and how it was drawn."""

from __future__ import annotations

import re

import numpy as np
from viewer_helpers import CLASSES, wait_idle, write_images

from gapviewer.app.state import Cell

PRE_GAP = "act"  # TinyNet's pre-GAP ReLU: 8 channels on a 28 x 28 grid at 224 x 224


def _plain(html: str) -> str:
    return re.sub(r"<[^>]+>", "", html)


def _show(qtbot, window, tmp_path, cells) -> str:
    window.state.set_cells(cells)
    window.open_paths(write_images(tmp_path, 1))
    qtbot.waitUntil(lambda: window.state.pixels is not None, timeout=30_000)
    wait_idle(qtbot, window)
    return _plain(window.map_info.text.text())


def test_describes_a_class_independent_map_with_its_grid_values_and_scale(
        qtbot, window, tmp_path):
    text = _show(qtbot, window, tmp_path, [Cell("gap-direction", PRE_GAP)])
    values = window.state.maps[Cell("gap-direction", PRE_GAP)].values
    assert "GAP-direction" in text
    assert "US 2025/0259040" in text  # the method's source
    assert f"{PRE_GAP} (the pre-GAP layer), 8 channels on a 28 × 28 grid: 784 regions" in text
    assert "the same for every class" in text
    assert "forward pass alone" in text
    assert f"{float(np.min(values)):.4g} to {float(np.max(values)):.4g}" in text
    assert "each cell from its own minimum" in text
    window.state.set_display(normalisation="signed", transmittance=30)
    text = _plain(window.map_info.text.text())
    assert "symmetric around zero" in text and "coolwarm" in text and "transmittance 30 %" in text


def test_describes_the_explained_class_its_probability_and_parameters(qtbot, window, tmp_path):
    cell = Cell("grad-cam", PRE_GAP)
    text = _show(qtbot, window, tmp_path, [cell])
    top_index, top_name, top_p = window.state.predictions[0]
    assert f"Class: {top_name} (#{top_index}, top-1, p = {top_p:.1%})" in text
    assert "one backward pass" in text
    other = next(index for index, _, _ in window.state.predictions if index != top_index)
    window.state.set_target(other)
    wait_idle(qtbot, window)
    text = _plain(window.map_info.text.text())
    assert f"Class: {CLASSES[other]} (#{other}, chosen" in text
    window.state.replace_cell(0, Cell("gap-direction", PRE_GAP).with_params({"a": 2.0}))
    wait_idle(qtbot, window)
    assert "Parameters: a = 2.0" in _plain(window.map_info.text.text())


def test_says_why_there_is_no_map(qtbot, window):
    window.state.set_cells([Cell("no-such-method", PRE_GAP)])
    assert "No map yet" in _plain(window.map_info.text.text())
