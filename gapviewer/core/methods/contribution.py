"""Layer-wise contribution ratios (Kakishita and Hattori, Hitachi, "Classification reasons
visualization of deep neural network using model inverse analysis"; SCIENCE.md section 4).

The share of input x_i in output y_j of a linear or convolution layer (the bias b_j is one more
input, fixed at 1.0, with its own share) is
    beta(x_i -> y_j) = x_i w_ji / y_j,
1 for the same unit through an activation, 1 for the arg-max input of a max-pooling window and 0
for the others; shares chain from the class score p (the logit, before softmax) down:
    beta(x_i -> p) = sum_j beta(y_j -> p) beta(x_i -> y_j).
The map at a layer sums the signed shares over channels per position.

Extensions with the same idea (each output is an affine function of its inputs, and each input
gets its term's share): average and adaptive pooling (w = 1/n), batch normalisation in eval mode
(y = s x + t: shares s x / y and t / y), residual additions (each addend's share of the sum),
concatenation, flatten, dropout and padding (zeros take no share: torchvision's layers,
`F.pad` in the built-in model's `SamePadding`). A multiplicative gate, y = g(x') x with g computed
from the features (squeeze-excitation in EfficientNet and MobileNetV3), is a constant per-unit
factor: x keeps share 1 of y and the gate branch gets none. Two same-sized feature tensors
multiplied split the product's share in halves; a quotient of two feature tensors treats the
denominator as a constant factor.

One modified backward pass. Write the shares as R(a) = beta(a -> p) p = a * g(a). Then the chain
rule above is R(x_i) = x_i sum_j w_ji R(y_j) / y_j (the LRP-0 rule of Bach et al. 2015 with the
biases as inputs), i.e. g(x) = W^T g(y): through every affine layer, addition, concatenation and
max pooling g is the ordinary gradient. Only an elementwise activation y = f(z) differs: share 1
means z g(z) = y g(y), so its gradient f'(z) is replaced by the secant f(z) / z (for ReLU and
leaky ReLU the two agree). `ContributionMode` swaps those derivatives, and the gates described
above, while the forward pass runs; autograd then returns g at every requested layer at once and
beta = A * g / p. Models with none of these operations (torchvision ResNet, VGG, DenseNet) need no
rewriting: their shares are A * (d p / d A) / p, read from the Explainer's shared gradient pass.

Stabiliser: the secant f(z) / z and the final division by p divide by possibly tiny numbers;
both use v + EPSILON * sign(v) (sign(0) = +1), the LRP-epsilon guard, with EPSILON = 1e-6.
Divisions inside affine layers cancel exactly (R(y_j) / y_j = g(y_j)) and need no guard.

Conservation: at a layer that every path from the input to p crosses, the shares sum to 1 minus
the shares taken by the biases (and BN shifts) of the layers after it; `conservation_gap` reports
that difference from a map. Inside a residual branch (skip path bypassing the layer) the shares
sum to less than that by construction. Operations without a share rule here (attention's softmax,
layer norm statistics, exponentials) pass relevance by their gradient, and the gap shows it.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping, Sequence
from functools import cache
from typing import TYPE_CHECKING, Any
from weakref import WeakKeyDictionary

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn
from torch.overrides import TorchFunctionMode

from ..capture import CancelToken, capture_outputs, frozen_parameters
from ..explain import ExplainError, register_backward_rule
from .gradient import GRADIENT_RULE, no_autograd_message
from .registry import Method, Needs, Scope, register

if TYPE_CHECKING:
    from ..explain import MethodContext
    from ..models import LoadedModel

CONTRIBUTION_RULE = "contribution"
EPSILON = 1e-6
SOURCE = (
    "Kakishita and Hattori (Hitachi), Classification reasons visualization of deep neural "
    "network using model inverse analysis"
)

# Elementwise activations whose share rule (secant f(z)/z) differs from their derivative.
_ACTIVATIONS = frozenset(
    {
        F.silu,
        F.gelu,
        F.elu,
        F.selu,
        F.celu,
        F.softplus,
        F.mish,
        F.hardswish,
        F.hardsigmoid,
        F.hardtanh,
        F.relu6,
        F.logsigmoid,
        torch.sigmoid,
        torch.tanh,
        torch.Tensor.sigmoid,
        torch.Tensor.tanh,
    }
)
_INPLACE_ACTIVATIONS = {
    torch.sigmoid_: torch.sigmoid,
    torch.tanh_: torch.tanh,
    torch.Tensor.sigmoid_: torch.sigmoid,
    torch.Tensor.tanh_: torch.tanh,
}
_PRODUCTS = {
    torch.mul: torch.mul,
    torch.Tensor.mul: torch.mul,
    torch.Tensor.__mul__: torch.mul,
    torch.Tensor.mul_: torch.mul,
    torch.Tensor.__imul__: torch.mul,
}
_QUOTIENTS = {
    torch.div: torch.div,
    torch.Tensor.div: torch.div,
    torch.Tensor.__truediv__: torch.div,
    torch.Tensor.div_: torch.div,
    torch.Tensor.__itruediv__: torch.div,
}
_INPLACE = frozenset(
    {torch.Tensor.mul_, torch.Tensor.__imul__, torch.Tensor.div_, torch.Tensor.__itruediv__}
)


class NoGradientsError(ExplainError):
    """The model's forward pass builds no autograd graph, so no backward rule can run."""


