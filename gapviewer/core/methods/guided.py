"""Guided backpropagation and Guided Grad-CAM.

Guided backpropagation (Springenberg et al., "Striving for Simplicity: The All Convolutional Net",
ICLR 2015 workshop, sec. 3.4): at every ReLU the backward pass keeps a gradient only where the
ReLU's input was positive *and* the gradient arriving from above is positive,
    R_l = 1[x_l > 0] * 1[R_{l+1} > 0] * R_{l+1},
giving a sharp map at input resolution. Guided Grad-CAM (Selvaraju et al., ICCV 2017, sec. 3.2)
multiplies it element-wise by the Grad-CAM map upsampled bilinearly to the input size.

How the model is guided without being changed: a forward hook on every `nn.ReLU` and `nn.ReLU6`
module passes the activation's output through an identity function whose backward keeps only
positive gradients; the module's own backward then applies 1[x > 0] (for ReLU6, its own
derivative 1[0 < x < 6]: ReLU6 is guided like a ReLU, its saturation kept). The identity returns a
fresh tensor, so in-place ReLUs and later in-place ops never touch what autograd saved; a module
used several times (torchvision's Bottleneck reuses one `relu`) is guided at every call. Hooks are
removed after success, error or cancel; no module, flag or parameter is modified.

Limitation: activations applied functionally in forward() (`F.relu`, `torch.relu`, `x.relu()`)
have no module to hook and are back-propagated as ordinary ReLUs; so are other activations (SiLU,
GELU), as in the paper, which defines the rule for ReLUs only.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import torch
import torch.nn.functional as F
from torch import nn

from ..capture import CancelToken, frozen_parameters, hooks
from ..explain import INPUT_LAYER, ExplainError, register_backward_rule
from .gradient import (
    SOURCE,
    NoGradients,
    grad_cam,
    gradient_requirements,
    no_autograd_message,
    pooled_gradients,
)
from .registry import Method, Needs, Param, Scope, register

if TYPE_CHECKING:
    from ..explain import MethodContext
    from ..models import LoadedModel

log = logging.getLogger(__name__)

GUIDED_RULE = "guided"
GUIDED_ACTIVATIONS = (nn.ReLU, nn.ReLU6)
CHANNEL_REDUCTIONS = ("abs-max", "sum")


class _PositiveGradients(torch.autograd.Function):
    """Identity forward (a new tensor); backward passes only positive gradients."""

    @staticmethod
    def forward(ctx: Any, activation: torch.Tensor) -> torch.Tensor:
        return activation.clone()

    @staticmethod
    def backward(ctx: Any, grad: torch.Tensor) -> torch.Tensor:
        return grad.clamp_min(0)


def _guide(_module: nn.Module, _inputs: object, output: torch.Tensor) -> torch.Tensor:
    return _PositiveGradients.apply(output)


def guided_backprop(
    module: nn.Module,
    inputs: torch.Tensor,
    score: Callable[[torch.Tensor], torch.Tensor],
    count: int = 1,
    cancel: CancelToken | None = None,
) -> torch.Tensor:
    """Guided-backprop gradients of `count` scores w.r.t. `inputs` (1, C, *S) -> (count, C, *S).

    `score(output)` returns the (count,) scores to explain (class scores before softmax). Uses
    one forward and one backward per score; the model's parameters get no gradients. Raises
    NoGradients when the output does not depend on the input through autograd, ExplainError
    for a TorchScript model (its activations are not nn.Modules that can be hooked).
    """
    if isinstance(module, torch.jit.ScriptModule):
        raise ExplainError(
            "guided backpropagation cannot hook the ReLUs of a TorchScript model; grad-cam, "
            "counterfactual and the forward-only methods still work"
        )
    handles: list[torch.utils.hooks.RemovableHandle] = []
    leaf = inputs.detach().clone().requires_grad_(True)
    with hooks(handles), frozen_parameters(module), torch.enable_grad():
        for child in module.modules():
            if isinstance(child, GUIDED_ACTIVATIONS):
                handles.append(child.register_forward_hook(_guide))
        if not handles:
            log.warning(
                "guided backprop: %s has no nn.ReLU/ReLU6 modules; the map is the plain input "
                "gradient (functional relu calls cannot be guided)",
                type(module).__name__,
            )
        output = module(leaf)
        if cancel is not None:
            cancel.check()
        scores = score(output)
        if not scores.requires_grad:
            raise NoGradients("the model's output does not depend on its input through autograd")
        grads = []
        for index in range(count):
            if cancel is not None:
                cancel.check()
            (grad,) = torch.autograd.grad(scores[index], leaf, retain_graph=index + 1 < count)
            grads.append(grad)
    return torch.cat(grads).detach()


def _guided_rule(ctx: MethodContext, layers: Sequence[str]) -> dict[str, torch.Tensor]:
    """The "guided" backward rule: a guided forward + backward from the input (layer "input")."""
    try:
        grads = guided_backprop(
            ctx.model.module, ctx.inputs, ctx.scores, len(ctx.targets), ctx.cancel
        )
    except NoGradients as error:
        raise ExplainError(no_autograd_message(ctx.model)) from error
    return {INPUT_LAYER: grads}


register_backward_rule(GUIDED_RULE, _guided_rule)


def reduce_channels(values: torch.Tensor, how: str) -> torch.Tensor:
    """(T, C, *S) -> (T, *S) for display: "abs-max" = max_c |v| (Simonyan et al. 2014's saliency
    convention, unsigned), "sum" = sum_c v (signed, as captum's visualisation sums channels).
    """
    if how == "abs-max":
        return values.abs().amax(1)
    if how == "sum":
        return values.sum(1)
    raise ValueError(f"channel reduction must be one of {', '.join(CHANNEL_REDUCTIONS)}")


def upsample_to(maps: torch.Tensor, size: Sequence[int]) -> torch.Tensor:
    """(T, *S) maps -> (T, *size), (bi)linear as Grad-CAM sec. 3.2 says (align_corners off)."""
    mode = "linear" if len(size) == 1 else "bilinear"
    return F.interpolate(maps[:, None], size=tuple(size), mode=mode, align_corners=False)[:, 0]


def guided_grad_cam(guided: torch.Tensor, cam: torch.Tensor) -> torch.Tensor:
    """Guided Grad-CAM (paper sec. 3.2): guided (T, C, *In) times cam (T, *S) upsampled to *In."""
    return guided * upsample_to(cam, guided.shape[2:])[:, None]


def _guided_backprop(ctx: MethodContext, layer: str, params: Mapping[str, Any]) -> torch.Tensor:
    return reduce_channels(ctx.backward(GUIDED_RULE)[INPUT_LAYER], params["channels"])


def _guided_grad_cam(ctx: MethodContext, layer: str, params: Mapping[str, Any]) -> torch.Tensor:
    cam = grad_cam(ctx.features(layer), pooled_gradients(ctx, layer), relu=True)
    product = guided_grad_cam(ctx.backward(GUIDED_RULE)[INPUT_LAYER], cam)
    return reduce_channels(product, params["channels"])


def _guided_requirements(
    model: LoadedModel, layer: str, params: Mapping[str, Any], targets: Sequence[object]
) -> list[tuple[str | None, str]]:
    return [(GUIDED_RULE, INPUT_LAYER), *gradient_requirements(model, layer, params, targets)]


_CHANNELS = Param(
    "channels",
    "choice",
    "abs-max",
    "Channels",
    "How the input channels become one map: abs-max = max |gradient| (unsigned), sum (signed)",
    choices=CHANNEL_REDUCTIONS,
)

register(
    Method(
        id="guided-backprop",
        name="Guided backpropagation",
        summary="Input gradient with ReLUs passing only positive gradients of positive inputs.",
        source="Springenberg et al., ICLR 2015 workshop, sec. 3.4; as used in Grad-CAM sec. 3.2",
        needs=Needs.MODIFIED_BACKWARD,
        scope=Scope.INPUT,
        class_dependent=True,
        signed=True,
        compute=_guided_backprop,
        params=(_CHANNELS,),
        backward_rule=GUIDED_RULE,
    )
)
register(
    Method(
        id="guided-grad-cam",
        name="Guided Grad-CAM",
        summary="Guided backprop times Grad-CAM at the chosen layer, at input resolution.",
        source=f"{SOURCE}, sec. 3.2",
        needs=Needs.MODIFIED_BACKWARD,
        scope=Scope.SPATIAL,
        class_dependent=True,
        signed=True,
        compute=_guided_grad_cam,
        params=(_CHANNELS,),
        backward_rule=GUIDED_RULE,
        extra={"requirements": _guided_requirements},
    )
)
