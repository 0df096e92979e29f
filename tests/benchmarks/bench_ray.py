"""Throughput of `scan --engine ray` (2 actors on a private local Ray cluster) against
`--engine local` on this machine, with the built-in EfficientNet-Lite0 on generated 256 x 256
images. Prints per-run figures, medians and the ray/local ratios: total wall time (actor
start-up included) and steady state (from the first result block to the end).

Needs the cluster extra (`pip install 'gapviewer[cluster]'`); says so and exits otherwise.
"""

from __future__ import annotations

import shutil
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import Image

IMAGES = 128
BATCH = 16
REPEATS = 2


def make_images(root: Path) -> Path:
    rng = np.random.default_rng(0)
    for number in range(IMAGES):
        folder = root / ("tench", "goldfish")[number % 2]
        folder.mkdir(parents=True, exist_ok=True)
        pixels = rng.integers(0, 256, (256, 256, 3), dtype=np.uint8)
        Image.fromarray(pixels).save(folder / f"{number:04d}.jpg", quality=90)
    return root


class Clock:
    """Progress callback that notes when the first and the last rows arrived."""

    def __init__(self) -> None:
        self.start = time.perf_counter()
        self.first: tuple[float, float] | None = None
        self.last = (0.0, 0.0)

    def __call__(self, fraction: float, message: str) -> None:
        now = time.perf_counter() - self.start
        if fraction > 0 and self.first is None:
            self.first = (now, fraction)
        self.last = (now, fraction)

    def steady_rate(self) -> float:
        (t0, f0), (t1, f1) = self.first, self.last
        return (f1 - f0) * IMAGES / max(t1 - t0, 1e-9)


def main() -> None:
    try:
        import ray
    except ImportError:
        print("bench_ray: ray is not installed (pip install 'gapviewer[cluster]'); skipped")
        return
    from gapviewer.core.data import read_dataset
    from gapviewer.core.distributed import ModelSpec, connect, ray_scan
    from gapviewer.core.scan import scan

    spec = ModelSpec()
    model = spec.load()
    work = Path(tempfile.mkdtemp(prefix="bench_ray_"))
    try:
        dataset = read_dataset(make_images(work / "data"), model.class_names)
        local_total, local_steady = [], []
        for _ in range(REPEATS):
            clock = Clock()
            scan(model, dataset, batch_size=BATCH, progress=clock)
            local_total.append(IMAGES / (time.perf_counter() - clock.start))
            local_steady.append(clock.steady_rate())
        started = time.perf_counter()
        connect(None, num_cpus=2)
        cluster_start = time.perf_counter() - started
        ray_total, ray_steady, ray_first = [], [], []
        for run in range(REPEATS):
            clock = Clock()
            ray_scan(
                spec,
                dataset,
                model.class_names,
                work / f"out{run}",
                batch_size=BATCH,
                block_size=2 * BATCH,
                num_workers=2,
                progress=clock,
            )
            ray_total.append(IMAGES / (time.perf_counter() - clock.start))
            ray_steady.append(clock.steady_rate())
            ray_first.append(clock.first[0])
        ray.shutdown()
    finally:
        shutil.rmtree(work, ignore_errors=True)

    def show(name: str, values: list[float], unit: str) -> float:
        median = statistics.median(values)
        runs = ", ".join(f"{v:.2f}" for v in values)
        print(f"{name:<34} median {median:8.2f} {unit}  (runs: {runs})")
        return median

    print(f"{IMAGES} images 256x256, built-in EfficientNet-Lite0, batch {BATCH}")
    print(f"private ray cluster start (2 CPUs): {cluster_start:.1f} s")
    lt = show("local: total", local_total, "images/s")
    ls = show("local: steady state", local_steady, "images/s")
    rt = show("ray, 2 actors: total", ray_total, "images/s")
    rs = show("ray, 2 actors: steady state", ray_steady, "images/s")
    show("ray: first block after", ray_first, "s")
    print(f"ray/local total {rt / lt:.2f}x, steady state {rs / ls:.2f}x")


if __name__ == "__main__":
    main()