def stabilised(values: torch.Tensor, epsilon: float = EPSILON) -> torch.Tensor:
    """v + epsilon * sign(v), sign(0) = +1: a divisor kept at least epsilon away from zero."""
    return torch.where(values >= 0, values + epsilon, values - epsilon)


@cache
def _signature(func: Callable) -> inspect.Signature | None:
    try:
        return inspect.signature(func)
    except (TypeError, ValueError):
        return None


def _out_of_place(func: Callable, args: tuple, kwargs: dict) -> tuple[Callable[[], Any], bool]:
    """A call computing func's result without writing into its input, and whether func was
    asked to work in place (an `inplace=True` argument or a trailing-underscore method)."""
    if func in _INPLACE_ACTIVATIONS:
        return lambda: _INPLACE_ACTIVATIONS[func](*args, **kwargs), True
    signature = _signature(func)
    if signature is None or "inplace" not in signature.parameters:
        return lambda: func(*args, **kwargs), False
    bound = signature.bind(*args, **kwargs)
    inplace = bool(bound.arguments.get("inplace", False))
    bound.arguments["inplace"] = False
    return lambda: func(*bound.args, **bound.kwargs), inplace


def _is_feature(value: object) -> bool:
    """A tensor computed from the data (not a parameter or a number)."""
    return isinstance(value, torch.Tensor) and not isinstance(value, nn.Parameter)


def _tracked(value: object) -> bool:
    return isinstance(value, torch.Tensor) and value.requires_grad and torch.is_grad_enabled()


