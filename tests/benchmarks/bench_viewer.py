"""Viewer benchmarks: start-up (window before torch), drop-to-overlay latency against decode +
explain on the built-in model, event-loop gaps while browsing, memory while browsing 300 images,
event-loop gaps while the triage panel scans a labelled folder on the model thread.

Run: QT_QPA_PLATFORM=offscreen .venv/bin/python tests/benchmarks/bench_viewer.py
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402
from PIL import Image  # noqa: E402

STARTUP_SCRIPT = """
import time
start = time.perf_counter()
from PySide6.QtWidgets import QApplication
from PySide6.QtCore import QEventLoop, QTimer
from gapviewer.app.main_window import MainWindow
app = QApplication([])
window = MainWindow()
window.show()
app.processEvents()
shown = time.perf_counter() - start
window.start(samples=False, restore=False)
ready = {}
window.engine.ready.connect(lambda *a: ready.setdefault("t", time.perf_counter() - start))
while "t" not in ready:
    loop = QEventLoop(); QTimer.singleShot(5, loop.quit); loop.exec()
print(f"{shown:.3f} {ready['t']:.3f} {window.engine.torch_import_seconds:.3f}")
window.close()
"""


def rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def wait(app, condition, timeout: float = 120.0) -> None:
    from PySide6.QtCore import QEventLoop, QTimer

    end = time.perf_counter() + timeout
    while not condition():
        if time.perf_counter() > end:
            raise TimeoutError("benchmark step did not finish")
        loop = QEventLoop()
        QTimer.singleShot(1, loop.quit)
        loop.exec()


def bench_startup(runs: int = 3) -> None:
    shown, ready = [], []
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", STARTUP_SCRIPT], capture_output=True,
                             text=True, check=True).stdout.split()
        shown.append(float(out[0]))
        ready.append(float(out[1]))
    print(f"start-up: window shown after {statistics.median(shown) * 1000:.0f} ms (median of "
          f"{runs}), torch + core ready after {statistics.median(ready) * 1000:.0f} ms")


def drop(window, paths) -> None:
    from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
    from PySide6.QtGui import QDropEvent

    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    window.dropEvent(QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime,
                                Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier))


def bench_drop_latency(app, folder: Path) -> None:
    from gapviewer.app.main_window import MainWindow
    from gapviewer.core.explain import Explainer
    from gapviewer.core.images import load_image, sample_images
    from gapviewer.core.models import load_model

    paths = []
    for name, pixels in sample_images()[:6]:
        path = folder / f"{name}.png"
        Image.fromarray(pixels).save(path)
        paths.append(path)
    window = MainWindow()
    window.show()
    window.start(samples=False, restore=False)
    wait(app, lambda: window.state.model is not None and window.controller.idle)
    latencies = []
    for path in paths:
        start = time.perf_counter()
        drop(window, [path])
        cell = window.state.cells[0]
        wait(app, lambda cell=cell, path=path: window.state.current_image is not None
             and window.state.current_image.path == str(path)
             and window.state.maps.get(cell) is not None
             and window.state.maps[cell].values is not None)
        app.processEvents()
        latencies.append(time.perf_counter() - start)
        wait(app, lambda: window.controller.idle)
    window.close()
    explainer = Explainer(load_model())
    direct = []
    for path in paths:
        start = time.perf_counter()
        explainer.clear_cache()
        explainer.explain(load_image(path), methods=["gap-direction"])
        direct.append(time.perf_counter() - start)
    overhead = statistics.median(latencies) - statistics.median(direct)
    print(f"drop-to-overlay (built-in model, {len(paths)} photos): median "
          f"{statistics.median(latencies) * 1000:.0f} ms; decode + explain alone "
          f"{statistics.median(direct) * 1000:.0f} ms; overhead {overhead * 1000:.0f} ms "
          f"(target <= 150 ms)")


def write_images(folder: Path, count: int, size: int) -> list[str]:
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(0)
    paths = []
    for index in range(count):
        path = folder / f"img{index:03d}.png"
        Image.fromarray(rng.integers(0, 256, (size, size, 3), dtype=np.uint8)).save(path)
        paths.append(str(path))
    return paths


def tiny_window(app):
    import torch
    from torch import nn

    from gapviewer.app.main_window import MainWindow
    from gapviewer.app.state import ModelSpec

    torch.manual_seed(0)
    module = nn.Sequential(nn.Conv2d(3, 8, 3, stride=4, padding=1), nn.ReLU(),
                           nn.Conv2d(8, 16, 3, stride=2, padding=1), nn.ReLU(),
                           nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(16, 5))
    window = MainWindow()
    window.resize(1300, 800)
    window.show()
    window.start(model=ModelSpec("module", module.eval(), classes=list("abcde")),
                 samples=False, restore=False)
    wait(app, lambda: window.state.model is not None and window.controller.idle)
    return window


def bench_browsing(app, folder: Path) -> None:
    from PySide6.QtCore import QTimer

    paths = write_images(folder / "browse", 300, 256)
    window = tiny_window(app)
    window.open_paths(paths)
    wait(app, lambda: len(window.state.images) == 300)
    wait(app, lambda: window.controller.idle)
    state = window.state
    ticks: list[float] = []
    heartbeat = QTimer()
    heartbeat.timeout.connect(lambda: ticks.append(time.perf_counter()))
    heartbeat.start(10)
    memory = {}
    for index in range(300):
        state.set_current(index)
        wait(app, lambda: window.controller.idle)
        if index + 1 in (30, 100, 200, 300):
            memory[index + 1] = rss_mib()
        if index + 1 == 30:
            gaps = np.diff(ticks)
    heartbeat.stop()
    print(f"event loop while browsing 30 images: max gap {gaps.max() * 1000:.0f} ms, "
          f"p99 {np.percentile(gaps, 99) * 1000:.0f} ms (heartbeat 10 ms, budget 50 ms)")
    print("memory (RSS) after browsing: " + ", ".join(
        f"{n} images {mib:.0f} MiB" for n, mib in memory.items()
    ) + f"; controller caches {window.controller.cached_bytes / 2**20:.1f} MiB")
    window.close()


def bench_scan_responsiveness(app, folder: Path) -> None:
    from PySide6.QtCore import QTimer

    for label in "abcd":
        write_images(folder / "labelled" / label, 60, 128)
    window = tiny_window(app)
    ticks: list[float] = []
    heartbeat = QTimer()
    heartbeat.timeout.connect(lambda: ticks.append(time.perf_counter()))
    heartbeat.start(10)
    start = time.perf_counter()
    window.scan(str(folder / "labelled"))
    wait(app, lambda: not window.triage_link.scanning)
    seconds = time.perf_counter() - start
    wait(app, lambda: window.controller.idle)
    heartbeat.stop()
    gaps = np.diff(ticks)
    rows = window.triage.model.rowCount()
    print(f"triage scan from the GUI: {rows} images in {seconds:.1f} s "
          f"({rows / seconds:.0f} images/s, tiny model); event loop max gap "
          f"{gaps.max() * 1000:.0f} ms, p99 {np.percentile(gaps, 99) * 1000:.0f} ms "
          f"(heartbeat 10 ms, budget 50 ms)")
    window.close()


def main() -> None:
    from PySide6.QtWidgets import QApplication

    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    bench_startup()
    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory() as tmp:
        bench_drop_latency(app, Path(tmp))
        bench_browsing(app, Path(tmp))
        bench_scan_responsiveness(app, Path(tmp))
    print(f"load average at the end {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
