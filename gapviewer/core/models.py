"""Loading classifiers: the built-in EfficientNet-Lite0, torchvision architectures plus a weights
file, gapviewer's own .safetensors files (architecture and classes in their metadata), and modules
already in memory. Every model comes back as a `LoadedModel` with its layers and GAP inspected.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from . import builtin_model
from .layers import GapInfo, Inspection, LayerInfo, inspect_model
from .model_files import ModelLoadError, WeightsFile, gapviewer_metadata, read_weights

if TYPE_CHECKING:
    from .multichannel import ChannelPreprocessing
    from .signals import SignalPreprocessing

log = logging.getLogger(__name__)

BUILTIN = "efficientnet-lite0"
IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)

# name -> builder(num_classes, **options); other modules register more (GCM, 1-D CNNs).
ARCHITECTURES: dict[str, Callable[..., nn.Module]] = {
    BUILTIN: lambda num_classes=1000, **_: builtin_model.EfficientNetLite0(num_classes),
}


def register_architecture(name: str, builder: Callable[..., nn.Module]) -> None:
    """Make `name` loadable from weights files whose metadata names it."""
    ARCHITECTURES[name] = builder


@cache
def imagenet_class_names() -> tuple[str, ...]:
    """The 1000 ImageNet class names from torchvision's weights metadata (no download)."""
    from torchvision.models import ResNet50_Weights

    return tuple(ResNet50_Weights.IMAGENET1K_V2.meta["categories"])


def torchvision_classifiers() -> list[str]:
    """Names of torchvision's image classification architectures."""
    import torchvision.models as tvm

    return sorted(tvm.list_models(module=tvm))


@dataclass(frozen=True)
class Preprocessing:
    """Resize the whole image to `size` (no crop, so the map covers all of it), then normalise."""

    size: tuple[int, ...]
    mean: tuple[float, ...]
    std: tuple[float, ...]

    def __call__(self, pixels: np.ndarray) -> torch.Tensor:
        """H x W x C uint8 -> (1, C, *size) float32."""
        x = torch.tensor(pixels).permute(2, 0, 1)[None].float() / 255
        if tuple(x.shape[2:]) != self.size:
            x = F.interpolate(
                x, size=self.size, mode="bilinear", align_corners=False, antialias=True
            )
        mean = torch.tensor(self.mean).view(1, -1, 1, 1)
        std = torch.tensor(self.std).view(1, -1, 1, 1)
        return (x - mean) / std


