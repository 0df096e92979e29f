"""Scans on a Ray cluster, and the Parquet results they write.

The local engine (`core.scan`) and this one share the per-batch work: `scan_records(model,
items, methods)` is a plain function (it calls `scan.scan_batch`, then optionally computes the
maps of the predicted class), so both engines give identical rows. Ray Data only schedules it:
the driver lists the inputs and cuts them into blocks of whole batches, `map_batches` runs a
callable class (one model copy per actor, loaded once from a `ModelSpec`, never a pickled
module) on CPU or GPU, and the driver streams the result blocks into Parquet part files keyed
by input path (a path already written is dropped, so a retried task or a resumed run never
duplicates a row), reporting rows done, rate and ETA, and stopping cleanly when cancelled.

`ray_map(spec, items, factory)` runs any other per-image job the same way (`gapviewer eval
--engine ray`). `core.scan_results.read_scan_results(path)` opens a scan result without Ray.
"""

from __future__ import annotations

import json
import logging
import math
import os
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from .capture import Cancelled, CancelToken
from .data import LabelledDataset, LabelledImage
from .images import ImageLoadError, load_image
from .models import LoadedModel, load_model
from .scan import ScanResult, ScanRow, _eta, _failed_row, scan_batch
from .scan_results import (
    ParquetSink,
    ScanRecord,
    read_scan_results,
    records_table,
    table_rows,
)

if TYPE_CHECKING:
    import pyarrow as pa

log = logging.getLogger(__name__)

Progress = Callable[[float, str], None]


class RayNotInstalledError(RuntimeError):
    """The cluster engine was asked for but the optional `cluster` extra is not installed."""


@dataclass(frozen=True)
class ModelSpec:
    """What every actor needs to load the model itself: the same arguments as `load_model`, as
    plain values (a built-in or architecture name or a weights path readable on every node), so
    no module is ever pickled. `trust` applies the local untrusted-file rules unchanged."""

    model: str | None = None
    weights: str | None = None
    classes: tuple[str, ...] | str | None = None
    trust: bool = False
    device: str = "cpu"

    def portable(self) -> ModelSpec:
        """The spec with local file paths made absolute, as actors in other working folders
        (or on other machines sharing the file system) need them."""

        def absolute(value):
            is_file = isinstance(value, str) and Path(value).is_file()
            return os.path.abspath(value) if is_file else value

        return replace(
            self,
            model=absolute(self.model),
            weights=absolute(self.weights),
            classes=absolute(self.classes),
        )

    def load(self, device: str | None = None) -> LoadedModel:
        classes = list(self.classes) if isinstance(self.classes, tuple) else self.classes
        return load_model(
            self.model,
            weights=self.weights,
            classes=classes,
            trust=self.trust,
            device=device or self.device,
        )


def _maps(model: LoadedModel, row: ScanRow, methods: Sequence[str]) -> tuple[ScanRow, dict]:
    """Maps of the predicted class; a failure becomes the row's error (the prediction stays)."""
    from .explain import Explainer, ExplainError

    try:
        explanation = Explainer(model).explain(
            load_image(row.path), methods=methods, target=row.predicted_index
        )
    except (ImageLoadError, ExplainError, KeyError, ValueError, RuntimeError) as error:
        return replace(row, error=f"maps: {str(error).strip(chr(39) + chr(34))}"), {}
    maps = {f"{method}@{layer}": values for (method, layer), values in explanation.maps.items()}
    skipped = "; ".join(f"{m}@{layer} skipped: {why}" for m, layer, why in explanation.skipped)
    return (replace(row, error=f"maps: {skipped}") if skipped else row), maps


def _alone(model: LoadedModel, item: LabelledImage) -> ScanRow:
    """One image in a batch of its own; an exception becomes the row's reason."""
    try:
        return scan_batch(model, [item])[0]
    except (RuntimeError, ValueError) as error:
        return _failed_row(item, f"cannot classify: {str(error).splitlines()[0]}")


def scan_records(
    model: LoadedModel, items: Sequence[LabelledImage], methods: Sequence[str] = ()
) -> list[ScanRecord]:
    """One batch for either engine: `scan_batch` rows, plus `methods`' maps of the predicted
    class for every image that was classified. An exception from the batch as a whole (e.g. a
    forward that rejects the input) is retried image by image, so it fails only its own row."""
    try:
        rows = scan_batch(model, items)
    except (RuntimeError, ValueError):
        rows = [_alone(model, item) for item in items]
    if not methods:
        return [ScanRecord(row) for row in rows]
    return [
        ScanRecord(*_maps(model, row, methods)) if not row.failed else ScanRecord(row)
        for row in rows
    ]


def items_table(items: Sequence[LabelledImage]) -> pa.Table:
    """The inputs as an Arrow table: path (as given, the result key), source (absolute, what
    the actors read), label, index (null when the label matched no class)."""
    import pyarrow as pa

    return pa.table(
        {
            "path": pa.array([str(i.path) for i in items], pa.string()),
            "source": pa.array([os.path.abspath(i.path) for i in items], pa.string()),
            "label": pa.array([i.label for i in items], pa.string()),
            "index": pa.array([i.index for i in items], pa.int64()),
        }
    )


