"""`gapviewer.app.launch`: the --screenshot option end to end on the built-in model."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image
from viewer_helpers import write_images

from gapviewer.app import build_parser, launch


@pytest.mark.slow
def test_screenshot_option_saves_the_window_after_all_work(qapp, tmp_path):
    image = write_images(tmp_path / "images", 1, size=120)[0]
    out = tmp_path / "shots" / "window.png"
    code = launch(["--screenshot", str(out), "--no-samples", "--size", "1300x800", image])
    assert code == 0
    with Image.open(out) as shot:
        assert shot.size == (1300, 800)
        pixels = np.asarray(shot.convert("RGB")).reshape(-1, 3)
        colours = len(np.unique(pixels, axis=0))
    assert colours > 1000  # the photo and its heat map are drawn, not an empty window


def test_options_are_parsed():
    args = build_parser().parse_args(["a.png", "folder", "--model", "resnet18", "--trust"])
    assert args.paths == ["a.png", "folder"] and args.model == "resnet18" and args.trust
