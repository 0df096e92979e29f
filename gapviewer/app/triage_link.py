"""Connects the triage view to the engine's model thread: dataset scans, the failure-mode maps and
faithfulness curves of a chosen image, and the feature-invalidation what-if.

Every computation is a core function run by `Engine.submit_model_job`, so it shares the worker
that owns the model and follows its rules (per channel the newest request wins; stale results
are dropped here by generation). A scan runs as a chain of `core.scan.scan` calls on chunks of
`SCAN_CHUNK` images, one model-thread job each: explanations of the main view and inspections of
a triage row are served between chunks instead of waiting for the whole scan.

- Scan: `core.data.read_dataset` (class-subfolder folder or CSV/JSON list), then `core.scan.scan`
  streaming rows to `TriageView.append_rows`, progress with rate and ETA, cancellable.
- A chosen row: `core.scan.failure_maps` (Grad-CAM for the predicted and the true class and the
  counterfactual, Selvaraju et al. 2017, sec. 6.1) at the pre-GAP layer, then RISE deletion and
  insertion curves of the predicted-class map with a random-order baseline (Petsiuk et al. 2018).
- What-if: `core.metrics.top_fraction_mask` of that map and `core.metrics.invalidate_features`
  (Hitachi model inverse analysis, sec. 5, Table 1).
- Ray scan (the view's "Scan…" dialog with the Ray engine): `core.distributed.ray_scan` on this
  link's cluster thread (`TriageWorker`, kept until `shutdown`: Ray's processes die with the
  thread that started them), rows streamed into the table with rows done, rate and ETA; Cancel
  stops the Ray pipeline at the next result block, and the rows written so far stay readable.
- Stored maps: when the open result holds maps (`--save-maps`), a chosen row's maps are read
  from it on the view's reader thread, with no model forward; without them they are recomputed.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from PySide6.QtCore import QCoreApplication, QEvent, QObject

from .cluster_scan import (
    RayScanOutcome,
    RayScanUpdate,
    ScanSettings,
    disconnect_ray,
    ray_scan_job,
)
from .engine import Engine, JobContext
from .state import AppState
from .triage import TriageView
from .triage_worker import TaskContext, TriageWorker

SCAN_CHUNK = 64
SCAN_BATCH = 16
CURVE_STEPS = 20
RANDOM_REPEATS = 2


@dataclass(frozen=True)
class Inspection:
    """The maps of one chosen image, kept for the what-if."""

    path: str
    predicted: int
    true: int
    layer: str
    pixels: np.ndarray
    maps: Mapping[str, np.ndarray]

    @property
    def predicted_map(self) -> np.ndarray:
        return next(iter(self.maps.values()))


@dataclass(frozen=True)
class StoredMaps:
    """A row's maps as read from a result (empty when it has none for that image), the image
    they are drawn on, and the result's file or folder name."""

    path: str
    pixels: np.ndarray | None
    maps: Mapping[str, np.ndarray]
    source: str


@dataclass
class _ScanRun:
    source: str
    model_id: int
    class_names: tuple[str, ...]
    items: tuple[Any, ...] = ()
    next: int = 0
    done: int = 0
    started: float = 0.0
    batch_size: int = 1


@dataclass
class _RayRun:
    settings: ScanSettings
    class_names: tuple[str, ...]
    generation: int = 0
    done: int = 0
    total: int = 0
    first_done: int | None = None
    first_time: float = 0.0
    started: float = 0.0


def read_labels_job(source: str, class_names: tuple[str, ...]) -> Callable[[JobContext], Any]:
    """The labelled images of a folder or list, matched to the model's classes."""

    def job(context: JobContext) -> Any:
        from ..core.data import read_dataset

        return read_dataset(source, class_names)

    return job


def scan_chunk_job(items: tuple[Any, ...], batch_size: int) -> Callable[[JobContext], Any]:
    """`core.scan.scan` of `items`; each batch's rows go out as a partial result."""

    def job(context: JobContext) -> Any:
        from ..core.scan import scan

        return scan(context.model, items, batch_size=batch_size, cancel=context.cancel,
                    on_rows=context.partial)

    return job


