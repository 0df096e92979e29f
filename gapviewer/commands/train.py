"""`gapviewer train`: train or fine-tune a classifier (patent FIG. 4 step S10) on images or 1-D
signals into a .safetensors file that `gapviewer --model FILE`, `gapviewer signals --weights FILE`
and the viewer open with no other flags."""

from __future__ import annotations

import argparse
import signal
import sys
import time

from ..core.capture import Cancelled, CancelToken
from ..core.data import DatasetError
from ..core.model_files import ModelLoadError
from ..core.training import (
    FINE_TUNE,
    OPTIMIZERS,
    PRETRAINED_DEFAULT,
    SCHEDULES,
    TrainProgress,
    recipe,
    save_model,
    train,
)
from ..core.training_data import load_training_data
from .common import fail


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "train",
        help="train or fine-tune a classifier on labelled images or signals",
        description="Train on DATA: a folder with one subfolder of images per class, a folder "
        "with one subfolder of signals (WAV, FLAC, CSV, NPY; one per file) per class, a CIFAR-10 "
        "python batches folder (cifar-10-batches-py; its test batch validates), or 'digits' "
        "(scikit-learn's handwritten digits, upscaled). Architectures for images: gcm "
        "(Generative Contribution Mappings; default recipe from the paper: SGD lr 0.1 /10 at 100 "
        "and 150 of 180 epochs, batch 128), small-gap-cnn, efficientnet-lite0 (built-in), or any "
        "torchvision classifier name; for signals: gap-cnn1d (AdamW lr 0.003, batch 32, 30 "
        "epochs, shifts of up to 8 samples, gains of up to 6 dB). Signal files that cannot be "
        "used are reported and skipped. The best epoch by validation accuracy is saved.",
    )
    parser.add_argument(
        "data", metavar="DATA", help="class-subfolder folder (images or signals), CIFAR-10, digits"
    )
    parser.add_argument(
        "--arch", required=True, help="gcm, small-gap-cnn, efficientnet-lite0, gap-cnn1d, ..."
    )
    start = parser.add_mutually_exclusive_group()
    start.add_argument("--from", dest="init", metavar="WEIGHTS", help="start from this file")
    start.add_argument(
        "--pretrained-default",
        action="store_true",
        help="start from the architecture's ImageNet weights (built-in for efficientnet-lite0)",
    )
    parser.add_argument("--fine-tune", choices=FINE_TUNE, help="train all layers or the head only")
    parser.add_argument("--epochs", type=int, help="epochs (gcm: 180; others: 30)")
    parser.add_argument(
        "--batch", type=int, help="batch size (gcm: 128; gap-cnn1d: 32; others: 64)"
    )
    parser.add_argument("--lr", type=float, help="initial learning rate")
    parser.add_argument("--optimizer", choices=OPTIMIZERS)
    parser.add_argument("--schedule", choices=SCHEDULES, help="gcm: step; others: cosine")
    parser.add_argument("--val-split", type=float, default=0.1, help="held out for validation")
    parser.add_argument("--size", type=int, help="input height and width (default 32 or 224)")
    parser.add_argument("--no-flip", action="store_true", help="no horizontal flips")
    parser.add_argument(
        "--crop-padding",
        type=int,
        help="random shift margin: pixels of padded crops (4), samples of time shift (8)",
    )
    signals = parser.add_argument_group("signals")
    signals.add_argument(
        "--length",
        type=int,
        help="input length in samples (default: the median length of the signals)",
    )
    signals.add_argument(
        "--sample-rate",
        type=float,
        metavar="HZ",
        help="the model's sample rate; audio at other rates is resampled (default: the most "
        "common rate of the audio files; tables and arrays are taken to be at it)",
    )
    signals.add_argument(
        "--time-major",
        action="store_true",
        help="tables and arrays are time x channels (default channels x time)",
    )
    signals.add_argument("--gain-db", type=float, help="random gain of up to +- this (6 dB)")
    parser.add_argument("--relu", action="store_true", help="gcm: non-negative class weight maps")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--device", default="cpu", help="cpu, cuda, ...")
    parser.add_argument("--out", default="model.safetensors", help="output file")
    parser.set_defaults(func=run)


def _input_size(args: argparse.Namespace) -> tuple[int, ...] | None:
    if args.length and args.size:
        fail("--length (signals) and --size (images) exclude each other")
    if args.length:
        return (args.length,)
    return (args.size, args.size) if args.size else None


def _settings(args: argparse.Namespace):
    overrides = {
        "epochs": args.epochs,
        "batch_size": args.batch,
        "learning_rate": args.lr,
        "optimizer": args.optimizer,
        "schedule": args.schedule,
        "fine_tune": args.fine_tune,
        "crop_padding": args.crop_padding,
        "gain_db": args.gain_db,
        "input_size": _input_size(args),
        "init": PRETRAINED_DEFAULT if args.pretrained_default else args.init,
    }
    overrides = {key: value for key, value in overrides.items() if value is not None}
    if args.no_flip:
        overrides["flip"] = False
    if args.relu:
        overrides["options"] = {"relu": True}
    return recipe(
        args.arch, val_split=args.val_split, seed=args.seed, device=args.device, **overrides
    )


class _Reporter:
    """One line per epoch; on a terminal, a live line at most every half second."""

    def __init__(self) -> None:
        self.live = sys.stderr.isatty()
        self.last = 0.0

    def __call__(self, progress: TrainProgress) -> None:
        if progress.phase == "epoch":
            end = "\n"
        elif self.live and time.monotonic() - self.last > 0.5:
            end = "\r"
        else:
            return
        self.last = time.monotonic()
        print(progress.describe(), end=end, file=sys.stderr, flush=True)


def run(args: argparse.Namespace) -> int:
    try:
        settings = _settings(args)
        data, validation = load_training_data(
            args.data, sample_rate=args.sample_rate, time_major=args.time_major
        )
    except (ValueError, DatasetError, ImportError) as error:
        fail(str(error))
    skipped = data.problems
    print(
        f"{data.source}: {len(data)} {data.noun}, {len(data.class_names)} classes"
        + (f" ({len(skipped)} file{'s' * (len(skipped) > 1)} skipped)" if skipped else "")
        + f"; {settings.architecture}, {settings.epochs} epochs",
        file=sys.stderr,
    )
    cancel = CancelToken()
    # Ctrl-C stops at the next batch and keeps the best epoch so far.
    previous = signal.signal(signal.SIGINT, lambda *_: cancel.cancel())
    try:
        result = train(settings, data, validation=validation, progress=_Reporter(), cancel=cancel)
    except (ModelLoadError, DatasetError, ValueError) as error:
        fail(str(error))
    except Cancelled:
        fail("training interrupted before the first epoch ended; nothing saved", code=130)
    finally:
        signal.signal(signal.SIGINT, previous)
    if result.cancelled:
        print(f"interrupted after epoch {len(result.history)}", file=sys.stderr)
    path = save_model(result, args.out)
    accuracy = (
        f"validation accuracy {result.best_accuracy:.2%}"
        if result.best_accuracy is not None
        else "no validation images"
    )
    print(f"saved {path} (epoch {result.best_epoch}, {accuracy})")
    return 0
