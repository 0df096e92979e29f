"""Tiny seeded GAP classifiers (1-D and 2-D) shared by the tests: `from tiny_models import ...`.

Keep their layer names and shapes stable; other test modules rely on them. (A module of its own,
not conftest.py: tests/app has a conftest.py too, and `from conftest import` would pick either.)
"""

from __future__ import annotations

import torch
from torch import nn

from gapviewer.core.models import LoadedModel, load_model

TINY_SIZE_2D = (20, 28)  # input H x W; pre-GAP grid 5 x 7 (two stride-2 convolutions)
TINY_LENGTH_1D = 52  # input length; pre-GAP grid 13


class TinyGapNet2d(nn.Module):
    """conv -> relu -> conv (`features`) -> relu (`relu2`, pre-GAP, 8 x 5 x 7) -> GAP (`pool`) ->
    flatten -> dropout -> linear (`classifier`, 4 classes)."""

    def __init__(self, num_classes: int = 4, in_channels: int = 3) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, 6, 3, stride=2, padding=1)
        self.relu1 = nn.ReLU()
        self.features = nn.Conv2d(6, 8, 3, stride=2, padding=1)
        self.relu2 = nn.ReLU()
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.flatten = nn.Flatten()
        self.dropout = nn.Dropout(0.5)
        self.classifier = nn.Linear(8, num_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.relu2(self.features(self.relu1(self.conv1(x))))
        return self.classifier(self.dropout(self.flatten(self.pool(x))))


class TinyGapNet1d(nn.Module):
    """Conv1d -> relu -> Conv1d (`features`, 6 x 13) -> mean over length in forward -> linear."""

    def __init__(self, num_classes: int = 3, in_channels: int = 2) -> None:
        super().__init__()
        self.conv1 = nn.Conv1d(in_channels, 5, 5, stride=2, padding=2)
        self.relu1 = nn.ReLU()
        self.features = nn.Conv1d(5, 6, 3, stride=2, padding=1)
        self.classifier = nn.Linear(6, num_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.classifier(self.features(self.relu1(self.conv1(x))).mean(dim=2))


class NoGapNet(nn.Module):
    """conv -> relu -> flatten -> linear: a grid layer but no global average pooling."""

    def __init__(self, num_classes: int = 4) -> None:
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3, stride=2, padding=1)
        self.relu = nn.ReLU()
        self.flatten = nn.Flatten()
        self.classifier = nn.Linear(4 * 10 * 14, num_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.classifier(self.flatten(self.relu(self.conv(x))))


def seeded(module: nn.Module, seed: int = 0) -> nn.Module:
    """Re-initialise every parameter from a fixed seed (independent of the global RNG state)."""
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for parameter in module.parameters():
            parameter.copy_(torch.randn(parameter.shape, generator=generator) * 0.5)
    return module.eval()


def tiny_loaded(kind: str = "2d", seed: int = 0) -> LoadedModel:
    """A LoadedModel around a freshly seeded tiny network: "2d", "1d" or "nogap"."""
    if kind == "1d":
        return load_model(
            seeded(TinyGapNet1d(), seed),
            input_size=(TINY_LENGTH_1D,),
            in_channels=2,
            mean=(0.0, 0.0),
            std=(1.0, 1.0),
        )
    module = TinyGapNet2d() if kind == "2d" else NoGapNet()
    return load_model(seeded(module, seed), input_size=TINY_SIZE_2D)
