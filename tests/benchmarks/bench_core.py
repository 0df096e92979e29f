"""Core benchmark (issue 2, item 10): Explainer overhead over a bare forward pass, and the
closed-form GAP-direction map against the literal loop of patent US 2025/0259040 A1, FIG. 5.

Targets: explain with gap-direction, gap-magnitude and cam at most 1.05x the bare forward; the
closed form at most 1 % of the resnet50 224 x 224 forward (7 x 7 grid) and at least 100x faster
than the FIG. 5 loop at 56 x 56 (m = 2048). Run: `python tests/benchmarks/bench_core.py`
(`--quick` for fewer repeats, `--threads 1` on a busy machine, `--device cuda` on a GPU).
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import time
from collections.abc import Callable

import torch
import torch.nn.functional as F

from gapviewer.core.explain import Explainer
from gapviewer.core.methods import gap_direction
from gapviewer.core.models import LoadedModel, load_model

METHODS = ("gap-direction", "gap-magnitude", "cam")
MODELS = ("efficientnet-lite0", "resnet50", "efficientnet_b0")
GRIDS = ((7, 7), (28, 28), (56, 56))
CHANNELS = 2048


Timing = tuple[float, float]  # (wall-clock, process CPU) seconds


def interleaved_medians(
    fns: dict[str, Callable[[], object]], repeats: int, sync: Callable[[], None]
) -> dict[str, Timing]:
    """Median wall-clock and CPU time of each function, run in turn so that machine load
    affects all alike (CPU time is the steadier figure on a shared, busy machine)."""
    times: dict[str, list[Timing]] = {name: [] for name in fns}
    for fn in fns.values():
        fn()
    for _ in range(repeats):
        for name, fn in fns.items():
            sync()
            wall, cpu = time.perf_counter(), time.process_time()
            fn()
            sync()
            times[name].append((time.perf_counter() - wall, time.process_time() - cpu))
    return {
        name: (statistics.median(t[0] for t in values), statistics.median(t[1] for t in values))
        for name, values in times.items()
    }


def fig5_loop(features: torch.Tensor) -> torch.Tensor:
    """Patent FIG. 5, literally: for each region i, replace v_i by a zero vector, take the GAP
    of the whole map (v_SR-i, eq. q2), and D_i = cos(v_GAP, v_SR-i) (q4); c_i = 1 - D_i (q3).
    Accumulates in float64 like the reference in tests/core/test_gap_methods.py.
    """
    vectors = features[0].flatten(1).double()  # (m, N)
    count = vectors.shape[1]
    v_gap = vectors.mean(1)
    out = torch.empty(count, dtype=torch.float64, device=features.device)
    for i in range(count):
        saved = vectors[:, i].clone()
        vectors[:, i] = 0
        v_sr = vectors.sum(1) / count
        vectors[:, i] = saved
        out[i] = 1 - F.cosine_similarity(v_gap, v_sr, dim=0, eps=0.0)
    return out.reshape(features.shape[2:])


def relu_features(grid: tuple[int, int], device: str) -> torch.Tensor:
    generator = torch.Generator().manual_seed(sum(grid))
    base = torch.rand(1, CHANNELS, 1, 1, generator=generator) + 0.5
    return (base + torch.randn(1, CHANNELS, *grid, generator=generator)).relu().to(device)


def bench_explain(model: LoadedModel, repeats: int, sync: Callable[[], None]) -> dict[str, Timing]:
    from skimage import data

    photo = data.chelsea()
    inputs = model.to_input(photo)
    explainer = Explainer(model)

    def forward() -> None:
        with torch.no_grad():
            model.module(inputs)

    def explain_tensor() -> None:
        explainer.clear_cache()
        explainer.explain(inputs, methods=METHODS)

    def explain_photo() -> None:
        explainer.clear_cache()
        explainer.explain(photo, methods=METHODS)

    def switch_class() -> None:
        explainer.explain(inputs, methods=METHODS, target=7)

    return interleaved_medians(
        {
            "forward": forward,
            "explain": explain_tensor,
            "explain_photo": explain_photo,
            "switch_class": switch_class,
        },
        repeats,
        sync,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats (a smoke run)")
    parser.add_argument("--device", default="cpu", help="cpu (default) or cuda")
    parser.add_argument(
        "--threads", type=int, help="torch CPU threads (1 gives steady CPU times on a busy machine)"
    )
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    logging.getLogger("gapviewer").setLevel(logging.ERROR)  # "random weights" warnings
    repeats = 5 if args.quick else 21
    device = args.device
    sync = torch.cuda.synchronize if device.startswith("cuda") else (lambda: None)
    torch.manual_seed(0)
    print(
        f"torch {torch.__version__}, device {device}, {torch.get_num_threads()} CPU threads, "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
    )
    print(
        f"median of {repeats} interleaved runs; explain = {', '.join(METHODS)} at the pre-GAP "
        "layer, activation cache cleared; ms as wall-clock / process CPU time"
    )
    print()
    print(
        f"{'model':<19}{'forward':>15}{'explain':>15}{'ratio':>12}"
        f"{'from photo':>15}{'ratio':>12}{'class switch':>15}"
    )
    forwards = {}
    for name in MODELS:
        model = load_model(None if name == "efficientnet-lite0" else name, device=device)
        times = bench_explain(model, repeats, sync)
        forwards[name] = times["forward"]
        row = f"{name:<19}"
        for key in ("forward", "explain", "explain_photo", "switch_class"):
            row += f"{times[key][0] * 1e3:>8.1f} /{times[key][1] * 1e3:>5.1f}"
            if key in ("explain", "explain_photo"):
                ratios = [times[key][i] / times["forward"][i] for i in (0, 1)]
                row += f"{ratios[0]:>6.3f} /{ratios[1]:>5.3f}"
        print(row)
    print("ratio: explain / bare forward of the preprocessed tensor (target <= 1.05); from photo:")
    print("an H x W x 3 uint8 photo, resize and normalisation included; class switch: another")
    print("class with the activations cached (no forward)")
    print()

    resnet_forward = forwards["resnet50"]
    print(f"GAP-direction map, m = {CHANNELS}: closed form vs the literal FIG. 5 loop (one run)")
    print(f"{'grid':<7}{'closed form':>17}{'FIG. 5 loop':>19}{'speed-up':>19}{'max rel diff':>14}")
    for grid in GRIDS:
        features = relu_features(grid, device)
        closed = interleaved_medians({"closed": lambda f=features: gap_direction(f)}, repeats, sync)
        closed = closed["closed"]
        wall, cpu = time.perf_counter(), time.process_time()
        looped = fig5_loop(features)
        sync()
        loop = (time.perf_counter() - wall, time.process_time() - cpu)
        reference = gap_direction(features.double())[0]
        diff = float(((looped - reference).abs() / reference.abs()).max())
        print(
            f"{'x'.join(map(str, grid)):<7}{closed[0] * 1e3:>8.2f} /{closed[1] * 1e3:>6.2f}"
            f"{loop[0] * 1e3:>9.0f} /{loop[1] * 1e3:>7.0f}"
            f"{loop[0] / closed[0]:>9.0f}x /{loop[1] / closed[1]:>6.0f}x{diff:>14.1e}"
        )
        if grid == (7, 7):
            seven = closed
    print(
        f"closed form at 7x7 = {100 * seven[0] / resnet_forward[0]:.2f} % / "
        f"{100 * seven[1] / resnet_forward[1]:.2f} % of the resnet50 224x224 forward "
        f"(target <= 1 %); speed-up at 56x56 target >= 100x"
    )


if __name__ == "__main__":
    main()
