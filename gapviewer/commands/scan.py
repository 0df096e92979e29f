"""`gapviewer scan DATA`: classify a labelled folder or list, write one CSV row per image."""

from __future__ import annotations

import argparse
import csv
import signal
import sys
import time

from .common import add_model_options, fail, load_model_from_args


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    from ..core.data import MATCH_MODES

    parser = subparsers.add_parser(
        "scan",
        help="classify a labelled folder or list and find what the model gets wrong",
        description="Classify every image of DATA (a folder root/<class name>/*, or a .csv/.json "
        "list of path,label) and write per image: path, true and predicted label, both "
        "probabilities, loss, correct, top-5. With --out the CSV is written as the scan goes and "
        "a second run resumes it; Ctrl-C stops cleanly. Exit code 0, 1 when some images failed, "
        "2 for usage errors, 130 when interrupted.",
    )
    parser.add_argument("data", metavar="DATA", help="class-subfolder folder, or .csv/.json list")
    add_model_options(parser)
    parser.add_argument("--out", help="results CSV (resumed when it exists); default: stdout")
    parser.add_argument("--batch", type=int, default=32, help="images per forward pass (32)")
    parser.add_argument("--workers", type=int, help="decoding threads (default: cores - 1, max 4)")
    parser.add_argument(
        "--match",
        choices=MATCH_MODES,
        default="auto",
        help="how labels find classes: exact, case-insensitive, index, or auto (all three)",
    )
    cluster = add_cluster_options(
        parser,
        "local (default), or ray: Ray Data actors on a cluster; --out is then a folder of "
        "Parquet parts (resumed when it exists) that the viewer's triage view opens",
    )
    cluster.add_argument(
        "--save-maps",
        nargs="?",
        const="gap-direction",
        metavar="METHODS",
        help="with --engine ray: also store each image's raw maps of the predicted class "
        "(comma-separated method ids; default gap-direction)",
    )
    parser.set_defaults(func=run)


def add_cluster_options(parser: argparse.ArgumentParser, engine_help: str):
    """--engine, --address, --num-workers (scan and eval); returns the group for more."""
    cluster = parser.add_argument_group("cluster (pip install 'gapviewer[cluster]')")
    cluster.add_argument("--engine", choices=("local", "ray"), default="local", help=engine_help)
    cluster.add_argument(
        "--address", help="Ray cluster to join (e.g. auto, or HEAD:6379); default: a local one"
    )
    cluster.add_argument(
        "--num-workers", type=int, default=2, help="model copies (Ray actors), one CPU or GPU each"
    )
    return cluster


def _ray_scan(args: argparse.Namespace, model, dataset, progress, token):
    """The scan on Ray Data (core.distributed); the model travels as a spec of these options."""
    from ..core.distributed import ModelSpec, RayNotInstalledError, ray_scan

    if not args.out:
        fail("--engine ray writes Parquet parts: give --out FOLDER")
    if args.num_workers < 1:
        fail("--num-workers must be at least 1")
    spec = ModelSpec(args.model, args.weights, args.classes, args.trust, args.device)
    methods = [m.strip() for m in (args.save_maps or "").split(",") if m.strip()]
    try:
        return ray_scan(
            spec,
            dataset,
            model.class_names,
            args.out,
            batch_size=args.batch,
            num_workers=args.num_workers,
            address=args.address,
            methods=methods,
            progress=progress,
            cancel=token,
        )
    except RayNotInstalledError as error:
        fail(str(error))


class _ProgressLine:
    """Progress on stderr: one rewritten line on a terminal, a line every few seconds otherwise."""

    def __init__(self) -> None:
        self.interactive = sys.stderr.isatty()
        self.last = 0.0

    def __call__(self, fraction: float, message: str) -> None:
        now = time.monotonic()
        if self.interactive:
            print(f"\r{message:<70}", end="", file=sys.stderr, flush=True)
        elif now - self.last >= 5 or fraction >= 1:
            print(message, file=sys.stderr)
            self.last = now

    def close(self) -> None:
        if self.interactive:
            print(file=sys.stderr)


def run(args: argparse.Namespace) -> int:
    from ..core.capture import CancelToken
    from ..core.data import DatasetError, read_dataset
    from ..core.metrics import summarise_scan
    from ..core.scan import COLUMNS, scan

    if args.batch < 1:
        fail("--batch must be at least 1")
    if args.engine == "local" and (args.save_maps or args.address):
        fail("--save-maps and --address need --engine ray")
    model = load_model_from_args(args)
    try:
        dataset = read_dataset(args.data, model.class_names, args.match)
    except DatasetError as error:
        fail(str(error))
    print(dataset.report(), file=sys.stderr)
    if not dataset.items:
        fail(f"{args.data}: no images found")
    token = CancelToken()
    previous = signal.signal(signal.SIGINT, lambda *_: token.cancel())
    progress = _ProgressLine()
    try:
        if args.engine == "ray":
            result = _ray_scan(args, model, dataset, progress, token)
        else:
            result = scan(
                model,
                dataset,
                out=args.out,
                batch_size=args.batch,
                workers=args.workers,
                progress=progress,
                cancel=token,
            )
    except (OSError, ValueError) as error:
        fail(f"{args.out}: {error}")
    finally:
        signal.signal(signal.SIGINT, previous)
        progress.close()
    if args.out is None:
        writer = csv.DictWriter(sys.stdout, COLUMNS)
        writer.writeheader()
        writer.writerows(row.to_record() for row in result.rows)
    failed = [row for row in result.rows if row.failed]
    summary = summarise_scan(result.rows, model.class_names)
    judged = int(summary.matrix.sum())
    wrong = judged - int(summary.matrix.trace())
    if judged:
        print(
            f"accuracy {100 * summary.accuracy:.1f} % ({judged - wrong}/{judged}), "
            f"{wrong} misclassified",
            file=sys.stderr,
        )
    for row in failed:
        print(f"failed: {row.path}: {row.error}", file=sys.stderr)
    if result.resumed:
        print(f"{result.resumed} images resumed from {args.out}", file=sys.stderr)
    if result.cancelled:
        again = "; run the same command to resume" if args.out else ""
        print(f"interrupted after {len(result.rows)} images{again}", file=sys.stderr)
        return 130
    if args.out:
        print(f"{len(result.rows)} rows in {args.out}", file=sys.stderr)
    return 1 if failed else 0
