"""`gapviewer eval DATA`: how far each method's maps can be trusted (faithfulness, localisation,
sanity), and `gapviewer eval IMAGE --invalidate SPEC`: the feature invalidation what-if."""

from __future__ import annotations

import argparse
import json
import sys
from functools import partial
from pathlib import Path

import numpy as np

from .common import add_model_options, fail, load_model_from_args
from .scan import add_cluster_options

METRICS = ("deletion", "insertion", "occlusion-agreement", "pointing", "localisation", "sanity")
RANDOM = "random order"


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    from ..core.metrics import BASELINES

    parser = subparsers.add_parser(
        "eval",
        help="score maps: deletion/insertion, occlusion agreement, pointing, sanity; what-if",
        description="Evaluate methods on DATA (a labelled folder or list, or image files and "
        "folders): per-method mean and spread of each metric plus a per-image table. Deletion "
        "and insertion come with a random-order baseline. Pointing and localisation read Pascal "
        "VOC boxes from IMAGE.xml beside each image. With --invalidate, zero regions of a layer "
        "and show the top-10 before and after instead.",
    )
    parser.add_argument("data", nargs="+", metavar="DATA", help="labelled data, images or folders")
    add_model_options(parser)
    parser.add_argument(
        "--method",
        action="append",
        dest="methods",
        metavar="ID",
        help="method id, repeatable or comma-separated (default gap-direction)",
    )
    parser.add_argument("--layer", help="layer for every method (default: each method's own)")
    parser.add_argument(
        "--metric",
        default="deletion,insertion",
        help=f"comma-separated, from: {', '.join(METRICS)} (default deletion,insertion)",
    )
    parser.add_argument(
        "--target",
        default="predicted",
        help="class explained: predicted (default), true (the data's label), or a class name/index",
    )
    parser.add_argument("--out", help="write the full report as JSON")
    parser.add_argument("--limit", type=int, help="evaluate the first N images only")
    parser.add_argument("--steps", type=int, default=50, help="deletion/insertion steps (50)")
    parser.add_argument("--deletion-baseline", choices=BASELINES, default="zero")
    parser.add_argument("--insertion-baseline", choices=BASELINES, default="blur")
    parser.add_argument(
        "--random-repeats", type=int, default=1, help="random orders averaged for chance (1)"
    )
    parser.add_argument("--batch", type=int, default=16, help="perturbed images per forward (16)")
    parser.add_argument(
        "--randomise", type=int, default=3, help="sanity: top parameter layers re-initialised (3)"
    )
    parser.add_argument(
        "--invalidate",
        metavar="SPEC",
        help="what-if at --layer (default pre-GAP): top:20%% (top positive contributions of the "
        "first --method), cells:ROW,COL;ROW,COL, or box:ROW0-ROW1,COL0-COL1 (grid cells)",
    )
    add_cluster_options(
        parser,
        "local (default), or ray: each image's evaluation on Ray Data actors (a cluster, "
        "--address); the report is the same",
    )
    parser.set_defaults(func=run)


def _methods(args: argparse.Namespace) -> list[str]:
    from ..core.methods import get_method

    methods = [m.strip() for item in args.methods or ["gap-direction"] for m in item.split(",")]
    try:
        for method in methods:
            get_method(method)
    except KeyError as error:
        fail(str(error).strip("'\""))
    return [m for m in dict.fromkeys(methods) if m]


def _items(args: argparse.Namespace, class_names):
    """Labelled images from a dataset (one folder or list), else unlabelled image paths."""
    from ..core.data import DatasetError, LabelledImage, read_dataset
    from ..core.images import list_images

    if len(args.data) == 1:
        try:
            dataset = read_dataset(args.data[0], class_names)
        except DatasetError:
            dataset = None
        if dataset is not None and dataset.items:
            return list(dataset.items), [dataset.report()]
    paths, errors = list_images(args.data)
    return [LabelledImage(path, "", None) for path in paths], [str(e) for e in errors]


def _target(model, item, wanted: str) -> int | None:
    """The class to explain: None for the prediction, the data's label, or a named class."""
    from ..core.data import match_labels

    if wanted == "predicted":
        return None
    if wanted == "true":
        if item.index is None:
            raise ValueError(f"{item.path.name}: no known true class ({item.label!r})")
        return item.index
    index = match_labels([wanted], model.class_names)[0][wanted]
    if index is None:
        raise ValueError(f"--target {wanted!r} names no class of the model")
    return index