class LoadedModel:
    """A classifier ready to explain: module in eval mode, class names, preprocessing, layers."""

    def __init__(
        self,
        module: nn.Module,
        class_names: Sequence[str],
        preprocessing: Preprocessing | SignalPreprocessing | ChannelPreprocessing,
        *,
        architecture: str,
        source: str,
        in_channels: int = 3,
        device: str | torch.device = "cpu",
    ) -> None:
        self.device = torch.device(device)
        self.module = module.eval().to(self.device)
        self.class_names = list(class_names)
        self.preprocessing = preprocessing
        self.architecture = architecture
        self.source = source
        self.in_channels = in_channels
        self.inspection: Inspection = inspect_model(self.module, self.example_input())
        out = next(
            (layer.shape for layer in reversed(self.inspection.layers) if len(layer.shape) == 1),
            None,
        )
        if (
            out is not None
            and self.gap
            and self.gap.classifier_is_output
            and out[0] != len(self.class_names)
        ):
            raise ModelLoadError(
                f"{source}: the model has {out[0]} outputs but {len(self.class_names)} class names"
            )

    def example_input(self) -> torch.Tensor:
        """A seeded random input of the model's shape (probing never touches the global RNG)."""
        generator = torch.Generator().manual_seed(0)
        shape = (1, self.in_channels, *self.preprocessing.size)
        return torch.randn(shape, generator=generator).to(self.device)

    @property
    def layers(self) -> tuple[LayerInfo, ...]:
        return self.inspection.layers

    @property
    def gap(self) -> GapInfo | None:
        return self.inspection.gap

    @property
    def gap_layer(self) -> str | None:
        return self.gap.gap_layer if self.gap else None

    @property
    def pre_gap_layer(self) -> str | None:
        return self.gap.pre_gap_layer if self.gap else None

    @property
    def num_classes(self) -> int:
        return len(self.class_names)

    def layer(self, name: str) -> LayerInfo:
        for info in self.layers:
            if info.name == name:
                return info
        raise KeyError(f"unknown layer {name!r}; see `gapviewer layers` for valid names")

    def to_input(self, image: object) -> torch.Tensor:
        """Path, PIL image, H x W x C array, LoadedImage or preprocessed tensor -> (1, C, *size)."""
        from .images import LoadedImage, image_from_array, image_from_pil, load_image

        if isinstance(image, torch.Tensor):
            x = image if image.dim() == len(self.preprocessing.size) + 2 else image[None]
            return x.to(self.device, torch.float32)
        if not isinstance(self.preprocessing, Preprocessing):  # signals, multi-channel images
            return self.preprocessing.load(image).to(self.device)
        if isinstance(image, (str, Path)):
            image = load_image(image)
        elif isinstance(image, np.ndarray):
            image = image_from_array(image)
        elif not isinstance(image, LoadedImage):
            image = image_from_pil(image)
        return self.preprocessing(image.pixels).to(self.device)

    def describe(self) -> str:
        gap = self.gap
        where = (
            f"pre-GAP {gap.pre_gap_layer} {gap.channels}x{'x'.join(map(str, gap.grid))}"
            if gap
            else "no GAP"
        )
        return (
            f"{self.architecture} ({self.source}): {self.num_classes} classes, "
            f"input {'x'.join(map(str, self.preprocessing.size))}, {where}"
        )


def load_model(
    spec: str | Path | nn.Module | None = None,
    *,
    weights: str | Path | None = None,
    classes: str | Path | Sequence[str] | None = None,
    trust: bool = False,
    device: str = "cpu",
    input_size: Sequence[int] | None = None,
    mean: Sequence[float] | None = None,
    std: Sequence[float] | None = None,
    in_channels: int = 3,
) -> LoadedModel:
    """Load a classifier.

    spec: None or "efficientnet-lite0" (built-in, ImageNet weights); a torchvision architecture
    name with `weights` (random initialisation without); a gapviewer .safetensors file; a trusted
    full-model file; or an nn.Module. `weights` without `spec` is read as a model file.
    `classes`: list or file with one name per line.
    """
    device = _resolve_device(device)
    if isinstance(spec, nn.Module):
        size = tuple(input_size or (224, 224))
        names = _class_names(classes, None, _output_count(spec, in_channels, size))
        prep = _preprocessing(size, mean, std, in_channels)
        return LoadedModel(
            spec,
            names,
            prep,
            architecture=type(spec).__name__,
            source="in memory",
            in_channels=in_channels,
            device=device,
        )
    if spec is None and weights is not None:
        # weights alone: a model file that names its own architecture (gapviewer .safetensors)
        return _load_file(Path(weights), classes, trust, device, input_size, mean, std)
    if spec is None or (spec == BUILTIN and weights is None):
        prep = Preprocessing(
            tuple(input_size or builtin_model.INPUT_SIZE),
            tuple(mean or builtin_model.MEAN),
            tuple(std or builtin_model.STD),
        )
        names = _class_names(classes, None, 1000)
        return LoadedModel(
            builtin_model.build_pretrained(),
            names,
            prep,
            architecture=BUILTIN,
            source=f"ImageNet weights from {builtin_model.weights_path().name}",
            device=device,
        )
    if isinstance(spec, Path) or (
        isinstance(spec, str) and Path(spec).suffix and Path(spec).exists()
    ):
        return _load_file(Path(spec), classes, trust, device, input_size, mean, std)
    return _load_architecture(str(spec), weights, classes, trust, device, input_size, mean, std)