def inspect_job(path: str, predicted: int, true: int, layer: str
                ) -> Callable[[JobContext], dict[str, tuple[np.ndarray, np.ndarray]]]:
    """Failure maps first (sent as an `Inspection` partial), then the curves (the result)."""

    def job(context: JobContext) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        from ..core import metrics
        from ..core.images import load_image
        from ..core.scan import failure_maps

        model = context.model
        pixels = load_image(path).pixels
        context.cancel.check()
        known_true = true >= 0 and true != predicted
        maps = failure_maps(model, pixels, predicted, true if known_true else predicted,
                            layer=layer)
        if not known_true:
            maps = {title: values for title, values in maps.items()
                    if not title.startswith("True")}
        inspection = Inspection(path, predicted, true, layer, pixels, maps)
        context.partial(inspection)
        options = {"steps": CURVE_STEPS, "cancel": context.cancel}
        curves: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        saliency = inspection.predicted_map
        translate = QCoreApplication.translate
        for kind, name, curve_of in (
            ("deletion", translate("TriageLink", "deletion"), metrics.deletion_curve),
            ("insertion", translate("TriageLink", "insertion"), metrics.insertion_curve),
        ):
            curve = curve_of(model, pixels, saliency, predicted, **options)
            chance = metrics.random_order_curve(model, pixels, kind, predicted,
                                                repeats=RANDOM_REPEATS, **options)
            area = translate("TriageLink", "{curve} (area {area:.2f})")
            random = translate("TriageLink", "{curve}, random order ({area:.2f})")
            curves[area.format(curve=name, area=curve.area)] = (curve.fractions, curve.scores)
            curves[random.format(curve=name, area=chance.area)] = (chance.fractions,
                                                                   chance.scores)
        return curves

    return job


def stored_maps_job(stored: Any, path: str) -> Callable[[TaskContext], StoredMaps]:
    """The maps `stored` (a `core.scan_results.ScanResults`) holds for `path`, and the image
    they are drawn on; no model is involved."""

    def job(context: TaskContext) -> StoredMaps:
        from ..core.images import load_image

        name = Path(stored.path).name
        maps = stored.maps(path)
        if not maps:
            return StoredMaps(path, None, {}, name)
        context.cancel.check()
        return StoredMaps(path, load_image(path).pixels, maps, name)

    return job


def whatif_job(inspection: Inspection, fraction: float | None = None,
               mask: np.ndarray | None = None) -> Callable[[JobContext], Any]:
    """Zero the top `fraction` positive cells of the predicted-class map, or the cells of `mask`;
    an `Invalidation`."""

    def job(context: JobContext) -> Any:
        from ..core.metrics import invalidate_features, top_fraction_mask

        cells = top_fraction_mask(inspection.predicted_map, fraction) if mask is None else mask
        return invalidate_features(context.model, inspection.pixels, inspection.layer, cells,
                                   target=inspection.predicted, top=10)

    return job


