"""`gapviewer signals PATH...`: explain 1-D signals (WAV/FLAC/CSV/NPY) and multi-channel images
(TIFF/NPY) with a signal or multi-channel model; raw maps, pictures, per-channel contributions
and a summary.json, as `gapviewer explain` does for photos."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

from ..core.naming import safe_name
from .common import (
    add_method_options,
    add_model_options,
    fail,
    load_model_from_args,
    method_params,
)


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "signals",
        help="explain 1-D signals and multi-channel images",
        description="For every signal (WAV, FLAC, CSV, NPY) or multi-channel image (TIFF, NPY) "
        "x method x layer: the raw map as .npy and a PNG (the signal with the map as a coloured "
        "band and a curve, or the false-colour image with the map overlaid), plus "
        "DIR/summary.json with predictions and per-channel contributions (gradient x input and "
        "contribution ratios). "
        "Exit code 0 when every input worked, 1 when some failed, 2 for usage errors.",
    )
    parser.add_argument("paths", nargs="+", metavar="PATH", help="files or folders")
    add_model_options(parser)
    group = parser.add_argument_group("trusted user architecture (instead of --model)")
    group.add_argument(
        "--arch",
        metavar="PACKAGE.MODULE:CLASS",
        help="import this nn.Module class (runs its code: needs --trust) and load --weights",
    )
    group.add_argument(
        "--arch-option",
        action="append",
        default=[],
        metavar="NAME=JSON",
        help="constructor argument, e.g. classes=4 (repeatable)",
    )
    group.add_argument(
        "--input-size",
        type=int,
        nargs="+",
        metavar="N",
        help="input length L (signals) or H W (images)",
    )
    group.add_argument("--in-channels", type=int, default=1, help="input channels (1)")
    group.add_argument("--sample-rate", type=float, help="the model's sample rate in Hz")
    parser.add_argument(
        "--time-major",
        action="store_true",
        help="tables and arrays are time x channels (default channels x time)",
    )
    parser.add_argument(
        "--layout",
        choices=("auto", "hwc", "chw"),
        default="auto",
        help="multi-channel NPY layout (auto: the smallest of first/last axis)",
    )
    add_method_options(parser)
    parser.add_argument(
        "--channels",
        type=int,
        nargs="+",
        metavar="I",
        help="multi-channel images: 1 (grey) or 3 (RGB) channels to show",
    )
    parser.add_argument("--alpha", type=float, default=0.5, help="map opacity 0..1 (0.5)")
    parser.add_argument("--out", default="gapviewer-out", help="output folder (gapviewer-out)")
    parser.set_defaults(func=run)


def _load(args: argparse.Namespace):
    from ..core.model_files import ModelLoadError
    from ..core.models import read_class_names
    from ..core.signal_models import load_user_model

    if not args.arch:
        return load_model_from_args(args)
    if not args.weights or not args.input_size:
        fail("--arch needs --weights and --input-size")
    options = {}
    for item in args.arch_option:
        name, _, value = item.partition("=")
        try:
            options[name] = json.loads(value)
        except json.JSONDecodeError:
            options[name] = value
    try:
        classes = read_class_names(Path(args.classes)) if args.classes else None
        return load_user_model(
            args.arch,
            args.weights,
            trust=args.trust,
            input_size=args.input_size,
            in_channels=args.in_channels,
            classes=classes,
            options=options,
            sample_rate=args.sample_rate,
            device=args.device,
        )
    except (ModelLoadError, OSError, UnicodeDecodeError, TypeError) as error:
        fail(str(error).strip("'\""))


def run(args: argparse.Namespace) -> int:
    from PIL import Image

    from ..core.channel_contrib import channel_contributions
    from ..core.explain import Explainer, ExplainError
    from ..core.images import ImageLoadError
    from ..core.methods import get_method
    from ..core.multichannel import (
        CHANNEL_IMAGE_EXTENSIONS,
        ChannelPreprocessing,
        compose,
        load_channel_image,
    )
    from ..core.render import display_normalisation, render_overlay
    from ..core.signal_render import render_signal
    from ..core.signals import SIGNAL_EXTENSIONS, SignalPreprocessing, list_signals, load_signal

    methods = args.methods or ["gap-direction"]
    try:
        for method in methods:
            get_method(method)
    except KeyError as error:
        fail(str(error).strip("'\""))
    if not 0 <= args.alpha <= 1:
        fail("--alpha must be between 0 and 1")
    params = method_params(args)
    model = _load(args)
    signal_model = isinstance(model.preprocessing, SignalPreprocessing)
    if not signal_model and not isinstance(model.preprocessing, ChannelPreprocessing):
        fail("this model reads photos: use `gapviewer explain`")
    extensions = SIGNAL_EXTENSIONS if signal_model else CHANNEL_IMAGE_EXTENSIONS
    paths, errors = list_signals(args.paths, extensions=extensions)
    explainer = Explainer(model)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    summary: dict[str, list] = {"results": [], "predictions": [], "errors": []}
    summary["errors"] += [{"path": e.path, "message": str(e)} for e in errors]
    used: set[str] = set()
    for path in paths:
        try:
            if signal_model:
                item = load_signal(path, time_major=args.time_major)
            else:
                item = load_channel_image(path, layout=args.layout)
            result = explainer.explain(
                item, methods=methods, layers=args.layers, target=args.target, params=params
            )
            bands = channel_contributions(model, item, result.target)
        except ImageLoadError as error:
            summary["errors"].append({"path": str(path), "message": str(error)})
            continue
        except (ExplainError, KeyError, ValueError) as error:
            fail(str(error).strip("'\""))
        stem = safe_name(path.stem)
        while stem in used:
            stem += "_"
        used.add(stem)
        names = list(item.channel_names)
        summary["predictions"].append(
            {
                "input": str(path),
                "top5": [
                    {"index": i, "name": n, "probability": p} for i, n, p in result.predictions
                ],
                "channel_contributions": [
                    {
                        "channel": names[c] if c < len(names) else str(c),
                        "gradient_x_input": float(bands.values[c]),
                        "share": float(bands.shares[c]),
                    }
                    for c in range(len(bands.values))
                ],
            }
        )
        for method_id, layer, reason in result.skipped:
            summary["errors"].append(
                {"path": str(path), "message": f"{method_id} at {layer} skipped: {reason}"}
            )
        for (method_id, layer), values in result.maps.items():
            base = out / f"{stem}__{safe_name(method_id)}__{safe_name(layer)}"
            npy = f"{base}.npy"  # not with_suffix: layer "blocks.10" keeps its ".10"
            np.save(npy, values)
            mode = display_normalisation(values, get_method(method_id).signed)
            colormap = "coolwarm" if mode == "signed" else "viridis"
            if values.ndim == 1 and signal_model:
                picture = render_signal(
                    item.data, values, normalisation=mode, colormap=colormap, channel_names=names
                )
            elif values.ndim == 2 and not signal_model:
                shown = args.channels or ([0, 1, 2] if item.channels >= 3 else [0])
                picture = render_overlay(
                    compose(item.data, shown),
                    values,
                    alpha=args.alpha,
                    colormap=colormap,
                    normalisation=mode,
                )
            else:
                picture = None
            png = None
            if picture is not None:
                png = f"{base}.png"
                Image.fromarray(picture).save(png)
            summary["results"].append(
                {
                    "input": str(path),
                    "method": method_id,
                    "layer": layer,
                    "target": result.target,
                    "png": png,
                    "npy": npy,
                }
            )
    (out / "summary.json").write_text(json.dumps(summary, indent=2, ensure_ascii=False))
    print(
        f"{len(summary['results'])} maps for {len(summary['predictions'])} inputs in {out}"
        + (f"; {len(summary['errors'])} problems (see summary.json)" if summary["errors"] else "")
    )
    return 1 if any("skipped" not in e["message"] for e in summary["errors"]) else 0
