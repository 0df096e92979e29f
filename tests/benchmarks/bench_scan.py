"""Dataset scan throughput against the bare batched forward of the same model at the same batch
size (issue 5). Target: scan >= 0.8x the bare forward's images per second.

A folder of generated JPEG photos-like images (smooth colour fields with noise, 320 x 240, in
class subfolders) is scanned by `core.scan.scan` (decoding in threads, overlapping the model);
the bare forward runs the same number of images as ready-made (B, 3, 224, 224) tensors. The two
are timed in turn and the medians compared. Run: `python tests/benchmarks/bench_scan.py`
(`--quick` for fewer images, `--device cuda` on a GPU machine).
"""

from __future__ import annotations

import argparse
import logging
import math
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
import torch
from PIL import Image

from gapviewer.core.data import read_dataset
from gapviewer.core.models import load_model
from gapviewer.core.scan import scan


def make_folder(root: Path, count: int, classes: list[str]) -> None:
    """`count` JPEGs spread over `classes` folders; content is smooth so decoding is realistic."""
    rng = np.random.default_rng(0)
    y, x = np.mgrid[0:240, 0:320] / 240.0
    for number in range(count):
        folder = root / classes[number % len(classes)]
        folder.mkdir(parents=True, exist_ok=True)
        phase = rng.uniform(0, 2 * np.pi, 3)
        channels = [np.sin(4 * x + 3 * y * (k + 1) + phase[k]) for k in range(3)]
        pixels = 127 + 100 * np.stack(channels, -1) + rng.normal(0, 12, (240, 320, 3))
        Image.fromarray(pixels.clip(0, 255).astype(np.uint8)).save(
            folder / f"{number}.jpg", quality=90
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="96 images, 1 repeat")
    parser.add_argument("--images", type=int, default=320)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--device", default="cpu")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    count = 96 if args.quick else args.images
    repeats = 1 if args.quick else args.repeats
    model = load_model(device=args.device)
    sync = torch.cuda.synchronize if model.device.type == "cuda" else (lambda: None)
    batches = math.ceil(count / args.batch)
    ready = torch.randn(args.batch, 3, *model.preprocessing.size).to(model.device)

    def bare() -> float:
        sync()
        start = time.perf_counter()
        with torch.inference_mode():
            for _ in range(batches):
                model.module(ready)
        sync()
        return batches * args.batch / (time.perf_counter() - start)

    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        make_folder(root, count, list(model.class_names[:10]))
        dataset = read_dataset(root, model.class_names)

        def scanned() -> float:
            start = time.perf_counter()
            result = scan(model, dataset, batch_size=args.batch)
            sync()
            assert len(result.rows) == count and not any(r.failed for r in result.rows)
            return count / (time.perf_counter() - start)

        bare()  # warm-up
        rates: dict[str, list[float]] = {"bare forward": [], "scan": []}
        for _ in range(repeats):
            rates["bare forward"].append(bare())
            rates["scan"].append(scanned())
    medians = {name: statistics.median(values) for name, values in rates.items()}
    print(
        f"scan throughput, {model.architecture} on {model.device}, {count} images "
        f"(320x240 JPEG), batch {args.batch}, {torch.get_num_threads()} torch threads"
    )
    for name, value in medians.items():
        print(f"  {name:<13} {value:8.1f} images/s (median of {repeats})")
    ratio = medians["scan"] / medians["bare forward"]
    print(
        f"  ratio scan / bare forward: {ratio:.2f} "
        f"(target >= 0.80: {'met' if ratio >= 0.8 else 'NOT met'})"
    )


if __name__ == "__main__":
    main()
