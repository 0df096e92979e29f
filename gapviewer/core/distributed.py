"""Scans on a Ray cluster, and the Parquet results they write.

The local engine (`core.scan`) and this one share the per-batch work: `scan_records(model,
items, methods)` is a plain function (it calls `scan.scan_batch`, then optionally computes the
maps of the predicted class), so both engines give identical rows. Ray Data only schedules it:
the driver lists the inputs and cuts them into blocks of whole batches, `map_batches` runs a
callable class (one model copy per actor, loaded once from a `ModelSpec`, never a pickled
module) on CPU or GPU, and the driver streams the result blocks into Parquet part files keyed
by input path (a path already written is dropped, so a retried task or a resumed run never
duplicates a row), reporting rows done, rate and ETA, and stopping cleanly when cancelled.

`read_scan_results(path)` opens such a result (a part directory or one .parquet file) without
Ray: the rows at once, each image's maps only when asked for.
"""

from __future__ import annotations

import json
import logging
import math
import os
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from .capture import Cancelled, CancelToken
from .data import LabelledDataset, LabelledImage
from .images import ImageLoadError, load_image
from .models import LoadedModel, load_model
from .scan import ScanResult, ScanRow, _eta, _failed_row, scan_batch

if TYPE_CHECKING:
    import pyarrow as pa

log = logging.getLogger(__name__)

Progress = Callable[[float, str], None]
METADATA_KEY = b"gapviewer"
PART_GLOB = "part-*.parquet"


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


@dataclass(frozen=True)
class ScanRecord:
    """A scan row plus, when maps were asked for, the raw map per "method@layer" (layer grid)."""

    row: ScanRow
    maps: dict[str, np.ndarray] = field(default_factory=dict)


def _maps(model: LoadedModel, row: ScanRow, methods: Sequence[str]) -> tuple[ScanRow, dict]:
    """Maps of the predicted class; a failure becomes the row's error (the prediction stays)."""
    from .explain import Explainer, ExplainError

    try:
        explanation = Explainer(model).explain(
            load_image(row.path), methods=methods, target=row.predicted_index
        )
    except (ImageLoadError, ExplainError, KeyError, ValueError, RuntimeError) as error:
        return _with_error(row, f"maps: {str(error).strip(chr(39) + chr(34))}"), {}
    maps = {f"{method}@{layer}": values for (method, layer), values in explanation.maps.items()}
    skipped = "; ".join(f"{m}@{layer} skipped: {why}" for m, layer, why in explanation.skipped)
    return (_with_error(row, f"maps: {skipped}") if skipped else row), maps


def _with_error(row: ScanRow, error: str) -> ScanRow:
    return replace(row, error=error)


def scan_records(
    model: LoadedModel, items: Sequence[LabelledImage], methods: Sequence[str] = ()
) -> list[ScanRecord]:
    """One batch for either engine: `scan_batch` rows, plus `methods`' maps of the predicted
    class for every image that was classified. An exception from the batch as a whole (e.g. a
    forward that rejects the input) is retried image by image, so it fails only its own row."""
    try:
        rows = scan_batch(model, items)
    except (RuntimeError, ValueError):
        if len(items) == 1:
            raise
        rows = []
        for item in items:
            try:
                rows.extend(scan_batch(model, [item]))
            except (RuntimeError, ValueError) as error:
                rows.append(_failed_row(item, f"cannot classify: {str(error).splitlines()[0]}"))
    if not methods:
        return [ScanRecord(row) for row in rows]
    return [
        ScanRecord(*_maps(model, row, methods)) if not row.failed else ScanRecord(row)
        for row in rows
    ]


def _schema(with_maps: bool) -> pa.Schema:
    import pyarrow as pa

    fields = [
        ("path", pa.string()),
        ("true_label", pa.string()),
        ("true_index", pa.int64()),
        ("predicted_label", pa.string()),
        ("predicted_index", pa.int64()),
        ("true_probability", pa.float64()),
        ("predicted_probability", pa.float64()),
        ("loss", pa.float64()),
        ("correct", pa.bool_()),
        (
            "top5",
            pa.list_(
                pa.struct(
                    [("index", pa.int64()), ("name", pa.string()), ("probability", pa.float64())]
                )
            ),
        ),
        ("error", pa.string()),
    ]
    if with_maps:
        entry = pa.struct(
            [
                ("key", pa.string()),
                ("shape", pa.list_(pa.int32())),
                ("values", pa.list_(pa.float32())),
            ]
        )
        fields.append(("maps", pa.list_(entry)))
    return pa.schema(fields)


def records_table(records: Sequence[ScanRecord], with_maps: bool) -> pa.Table:
    """Records as an Arrow table (full float64 precision, so rows read back compare equal)."""
    import pyarrow as pa

    columns: dict[str, list] = {name: [] for name in _schema(with_maps).names}
    for record in records:
        row = record.row
        for name in columns:
            if name == "top5":
                columns[name].append(
                    [{"index": i, "name": n, "probability": p} for i, n, p in row.top5]
                )
            elif name == "maps":
                columns[name].append(
                    [
                        {
                            "key": key,
                            "shape": list(values.shape),
                            "values": np.asarray(values, np.float32).ravel(),
                        }
                        for key, values in record.maps.items()
                    ]
                )
            else:
                columns[name].append(getattr(row, name))
    return pa.table(columns, schema=_schema(with_maps))