def _class_boxes(path: Path, label: str, class_name: str):
    """Boxes of the image's class (by the data's label or the class name); all boxes when no
    object is named either way."""
    from ..core.data import voc_boxes

    boxes = voc_boxes(path)
    wanted = {label.casefold(), class_name.casefold()} - {""}
    named = [b for b in boxes if b.label.casefold() in wanted]
    return named or boxes


def run(args: argparse.Namespace) -> int:
    methods = _methods(args)
    model = load_model_from_args(args)
    items, notes = _items(args, model.class_names)
    if args.limit is not None:
        items = items[: max(args.limit, 0)]
    for note in notes:
        print(note, file=sys.stderr)
    if not items:
        fail("no images to evaluate")
    if args.invalidate:
        if args.engine == "ray":
            fail("--invalidate runs on this machine only; leave out --engine ray")
        return _what_if(args, model, methods, items)
    metrics = [m.strip() for m in args.metric.split(",") if m.strip()]
    unknown = sorted(set(metrics) - set(METRICS))
    if unknown:
        fail(f"unknown metric {', '.join(unknown)}; choose from {', '.join(METRICS)}")
    report = _evaluate(args, model, methods, metrics, items)
    _print_summary(report)
    if args.out:
        Path(args.out).write_text(json.dumps(report, indent=2, ensure_ascii=False))
        print(f"report in {args.out}", file=sys.stderr)
    return 1 if report["problems"] else 0


class ImageEvaluator:
    """Every asked metric for one image at a time: the plain per-image work of both engines
    (`--engine ray` builds one per actor from a partial of the first three arguments)."""

    def __init__(self, args: argparse.Namespace, methods, metrics, model) -> None:
        from ..core import metrics as m
        from ..core.explain import Explainer

        self.args, self.methods, self.metrics, self.model = args, methods, metrics, model
        self.explainer = Explainer(model)
        self.randomised = (
            m.randomised_copy(model, args.randomise)[0] if "sanity" in metrics else None
        )
        self.curve_options = {"steps": args.steps, "batch_size": args.batch}
        self.baselines = {
            "deletion": args.deletion_baseline,
            "insertion": args.insertion_baseline,
        }

    def __call__(self, items) -> list[dict]:
        return [self.evaluate(item) for item in items]

    def evaluate(self, item) -> dict:
        """{"row": the image's scores (None when it failed), "problems": [{path, message}]}."""
        from ..core import metrics as m
        from ..core.explain import ExplainError
        from ..core.images import ImageLoadError, load_image

        try:
            image = load_image(item.path)
            explanation = self.explainer.explain(
                image,
                methods=self.methods,
                layers=[self.args.layer] if self.args.layer else None,
                target=_target(self.model, item, self.args.target),
            )
        except (ImageLoadError, ExplainError, KeyError, ValueError) as error:
            problem = {"path": str(item.path), "message": str(error).strip("'\"")}
            return {"row": None, "problems": [problem]}
        problems = [
            {"path": str(item.path), "message": f"{method} at {layer} skipped: {reason}"}
            for method, layer, reason in explanation.skipped
        ]
        target = explanation.target
        results: dict[str, dict[str, float | bool | None]] = {}
        size = image.pixels.shape[:2]
        occlusion = (
            m.reference_occlusion(self.model, image, target)
            if ("occlusion-agreement" in self.metrics)
            else None
        )
        boxes = _class_boxes(item.path, item.label, self.model.class_names[target])
        for (method, layer), values in explanation.maps.items():
            scores: dict[str, float | bool | None] = {}
            for kind in ("deletion", "insertion"):
                if kind in self.metrics:
                    curve = m.perturbation_curve(
                        self.model,
                        image,
                        kind,
                        target,
                        m.map_order(values, self.model.to_input(image)),
                        baseline=self.baselines[kind],
                        **self.curve_options,
                    )
                    scores[kind] = curve.area
            if occlusion is not None:
                scores["occlusion-agreement"] = m.occlusion_agreement(
                    self.model, image, values, target, reference=occlusion
                )
            if "pointing" in self.metrics and boxes and values.ndim == 2:
                scores["pointing"] = m.pointing_game(values, size, boxes)
            if "localisation" in self.metrics and boxes and values.ndim == 2:
                scores["localisation"] = m.localise(values, size, boxes).iou
            results[f"{method}@{layer}"] = scores
        if "sanity" in self.metrics:
            for check in m.sanity_check(
                self.model,
                image,
                self.methods,
                [self.args.layer] if self.args.layer else None,
                target=target,
                randomised=self.randomised,
            ):
                results[f"{check.method}@{check.layer}"]["sanity"] = check.correlation
        chance = {}
        for kind in ("deletion", "insertion"):
            if kind in self.metrics:
                chance[kind] = m.random_order_curve(
                    self.model,
                    image,
                    kind,
                    target,
                    repeats=self.args.random_repeats,
                    baseline=self.baselines[kind],
                    **self.curve_options,
                ).area
        if chance:
            results[RANDOM] = chance
        row = {
            "path": str(item.path),
            "label": item.label,
            "target": target,
            "target_name": self.model.class_names[target],
            "results": results,
        }
        return {"row": row, "problems": problems}


