"""The triage panel inside the main window, on the engine's model thread: a scan started from the
GUI on a labelled folder, confusion-matrix filtering, the predicted/true/counterfactual maps and
curves of a chosen row, the feature-invalidation what-if, cancelling, saved results, the model-job
rules (newest request wins per channel), and the event loop while a scan runs.
"""

from __future__ import annotations

import os
import threading
import time

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import QPoint, QPointF, Qt, QTimer
from viewer_helpers import CLASSES, WAIT_MS, wait_idle

from gapviewer.app import triage_link
from gapviewer.core.capture import Cancelled
from gapviewer.core.data import read_dataset
from gapviewer.core.metrics import invalidate_features, top_fraction_mask
from gapviewer.core.models import load_model
from gapviewer.core.scan import failure_maps, scan


def reference_model(window):
    return load_model(window.state.model_spec.source, classes=CLASSES)


def labelled_folder(root, model, count: int, mislabelled: int, seed: int = 3) -> dict[str, int]:
    """`count` seeded images filed under the class the model predicts, except the first
    `mislabelled`, which go under another class. Returns {path: true index}."""
    rng = np.random.default_rng(seed)
    truth = {}
    for number in range(count):
        pixels = rng.integers(0, 256, (40, 48, 3), dtype=np.uint8)
        predicted = int(model.module(model.to_input(pixels)).argmax())
        true = (predicted + 1) % len(CLASSES) if number < mislabelled else predicted
        folder = root / CLASSES[true]
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"img{number:02d}.png"
        Image.fromarray(pixels).save(path)
        truth[str(path)] = true
    return truth


def scan_and_wait(qtbot, window, source) -> None:
    assert window.scan(str(source))
    qtbot.waitUntil(lambda: not window.triage_link.scanning, timeout=WAIT_MS)
    wait_idle(qtbot, window)


@pytest.fixture
def chunked(monkeypatch):
    """Small scan chunks, so even a small folder runs as several model-thread jobs."""
    monkeypatch.setattr(triage_link, "SCAN_CHUNK", 3)
    monkeypatch.setattr(triage_link, "SCAN_BATCH", 2)


