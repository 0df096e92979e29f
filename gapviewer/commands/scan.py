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
    parser.set_defaults(func=run)


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
