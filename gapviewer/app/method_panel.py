"""Method, layer and parameter controls for the active cell, built from the method registry
(Method.params -> controls, Method.scope -> the layers offered), plus adding/removing cells.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from .controller import default_layer, valid_layers
from .i18n import translate_method_text
from .state import AppState, Cell, ParamEntry


def param_control(param: ParamEntry, value: Any) -> QWidget:
    """A control for one parameter: combo for choices, spin boxes for numbers, check box."""
    if param.kind == "choice":
        widget = QComboBox()
        for choice in param.choices:
            widget.addItem(str(choice), choice)
        widget.setCurrentIndex(max(0, widget.findData(value)))
    elif param.kind == "bool":
        widget = QCheckBox()
        widget.setChecked(bool(value))
    elif param.kind == "int":
        widget = QSpinBox()
        widget.setRange(int(param.minimum if param.minimum is not None else -(2**31)),
                        int(param.maximum if param.maximum is not None else 2**31 - 1))
        widget.setValue(int(value))
    else:
        widget = QDoubleSpinBox()
        widget.setDecimals(4)
        widget.setRange(param.minimum if param.minimum is not None else -1e12,
                        param.maximum if param.maximum is not None else 1e12)
        widget.setSingleStep(0.1)
        widget.setValue(float(value))
    widget.setToolTip(translate_method_text(param.help))
    return widget


def control_value(widget: QWidget) -> Any:
    if isinstance(widget, QComboBox):
        return widget.currentData()
    if isinstance(widget, QCheckBox):
        return widget.isChecked()
    return widget.value()


def set_control_value(widget: QWidget, value: Any) -> None:
    widget.blockSignals(True)
    if isinstance(widget, QComboBox):
        widget.setCurrentIndex(max(0, widget.findData(value)))
    elif isinstance(widget, QCheckBox):
        widget.setChecked(bool(value))
    else:
        widget.setValue(value)
    widget.blockSignals(False)


def control_changed(widget: QWidget):
    if isinstance(widget, QComboBox):
        return widget.currentIndexChanged
    if isinstance(widget, QCheckBox):
        return widget.toggled
    return widget.editingFinished


class MethodPanel(QWidget):
    """Edits `state.cells[state.active_cell]`; rebuilt whenever the registry or model changes."""

    def __init__(self, state: AppState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.method = QComboBox()
        self.method.setToolTip(self.tr("Every registered method"))
        self.layer = QComboBox()
        self.layer.setToolTip(
            self.tr("Layers this method accepts, with output shapes; ★ marks pre-GAP"))
        self.form = QFormLayout()
        self.params_box = QWidget()
        self.params_box.setLayout(self.form)
        self.controls: dict[str, QWidget] = {}
        self._params_method: str | None = None
        self.add_button = QPushButton(self.tr("&Add cell"))
        self.add_button.setToolTip(
            self.tr("Add a comparison cell (a copy of this one; then change it)"))
        self.remove_button = QPushButton(self.tr("&Remove cell"))
        self.remove_button.setToolTip(self.tr("Remove the active comparison cell"))
        self.add_button.clicked.connect(self._add)
        self.remove_button.clicked.connect(lambda: state.remove_cell(state.active_cell))
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        top = QFormLayout()
        top.addRow(self.tr("&Method"), self.method)
        top.addRow(self.tr("&Layer"), self.layer)
        layout.addLayout(top)
        layout.addWidget(self.params_box)
        layout.addLayout(buttons)
        self.method.currentIndexChanged.connect(self._method_chosen)
        self.layer.currentIndexChanged.connect(self._layer_chosen)
        for signal in (state.methodsChanged, state.modelChanged, state.cellsChanged,
                       state.activeCellChanged):
            signal.connect(self._sync)
        self._sync()

    def _grids(self) -> list[str]:
        model = self.state.model
        return [layer.name for layer in model.layers if layer.has_grid] if model else []

    def _sync(self) -> None:
        state = self.state
        cell = state.active
        for widget in (self.method, self.layer):
            widget.blockSignals(True)
        self.method.clear()
        for method in state.methods.values():
            self.method.addItem(method.name, method.id)
            self.method.setItemData(self.method.count() - 1,
                                    f"{translate_method_text(method.summary)}\n{method.source}",
                                    Qt.ItemDataRole.ToolTipRole)
        if cell is not None:
            self.method.setCurrentIndex(self.method.findData(cell.method))
        self._fill_layers(cell)
        for widget in (self.method, self.layer):
            widget.blockSignals(False)
        self._fill_params(cell)
        enabled = bool(state.methods) and state.model is not None and cell is not None
        for widget in (self.method, self.layer, self.params_box, self.add_button):
            widget.setEnabled(enabled)
        self.remove_button.setEnabled(enabled and len(state.cells) > 1)

    def _fill_layers(self, cell: Cell | None) -> None:
        self.layer.clear()
        model = self.state.model
        method = self.state.methods.get(cell.method) if cell else None
        if model is None or method is None:
            return
        shapes = {layer.name: layer.shape for layer in model.layers}
        for name in valid_layers(method, model.pre_gap_layer, self._grids()):
            shape = "×".join(map(str, shapes.get(name, ())))
            mark = "  ★ " + self.tr("pre-GAP") if name == model.pre_gap_layer else ""
            self.layer.addItem(f"{name}   {shape}{mark}".rstrip(), name)
        self.layer.setCurrentIndex(max(0, self.layer.findData(cell.layer)))

    def _fill_params(self, cell: Cell | None) -> None:
        method = self.state.methods.get(cell.method) if cell else None
        if method is not None and method.id == self._params_method:
            values = cell.params_dict()
            for param in method.params:
                set_control_value(self.controls[param.name],
                                  values.get(param.name, param.default))
            return
        while self.form.rowCount():
            row = self.form.takeRow(0)
            for item in (row.labelItem, row.fieldItem):
                if item is not None and item.widget() is not None:
                    item.widget().hide()
                    item.widget().deleteLater()
        self.controls = {}
        self._params_method = method.id if method else None
        if method is None:
            return
        values = cell.params_dict()
        for param in method.params:
            control = param_control(param, values.get(param.name, param.default))
            control_changed(control).connect(self._params_edited)
            self.controls[param.name] = control
            self.form.addRow(translate_method_text(param.label), control)

    def _method_chosen(self) -> None:
        cell, model = self.state.active, self.state.model
        method = self.state.methods.get(self.method.currentData())
        if cell is None or model is None or method is None:
            return
        layers = valid_layers(method, model.pre_gap_layer, self._grids())
        layer = cell.layer if cell.layer in layers else default_layer(
            method, model.pre_gap_layer, self._grids()
        )
        if layer is None:
            self.state.report_error(
                self.tr("{name} has no usable layer in this model").format(name=method.name))
            self._sync()
            return
        self.state.replace_cell(self.state.active_cell, Cell(method.id, layer))

    def _layer_chosen(self) -> None:
        cell, layer = self.state.active, self.layer.currentData()
        if cell is not None and layer:
            self.state.replace_cell(self.state.active_cell, Cell(cell.method, layer, cell.params))

    def _params_edited(self) -> None:
        cell = self.state.active
        method = self.state.methods.get(cell.method) if cell else None
        if method is None or method.id != self._params_method:
            # a control of the previous method, signalling while it is torn down (a spin box
            # losing focus finishes its edit): its values are not this cell's parameters
            return
        values = {name: control_value(widget) for name, widget in self.controls.items()}
        defaults = {p.name: p.default for p in method.params}
        changed = {k: v for k, v in values.items() if v != defaults.get(k)}
        self.state.replace_cell(self.state.active_cell, cell.with_params(changed))

    def _add(self) -> None:
        cell = self.state.active
        if cell is not None:
            self.state.add_cell(cell)
