"""The Explainer: one forward pass serves every forward-only method, one backward per backward
rule serves every layer that needs it, and the result is a frozen `Explanation`.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import numpy as np
import torch

from .capture import CancelToken, capture_outputs, frozen_parameters
from .models import LoadedModel

Target = int | str | Callable[[torch.Tensor], torch.Tensor]
Progress = Callable[[float, str], None]
MapKey = tuple[str, str]

INPUT_LAYER = "input"
MODEL_LAYER = "model"


class ExplainError(ValueError):
    """The request cannot be computed as asked (unknown class, unsupported layer, ...)."""


# rule name -> fn(context, layers) -> {layer: gradient-like tensor (T, C, *S)}
BackwardRule = Callable[["MethodContext", Sequence[str]], dict[str, torch.Tensor]]
BACKWARD_RULES: dict[str, BackwardRule] = {}


def register_backward_rule(name: str, rule: BackwardRule) -> None:
    """Make a backward rule available to methods naming it in `Method.backward_rule`."""
    BACKWARD_RULES[name] = rule


# Imported after the rule registry: method modules register their backward rules on import, and
# `.methods.registry` resolves even while the methods package itself is still being imported.
from .methods.registry import Method, Needs, Scope, get_method  # noqa: E402


@dataclass(frozen=True)
class Explanation:
    """What one `explain` call found; maps are float32 arrays of each layer's grid."""

    model: str
    predictions: tuple[tuple[int, str, float], ...]
    targets: tuple[int | str, ...]
    target_maps: Mapping[int | str, Mapping[MapKey, np.ndarray]]
    skipped: tuple[tuple[str, str, str], ...]
    timings: Mapping[str, float]
    params: Mapping[str, Mapping[str, Any]]
    input_shape: tuple[int, ...]

    @property
    def target(self) -> int | str:
        """The first (usually only) explained target: a class index, or "output"/"custom"."""
        return self.targets[0]

    @property
    def maps(self) -> Mapping[MapKey, np.ndarray]:
        """Maps for `target`, keyed by (method id, layer name)."""
        return self.target_maps[self.target]

    def value_range(self, key: MapKey, target: int | str | None = None) -> tuple[float, float]:
        values = self.target_maps[self.target if target is None else target][key]
        return float(values.min()), float(values.max())


class MethodContext:
    """What a method's compute function may read: features, scores and shared backward passes."""

    def __init__(
        self,
        model: LoadedModel,
        inputs: torch.Tensor,
        output: torch.Tensor,
        activations: Mapping[str, torch.Tensor],
        targets: Sequence[Target],
        rule_layers: Mapping[str, Sequence[str]],
        cancel: CancelToken,
        progress: Progress,
    ) -> None:
        self.model = model
        self.inputs = inputs
        self.output = output
        self.activations = activations
        self.targets = tuple(targets)
        self.cancel = cancel
        self.progress = progress
        self._rule_layers = rule_layers
        self._backward: dict[str, dict[str, torch.Tensor]] = {}
        self._memo: dict[str, Any] = {}

    def memo(self, key: str, compute: Callable[[], Any]) -> Any:
        """`compute()` once per explain call, shared by the methods that read it."""
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    def features(self, layer: str) -> torch.Tensor:
        """The layer's output for the explained input, detached, (1, C, *S)."""
        return self.activations[layer].detach()

    def gap_features(self) -> torch.Tensor:
        """The pre-GAP feature map whose spatial mean is v_GAP (patent eq. q1)."""
        gap = self.model.gap
        if gap is None:
            raise ExplainError(f"{self.model.architecture} has no GAP layer")
        features = self.features(gap.pre_gap_layer)
        return features.relu() if gap.activation == "relu" else features

    def classifier_weight(self) -> torch.Tensor:
        """W (K, m) of the linear layer reading v_GAP, when it is the model's output layer."""
        gap = self.model.gap
        if gap is None or not gap.classifier_is_output:
            raise ExplainError("needs a single linear layer after GAP (CAM's assumption)")
        return self.model.module.get_submodule(gap.classifier_layer).weight.detach()

    def class_targets(self) -> tuple[int, ...]:
        """The targets as class indices (class-dependent methods of classifiers need them)."""
        if not all(isinstance(t, int) for t in self.targets):
            raise ExplainError("this method explains classes, not a custom reduction")
        return tuple(int(t) for t in self.targets)  # type: ignore[arg-type]

    def scores(self, output: torch.Tensor | None = None) -> torch.Tensor:
        """The scalar(s) explained, one per target (T,): a class's score before softmax, the
        single output of a regression model, or a user reduction (MATLAB gradCAM's reductionFcn).
        """
        out = self.output if output is None else output
        values = []
        for target in self.targets:
            if isinstance(target, int):
                values.append(out[0, target])
            elif target == "output":
                values.append(out.reshape(-1).sum())
            else:
                values.append(torch.as_tensor(target(out)).reshape(()))
        return torch.stack(values)

    def backward(self, rule: str) -> dict[str, torch.Tensor]:
        """The result of backward rule `rule` for every layer that needs it, computed once."""
        if rule not in self._backward:
            if rule not in BACKWARD_RULES:
                raise ExplainError(f"unknown backward rule {rule!r}")
            self.cancel.check()
            self._backward[rule] = BACKWARD_RULES[rule](self, self._rule_layers[rule])
        return self._backward[rule]


