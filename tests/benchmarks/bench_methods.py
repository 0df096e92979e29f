"""Cost of the comparison set and of occlusion, relative to a bare forward pass (issue 3).

(a) gap-direction, gap-magnitude, cam, grad-cam, counterfactual and contribution at four stages
    of ResNet-50 (random weights, 224 x 224, batch 1) in one `explain` call, against a bare
    no-grad forward; target at most 3.5x. Contribution and Grad-CAM alone are shown for context.
(b) occlusion (patch 32, stride 16: 13 x 13 windows, batches of 32) in images per second,
    against the model's own forward throughput at batch 32.
(c) contribution at four stages of the built-in EfficientNet-Lite0, whose ReLU6 activations
    need the modified backward (its own forward under ContributionMode + one backward), against
    a bare forward; ResNet-50 in (a) reads the shared gradient pass instead.

Measurements alternate between the variants in each round, so a busy machine slows them alike;
medians over the rounds are printed with their ratios.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

import torch

from gapviewer.core.explain import Explainer
from gapviewer.core.methods import METHODS
from gapviewer.core.models import load_model

LAYERS = ["layer1", "layer2", "layer3", "layer4"]
COMPARISON = ["gap-direction", "gap-magnitude", "cam", "grad-cam", "counterfactual", "contribution"]
ROUNDS = 7
OCCLUSION = {"patch": 32, "stride": 16, "batch_size": 32}
OCCLUSION_ROUNDS = 2
BUILTIN_LAYERS = ["blocks.2", "blocks.5", "blocks.10", "head"]


def seconds(run: Callable[[], object]) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def medians(variants: dict[str, Callable[[], object]], rounds: int) -> dict[str, float]:
    """Median seconds of each variant, measured in alternation after one warm-up call each."""
    for run in variants.values():
        run()
    times: dict[str, list[float]] = {name: [] for name in variants}
    for _ in range(rounds):
        for name, run in variants.items():
            times[name].append(seconds(run))
    return {name: statistics.median(values) for name, values in times.items()}


def comparison_set(model, explainer: Explainer, image: torch.Tensor) -> None:
    missing = [method for method in COMPARISON if method not in METHODS]
    methods = [method for method in COMPARISON if method in METHODS]
    if missing:
        print(f"not registered, left out: {', '.join(missing)}")

    def forward() -> None:
        with torch.no_grad():
            model.module(image)

    def explain(chosen: list[str]) -> Callable[[], object]:
        return lambda: explainer.explain(image, methods=chosen, layers=LAYERS, target=0)

    variants = {
        "bare forward": forward,
        "comparison set": explain(methods),
        "contribution": explain(["contribution"]),
    }
    if "grad-cam" in METHODS:
        variants["grad-cam"] = explain(["grad-cam"])
    results = medians(variants, ROUNDS)
    base = results["bare forward"]
    print(f"(a) resnet50, 224x224, batch 1, layers {', '.join(LAYERS)}; median of {ROUNDS}")
    for name, value in results.items():
        print(f"    {name:<16} {value * 1000:8.1f} ms  {value / base:5.2f}x forward")
    verdict = "ok" if results["comparison set"] / base <= 3.5 else "OVER"
    print(f"    comparison set target <= 3.5x: {verdict}")


def occlusion(model, explainer: Explainer, image: torch.Tensor) -> None:
    size = image.shape[-1]
    per_axis = len(range(0, size - OCCLUSION["patch"] + 1, OCCLUSION["stride"]))
    windows = per_axis**2
    batch = image.expand(OCCLUSION["batch_size"], *image.shape[1:]).contiguous()

    def forward_batch() -> None:
        with torch.no_grad():
            model.module(batch)

    def run_occlusion() -> None:
        explainer.explain(image, methods=["occlusion"], target=0, params={"occlusion": OCCLUSION})

    results = medians(
        {"forward batch": forward_batch, "occlusion": run_occlusion}, OCCLUSION_ROUNDS
    )
    forward_rate = OCCLUSION["batch_size"] / results["forward batch"]
    occlusion_rate = windows / results["occlusion"]
    print(
        f"(b) occlusion, patch {OCCLUSION['patch']}, stride {OCCLUSION['stride']}: {windows} "
        f"windows, batch {OCCLUSION['batch_size']}; median of {OCCLUSION_ROUNDS}"
    )
    print(f"    forward throughput   {forward_rate:8.1f} images/s")
    print(
        f"    occlusion            {occlusion_rate:8.1f} images/s "
        f"({occlusion_rate / forward_rate:.2f} of forward; {results['occlusion']:.2f} s per map)"
    )


def modified_backward() -> None:
    model = load_model()
    explainer = Explainer(model)
    image = torch.randn(1, 3, 224, 224, generator=torch.Generator().manual_seed(0))

    def forward() -> None:
        with torch.no_grad():
            model.module(image)

    def contribution() -> None:
        explainer.explain(image, methods=["contribution"], layers=BUILTIN_LAYERS, target=0)

    results = medians({"bare forward": forward, "contribution": contribution}, ROUNDS)
    base = results["bare forward"]
    layers = ", ".join(BUILTIN_LAYERS)
    print(f"(c) built-in EfficientNet-Lite0, layers {layers}; median of {ROUNDS}")
    for name, value in results.items():
        print(f"    {name:<16} {value * 1000:8.1f} ms  {value / base:5.2f}x forward")


def main() -> None:
    torch.manual_seed(0)
    model = load_model("resnet50")
    explainer = Explainer(model)
    image = torch.randn(1, 3, 224, 224, generator=torch.Generator().manual_seed(0))
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads")
    comparison_set(model, explainer, image)
    occlusion(model, explainer, image)
    modified_backward()


if __name__ == "__main__":
    main()
