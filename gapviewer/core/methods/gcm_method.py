"""Method `gcm`: a Generative Contribution Mappings model's own Class Contribution Map.

Source: "Intuitive Visualization Method for Image Classification Using Convolutional Neural
Networks" (IPSJ 2017), eq. 3: M_CCM^(j) = Tile(M_CWM^(j)) (.) I. Summed over the D input
channels it is an R x C map whose mean is D times the class score VS^(j) (eqs. 4, 6): exactly
the evidence the model added up. Applies to `gcm` models only.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import torch

from ..gcm import GenerativeContributionMapping
from .registry import Method, Needs, Scope, register

if TYPE_CHECKING:
    from ..explain import MethodContext
    from ..models import LoadedModel


def not_a_gcm_model(model: LoadedModel) -> str | None:
    """Why `gcm` cannot explain `model` (None when it can)."""
    if isinstance(model.module, GenerativeContributionMapping):
        return None
    return f"gcm is the map a GCM model draws itself; {model.architecture} is not one"


def channel_summed_ccm(module: GenerativeContributionMapping, inputs: torch.Tensor) -> torch.Tensor:
    """sum_d M_CCM^(j)(r, c, d) for every class: (B, K, R, C)."""
    return module.class_contribution_maps(inputs).sum(dim=2)


def _gcm(ctx: MethodContext, layer: str, params: Mapping[str, Any]) -> torch.Tensor:
    from ..explain import ExplainError

    reason = not_a_gcm_model(ctx.model)
    if reason:
        raise ExplainError(reason)
    with torch.no_grad():
        maps = channel_summed_ccm(ctx.model.module, ctx.inputs)
    return maps[0, list(ctx.class_targets())]


register(
    Method(
        id="gcm",
        name="GCM class contribution map",
        summary="The GCM model's own evidence: its class weight map times the input, summed over "
        "channels; the class score is its mean.",
        source="Intuitive Visualization Method for Image Classification Using CNNs, IPSJ 2017, "
        "eqs. 1-7",
        needs=Needs.ARCHITECTURE,
        scope=Scope.MODEL,
        class_dependent=True,
        signed=True,
        compute=_gcm,
        extra={"unsupported": not_a_gcm_model},
    )
)
