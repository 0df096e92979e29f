"""Generative Contribution Mappings (GCM): a classifier that draws its own evidence.

Source: "Intuitive Visualization Method for Image Classification Using Convolutional Neural
Networks" (IPSJ 2017). An encoder-decoder generates, for every class j, a Class Weight Map
M_CWM^(j) of the input's size R x C (eq. 1); tiled over the D input channels it is W^(j)
(eq. 2); the Class Contribution Map is M_CCM^(j) = W^(j) (.) I (eq. 3) and the class score is its
global average VS^(j) = <W^(j), I> / RCD (eqs. 4, 6, 7); the prediction is argmax_j VS^(j)
(eq. 5). The network is a linear classifier whose weights it generates per input (their Fig. 4).

How the shared decoder becomes class-specific (the paper leaves it open; our choice): the
encoder and the decoder trunk (Table 3 up to the last 3x3 convolution, 16 channels) run once per
image and are class-agnostic. Each class j owns a FiLM pair (gamma_j, beta_j) of 16 values that
modulates the trunk's features, F_j = F (.) gamma_j + beta_j, and the one shared final 5x5
convolution turns F_j into M_CWM^(j). Every decoder weight is shared, so the decoder's parameter
count does not depend on the number of classes (only the 2 x 16 x K modulation table does), and
running the final convolution K times keeps training cheap. Equations 2-7 are computed literally.
"""

from __future__ import annotations

import torch
from torch import nn

from .models import register_architecture

ARCHITECTURE = "gcm"
TRUNK_CHANNELS = 16


def _conv_bn_relu(cin: int, cout: int, stride: int = 1) -> list[nn.Module]:
    return [
        nn.Conv2d(cin, cout, 3, stride=stride, padding=1, bias=False),
        nn.BatchNorm2d(cout),
        nn.ReLU(inplace=True),
    ]


def _deconv_bn_relu(cin: int, cout: int) -> list[nn.Module]:
    """Transposed 3x3 convolution with stride 2: exactly doubles the height and width."""
    return [
        nn.ConvTranspose2d(cin, cout, 3, stride=2, padding=1, output_padding=1, bias=False),
        nn.BatchNorm2d(cout),
        nn.ReLU(inplace=True),
    ]


def gcm_encoder(in_channels: int) -> nn.Sequential:
    """Table 3 encoder: conv 3x3 c16 x4, c32 stride 2, c32 x2, c64 stride 2, c64 x2 (BN + ReLU)."""
    layers = _conv_bn_relu(in_channels, 16)
    for _ in range(3):
        layers += _conv_bn_relu(16, 16)
    layers += _conv_bn_relu(16, 32, stride=2)
    for _ in range(2):
        layers += _conv_bn_relu(32, 32)
    layers += _conv_bn_relu(32, 64, stride=2)
    for _ in range(2):
        layers += _conv_bn_relu(64, 64)
    return nn.Sequential(*layers)


def gcm_decoder_trunk() -> nn.Sequential:
    """Table 3 decoder up to its 16-channel features: deconv c32 s2, conv c32, deconv c16 s2,
    conv c16 (BN + ReLU). Back at the input's height and width (which must divide by 4)."""
    return nn.Sequential(
        *_deconv_bn_relu(64, 32),
        *_conv_bn_relu(32, 32),
        *_deconv_bn_relu(32, TRUNK_CHANNELS),
        *_conv_bn_relu(TRUNK_CHANNELS, TRUNK_CHANNELS),
    )


class ClassModulation(nn.Module):
    """Per-class FiLM of shared features: (B, F, R, C) -> (B, K, F, R, C),
    F_j = F (.) gamma_j + beta_j. The only parameters that grow with the class count.

    gamma starts as standard normal draws, like the rows of a fresh linear classifier: with
    near-identical classes at the start, sum_j (p_j - y_j) = 0 would cancel the shared
    decoder's gradient and training would stall.
    """

    def __init__(self, num_classes: int, channels: int) -> None:
        super().__init__()
        self.gamma = nn.Parameter(torch.randn(num_classes, channels))
        self.beta = nn.Parameter(torch.zeros(num_classes, channels))

    def forward(self, features: torch.Tensor) -> torch.Tensor:
        scale = self.gamma[None, :, :, None, None]
        shift = self.beta[None, :, :, None, None]
        return features[:, None] * scale + shift


class GenerativeContributionMapping(nn.Module):
    """GCM classifier: forward(I) -> class scores VS (B, K), each the mean of its CCM (eq. 4).

    `relu=True` is the paper's variant with ReLU after the last decoder layer (non-negative
    CWMs). Input height and width must be multiples of 4 (two stride-2 stages).
    """

    def __init__(self, num_classes: int = 10, in_channels: int = 3, relu: bool = False) -> None:
        super().__init__()
        self.num_classes = num_classes
        self.relu = relu
        self.encoder = gcm_encoder(in_channels)
        self.decoder = gcm_decoder_trunk()
        self.modulation = ClassModulation(num_classes, TRUNK_CHANNELS)
        self.weight_map = nn.Conv2d(TRUNK_CHANNELS, 1, 5, padding=2)

    def shared_decoder_parameters(self) -> int:
        """Parameters of the decoder every class shares (trunk and final 5x5 convolution)."""
        return sum(p.numel() for m in (self.decoder, self.weight_map) for p in m.parameters())

    def class_weight_maps(self, image: torch.Tensor) -> torch.Tensor:
        """M_CWM (B, K, R, C) for the input I (B, D, R, C) (eq. 1)."""
        batch, _, rows, cols = image.shape
        if rows % 4 or cols % 4:
            raise ValueError(f"GCM needs height and width divisible by 4, got {rows} x {cols}")
        features = self.decoder(self.encoder(image))
        per_class = self.modulation(features).flatten(0, 1)
        maps = self.weight_map(per_class).view(batch, self.num_classes, rows, cols)
        return maps.relu() if self.relu else maps

    def class_contribution_maps(self, image: torch.Tensor) -> torch.Tensor:
        """M_CCM (B, K, D, R, C) = Tile(M_CWM) (.) I (eqs. 2-3)."""
        weights = self.class_weight_maps(image)
        tiled = weights[:, :, None].expand(-1, -1, image.shape[1], -1, -1)
        return tiled * image[:, None]

    def forward(self, image: torch.Tensor) -> torch.Tensor:
        """VS^(j) = global average of M_CCM^(j) over R x C x D (eqs. 4, 6)."""
        return self.class_contribution_maps(image).mean(dim=(2, 3, 4))


def build_gcm(num_classes: int = 10, in_channels: int = 3, relu: bool = False) -> nn.Module:
    """Builder registered as architecture "gcm" (options: in_channels, relu)."""
    return GenerativeContributionMapping(num_classes, in_channels=in_channels, relu=relu)


register_architecture(ARCHITECTURE, build_gcm)
