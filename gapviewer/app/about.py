"""Help > About: gapviewer's version, the libraries it runs on and the current model's provenance.

torch and torchvision are imported by the engine's model thread only; their versions show as
"loading…" until that thread reports them (`Engine.library_versions`).
"""

from __future__ import annotations

import html
import platform

import PySide6
from PySide6.QtCore import QCoreApplication, Qt, qVersion
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from .. import __version__
from .engine import Engine
from .state import AppState


def library_versions(engine: Engine) -> dict[str, str]:
    """{"gapviewer", "torch", "torchvision", "Qt", "PySide6", "Python"} -> version; torch and
    torchvision read "loading…" until the engine's model thread has imported them."""
    loading = QCoreApplication.translate("AboutDialog", "loading…")
    known = engine.library_versions
    return {
        "gapviewer": __version__,
        "torch": known.get("torch", loading),
        "torchvision": known.get("torchvision", loading),
        "Qt": qVersion(),
        "PySide6": PySide6.__version__,
        "Python": platform.python_version(),
    }


def versions_text(engine: Engine) -> str:
    """One "name version" line per library (for bug reports)."""
    return "\n".join(f"{name} {version}" for name, version in library_versions(engine).items())


class AboutDialog(QDialog):
    """Versions and model provenance; follows the engine and the model while open."""

    def __init__(self, state: AppState, engine: Engine, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.engine = engine
        self.setWindowTitle(self.tr("About gapviewer"))
        self.setMinimumWidth(460)
        self.text = QLabel()
        self.text.setTextFormat(Qt.TextFormat.RichText)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.text.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addWidget(buttons)
        state.methodsChanged.connect(self.refresh)
        state.modelChanged.connect(self.refresh)
        self.refresh()

    def model_text(self) -> str:
        model = self.state.model
        if model is None:
            return self.tr("no model loaded yet")
        return self.tr("{architecture} from {source} ({count} classes, {device})").format(
            architecture=model.architecture, source=model.source, count=model.num_classes,
            device=model.device,
        )

    def refresh(self) -> None:
        rows = "".join(
            f"<tr><td>{html.escape(name)}&nbsp;&nbsp;</td><td>{html.escape(version)}</td></tr>"
            for name, version in library_versions(self.engine).items()
        )
        self.text.setText(
            "<h3>gapviewer {version}</h3><p>{blurb}</p><table>{rows}</table>"
            "<p><b>{model_heading}</b><br>{model}</p>".format(
                version=html.escape(__version__),
                blurb=self.tr("Contribution heat maps that explain image classifiers."),
                rows=rows,
                model_heading=self.tr("Model"),
                model=html.escape(self.model_text()),
            )
        )