def _batch_items(batch: pa.Table) -> tuple[list[str], list[LabelledImage]]:
    """The result keys (paths as given) and the items to read (absolute sources) of a block."""
    data = batch.to_pydict()
    items = [
        LabelledImage(Path(source), label, index)
        for source, label, index in zip(data["source"], data["label"], data["index"], strict=True)
    ]
    return data["path"], items


class ScanActor:
    """The Ray Data callable class of scans: loads the model once per actor, then maps input
    blocks to result tables with the same `scan_records` as the local engine."""

    def __init__(self, spec: ModelSpec, device: str, methods: Sequence[str]) -> None:
        self.model = spec.load(device)
        self.methods = tuple(methods)

    def __call__(self, batch: pa.Table) -> pa.Table:
        paths, items = _batch_items(batch)
        records = scan_records(self.model, items, self.methods)
        keyed = [
            ScanRecord(replace(record.row, path=path), record.maps)
            for record, path in zip(records, paths, strict=True)
        ]
        return records_table(keyed, bool(self.methods))


class MapActor:
    """The Ray Data callable class of any per-image job: `factory(model)` once per actor gives
    the plain function items -> one JSON-able value per item, in order."""

    def __init__(
        self,
        spec: ModelSpec,
        device: str,
        factory: Callable[[LoadedModel], Callable[[list[LabelledImage]], list]],
    ) -> None:
        self.work = factory(spec.load(device))

    def __call__(self, batch: pa.Table) -> pa.Table:
        import pyarrow as pa

        paths, items = _batch_items(batch)
        values = [json.dumps(value) for value in self.work(items)]
        return pa.table({"path": paths, "value": values})


def block_tables(items: Sequence[LabelledImage], batch_size: int, block_size: int) -> list:
    """Input blocks of whole batches (`block_size` rounded up to a multiple of `batch_size`), so
    every actor batch holds the same images as the local engine's batch at that position."""
    size = max(batch_size, math.ceil(block_size / batch_size) * batch_size)
    table = items_table(items)
    return [table.slice(start, size) for start in range(0, table.num_rows, size)]


def default_block_size(count: int, batch_size: int, num_workers: int) -> int:
    """About four blocks per actor (load balance, little work redone after a failure), at most
    eight batches a block (the driver's progress and the part files advance block by block)."""
    return max(batch_size, min(8 * batch_size, math.ceil(count / (4 * num_workers))))


def connect(address: str | None, num_cpus: int | None, object_store_mb: int = 300) -> None:
    """Join the cluster at `address` ("auto": the one `ray start` runs here), or start a small
    private one on this machine with `num_cpus` CPUs; nothing when already connected. A private
    instance sends Ray no usage statistics unless RAY_USAGE_STATS_ENABLED says otherwise."""
    ray = _ray()
    if ray.is_initialized():
        return
    if address:
        ray.init(address=address, log_to_driver=False)
    else:
        os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
        ray.init(
            num_cpus=num_cpus,
            object_store_memory=object_store_mb * 2**20,
            include_dashboard=False,
            log_to_driver=False,
        )


def _ray():
    try:
        import ray
        import ray.data  # noqa: F401
    except ImportError as error:
        raise RayNotInstalledError(
            "the ray engine needs the cluster extra: pip install 'gapviewer[cluster]'"
        ) from error
    return ray


def _actor_resources(device: str, ray) -> tuple[str, float]:
    """The device each actor loads on and the GPUs it reserves: a whole GPU each when the
    device asks for CUDA ("auto": when the cluster has GPUs), else CPU only."""
    gpus = ray.cluster_resources().get("GPU", 0)
    if device.startswith("cuda") or (device == "auto" and gpus):
        return ("cuda" if device == "auto" else device), 1.0
    return "cpu", 0.0


def _stream(
    spec: ModelSpec,
    todo: Sequence[LabelledImage],
    actor: type,
    actor_args: tuple,
    *,
    batch_size: int,
    block_size: int | None,
    num_workers: int,
    cpus_per_worker: float,
    address: str | None,
) -> Iterator[pa.Table]:
    """Result tables of `actor` (one pool of `num_workers`) over `todo`, block by block as the
    actors finish them."""
    ray = _ray()
    connect(address, num_cpus=max(1, num_workers) if not address else None)
    device, gpus = _actor_resources(spec.device, ray)
    context = ray.data.DataContext.get_current()
    context.enable_progress_bars = False
    context.print_on_execution_start = False
    block = block_size or default_block_size(len(todo), batch_size, num_workers)
    data = ray.data.from_arrow(block_tables(todo, batch_size, block))
    results = data.map_batches(
        actor,
        fn_constructor_args=(spec, device, *actor_args),
        batch_size=batch_size,
        batch_format="pyarrow",
        compute=ray.data.ActorPoolStrategy(size=num_workers),
        num_cpus=cpus_per_worker,
        num_gpus=gpus,
    )
    yield from results.iter_batches(batch_size=None, batch_format="pyarrow")


