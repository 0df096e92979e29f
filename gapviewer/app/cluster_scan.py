"""The triage panel's "Scan…" dialog (engine local or Ray, cluster address, workers, batch size,
results folder, stored maps) and the Ray scan job it starts.

The job runs `core.distributed.ray_scan` (the `gapviewer scan --engine ray` code path) on the
triage panel's cluster thread, never the GUI thread; the model travels as a
`core.distributed.ModelSpec` built from the viewer's model spec, as the CLI builds it from its
options. Creating the dialog imports neither torch nor Ray: whether Ray is installed is asked of
the import system only.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from .state import ModelSpec
from .triage_worker import TaskContext

if TYPE_CHECKING:
    from ..core.scan import ScanResult, ScanRow
    from ..core.scan_results import ScanResults

STORED_MAP_METHOD = "gap-direction"  # what `gapviewer scan --save-maps` stores by default


def ray_installed() -> bool:
    """True when Ray Data and pyarrow can be imported (the `cluster` extra), without importing
    them."""
    return all(importlib.util.find_spec(name) is not None for name in ("ray", "pyarrow"))


@dataclass(frozen=True)
class ScanSettings:
    """A scan as the dialog asks for it; `address` "" starts a private Ray instance here."""

    source: str
    engine: str = "local"  # "local" or "ray"
    address: str = ""
    num_workers: int = 2
    batch_size: int = 32
    out: str = ""
    save_maps: bool = False

    @property
    def methods(self) -> tuple[str, ...]:
        """The methods whose maps the Ray scan stores per image."""
        return (STORED_MAP_METHOD,) if self.save_maps else ()


@dataclass(frozen=True)
class RayScanUpdate:
    """Sent while a Ray scan runs: the rows that just arrived, images done (resumed ones
    included) and images in all."""

    rows: tuple[ScanRow, ...]
    done: int
    total: int


@dataclass(frozen=True)
class RayScanOutcome:
    """A finished or cancelled Ray scan: its rows in input order, the results folder opened
    lazily (None when nothing was written), and what the data's labels had wrong ("" if
    nothing)."""

    result: ScanResult
    stored: ScanResults | None
    problems: str = ""


def core_model_spec(spec: ModelSpec) -> Any:
    """The viewer's model spec as the `core.distributed.ModelSpec` every Ray actor loads
    (imports torch: call it in a worker). An in-memory module cannot travel."""
    from ..core.distributed import ModelSpec as ClusterSpec

    if spec.kind == "module":
        raise ValueError("a model given as a Python object cannot be sent to Ray workers")
    classes = tuple(spec.classes) if isinstance(spec.classes, list | tuple) else spec.classes
    return ClusterSpec(
        None if spec.kind == "builtin" else spec.source,
        spec.weights or None,
        classes or None,
        spec.trust,
        spec.device,
    )


def ray_scan_job(
    settings: ScanSettings, spec: ModelSpec, class_names: tuple[str, ...]
) -> Callable[[TaskContext], RayScanOutcome]:
    """Read the labelled data, then `ray_scan` it into `settings.out`: a `RayScanUpdate` partial
    after each result block, a `RayScanOutcome` at the end (also when cancelled)."""

    def job(context: TaskContext) -> RayScanOutcome:
        from ..core.data import read_dataset
        from ..core.distributed import ray_scan
        from ..core.scan_results import ScanResults, parts_dataset

        dataset = read_dataset(settings.source, class_names)
        context.cancel.check()
        if not dataset.items:
            raise ValueError(f"{settings.source}: no labelled images")
        troubled = dataset.unmatched or dataset.ambiguous or dataset.problems
        problems = " ".join(dataset.report().splitlines()) if troubled else ""
        total = len(dataset.items)
        arrived: list[ScanRow] = []

        def progress(fraction: float, _message: str) -> None:
            context.partial(RayScanUpdate(tuple(arrived), round(fraction * total), total))
            arrived.clear()

        result = ray_scan(
            core_model_spec(spec),
            dataset,
            class_names,
            settings.out,
            batch_size=settings.batch_size,
            num_workers=settings.num_workers,
            address=settings.address or None,
            methods=settings.methods,
            progress=progress,
            cancel=context.cancel,
            on_rows=arrived.extend,
        )
        stored = None
        if result.rows:
            folder = Path(settings.out)
            has_maps = "maps" in parts_dataset(folder).schema.names
            stored = ScanResults(folder, list(result.rows), tuple(class_names), has_maps)
        return RayScanOutcome(result, stored, problems)

    return job


def disconnect_ray() -> None:
    """Leave Ray (stopping the private instance this process started), if it was joined; run it
    on the thread that joined."""
    ray = sys.modules.get("ray")
    if ray is not None and ray.is_initialized():
        ray.shutdown()


class ScanDialog(QDialog):
    """Asks for a scan's settings; `settings()` gives them once accepted. The Ray engine is
    disabled, with the reason as its tooltip, when the cluster extra is not installed."""

    def __init__(self, previous: ScanSettings | None = None, parent: QWidget | None = None,
                 ray_available: bool | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Scan labelled images"))
        previous = previous or ScanSettings("")
        available = ray_installed() if ray_available is None else ray_available
        self.source = QLineEdit(previous.source)
        self.source.setPlaceholderText(self.tr("a folder root/<class>/*, or a .csv/.json list"))
        folder = QPushButton(self.tr("Folder…"))
        folder.clicked.connect(self._choose_folder)
        listing = QPushButton(self.tr("List…"))
        listing.clicked.connect(self._choose_list)
        source_row = QHBoxLayout()
        source_row.addWidget(self.source, 1)
        source_row.addWidget(folder)
        source_row.addWidget(listing)
        self.local = QRadioButton(self.tr("This computer"))
        self.local.setToolTip(self.tr("Scan on the viewer's model thread"))
        self.ray = QRadioButton(self.tr("Ray cluster"))
        if available:
            self.ray.setToolTip(self.tr("Scan with Ray Data actors, one model copy each"))
        else:
            self.ray.setEnabled(False)
            self.ray.setToolTip(
                self.tr("Needs the cluster extra: pip install gapviewer[cluster]")
            )
        engines = QButtonGroup(self)
        engines.addButton(self.local)
        engines.addButton(self.ray)
        (self.ray if available and previous.engine == "ray" else self.local).setChecked(True)
        engine_row = QHBoxLayout()
        engine_row.addWidget(self.local)
        engine_row.addWidget(self.ray)
        engine_row.addStretch(1)
        self.address = QLineEdit(previous.address)
        self.address.setPlaceholderText(self.tr("empty: start a local Ray instance"))
        self.address.setToolTip(self.tr("A running cluster: auto, or HEAD:6379"))
        self.workers = QSpinBox()
        self.workers.setRange(1, 1024)
        self.workers.setValue(previous.num_workers)
        self.workers.setToolTip(self.tr("Model copies (Ray actors), one CPU or GPU each"))
        self.batch = QSpinBox()
        self.batch.setRange(1, 4096)
        self.batch.setValue(previous.batch_size)
        self.batch.setToolTip(self.tr("Images per forward pass"))
        self.out = QLineEdit(previous.out)
        self.out.setPlaceholderText(self.tr("a folder of Parquet parts (resumed if it exists)"))
        browse = QPushButton(self.tr("Browse…"))
        browse.clicked.connect(self._choose_out)
        out_row = QHBoxLayout()
        out_row.addWidget(self.out, 1)
        out_row.addWidget(browse)
        self.save_maps = QCheckBox(self.tr("Store each image's map (gap-direction)"))
        self.save_maps.setChecked(previous.save_maps)
        self.save_maps.setToolTip(
            self.tr("Choosing a row then shows the stored map instead of recomputing it")
        )
        form = QFormLayout()
        form.addRow(self.tr("Images"), source_row)
        form.addRow(self.tr("Engine"), engine_row)
        form.addRow(self.tr("Cluster address"), self.address)
        form.addRow(self.tr("Workers"), self.workers)
        form.addRow(self.tr("Batch size"), self.batch)
        form.addRow(self.tr("Results folder"), out_row)
        form.addRow("", self.save_maps)
        self.cluster_fields = (self.address, self.workers, self.out, browse, self.save_maps)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Scan"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        for signal in (self.source.textChanged, self.out.textChanged, self.ray.toggled):
            signal.connect(self._update)
        self._update()

    def settings(self) -> ScanSettings:
        return ScanSettings(
            source=self.source.text().strip(),
            engine="ray" if self.ray.isChecked() else "local",
            address=self.address.text().strip(),
            num_workers=self.workers.value(),
            batch_size=self.batch.value(),
            out=self.out.text().strip(),
            save_maps=self.save_maps.isChecked(),
        )

    def _update(self) -> None:
        on_ray = self.ray.isChecked()
        for field in self.cluster_fields:
            field.setEnabled(on_ray)
        settings = self.settings()
        ready = bool(settings.source) and (not on_ray or bool(settings.out))
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(ready)

    def _choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self, self.tr("A labelled folder (one sub-folder per class)"), self.source.text()
        )
        if folder:
            self.source.setText(folder)

    def _choose_list(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("A labelled list"), self.source.text(),
            self.tr("Labelled lists (*.csv *.json)"),
        )
        if path:
            self.source.setText(path)

    def _choose_out(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Results folder (Parquet parts)"), self.out.text() or "scan-results"
        )
        if path:
            self.out.setText(path)
