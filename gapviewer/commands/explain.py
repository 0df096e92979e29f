"""`gapviewer explain PATH...`: overlay PNGs and raw maps for images, with a summary.json."""

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
    from ..core.render import COLORMAPS, NORMALISATIONS

    parser = subparsers.add_parser(
        "explain",
        help="write contribution-map overlays for images or folders",
        description="Explain images: for every image x method x layer write an overlay PNG at the "
        "image's own size and the raw map as .npy, plus DIR/summary.json. Exit code 0 when every "
        "input worked, 1 when some failed (the rest are still written), 2 for usage errors.",
    )
    parser.add_argument("paths", nargs="+", metavar="PATH", help="image files or folders")
    add_model_options(parser)
    add_method_options(parser)
    parser.add_argument("--alpha", type=float, default=0.5, help="heat-map opacity 0..1 (0.5)")
    parser.add_argument("--colormap", choices=COLORMAPS, help="default viridis; coolwarm if signed")
    parser.add_argument(
        "--upsample",
        choices=("nearest", "bilinear", "bicubic"),
        default="bilinear",
        help="nearest shows the layer's regions as blocks (patent FIG. 6)",
    )
    parser.add_argument(
        "--normalise",
        choices=("auto", *NORMALISATIONS),
        default="auto",
        help="auto: signed scale for maps with negative values of signed methods, else per-map",
    )
    parser.add_argument("--out", default="gapviewer-out", help="output folder (gapviewer-out)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..core.explain import Explainer, ExplainError
    from ..core.images import ImageLoadError, list_images, load_image
    from ..core.methods import get_method
    from ..core.render import display_normalisation, render_overlay

    methods = args.methods or ["gap-direction"]
    try:
        for method in methods:
            get_method(method)
    except KeyError as error:
        fail(str(error).strip("'\""))
    params = method_params(args)
    if not 0 <= args.alpha <= 1:
        fail("--alpha must be between 0 and 1")
    paths, errors = list_images(args.paths)
    model = load_model_from_args(args)
    explainer = Explainer(model)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    summary: dict[str, list] = {"results": [], "predictions": [], "errors": []}
    summary["errors"] += [{"path": e.path, "message": str(e)} for e in errors]
    used_stems: set[str] = set()
    for path in paths:
        try:
            image = load_image(path)
            result = explainer.explain(
                image, methods=methods, layers=args.layers, target=args.target, params=params
            )
        except ImageLoadError as error:
            summary["errors"].append({"path": str(path), "message": str(error)})
            continue
        except (ExplainError, KeyError, ValueError) as error:
            fail(str(error).strip("'\""))
        stem = safe_name(Path(path).stem)
        while stem in used_stems:
            stem += "_"
        used_stems.add(stem)
        summary["predictions"].append(
            {
                "image": str(path),
                "top5": [
                    {"index": i, "name": n, "probability": p} for i, n, p in result.predictions
                ],
            }
        )
        for method_id, layer, reason in result.skipped:
            summary["errors"].append(
                {"path": str(path), "message": f"{method_id} at {layer} skipped: {reason}"}
            )
        for (method_id, layer), values in result.maps.items():
            base = f"{stem}__{safe_name(method_id)}__{safe_name(layer)}"
            npy = str(out / f"{base}.npy")
            np.save(npy, values)
            png = None
            if values.ndim == 2:
                from PIL import Image

                signed = get_method(method_id).signed
                pixels = render_overlay(
                    image.pixels,
                    values,
                    alpha=args.alpha,
                    colormap=args.colormap,
                    normalisation=display_normalisation(values, signed, args.normalise),
                    upsample_mode=args.upsample,
                )
                png = str(out / f"{base}.png")
                Image.fromarray(pixels).save(png)
            summary["results"].append(
                {
                    "image": str(path),
                    "method": method_id,
                    "layer": layer,
                    "target": result.target,
                    "target_name": _target_name(model, result.target),
                    "png": png,
                    "npy": npy,
                }
            )
    (out / "summary.json").write_text(json.dumps(summary, indent=2, ensure_ascii=False))
    print(
        f"{len(summary['results'])} maps for {len(summary['predictions'])} images in {out}"
        + (f"; {len(summary['errors'])} problems (see summary.json)" if summary["errors"] else "")
    )
    return 1 if any("skipped" not in e["message"] for e in summary["errors"]) else 0


def _target_name(model, target: int | str) -> str:
    return model.class_names[target] if isinstance(target, int) else str(target)
