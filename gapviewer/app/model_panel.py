"""The model loader: built-in model, torchvision architecture + weights file, or a model file
(a trusted full-model file only after an explicit confirmation); class names; device. Shows
what was loaded; a failure is reported and the previous model stays in use.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from .controller import model_not_loaded
from .state import AppState, ModelSpec


def confirm_trust(parent: QWidget, path: str) -> bool:
    """Ask the user to confirm running code from `path` (default answer: No)."""
    answer = QMessageBox.warning(
        parent,
        QCoreApplication.translate("ModelPanel", "Trust this model file?"),
        "{}\n\n{}".format(path, QCoreApplication.translate(
            "ModelPanel",
            "A full-model file (pickle or TorchScript) can run any Python code on this computer "
            "when it is opened, with your permissions: read or delete files, install software, "
            "send data.\n\nTrust it only if it comes from an author you trust, through a channel "
            "you trust. Weights-only files (.safetensors, state dicts) never need this.\n\n"
            "Trust this file?",
        )),
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No,
    )
    return answer == QMessageBox.StandardButton.Yes


class _PathEdit(QWidget):
    def __init__(self, caption: str, filters: str) -> None:
        super().__init__()
        self.edit = QLineEdit()
        self.edit.setClearButtonEnabled(True)
        self.edit.setAccessibleName(caption)
        self.edit.setToolTip(caption)
        button = QPushButton("…")
        button.setAccessibleName(self.tr("Browse…"))
        button.setToolTip(self.tr("Choose a file"))
        button.setFixedWidth(28)
        button.clicked.connect(lambda: self._browse(caption, filters))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.edit, 1)
        layout.addWidget(button)

    def _browse(self, caption: str, filters: str) -> None:
        path, _ = QFileDialog.getOpenFileName(self, caption, self.edit.text(), filters)
        if path:
            self.edit.setText(path)

    def text(self) -> str:
        return self.edit.text().strip()


class ModelPanel(QWidget):
    """Builds a `ModelSpec` and asks the state for it; reacts to the model signals."""

    confirm = staticmethod(confirm_trust)

    def __init__(self, state: AppState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.source = QComboBox()
        sources = {
            "builtin": self.tr("Built-in EfficientNet-Lite0 (ImageNet)"),
            "torchvision": self.tr("torchvision architecture + weights"),
            "file": self.tr("Model file (.safetensors, trusted .pt)"),
        }
        for key, label in sources.items():
            self.source.addItem(label, key)
        self.source.setMinimumContentsLength(12)
        self.source.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.architecture = QComboBox()
        self.architecture.setEditable(True)
        self.architecture.setPlaceholderText("resnet50")
        self.architecture.setMinimumContentsLength(10)
        self.architecture.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.weights = _PathEdit(self.tr("Weights or model file"),
                                 self.tr("Model files (*.safetensors *.pt *.pth *.bin);;"
                                         "All files (*)"))
        self.classes = _PathEdit(self.tr("Class names (one per line)"),
                                 self.tr("Text (*.txt);;All files (*)"))
        self.trust = QCheckBox(self.tr("Trust file (it may run code)"))
        self.trust.setToolTip(self.tr("Needed for full pickles and TorchScript files; asks first"))
        self.trust.toggled.connect(self._trust_toggled)
        self.device = QComboBox()
        self.device.addItem("CPU", "cpu")
        self.load_button = QPushButton(self.tr("Load model"))
        self.load_button.clicked.connect(self.load)
        self.info = QLabel(self.tr("Loading the built-in model…"))
        self.info.setWordWrap(True)
        self.info.setObjectName("modelInfo")
        self.form = QFormLayout()
        self.form.addRow(self.tr("Source"), self.source)
        self.form.addRow(self.tr("Architecture"), self.architecture)
        self.form.addRow(self.tr("Weights / file"), self.weights)
        self.form.addRow(self.tr("Class names"), self.classes)
        self.form.addRow("", self.trust)
        self.form.addRow(self.tr("Device"), self.device)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(self.form)
        layout.addWidget(self.load_button)
        layout.addWidget(self.info)
        layout.addStretch(1)
        self.source.currentIndexChanged.connect(self._source_changed)
        state.methodsChanged.connect(self._engine_ready)
        state.modelChanged.connect(self._show_model)
        state.modelLoading.connect(self._loading)
        state.errorRaised.connect(self._maybe_failed)
        self._source_changed()

    def _source_changed(self) -> None:
        kind = self.source.currentData()
        self.form.setRowVisible(self.architecture, kind == "torchvision")
        self.form.setRowVisible(self.weights, kind != "builtin")
        self.form.setRowVisible(self.trust, kind == "file")

    def _engine_ready(self) -> None:
        names = list(self.state.torchvision_architectures)
        current = self.architecture.currentText()
        self.architecture.clear()
        self.architecture.addItems(names)
        self.architecture.setEditText(current)
        completer = QCompleter(names, self.architecture)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.architecture.setCompleter(completer)
        if self.state.cuda_available and self.device.findData("cuda") < 0:
            self.device.addItem("CUDA", "cuda")

    def _trust_toggled(self, checked: bool) -> None:
        if checked and not self.confirm(self, self.weights.text() or self.tr("this file")):
            self.trust.blockSignals(True)
            self.trust.setChecked(False)
            self.trust.blockSignals(False)

    def spec(self) -> ModelSpec:
        kind = self.source.currentData()
        source = {"torchvision": self.architecture.currentText().strip(),
                  "file": self.weights.text()}.get(kind)
        return ModelSpec(
            kind=kind,
            source=source,
            weights=self.weights.text() if kind == "torchvision" else None,
            classes=self.classes.text() or None,
            trust=kind == "file" and self.trust.isChecked(),
            device=self.device.currentData(),
        )

    def load(self) -> None:
        spec = self.spec()
        if spec.kind != "builtin" and not spec.source:
            self.info.setText("<span style='color:#e06c5a'>{}</span>".format(
                self.tr("Name an architecture or a file.")))
            return
        self.state.request_model(spec)

    def _loading(self, loading: bool) -> None:
        self.load_button.setEnabled(not loading)
        if loading:
            self.info.setText(self.tr("Loading…"))

    def _show_model(self) -> None:
        model = self.state.model
        if model is None:
            return
        shapes = {layer.name: layer.shape for layer in model.layers}
        pre = model.pre_gap_layer
        pre_text = (f"{pre} ({'×'.join(map(str, shapes.get(pre, ())))})" if pre
                    else self.tr("none found"))
        details = self.tr(
            "{classes} classes · input {size} · {device}<br>GAP layer: {gap}"
            "<br>Pre-GAP layer: {pre}"
        ).format(classes=model.num_classes, size="×".join(map(str, model.input_size)),
                 device=model.device, gap=model.gap_layer or self.tr("mean in forward()"),
                 pre=pre_text)
        self.info.setText(f"<b>{model.architecture}</b><br>{model.source}<br>{details}")

    def _maybe_failed(self, message: str) -> None:
        if message.startswith(model_not_loaded()):
            self.info.setText(f"<span style='color:#e06c5a'>{message}</span>")
