"""Top-5 predictions (click one to explain that class) and the target picker with a completer
over all class names.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from .state import AppState


class PredictionsPanel(QWidget):
    """Reads predictions and target from the state; writes the target."""

    def __init__(self, state: AppState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.list = QListWidget()
        self.list.setToolTip(self.tr("Click a class to explain it"))
        self.list.setAccessibleName(self.tr("Top-5 predictions"))
        self.list.setMaximumHeight(140)
        self.list.itemClicked.connect(self._clicked)
        self.target = QComboBox()
        self.target.setEditable(True)
        self.target.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.target.setToolTip(self.tr("Type or pick any class to explain"))
        self.target.setAccessibleName(self.tr("Class to explain"))
        completer = QCompleter(self.target.model(), self.target)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.target.setCompleter(completer)
        self.target.activated.connect(self._picked)
        self.explaining = QLabel()
        self.explaining.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.list)
        caption = QLabel(self.tr("E&xplain class"))
        caption.setBuddy(self.target)
        layout.addWidget(caption)
        layout.addWidget(self.target)
        layout.addWidget(self.explaining)
        state.modelChanged.connect(self._fill_classes)
        state.predictionsChanged.connect(self._fill_predictions)
        state.targetChanged.connect(self._show_target)
        state.mapsChanged.connect(self._show_target)
        self._fill_classes()

    def _fill_classes(self) -> None:
        self.target.blockSignals(True)
        self.target.clear()
        self.target.addItem(self.tr("Top-1 prediction (automatic)"), None)
        if self.state.model is not None:
            for index, name in enumerate(self.state.model.class_names):
                self.target.addItem(f"{index}: {name}", index)
        self.target.blockSignals(False)
        self._show_target()

    def _fill_predictions(self) -> None:
        self.list.clear()
        for index, name, probability in self.state.predictions:
            item = QListWidgetItem(f"{probability:6.1%}   {name}")
            item.setData(Qt.ItemDataRole.UserRole, index)
            item.setToolTip(
                self.tr("class {index}: {name}; click to explain it").format(index=index, name=name)
            )
            self.list.addItem(item)
        self._show_target()

    def _clicked(self, item: QListWidgetItem) -> None:
        self.state.set_target(int(item.data(Qt.ItemDataRole.UserRole)))

    def _picked(self, row: int) -> None:
        self.state.set_target(self.target.itemData(row))

    def _show_target(self) -> None:
        state = self.state
        self.target.blockSignals(True)
        self.target.setCurrentIndex(max(0, self.target.findData(state.target)))
        self.target.blockSignals(False)
        for row in range(self.list.count()):
            item = self.list.item(row)
            chosen = item.data(Qt.ItemDataRole.UserRole) == state.explained_target
            font = item.font()
            font.setBold(chosen)
            item.setFont(font)
        shown = state.explained_target
        if state.model is not None and isinstance(shown, int) and shown < state.model.num_classes:
            self.explaining.setText(
                self.tr("Explaining <b>{name}</b>").format(name=state.model.class_names[shown])
            )
        else:
            self.explaining.setText("")
