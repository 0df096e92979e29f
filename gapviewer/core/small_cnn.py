"""A small GAP classifier for small images (digits, CIFAR-size): trains in minutes on a CPU.

conv blocks -> `features` (pre-GAP, width x R/4 x C/4) -> `pool` (GAP) -> `classifier` (linear):
the layout of the patent's model (convolutions, GAP, one fully connected layer), so every GAP
method (GAP-direction, CAM, ...) applies to it.
"""

from __future__ import annotations

import torch
from torch import nn

from .models import register_architecture

ARCHITECTURE = "small-gap-cnn"


def _block(cin: int, cout: int, stride: int) -> nn.Sequential:
    return nn.Sequential(
        nn.Conv2d(cin, cout, 3, stride=stride, padding=1, bias=False),
        nn.BatchNorm2d(cout),
        nn.ReLU(inplace=True),
    )


class SmallGapCNN(nn.Module):
    """Five 3x3 conv-BN-ReLU blocks (two with stride 2), GAP, one linear layer."""

    def __init__(self, num_classes: int = 10, in_channels: int = 3, width: int = 32) -> None:
        super().__init__()
        self.stem = _block(in_channels, width, 1)
        self.stage1 = _block(width, width, 2)
        self.stage2 = nn.Sequential(_block(width, 2 * width, 1), _block(2 * width, 2 * width, 2))
        self.features = _block(2 * width, 2 * width, 1)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.flatten = nn.Flatten()
        self.classifier = nn.Linear(2 * width, num_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.features(self.stage2(self.stage1(self.stem(x))))
        return self.classifier(self.flatten(self.pool(x)))


def build_small_gap_cnn(num_classes: int = 10, in_channels: int = 3, width: int = 32) -> nn.Module:
    """Builder registered as architecture "small-gap-cnn" (options: in_channels, width)."""
    return SmallGapCNN(num_classes, in_channels=in_channels, width=width)


register_architecture(ARCHITECTURE, build_small_gap_cnn)
