"""Light and dark themes: following the system's scheme, View > Theme, plots and heat-map views."""

from __future__ import annotations

import pyqtgraph as pg
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication
from viewer_helpers import WAIT_MS, tiny_spec

from gapviewer.app import style
from gapviewer.app.main_window import MainWindow
from gapviewer.app.overlay_view import CellView
from gapviewer.app.train_dialog import open_train_dialog


@pytest.fixture(autouse=True)
def dark_plot_defaults_afterwards():
    """pyqtgraph's colours are global: leave them as the dark theme sets them."""
    yield
    pg.setConfigOptions(background=style.DARK.plot_background,
                        foreground=style.DARK.plot_foreground)


def _open(qtbot, settings) -> MainWindow:
    window = MainWindow(settings=settings)
    qtbot.addWidget(window)
    window.show()
    window.start(model=tiny_spec(), restore=False, samples=False)
    qtbot.waitUntil(lambda: window.state.model is not None and window.controller.idle,
                    timeout=WAIT_MS)
    return window


def _backgrounds(window) -> set[str]:
    """The background colour of every pyqtgraph view and plot in the window and its dialogs."""
    return {view.backgroundBrush().color().name() for view in window.findChildren(pg.GraphicsView)}


def _axis_colours(window) -> set[str]:
    return {
        item.textPen().color().name()
        for view in window.findChildren(pg.GraphicsView)
        for item in view.scene().items()
        if isinstance(item, pg.AxisItem)
    }


def test_themes_have_distinct_readable_colours():
    for theme in (style.DARK, style.LIGHT):
        text, window = QColor(theme.text), QColor(theme.window)
        assert abs(text.lightness() - window.lightness()) > 150, theme.name
        assert theme.sheet.count("{") == theme.sheet.count("}")  # every field filled
        assert theme.window in theme.sheet and theme.text in theme.sheet
    assert QColor(style.DARK.window).lightness() < 64 < 192 < QColor(style.LIGHT.window).lightness()


def test_system_scheme_decides_auto_and_unknown_is_dark(monkeypatch):
    assert style.resolve_theme("light") is style.LIGHT
    assert style.resolve_theme("dark") is style.DARK
    # The offscreen platform reports no scheme: the viewer's own dark theme.
    assert QGuiApplication.styleHints().colorScheme() == Qt.ColorScheme.Unknown
    assert style.resolve_theme("auto") is style.DARK
    monkeypatch.setattr(style, "system_theme", lambda: style.LIGHT)
    assert style.resolve_theme("auto") is style.LIGHT
    assert style.resolve_theme("no such theme") is style.LIGHT


def test_choice_restyles_window_views_and_plots_and_is_saved(qtbot, settings):
    settings.setValue(style.THEME_KEY, "light")
    window = _open(qtbot, settings)
    try:
        assert window.themes.theme is style.LIGHT
        assert style.LIGHT.window in window.styleSheet()
        dialog = open_train_dialog(window)  # plots made after the theme was applied
        assert _backgrounds(window) == {style.LIGHT.plot_background}
        assert _axis_colours(window) == {style.LIGHT.plot_foreground}
        menu = window.findChild(type(window.language_menu), "menu-Theme")
        actions = {action.data(): action for action in menu.actions()}
        assert list(actions) == ["auto", "light", "dark"] and actions["light"].isChecked()

        actions["dark"].trigger()
        assert window.themes.theme is style.DARK and style.DARK.window in window.styleSheet()
        assert _backgrounds(window) == {style.DARK.plot_background}
        assert _axis_colours(window) == {style.DARK.plot_foreground}
        assert settings.value(style.THEME_KEY) == "dark"
        window.state.add_cell(window.state.cells[0])  # a heat-map view made after the switch
        qtbot.waitUntil(lambda: len(window.findChildren(CellView)) == 2)
        assert _backgrounds(window) == {style.DARK.plot_background}
        dialog.close()
    finally:
        window.close()


def test_auto_follows_the_system_scheme_live(qtbot, settings, monkeypatch):
    window = _open(qtbot, settings)
    try:
        assert window.themes.choice == "auto" and window.themes.theme is style.DARK
        monkeypatch.setattr(style, "system_theme", lambda: style.LIGHT)
        hints = QGuiApplication.styleHints()
        with qtbot.waitSignal(window.themes.themeChanged):
            hints.colorSchemeChanged.emit(Qt.ColorScheme.Light)
        assert window.themes.theme is style.LIGHT
        assert _backgrounds(window) == {style.LIGHT.plot_background}

        window.themes.choose("dark")  # an explicit choice ignores the system
        hints.colorSchemeChanged.emit(Qt.ColorScheme.Light)
        assert window.themes.theme is style.DARK
    finally:
        window.close()


def test_presentation_mode_keeps_the_theme(qtbot, settings):
    settings.setValue(style.THEME_KEY, "light")
    window = _open(qtbot, settings)
    try:
        window.toggle_presentation()
        sheet = window.styleSheet()
        assert style.LIGHT.window in sheet and "20pt" in sheet
        window.toggle_presentation()
        assert "20pt" not in window.styleSheet() and style.LIGHT.window in window.styleSheet()
    finally:
        window.close()