def _evaluate(args, model, methods, metrics, items) -> dict:
    if args.engine == "ray":
        outcomes = _ray_outcomes(args, items, partial(ImageEvaluator, args, methods, metrics))
    else:
        evaluator = ImageEvaluator(args, methods, metrics, model)
        outcomes = []
        for number, item in enumerate(items, start=1):
            print(f"[{number}/{len(items)}] {item.path}", file=sys.stderr)
            outcomes.append(evaluator.evaluate(item))
    rows = [outcome["row"] for outcome in outcomes if outcome["row"] is not None]
    problems = [problem for outcome in outcomes for problem in outcome["problems"]]
    return {
        "model": model.describe(),
        "methods": methods,
        "metrics": metrics,
        "target": args.target,
        "summary": _summary(rows),
        "images": rows,
        "problems": problems,
    }


def _ray_outcomes(args, items, factory) -> list[dict]:
    """ImageEvaluator outcomes from Ray actors (core.distributed.ray_map), in item order, with
    the paths as given (actors read absolute ones)."""
    from ..core.distributed import ModelSpec, RayNotInstalledError, ray_map
    from .scan import _ProgressLine

    if args.num_workers < 1:
        fail("--num-workers must be at least 1")
    spec = ModelSpec(args.model, args.weights, args.classes, args.trust, args.device)
    progress = _ProgressLine()
    try:
        values, _ = ray_map(
            spec,
            items,
            factory,
            batch_size=1,
            num_workers=args.num_workers,
            address=args.address,
            progress=progress,
        )
    except RayNotInstalledError as error:
        fail(str(error))
    finally:
        progress.close()
    outcomes = []
    for item in items:
        outcome = values[str(item.path)]
        for entry in [outcome["row"] or {}, *outcome["problems"]]:
            entry["path"] = str(item.path)
        outcomes.append(outcome)
    return outcomes


def _summary(rows) -> dict:
    """{method@layer: {metric: {mean, std, count}}} over images; pointing: the hit rate."""
    from ..core.metrics import spread

    values: dict[str, dict[str, list[float]]] = {}
    for row in rows:
        for key, scores in row["results"].items():
            for metric, value in scores.items():
                values.setdefault(key, {}).setdefault(metric, []).append(float(value))
    return {
        key: {metric: vars(spread(numbers)) for metric, numbers in per_metric.items()}
        for key, per_metric in values.items()
    }


def _print_summary(report: dict) -> None:
    metrics = report["metrics"]
    keys = list(report["summary"])
    width = max([len(k) for k in keys] + [6])
    print(f"{'map':<{width}}  " + "  ".join(f"{m:>22}" for m in metrics))
    for key in keys:
        cells = []
        for metric in metrics:
            s = report["summary"][key].get(metric)
            cells.append(
                f"{s['mean']:>9.3f} ± {s['std']:<6.3f} n={s['count']:<3}" if s else f"{'':>22}"
            )
        print(f"{key:<{width}}  " + "  ".join(f"{c:>22}" for c in cells))
    print(
        "deletion: lower is better; insertion, occlusion-agreement, pointing (hit rate), "
        "localisation (IoU): higher is better; sanity: rank correlation after randomising the "
        "top layers, high means the map ignores them"
    )
    for problem in report["problems"]:
        print(f"problem: {problem['path']}: {problem['message']}", file=sys.stderr)


