"""Responsiveness and memory while browsing, measured the way tests/app's event-loop test does
(tiny model, 64 px images, a 10 ms heartbeat, a step every 30 ms), several browses in one run:

- the worst event-loop gap per browse, and the GUI thread's own CPU time inside its worst gap
  (the part other processes on a busy machine cannot add to);
- the GUI thread's CPU time per image step and the model thread's torch intra-op threads;
- RSS while browsing 600 images with the decoded-image cache capped at 8 MiB, so the bounded
  caches are full by image 300 (the browser's 256 thumbnail pixmaps last): the slope after that
  is what would grow without bound (the small maps filling the 64 MiB results cache).

Run: QT_QPA_PLATFORM=offscreen .venv/bin/python tests/benchmarks/bench_responsiveness.py
"""

from __future__ import annotations

import ctypes
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402
from bench_viewer import rss_mib, tiny_window, wait, write_images  # noqa: E402

BROWSES = 6
STEPS = 30


def browse_once(app, window, forward: bool) -> tuple[float, float, float]:
    """(worst gap, GUI-thread CPU in that gap's worst, GUI CPU per step) in seconds."""
    from PySide6.QtCore import QTimer

    state = window.state
    step, last = (1, STEPS - 1) if forward else (-1, 0)
    ticks: list[tuple[float, float]] = []
    heartbeat = QTimer()
    heartbeat.timeout.connect(lambda: ticks.append((time.perf_counter(), time.thread_time())))
    stepper = QTimer()
    stepper.timeout.connect(lambda: state.set_current(state.current_index + step))
    heartbeat.start(10)
    stepper.start(30)
    wait(app, lambda: state.current_index == last)
    stepper.stop()
    wait(app, lambda: window.controller.idle)
    heartbeat.stop()
    walls, cpus = (np.diff([tick[i] for tick in ticks]) for i in (0, 1))
    return float(walls.max()), float(cpus.max()), float(sum(cpus) / (STEPS - 1))


def bench_event_loop(app, folder: Path) -> None:
    window = tiny_window(app)
    window.open_paths(write_images(folder / "gaps", STEPS, 64))
    wait(app, lambda: len(window.state.images) == STEPS)
    wait(app, lambda: window.controller.idle)
    window.state.set_current(0)
    wait(app, lambda: window.controller.idle)
    results = []
    for index in range(BROWSES):
        window.controller._results.clear()  # every browse computes its maps again
        results.append(browse_once(app, window, forward=index % 2 == 0))
    gaps, own, per_step = (sorted(r[i] * 1000 for r in results) for i in range(3))
    print(f"event loop while browsing {STEPS} images ({BROWSES} browses, heartbeat 10 ms, "
          f"budget 50 ms; model thread {window.engine.torch_threads} torch thread(s)):")
    print(f"  worst gap per browse: median {statistics.median(gaps):.0f} ms, max {gaps[-1]:.0f} "
          f"ms ({', '.join(f'{g:.0f}' for g in gaps)})")
    print(f"  GUI-thread CPU inside one gap: median {statistics.median(own):.0f} ms, max "
          f"{own[-1]:.0f} ms; GUI-thread CPU per image step: median "
          f"{statistics.median(per_step):.1f} ms")
    window.close()


def bench_memory(app, folder: Path, count: int = 600) -> None:
    window = tiny_window(app)
    window.controller._pixels.budget = 8 * 2**20
    window.open_paths(write_images(folder / "memory", count, 256))
    wait(app, lambda: len(window.state.images) == count)
    wait(app, lambda: window.controller.idle)
    trim = ctypes.CDLL("libc.so.6").malloc_trim if sys.platform.startswith("linux") else None
    marks = {}
    for index in range(count):
        window.state.set_current(index)
        wait(app, lambda: window.controller.idle)
        if (index + 1) % 150 == 0:
            if trim is not None:
                trim(0)  # what glibc keeps in free lists is not growth
            marks[index + 1] = rss_mib()
    slope = (marks[count] - marks[300]) / (count - 300) * 1024
    print(f"memory browsing {count} images of 256 x 256 (decoded-image cache capped at 8 MiB, "
          f"heap trimmed): RSS " + ", ".join(f"{n}: {mib:.0f} MiB" for n, mib in marks.items())
          + f"; {slope:.1f} KiB per image after image 300 (controller caches "
          f"{window.controller.cached_bytes / 2**20:.1f} MiB, activation cache "
          f"{window.engine._explainer.cached_bytes / 2**20:.0f} MiB)")
    window.close()


def main() -> None:
    from PySide6.QtWidgets import QApplication

    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory() as tmp:
        bench_event_loop(app, Path(tmp))
        bench_memory(app, Path(tmp))
    print(f"load average at the end {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