def test_scan_from_the_gui_fills_the_table_and_the_matrix_filters_it(qtbot, window, tmp_path,
                                                                       chunked):
    model = reference_model(window)
    truth = labelled_folder(tmp_path / "data", model, count=8, mislabelled=2)
    scan_and_wait(qtbot, window, tmp_path / "data")
    assert window.triage_dock.isVisible()
    view = window.triage
    rows = {row.path: row for row in view.model.rows}
    assert set(rows) == set(truth)
    expected = {row.path: row for row in scan(model, read_dataset(tmp_path / "data", CLASSES)).rows}
    for path, row in rows.items():
        assert row.true_index == truth[path]
        assert row.predicted_index == expected[path].predicted_index
        assert row.predicted_probability == pytest.approx(expected[path].predicted_probability,
                                                          rel=1e-5)
    wrong = sorted(path for path, row in rows.items() if row.correct is False)
    assert len(wrong) == 2
    qtbot.waitUntil(lambda: "2 of 8 misclassified" in view.summary_label.text(), timeout=WAIT_MS)
    assert view.progress_label.text().startswith("Scanned 8 images")
    assert not view.cancel_button.isVisible()

    first = rows[wrong[0]]
    summary = view.matrix.summary
    cell = (summary.indices.index(first.true_index),
            summary.indices.index(first.predicted_index))
    rect = view.matrix.visualItemRect(view.matrix.item(*cell))
    qtbot.mouseClick(view.matrix.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    shown = [row.path for row in view.visible_rows()]
    assert wrong[0] in shown
    assert all(rows[p].true_index == first.true_index
               and rows[p].predicted_index == first.predicted_index for p in shown)


def test_a_chosen_row_shows_failure_maps_curves_and_the_what_if(qtbot, window, tmp_path):
    model = reference_model(window)
    truth = labelled_folder(tmp_path / "data", model, count=3, mislabelled=1)
    scan_and_wait(qtbot, window, tmp_path / "data")
    view = window.triage
    view.misclassified.setChecked(True)
    assert len(view.visible_rows()) == 1
    row = view.visible_rows()[0]
    view.table.selectRow(0)
    qtbot.waitUntil(lambda: len(view.curves.getPlotItem().listDataItems()) == 4, timeout=WAIT_MS)
    wait_idle(qtbot, window)
    titles = [caption.text() for caption, _ in view.maps.panels]
    assert titles == [f"Predicted: {CLASSES[row.predicted_index]}",
                      f"True: {CLASSES[truth[row.path]]}",
                      f"Counterfactual: {CLASSES[row.predicted_index]}"]
    inspection = window.triage_link.inspection
    reference = failure_maps(model, np.asarray(Image.open(row.path).convert("RGB")),
                             row.predicted_index, truth[row.path], layer="act")
    assert list(inspection.maps) == titles
    for title in titles:
        np.testing.assert_allclose(inspection.maps[title], reference[title], rtol=1e-4,
                                   atol=1e-6)
    names = [item.name() for item in view.curves.getPlotItem().listDataItems()]
    assert names[0].startswith("deletion (area") and "random order" in names[1]
    assert names[2].startswith("insertion (area") and "random order" in names[3]

    assert view.whatif.button.isEnabled()
    view.whatif.percent.setValue(25.0)
    qtbot.mouseClick(view.whatif.button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.whatif.table.rowCount() == len(CLASSES), timeout=WAIT_MS)
    wait_idle(qtbot, window)
    mask = top_fraction_mask(reference[titles[0]], 0.25)
    expected = invalidate_features(model, inspection.pixels, "act", mask,
                                   target=row.predicted_index)
    table = view.whatif.table
    assert [table.item(r, 1).text() for r in range(len(CLASSES))] == [
        r.name for r in expected.top_before]
    assert [table.item(r, 3).text() for r in range(len(CLASSES))] == [
        r.name for r in expected.top_after]
    assert table.item(0, 2).text() == f"{expected.top_before[0].score:.2f}"
    text = view.whatif.scores.text()
    assert f"{expected.score_before:.2f} → {expected.score_after:.2f}" in text
    assert f"{int(mask.sum())} of {mask.size} cells" in text

    # paint: the top-k cells are the starting mask; click one off and one more on
    painter = view.whatif.mask_view
    np.testing.assert_array_equal(painter.mask, mask)
    rows, columns = mask.shape
    pixmap = painter.pixmap()
    left, top = (painter.width() - pixmap.width()) / 2, (painter.height() - pixmap.height()) / 2

    def click(row: int, column: int) -> None:
        point = QPoint(int(left + (column + 0.5) * pixmap.width() / columns),
                       int(top + (row + 0.5) * pixmap.height() / rows))
        assert painter.cell_at(QPointF(point)) == (row, column)
        qtbot.mouseClick(painter, Qt.MouseButton.LeftButton, pos=point)

    on = tuple(np.argwhere(mask)[0])
    off = tuple(np.argwhere(~mask)[0])
    click(*on)
    click(*off)
    painted = mask.copy()
    painted[on], painted[off] = False, True
    np.testing.assert_array_equal(painter.mask, painted)
    assert view.whatif.paint_button.isEnabled()
    qtbot.mouseClick(view.whatif.paint_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Re-running" not in view.whatif.scores.text(), timeout=WAIT_MS)
    wait_idle(qtbot, window)
    expected = invalidate_features(model, inspection.pixels, "act", painted,
                                   target=row.predicted_index)
    assert f"{expected.score_before:.2f} → {expected.score_after:.2f}" in view.whatif.scores.text()
    assert [table.item(r, 3).text() for r in range(len(CLASSES))] == [
        r.name for r in expected.top_after]


def test_a_correct_row_shows_predicted_and_counterfactual_only(qtbot, window, tmp_path):
    model = reference_model(window)
    labelled_folder(tmp_path / "data", model, count=1, mislabelled=0)
    scan_and_wait(qtbot, window, tmp_path / "data")
    window.triage.table.selectRow(0)
    qtbot.waitUntil(lambda: len(window.triage.maps.panels) == 2, timeout=WAIT_MS)
    wait_idle(qtbot, window)
    assert [c.text().split(":")[0] for c, _ in window.triage.maps.panels] == [
        "Predicted", "Counterfactual"]


def test_cancelling_a_scan_stops_it_and_keeps_the_rows_so_far(qtbot, window, tmp_path,
                                                             chunked):
    model = reference_model(window)
    labelled_folder(tmp_path / "data", model, count=30, mislabelled=0)
    view = window.triage
    assert window.scan(str(tmp_path / "data"))
    assert view.cancel_button.isVisible()
    qtbot.waitUntil(lambda: view.model.rowCount() > 0, timeout=WAIT_MS)
    qtbot.mouseClick(view.cancel_button, Qt.MouseButton.LeftButton)
    assert not window.triage_link.scanning
    wait_idle(qtbot, window)
    kept = view.model.rowCount()
    assert 0 < kept < 30
    assert view.progress_label.text().startswith("Scan cancelled after")
    assert not view.cancel_button.isVisible()
    qtbot.wait(100)
    assert view.model.rowCount() == kept


def test_saved_results_open_in_the_triage_panel(qtbot, window, tmp_path, monkeypatch):
    model = reference_model(window)
    labelled_folder(tmp_path / "data", model, count=4, mislabelled=1)
    saved = scan(model, read_dataset(tmp_path / "data", CLASSES), out=tmp_path / "results.csv")
    from PySide6.QtWidgets import QFileDialog

    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        lambda *args, **kwargs: (str(tmp_path / "results.csv"), ""))
    with qtbot.waitSignal(window.triage.resultsOpened, timeout=WAIT_MS):
        window.open_scan_results_dialog()  # read on the panel's reader thread
    assert window.triage_dock.isVisible()
    assert [row.path for row in window.triage.model.rows] == [row.path for row in saved.rows]
    assert "1 of 4 misclassified" in window.triage.summary_label.text()


def test_model_jobs_newest_request_wins_per_channel(qtbot, window):
    engine = window.engine
    model_id = window.state.model.model_id
    started = threading.Event()
    outcomes = []
    for signal, kind in ((engine.jobFinished, "finished"), (engine.jobCancelled, "cancelled"),
                         (engine.jobFailed, "failed")):
        signal.connect(lambda channel, generation, *rest, kind=kind:
                       outcomes.append((kind, channel, generation, *rest)))

    def waits_for_cancel(context):
        started.set()
        while True:
            context.cancel.check()
            time.sleep(0.005)

    first = engine.submit_model_job("inspect", model_id, waits_for_cancel)
    assert started.wait(10)
    other = engine.submit_model_job("whatif", model_id, lambda context: "other channel")
    second = engine.submit_model_job("inspect", model_id, lambda context: context.model)
    stale = engine.submit_model_job("scan", model_id + 1, lambda context: "never runs")
    wait_idle(qtbot, window)
    assert ("cancelled", "inspect", first) in outcomes
    assert ("finished", "whatif", other, "other channel") in outcomes
    finished = [o for o in outcomes if o[:3] == ("finished", "inspect", second)]
    assert len(finished) == 1 and finished[0][3].class_names == CLASSES
    assert ("failed", "scan", stale, "the model changed; ask again") in outcomes
    assert engine.job_generation("inspect") == second
    with pytest.raises(KeyError):
        engine.submit_model_job("nowhere", model_id, lambda context: None)
    assert Cancelled is not None


@pytest.mark.skipif(
    os.getloadavg()[0] > 1.5 * (os.cpu_count() or 1),
    reason="machine overloaded: event-loop timing would measure other processes "
    "(tests/benchmarks/bench_viewer.py reports the same figure)",
)
def test_no_event_loop_gap_while_a_scan_runs(qtbot, window, tmp_path, chunked):
    model = reference_model(window)
    labelled_folder(tmp_path / "data", model, count=96, mislabelled=4)  # long enough to time
    ticks: list[float] = []
    heartbeat = QTimer()
    heartbeat.timeout.connect(lambda: ticks.append(time.perf_counter()))
    heartbeat.start(10)
    assert window.scan(str(tmp_path / "data"))
    qtbot.waitUntil(lambda: not window.triage_link.scanning, timeout=WAIT_MS)
    wait_idle(qtbot, window)
    heartbeat.stop()
    gaps = np.diff(ticks)
    assert window.triage.model.rowCount() == 96
    assert len(ticks) > 10
    assert gaps.max() < 0.050, f"event loop blocked for {gaps.max() * 1000:.0f} ms"


def test_the_scan_dialog_starts_a_local_scan_with_its_batch_size(qtbot, window, tmp_path,
                                                                  monkeypatch):
    from gapviewer.app.cluster_scan import ScanSettings

    model = reference_model(window)
    truth = labelled_folder(tmp_path / "data", model, count=5, mislabelled=0)
    sizes = []
    chunk_job = triage_link.scan_chunk_job

    def recorded(items, batch_size):
        sizes.append(batch_size)
        return chunk_job(items, batch_size)

    monkeypatch.setattr(triage_link, "scan_chunk_job", recorded)
    window.triage.scanRequested.emit(ScanSettings(str(tmp_path / "data"), batch_size=3))
    qtbot.waitUntil(lambda: not window.triage_link.scanning, timeout=WAIT_MS)
    wait_idle(qtbot, window)
    assert sizes == [3]
    assert sorted(row.path for row in window.triage.model.rows) == sorted(truth)
