"""Named layers, their output shapes, and the GAP / pre-GAP layers, verified numerically.

The pre-GAP layer is the one whose output A (B, m, *S) satisfies mean_S(A) == x, where x is what
the classifier (the linear layer after pooling) receives: the patent's v_GAP (eq. q1). Detection
runs one probe forward and checks that identity, so it works for nn.AdaptiveAvgPool, a functional
`mean` in forward, flatten/dropout between pooling and head, and 1-D models alike.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
from torch import nn

from .capture import first_tensor, hooks

_POOL_TYPES = (nn.AdaptiveAvgPool1d, nn.AdaptiveAvgPool2d, nn.AvgPool1d, nn.AvgPool2d)


@dataclass(frozen=True)
class LayerInfo:
    """One named module and the shape of its output for a single input (batch dim left out)."""

    name: str
    kind: str
    shape: tuple[int, ...]

    @property
    def spatial(self) -> tuple[int, ...]:
        """The grid (L,) or (H, W) of a (C, L) / (C, H, W) output; () for vectors."""
        return self.shape[1:] if len(self.shape) in (2, 3) else ()

    @property
    def has_grid(self) -> bool:
        """True when a map over positions makes sense here (more than one position)."""
        return math.prod(self.spatial) > 1 if self.spatial else False


@dataclass(frozen=True)
class GapInfo:
    """Where global average pooling happens and what reads its output."""

    pre_gap_layer: str
    gap_layer: str | None  # the pooling module; None when the mean is taken in a forward()
    classifier_layer: str | None  # the nn.Linear that receives v_GAP, if one does
    classifier_is_output: bool  # its output is the model's output (CAM needs a linear head)
    channels: int
    grid: tuple[int, ...]
    activation: str | None = None  # applied in forward() between pre-GAP layer and pooling


@dataclass(frozen=True)
class Inspection:
    layers: tuple[LayerInfo, ...]
    gap: GapInfo | None
    gap_problem: str | None  # why no GAP was found, for error messages


def _matches(candidate: torch.Tensor, target: torch.Tensor) -> bool:
    scale = float(target.abs().max()) if target.numel() else 0.0
    return candidate.shape == target.shape and torch.allclose(
        candidate, target, rtol=1e-4, atol=1e-5 * scale + 1e-7
    )


def inspect_model(model: nn.Module, example: torch.Tensor) -> Inspection:
    """Probe `model` once with `example` (1, C, *size): layer shapes and verified GAP detection."""
    if isinstance(model, torch.jit.ScriptModule):  # TorchScript takes no hooks: nothing to see
        with torch.no_grad():
            model(example)
        return Inspection((), None, "a TorchScript module hides its layers from hooks")
    records: list[tuple[str, nn.Module, torch.Tensor | None, torch.Tensor | None]] = []
    handles: list[torch.utils.hooks.RemovableHandle] = []

    def make_hook(name: str):
        def hook(module: nn.Module, inputs: tuple, output: object) -> None:
            out = first_tensor(output)
            first_in = inputs[0] if inputs and isinstance(inputs[0], torch.Tensor) else None
            keep_in = first_in is not None and (isinstance(module, (nn.Linear, *_POOL_TYPES)))
            records.append(
                (
                    name,
                    module,
                    first_in.detach().clone() if keep_in else None,
                    out.detach().clone() if out is not None else None,
                )
            )

        return hook

    with hooks(handles), torch.no_grad():
        for name, module in model.named_modules():
            if name:
                handles.append(module.register_forward_hook(make_hook(name)))
        final = first_tensor(model(example))

    layers: dict[str, LayerInfo] = {}
    for name, module, _, out in records:
        if out is not None and name not in layers:
            layers[name] = LayerInfo(name, type(module).__name__, tuple(out.shape[1:]))
    order = {name: index for index, (name, _) in enumerate(model.named_modules())}
    ordered = tuple(sorted(layers.values(), key=lambda info: order[info.name]))
    gap, problem = _find_gap(records, final)
    return Inspection(ordered, gap, problem)


def _producer(records: list, before: int, pooled: torch.Tensor) -> tuple[int, str] | None:
    """The last module before `before` whose output, spatially averaged, equals `pooled`.

    Searching backwards finds the outermost module returning that tensor ("layer4", not
    "layer4.2.relu"): a container's hook fires after its children's. A ReLU applied functionally
    between the layer and the pooling (torchvision DenseNet) is accepted and reported.
    """
    for activation in (None, "relu"):
        for position in range(before - 1, -1, -1):
            out = records[position][3]
            if out is None or out.dim() not in (3, 4) or math.prod(out.shape[2:]) <= 1:
                continue
            if out.shape[1] != pooled.shape[1]:
                continue
            features = out.relu() if activation == "relu" else out
            if _matches(features.flatten(2).mean(-1), pooled):
                return position, activation
    return None


def _find_gap(records: list, final: torch.Tensor | None) -> tuple[GapInfo | None, str | None]:
    for index, (name, module, pooled, output) in reversed(list(enumerate(records))):
        if not (isinstance(module, nn.Linear) and pooled is not None and pooled.dim() == 2):
            continue
        found = _producer(records, index, pooled)
        if found is None:
            continue
        pre, activation = found
        gap_name = next(
            (
                records[position][0]
                for position in range(pre + 1, index)
                if isinstance(records[position][1], _POOL_TYPES)
                and records[position][3] is not None
                and _matches(records[position][3].flatten(1), pooled)
            ),
            None,
        )
        is_output = final is not None and output is not None and _matches(output, final)
        return _info(records[pre], activation, gap_name, name, is_output), None
    # No linear layer reads v_GAP directly (e.g. ConvNeXt normalises it first): the pooling
    # module itself still defines v_GAP, so the GAP family applies; CAM does not.
    for index, (name, module, _, output) in reversed(list(enumerate(records))):
        if isinstance(module, _POOL_TYPES) and output is not None and output[0, 0].numel() == 1:
            found = _producer(records, index, output.flatten(1))
            if found is not None:
                return _info(records[found[0]], found[1], name, None, False), None
    return None, (
        "no layer's spatial average is pooled into the classifier, so the model has no global "
        "average pooling (GAP) before its head"
    )


def _info(
    record: tuple, activation: str | None, gap: str | None, classifier: str | None, is_output: bool
) -> GapInfo:
    name, _, _, out = record
    return GapInfo(
        name, gap, classifier, is_output, int(out.shape[1]), tuple(out.shape[2:]), activation
    )
