"""Dataset scan: classify every labelled image, batched, with decoding in a thread pool that runs
ahead of the model, progress with rate and ETA, cancellation, and a CSV output that a later run
resumes (rows are keyed by image path).

`scan_batch(model, items) -> rows` is the whole per-batch job as a plain function, so another
engine (several processes or machines) can reuse it; `scan` adds the pipeline around it.
"""

from __future__ import annotations

import csv
import json
import logging
import math
import os
import time
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from .capture import Cancelled, CancelToken
from .data import LabelledDataset, LabelledImage
from .images import ImageLoadError, load_image
from .models import LoadedModel

log = logging.getLogger(__name__)

Progress = Callable[[float, str], None]
COLUMNS = (
    "path",
    "true_label",
    "true_index",
    "predicted_label",
    "predicted_index",
    "true_probability",
    "predicted_probability",
    "loss",
    "correct",
    "top5",
    "error",
)


@dataclass(frozen=True)
class ScanRow:
    """One image's result. Values that cannot exist are None: no true class when the label matched
    none, no prediction when the image failed (then `error` says why). `loss` is the
    cross-entropy -log p(true class); `top5` holds (index, name, probability)."""

    path: str
    true_label: str
    true_index: int | None
    predicted_label: str
    predicted_index: int | None
    true_probability: float | None
    predicted_probability: float | None
    loss: float | None
    correct: bool | None
    top5: tuple[tuple[int, str, float], ...]
    error: str = ""

    @property
    def failed(self) -> bool:
        return bool(self.error)

    def to_record(self) -> dict[str, str]:
        """The row as CSV text fields; top5 is a JSON list of [index, name, probability]."""

        def text(value: object) -> str:
            if value is None:
                return ""
            if isinstance(value, bool):
                return "true" if value else "false"
            if isinstance(value, float):
                return f"{value:.6g}"
            return str(value)

        record = {name: text(getattr(self, name)) for name in COLUMNS if name != "top5"}
        record["top5"] = json.dumps([[i, n, round(p, 6)] for i, n, p in self.top5])
        return record

    @classmethod
    def from_record(cls, record: dict[str, str]) -> ScanRow:
        """Parse a CSV record written by `to_record`; ValueError when a field is malformed."""

        def number(name: str, kind: type) -> int | float | None:
            return kind(record[name]) if record[name] else None

        correct = {"true": True, "false": False, "": None}[record["correct"]]
        top5 = tuple((int(i), str(n), float(p)) for i, n, p in json.loads(record["top5"] or "[]"))
        return cls(
            path=record["path"],
            true_label=record["true_label"],
            true_index=number("true_index", int),
            predicted_label=record["predicted_label"],
            predicted_index=number("predicted_index", int),
            true_probability=number("true_probability", float),
            predicted_probability=number("predicted_probability", float),
            loss=number("loss", float),
            correct=correct,
            top5=top5,
            error=record["error"],
        )


@dataclass(frozen=True)
class Prepared:
    """A decoded, preprocessed image ready for the model, or the reason it could not be."""

    item: LabelledImage
    inputs: torch.Tensor | None
    error: str = ""


def prepare(model: LoadedModel, item: LabelledImage) -> Prepared:
    """Decode and preprocess one image on the CPU (safe to run in worker threads)."""
    try:
        pixels = load_image(item.path).pixels
        return Prepared(item, model.preprocessing(pixels)[0])
    except ImageLoadError as error:
        return Prepared(item, None, error.reason)
    except (ValueError, RuntimeError) as error:
        return Prepared(item, None, f"cannot preprocess: {error}")


def _failed_row(item: LabelledImage, reason: str) -> ScanRow:
    return ScanRow(
        str(item.path), item.label, item.index, "", None, None, None, None, None, (), reason
    )


def classify(model: LoadedModel, prepared: Sequence[Prepared]) -> list[ScanRow]:
    """One forward pass over the prepared images; failed ones become rows with their reason."""
    good = [p for p in prepared if p.inputs is not None]
    rows: dict[int, ScanRow] = {}
    if good:
        with torch.inference_mode():
            batch = torch.stack([p.inputs for p in good]).to(model.device)
            log_probs = model.module(batch).float().log_softmax(-1).cpu()
        top = log_probs.exp().topk(min(5, log_probs.shape[-1]), dim=-1)
        names = model.class_names
        for row, p in enumerate(good):
            predicted = int(top.indices[row, 0])
            true = p.item.index
            true_log = float(log_probs[row, true]) if true is not None else None
            rows[id(p)] = ScanRow(
                path=str(p.item.path),
                true_label=p.item.label,
                true_index=true,
                predicted_label=names[predicted],
                predicted_index=predicted,
                true_probability=math.exp(true_log) if true_log is not None else None,
                predicted_probability=float(top.values[row, 0]),
                loss=-true_log if true_log is not None else None,
                correct=predicted == true if true is not None else None,
                top5=tuple(
                    (int(i), names[int(i)], float(v))
                    for v, i in zip(top.values[row], top.indices[row], strict=True)
                ),
            )
    return [rows.get(id(p)) or _failed_row(p.item, p.error) for p in prepared]


def scan_batch(model: LoadedModel, items: Sequence[LabelledImage]) -> list[ScanRow]:
    """Classify one batch of labelled images: decode, preprocess, one forward, one row each."""
    return classify(model, [prepare(model, item) for item in items])


