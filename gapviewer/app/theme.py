"""The window's theme: follows the system's light or dark scheme, or View > Theme's choice.

`ThemeSwitcher` applies a `style.Theme` to the main window (style sheet, pyqtgraph views and
plots, presentation-mode type size), re-applies it when the system scheme changes (Qt >= 6.5
`QStyleHints.colorSchemeChanged`) while the choice is "auto", and keeps the choice in QSettings.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QSettings, Signal
from PySide6.QtGui import QAction, QActionGroup, QGuiApplication
from PySide6.QtWidgets import QMenu, QWidget

from .style import (
    PRESENTATION_STYLE,
    THEME_CHOICES,
    THEME_KEY,
    Theme,
    apply_plot_theme,
    resolve_theme,
)


class ThemeSwitcher(QObject):
    """Owns the theme of `window`; `themeChanged(theme)` after each change."""

    themeChanged = Signal(object)  # style.Theme

    def __init__(self, window: QWidget, settings: QSettings) -> None:
        super().__init__(window)
        self.window = window
        self.settings = settings
        saved = str(settings.value(THEME_KEY, "auto") or "auto")
        self.choice = saved if saved in THEME_CHOICES else "auto"
        self.presentation = False
        self.theme: Theme = resolve_theme(self.choice)
        self.actions: dict[str, QAction] = {}
        QGuiApplication.styleHints().colorSchemeChanged.connect(self._system_changed)
        self.apply()

    def add_menu(self, parent: QMenu) -> QMenu:
        """View > Theme: follow the system, light or dark (applied at once, kept for next time)."""
        menu = parent.addMenu(self.tr("&Theme"))
        menu.setObjectName("menu-Theme")
        labels = {"auto": self.tr("Follow the system"), "light": self.tr("Light"),
                  "dark": self.tr("Dark")}
        group = QActionGroup(self)
        for choice in THEME_CHOICES:
            action = QAction(labels[choice], self)
            action.setCheckable(True)
            action.setChecked(choice == self.choice)
            action.setData(choice)
            action.triggered.connect(lambda _checked=False, choice=choice: self.choose(choice))
            group.addAction(action)
            menu.addAction(action)
            self.actions[choice] = action
        return menu

    def choose(self, choice: str) -> None:
        """Use `choice` ("auto", "light" or "dark") now and at the next start."""
        if choice not in THEME_CHOICES:
            raise ValueError(f"theme must be one of {', '.join(THEME_CHOICES)}, not {choice!r}")
        self.choice = choice
        self.settings.setValue(THEME_KEY, choice)
        if choice in self.actions:
            self.actions[choice].setChecked(True)
        self.apply()

    def set_presentation(self, on: bool) -> None:
        """Larger type for presentation mode, on the current theme."""
        self.presentation = on
        self.apply()

    def apply(self) -> None:
        """Style the window and its plots with the theme the choice resolves to."""
        self.theme = resolve_theme(self.choice)
        sheet = self.theme.sheet + (PRESENTATION_STYLE if self.presentation else "")
        self.window.setStyleSheet(sheet)
        apply_plot_theme(self.theme, self.window)
        self.themeChanged.emit(self.theme)

    def _system_changed(self) -> None:
        if self.choice == "auto":
            self.apply()
