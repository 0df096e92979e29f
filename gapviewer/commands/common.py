"""Options and helpers shared by the subcommands."""

from __future__ import annotations

import argparse
import re
import sys

from ..core.model_files import ModelLoadError


def add_model_options(parser: argparse.ArgumentParser) -> None:
    """--model, --weights, --classes, --trust, --device, as every model-using command takes."""
    group = parser.add_argument_group("model")
    group.add_argument(
        "--model",
        default=None,
        help="built-in efficientnet-lite0 (default), a torchvision architecture name, or a "
        "gapviewer .safetensors file",
    )
    group.add_argument("--weights", help="weights file for --model (.safetensors, .pt, .pth)")
    group.add_argument("--classes", help="class names file, one per line")
    group.add_argument(
        "--trust",
        action="store_true",
        help="allow this model file to run code when loaded (full pickles, TorchScript); "
        "only for files from authors you trust",
    )
    group.add_argument("--device", default="cpu", help="cpu, cuda, or auto")


def load_model_from_args(args: argparse.Namespace):
    """The model the options name; exits with code 2 and a one-line reason when it cannot load."""
    from ..core.models import load_model

    try:
        return load_model(
            args.model,
            weights=args.weights,
            classes=args.classes,
            trust=args.trust,
            device=args.device,
        )
    except (ModelLoadError, KeyError) as error:
        fail(str(error).strip("'\""))


def fail(message: str, code: int = 2) -> None:
    """Print `gapviewer: message` on stderr and exit with `code`."""
    print(f"gapviewer: {message}", file=sys.stderr)
    raise SystemExit(code)


def add_method_options(parser: argparse.ArgumentParser) -> None:
    """--method, --layer, --target, --formula, --coef and --param, as explain and signals take."""
    parser.add_argument(
        "--method",
        action="append",
        dest="methods",
        metavar="ID",
        help="method id, repeatable (default gap-direction); see `gapviewer layers --methods`",
    )
    parser.add_argument(
        "--layer",
        action="append",
        dest="layers",
        metavar="NAME",
        help="layer name, repeatable (default: each method's own default, usually pre-GAP)",
    )
    parser.add_argument(
        "--target",
        default="top1",
        help="top1 (default), a class index, a class name, or 'output' for single-output models",
    )
    parser.add_argument("--formula", choices=("q3", "q5", "q6", "q7"), help="gap-direction formula")
    parser.add_argument("--coef", type=float, help="gap-direction coefficient a (> 0)")
    parser.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="METHOD.NAME=VALUE",
        help="any method parameter, e.g. grad-cam.relu=false (repeatable)",
    )


def method_params(args: argparse.Namespace) -> dict[str, dict[str, object]]:
    """--formula/--coef and every --param METHOD.NAME=VALUE as {method: {name: value}}."""
    params: dict[str, dict[str, object]] = {}
    if args.formula:
        params.setdefault("gap-direction", {})["formula"] = args.formula
    if args.coef is not None:
        params.setdefault("gap-direction", {})["a"] = args.coef
    for item in args.param:
        match = re.fullmatch(r"([\w-]+)\.(\w+)=(.*)", item)
        if not match:
            fail(f"--param {item!r}: expected METHOD.NAME=VALUE")
        params.setdefault(match[1], {})[match[2]] = match[3]
    return params
