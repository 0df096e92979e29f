"""Throughput of `scan --engine ray` (2 actors on a private local Ray cluster) against
`--engine local` on this machine, with the built-in EfficientNet-Lite0 on generated 256 x 256
images. Each engine scans a half set and the full set; the difference gives the marginal
throughput (images/s once running) and the fixed cost (start-up: actor processes, model load
per actor, first block), which is what the README's scaling model needs. Prints the runs,
and the ray/local ratios.

Needs the cluster extra (`pip install 'gapviewer[cluster]'`); says so and exits otherwise.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import Image

IMAGES = 128
BATCH = 16


def make_images(root: Path) -> Path:
    rng = np.random.default_rng(0)
    for number in range(IMAGES):
        folder = root / ("tench", "goldfish")[number % 2]
        folder.mkdir(parents=True, exist_ok=True)
        pixels = rng.integers(0, 256, (256, 256, 3), dtype=np.uint8)
        Image.fromarray(pixels).save(folder / f"{number:04d}.jpg", quality=90)
    return root


def marginal(
    name: str, sizes: tuple[int, int], seconds: tuple[float, float]
) -> tuple[float, float]:
    """(images/s once running, fixed seconds) from wall times of two sizes; printed."""
    rate = (sizes[1] - sizes[0]) / max(seconds[1] - seconds[0], 1e-9)
    fixed = seconds[0] - sizes[0] / rate
    runs = ", ".join(f"{n} images {t:.1f} s" for n, t in zip(sizes, seconds, strict=True))
    print(f"{name:<16} {rate:6.2f} images/s once running, fixed {fixed:5.1f} s  ({runs})")
    return rate, fixed


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
    sizes = (IMAGES // 2, IMAGES)
    work = Path(tempfile.mkdtemp(prefix="bench_ray_"))
    try:
        items = list(read_dataset(make_images(work / "data"), model.class_names).items)
        local = []
        for size in sizes:
            start = time.perf_counter()
            scan(model, items[:size], batch_size=BATCH)
            local.append(time.perf_counter() - start)
        start = time.perf_counter()
        connect(None, num_cpus=2)
        cluster_start = time.perf_counter() - start
        remote = []
        for size in sizes:
            start = time.perf_counter()
            ray_scan(
                spec,
                items[:size],
                model.class_names,
                work / f"out{size}",
                batch_size=BATCH,
                num_workers=2,
            )
            remote.append(time.perf_counter() - start)
        ray.shutdown()
    finally:
        shutil.rmtree(work, ignore_errors=True)

    print(f"built-in EfficientNet-Lite0, generated 256x256 JPEGs, batch {BATCH}, 2 cores")
    print(f"private Ray cluster start (ray.init, 2 CPUs): {cluster_start:.1f} s")
    local_rate, _ = marginal("local", sizes, tuple(local))
    ray_rate, ray_fixed = marginal("ray, 2 actors", sizes, tuple(remote))
    print(
        f"ray/local: {ray_rate / local_rate:.2f}x once running; "
        f"{local[1] / remote[1]:.2f}x over {IMAGES} images wall time "
        f"(ray's fixed cost {ray_fixed:.0f} s per job)"
    )


if __name__ == "__main__":
    main()
