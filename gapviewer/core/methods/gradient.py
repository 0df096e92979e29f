"""Grad-CAM and its counterfactual variant (Selvaraju et al., "Grad-CAM: Visual Explanations from
Deep Networks via Gradient-based Localization", ICCV 2017 / IJCV 2019; MATLAB `gradCAM`).

Grad-CAM at a layer with output A (1, K, *S), S = (L,) or (H, W), N = prod(S) positions:
    alpha_k^c = (1/N) sum_s d y^c / d A_k(s)          (paper eq. 1; y^c the score before softmax)
    L^c       = ReLU(sum_k alpha_k^c A_k)              (paper eq. 2)
Counterfactual explanation (paper sec. 3.3) negates the gradients: alpha_k = -(1/N) sum_s dy/dA.
Both read the Explainer's shared "gradient" backward rule: one forward and one backward per target
serve every requested layer and both methods.

Closed form (paper sec. 3.1, "Grad-CAM generalizes CAM"): when the layer is the pre-GAP layer
and the model's output is a linear layer on the GAP vector,
    y^c = sum_k W[c, k] (1/N) sum_s A_k(s) + b_c,
so d y^c / d A_k(s) = W[c, k] / N at every position and alpha_k^c = W[c, k] / N: no backward
pass is needed. With a ReLU applied in forward() between that layer and the pooling (torchvision
DenseNet), the gradient is W[c, k] / N where A_k(s) > 0, so alpha_k^c = W[c, k] / N * P_k, with
P_k the fraction of positive positions of channel k.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import torch

from ..explain import ExplainError
from .registry import METHODS, Method, Needs, Param, Scope, register

if TYPE_CHECKING:
    from ..explain import MethodContext
    from ..models import LoadedModel

GRADIENT_RULE = "gradient"


class NoGradients(RuntimeError):
    """The model's output does not depend on the wanted tensor through autograd."""


def grad_cam(
    features: torch.Tensor, pooled_gradients: torch.Tensor, relu: bool = True
) -> torch.Tensor:
    """Grad-CAM maps from a layer's output and its position-averaged gradients (paper eq. 2).

    features (1, K, *S); pooled_gradients (T, K), one row alpha^c per target -> maps (T, *S).
    `relu=False` keeps the signed sum (negative values: evidence against the target).
    """
    if features.dim() not in (3, 4) or features.shape[0] != 1:
        raise ValueError(
            f"expected a (1, K, L) or (1, K, H, W) feature map, got {tuple(features.shape)}"
        )
    if pooled_gradients.dim() != 2 or pooled_gradients.shape[1] != features.shape[1]:
        raise ValueError(
            f"pooled gradients {tuple(pooled_gradients.shape)} do not match "
            f"{features.shape[1]} channels"
        )
    maps = pooled_gradients.to(features.dtype) @ features[0].flatten(1)
    maps = maps.reshape(pooled_gradients.shape[0], *features.shape[2:])
    return maps.relu() if relu else maps


def closed_form_applies(model: LoadedModel, layer: str, targets: Sequence[object]) -> bool:
    """True when Grad-CAM's gradients at `layer` are known without a backward pass: the layer is
    the pre-GAP layer, a single linear layer on the GAP vector is the model's output, and every
    target is a class (or the single output), not a custom reduction.
    """
    gap = model.gap
    return (
        gap is not None
        and layer == gap.pre_gap_layer
        and gap.classifier_is_output
        and gap.classifier_layer is not None
        and gap.activation in (None, "relu")
        and not any(callable(target) for target in targets)
    )


def pooled_gradients(ctx: MethodContext, layer: str) -> torch.Tensor:
    """alpha (T, K): the gradients of each target's score at `layer`, averaged over positions;
    in closed form at the pre-GAP layer of a GAP + linear head, else from the shared backward.
    """
    if closed_form_applies(ctx.model, layer, ctx.targets):
        weight = ctx.classifier_weight()
        rows = torch.stack(
            [weight[target] if isinstance(target, int) else weight.sum(0) for target in ctx.targets]
        )
        features = ctx.features(layer)
        alpha = rows.to(features.dtype) / math.prod(features.shape[2:])
        if ctx.model.gap.activation == "relu":
            alpha = alpha * (features > 0).flatten(2).to(features.dtype).mean(-1)
        return alpha
    if not ctx.output.requires_grad:
        raise ExplainError(no_autograd_message(ctx.model))
    return ctx.backward(GRADIENT_RULE)[layer].flatten(2).mean(-1)


def no_autograd_message(model: LoadedModel) -> str:
    """Why gradient methods fail on this model, and what still works on it."""
    usable = sorted(
        method.id
        for method in METHODS.values()
        if method.needs in (Needs.FORWARD, Needs.MANY_FORWARDS, Needs.ARCHITECTURE)
    )
    gap = model.gap
    closed = (
        f"; grad-cam and counterfactual still work at the pre-GAP layer {gap.pre_gap_layer} "
        "for class targets (closed form, no gradients)"
        if gap is not None and gap.classifier_is_output and gap.classifier_layer is not None
        else ""
    )
    return (
        f"{model.architecture} gives no gradients (its forward runs without autograd, e.g. under "
        f"torch.no_grad or on detached tensors), so gradient methods cannot run; methods that "
        f"still work: {', '.join(usable)}{closed}"
    )


def gradient_requirements(
    model: LoadedModel, layer: str, params: Mapping[str, Any], targets: Sequence[object]
) -> list[tuple[str | None, str]]:
    """What Grad-CAM at `layer` reads: the layer's output, and its gradients unless the closed
    form serves them (then the Explainer builds no graph at all).
    """
    if closed_form_applies(model, layer, targets):
        return [(None, layer)]
    return [(GRADIENT_RULE, layer)]


def _grad_cam(ctx: MethodContext, layer: str, params: Mapping[str, Any]) -> torch.Tensor:
    return grad_cam(ctx.features(layer), pooled_gradients(ctx, layer), relu=params["relu"])


def _counterfactual(ctx: MethodContext, layer: str, params: Mapping[str, Any]) -> torch.Tensor:
    return grad_cam(ctx.features(layer), -pooled_gradients(ctx, layer), relu=params["relu"])


def _relu_param(what: str) -> Param:
    return Param(
        "relu",
        "bool",
        True,
        "ReLU",
        f"Keep only positive evidence {what} (paper eq. 2); off shows the signed sum",
    )


SOURCE = "Selvaraju et al., Grad-CAM, ICCV 2017 / IJCV 2019; MATLAB gradCAM"

register(
    Method(
        id="grad-cam",
        name="Grad-CAM",
        summary="Channels weighted by the class score's average gradient, summed, ReLU.",
        source=f"{SOURCE}, eqs. 1-2",
        needs=Needs.GRADIENT,
        scope=Scope.SPATIAL,
        class_dependent=True,
        signed=True,
        compute=_grad_cam,
        params=(_relu_param("for the target"),),
        backward_rule=GRADIENT_RULE,
        extra={"requirements": gradient_requirements},
    )
)
register(
    Method(
        id="counterfactual",
        name="Counterfactual Grad-CAM",
        summary="Grad-CAM with negated gradients: regions whose removal raises the score.",
        source=f"{SOURCE}, sec. 3.3",
        needs=Needs.GRADIENT,
        scope=Scope.SPATIAL,
        class_dependent=True,
        signed=True,
        compute=_counterfactual,
        params=(_relu_param("against the target"),),
        backward_rule=GRADIENT_RULE,
        extra={"requirements": gradient_requirements},
    )
)