class TriageLink(QObject):
    """Owns the triage view's requests; see the module docstring."""

    def __init__(self, view: TriageView, state: AppState, engine: Engine,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.view = view
        self.state = state
        self.engine = engine
        self.inspection: Inspection | None = None
        self._scan: _ScanRun | None = None
        self._ray: _RayRun | None = None
        self._asked: dict[str, int] = {}  # channel -> generation of this link's newest request
        self._stored_generation = 0  # of the newest stored-maps read (0: none wanted)
        self._stored_row: tuple[str, int, int] | None = None
        self.cluster = TriageWorker("gapviewer-cluster", ("scan",), self, keep_alive=True)
        self.cluster.partial.connect(self._ray_partial)
        self.cluster.finished.connect(self._ray_finished)
        self.cluster.failed.connect(self._ray_failed)
        self.cluster.cancelled.connect(self._ray_cancelled)
        view.io.finished.connect(self._stored_read)
        view.io.failed.connect(self._stored_failed)
        view.imageActivated.connect(self.inspect)
        view.cancelRequested.connect(self.cancel_scan)
        view.scanRequested.connect(self.start_scan)
        view.whatif.invalidateRequested.connect(self.invalidate)
        view.whatif.invalidateMaskRequested.connect(self.invalidate_mask)
        state.cancelRequested.connect(self.cancel_scan)
        state.modelChanged.connect(self._model_changed)
        engine.jobPartial.connect(self._on_partial)
        engine.jobFinished.connect(self._on_finished)
        engine.jobFailed.connect(self._on_failed)
        engine.jobCancelled.connect(self._on_cancelled)
        self._window = view.window()
        self._window.installEventFilter(self)
        application = QCoreApplication.instance()
        if application is not None:
            application.aboutToQuit.connect(self.shutdown)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        """The window holding the view closes: stop and join this link's threads."""
        if watched is self._window and event.type() == QEvent.Type.Close:
            self.shutdown()
        return False

    def shutdown(self) -> None:
        """Cancel a Ray scan, leave Ray on the thread that joined it, and join the threads."""
        self.cluster.shutdown(final=disconnect_ray)
        self.view.shutdown()

    def _submit(self, channel: str, model_id: int, job: Callable[[JobContext], Any]) -> None:
        self._asked[channel] = self.engine.submit_model_job(channel, model_id, job)

    @property
    def scanning(self) -> bool:
        return self._scan is not None or self._ray is not None

    def start_scan(self, settings: ScanSettings) -> bool:
        """A scan asked for in the view's dialog: on the model thread, or on Ray."""
        if self.scanning:
            self.state.report_error(self.tr("A scan is already running"))
            return False
        if settings.engine == "ray":
            return self.ray_scan(settings)
        return self.scan(settings.source, settings.batch_size)

    # scan -------------------------------------------------------------------------------------
    def scan(self, source: str, batch_size: int | None = None) -> bool:
        """Scan a labelled folder or CSV/JSON list with the loaded model, `batch_size` images
        per forward (default `SCAN_BATCH`); False if no model is loaded."""
        model = self.state.model
        if model is None:
            self.state.report_error(self.tr("Load a model before scanning"))
            return False
        run = _ScanRun(source, model.model_id, model.class_names, started=time.perf_counter(),
                       batch_size=batch_size or SCAN_BATCH)
        self._scan = run
        self.view.set_results([], model.class_names)
        self.view.set_scanning(True, self.tr("Reading labels…"))
        self._submit("scan", run.model_id, read_labels_job(source, model.class_names))
        return True

    def cancel_scan(self) -> None:
        """Stop the scan now: rows of the running chunk that still arrive are dropped. A Ray
        scan stops when its next result block arrives; its rows so far stay in the table and
        in the results folder."""
        if self._ray is not None:
            self.cluster.cancel("scan")
            self.view.set_scanning(
                True, self.tr("Cancelling the Ray scan (it stops at the next result block)…"))
        run = self._scan
        if run is not None:
            self.engine.cancel_model_job("scan")
            self._scan_stopped(self.tr("Scan cancelled after {done} of {total} images").format(
                done=run.done, total=len(run.items)))

    def _scan_next(self) -> None:
        run = self._scan
        if run.next >= len(run.items):
            seconds = time.perf_counter() - run.started
            self._scan = None
            self.view.set_scanning(False, self.tr("Scanned {count} images in {seconds} s").format(
                count=run.done, seconds=f"{seconds:.1f}"))
            return
        chunk = run.items[run.next:run.next + SCAN_CHUNK]
        run.next += len(chunk)
        self._submit("scan", run.model_id, scan_chunk_job(chunk, run.batch_size))

    def _scan_rows(self, rows: list[Any]) -> None:
        run = self._scan
        self.view.append_rows(rows)
        run.done += len(rows)
        total = len(run.items)
        rate = run.done / max(time.perf_counter() - run.started, 1e-9)
        left = (total - run.done) / rate if rate else 0.0
        self.view.set_progress(
            run.done / max(total, 1),
            self.tr("Scanning: {done}/{total} images, {rate} images/s, {left} s left").format(
                done=run.done, total=total, rate=f"{rate:.1f}", left=f"{left:.0f}"),
        )

    def _scan_stopped(self, message: str) -> None:
        self._scan = None
        self.view.set_scanning(False, message)

    # Ray scan ---------------------------------------------------------------------------------
    def ray_scan(self, settings: ScanSettings) -> bool:
        """Scan `settings.source` on Ray into the Parquet folder `settings.out` with the loaded
        model (sent to the actors as a spec); False when it cannot start."""
        model, spec = self.state.model, self.state.model_spec
        if model is None or spec is None:
            self.state.report_error(self.tr("Load a model before scanning"))
            return False
        if spec.kind == "module":
            self.state.report_error(self.tr(
                "A model given as a Python object cannot be sent to Ray workers: "
                "load it from a file or by name"))
            return False
        if not settings.out:
            self.state.report_error(self.tr("A Ray scan needs a results folder"))
            return False
        run = _RayRun(settings, model.class_names, started=time.perf_counter())
        self._ray = run
        self.view.set_results([], model.class_names)
        self.view.set_scanning(True, self.tr("Starting the Ray scan…"))
        run.generation = self.cluster.submit(
            "scan", ray_scan_job(settings, spec, model.class_names))
        return True

    def _ray_current(self, slot: str, generation: int) -> bool:
        return slot == "scan" and self._ray is not None and generation == self._ray.generation

    def _ray_partial(self, slot: str, generation: int, update: RayScanUpdate) -> None:
        if not self._ray_current(slot, generation):
            return
        run = self._ray
        now = time.perf_counter()
        run.done, run.total = update.done, update.total
        if update.rows:
            self.view.append_rows(update.rows)
            if run.first_done is None:  # the actors are up: the rate counts from here
                run.first_done, run.first_time = update.done, now
        counted = 0 if run.first_done is None else run.done - run.first_done
        if counted:
            rate = counted / max(now - run.first_time, 1e-9)
            message = self.tr(
                "Ray scan: {done}/{total} images, {rate} images/s, {left} s left").format(
                    done=run.done, total=run.total, rate=f"{rate:.1f}",
                    left=f"{(run.total - run.done) / rate:.0f}")
        elif run.first_done is None:
            message = self.tr("Ray scan: {done}/{total} images, starting the workers…").format(
                done=run.done, total=run.total)
        else:
            message = self.tr("Ray scan: {done}/{total} images, measuring the rate…").format(
                done=run.done, total=run.total)
        self.view.set_progress(run.done / max(run.total, 1), message)

    def _ray_finished(self, slot: str, generation: int, outcome: RayScanOutcome) -> None:
        if not self._ray_current(slot, generation):
            return
        run, self._ray = self._ray, None
        result = outcome.result
        self.view.set_results(result.rows, run.class_names, outcome.stored)
        out = run.settings.out
        if result.cancelled:
            message = self.tr(
                "Ray scan cancelled after {done} of {total} images; the rows so far are in "
                "{out} (scan again to resume)").format(done=len(result.rows), total=run.total,
                                                      out=out)
        else:
            message = self.tr("Scanned {count} images on Ray in {seconds} s; results in {out}"
                              ).format(count=len(result.rows), out=out,
                                       seconds=f"{time.perf_counter() - run.started:.1f}")
        self.view.set_scanning(False, message)
        if outcome.problems:
            self.state.report_error(outcome.problems)

    def _ray_failed(self, slot: str, generation: int, message: str) -> None:
        if self._ray_current(slot, generation):
            self._ray = None
            self.view.set_scanning(False, self.tr("Ray scan stopped: {message}").format(
                message=message))
            self.state.report_error(self.tr("Triage: {message}").format(message=message))

    def _ray_cancelled(self, slot: str, generation: int) -> None:
        if self._ray_current(slot, generation):
            self._ray = None
            self.view.set_scanning(False, self.tr("Ray scan cancelled before it started"))

    # a chosen image ---------------------------------------------------------------------------
    def inspect(self, path: str, predicted: int, true: int) -> None:
        """Maps of one scanned image (answers `imageActivated`): the ones stored in the open
        result when it has maps, else failure maps and curves computed with the model."""
        self.inspection = None
        self.view.whatif.set_available(False)
        self.view.whatif.clear()
        stored = self.view.stored
        if stored is not None and stored.has_maps:
            self._asked["inspect"] = -1  # a computation still running for another row is stale
            self.engine.cancel_model_job("inspect")
            self._stored_row = (path, predicted, true)
            self._stored_generation = self.view.io.submit("maps", stored_maps_job(stored, path))
            return
        self.recompute(path, predicted, true)

    def recompute(self, path: str, predicted: int, true: int) -> None:
        """Failure maps and curves of one image, computed with the loaded model."""
        self._stored_generation = 0
        model = self.state.model
        if model is None:
            self.view.map_source.setText(self.tr("Load a model to compute this image's maps"))
            return
        layer = model.pre_gap_layer or next(
            (entry.name for entry in reversed(model.layers) if entry.has_grid), None
        )
        if layer is None:
            self.state.report_error(self.tr("Triage maps need a layer with a spatial grid"))
            return
        self._submit("inspect", model.model_id, inspect_job(path, predicted, true, layer))

    def _stored_read(self, slot: str, generation: int, found: StoredMaps) -> None:
        if slot != "maps" or generation != self._stored_generation:
            return
        path, predicted, true = self._stored_row
        if not found.maps:  # this image has none stored: compute them
            self.recompute(path, predicted, true)
            return
        names = self.view.class_names
        label = names[predicted] if 0 <= predicted < len(names) else str(predicted)
        titles = {}
        for key, values in found.maps.items():
            method, _, layer = key.partition("@")
            titles[self.tr("Predicted: {label}, {method} at {layer} (stored)").format(
                label=label, method=method, layer=layer)] = values
        self.view.show_maps(found.pixels, titles, self.tr(
            "Stored maps from {name}: read from the results, not recomputed").format(
                name=found.source))
        self.view.show_curves({})
        key, values = next(iter(found.maps.items()))
        layer = key.partition("@")[2]
        model = self.state.model
        self.inspection = Inspection(path, predicted, true, layer, found.pixels,
                                     {key: values})
        if model is not None and any(entry.name == layer for entry in model.layers):
            self.view.whatif.set_available(True)
            self.view.whatif.set_grid(found.pixels, values.shape)

    def _stored_failed(self, slot: str, generation: int, message: str) -> None:
        if slot == "maps" and generation == self._stored_generation:
            self.view.map_source.setText(self.tr("Stored maps unavailable: {message}").format(
                message=message))

    def invalidate(self, fraction: float) -> None:
        """Zero the top `fraction` positive cells of the predicted-class map (the what-if)."""
        if self.inspection is None or self.state.model is None:
            return
        self.view.whatif.show_message(self.tr("Re-running the network…"))
        self._submit("whatif", self.state.model.model_id, whatif_job(self.inspection, fraction))

    def invalidate_mask(self, mask: np.ndarray) -> None:
        """Zero the regions painted on the what-if picture (a bool grid of the map's layer)."""
        if self.inspection is None or self.state.model is None:
            return
        self.view.whatif.show_message(self.tr("Re-running the network…"))
        self._submit("whatif", self.state.model.model_id,
                     whatif_job(self.inspection, mask=np.asarray(mask, bool)))

    def _model_changed(self) -> None:
        self.inspection = None
        self.view.whatif.set_available(False)

    # engine results ---------------------------------------------------------------------------
    def _current(self, channel: str, generation: int) -> bool:
        return generation == self._asked.get(channel) == self.engine.job_generation(channel)

    def _on_partial(self, channel: str, generation: int, value: Any) -> None:
        if not self._current(channel, generation):
            return
        if channel == "scan" and self._scan is not None:
            self._scan_rows(value)
        elif channel == "inspect":
            self.inspection = value
            self.view.show_maps(value.pixels, value.maps,
                                self.tr("Recomputed with the loaded model"))
            self.view.whatif.set_available(True)
            self.view.whatif.set_grid(value.pixels, value.predicted_map.shape)

    def _on_finished(self, channel: str, generation: int, result: Any) -> None:
        if not self._current(channel, generation):
            return
        if channel == "scan" and self._scan is not None:
            if not self._scan.items:
                self._labels_read(result)
            else:
                self._scan_next()
        elif channel == "inspect":
            self.view.show_curves(result)
        elif channel == "whatif" and self.inspection is not None:
            self.view.whatif.show_result(result)

    def _labels_read(self, dataset: Any) -> None:
        if not dataset.items:
            self._scan_stopped(
                self.tr("No labelled images in {source}").format(source=self._scan.source))
            return
        if dataset.unmatched or dataset.ambiguous or dataset.problems:
            self.state.report_error(" ".join(dataset.report().splitlines()))
        self._scan.items = tuple(dataset.items)
        self._scan_next()

    def _on_failed(self, channel: str, generation: int, message: str) -> None:
        if not self._current(channel, generation):
            return
        if channel == "scan" and self._scan is not None:
            self._scan_stopped(self.tr("Scan stopped: {message}").format(message=message))
        elif channel == "whatif":
            self.view.whatif.show_message(
                self.tr("What-if failed: {message}").format(message=message))
        self.state.report_error(self.tr("Triage: {message}").format(message=message))

    def _on_cancelled(self, channel: str, generation: int) -> None:
        if channel == "whatif" and self._current(channel, generation):
            self.view.whatif.show_message(self.tr("What-if cancelled"))
