"""Map-making methods, one module per family; importing this package registers them all."""

from . import contribution, gap_family, gradient, guided, occlusion  # noqa: F401  (registers)
from .gap import class_activation_maps, gap_direction, gap_magnitude
from .gcm_method import not_a_gcm_model  # noqa: F401  (registers gcm)
from .registry import METHODS, Method, Needs, Param, Scope, get_method, register

__all__ = [
    "METHODS",
    "Method",
    "Needs",
    "Param",
    "Scope",
    "class_activation_maps",
    "gap_direction",
    "gap_magnitude",
    "get_method",
    "register",
]
