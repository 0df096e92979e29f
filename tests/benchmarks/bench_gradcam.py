"""Grad-CAM cost relative to a bare forward pass (CPU, 2 threads, batch 1, 224 x 224).

For each model: the median time of a bare forward (no_grad) and of Grad-CAM at the pre-GAP layer
through `Explainer.explain` (a new image each time: the activation cache is cleared), plus the
same for every peer library installed (captum LayerGradCam, pytorch-grad-cam GradCAM, torch-cam
GradCAM), on the same model, layer, input and class. Then Grad-CAM at the four ResNet-50 stages
in one call (peers: one call per layer, torch-cam: one call with four layers). Every ratio is
against the bare forward measured in the same run; repetitions are interleaved so that load
changes hit all contenders alike. Targets: <= 1.1x at the pre-GAP layer, <= 2x for four stages.
"""

from __future__ import annotations

import statistics
import time
import warnings
from collections.abc import Callable

import torch
import torchvision

from gapviewer.core.explain import Explainer
from gapviewer.core.models import LoadedModel, load_model

REPEATS = 5
THREADS = 2
STAGES = ["layer1", "layer2", "layer3", "layer4"]


def _models() -> list[tuple[str, LoadedModel]]:
    models = [("efficientnet-lite0 (built-in)", load_model())]
    for name in ("resnet50", "efficientnet_b0", "convnext_tiny"):
        torch.manual_seed(0)
        module = torchvision.models.get_model(name, weights=None)
        models.append((name, load_model(module)))
    return models


def _peers(model: LoadedModel, layers: list[str], target: int) -> dict[str, Callable]:
    """One Grad-CAM call per layer for each installed peer (torch-cam: one call for all)."""
    module = model.module
    named = dict(module.named_modules())
    runs: dict[str, Callable[[torch.Tensor], None]] = {}
    try:
        from captum.attr import LayerGradCam

        explainers = [LayerGradCam(module, named[layer]) for layer in layers]

        def captum(x: torch.Tensor) -> None:
            for explainer in explainers:
                explainer.attribute(x, target=target, relu_attributions=True)

        runs["captum LayerGradCam"] = captum
    except ImportError:
        pass
    try:
        from pytorch_grad_cam import GradCAM
        from pytorch_grad_cam.utils.model_targets import ClassifierOutputTarget

        def pytorch_grad_cam(x: torch.Tensor) -> None:
            for layer in layers:
                with GradCAM(module, target_layers=[named[layer]]) as cam:
                    cam(x, targets=[ClassifierOutputTarget(target)])

        runs["pytorch-grad-cam GradCAM"] = pytorch_grad_cam
    except ImportError:
        pass
    try:
        from torchcam.methods import GradCAM as TorchCamGradCAM

        def torchcam(x: torch.Tensor) -> None:
            with TorchCamGradCAM(module, target_layer=list(layers)) as extractor:
                extractor(target, module(x))

        runs["torch-cam GradCAM"] = torchcam
    except ImportError:
        pass
    return runs


def _measure(contenders: dict[str, Callable[[torch.Tensor], object]], x: torch.Tensor):
    """Median seconds per contender, repetitions interleaved, after one warm-up each."""
    times: dict[str, list[float]] = {name: [] for name in contenders}
    for run in contenders.values():
        run(x)
    for _ in range(REPEATS):
        for name, run in contenders.items():
            start = time.perf_counter()
            run(x)
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(values) for name, values in times.items()}


def _report(title: str, medians: dict[str, float], target_ratio: float) -> None:
    forward = medians["bare forward"]
    print(f"\n{title}")
    for name, seconds in medians.items():
        ratio = seconds / forward
        mark = ""
        if name.startswith("gapviewer"):
            mark = "  OK" if ratio <= target_ratio else f"  ABOVE TARGET {target_ratio}x"
        print(f"  {name:<34} {seconds * 1000:8.1f} ms  {ratio:5.2f}x{mark}")


def _contenders(model: LoadedModel, layers: list[str], x: torch.Tensor):
    explainer = Explainer(model)
    with torch.no_grad():
        target = int(model.module(x).argmax())

    def bare(inputs: torch.Tensor) -> None:
        with torch.no_grad():
            model.module(inputs)

    def ours(inputs: torch.Tensor) -> None:
        explainer.clear_cache()
        explainer.explain(inputs, methods=["grad-cam"], layers=layers, target=target)

    label = "gapviewer grad-cam" + (" (one call)" if len(layers) > 1 else "")
    return {"bare forward": bare, label: ours, **_peers(model, layers, target)}


def main() -> None:
    torch.set_num_threads(THREADS)
    warnings.filterwarnings("ignore")
    print(
        f"Grad-CAM / bare forward, CPU {torch.get_num_threads()} threads, batch 1, 224x224, "
        f"median of {REPEATS} (torch {torch.__version__})"
    )
    x = torch.randn(1, 3, 224, 224, generator=torch.Generator().manual_seed(0))
    resnet50 = None
    for name, model in _models():
        layer = model.pre_gap_layer
        medians = _measure(_contenders(model, [layer], x), x)
        _report(f"{name}, pre-GAP layer {layer} (target <= 1.1x)", medians, 1.1)
        if name == "resnet50":
            resnet50 = model
    medians = _measure(_contenders(resnet50, STAGES, x), x)
    _report("resnet50, four stages layer1-layer4 (target <= 2x)", medians, 2.0)


if __name__ == "__main__":
    main()
