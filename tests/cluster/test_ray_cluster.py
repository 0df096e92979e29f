"""The Ray engine on a real (loopback) cluster: a cancelled job keeps its rows, the resumed job
survives a killed worker process, and the result has every image exactly once with the very
rows the local engine gives; `gapviewer eval --engine ray` writes the local engine's report."""

from __future__ import annotations

import json
import os
import signal
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

pytest.importorskip("ray", reason="the cluster extra (ray[data]) is not installed")

from gapviewer.core.capture import CancelToken  # noqa: E402
from gapviewer.core.data import read_dataset  # noqa: E402
from gapviewer.core.distributed import ModelSpec, ray_scan  # noqa: E402
from gapviewer.core.scan import scan  # noqa: E402
from gapviewer.core.scan_results import read_scan_results, written_paths  # noqa: E402

pytestmark = pytest.mark.cluster
IMAGES = 240
BATCH = 8


def tiny_model_file(path: Path) -> Path:
    """A seeded small-gap-cnn (width 4, 16 x 16 input, 3 classes) as a gapviewer .safetensors."""
    import torch
    from safetensors.torch import save_file

    from gapviewer.core.small_cnn import build_small_gap_cnn

    torch.manual_seed(0)
    module = build_small_gap_cnn(num_classes=3, width=4).eval()
    meta = {
        "architecture": "small-gap-cnn",
        "num_classes": 3,
        "class_names": ["ant", "bee", "cat"],
        "input_size": [16, 16],
        "options": {"width": 4},
    }
    state = {k: v.contiguous() for k, v in module.state_dict().items()}
    save_file(state, str(path), metadata={"gapviewer": json.dumps(meta)})
    return path


def make_images(root: Path, count: int = IMAGES) -> Path:
    rng = np.random.default_rng(2)
    for number in range(count):
        folder = root / ("ant", "bee", "cat")[number % 3]
        folder.mkdir(parents=True, exist_ok=True)
        Image.fromarray(rng.integers(0, 256, (12, 12, 3), dtype=np.uint8)).save(
            folder / f"{number:04d}.png"
        )
    (root / "bee" / "broken.png").write_bytes(b"not a png")
    return root


def _parent(pid: int) -> int:
    stat = Path(f"/proc/{pid}/stat").read_text()
    return int(stat.rsplit(")", 1)[1].split()[1])


def scan_actor_processes(raylet_pid: int) -> list[int]:
    """Worker processes of one raylet that host a ScanActor (their title names the class)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            title = (entry / "cmdline").read_bytes()
            if b"ScanActor" in title and _parent(int(entry.name)) == raylet_pid:
                found.append(int(entry.name))
        except (OSError, ValueError, IndexError):
            continue
    return found


def test_cancel_resume_and_a_killed_worker_give_the_local_rows_once(tmp_path, ray_cluster):
    from ray._private import ray_constants

    _, worker = ray_cluster
    raylet = worker.all_processes[ray_constants.PROCESS_TYPE_RAYLET][0].process.pid
    spec = ModelSpec(str(tiny_model_file(tmp_path / "tiny.safetensors")))
    model = spec.load()
    dataset = read_dataset(make_images(tmp_path / "data"), model.class_names)
    local = {row.path: row for row in scan(model, dataset, batch_size=BATCH).rows}
    out = tmp_path / "results"
    options = {"batch_size": BATCH, "block_size": 2 * BATCH, "num_workers": 2}

    token = CancelToken()
    first = ray_scan(
        spec,
        dataset,
        model.class_names,
        out,
        progress=lambda f, m: f > 0 and token.cancel(),
        cancel=token,
        **options,
    )
    assert first.cancelled and 0 < len(first.rows) < len(dataset.items)
    assert all(row == local[row.path] for row in first.rows)

    killed: list[int] = []

    def kill_once(fraction: float, message: str) -> None:
        if fraction > len(first.rows) / len(dataset.items) and not killed:
            victims = scan_actor_processes(raylet)
            assert victims, "no ScanActor process on the worker node"
            os.kill(victims[0], signal.SIGKILL)
            killed.append(victims[0])

    second = ray_scan(spec, dataset, model.class_names, out, progress=kill_once, **options)
    assert killed and not second.cancelled
    assert second.resumed == len(first.rows)
    assert [row.path for row in second.rows] == [str(item.path) for item in dataset.items]
    assert {row.path: row for row in second.rows} == local
    assert sorted(written_paths(out)) == sorted(local)  # every image exactly once on disk
    broken = next(row for row in second.rows if row.path.endswith("broken.png"))
    assert broken.failed and broken.predicted_index is None
    assert {row.path: row for row in read_scan_results(out).rows} == local


def test_eval_on_ray_reports_what_the_local_engine_reports(tmp_path, ray_cluster):
    from gapviewer.cli import main

    model_file = str(tiny_model_file(tmp_path / "tiny.safetensors"))
    data = str(make_images(tmp_path / "data", count=6))
    reports = {}
    for engine in ("local", "ray"):
        out = tmp_path / f"{engine}.json"
        options = ["--metric", "deletion,insertion", "--steps", "4", "--method", "cam"]
        code = main(
            ["eval", data, "--model", model_file, *options, "--engine", engine, "--out", str(out)]
        )
        assert code == 1  # broken.png is a problem in both
        reports[engine] = json.loads(out.read_text())
    assert len(reports["local"]["images"]) == 6
    assert reports["ray"] == reports["local"]