def table_rows(table: pa.Table) -> list[ScanRow]:
    """The ScanRows of a results table (map column ignored)."""
    names = [n for n in _schema(False).names if n != "top5"]
    data = table.select([*names, "top5"]).to_pydict()
    return [
        ScanRow(
            **{name: data[name][k] for name in names},
            top5=tuple((e["index"], e["name"], e["probability"]) for e in data["top5"][k]),
        )
        for k in range(table.num_rows)
    ]


def _maps_of(entries: Iterable[dict]) -> dict[str, np.ndarray]:
    return {
        e["key"]: np.asarray(e["values"], np.float32).reshape(e["shape"]) for e in entries or ()
    }


class ParquetSink:
    """Result part files in a folder, keyed by input path: rows whose path is already written
    (by this run or an earlier one) are dropped. Each flush writes one complete part file
    (temporary name, then renamed), so an interrupted job loses at most the unflushed rows and
    the folder always reads back."""

    def __init__(
        self,
        folder: str | os.PathLike[str],
        class_names: Sequence[str],
        with_maps: bool,
        flush_rows: int = 2048,
    ) -> None:
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.with_maps = with_maps
        self.flush_rows = flush_rows
        self.run = uuid.uuid4().hex[:8]
        self.parts = 0
        self.pending: list[pa.Table] = []
        self.pending_rows = 0
        self.written: set[str] = set()
        if any(self.folder.glob(PART_GLOB)):
            self.written = set(_dataset(self.folder).to_table(columns=["path"])["path"].to_pylist())
        meta = {"class_names": list(class_names)}
        self.schema = _schema(with_maps).with_metadata({METADATA_KEY: json.dumps(meta)})

    def add(self, table: pa.Table) -> pa.Table:
        """Queue the rows of `table` not written yet; returns those new rows."""
        import pyarrow as pa

        paths = table["path"].to_pylist()
        keep, seen = [], set()
        for index, path in enumerate(paths):
            if path not in self.written and path not in seen:
                keep.append(index)
                seen.add(path)
        if len(keep) < len(paths):
            log.info("dropped %d rows already written", len(paths) - len(keep))
        new = table.take(pa.array(keep, pa.int64())).cast(self.schema)
        self.written |= seen
        if new.num_rows:
            self.pending.append(new)
            self.pending_rows += new.num_rows
        if self.pending_rows >= self.flush_rows:
            self.flush()
        return new

    def flush(self) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        if not self.pending:
            return
        name = f"part-{self.run}-{self.parts:05d}.parquet"
        temporary = self.folder / f".{name}.partial"
        pq.write_table(pa.concat_tables(self.pending), temporary)
        os.replace(temporary, self.folder / name)
        self.parts += 1
        self.pending, self.pending_rows = [], 0


def _dataset(path: Path):
    import pyarrow.dataset as ds

    files = sorted(path.glob(PART_GLOB)) if path.is_dir() else [path]
    if not files:
        raise ValueError(f"{path.name}: no scan result parts ({PART_GLOB})")
    return ds.dataset([str(f) for f in files], format="parquet")


@dataclass
class ScanResults:
    """A Parquet scan result: rows (one per input path, first written wins), the model's class
    names, and `maps(path)`, which reads that image's maps from disk only when called."""

    path: Path
    rows: list[ScanRow]
    class_names: tuple[str, ...]
    has_maps: bool

    def maps(self, image_path: str | os.PathLike[str]) -> dict[str, np.ndarray]:
        """{"method@layer": map} saved for one image ({} when none were saved)."""
        import pyarrow.dataset as ds

        if not self.has_maps:
            return {}
        table = _dataset(self.path).to_table(
            columns=["maps"], filter=ds.field("path") == str(image_path)
        )
        return _maps_of(table["maps"][0].as_py()) if table.num_rows else {}


def read_scan_results(path: str | os.PathLike[str]) -> ScanResults:
    """Open a result written by the cluster engine (a folder of parts or one .parquet file);
    the map column is not read until `maps(path)` asks for one image's."""
    path = Path(path)
    dataset = _dataset(path)
    names = dataset.schema.names
    missing = sorted(set(_schema(False).names) - set(names))
    if missing:
        raise ValueError(f"{path.name}: not a scan result (no {', '.join(missing)})")
    meta = json.loads((dataset.schema.metadata or {}).get(METADATA_KEY, b"{}"))
    table = dataset.to_table(columns=[n for n in _schema(False).names])
    rows, seen = [], set()
    for row in table_rows(table):
        if row.path not in seen:
            seen.add(row.path)
            rows.append(row)
    return ScanResults(path, rows, tuple(meta.get("class_names", ())), "maps" in names)


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
    private one on this machine with `num_cpus` CPUs; nothing when already connected."""
    ray = _ray()
    if ray.is_initialized():
        return
    if address:
        ray.init(address=address, log_to_driver=False)
    else:
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
) -> ScanResult:
    """Scan `items` on Ray with `num_workers` actors, streaming rows into the part folder `out`;
    images already in `out` are skipped (resume). Returns the rows in the order of `items`.
    `block_size` images go to an actor at a time (default: `default_block_size`).

    Ray Data restarts an actor whose process dies and retries its task (its defaults for actor
    pools: unlimited restarts and task retries); rows from a retried block that were already
    written are dropped by the sink, so each image is written once. Ray's own progress output
    is switched off: `progress` gets rows done, rate and ETA instead.
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
