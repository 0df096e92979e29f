"""1-D classifiers: the built-in small GAP CNN family and trusted user architectures.

The family (Conv1d/BatchNorm1d/ReLU blocks, AdaptiveAvgPool1d, Linear) is registered as
"gap-cnn1d" with `core.models.register_architecture`, so `gapviewer train` and gapviewer
.safetensors files can name it. Its pre-GAP layer is `features` (C x L/2^(blocks-1)): the
patent's n1 x 1 grid of regions for audio and spectra.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Mapping, Sequence
from pathlib import Path

import torch
from torch import nn

from .model_files import ModelLoadError, UntrustedFileError, read_weights
from .models import LoadedModel, Preprocessing, register_architecture
from .multichannel import ChannelPreprocessing
from .signals import SignalPreprocessing

ARCHITECTURE = "gap-cnn1d"


class GapCnn1d(nn.Module):
    """Blocks of Conv1d -> BatchNorm1d -> ReLU (max-pooling by 2 between blocks), global average
    pooling over time, one linear classifier: CAM's architecture (Zhou et al., CVPR 2016) in 1-D.
    """

    def __init__(
        self,
        num_classes: int,
        in_channels: int = 1,
        widths: Sequence[int] = (16, 32, 64),
        kernel_size: int = 7,
    ) -> None:
        super().__init__()
        layers: list[nn.Module] = []
        previous = in_channels
        for index, width in enumerate(widths):
            if index:
                layers.append(nn.MaxPool1d(2))
            layers += [
                nn.Conv1d(previous, width, kernel_size, padding=kernel_size // 2, bias=False),
                nn.BatchNorm1d(width),
                nn.ReLU(),
            ]
            previous = width
        self.features = nn.Sequential(*layers)
        self.pool = nn.AdaptiveAvgPool1d(1)
        self.flatten = nn.Flatten()
        self.classifier = nn.Linear(previous, num_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.classifier(self.flatten(self.pool(self.features(x))))


def build_gap_cnn1d(num_classes: int = 2, **options: object) -> GapCnn1d:
    """Builder for `register_architecture`: options in_channels, widths, kernel_size."""
    return GapCnn1d(num_classes, **options)


register_architecture(ARCHITECTURE, build_gap_cnn1d)


def signal_metadata(
    class_names: Sequence[str],
    length: int,
    *,
    in_channels: int = 1,
    sample_rate: float | None = None,
    mean: Sequence[float] = (0.0,),
    std: Sequence[float] = (1.0,),
    options: Mapping[str, object] | None = None,
) -> dict[str, str]:
    """The safetensors metadata that makes a trained GapCnn1d loadable with `load_model(path)`.

    `gapviewer train` (`core.training.save_model`) writes these keys too, plus its record."""
    info = {
        "architecture": ARCHITECTURE,
        "num_classes": len(class_names),
        "class_names": list(class_names),
        "input_size": [int(length)],
        "in_channels": int(in_channels),
        "sample_rate": sample_rate,
        "mean": list(mean),
        "std": list(std),
        "options": {"in_channels": int(in_channels), **dict(options or {})},
    }
    return {"gapviewer": json.dumps(info)}


def import_architecture(spec: str, *, trust: bool) -> type[nn.Module]:
    """The class named by "package.module:Class"; importing runs that module's code, so only
    with `trust=True` (the user vouches for the code)."""
    module_name, _, class_name = spec.partition(":")
    if not module_name or not class_name:
        raise ModelLoadError(f"{spec}: expected an architecture as package.module:Class")
    if not trust:
        raise UntrustedFileError(
            f"{spec}: importing a user architecture runs its code; trust it explicitly "
            "(--trust / trust=True) if you wrote it or trust its author"
        )
    try:
        module = importlib.import_module(module_name)
    except ImportError as error:
        raise ModelLoadError(f"{spec}: cannot import {module_name} ({error})") from error
    found = getattr(module, class_name, None)
    if not (isinstance(found, type) and issubclass(found, nn.Module)):
        raise ModelLoadError(f"{spec}: {class_name} is not an nn.Module class in {module_name}")
    return found


def load_user_model(
    spec: str,
    weights: str | Path,
    *,
    trust: bool,
    input_size: Sequence[int],
    in_channels: int = 1,
    classes: Sequence[str] | None = None,
    options: Mapping[str, object] | None = None,
    sample_rate: float | None = None,
    mean: Sequence[float] = (0.0,),
    std: Sequence[float] = (1.0,),
    device: str = "cpu",
) -> LoadedModel:
    """A trusted user architecture `package.module:Class(**options)` plus a state dict (read
    safely: safetensors or `torch.load(weights_only=True)`). A one-element `input_size` makes a
    signal model, two elements an image model (multi-channel when in_channels > 3)."""
    module = import_architecture(spec, trust=trust)(**dict(options or {}))
    file = read_weights(weights)
    try:
        module.load_state_dict(file.state_dict)
    except RuntimeError as error:
        first = str(error).strip().splitlines()
        raise ModelLoadError(
            f"{file.path.name}: weights do not fit {spec}: {' '.join(first[1:3] or first)}"
        ) from error
    size = tuple(int(n) for n in input_size)
    if len(size) == 1:
        prep = SignalPreprocessing(size, tuple(mean), tuple(std), in_channels, sample_rate)
    elif in_channels > 3 or len(mean) != in_channels:
        prep = ChannelPreprocessing(size, tuple(mean), tuple(std), in_channels)
    else:
        prep = Preprocessing(size, tuple(mean), tuple(std))
    with torch.no_grad():
        count = int(module.eval()(torch.zeros(1, in_channels, *size)).shape[-1])
    names = list(classes) if classes else [f"class {i}" for i in range(count)]
    if len(names) != count:
        raise ModelLoadError(f"{len(names)} class names given but the model has {count} outputs")
    return LoadedModel(
        module,
        names,
        prep,
        architecture=spec,
        source=f"{file.path.name} (trusted architecture)",
        in_channels=in_channels,
        device=device,
    )
