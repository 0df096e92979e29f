"""The committed PNG icons are the current SVG rendered at every hicolor size."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

ROOT = Path(__file__).resolve().parents[2]
ICONS = ROOT / "gapviewer" / "resources" / "icons"


def _make_icons_module():
    path = ROOT / "packaging" / "make_icons.py"
    spec = importlib.util.spec_from_file_location("make_icons", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_svg_is_well_formed_and_square():
    import xml.etree.ElementTree as ET

    root = ET.parse(ICONS / "gapviewer.svg").getroot()
    assert root.get("viewBox") == "0 0 128 128"


@pytest.mark.parametrize("size", [16, 22, 24, 32, 48, 64, 128, 256, 512])
def test_committed_png_matches_a_fresh_render(tmp_path, size, qapp):
    make_icons = _make_icons_module()
    assert size in make_icons.SIZES
    fresh = tmp_path / "fresh.png"
    make_icons.render_png(ICONS / "gapviewer.svg", size, fresh)
    committed = ICONS / "hicolor" / f"{size}x{size}" / "apps" / "io.github.gapviewer.png"
    with Image.open(committed) as image:
        assert image.size == (size, size)
        assert image.mode == "RGBA"
        old = np.asarray(image, dtype=np.int16)
    new = np.asarray(Image.open(fresh).convert("RGBA"), dtype=np.int16)
    # Identical up to anti-aliasing differences between Qt releases.
    assert np.abs(old - new).mean() < 2.0
    assert old[size // 2, size // 2, 3] == 255  # opaque centre, transparent corner
    assert old[0, 0, 3] == 0
