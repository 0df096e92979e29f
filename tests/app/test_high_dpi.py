"""High-DPI: pictures drawn by the viewer carry device pixels for the screen's pixel ratio."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, QSize

from gapviewer.app import whatif
from gapviewer.app.style import app_icon
from gapviewer.app.whatif import MASK_PREVIEW, MaskPainter, _pixmap


class _RetinaPainter(MaskPainter):
    """A mask painter on a screen with two device pixels per logical pixel."""

    def devicePixelRatioF(self) -> float:  # noqa: N802 (Qt override)
        return 2.0


def test_mask_preview_has_twice_the_pixels_at_ratio_two_and_maps_clicks_the_same(
    qtbot, monkeypatch
):
    rgb = np.zeros((50, 100, 3), np.uint8)
    sharp = _pixmap(rgb, 2.0)
    assert (sharp.width(), sharp.height()) == (2 * MASK_PREVIEW, MASK_PREVIEW)
    assert sharp.deviceIndependentSize().toSize() == QSize(MASK_PREVIEW, MASK_PREVIEW // 2)

    ratios = []
    monkeypatch.setattr(whatif, "_pixmap", lambda rgb, ratio: ratios.append(ratio)
                        or _pixmap(rgb, ratio))
    painters = [MaskPainter(), _RetinaPainter()]
    for painter in painters:
        qtbot.addWidget(painter)
        painter.set_grid(rgb, (2, 4))
    top = (MASK_PREVIEW - MASK_PREVIEW / 2) / 2  # the picture is centred vertically
    for x, y, cell in ((1, top + 1, (0, 0)), (MASK_PREVIEW - 1, MASK_PREVIEW - top - 1, (1, 3)),
                       (MASK_PREVIEW / 2 + 1, top + MASK_PREVIEW / 4 + 1, (1, 2)),
                       (10, 5, None)):
        assert [p.cell_at(QPointF(x, y)) for p in painters] == [cell, cell], (x, y)
    assert ratios == [1.0, 2.0]


def test_app_icon_is_drawn_from_vector_at_any_ratio(qapp):
    for ratio in (1.0, 2.0):
        pixmap = app_icon().pixmap(QSize(96, 96), ratio)
        assert pixmap.width() == round(96 * ratio) and pixmap.devicePixelRatio() == ratio


def test_thumbnails_have_the_pixels_their_list_shows_at_the_screen_ratio(
    window, qtbot, tmp_path
):
    """The list draws a thumbnail THUMBNAIL_SIZE points wide: on a 200 % screen it is made
    with twice the pixels and keeps its size on screen (was enlarged from 96 pixels)."""
    from viewer_helpers import WAIT_MS, write_images

    from gapviewer.app.browser import thumbnail_pixels, thumbnail_pixmap
    from gapviewer.app.engine import THUMBNAIL_SIZE

    assert thumbnail_pixels(1.0) == THUMBNAIL_SIZE
    assert thumbnail_pixels(2.0) == 2 * THUMBNAIL_SIZE
    assert window.engine.thumbnail_size == thumbnail_pixels(window.devicePixelRatioF())
    window.engine.thumbnail_size = thumbnail_pixels(2.0)  # as on a 200 % screen
    window.open_paths(write_images(tmp_path / "images", 1, size=300))
    state = window.state

    def thumbnail():
        return state.info(state.images[0].key).thumbnail if state.images else None

    qtbot.waitUntil(lambda: thumbnail() is not None, timeout=WAIT_MS)
    assert max(thumbnail().shape[:2]) == 2 * THUMBNAIL_SIZE
    sharp = thumbnail_pixmap(thumbnail())
    assert sharp.devicePixelRatio() == 2.0
    assert max(sharp.deviceIndependentSize().width(), sharp.deviceIndependentSize().height()) \
        == THUMBNAIL_SIZE
    small = thumbnail_pixmap(np.zeros((40, 60, 3), np.uint8))  # an image smaller than that
    assert small.devicePixelRatio() == 1.0 and small.width() == 60
    qtbot.waitUntil(lambda: window.controller.idle, timeout=WAIT_MS)
