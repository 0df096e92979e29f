"""Keeps the state and the engine in step: asks for what the state needs, files what comes back.

Results are cached per (model, image, target, cell) within a byte budget, so explaining another
class, re-adding a cell or coming back to an image never recomputes what is already known;
class-independent maps are shared by all targets. Display options are not listened to at all.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from PySide6.QtCore import QCoreApplication, QObject

from .engine import Engine, ExplainResult
from .i18n import translate_core_message
from .state import AppState, Busy, Cell, ImageEntry, MapResult, MethodEntry, ModelSpec

ResultKey = tuple[int, str, Any, Cell]


class _LruBytes:
    """A least-recently-used mapping bounded by the summed size of its numpy values."""

    def __init__(self, budget: int) -> None:
        self.budget = budget
        self._items: OrderedDict[Any, tuple[Any, int]] = OrderedDict()
        self._bytes = 0

    def get(self, key: Any) -> Any:
        item = self._items.get(key)
        if item is None:
            return None
        self._items.move_to_end(key)
        return item[0]

    def put(self, key: Any, value: Any, size: int) -> None:
        if key in self._items:
            self._bytes -= self._items.pop(key)[1]
        self._items[key] = (value, size)
        self._bytes += size
        while self._bytes > self.budget and len(self._items) > 1:
            _, (_, dropped) = self._items.popitem(last=False)
            self._bytes -= dropped

    def clear(self) -> None:
        self._items.clear()
        self._bytes = 0

    @property
    def nbytes(self) -> int:
        return self._bytes

    def __len__(self) -> int:
        return len(self._items)


def model_not_loaded() -> str:
    """The translated prefix of the "model not loaded" error (the model panel looks for it)."""
    return QCoreApplication.translate("Controller", "Model not loaded")


def default_cells(methods: dict[str, MethodEntry], pre_gap: str | None, grids: Sequence[str]
                  ) -> list[Cell]:
    """GAP-direction at the pre-GAP layer, else the first method usable at the last grid layer."""
    if pre_gap and "gap-direction" in methods:
        return [Cell("gap-direction", pre_gap)]
    for method in methods.values():
        layer = default_layer(method, pre_gap, grids)
        if layer is not None:
            return [Cell(method.id, layer)]
    return []


def default_layer(method: MethodEntry, pre_gap: str | None, grids: Sequence[str]) -> str | None:
    """Where `method` goes when nothing else is said (core.explain's rule)."""
    if method.scope == "input":
        return "input"
    if method.scope == "model":
        return "model"
    if method.scope == "pre-gap":
        return pre_gap
    return pre_gap or (grids[-1] if grids else None)


def valid_layers(method: MethodEntry, pre_gap: str | None, grids: Sequence[str]) -> list[str]:
    """The layers a method's scope accepts on this model (Method.scope)."""
    if method.scope == "input":
        return ["input"]
    if method.scope == "model":
        return ["model"]
    if method.scope == "pre-gap":
        return [pre_gap] if pre_gap else []
    return list(grids)


class Controller(QObject):
    """Connects `AppState` and `Engine`; the only place where requests are decided."""

    def __init__(self, state: AppState, engine: Engine, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.engine = engine
        self.ready = False
        self._results = _LruBytes(64 * 2**20)
        self._predictions = _LruBytes(2**20)
        self._pixels = _LruBytes(256 * 2**20)
        self._pending: tuple[Any, ...] | None = None
        self._stopped: tuple[tuple[Any, ...], str] | None = None  # (request, why) not retried
        self._select_after_listing: str | None = None
        self._select_next_listing = False
        self._waiting_spec: ModelSpec | None = None
        state.modelRequested.connect(self._load_model)
        state.currentImageChanged.connect(self._decode_current)
        for signal in (state.pixelsChanged, state.targetChanged, state.cellsChanged):
            signal.connect(self.refresh)
        state.cancelRequested.connect(self._cancel)
        engine.ready.connect(self._on_ready)
        engine.modelLoaded.connect(self._on_model_loaded)
        engine.modelFailed.connect(self._on_model_failed)
        engine.explained.connect(self._on_explained)
        engine.explainFailed.connect(self._on_explain_failed)
        engine.explainCancelled.connect(self._on_explain_cancelled)
        engine.progress.connect(self._on_progress)
        engine.decoded.connect(self._on_decoded)
        engine.decodeFailed.connect(self._on_decode_failed)
        engine.listed.connect(self._on_listed)
        engine.listProgress.connect(self._on_list_progress)
        engine.thumbnailReady.connect(lambda key, small: state.update_entry(key, thumbnail=small))
        engine.thumbnailFailed.connect(
            lambda key, why: state.update_entry(key, error=translate_core_message(why)))
        engine.classified.connect(self._on_classified)

    @property
    def idle(self) -> bool:
        """Nothing queued, running or undelivered, and the model question settled."""
        return self.ready and not self.engine.busy and not self.state.model_loading

    # opening ---------------------------------------------------------------------------------
    def open_paths(self, paths: Sequence[str], select: bool = True) -> None:
        """List files and folders (recursively, off the GUI thread) and append them."""
        paths = [str(Path(p)) for p in paths]
        if not paths:
            return
        folders = [p for p in paths if Path(p).is_dir()]
        if folders:
            self.state.last_folder = folders[-1]
        self._select_next_listing = select
        self.state.set_busy(Busy(True, 0.0, self.tr("Scanning for images…")))
        self.engine.list_paths(paths)

    def open_samples(self) -> None:
        self.engine.list_samples()

    def select_after_listing(self, key: str | None) -> None:
        self._select_after_listing = key

    def _on_list_progress(self, count: int) -> None:
        if count >= 0:
            message = self.tr("Scanning for images… {count} found").format(count=count)
            self.state.set_busy(Busy(True, 0.0, message))

    def _on_listed(self, entries: list[ImageEntry], errors: list[tuple[str, str]]) -> None:
        if self.state.busy.message.startswith(self.tr("Scanning for images…")):
            self.state.set_busy(Busy())
        failed = [ImageEntry(path, Path(path).name, path) for path, _ in errors]
        select = self._select_next_listing and bool(entries)
        self._select_next_listing = False
        self.state.add_images([*entries, *failed], select=select)
        for (_path, reason), entry in zip(errors, failed, strict=True):
            self.state.update_entry(entry.key, error=reason)
        if errors:
            self.state.report_error(
                self.tr("{count} path(s) could not be opened: {path}: {reason}").format(
                    count=len(errors), path=errors[0][0], reason=errors[0][1])
            )
        wanted = self._select_after_listing
        if wanted and wanted in {e.key for e in entries}:
            self._select_after_listing = None
            self.state.set_current_key(wanted)
        self.engine.thumbnails(entries)
        if self.state.model is not None:
            shown = self.state.current_image
            # the shown image gets its predictions from its explanation, without a queue wait
            self.engine.classify([e for e in entries if shown is None or e.key != shown.key])

    # model -----------------------------------------------------------------------------------
    def _load_model(self, spec: ModelSpec) -> None:
        self.state.set_model_loading(True)
        self.engine.load_model(spec)

    def _on_ready(self, methods: list[MethodEntry], architectures: list[str], cuda: bool) -> None:
        self.ready = True
        self.state.set_methods(methods, architectures, cuda)
        self._ensure_cells()
        self.refresh()

    def _on_model_loaded(self, summary: Any, spec: ModelSpec) -> None:
        self._pending = None
        self._stopped = None
        self.state.set_model(summary, spec)
        self.state.set_model_loading(False)
        self._ensure_cells(reset=True)
        self.engine.clear_classify()
        self.engine.classify([e for e in self.state.images if not self.state.info(e.key).error])
        self.refresh()

    def _on_model_failed(self, message: str, spec: ModelSpec) -> None:
        self.state.set_model_loading(False)
        kept = (self.tr("; still using {name}").format(name=self.state.model.architecture)
                if self.state.model else "")
        self.state.report_error(f"{model_not_loaded()}: {message}{kept}")

    def _grids(self) -> list[str]:
        model = self.state.model
        return [layer.name for layer in model.layers if layer.has_grid] if model else []

    def _ensure_cells(self, reset: bool = False) -> None:
        """Keep the cells that fit the model; fall back to the default cell."""
        state = self.state
        if state.model is None or not state.methods:
            return
        pre_gap, grids = state.model.pre_gap_layer, self._grids()
        kept = [
            cell for cell in state.cells
            if cell.method in state.methods
            and cell.layer in valid_layers(state.methods[cell.method], pre_gap, grids)
        ]
        if kept and (kept != state.cells or reset):
            state.set_cells(kept)
        elif not kept:
            state.set_cells(default_cells(state.methods, pre_gap, grids), active=0)

    # images ----------------------------------------------------------------------------------
    def _decode_current(self) -> None:
        entry = self.state.current_image
        if entry is None:
            return
        cached = self._pixels.get(entry.key)
        if cached is not None:
            self.state.set_pixels(entry.key, cached)
            return
        self.engine.decode(entry)

    def _on_decoded(self, generation: int, key: str, pixels: np.ndarray) -> None:
        if generation != self.engine.decode_generation:
            return
        self._pixels.put(key, pixels, pixels.nbytes)
        self.state.set_pixels(key, pixels)

    def _on_decode_failed(self, generation: int, key: str, message: str) -> None:
        message = translate_core_message(message)
        self.state.update_entry(key, error=message)
        if generation == self.engine.decode_generation:
            self.state.report_error(message)

    def _on_classified(self, model_id: int, key: str, top: tuple[int, str, float]) -> None:
        if self.state.model is not None and model_id == self.state.model.model_id:
            self.state.update_entry(key, prediction=f"{top[1]} ({top[2]:.0%})")

    # explaining ------------------------------------------------------------------------------
    def resolved_target(self) -> Any:
        """The class explained now: the chosen one, else the top-1 once predictions are known."""
        state = self.state
        if state.target is not None:
            return state.target
        entry = state.current_image
        if state.model is None or entry is None:
            return None
        predictions = self._predictions.get((state.model.model_id, entry.key))
        return predictions[0][0] if predictions else None

    def _result_key(self, cell: Cell, target: Any) -> ResultKey | None:
        state = self.state
        method = state.methods.get(cell.method)
        if method is not None and method.class_dependent and target is None:
            return None
        dependent = method is not None and method.class_dependent
        return (state.model.model_id, state.current_image.key, target if dependent else None, cell)

    def refresh(self) -> None:
        """Show what is known for the current image and target; ask for what is missing."""
        state = self.state
        entry = state.current_image
        if state.model is None or not state.methods or entry is None or state.pixels is None:
            return
        if state.pixels_key != entry.key:
            return
        predictions = self._predictions.get((state.model.model_id, entry.key))
        if predictions and predictions != state.predictions:
            state.set_predictions(predictions)
        target = self.resolved_target()
        found: dict[Cell, MapResult] = {}
        missing: list[Cell] = []
        for cell in state.cells:
            if cell.method not in state.methods:
                found[cell] = MapResult(
                    cell, None, self.tr("method {id} is not registered").format(id=cell.method))
                continue
            key = self._result_key(cell, target)
            hit = self._results.get(key) if key is not None else None
            if hit is None:
                missing.append(cell)
            else:
                found[cell] = hit
        signature = (state.model.model_id, entry.key, state.target, tuple(missing))
        if missing and self._stopped is not None and signature == self._stopped[0]:
            for cell in missing:
                found[cell] = MapResult(cell, None, self._stopped[1])
        elif missing and signature != self._pending:
            self._pending = signature
            self._stopped = None
            long_running = any(state.methods[c.method].long_running for c in missing)
            self.engine.explain(
                state.model.model_id, entry.key, state.pixels, missing, state.target
            )
            state.set_busy(Busy(True, 0.0, self.tr("Explaining…"), True, long_running))
        state.set_maps(found, target)

    def _cancel(self) -> None:
        self.engine.cancel()

    def _on_progress(self, generation: int, fraction: float, message: str) -> None:
        if generation == self.engine.explain_generation and self.state.busy.active:
            busy = self.state.busy
            self.state.set_busy(Busy(True, fraction, translate_core_message(message), True,
                                     busy.determinate))

    def _on_explained(self, result: ExplainResult) -> None:
        if result.generation != self.engine.explain_generation:
            return
        self._pending = None
        self.state.set_busy(Busy())
        model = self.state.model
        if model is None or model.model_id != result.model_id:
            return
        self._predictions.put((result.model_id, result.image_key), result.predictions, 256)
        if result.predictions:
            top = result.predictions[0]
            self.state.update_entry(result.image_key, prediction=f"{top[1]} ({top[2]:.0%})")
        for cell, found in result.maps.items():
            method = self.state.methods.get(cell.method)
            target = result.target if method is not None and method.class_dependent else None
            size = found.values.nbytes if found.values is not None else 64
            self._results.put((result.model_id, result.image_key, target, cell), found, size)
        current = self.state.current_image
        if current is not None and current.key == result.image_key:
            self.refresh()

    def _on_explain_failed(self, generation: int, message: str) -> None:
        if generation != self.engine.explain_generation:
            return
        self._stopped = (self._pending, self.tr("failed ({message})").format(message=message))
        self._pending = None
        self.state.set_busy(Busy())
        self.state.report_error(self.tr("Could not explain: {message}").format(message=message))
        self.refresh()

    def _on_explain_cancelled(self, generation: int) -> None:
        if generation != self.engine.explain_generation:
            return
        self._stopped = (
            self._pending, self.tr("cancelled; change the image, class or cell to retry"))
        self._pending = None
        self.state.set_busy(Busy())
        self.refresh()

    @property
    def cached_bytes(self) -> int:
        """Memory held by the controller's caches (maps, predictions, decoded images)."""
        return self._results.nbytes + self._predictions.nbytes + self._pixels.nbytes
