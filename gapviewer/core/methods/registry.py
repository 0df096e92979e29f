"""The method registry: every map-making method declares what it is, needs and accepts.

The GUI builds its controls from `Param`s; the Explainer plans one forward pass and one backward
per backward rule from `needs` and `scope`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import torch

    from ..explain import MethodContext


class Needs(str, Enum):
    """What computing a method costs beyond the shared forward pass."""

    FORWARD = "forward only"
    GRADIENT = "gradient"
    MODIFIED_BACKWARD = "modified backward"
    MANY_FORWARDS = "many forwards"
    ARCHITECTURE = "special architecture"


class Scope(str, Enum):
    """Which layers a method accepts."""

    PRE_GAP = "pre-gap"  # the layer just before global average pooling only
    SPATIAL = "spatial"  # any layer whose output has a 1-D or 2-D grid
    INPUT = "input"  # maps at input resolution; keyed by layer "input"
    MODEL = "model"  # the model makes its own map (GCM); keyed by layer "model"


@dataclass(frozen=True)
class Param:
    """One user-settable parameter with its limits; `kind` is choice, float, int or bool."""

    name: str
    kind: str
    default: Any
    label: str
    help: str
    choices: tuple[Any, ...] = ()
    minimum: float | None = None
    maximum: float | None = None

    def validate(self, value: Any) -> Any:
        """The value converted to this parameter's type, or ValueError naming the limits."""
        if self.kind == "choice":
            if value not in self.choices:
                raise ValueError(f"{self.name} must be one of {', '.join(map(str, self.choices))}")
            return value
        if self.kind == "bool":
            if isinstance(value, str):
                return value.lower() in ("1", "true", "yes", "on")
            return bool(value)
        number = int(value) if self.kind == "int" else float(value)
        if self.minimum is not None and number < self.minimum:
            raise ValueError(f"{self.name} must be at least {self.minimum}, got {number}")
        if self.maximum is not None and number > self.maximum:
            raise ValueError(f"{self.name} must be at most {self.maximum}, got {number}")
        return number


# compute(context, layer, params) -> maps (T, *S) for the context's T targets, or (1, *S) for a
# class-independent map; `backward_rule` names the shared backward pass it reads, if any.
Compute = Callable[["MethodContext", str, Mapping[str, Any]], "torch.Tensor"]


@dataclass(frozen=True)
class Method:
    """A registered method; `source` is the citation shown in tooltips and the README."""

    id: str
    name: str
    summary: str
    source: str
    needs: Needs
    scope: Scope
    class_dependent: bool
    signed: bool
    compute: Compute
    params: tuple[Param, ...] = ()
    backward_rule: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)

    def resolve(self, given: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """Defaults overlaid with `given`, validated; unknown names are an error."""
        given = dict(given or {})
        known = {param.name: param for param in self.params}
        unknown = sorted(set(given) - set(known))
        if unknown:
            raise ValueError(f"{self.id} has no parameter {', '.join(unknown)}")
        return {
            name: param.validate(given[name]) if name in given else param.default
            for name, param in known.items()
        }


METHODS: dict[str, Method] = {}


def register(method: Method) -> Method:
    """Add `method` to the registry (ids are unique)."""
    if method.id in METHODS:
        raise ValueError(f"method {method.id!r} is already registered")
    METHODS[method.id] = method
    return method


def get_method(method_id: str) -> Method:
    try:
        return METHODS[method_id]
    except KeyError:
        raise KeyError(
            f"unknown method {method_id!r}; available: {', '.join(sorted(METHODS))}"
        ) from None
