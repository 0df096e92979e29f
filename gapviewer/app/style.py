"""Themes: calm dark and light style sheets, pyqtgraph colours, larger type for presentation.

The theme follows the system's colour scheme (Qt >= 6.5 `QStyleHints.colorScheme`, and its
change signal) unless View > Theme chooses light or dark; the choice is kept in QSettings under
THEME_KEY. A system that reports no scheme gets the dark theme, the viewer's own (heat maps read
best on a dark surround).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QIcon
from PySide6.QtWidgets import QWidget

THEME_KEY = "ui/theme"  # QSettings key: "auto" (follow the system), "light" or "dark"
THEME_CHOICES = ("auto", "light", "dark")


@dataclass(frozen=True)
class Theme:
    """The colours of one theme; `sheet` is the Qt style sheet built from them."""

    name: str
    window: str
    panel: str  # title bars, tabs, menus, status bar
    raised: str  # selected tab, hovered button
    field: str  # lists, tables, text fields
    border: str
    text: str
    dim_text: str
    disabled_text: str
    heading: str
    selection: str
    selection_text: str
    banner: str
    banner_border: str
    plot_background: str  # plots and the heat-map views (display window W1) around the image
    plot_foreground: str

    @property
    def dark(self) -> bool:
        return self.name == "dark"

    @property
    def sheet(self) -> str:
        return _SHEET.format(**vars(self))


DARK = Theme(
    name="dark", window="#26282c", panel="#2f3237", raised="#3a3e44", field="#1f2124",
    border="#3a3d42", text="#dfe1e5", dim_text="#b9bdc3", disabled_text="#70747a",
    heading="#9cc4ec", selection="#2d5d8a", selection_text="#ffffff", banner="#5c2b29",
    banner_border="#a04a44", plot_background="#1e1f22",
    plot_foreground="#b9bdc3",
)
LIGHT = Theme(
    name="light", window="#f3f4f6", panel="#e4e6ea", raised="#ffffff", field="#ffffff",
    border="#c3c7cd", text="#1f2328", dim_text="#4d535a", disabled_text="#9aa0a6",
    heading="#1d5d97", selection="#bcd8f3", selection_text="#10161c", banner="#f9dedb",
    banner_border="#d98a82", plot_background="#f7f8fa",
    plot_foreground="#3b4046",
)

_SHEET = """
QMainWindow, QWidget#central, QDockWidget, QDialog {{ background: {window}; }}
QWidget {{ color: {text}; }}
QScrollArea > QWidget > QWidget {{ background: {window}; }}
QTabBar::tab {{ background: {panel}; color: {dim_text}; padding: 4px 14px; border: none; }}
QTabBar::tab:selected {{ background: {raised}; color: {text}; }}
QCheckBox, QLabel {{ background: transparent; }}
QDockWidget::title {{ background: {panel}; padding: 4px 8px; font-weight: bold; }}
QLabel#heading {{ font-weight: bold; color: {heading}; padding-top: 6px; }}
QLabel#cellTitle {{ padding: 3px 2px; }}
QLabel#cellReadout {{ color: {dim_text}; padding: 2px 6px; font-family: monospace; }}
QLabel#mapInfo {{ color: {dim_text}; }}
QLabel#emptyHint {{ color: {dim_text}; }}
QLabel#emptyTitle {{ font-size: 16pt; font-weight: bold; }}
QFrame#banner {{ background: {banner}; border: 1px solid {banner_border}; border-radius: 3px; }}
QListView, QListWidget, QTableWidget, QTableView, QScrollArea, QLineEdit, QComboBox, QSpinBox,
QDoubleSpinBox, QPlainTextEdit {{ background: {field}; border: 1px solid {border};
    border-radius: 3px; }}
QListView::item:selected, QListWidget::item:selected {{ background: {selection};
    color: {selection_text}; }}
QPushButton {{ background: {raised}; border: 1px solid {border}; border-radius: 3px;
    padding: 4px 10px; }}
QPushButton:hover {{ background: {selection}; color: {selection_text}; }}
QPushButton:disabled {{ color: {disabled_text}; }}
QProgressBar {{ background: {field}; border: 1px solid {border}; border-radius: 3px; }}
QProgressBar::chunk {{ background: #3d8fd6; }}
QHeaderView::section {{ background: {panel}; color: {text}; border: none;
    border-right: 1px solid {border}; border-bottom: 1px solid {border}; padding: 2px 6px; }}
QHeaderView, QTableCornerButton::section {{ background: {panel}; border: none; }}
QScrollBar:vertical {{ background: {field}; width: 12px; margin: 0; }}
QScrollBar:horizontal {{ background: {field}; height: 12px; margin: 0; }}
QScrollBar::handle {{ background: {border}; border-radius: 4px; min-height: 24px;
    min-width: 24px; margin: 2px; }}
QScrollBar::handle:hover {{ background: {disabled_text}; }}
QScrollBar::add-line, QScrollBar::sub-line {{ width: 0; height: 0; }}
QScrollBar::add-page, QScrollBar::sub-page {{ background: none; }}
QMenuBar {{ background: {panel}; }}
QMenuBar::item:selected, QMenu::item:selected {{ background: {selection};
    color: {selection_text}; }}
QMenu {{ background: {panel}; }}
QToolBar {{ border: none; }}
QStatusBar {{ background: {panel}; }}
"""

PRESENTATION_STYLE = """
QWidget { font-size: 20pt; }
QLabel#cellReadout { font-size: 16pt; }
"""


def system_theme() -> Theme:
    """The theme the system asks for: light when its colour scheme is light, else dark."""
    hints = QGuiApplication.styleHints()
    return LIGHT if hints.colorScheme() == Qt.ColorScheme.Light else DARK


def resolve_theme(choice: str) -> Theme:
    """The theme for a View > Theme choice ("auto", "light", "dark"; anything else: auto)."""
    return {"light": LIGHT, "dark": DARK}.get(choice) or system_theme()


def apply_plot_theme(theme: Theme, root: QWidget) -> None:
    """Colour pyqtgraph: the defaults for views and plots made from now on, and every one
    already in `root` (its dialogs included): background, axes, titles and legends."""
    pg.setConfigOptions(background=theme.plot_background, foreground=theme.plot_foreground)
    for view in root.findChildren(pg.GraphicsView):
        _colour_view(view, theme)


def _colour_view(view: pg.GraphicsView, theme: Theme) -> None:
    view.setBackground(theme.plot_background)
    pen = pg.mkPen(theme.plot_foreground)
    for item in view.scene().items():
        if isinstance(item, pg.AxisItem):
            item.setPen(pen)
            item.setTextPen(pen)
        elif isinstance(item, pg.LabelItem):
            item.setText(item.text, color=theme.plot_foreground)
        elif isinstance(item, pg.LegendItem):
            item.setLabelTextColor(theme.plot_foreground)


@cache
def app_icon() -> QIcon:
    """gapviewer's icon, from its SVG (sharp at any size and device pixel ratio)."""
    return QIcon(str(resources.files("gapviewer") / "resources" / "icons" / "gapviewer.svg"))
