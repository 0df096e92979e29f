"""The one application state object: widgets read and write it and react to its signals.

Widgets never talk to each other (napari's model/view split). The state holds plain Python and
numpy values only; nothing here imports torch. Display options (transmittance, colormap,
normalisation, upsampling) live in `DisplayOptions` and never cause a computation.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from PySide6.QtCore import QObject, Signal

MapKey = tuple[str, str]


@dataclass(frozen=True)
class ModelSpec:
    """What to load: kind is builtin, torchvision, file or module (an nn.Module object)."""

    kind: str = "builtin"
    source: Any = None
    weights: str | None = None
    classes: Any = None
    trust: bool = False
    device: str = "cpu"

    def to_settings(self) -> dict[str, Any] | None:
        """A JSON-able form for QSettings; None for in-memory modules (cannot be restored)."""
        if self.kind == "module":
            return None
        classes = self.classes if isinstance(self.classes, str) or self.classes is None else None
        return {
            "kind": self.kind,
            "source": self.source,
            "weights": self.weights,
            "classes": classes,
            "trust": self.trust,
            "device": self.device,
        }


@dataclass(frozen=True)
class LayerEntry:
    """A model layer as the layer picker shows it."""

    name: str
    kind: str
    shape: tuple[int, ...]
    has_grid: bool


@dataclass(frozen=True)
class ModelSummary:
    """What the GUI knows about the loaded model (no torch objects)."""

    model_id: int
    architecture: str
    source: str
    class_names: tuple[str, ...]
    input_size: tuple[int, ...]
    layers: tuple[LayerEntry, ...]
    pre_gap_layer: str | None
    gap_layer: str | None
    device: str

    @property
    def num_classes(self) -> int:
        return len(self.class_names)


@dataclass(frozen=True)
class ParamEntry:
    """A method parameter as the controls need it (mirror of core.methods.registry.Param)."""

    name: str
    kind: str
    default: Any
    label: str
    help: str
    choices: tuple[Any, ...] = ()
    minimum: float | None = None
    maximum: float | None = None


@dataclass(frozen=True)
class MethodEntry:
    """A registered method as the GUI needs it (mirror of core.methods.registry.Method)."""

    id: str
    name: str
    summary: str
    source: str
    needs: str
    scope: str
    class_dependent: bool
    signed: bool
    params: tuple[ParamEntry, ...] = ()

    @property
    def long_running(self) -> bool:
        """Methods that run many forward passes get a progress bar and a cancel button."""
        return self.needs == "many forwards"


@dataclass(frozen=True)
class Cell:
    """One (method, layer, parameters) panel of the comparison grid."""

    method: str
    layer: str
    params: tuple[tuple[str, Any], ...] = ()

    @property
    def key(self) -> MapKey:
        return (self.method, self.layer)

    def params_dict(self) -> dict[str, Any]:
        return dict(self.params)

    def with_params(self, params: Mapping[str, Any]) -> Cell:
        return replace(self, params=tuple(sorted(params.items())))

    def to_settings(self) -> dict[str, Any]:
        return {"method": self.method, "layer": self.layer, "params": dict(self.params)}

    @classmethod
    def from_settings(cls, data: Mapping[str, Any]) -> Cell:
        params = data.get("params") or {}
        return cls(str(data["method"]), str(data["layer"]), tuple(sorted(params.items())))


@dataclass(frozen=True)
class DisplayOptions:
    """How maps are drawn; changing these never recomputes a map."""

    transmittance: int = 50  # percent, patent FIG. 6 slider; heat opacity = 1 - t
    colormap: str = "viridis"
    normalisation: str = "per-map"  # per-map | shared | signed
    upsampling: str = "bilinear"  # nearest | bilinear | bicubic


@dataclass(frozen=True)
class ImageEntry:
    """One browsable image: a file, or a bundled sample photo (path None)."""

    key: str
    name: str
    path: str | None = None


@dataclass
class EntryInfo:
    """What the browser shows for an image besides its name."""

    thumbnail: np.ndarray | None = None  # small H x W x 3 uint8
    prediction: str | None = None  # "class (97 %)"
    error: str | None = None


@dataclass(frozen=True)
class MapResult:
    """A map for the current image and target, with its cell."""

    cell: Cell
    values: np.ndarray | None
    problem: str | None = None  # why there is no map (skipped, failed)


@dataclass
class Busy:
    active: bool = False
    fraction: float = 0.0
    message: str = ""
    cancellable: bool = False
    determinate: bool = False


@dataclass
class _Images:
    entries: list[ImageEntry] = field(default_factory=list)
    info: dict[str, EntryInfo] = field(default_factory=dict)


class AppState(QObject):
    """Everything the views show; every change is announced by a signal."""

    modelRequested = Signal(object)  # ModelSpec
    modelChanged = Signal()
    modelLoading = Signal(bool)
    methodsChanged = Signal()
    imagesChanged = Signal()
    entryChanged = Signal(str)  # image key
    currentImageChanged = Signal()
    pixelsChanged = Signal()
    predictionsChanged = Signal()
    targetChanged = Signal()
    cellsChanged = Signal()
    activeCellChanged = Signal()
    mapsChanged = Signal()
    displayChanged = Signal()
    busyChanged = Signal()
    errorRaised = Signal(str)
    hoverChanged = Signal(str)
    cancelRequested = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.model: ModelSummary | None = None
        self.model_spec: ModelSpec | None = None
        self.model_loading = False
        self.methods: dict[str, MethodEntry] = {}
        self.torchvision_architectures: tuple[str, ...] = ()
        self.cuda_available = False
        self._images = _Images()
        self.current_index = -1
        self.pixels: np.ndarray | None = None
        self.pixels_key: str | None = None
        self.predictions: tuple[tuple[int, str, float], ...] = ()
        self.target: int | None = None  # None explains the top-1 class
        self.cells: list[Cell] = []
        self.active_cell = 0
        self.maps: dict[Cell, MapResult] = {}
        self.explained_target: int | str | None = None
        self.display = DisplayOptions()
        self.busy = Busy()
        self.last_folder: str | None = None

    # model -----------------------------------------------------------------------------------
    def request_model(self, spec: ModelSpec) -> None:
        """Ask for a model; the controller loads it and calls `set_model` or raises an error."""
        self.modelRequested.emit(spec)

    def set_model_loading(self, loading: bool) -> None:
        self.model_loading = loading
        self.modelLoading.emit(loading)

    def set_model(self, summary: ModelSummary, spec: ModelSpec) -> None:
        self.model = summary
        self.model_spec = spec
        self.predictions = ()
        self.target = None
        self.maps = {}
        for info in self._images.info.values():
            info.prediction = None
        self.modelChanged.emit()
        self.predictionsChanged.emit()
        self.targetChanged.emit()
        self.mapsChanged.emit()

    def set_methods(
        self, methods: Sequence[MethodEntry], architectures: Sequence[str], cuda: bool
    ) -> None:
        self.methods = {m.id: m for m in methods}
        self.torchvision_architectures = tuple(architectures)
        self.cuda_available = cuda
        self.methodsChanged.emit()

    # images ----------------------------------------------------------------------------------
    @property
    def images(self) -> list[ImageEntry]:
        return list(self._images.entries)

    def info(self, key: str) -> EntryInfo:
        return self._images.info.setdefault(key, EntryInfo())

    def add_images(self, entries: Sequence[ImageEntry], select: bool = False) -> None:
        """Append entries not listed yet; `select` shows the first of them."""
        known = {e.key for e in self._images.entries}
        new = [e for e in entries if e.key not in known]
        self._images.entries.extend(new)
        if new:
            self.imagesChanged.emit()
        if entries and (select or self.current_index < 0):
            keys = [e.key for e in self._images.entries]
            self.set_current(keys.index(entries[0].key))

    def clear_images(self) -> None:
        self._images = _Images()
        self.current_index = -1
        self.pixels = None
        self.pixels_key = None
        self.imagesChanged.emit()
        self.currentImageChanged.emit()

    def update_entry(self, key: str, **changes: Any) -> None:
        info = self.info(key)
        for name, value in changes.items():
            setattr(info, name, value)
        self.entryChanged.emit(key)

    @property
    def current_image(self) -> ImageEntry | None:
        entries = self._images.entries
        return entries[self.current_index] if 0 <= self.current_index < len(entries) else None

    def set_current(self, index: int) -> None:
        """Show image `index` (clamped); the target goes back to the top-1 class."""
        if not self._images.entries:
            return
        index = max(0, min(index, len(self._images.entries) - 1))
        if index == self.current_index:
            return
        self.current_index = index
        self.pixels = None
        self.pixels_key = None
        self.predictions = ()
        self.target = None
        self.maps = {}
        self.currentImageChanged.emit()
        self.pixelsChanged.emit()
        self.predictionsChanged.emit()
        self.targetChanged.emit()
        self.mapsChanged.emit()

    def set_current_key(self, key: str) -> None:
        keys = [e.key for e in self._images.entries]
        if key in keys:
            self.set_current(keys.index(key))

    def set_pixels(self, key: str, pixels: np.ndarray) -> None:
        current = self.current_image
        if current is None or current.key != key:
            return
        self.pixels = pixels
        self.pixels_key = key
        self.pixelsChanged.emit()

    # explanation -----------------------------------------------------------------------------
    def set_predictions(self, predictions: Sequence[tuple[int, str, float]]) -> None:
        self.predictions = tuple(predictions)
        self.predictionsChanged.emit()

    def set_target(self, target: int | None) -> None:
        if target == self.target:
            return
        self.target = target
        self.maps = {}
        self.targetChanged.emit()
        self.mapsChanged.emit()

    def set_maps(self, maps: Mapping[Cell, MapResult], explained_target: int | str | None) -> None:
        self.maps = dict(maps)
        self.explained_target = explained_target
        self.mapsChanged.emit()

    # cells -----------------------------------------------------------------------------------
    def set_cells(self, cells: Sequence[Cell], active: int | None = None) -> None:
        self.cells = list(cells)
        self.active_cell = max(0, min(self.active_cell if active is None else active,
                                      len(self.cells) - 1))
        self.cellsChanged.emit()
        self.activeCellChanged.emit()

    def add_cell(self, cell: Cell) -> None:
        self.set_cells([*self.cells, cell], active=len(self.cells))

    def remove_cell(self, index: int) -> None:
        if len(self.cells) > 1 and 0 <= index < len(self.cells):
            cells = list(self.cells)
            del cells[index]
            self.set_cells(cells, active=min(self.active_cell, len(cells) - 1))

    def replace_cell(self, index: int, cell: Cell) -> None:
        if 0 <= index < len(self.cells) and self.cells[index] != cell:
            cells = list(self.cells)
            cells[index] = cell
            self.set_cells(cells, active=index)

    @property
    def active(self) -> Cell | None:
        """The active cell, or None when the grid is empty."""
        return self.cells[self.active_cell] if 0 <= self.active_cell < len(self.cells) else None

    def set_active_cell(self, index: int) -> None:
        if 0 <= index < len(self.cells) and index != self.active_cell:
            self.active_cell = index
            self.activeCellChanged.emit()

    # display ---------------------------------------------------------------------------------
    def set_display(self, **changes: Any) -> None:
        updated = replace(self.display, **changes)
        if updated != self.display:
            self.display = updated
            self.displayChanged.emit()

    # feedback --------------------------------------------------------------------------------
    def set_busy(self, busy: Busy) -> None:
        self.busy = busy
        self.busyChanged.emit()

    def report_error(self, message: str) -> None:
        self.errorRaised.emit(message)

    def set_hover(self, text: str) -> None:
        self.hoverChanged.emit(text)

    def request_cancel(self) -> None:
        self.cancelRequested.emit()
