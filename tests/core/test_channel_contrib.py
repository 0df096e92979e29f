"""core.channel_contrib: the per-channel contribution ratios against captum's LRP (a peer used
only here), the measure switch, and cancellation."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch import nn

from gapviewer.core.capture import Cancelled, CancelToken
from gapviewer.core.channel_contrib import CHANNEL_MEASURES, channel_contributions
from gapviewer.core.models import load_model


class _Flattened(nn.Module):
    """(1, K, 1, 1) class scores -> (1, K) for gapviewer; captum reads `net` itself."""

    def __init__(self, net: nn.Module) -> None:
        super().__init__()
        self.net = net

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x).flatten(1)


def _band_net() -> nn.Sequential:
    """Conv -> ReLU -> max-pool -> conv -> ReLU -> GAP -> 1x1 conv classifier, with biases."""
    torch.manual_seed(0)
    return nn.Sequential(
        nn.Conv2d(4, 6, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 5, 3, padding=1), nn.ReLU(), nn.AdaptiveAvgPool2d(1),
        nn.Conv2d(5, 3, 1),
    ).eval()


def test_contribution_ratios_match_captum_lrp_per_channel():
    """LRP-epsilon relevance (Bach et al. 2015) with the biases absorbing their terms equals
    beta(x -> p) * p for conv/ReLU/max-pool/average-pool networks (SCIENCE.md sec. 4)."""
    from captum.attr import LRP

    net = _band_net()
    model = load_model(_Flattened(net), input_size=(8, 8), in_channels=4, classes=list("abc"))
    x = torch.rand(1, 4, 8, 8, generator=torch.Generator().manual_seed(1))
    for target in range(3):
        result = channel_contributions(model, x, target=target)
        relevance = LRP(net).attribute(x.clone().requires_grad_(True), target=(target, 0, 0))
        score = float(net(x)[0, target, 0, 0].detach())
        expected = relevance[0].detach().double().sum((1, 2)).numpy() / score
        assert result.score == pytest.approx(score, rel=1e-5)
        np.testing.assert_allclose(result.shares, expected, rtol=2e-4, atol=1e-6)
        assert abs(1 - result.shares.sum()) > 1e-3  # the biases keep a visible part of 1


def test_measure_picks_one_array_and_ranks_by_it():
    net = _band_net()
    model = load_model(_Flattened(net), input_size=(8, 8), in_channels=4, classes=list("abc"))
    result = channel_contributions(model, torch.rand(1, 4, 8, 8), target=2,
                                   channel_names=tuple("pqrs"))
    assert CHANNEL_MEASURES == ("gradient-x-input", "contribution-ratio")
    assert result.measure("gradient-x-input") is result.values
    assert result.measure("contribution-ratio") is result.shares
    by_share = result.ranked("contribution-ratio")
    assert [value for _, value in by_share] == sorted(result.shares.tolist(), key=abs,
                                                      reverse=True)
    with pytest.raises(ValueError, match="unknown per-channel measure"):
        result.measure("saliency")


def test_a_cancelled_token_stops_before_any_pass():
    net = _band_net()
    model = load_model(_Flattened(net), input_size=(8, 8), in_channels=4, classes=list("abc"))
    calls = []
    net[0].register_forward_hook(lambda *args: calls.append(1))
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        channel_contributions(model, torch.rand(1, 4, 8, 8), target=0, cancel=token)
    assert not calls
