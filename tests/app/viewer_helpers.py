"""Helpers for the viewer tests: a tiny seeded GAP classifier and generated image files."""

from __future__ import annotations

import numpy as np
import torch
from PIL import Image
from torch import nn

from gapviewer.app.state import ModelSpec

CLASSES = ["ant", "bee", "cat", "dog"]
WAIT_MS = 30_000


class TinyNet(nn.Module):
    """conv (stride 4) -> relu -> conv `features` (stride 2) -> relu `act` (pre-GAP 8 x 28 x 28
    at 224 x 224) -> GAP `pool` -> linear `classifier` (4 classes)."""

    def __init__(self) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(3, 6, 3, stride=4, padding=1)
        self.relu1 = nn.ReLU()
        self.features = nn.Conv2d(6, 8, 3, stride=2, padding=1)
        self.act = nn.ReLU()
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.flatten = nn.Flatten()
        self.classifier = nn.Linear(8, 4)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.act(self.features(self.relu1(self.conv1(x))))
        return self.classifier(self.flatten(self.pool(x)))


def tiny_net() -> TinyNet:
    torch.manual_seed(0)
    return TinyNet().eval()


def tiny_spec(module: nn.Module | None = None) -> ModelSpec:
    return ModelSpec("module", module or tiny_net(), classes=list(CLASSES))


def write_images(folder, count: int, size: int = 48, seed: int = 0) -> list[str]:
    """`count` distinct seeded PNG files named img00.png, img01.png, ..."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    paths = []
    for index in range(count):
        pixels = rng.integers(0, 256, (size, size + 8, 3), dtype=np.uint8)
        path = folder / f"img{index:02d}.png"
        Image.fromarray(pixels).save(path)
        paths.append(str(path))
    return paths


def wait_idle(qtbot, win) -> None:
    """Wait until the window's engine has nothing queued, running or undelivered."""
    qtbot.waitUntil(lambda: win.controller.idle, timeout=WAIT_MS)