def _gradient_rule(ctx: MethodContext, layers: Sequence[str]) -> dict[str, torch.Tensor]:
    """Plain gradients d score / d A at every layer in one backward per target; the graph starts
    at the earliest captured layer, so no parameter and no earlier layer gets a gradient.
    """
    tensors = [ctx.activations[layer] for layer in layers]
    scores = ctx.scores()
    per_target = []
    for index in range(len(scores)):
        grads = torch.autograd.grad(
            scores[index], tensors, retain_graph=index + 1 < len(scores), allow_unused=True
        )
        per_target.append(
            [torch.zeros_like(t) if g is None else g for g, t in zip(grads, tensors, strict=True)]
        )
    return {
        layer: torch.cat([grads[i] for grads in per_target]).detach()
        for i, layer in enumerate(layers)
    }


register_backward_rule("gradient", _gradient_rule)


def _requirements(
    method: Method, model: LoadedModel, layer: str, params: Mapping[str, Any], targets: list
) -> list[tuple[str | None, str]]:
    """(backward rule or None, layer) pairs that `method` at `layer` reads; None means the layer's
    forward output only. A method may declare its own in extra["requirements"](model, layer,
    params, targets), e.g. Grad-CAM's closed form at a GAP + linear head needs no backward.
    """
    declared = method.extra.get("requirements")
    if declared is not None:
        return list(declared(model, layer, params, targets))
    return [(method.backward_rule, layer)]


_CacheEntry = tuple[torch.Tensor, torch.Tensor, dict[str, torch.Tensor]]


def _entry_bytes(entry: _CacheEntry) -> int:
    inputs, output, activations = entry
    return sum(t.numel() * t.element_size() for t in (inputs, output, *activations.values()))