class ContributionMode(TorchFunctionMode):
    """While active, activations, gates and feature quotients keep their forward values but
    backpropagate the contribution-share rule (see the module docstring).

    `rewritten` names every operation met whose rule differs from its gradient, whether or not
    its operands required gradients (so a no-grad probe tells if a model needs the mode at all).
    """

    def __init__(self, epsilon: float = EPSILON) -> None:
        super().__init__()
        self.epsilon = epsilon
        self.rewritten: set[str] = set()

    def __torch_function__(self, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        if func in _ACTIVATIONS or func in _INPLACE_ACTIVATIONS:
            return self._activation(func, args, kwargs)
        binary = (func in _PRODUCTS or func in _QUOTIENTS) and len(args) == 2 and not kwargs
        if binary and _is_feature(args[0]) and _is_feature(args[1]):
            return self._product(func, args[0], args[1])
        return func(*args, **kwargs)

    def _activation(self, func: Callable, args: tuple, kwargs: dict) -> torch.Tensor:
        """y = f(z) with d y / d z := f(z) / z: z keeps share 1 of y (the paper's rule)."""
        self.rewritten.add(getattr(func, "__name__", str(func)))
        z = args[0]
        if not (_tracked(z) and z.is_floating_point()):
            return func(*args, **kwargs)
        compute, inplace = _out_of_place(func, args, kwargs)
        with torch.no_grad():
            y = compute()
            secant = y / stabilised(z, self.epsilon)
        result = y + (z - z.detach()) * secant
        return z.copy_(result) if inplace else result

    def _product(self, func: Callable, a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        """a * b with the smaller operand (a gate) constant, or halves for equal sizes; a / b
        with b constant."""
        self.rewritten.add("quotient" if func in _QUOTIENTS else "product")
        if not (_tracked(a) and _tracked(b)):
            return func(a, b)
        inplace = func in _INPLACE
        left = a.clone() if inplace else a
        if func in _QUOTIENTS:
            result = left / b.detach()
        elif a.numel() > b.numel():
            result = left * b.detach()
        elif a.numel() < b.numel():
            result = left.detach() * b
        else:
            result = 0.5 * (left * b.detach() + left.detach() * b)
        return a.copy_(result) if inplace else result


_GRADIENT_EXACT: WeakKeyDictionary[nn.Module, bool] = WeakKeyDictionary()


def gradient_exact(model: LoadedModel) -> bool:
    """True when the model has no operation whose share rule differs from its gradient, so the
    shares are A * (d p / d A) / p (probed once per model with one no-grad forward pass)."""
    module = model.module
    if module not in _GRADIENT_EXACT:
        mode = ContributionMode()
        with torch.no_grad(), mode:
            module(model.example_input())
        _GRADIENT_EXACT[module] = not mode.rewritten
    return _GRADIENT_EXACT[module]


def shares_from_gradients(
    features: torch.Tensor, gradients: torch.Tensor, scores: torch.Tensor, epsilon: float = EPSILON
) -> torch.Tensor:
    """beta = A * g / p for T targets: features (1, C, *S), g (T, C, *S), scores p (T,)."""
    divisor = stabilised(scores.detach().to(features.dtype), epsilon)
    return features * gradients / divisor.view(-1, *([1] * (gradients.dim() - 1)))


def contribution_shares(
    module: nn.Module,
    inputs: torch.Tensor,
    layers: Sequence[str],
    score: Callable[[torch.Tensor], torch.Tensor],
    *,
    epsilon: float = EPSILON,
    cancel: CancelToken | None = None,
) -> dict[str, torch.Tensor]:
    """Each unit's share beta(unit -> p) (T, C, *S) at every named layer, from one forward pass
    under `ContributionMode` and one modified backward per target; `score(output)` gives the T
    scores p. The module is left as it was: hooks removed and parameter flags restored.
    """
    cancel = cancel or CancelToken()
    with (
        torch.enable_grad(),
        frozen_parameters(module),
        capture_outputs(module, layers, track_gradients=True) as captured,
    ):
        with ContributionMode(epsilon):
            output = module(inputs)
        scores = score(output).reshape(-1)
    if not scores.requires_grad:
        raise NoGradientsError("the model's output carries no gradients (it runs without autograd)")
    tensors = [captured[layer] for layer in layers]
    per_target = []
    for index in range(len(scores)):
        cancel.check()
        grads = torch.autograd.grad(
            scores[index], tensors, retain_graph=index + 1 < len(scores), allow_unused=True
        )
        per_target.append(
            [torch.zeros_like(t) if g is None else g for g, t in zip(grads, tensors, strict=True)]
        )
    return {
        layer: shares_from_gradients(
            tensors[i].detach(), torch.cat([grads[i] for grads in per_target]), scores, epsilon
        )
        for i, layer in enumerate(layers)
    }


def conservation_gap(share_map: np.ndarray | torch.Tensor) -> float:
    """1 - (sum of the shares at a layer), from a contribution map (the channel sums): the share
    the biases and BN shifts after the layer took, plus what the stabiliser and operations
    without a share rule lost; 0 means perfect conservation."""
    values = share_map.detach().double().cpu().numpy() if torch.is_tensor(share_map) else share_map
    return float(1.0 - np.asarray(values, dtype=np.float64).sum())


def _contribution_rule(ctx: MethodContext, layers: Sequence[str]) -> dict[str, torch.Tensor]:
    """Shares at every requested layer: from the shared gradient pass when the model needs no
    rewriting, else from one forward under `ContributionMode` and one modified backward."""
    if gradient_exact(ctx.model):
        if not ctx.output.requires_grad:
            raise ExplainError(no_autograd_message(ctx.model))
        gradients = ctx.backward(GRADIENT_RULE)
        scores = ctx.scores()
        return {
            layer: shares_from_gradients(ctx.features(layer), gradients[layer], scores)
            for layer in layers
        }
    try:
        return contribution_shares(
            ctx.model.module, ctx.inputs, layers, ctx.scores, cancel=ctx.cancel
        )
    except NoGradientsError:
        raise ExplainError(no_autograd_message(ctx.model)) from None


def _requirements(
    model: LoadedModel, layer: str, params: Mapping[str, Any], targets: Sequence[object]
) -> list[tuple[str | None, str]]:
    """The contribution rule at `layer`, plus the shared gradients when they are the shares."""
    if gradient_exact(model):
        return [(CONTRIBUTION_RULE, layer), (GRADIENT_RULE, layer)]
    return [(CONTRIBUTION_RULE, layer)]


def _contribution(ctx: MethodContext, layer: str, params: Mapping[str, Any]) -> torch.Tensor:
    return ctx.backward(CONTRIBUTION_RULE)[layer].sum(1)


register_backward_rule(CONTRIBUTION_RULE, _contribution_rule)
register(
    Method(
        id="contribution",
        name="Contribution ratios",
        summary="Each position's signed share of the class score, multiplied back layer by layer.",
        source=SOURCE,
        needs=Needs.MODIFIED_BACKWARD,
        scope=Scope.SPATIAL,
        class_dependent=True,
        signed=True,
        compute=_contribution,
        backward_rule=CONTRIBUTION_RULE,
        extra={"requirements": _requirements},
    )
)