def _drive(
    tables: Iterator[pa.Table],
    take: Callable[[pa.Table], int],
    total: int,
    done_before: int,
    progress: Progress,
    cancel: CancelToken,
) -> bool:
    """Feed each result table to `take` (returns its new rows), report rows done, rate and ETA
    after each; stop when cancelled (returns True) and shut the pipeline down either way."""
    start = time.perf_counter()
    new = 0
    progress(done_before / max(total, 1), f"{done_before}/{total} images")
    try:
        for table in tables:
            new += take(table)
            rate = new / max(time.perf_counter() - start, 1e-9)
            count = done_before + new
            progress(
                count / max(total, 1),
                f"{count}/{total} images, {rate:.1f} images/s, "
                f"ETA {_eta((total - count) / max(rate, 1e-9))}",
            )
            cancel.check()
    except Cancelled:
        log.info("cluster job cancelled after %d new images", new)
        return True
    finally:
        tables.close()
    return False


def ray_scan(
    spec: ModelSpec,
    items: LabelledDataset | Sequence[LabelledImage],
    class_names: Sequence[str],
    out: str | os.PathLike[str],
    *,
    batch_size: int = 32,
    block_size: int | None = None,
    num_workers: int = 2,
    cpus_per_worker: float = 1.0,
    address: str | None = None,
    methods: Sequence[str] = (),
    progress: Progress | None = None,
    cancel: CancelToken | None = None,
    flush_rows: int = 2048,
    on_rows: Callable[[list[ScanRow]], None] | None = None,
) -> ScanResult:
    """Scan `items` on Ray with `num_workers` actors, streaming rows into the part folder `out`;
    images already in `out` are skipped (resume). Returns the rows in the order of `items`.
    `block_size` images go to an actor at a time (default: `default_block_size`).

    Ray Data restarts an actor whose process dies and retries its task (its defaults for actor
    pools: unlimited restarts and task retries); rows from a retried block that were already
    written are dropped by the sink, so each image is written once. Ray's own progress output
    is switched off: `progress` gets rows done, rate and ETA instead, and `on_rows` each
    block's new rows as they arrive (before that block's `progress` call).

    `cancel` is checked as each result block arrives; the pipeline is then shut down (its
    actors are released) and the rows written so far stay in `out`. Ray starts its processes
    with a parent-death signal bound to the calling *thread*: a private instance started from
    a worker thread lives only as long as that thread, so call this from a long-lived one.
    """
    spec = spec.portable()
    items = list(items.items if isinstance(items, LabelledDataset) else items)
    sink = ParquetSink(out, class_names, bool(methods), flush_rows)
    resumed = sum(str(item.path) in sink.written for item in items)
    todo = [item for item in items if str(item.path) not in sink.written]
    rows: dict[str, ScanRow] = {}

    def take(table: pa.Table) -> int:
        new = table_rows(sink.add(table))
        rows.update((row.path, row) for row in new)
        if on_rows is not None and new:
            on_rows(new)
        return len(new)

    cancelled = False
    if todo:
        tables = _stream(
            spec,
            todo,
            ScanActor,
            (tuple(methods),),
            batch_size=batch_size,
            block_size=block_size,
            num_workers=num_workers,
            cpus_per_worker=cpus_per_worker,
            address=address,
        )
        try:
            cancelled = _drive(
                tables,
                take,
                len(items),
                resumed,
                progress or (lambda fraction, message: None),
                cancel or CancelToken(),
            )
        finally:
            sink.flush()
    if resumed:
        rows.update((row.path, row) for row in read_scan_results(out).rows)
    ordered = tuple(rows[str(item.path)] for item in items if str(item.path) in rows)
    return ScanResult(ordered, tuple(class_names), resumed, cancelled)


def ray_map(
    spec: ModelSpec,
    items: Sequence[LabelledImage],
    factory: Callable[[LoadedModel], Callable[[list[LabelledImage]], list]],
    *,
    batch_size: int = 8,
    block_size: int | None = None,
    num_workers: int = 2,
    cpus_per_worker: float = 1.0,
    address: str | None = None,
    progress: Progress | None = None,
    cancel: CancelToken | None = None,
) -> tuple[dict[str, object], bool]:
    """Run a per-image job on Ray: each actor calls `factory(model)` once (factory must pickle:
    a module-level class or function, or a partial of one) and the result on each batch of
    items, one JSON-able value per item. Returns ({path: value} for the items done, each once,
    whether it was cancelled)."""
    values: dict[str, object] = {}

    def take(table: pa.Table) -> int:
        before = len(values)
        for path, value in zip(table["path"].to_pylist(), table["value"].to_pylist(), strict=True):
            values.setdefault(path, json.loads(value))
        return len(values) - before

    if not items:
        return values, False
    tables = _stream(
        spec.portable(),
        items,
        MapActor,
        (factory,),
        batch_size=batch_size,
        block_size=block_size,
        num_workers=num_workers,
        cpus_per_worker=cpus_per_worker,
        address=address,
    )
    cancelled = _drive(
        tables,
        take,
        len(items),
        0,
        progress or (lambda fraction, message: None),
        cancel or CancelToken(),
    )
    return values, cancelled