@dataclass(frozen=True)
class ScanResult:
    """Rows in the order of the scanned items; `resumed` of them came from an earlier run's file;
    `cancelled` when the scan stopped early (the rows so far are kept and written)."""

    rows: tuple[ScanRow, ...]
    class_names: tuple[str, ...]
    resumed: int = 0
    cancelled: bool = False


def read_results(path: str | os.PathLike[str]) -> list[ScanRow]:
    """Rows of a scan CSV; a malformed or truncated row (an interrupted write) is skipped."""
    rows = []
    with Path(path).open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        missing = set(COLUMNS) - set(reader.fieldnames or ())
        if missing:
            absent = ", ".join(sorted(missing))
            raise ValueError(f"{Path(path).name}: not a scan result (no {absent})")
        for record in reader:
            try:
                rows.append(ScanRow.from_record(record))
            except (ValueError, KeyError, TypeError):
                log.warning("%s: skipping a malformed row", Path(path).name)
    return rows


def _open_output(out: Path) -> tuple[dict[str, ScanRow], object]:
    """Rows already in `out` by path, and the file opened for appending. The valid rows are
    rewritten first, so a half-written last line from an interrupted run cannot corrupt it."""
    done: dict[str, ScanRow] = {}
    if out.exists() and out.stat().st_size:
        done = {row.path: row for row in read_results(out)}
    temporary = out.with_name(f".{out.name}.partial")
    with temporary.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, COLUMNS)
        writer.writeheader()
        writer.writerows(row.to_record() for row in done.values())
    os.replace(temporary, out)
    return done, out.open("a", newline="", encoding="utf-8")


def _eta(seconds: float) -> str:
    seconds = int(round(seconds))
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


def scan(
    model: LoadedModel,
    items: LabelledDataset | Iterable[LabelledImage],
    *,
    out: str | os.PathLike[str] | None = None,
    batch_size: int = 32,
    workers: int | None = None,
    progress: Progress | None = None,
    cancel: CancelToken | None = None,
    on_rows: Callable[[list[ScanRow]], None] | None = None,
) -> ScanResult:
    """Classify every item in batches of `batch_size`; `workers` threads decode up to two batches
    ahead of the model. With `out`, rows are appended to that CSV after every batch and images
    already in it are skipped (resume). `on_rows` receives each new batch's rows."""
    items = list(items.items if isinstance(items, LabelledDataset) else items)
    progress = progress or (lambda fraction, message: None)
    cancel = cancel or CancelToken()
    done: dict[str, ScanRow] = {}
    handle = None
    if out is not None:
        done, handle = _open_output(Path(out))
    resumed = sum(str(item.path) in done for item in items)
    todo = [item for item in items if str(item.path) not in done]
    rows = dict(done)
    cancelled = False
    workers = workers or max(1, min(4, (os.cpu_count() or 2) - 1))
    pool = ThreadPoolExecutor(workers, thread_name_prefix="gapviewer-decode")
    pending: deque[Future[Prepared]] = deque()
    queue = iter(todo)
    start = time.perf_counter()
    finished = 0
    try:
        writer = csv.DictWriter(handle, COLUMNS) if handle else None
        progress(resumed / max(len(items), 1), f"{resumed}/{len(items)} images")
        while True:
            cancel.check()
            for item in queue:
                pending.append(pool.submit(prepare, model, item))
                if len(pending) >= 3 * batch_size:
                    break
            if not pending:
                break
            batch = [pending.popleft().result() for _ in range(min(batch_size, len(pending)))]
            new_rows = classify(model, batch)
            if writer is not None:
                writer.writerows(row.to_record() for row in new_rows)
                handle.flush()
            rows.update((row.path, row) for row in new_rows)
            if on_rows is not None:
                on_rows(new_rows)
            finished += len(new_rows)
            rate = finished / max(time.perf_counter() - start, 1e-9)
            count = resumed + finished
            progress(
                count / max(len(items), 1),
                f"{count}/{len(items)} images, {rate:.1f} images/s, "
                f"ETA {_eta((len(todo) - finished) / rate)}",
            )
    except Cancelled:
        cancelled = True
        log.info("scan cancelled after %d new images", finished)
    finally:
        for future in pending:
            future.cancel()
        pool.shutdown(wait=True, cancel_futures=True)
        if handle is not None:
            handle.close()
    ordered = tuple(rows[str(item.path)] for item in items if str(item.path) in rows)
    return ScanResult(ordered, tuple(model.class_names), resumed, cancelled)



def failure_maps(
    model: LoadedModel,
    image: object,
    predicted: int,
    true: int,
    method: str = "grad-cam",
    layer: str | None = None,
) -> dict[str, np.ndarray]:
    """Failure-mode analysis of a misclassified image (Grad-CAM sec. 6.1): `method`'s map for the
    predicted class and for the true class, and the counterfactual map of the predicted class
    (regions whose removal would make the model more confident of it), titled for display."""
    from .explain import Explainer

    names = model.class_names
    explanation = Explainer(model).explain(
        image,
        methods=[method, "counterfactual"],
        layers=[layer] if layer else None,
        target=[predicted, true],
    )
    if explanation.skipped:
        raise ValueError("; ".join(reason for _, _, reason in explanation.skipped))

    def map_of(method_id: str, target: int) -> np.ndarray:
        maps = explanation.target_maps[target]
        return next(values for (m, _), values in maps.items() if m == method_id)

    return {
        f"Predicted: {names[predicted]}": map_of(method, predicted),
        f"True: {names[true]}": map_of(method, true),
        f"Counterfactual: {names[predicted]}": map_of("counterfactual", predicted),
    }
