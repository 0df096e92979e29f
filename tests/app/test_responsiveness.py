"""What keeps the GUI thread free and memory flat while browsing: the model thread's torch pool
leaves a core to the GUI, the busy indicator relays out nothing outside itself, the colour bar
re-lays its ticks only when its values change, and the browser keeps a bounded number of
thumbnail pixmaps (tests/benchmarks/bench_viewer.py measures the event loop and memory).
"""

from __future__ import annotations

import numpy as np
import torch
from PySide6.QtCore import QEvent, QObject, Qt
from viewer_helpers import wait_idle, write_images

from gapviewer.app import browser
from gapviewer.app.engine import model_thread_torch_threads, usable_cores
from gapviewer.app.rendering import scale_maps
from gapviewer.app.state import Busy


class _LayoutRequests(QObject):
    """Counts the LayoutRequest events a widget receives."""

    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def eventFilter(self, _watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        if event.type() == QEvent.Type.LayoutRequest:
            self.count += 1
        return False


def test_model_thread_torch_pool_leaves_a_core_to_the_gui(qtbot, window):
    assert model_thread_torch_threads(8, 16) == 8
    assert model_thread_torch_threads(8, 8) == 7
    assert model_thread_torch_threads(2, 2) == 1
    assert model_thread_torch_threads(4, 1) == 1
    engine = window.engine
    assert 1 <= engine.torch_threads <= max(1, usable_cores() - 1)
    with qtbot.waitSignal(engine.jobFinished, timeout=10_000) as finished:
        engine.submit_model_job("inspect", window.state.model.model_id,
                                lambda _context: torch.get_num_threads())
    assert finished.args[2] == engine.torch_threads


def test_busy_indicator_changes_relay_out_nothing_outside_it(qtbot, window):
    bar = window.busy_bar
    assert bar.minimumSize() == bar.maximumSize()  # fixed: Qt stops geometry updates here
    qtbot.wait(50)  # the layout requests of the window's start-up are handled
    requests = _LayoutRequests()
    window.installEventFilter(requests)
    try:
        for message in ("Explaining…", "occlusion 3/40", "a much longer progress message"):
            window.state.set_busy(Busy(True, 0.3, message, True, True))
            qtbot.wait(5)
            window.state.set_busy(Busy())
            qtbot.wait(5)
    finally:
        window.removeEventFilter(requests)
    assert requests.count == 0
    window.toggle_presentation()  # larger fonts: the fixed height follows them
    try:
        qtbot.waitUntil(lambda: bar.height() >= bar.cancel.sizeHint().height() > 30)
    finally:
        window.toggle_presentation()
    qtbot.waitUntil(lambda: bar.height() == bar.cancel.sizeHint().height() + sum(
        (bar.layout().contentsMargins().top(), bar.layout().contentsMargins().bottom())))


def test_colour_bar_keeps_its_values_until_the_next_map_and_skips_unchanged_ones(
    qtbot, window, tmp_path
):
    state = window.state
    window.open_paths(write_images(tmp_path, 2, size=64))
    qtbot.waitUntil(lambda: len(state.images) == 2 and state.pixels is not None)
    wait_idle(qtbot, window)
    view = window.grid.views[0]
    cell = state.cells[0]
    first = view.colorbar.levels()
    expected = scale_maps([state.maps[cell].values], "per-map")[0]
    np.testing.assert_allclose(first, (expected.vmin, expected.vmax))
    state.set_current(1)  # decoding and explaining run in the workers: no map yet
    assert view.heat_item.image is None
    assert view.colorbar.levels() == first
    wait_idle(qtbot, window)
    second = scale_maps([state.maps[cell].values], "per-map")[0]
    np.testing.assert_allclose(view.colorbar.levels(), (second.vmin, second.vmax))
    assert view.colorbar.levels() != first
    calls = []
    original = view.colorbar.setLevels
    view.colorbar.setLevels = lambda *args, **kwargs: calls.append(kwargs) or original(
        *args, **kwargs)
    state.set_display(normalisation="shared")  # one cell: the same values, no new ticks
    assert view.heat_item.image is not None and calls == []
    state.set_display(normalisation="signed")
    assert len(calls) == 1


def test_browser_keeps_the_pixmaps_of_the_latest_rows_only(qtbot, window, tmp_path, monkeypatch):
    monkeypatch.setattr(browser, "PIXMAP_ROWS", 3)
    state = window.state
    window.open_paths(write_images(tmp_path, 6, size=64))
    qtbot.waitUntil(lambda: len(state.images) == 6)
    wait_idle(qtbot, window)
    model = window.browser.model
    role = Qt.ItemDataRole.DecorationRole

    def pixmap(row: int):
        return model.data(model.index(row), role)

    first = [pixmap(row) for row in range(6)]
    assert list(model._pixmaps) == [entry.key for entry in state.images[3:]]
    for row in range(6):
        thumbnail = state.info(state.images[row].key).thumbnail
        assert (first[row].height(), first[row].width()) == thumbnail.shape[:2]
    assert pixmap(4).cacheKey() == first[4].cacheKey()  # kept: the same pixmap again
    assert pixmap(0).cacheKey() != first[0].cacheKey()  # dropped: made again, evicting row 3
    assert list(model._pixmaps) == [state.images[row].key for row in (5, 4, 0)]
