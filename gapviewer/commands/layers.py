"""`gapviewer layers`: the model's layers with output shapes, GAP / pre-GAP marked; methods."""

from __future__ import annotations

import argparse

from .common import add_model_options, load_model_from_args


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "layers",
        help="list the model's layers, output shapes, and its GAP and pre-GAP layers",
        description="List named layers with their output shapes (one probe forward pass); the "
        "pre-GAP layer (where GAP-direction, GAP-magnitude and CAM apply) is marked.",
    )
    add_model_options(parser)
    parser.add_argument("--all", action="store_true", help="also list layers without a grid")
    parser.add_argument("--methods", action="store_true", help="list the available methods too")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    model = load_model_from_args(args)
    gap = model.gap
    print(model.describe())
    marks = {}
    if gap:
        marks[gap.pre_gap_layer] = "pre-GAP" + (
            f" (then {gap.activation})" if gap.activation else ""
        )
        if gap.gap_layer:
            marks[gap.gap_layer] = "GAP"
        if gap.classifier_layer:
            marks[gap.classifier_layer] = "classifier"
    else:
        print(f"no GAP: {model.inspection.gap_problem}")
    if not model.layers:
        print("no named layers to list (a TorchScript module hides its layers from hooks)")
    width = max((len(info.name) for info in model.layers), default=0)
    for info in model.layers:
        if info.has_grid or args.all or info.name in marks:
            shape = "x".join(map(str, info.shape))
            print(f"{info.name:<{width}}  {info.kind:<22} {shape:<16} {marks.get(info.name, '')}")
    if args.methods:
        from ..core.methods import METHODS

        print("\nmethods:")
        for method in METHODS.values():
            print(f"  {method.id:<18} {method.name} [{method.needs.value}; {method.scope.value}]")
    return 0
