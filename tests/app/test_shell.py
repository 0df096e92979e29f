"""The window's shell: Help > About (versions, model provenance), View > Language, menus by name."""

from __future__ import annotations

import platform

import PySide6
from PySide6.QtCore import qVersion

import gapviewer
from gapviewer.app.about import library_versions
from gapviewer.app.main_window import LANGUAGE_KEY, MainWindow


def test_about_shows_versions_and_the_model(window):
    import torch
    import torchvision

    dialog = window.show_about()
    text = dialog.text.text()
    for name, version in (
        ("gapviewer", gapviewer.__version__), ("torch", torch.__version__),
        ("torchvision", torchvision.__version__.split("+")[0]), ("Qt", qVersion()),
        ("PySide6", PySide6.__version__), ("Python", platform.python_version()),
    ):
        assert name in text and version in text, (name, version)
    assert "TinyNet" in text and "in memory" in text
    assert "loading" not in text
    dialog.close()


def test_about_says_loading_until_the_model_thread_reports_torch(qtbot, settings):
    window = MainWindow(settings=settings)  # not started: torch not imported by the engine
    qtbot.addWidget(window)
    versions = library_versions(window.engine)
    assert versions["torch"] == versions["torchvision"] == "loading…"
    dialog = window.show_about()
    assert "loading…" in dialog.text.text() and "no model loaded yet" in dialog.text.text()
    dialog.close()
    window.close()


def test_language_menu_saves_the_choice(window, settings):
    menu = window.language_menu
    actions = {action.data(): action for action in menu.actions()}
    assert set(actions) == {"", "en", "ja"}
    assert actions[""].isChecked()  # nothing saved: follows the system
    actions["ja"].trigger()
    assert settings.value(LANGUAGE_KEY) == "ja"
    assert actions["ja"].isChecked() and not actions[""].isChecked()
    assert "restart" in actions["ja"].statusTip() or "next time" in actions["ja"].statusTip()


def test_menus_are_found_by_name_whatever_their_title(window):
    file_menu = window.menu("File")
    assert file_menu.objectName() == "menu-File"
    file_menu.setTitle("ファイル(&F)")
    assert window.menu("File") is file_menu
    titles = [a.text() for a in window.menuBar().actions()]
    assert titles.count("ファイル(&F)") == 1 and "&File" not in titles


def test_focus_stops_without_text_have_accessible_names_and_tooltips(window):
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import (
        QAbstractButton,
        QAbstractItemView,
        QAbstractSpinBox,
        QComboBox,
        QLineEdit,
        QPushButton,
    )

    panel = window.model_panel
    named = [
        window.browser.view, window.predictions.list, window.predictions.target,
        panel.weights.edit, panel.classes.edit, window.grid.views[0].close_button,
        *panel.weights.findChildren(QPushButton),
    ]
    for widget in named:
        assert widget.accessibleName(), type(widget).__name__
        assert widget.toolTip(), type(widget).__name__
    assert window.grid.views[0].plot.accessibleName()
    textless = [
        w for kind in (QAbstractButton, QAbstractItemView, QLineEdit)
        for w in window.findChildren(kind)
        if w.isVisibleTo(window) and w.focusPolicy() != Qt.FocusPolicy.NoFocus
        and not (isinstance(w, QAbstractButton) and w.text().strip("…✕ "))
        and not isinstance(w.parent(), (QComboBox, QAbstractSpinBox))  # named by form labels
    ]
    unnamed = [type(w).__name__ for w in textless if not (w.accessibleName() or w.toolTip())]
    assert not unnamed


def test_menus_have_mnemonics_and_method_items_explain_themselves(window):
    from PySide6.QtCore import Qt

    titles = [action.text() for action in window.menuBar().actions()]
    assert titles and all("&" in title for title in titles), titles
    combo = window.method_panel.method
    for row in range(combo.count()):
        method = window.state.methods[combo.itemData(row)]
        tip = combo.itemData(row, Qt.ItemDataRole.ToolTipRole)
        assert method.summary in tip and method.source in tip


def test_language_option_is_parsed():
    from gapviewer.app import build_parser

    assert build_parser().parse_args(["--language", "ja"]).language == "ja"
    assert build_parser().parse_args([]).language is None  # saved choice, else the system's
