"""Scan results as Parquet: one row per image keyed by its path, the columns of the local CSV
(full float64 precision) plus, optionally, the raw maps; written as part files by `ParquetSink`
(deduplicated by path, each part complete on disk) and opened lazily by `read_scan_results`
(rows at once, maps per image on demand). Needs pyarrow (the `cluster` extra), not Ray.
"""

from __future__ import annotations

import json
import logging
import os
import time
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from .scan import ScanRow

if TYPE_CHECKING:
    import pyarrow as pa

log = logging.getLogger(__name__)

METADATA_KEY = b"gapviewer"
PART_GLOB = "part-*.parquet"


@dataclass(frozen=True)
class ScanRecord:
    """A scan row plus, when maps were asked for, the raw map per "method@layer" (layer grid)."""

    row: ScanRow
    maps: dict[str, np.ndarray] = field(default_factory=dict)


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


def table_rows(table: pa.Table | pa.RecordBatch) -> list[ScanRow]:
    """The ScanRows of a results table or record batch (map column ignored)."""
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
        # the start time first (16 hex digits), so part names sort in the order runs wrote them
        self.run = f"{time.time_ns():016x}-{uuid.uuid4().hex[:8]}"
        self.parts = 0
        self.pending: list[pa.Table] = []
        self.pending_rows = 0
        self.written: set[str] = set()
        if any(self.folder.glob(PART_GLOB)):
            self.written = set(written_paths(self.folder))
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


def parts_dataset(path: Path):
    """The result's part files (or the one .parquet file) as one pyarrow dataset."""
    import pyarrow.dataset as ds

    files = sorted(path.glob(PART_GLOB)) if path.is_dir() else [path]
    if not files:
        raise ValueError(f"{path.name}: no scan result parts ({PART_GLOB})")
    try:
        return ds.dataset([str(f) for f in files], format="parquet")
    except (OSError, ValueError) as error:  # pyarrow's message names the full path first
        reason = str(error).rsplit("': ", 1)[-1].strip()
        raise ValueError(f"{path.name}: not readable as Parquet ({reason})") from error


def written_paths(path: str | os.PathLike[str]) -> list[str]:
    """The path column of every part, duplicates included (one entry per row on disk)."""
    return parts_dataset(Path(path)).to_table(columns=["path"])["path"].to_pylist()


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
        table = parts_dataset(self.path).to_table(
            columns=["maps"], filter=ds.field("path") == str(image_path)
        )
        return _maps_of(table["maps"][0].as_py()) if table.num_rows else {}


def read_scan_results(
    path: str | os.PathLike[str], progress: Callable[[float], None] | None = None
) -> ScanResults:
    """Open a result written by the cluster engine (a folder of parts or one .parquet file);
    the map column is not read until `maps(path)` asks for one image's. `progress(fraction)`
    follows the rows read, record batch by record batch (it may raise to stop the reading)."""
    path = Path(path)
    dataset = parts_dataset(path)
    names = dataset.schema.names
    missing = sorted(set(_schema(False).names) - set(names))
    if missing:
        raise ValueError(f"{path.name}: not a scan result (no {', '.join(missing)})")
    meta = json.loads((dataset.schema.metadata or {}).get(METADATA_KEY, b"{}"))
    total = dataset.count_rows()
    rows, seen, done = [], set(), 0
    for batch in dataset.to_batches(columns=list(_schema(False).names)):
        for row in table_rows(batch):
            if row.path not in seen:
                seen.add(row.path)
                rows.append(row)
        done += batch.num_rows
        if progress is not None:
            progress(done / max(total, 1))
    return ScanResults(path, rows, tuple(meta.get("class_names", ())), "maps" in names)

