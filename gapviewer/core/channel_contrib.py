"""Per-channel contribution: which input channels (spectral bands, sensors) mattered for a class.

Gradient x input (Shrikumar et al., "Not Just a Black Box", 2016; the gradient as in Simonyan et
al., ICLR 2014 workshop) summed over all positions of each input channel, and the same divided by
the explained score: the input contribution ratios of the layer-wise method (Hitachi, "Model
inverse analysis", SCIENCE.md sec. 4) summed per channel.

Why the ratio is exact for networks of convolution, linear, batch-norm (eval), ReLU and
max-pooling layers: by induction from the output, every unit y has share beta(y -> p) =
y dp/dy / p. A linear unit y_j = sum_i x_i w_ji + b_j passes x_i w_ji / y_j of its share to x_i,
so beta(x_i -> p) = x_i / p sum_j w_ji dp/dy_j = x_i dp/dx_i / p; ReLU passes the share of an
active unit unchanged (derivative 1) and an inactive unit has y = 0, hence share 0 (derivative
0); max-pooling gives everything to the arg-max input, as its gradient does. Biases keep the rest:
sum_i beta(x_i -> p) = 1 - (bias shares).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from .capture import frozen_parameters
from .models import LoadedModel


@dataclass(frozen=True)
class ChannelContribution:
    """Per input channel: `values` = sum over positions of x dS/dx; `shares` = values / S."""

    values: np.ndarray  # (C,) float64
    shares: np.ndarray  # (C,) float64; NaN when the score is 0
    target: int
    score: float
    channel_names: tuple[str, ...]

    def ranked(self) -> list[tuple[str, float]]:
        """(channel name, value) from the largest |value| down: the bands that mattered most."""
        order = np.argsort(-np.abs(self.values), kind="stable")
        return [(self.channel_names[i], float(self.values[i])) for i in order]


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
) -> ChannelContribution:
    """Gradient x input per channel of the model input for class `target` (top-1 by default;
    an index or a class name). `source` is anything `model.to_input` accepts."""
    from .explain import Explainer

    inputs = model.to_input(source).detach().clone().requires_grad_(True)
    with frozen_parameters(model.module), torch.enable_grad():
        output = model.module(inputs)
        index = Explainer(model).resolve_target(target, output.detach())
        if not isinstance(index, int):
            raise ValueError("per-channel contribution explains a class of a classifier")
        score = output[0, index]
        (gradient,) = torch.autograd.grad(score, inputs)
    values = sum_per_channel((inputs * gradient)[0])
    value = float(score.detach())
    shares = values / value if value != 0 else np.full_like(values, np.nan)
    names = channel_names or tuple(f"channel {i}" for i in range(len(values)))
    if len(names) != len(values):
        raise ValueError(f"{len(names)} channel names for {len(values)} channels")
    return ChannelContribution(values, shares, index, value, tuple(names))
