"""Session restore with QSettings: model, opened paths, image, cells, display options, layout."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from PySide6.QtCore import QSettings

from .state import AppState, Cell, DisplayOptions, ModelSpec

ORGANISATION = "gapviewer"
APPLICATION = "gapviewer"


def default_settings() -> QSettings:
    """The user's settings store (organisation/application "gapviewer")."""
    return QSettings(ORGANISATION, APPLICATION)


@dataclass
class Session:
    """What is saved on exit and applied on the next start."""

    model: dict[str, Any] | None = None
    paths: list[str] = field(default_factory=list)
    image: str | None = None
    cells: list[dict[str, Any]] = field(default_factory=list)
    display: dict[str, Any] = field(default_factory=dict)

    def model_spec(self) -> ModelSpec | None:
        if not self.model:
            return None
        known = {f.name for f in fields(ModelSpec)}
        return ModelSpec(**{k: v for k, v in self.model.items() if k in known})

    def cell_list(self) -> list[Cell]:
        cells = []
        for data in self.cells:
            try:
                cells.append(Cell.from_settings(data))
            except (KeyError, TypeError, AttributeError):
                continue
        return cells

    def display_options(self) -> DisplayOptions:
        known = {f.name for f in fields(DisplayOptions)}
        return DisplayOptions(**{k: v for k, v in self.display.items() if k in known})


def capture(state: AppState, paths: list[str]) -> Session:
    image = state.current_image
    return Session(
        model=state.model_spec.to_settings() if state.model_spec else None,
        paths=list(paths),
        image=image.key if image else None,
        cells=[cell.to_settings() for cell in state.cells],
        display=asdict(state.display),
    )


def save(settings: QSettings, session: Session) -> None:
    settings.setValue("session", json.dumps(asdict(session), default=str))
    settings.sync()


def load(settings: QSettings) -> Session:
    """The saved session; an empty one when nothing (or something unreadable) is stored."""
    raw = settings.value("session")
    try:
        data = json.loads(raw) if raw else {}
        return Session(**{f.name: data[f.name] for f in fields(Session) if f.name in data})
    except (TypeError, ValueError):
        return Session()
