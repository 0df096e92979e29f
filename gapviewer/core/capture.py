"""Context-managed forward hooks; every hook is removed on exit, also after an error or a cancel."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager

import torch
from torch import nn


class Cancelled(Exception):
    """Raised by compute functions when their cancel token is set."""


class CancelToken:
    """A flag a caller sets to ask long work to stop at its next check point."""

    def __init__(self) -> None:
        self._cancelled = False

    def cancel(self) -> None:
        self._cancelled = True

    @property
    def cancelled(self) -> bool:
        return self._cancelled

    def check(self) -> None:
        """Raise Cancelled when cancellation was requested."""
        if self._cancelled:
            raise Cancelled


def first_tensor(output: object) -> torch.Tensor | None:
    """The tensor a module returned (first element of a tuple or list output)."""
    if isinstance(output, torch.Tensor):
        return output
    if isinstance(output, (tuple, list)) and output and isinstance(output[0], torch.Tensor):
        return output[0]
    return None


def modules_by_name(model: nn.Module, names: Iterable[str]) -> dict[str, nn.Module]:
    """Look layers up by their dotted names, with one clear error listing unknown names."""
    found: dict[str, nn.Module] = {}
    unknown = []
    for name in dict.fromkeys(names):
        try:
            found[name] = model.get_submodule(name)
        except AttributeError:
            unknown.append(name)
    if unknown:
        raise KeyError(
            f"unknown layer(s): {', '.join(unknown)}; see `gapviewer layers` for valid names"
        )
    return found


@contextmanager
def hooks(handles: list[torch.utils.hooks.RemovableHandle]) -> Iterator[None]:
    """Remove every handle in `handles` on exit (handles may be appended inside the block)."""
    try:
        yield
    finally:
        for handle in handles:
            handle.remove()
        handles.clear()


@contextmanager
def capture_outputs(
    model: nn.Module,
    names: Iterable[str],
    *,
    track_gradients: bool = False,
    replace: Callable[[str, torch.Tensor], torch.Tensor] | None = None,
) -> Iterator[dict[str, torch.Tensor]]:
    """Record the outputs of the named layers during the forward passes run inside the block.

    With `track_gradients`, the earliest captured output becomes a graph leaf that requires grad
    (the parameters need not), so a later backward reaches every captured layer and stops there.
    `replace(name, output)` may return a new output for the layer (e.g. zeroed regions).
    """
    layers = modules_by_name(model, names)
    captured: dict[str, torch.Tensor] = {}
    handles: list[torch.utils.hooks.RemovableHandle] = []

    def make_hook(name: str) -> Callable:
        def hook(_module: nn.Module, _inputs: object, output: object) -> object:
            tensor = first_tensor(output)
            if tensor is None:
                raise TypeError(f"layer {name} returned {type(output).__name__}, not a tensor")
            value = replace(name, tensor) if replace is not None else tensor
            if track_gradients and not value.requires_grad:
                value = value.detach().requires_grad_(True)
            captured[name] = value
            # The network goes on with a copy: in-place ops downstream (ReLU(inplace=True),
            # residual `out += x`) must not alter the captured value or its autograd version.
            passed = value.clone()
            if isinstance(output, torch.Tensor):
                return passed
            return type(output)([passed, *output[1:]])

        return hook

    with hooks(handles):
        for name, module in layers.items():
            handles.append(module.register_forward_hook(make_hook(name)))
        yield captured


@contextmanager
def frozen_parameters(model: nn.Module) -> Iterator[None]:
    """Turn off requires_grad on every parameter for the block, then restore each flag."""
    flags = [(p, p.requires_grad) for p in model.parameters()]
    try:
        for parameter, _ in flags:
            parameter.requires_grad_(False)
        yield
    finally:
        for parameter, flag in flags:
            parameter.requires_grad_(flag)
