"""Per-channel contribution: which input channels (spectral bands, sensors) mattered for a class.

Two sums over all positions s of each input channel c, for the class score p (before softmax):
- gradient x input (Shrikumar et al., "Not Just a Black Box", 2016; the gradient as in Simonyan
  et al., ICLR 2014 workshop), in score units: G_c = sum_s x_cs dp/dx_cs;
- the input contribution ratios of the layer-wise method (Kakishita and Hattori, "model inverse
  analysis", SCIENCE.md sec. 4), a share of the score: B_c = sum_s beta(x_cs -> p), with
  beta(x_i -> p) = sum_j beta(y_j -> p) x_i w_ji / y_j chained from p down to the input (the
  biases take the rest of 1), computed by `core.methods.contribution`.

For networks of convolution, linear, batch-norm (eval), ReLU and max-pooling layers the two agree
up to the factor 1/p: by induction from the output every unit has share y dp/dy / p (a linear
unit passes x_i w_ji / y_j of its share to x_i; ReLU passes an active unit's share unchanged and
an inactive unit has none; max-pooling gives all to the arg-max input, as its gradient does).
With tanh or sigmoid they differ: the ratio rule passes shares through activations unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import torch
from torch import nn

from .capture import CancelToken, frozen_parameters
from .models import LoadedModel

ChannelMeasure = Literal["gradient-x-input", "contribution-ratio"]
CHANNEL_MEASURES: tuple[ChannelMeasure, ...] = ("gradient-x-input", "contribution-ratio")


@dataclass(frozen=True)
class ChannelContribution:
    """Per input channel: `values` = sum over positions of x dS/dx; `shares` = sum of the
    contribution ratios beta(x -> S) (the biases keep the rest of 1)."""

    values: np.ndarray  # (C,) float64
    shares: np.ndarray  # (C,) float64
    target: int
    score: float
    channel_names: tuple[str, ...]

    def measure(self, name: ChannelMeasure) -> np.ndarray:
        """The (C,) values of one measure: "gradient-x-input" (G_c) or "contribution-ratio"
        (B_c)."""
        if name == "gradient-x-input":
            return self.values
        if name == "contribution-ratio":
            return self.shares
        raise ValueError(f"unknown per-channel measure {name!r} ({', '.join(CHANNEL_MEASURES)})")

    def ranked(self, measure: ChannelMeasure = "gradient-x-input") -> list[tuple[str, float]]:
        """(channel name, value) from the largest |value| down: the bands that mattered most."""
        values = self.measure(measure)
        order = np.argsort(-np.abs(values), kind="stable")
        return [(self.channel_names[i], float(values[i])) for i in order]


def sum_per_channel(attribution: np.ndarray | torch.Tensor) -> np.ndarray:
    """(C, *S) attribution -> (C,) float64: the sum over every position of each channel."""
    values = (
        attribution.detach().cpu().double().numpy()
        if isinstance(attribution, torch.Tensor)
        else np.asarray(attribution, dtype=np.float64)
    )
    return values.reshape(values.shape[0], -1).sum(1)


def channel_contributions(
    model: LoadedModel,
    source: object,
    target: int | str | None = None,
    channel_names: tuple[str, ...] | None = None,
    cancel: CancelToken | None = None,
) -> ChannelContribution:
    """Gradient x input and contribution ratios per channel of the model input for class
    `target` (top-1 by default; an index or a class name). `source` is anything
    `model.to_input` accepts; `cancel` is checked before each pass (raises `Cancelled`)."""
    from .explain import Explainer
    from .methods.contribution import contribution_shares

    cancel = cancel or CancelToken()
    cancel.check()
    inputs = model.to_input(source).detach().clone().requires_grad_(True)
    with frozen_parameters(model.module), torch.enable_grad():
        output = model.module(inputs)
        index = Explainer(model).resolve_target(target, output.detach())
        if not isinstance(index, int):
            raise ValueError("per-channel contribution explains a class of a classifier")
        score = output[0, index]
        (gradient,) = torch.autograd.grad(score, inputs)
    values = sum_per_channel((inputs * gradient)[0])
    cancel.check()
    # The input itself is no module's output: an identity in front makes it one ("0").
    wrapped = nn.Sequential(nn.Identity(), model.module)
    ratios = contribution_shares(
        wrapped, inputs.detach(), ["0"], lambda out: out[0, index : index + 1], cancel=cancel
    )
    shares = sum_per_channel(ratios["0"][0])
    names = channel_names or tuple(f"channel {i}" for i in range(len(values)))
    if len(names) != len(values):
        raise ValueError(f"{len(names)} channel names for {len(values)} channels")
    return ChannelContribution(values, shares, index, float(score.detach()), tuple(names))