def _resolve_device(device: str) -> str:
    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if device.startswith("cuda") and not torch.cuda.is_available():
        raise ModelLoadError("CUDA was asked for but no CUDA device is available")
    return device


def _output_count(module: nn.Module, channels: int, size: tuple[int, ...]) -> int:
    with torch.no_grad():
        return int(module.eval()(torch.zeros(1, channels, *size)).shape[-1])


def _class_names(
    classes: str | Path | Sequence[str] | None, sidecar: Path | None, count: int
) -> list[str]:
    names: list[str] | None = None
    if isinstance(classes, (str, Path)):
        names = read_class_names(Path(classes))
    elif classes is not None:
        names = [str(name) for name in classes]
    elif sidecar is not None and sidecar.is_file():
        names = read_class_names(sidecar)
    if names is None:
        return (
            list(imagenet_class_names()) if count == 1000 else [f"class {i}" for i in range(count)]
        )
    if len(names) != count:
        raise ModelLoadError(f"{len(names)} class names given but the model has {count} outputs")
    return names


def read_class_names(path: Path) -> list[str]:
    """Class names, one per line (blank lines ignored); ModelLoadError when unreadable."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise ModelLoadError(f"{path.name}: cannot read class names ({error})") from error
    return [line.strip() for line in lines if line.strip()]


def _preprocessing(
    size: tuple[int, ...],
    mean: Sequence[float] | None,
    std: Sequence[float] | None,
    channels: int,
    sample_rate: float | None = None,
) -> Preprocessing | SignalPreprocessing | ChannelPreprocessing:
    """Image preprocessing for 2-D inputs of up to 3 channels (ImageNet statistics by default);
    signals (1-D size) and images of more than 3 channels read arrays (0 mean, 1 std default)."""
    if len(size) == 1:
        from .signals import SignalPreprocessing

        return SignalPreprocessing(
            size, tuple(mean or (0.0,)), tuple(std or (1.0,)), channels, sample_rate
        )
    if channels > 3:
        from .multichannel import ChannelPreprocessing

        return ChannelPreprocessing(size, tuple(mean or (0.0,)), tuple(std or (1.0,)), channels)
    return Preprocessing(
        size, tuple(mean or IMAGENET_MEAN[:channels]), tuple(std or IMAGENET_STD[:channels])
    )


def _torchvision_preprocessing(name: str) -> Preprocessing:
    import torchvision.models as tvm

    try:
        transforms = tvm.get_model_weights(name).DEFAULT.transforms()
        size = tuple(transforms.crop_size) * (2 if len(transforms.crop_size) == 1 else 1)
        return Preprocessing(tuple(size[:2]), tuple(transforms.mean), tuple(transforms.std))
    except (ValueError, AttributeError, KeyError):
        return Preprocessing((224, 224), IMAGENET_MEAN, IMAGENET_STD)


def _final_layer_key(module: nn.Module, state: dict[str, torch.Tensor]) -> str | None:
    last = None
    for name, child in module.named_modules():
        if isinstance(child, (nn.Linear, nn.Conv2d, nn.Conv1d)) and f"{name}.weight" in state:
            last = f"{name}.weight"
    return last


def _build(name: str, num_classes: int, options: dict) -> nn.Module:
    import torchvision.models as tvm

    from . import gcm, signal_models, small_cnn  # noqa: F401  (register trainable architectures)

    if name in ARCHITECTURES:
        return ARCHITECTURES[name](num_classes=num_classes, **options)
    if name not in tvm.list_models(module=tvm):
        raise ModelLoadError(
            f"unknown architecture {name!r}: use a torchvision classifier name (e.g. resnet50) "
            f"or one of {', '.join(sorted(ARCHITECTURES))}"
        )
    extra = (
        {"aux_logits": False, "init_weights": False}
        if name in ("inception_v3", "googlenet")
        else {}
    )
    return tvm.get_model(name, weights=None, num_classes=num_classes, **extra)


def _load_state(module: nn.Module, state: dict[str, torch.Tensor], source: str, arch: str) -> None:
    expected = module.state_dict()
    missing = [k for k in expected if k not in state]
    unexpected = [k for k in state if k not in expected]
    wrong = [k for k in expected if k in state and state[k].shape != expected[k].shape]
    if missing or unexpected or wrong:
        parts = []
        for label, keys in (
            ("missing", missing),
            ("unexpected", unexpected),
            ("wrong shape", wrong),
        ):
            if keys:
                parts.append(
                    f"{len(keys)} {label} ({', '.join(keys[:3])}{' ...' if len(keys) > 3 else ''})"
                )
        raise ModelLoadError(
            f"{source}: weights do not fit architecture {arch}: {'; '.join(parts)}"
        )
    module.load_state_dict(state)


def _load_architecture(name, weights, classes, trust, device, input_size, mean, std) -> LoadedModel:
    if name == BUILTIN:
        prep = Preprocessing(builtin_model.INPUT_SIZE, builtin_model.MEAN, builtin_model.STD)
    else:
        prep = _torchvision_preprocessing(name)
    prep = Preprocessing(
        tuple(input_size or prep.size), tuple(mean or prep.mean), tuple(std or prep.std)
    )
    if weights is None:
        log.warning("%s has random weights: no weights file was given", name)
        count = len(classes) if isinstance(classes, (list, tuple)) else 1000
        names = _class_names(classes, None, count)
        return LoadedModel(
            _build(name, len(names), {}),
            names,
            prep,
            architecture=name,
            source="random initialisation",
            device=device,
        )
    file = read_weights(weights, trust=trust)
    if file.module is not None:
        return _from_module_file(file, classes, device, prep)
    probe = _build(name, 1000, {})
    key = _final_layer_key(probe, file.state_dict)
    count = int(file.state_dict[key].shape[0]) if key else 1000
    names = _class_names(classes, Path(f"{file.path}.classes.txt"), count)
    module = _build(name, count, {}) if count != 1000 else probe
    _load_state(module, file.state_dict, file.path.name, name)
    return LoadedModel(module, names, prep, architecture=name, source=file.path.name, device=device)


def _load_file(path, classes, trust, device, input_size, mean, std) -> LoadedModel:
    file = read_weights(path, trust=trust)
    meta = gapviewer_metadata(file)
    if file.module is not None:
        prep = Preprocessing(
            tuple(input_size or (224, 224)),
            tuple(mean or IMAGENET_MEAN),
            tuple(std or IMAGENET_STD),
        )
        return _from_module_file(file, classes, device, prep)
    if "architecture" not in meta:
        raise ModelLoadError(
            f"{path.name}: a bare state dict; name its architecture too "
            "(e.g. `--model resnet50 --weights FILE`)"
        )
    names = meta.get("class_names") or None
    channels = int(meta.get("in_channels", 3))
    module = _build(
        meta["architecture"],
        int(meta.get("num_classes", len(names or []) or 1000)),
        dict(meta.get("options", {})),
    )
    _load_state(module, file.state_dict, path.name, meta["architecture"])
    size = tuple(input_size or meta.get("input_size") or (224, 224))
    prep = _preprocessing(
        size, mean or meta.get("mean"), std or meta.get("std"), channels, meta.get("sample_rate")
    )
    count = _output_count(module, channels, size)
    return LoadedModel(
        module,
        _class_names(classes if classes is not None else names, None, count),
        prep,
        architecture=meta["architecture"],
        source=path.name,
        in_channels=channels,
        device=device,
    )


def _from_module_file(file: WeightsFile, classes, device, prep: Preprocessing) -> LoadedModel:
    count = _output_count(file.module, 3, prep.size)
    names = _class_names(classes, Path(f"{file.path}.classes.txt"), count)
    return LoadedModel(
        file.module,
        names,
        prep,
        architecture=type(file.module).__name__,
        source=f"{file.path.name} (trusted)",
        device=device,
    )