class Explainer:
    """Computes maps for a `LoadedModel`; caches forward activations per input (bounded)."""

    def __init__(self, model: LoadedModel, cache_bytes: int = 512 * 2**20) -> None:
        self.model = model
        self.cache_bytes = cache_bytes
        # fingerprint -> (input, output, activations); a hit is confirmed with torch.equal
        self._cache: OrderedDict[tuple, _CacheEntry] = OrderedDict()
        self._cached_bytes = 0  # kept up to date: summing a full cache per call cost ~0.25 ms

    def default_layer(self, method: Method) -> str:
        """Where a method goes when no layer is named: the pre-GAP layer, else the last grid."""
        if method.scope is Scope.INPUT:
            return INPUT_LAYER
        if method.scope is Scope.MODEL:
            return MODEL_LAYER
        if self.model.pre_gap_layer:
            return self.model.pre_gap_layer
        grids = [info.name for info in self.model.layers if info.has_grid]
        if method.scope is Scope.PRE_GAP or not grids:
            raise ExplainError(self.no_gap_message(method.id))
        return grids[-1]

    def no_gap_message(self, method_id: str) -> str:
        from .methods import METHODS

        usable = sorted(m.id for m in METHODS.values() if m.scope is not Scope.PRE_GAP)
        reason = self.model.inspection.gap_problem or "no GAP layer"
        return (
            f"{method_id} needs a GAP layer: {reason}; "
            f"methods that still apply: {', '.join(usable)}"
        )

    def plan(
        self, methods: Sequence[str], layers: Sequence[str] | None
    ) -> tuple[list[tuple[Method, str]], list[tuple[str, str, str]]]:
        """Which (method, layer) pairs to compute and which to skip, with the reason."""
        todo, skipped = [], []
        for method in (get_method(m) for m in dict.fromkeys(methods)):
            wanted = [self.default_layer(method)] if not layers else list(dict.fromkeys(layers))
            for layer in wanted:
                reason = self._unsupported(method, layer)
                if reason:
                    skipped.append((method.id, layer, reason))
                else:
                    todo.append((method, layer))
        return todo, skipped

    def _unsupported(self, method: Method, layer: str) -> str | None:
        if method.scope is Scope.PRE_GAP:
            pre = self.model.pre_gap_layer
            if pre is None:
                return self.no_gap_message(method.id)
            if layer != pre:
                return f"{method.id} applies at the pre-GAP layer ({pre}) only"
            if method.extra.get("requires_linear_head") and not self.model.gap.classifier_is_output:
                return f"{method.id} needs a single linear layer after GAP"
            return None
        if method.scope is Scope.INPUT:
            return None if layer == INPUT_LAYER else f"{method.id} makes maps at the input only"
        if method.scope is Scope.MODEL:
            if layer != MODEL_LAYER:
                return f"{method.id} is the model's own map"
            unsupported = method.extra.get("unsupported")
            return unsupported(self.model) if unsupported else None
        if layer in (INPUT_LAYER, MODEL_LAYER):
            return f"{method.id} needs a layer with spatial positions"
        info = self.model.layer(layer)
        return None if info.has_grid else f"layer {layer} has no spatial grid (shape {info.shape})"

    def resolve_target(self, target: Target | None, output: torch.Tensor) -> Target:
        """top-1 by default; an index, a class name, "output", or a callable reduction."""
        if target is None or target == "top1":
            if output.shape[-1] == 1:
                return "output"
            return int(output[0].argmax())
        if callable(target) or target == "output":
            if target == "output" and output[0].numel() != 1:
                raise ExplainError(
                    f"target 'output' is for single-output models; this one has {output[0].numel()}"
                )
            return target
        if isinstance(target, str) and not target.lstrip("-").isdigit():
            names = self.model.class_names
            lowered = [n.lower() for n in names]
            if target.lower() not in lowered:
                raise ExplainError(f"unknown class name {target!r}")
            return lowered.index(target.lower())
        index = int(target)
        if not 0 <= index < output.shape[-1]:
            raise ExplainError(f"class index {index} out of range 0..{output.shape[-1] - 1}")
        return index

    def explain(
        self,
        image: object,
        methods: Sequence[str] = ("gap-direction",),
        layers: Sequence[str] | None = None,
        target: Target | Sequence[Target] | None = None,
        params: Mapping[str, Mapping[str, Any]] | None = None,
        progress: Progress | None = None,
        cancel: CancelToken | None = None,
    ) -> Explanation:
        """Maps of `methods` at `layers` (defaults per method) for `target` (top-1 by default;
        a list explains several targets in the same passes).
        """
        progress = progress or (lambda fraction, message: None)
        cancel = cancel or CancelToken()
        params = params or {}
        timings: dict[str, float] = {}
        todo, skipped = self.plan(methods, layers)
        resolved = {m.id: m.resolve(params.get(m.id)) for m, _ in todo}
        inputs = self.model.to_input(image)
        targets = list(target) if isinstance(target, (list, tuple)) else [target]
        wanted = {layer for _, layer in todo}
        rule_layers: dict[str, list[str]] = {}
        for method, layer in todo:
            needs = _requirements(method, self.model, layer, resolved[method.id], targets)
            for rule, needed in needs:
                wanted.add(needed)
                if rule:
                    rule_layers.setdefault(rule, [])
                    if needed not in rule_layers[rule]:
                        rule_layers[rule].append(needed)
        capture = sorted(wanted - {INPUT_LAYER, MODEL_LAYER})
        graph = any(rule == "gradient" for rule in rule_layers)
        cancel.check()
        progress(0.0, "forward pass")
        # Forward-only methods under no_grad cannot reach a parameter: skip flipping every flag.
        forward_only = not rule_layers and all(m.needs is Needs.FORWARD for m, _ in todo)
        with nullcontext() if forward_only else frozen_parameters(self.model.module):
            start = time.perf_counter()
            output, activations = self._forward(inputs, capture, graph)
            timings["forward"] = time.perf_counter() - start
            targets = [self.resolve_target(t, output) for t in targets]
            ctx = MethodContext(
                self.model, inputs, output, activations, targets, rule_layers, cancel, progress
            )
            target_keys = [t if isinstance(t, (int, str)) else "custom" for t in targets]
            per_target: dict[int | str, dict[MapKey, np.ndarray]] = {t: {} for t in target_keys}
            for step, (method, layer) in enumerate(todo):
                cancel.check()
                progress((step + 1) / (len(todo) + 1), f"{method.id} at {layer}")
                start = time.perf_counter()
                maps = method.compute(ctx, layer, resolved[method.id]).detach()
                timings[method.id] = timings.get(method.id, 0.0) + time.perf_counter() - start
                for index, key in enumerate(target_keys):
                    values = maps[index if maps.shape[0] > 1 else 0]
                    array = values.float().cpu().numpy().copy()
                    array.setflags(write=False)
                    per_target[key][(method.id, layer)] = array
        progress(1.0, "done")
        return Explanation(
            model=self.model.architecture,
            predictions=self._top5(output.detach()),
            targets=tuple(target_keys),
            target_maps=MappingProxyType({k: MappingProxyType(v) for k, v in per_target.items()}),
            skipped=tuple(skipped),
            timings=MappingProxyType(timings),
            params=MappingProxyType({k: MappingProxyType(v) for k, v in resolved.items()}),
            input_shape=tuple(inputs.shape[1:]),
        )

    def _forward(self, inputs: torch.Tensor, layers: list[str], graph: bool):
        module = self.model.module
        if graph:
            with torch.enable_grad(), capture_outputs(module, layers, track_gradients=True) as acts:
                output = module(inputs)
            return output, acts
        key = (tuple(inputs.shape), float(inputs.sum()), float(inputs.flatten()[::997].sum()))
        cached = self._cache.get(key)
        if cached is not None and not torch.equal(cached[0], inputs):
            cached = None  # a fingerprint collision: a different input
        if cached is not None and all(layer in cached[2] for layer in layers):
            self._cache.move_to_end(key)
            return cached[1], cached[2]
        with torch.no_grad(), capture_outputs(module, layers) as acts:
            output = module(inputs)
        activations = {**(cached[2] if cached else {}), **acts}
        self._remember(key, (inputs, output, activations))
        return output, activations

    def _remember(self, key: tuple, entry: _CacheEntry) -> None:
        replaced = self._cache.pop(key, None)
        if replaced is not None:
            self._cached_bytes -= _entry_bytes(replaced)
        self._cache[key] = entry
        self._cached_bytes += _entry_bytes(entry)
        while len(self._cache) > 1 and self._cached_bytes > self.cache_bytes:
            _, dropped = self._cache.popitem(last=False)
            self._cached_bytes -= _entry_bytes(dropped)

    @property
    def cached_bytes(self) -> int:
        """Bytes of the tensors held by the activation cache (at most `cache_bytes`, unless a
        single entry is larger)."""
        return self._cached_bytes

    def clear_cache(self) -> None:
        self._cache.clear()
        self._cached_bytes = 0

    def _top5(self, output: torch.Tensor) -> tuple[tuple[int, str, float], ...]:
        scores = output[0].reshape(-1).float()
        if scores.numel() == 1:
            return (
                (
                    0,
                    self.model.class_names[0] if self.model.class_names else "output",
                    float(scores[0]),
                ),
            )
        probs = scores.softmax(-1)
        top = probs.topk(min(5, probs.numel()))
        names = self.model.class_names
        return tuple(
            (int(i), names[int(i)], float(p)) for p, i in zip(top.values, top.indices, strict=True)
        )
