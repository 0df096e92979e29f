"""Registry entries for the GAP family (patent US 2025/0259040 A1, Yang et al. 2019, CAM)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import torch

from .gap import (
    FORMULAS,
    GapStatistics,
    class_activation_maps,
    gap_direction,
    gap_magnitude,
    gap_statistics,
)
from .registry import Method, Needs, Param, Scope, register

if TYPE_CHECKING:
    from ..explain import MethodContext


def _statistics(ctx: MethodContext) -> GapStatistics:
    """One pass over the pre-GAP features serves gap-direction and gap-magnitude alike."""
    return ctx.memo("gap-statistics", lambda: gap_statistics(ctx.gap_features()))


def _gap_direction(ctx: MethodContext, layer: str, params: Mapping[str, Any]) -> torch.Tensor:
    return gap_direction(
        ctx.gap_features(), formula=params["formula"], a=params["a"], statistics=_statistics(ctx)
    )


def _gap_magnitude(ctx: MethodContext, layer: str, params: Mapping[str, Any]) -> torch.Tensor:
    return gap_magnitude(ctx.gap_features(), statistics=_statistics(ctx))


def _cam(ctx: MethodContext, layer: str, params: Mapping[str, Any]) -> torch.Tensor:
    # Only the explained classes' rows of W: a class switch is then one (T x m) @ (m x N) product.
    weight = ctx.classifier_weight()[list(ctx.class_targets())]
    return class_activation_maps(ctx.gap_features(), weight)[0]


register(
    Method(
        id="gap-direction",
        name="GAP-direction contribution",
        summary="How far removing each region turns the direction of the GAP vector (1 - cos).",
        source="Patent US 2025/0259040 A1 (Seiko Epson, 2025), eqs. q1-q7, FIG. 5",
        needs=Needs.FORWARD,
        scope=Scope.PRE_GAP,
        class_dependent=False,
        signed=False,
        compute=_gap_direction,
        params=(
            Param(
                "formula",
                "choice",
                "q3",
                "Formula",
                "q3: 1-D; q5: a(1-D); q6: -aD; q7: a(2/(1+D)-1) (patent eqs. q3, q5-q7)",
                choices=FORMULAS,
            ),
            Param(
                "a",
                "float",
                1.0,
                "Coefficient a",
                "Positive scale a of formulas q5-q7 (patent)",
                minimum=1e-12,
                maximum=1e12,
            ),
        ),
    )
)
register(
    Method(
        id="gap-magnitude",
        name="GAP-magnitude contribution",
        summary="Each region's share of the GAP vector's length: cos(v_j, v_GAP) |v_j|.",
        source="Yang et al., CVPR 2019 (prior art cited by patent US 2025/0259040 A1)",
        needs=Needs.FORWARD,
        scope=Scope.PRE_GAP,
        class_dependent=False,
        signed=True,
        compute=_gap_magnitude,
    )
)
register(
    Method(
        id="cam",
        name="CAM",
        summary="Class activation map: the classifier's weights for the class times the features.",
        source="Zhou et al., Learning Deep Features for Discriminative Localization, CVPR 2016",
        needs=Needs.FORWARD,
        scope=Scope.PRE_GAP,
        class_dependent=True,
        signed=True,
        compute=_cam,
        extra={"requires_linear_head": True},
    )
)