def parse_region(spec: str, grid: tuple[int, ...], saliency: np.ndarray | None) -> np.ndarray:
    """The mask of grid cells a --invalidate SPEC names (see the option's help)."""
    from ..core.metrics import top_fraction_mask

    kind, _, value = spec.partition(":")
    shape = grid if len(grid) == 2 else (1, grid[0])
    mask = np.zeros(shape, bool)
    try:
        if kind == "top":
            if saliency is None:
                raise ValueError("top: needs a map")
            fraction = float(value.rstrip("%")) / (100 if value.endswith("%") else 1)
            return top_fraction_mask(saliency, fraction)
        if kind == "cells":
            for cell in value.split(";"):
                row, col = (int(v) for v in cell.split(","))
                mask[row, col] = True
        elif kind == "box":
            rows, cols = value.split(",")
            (r0, r1), (c0, c1) = (tuple(int(v) for v in part.split("-")) for part in (rows, cols))
            if not (0 <= r0 <= r1 < shape[0] and 0 <= c0 <= c1 < shape[1]):
                raise IndexError
            mask[r0 : r1 + 1, c0 : c1 + 1] = True
        else:
            raise ValueError(kind)
    except (ValueError, IndexError) as error:
        raise ValueError(
            f"--invalidate {spec!r}: expected top:P%, cells:R,C;R,C or box:R0-R1,C0-C1 "
            f"within the {'x'.join(map(str, grid))} grid"
        ) from error
    return mask if len(grid) == 2 else mask[0]


def _what_if(args, model, methods, items) -> int:
    from ..core.explain import Explainer, ExplainError
    from ..core.images import ImageLoadError, load_image
    from ..core.metrics import invalidate_features

    layer = args.layer or model.pre_gap_layer
    if layer is None:
        fail("--invalidate needs --layer (this model has no pre-GAP layer)")
    try:
        grid = model.layer(layer).spatial
    except KeyError as error:
        fail(str(error).strip("'\""))
    if not grid:
        fail(f"layer {layer} has no spatial grid")
    explainer = Explainer(model)
    report, problems = [], 0
    for item in items:
        try:
            image = load_image(item.path)
            target = _target(model, item, args.target)
            saliency = None
            if args.invalidate.startswith("top:"):
                explanation = explainer.explain(
                    image, methods=methods[:1], layers=[layer], target=target
                )
                if not explanation.maps:
                    raise ValueError(explanation.skipped[0][2])
                saliency = next(iter(explanation.maps.values()))
                target = explanation.target
            mask = parse_region(args.invalidate, grid, saliency)
            result = invalidate_features(model, image, layer, mask, target=target)
        except (ImageLoadError, ExplainError, KeyError, ValueError) as error:
            print(f"{item.path}: {str(error).strip(chr(39) + chr(34))}", file=sys.stderr)
            problems += 1
            continue
        print(
            f"{item.path}: {result.target_name}: score {result.score_before:.2f} -> "
            f"{result.score_after:.2f}, rank {result.rank_before} -> {result.rank_after} "
            f"({int(result.mask.sum())} of {result.mask.size} cells of {layer} zeroed)"
        )
        print(result.table())
        report.append(_invalidation_record(item.path, result))
    if args.out:
        Path(args.out).write_text(json.dumps(report, indent=2, ensure_ascii=False))
    return 1 if problems else 0


def _invalidation_record(path: Path, result) -> dict:
    def ranked(entries):
        return [
            {"index": r.index, "name": r.name, "score": r.score, "probability": r.probability}
            for r in entries
        ]

    return {
        "path": str(path),
        "layer": result.layer,
        "target": result.target,
        "target_name": result.target_name,
        "cells": np.argwhere(result.mask).tolist(),
        "score_before": result.score_before,
        "score_after": result.score_after,
        "rank_before": result.rank_before,
        "rank_after": result.rank_after,
        "top_before": ranked(result.top_before),
        "top_after": ranked(result.top_after),
    }
