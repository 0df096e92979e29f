"""Triage result files: opening a 100 000-row Parquet result in the triage panel (reader
thread) against reading it on the GUI thread as before, the longest event-loop gap of each (and
the longest garbage collection meanwhile: a full collection stops every thread, so it bounds the
gap from below), and the lazy per-row read of a stored map against recomputing the row's failure
maps on the built-in model.

Run: QT_QPA_PLATFORM=offscreen .venv/bin/python tests/benchmarks/bench_triage_results.py
"""

from __future__ import annotations

import gc
import os
import statistics
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402
from PIL import Image  # noqa: E402

ROWS = 100_000
PART_ROWS = 10_000
MAP_ROWS = 2_000
NAMES = tuple(f"class {i}" for i in range(10))


def scan_rows(count: int, folder: str = "/data"):
    from gapviewer.core.scan import ScanRow

    rng = np.random.default_rng(0)
    rows = []
    for number in range(count):
        true, predicted = int(rng.integers(10)), int(rng.integers(10))
        p_true, p_pred = float(rng.random()), float(rng.random())
        rows.append(ScanRow(
            f"{folder}/{number:06d}.png", NAMES[true], true, NAMES[predicted], predicted,
            p_true, p_pred, -float(np.log(p_true + 1e-9)), true == predicted,
            ((predicted, NAMES[predicted], p_pred),),
        ))
    return rows


def write_result(folder: Path, rows, maps=None) -> Path:
    from gapviewer.core.scan_results import ParquetSink, ScanRecord, records_table

    with_maps = maps is not None
    sink = ParquetSink(folder, NAMES, with_maps=with_maps, flush_rows=PART_ROWS)
    for start in range(0, len(rows), PART_ROWS):
        records = [ScanRecord(row, maps(row) if with_maps else {})
                   for row in rows[start:start + PART_ROWS]]
        sink.add(records_table(records, with_maps))
    sink.flush()
    return folder


class GapMeter:
    """The longest interval between ticks of a 10 ms QTimer on the GUI thread."""

    def __init__(self) -> None:
        from PySide6.QtCore import QTimer

        self.timer = QTimer()
        self.timer.setInterval(10)
        self.timer.timeout.connect(self._tick)
        self.last = 0.0
        self.worst = 0.0

    def _tick(self) -> None:
        now = time.perf_counter()
        self.worst = max(self.worst, now - self.last)
        self.last = now

    def start(self) -> None:
        self.last, self.worst = time.perf_counter(), 0.0
        self.timer.start()

    def stop(self) -> float:
        self.timer.stop()
        return self.worst


class CollectionMeter:
    """The longest garbage collection (any generation) since `start`."""

    def __init__(self) -> None:
        self.began = 0.0
        self.worst = 0.0
        gc.callbacks.append(self._callback)

    def _callback(self, phase: str, info: dict) -> None:
        now = time.perf_counter()
        if phase == "start":
            self.began = now
        else:
            self.worst = max(self.worst, now - self.began)

    def start(self) -> None:
        self.worst = 0.0

    def close(self) -> None:
        gc.callbacks.remove(self._callback)


def pump(app, seconds: float) -> None:
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        app.processEvents()
        time.sleep(0.002)


def bench_open(app, folder: Path) -> None:
    from gapviewer.app.triage import TriageView
    from gapviewer.core.scan_results import read_scan_results

    view = TriageView()
    meter = GapMeter()
    collections = CollectionMeter()
    threaded, threaded_gaps, blocking, blocking_gaps, pauses = [], [], [], [], []
    for _ in range(3):
        opened = []
        view.resultsOpened.connect(opened.append)
        meter.start()
        collections.start()
        pump(app, 0.05)
        start = time.perf_counter()
        view.load_results(folder)
        while not opened:
            app.processEvents()
            time.sleep(0.001)
        threaded.append(time.perf_counter() - start)
        pump(app, 0.05)
        threaded_gaps.append(meter.stop())
        pauses.append(collections.worst)
        view.resultsOpened.disconnect()

        meter.start()
        pump(app, 0.05)
        start = time.perf_counter()
        results = read_scan_results(folder)  # what the GUI thread did before
        view.set_results(results.rows, results.class_names, results)
        blocking.append(time.perf_counter() - start)
        pump(app, 0.05)
        blocking_gaps.append(meter.stop())
    view.shutdown()
    collections.close()
    print(f"open {ROWS} rows, reader thread: {statistics.median(threaded):.2f} s, "
          f"longest event-loop gap {1000 * statistics.median(threaded_gaps):.0f} ms "
          f"(longest garbage collection meanwhile {1000 * statistics.median(pauses):.0f} ms)")
    print(f"open {ROWS} rows on the GUI thread (before): {statistics.median(blocking):.2f} s, "
          f"longest event-loop gap {1000 * statistics.median(blocking_gaps):.0f} ms")
    print(f"  gap ratio GUI-thread / reader-thread: "
          f"{statistics.median(blocking_gaps) / statistics.median(threaded_gaps):.1f}x")


def bench_stored_maps(root: Path) -> None:
    from gapviewer.core.models import load_model
    from gapviewer.core.scan import failure_maps
    from gapviewer.core.scan_results import read_scan_results

    images = root / "images"
    images.mkdir()
    rng = np.random.default_rng(1)
    rows = scan_rows(MAP_ROWS, str(images))
    for row in rows[:5]:
        Image.fromarray(rng.integers(0, 256, (224, 224, 3), dtype=np.uint8)).save(row.path)
    grid = np.linspace(0, 1, 49, dtype=np.float32).reshape(7, 7)
    folder = write_result(root / "with_maps", rows, lambda row: {"gap-direction@head": grid})
    stored = read_scan_results(folder)
    lookups = []
    for row in rows[:5]:
        start = time.perf_counter()
        stored.maps(row.path)
        lookups.append(time.perf_counter() - start)
    model = load_model()  # the built-in EfficientNet-Lite0
    pixels = np.asarray(Image.open(rows[0].path))
    recompute = []
    for row in rows[:3]:
        start = time.perf_counter()
        failure_maps(model, pixels, row.predicted_index or 0, row.true_index or 0,
                     layer=model.pre_gap_layer)
        recompute.append(time.perf_counter() - start)
    print(f"stored map of one row ({MAP_ROWS}-row result, 7x7 maps): "
          f"{1000 * statistics.median(lookups):.1f} ms")
    print(f"recomputed failure maps of one row (built-in model, CPU): "
          f"{1000 * statistics.median(recompute):.0f} ms")
    print(f"  ratio recompute / stored: "
          f"{statistics.median(recompute) / statistics.median(lookups):.0f}x")


def main() -> None:
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        folder = write_result(root / "big", scan_rows(ROWS))
        bench_open(app, folder)
        bench_stored_maps(root)


if __name__ == "__main__":
    main()
