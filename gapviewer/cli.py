"""Command-line front end: no arguments starts the viewer; subcommands work headless.

Each subcommand lives in `gapviewer.commands.<name>` and provides `add_parser(subparsers)`, which
registers its parser with `func=run`; `run(args) -> int` returns the exit code.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence

COMMANDS = ("explain", "layers", "scan", "eval", "train", "signals")


def build_parser() -> argparse.ArgumentParser:
    from . import __version__

    parser = argparse.ArgumentParser(
        prog="gapviewer",
        description="See why an image classifier decided: contribution maps over the image.",
    )
    parser.add_argument("--version", action="version", version=f"gapviewer {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress and details")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        importlib.import_module(f"gapviewer.commands.{name}").add_parser(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] not in COMMANDS and argv[0] not in ("-h", "--help", "--version", "-v"):
        from .app import launch

        return launch(argv)
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING, format="%(levelname)s %(message)s"
    )
    if args.command is None:
        parser.print_help()
        return 2
    try:
        return int(args.func(args))
    except BrokenPipeError:  # output piped into `head` and the like
        sys.stderr.close()
        return 0
