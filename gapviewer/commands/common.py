"""Options and helpers shared by the subcommands."""

from __future__ import annotations

import argparse
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
