"""The main window: docks, menus, shortcuts, drag-and-drop, export, presentation mode, session.

Extending it (triage view, training dialog, ...): build a widget that reads/writes
`window.state`, then

    dock = window.add_panel("Triage", widget)               # a dock, toggled from View
    window.add_action("Tools", "Train…", open_dialog, "Ctrl+Shift+T")   # a menu action
    window.menu("Tools")                                    # any menu by name (created once)

Panels added this way are hidden in presentation mode like the built-in ones.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QActionGroup, QDragEnterEvent, QDropEvent, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QDockWidget,
    QFileDialog,
    QLabel,
    QMainWindow,
    QMenu,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from . import session
from .about import AboutDialog
from .browser import BrowserPanel, thumbnail_pixels
from .compare_grid import CompareGrid
from .controller import Controller
from .display_bar import DisplayBar
from .empty_state import EmptyStateHint
from .engine import Engine
from .export import export_maps
from .feedback import Banner, BusyBar
from .gui_gc import collect_on_gui_thread
from .i18n import available_languages, language_name
from .map_info import MapInfoPanel
from .method_panel import MethodPanel
from .model_panel import ModelPanel
from .predictions import PredictionsPanel
from .signal_workspace import ModelChoice, install_signal_workspace
from .state import AppState, ModelSpec
from .style import app_icon
from .theme import ThemeSwitcher
from .train_dialog import open_train_dialog
from .triage import TriageView
from .triage_link import TriageLink

log = logging.getLogger(__name__)

LANGUAGE_KEY = "ui/language"  # QSettings key of the interface language chosen in View > Language



class MainWindow(QMainWindow):
    """The viewer. `settings` None disables session save/restore."""

    closed = Signal()

    def __init__(self, settings: QSettings | None = None) -> None:
        super().__init__()
        collect_on_gui_thread()  # before any worker thread runs (see gui_gc)
        self.setWindowTitle("gapviewer")
        self.setWindowIcon(app_icon())
        self.setAcceptDrops(True)
        self.setDockNestingEnabled(True)
        self.settings = settings
        self.themes = ThemeSwitcher(self, self._settings_store())
        self.state = AppState(self)
        self.engine = Engine(self)
        self.controller = Controller(self.state, self.engine, self)
        self.opened_paths: list[str] = []
        self._menus: dict[str, QMenu] = {}
        self._panels: list[QDockWidget] = []
        self._hidden_for_presentation: list[QWidget] = []
        self._build_actions()
        self._build_central()
        self._build_docks()
        self.statusBar().addPermanentWidget(self.busy_bar)
        self.statusBar().showMessage(self.tr("Starting…"))
        self.state.hoverChanged.connect(self.statusBar().showMessage)
        self.state.modelChanged.connect(self._model_status)
        self.resize(1400, 860)

    # extension points ------------------------------------------------------------------------
    def _menu_titles(self) -> dict[str, str]:
        return {
            "File": self.tr("&File"),
            "Image": self.tr("&Image"),
            "View": self.tr("&View"),
            "Tools": self.tr("&Tools"),
            "Analysis": self.tr("&Analysis"),
            "Help": self.tr("&Help"),
        }

    def menu(self, name: str) -> QMenu:
        """The menu called `name` ("File", "View", "Help", or a new one, created once).

        Menus are keyed by this English name (also their object name "menu-<name>"); the title
        shown is translated, so lookups do not depend on the interface language.
        """
        if name not in self._menus:
            help_menu = self._menus.get("Help")
            menu = QMenu(self._menu_titles().get(name, name), self)
            menu.setObjectName(f"menu-{name}")
            if help_menu is not None:
                self.menuBar().insertMenu(help_menu.menuAction(), menu)
            else:
                self.menuBar().addMenu(menu)
            self._menus[name] = menu
        return self._menus[name]

    def add_action(self, menu: str, text: str, slot: Callable[[], object],
                   shortcut: str | None = None) -> QAction:
        """Add an action to menu `menu` (created if new); also active in presentation mode."""
        action = QAction(text, self)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(lambda _checked=False: slot())
        self.menu(menu).addAction(action)
        self.addAction(action)
        return action

    def add_panel(self, title: str, widget: QWidget,
                  area: Qt.DockWidgetArea = Qt.DockWidgetArea.RightDockWidgetArea,
                  tab_with: QDockWidget | None = None, name: str | None = None) -> QDockWidget:
        """Put `widget` in a dock titled `title` (tabbed with `tab_with` if given) and add a
        show/hide toggle for it to the View menu. Returns the dock, whose object name is
        "dock-<name>" (`name` defaults to `title`; give an untranslated one for a stable layout).
        """
        dock = QDockWidget(title, self)
        dock.setObjectName(f"dock-{name or title}")
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        if tab_with is not None:
            self.tabifyDockWidget(tab_with, dock)
        self.menu("View").addAction(dock.toggleViewAction())
        self._panels.append(dock)
        return dock

    # construction ----------------------------------------------------------------------------
    def _build_actions(self) -> None:
        state = self.state
        self.open_files_action = self.add_action("File", self.tr("&Open images…"),
                                                 self.open_files_dialog, "Ctrl+O")
        self.open_folder_action = self.add_action("File", self.tr("Open folder…"),
                                                  self.open_folder_dialog, "Ctrl+Shift+O")
        self.menu("File").addSeparator()
        self.add_action("File", self.tr("&Export view…"), lambda: self.export(grid=False), "Ctrl+E")
        self.add_action("File", self.tr("Export &grid…"), lambda: self.export(grid=True),
                        "Ctrl+Shift+E")
        self.menu("File").addSeparator()
        self.add_action("File", self.tr("&Quit"), self.close, "Ctrl+Q")
        self.add_action("Image", self.tr("&Next image"),
                        lambda: state.set_current(state.current_index + 1), "Right")
        self.add_action("Image", self.tr("&Previous image"),
                        lambda: state.set_current(state.current_index - 1), "Left")
        self.add_action("Image", self.tr("&First image"), lambda: state.set_current(0), "Home")
        self.add_action("Image", self.tr("&Last image"),
                        lambda: state.set_current(len(state.images) - 1), "End")
        self.add_action("Image", self.tr("&Add comparison cell"), self._add_cell, "Ctrl+N")
        self.add_action("Image", self.tr("&Remove active cell"),
                        lambda: state.remove_cell(state.active_cell), "Ctrl+W")
        self.add_action("Image", self.tr("&Cancel computation"), self._escape, "Esc")
        self.add_action("View", self.tr("Transmittance -10 %"), lambda: self._nudge(-10), "[")
        self.add_action("View", self.tr("Transmittance +10 %"), lambda: self._nudge(10), "]")
        self.add_action("View", self.tr("Reset &zoom"), lambda: self.grid.reset_zoom(), "0")
        self.presentation_action = self.add_action("View", self.tr("&Presentation mode"),
                                                   self.toggle_presentation, "F11")
        self._build_language_menu()
        self.themes.add_menu(self.menu("View"))
        self.menu("View").addSeparator()
        self.add_action("Tools", self.tr("Train model…"), lambda: open_train_dialog(self),
                        "Ctrl+Shift+T")
        self.add_action("Analysis", self.tr("Scan labelled &folder…"), self.scan_folder_dialog)
        self.add_action("Analysis", self.tr("Scan labelled &list (CSV/JSON)…"),
                        self.scan_list_dialog)
        self.add_action("Analysis", self.tr("Scan with &options (this machine or Ray)…"),
                        self.scan_options_dialog)
        self.add_action("Analysis", self.tr("&Open scan results…"), self.open_scan_results_dialog)
        self.add_action("Analysis", self.tr("&Cancel scan"), lambda: self.triage_link.cancel_scan())
        self.add_action("Help", self.tr("&Keyboard shortcuts"), self.show_shortcuts, "F1")
        self.add_action("Help", self.tr("&About gapviewer"), self.show_about)

    def _build_language_menu(self) -> None:
        """View > Language: the system's language or one of the catalogues; applied on restart."""
        menu = self.menu("View").addMenu(self.tr("&Language"))
        menu.setObjectName("menu-Language")
        tip = self.tr("The interface language changes the next time gapviewer starts")
        saved = self._settings_store().value(LANGUAGE_KEY, "") or ""
        group = QActionGroup(self)
        choices = [("", self.tr("System language"))]
        choices += [(code, language_name(code)) for code in available_languages()]
        for code, label in choices:
            action = QAction(label, self)
            action.setCheckable(True)
            action.setChecked(code == saved)
            action.setData(code)
            action.setStatusTip(tip)
            action.setToolTip(tip)
            action.triggered.connect(lambda _checked=False, code=code: self.choose_language(code))
            group.addAction(action)
            menu.addAction(action)
        self.language_menu = menu

    def _settings_store(self) -> QSettings:
        return self.settings if self.settings is not None else session.default_settings()

    def choose_language(self, code: str) -> None:
        """Save the interface language (`""`: follow the system) for the next start."""
        self._settings_store().setValue(LANGUAGE_KEY, code)
        self.statusBar().showMessage(
            self.tr("The language changes when gapviewer is started again"), 8000
        )

    def _build_central(self) -> None:
        central = QWidget()
        central.setObjectName("central")
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        self.display_bar = DisplayBar(self.state)
        self.banner = Banner(self.state)
        self.busy_bar = BusyBar(self.state)
        self.grid = CompareGrid(self.state)
        layout.addWidget(self.display_bar)
        layout.addWidget(self.banner)
        layout.addWidget(self.grid, 1)
        self.empty_hint = EmptyStateHint(self.state, self.open_files_action,
                                         self.open_folder_action, self.controller.open_samples,
                                         replaces=self.grid)
        layout.addWidget(self.empty_hint, 1)
        self.setCentralWidget(central)

    def _build_docks(self) -> None:
        self.browser = BrowserPanel(self.state, (self.open_files_action, self.open_folder_action))
        self.model_panel = ModelPanel(self.state)
        self.predictions = PredictionsPanel(self.state)
        self.method_panel = MethodPanel(self.state)
        explanation = QWidget()
        box = QVBoxLayout(explanation)
        box.setContentsMargins(6, 6, 6, 6)
        self.map_info = MapInfoPanel(self.state)
        for title, widget in ((self.tr("Predictions"), self.predictions),
                              (self.tr("Method"), self.method_panel),
                              (self.tr("About this map"), self.map_info)):
            heading = QLabel(title)
            heading.setObjectName("heading")
            box.addWidget(heading)
            box.addWidget(widget)
        box.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(explanation)
        scroll.setMinimumWidth(270)
        left = Qt.DockWidgetArea.LeftDockWidgetArea
        self.images_dock = self.add_panel(self.tr("Images"), self.browser, left, name="Images")
        self.model_dock = self.add_panel(self.tr("Model"), self.model_panel, left,
                                         self.images_dock, name="Model")
        self.images_dock.raise_()
        self.explanation_dock = self.add_panel(self.tr("Explanation"), scroll, name="Explanation")
        self.triage = TriageView()
        self.triage_dock = self.add_panel(self.tr("Triage"), self.triage,
                                          Qt.DockWidgetArea.BottomDockWidgetArea, name="Triage")
        self.triage_dock.hide()  # wide table and matrix: shown below the view when used
        self.triage_link = TriageLink(self.triage, self.state, self.engine, self)
        self.signal_workspace = install_signal_workspace(self)
        self.resizeDocks([self.images_dock, self.explanation_dock], [260, 320],
                         Qt.Orientation.Horizontal)

    # start and stop --------------------------------------------------------------------------
    def start(self, paths: Sequence[str] = (), model: ModelSpec | None = None,
              restore: bool = True, samples: bool = True) -> None:
        """Start the workers, the model (built-in by default) and the images: the sample
        photos, `paths`, and (with `restore`) the saved session.
        """
        saved = session.load(self.settings) if restore and self.settings else session.Session()
        if restore and saved.display:
            self.state.set_display(**vars(saved.display_options()))
        if restore and saved.cells:
            self.state.set_cells(saved.cell_list(), active=0)
        self.engine.thumbnail_size = thumbnail_pixels(self.devicePixelRatioF())
        self.engine.start()
        self.state.request_model(model or saved.model_spec() or ModelSpec())
        if samples:
            self.controller.open_samples()
        reopen = [p for p in saved.paths if Path(p).exists()] if restore else []
        if reopen:
            self.controller.select_after_listing(saved.image)
            self._open(reopen, select=False)
        elif restore and saved.image:
            self.controller.select_after_listing(saved.image)
        if paths:
            self._open(list(paths), select=True)

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt override)
        self.shutdown()
        super().closeEvent(event)
        self.closed.emit()

    def shutdown(self) -> None:
        """Save the session (if settings were given) and join the worker threads."""
        if self.settings is not None:
            session.save(self.settings, session.capture(self.state, self.opened_paths))
        self.engine.stop()

    # opening ---------------------------------------------------------------------------------
    def _open(self, paths: Sequence[str], select: bool) -> None:
        for path in paths:
            if path not in self.opened_paths:
                self.opened_paths.append(path)
        self.controller.open_paths(paths, select=select)

    def open_paths(self, paths: Sequence[str]) -> None:
        """Open files and folders and show the first new image."""
        self._open(paths, select=True)

    def open_signal_model(self, path: str) -> None:
        """Show the Signals & spectra panel with the 1-D or multi-channel model file `path`."""
        self.signal_workspace.dock.show()
        self.signal_workspace.dock.raise_()
        self.signal_workspace.load_model(ModelChoice(path=path))

    def open_files_dialog(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(self, self.tr("Open images"),
                                                self.state.last_folder or "")
        if files:
            self.open_paths(files)

    def open_folder_dialog(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Open folder"),
                                                  self.state.last_folder or "")
        if folder:
            self.open_paths([folder])

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 (Qt override)
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dragMoveEvent(self, event) -> None:  # noqa: N802 (Qt override)
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 (Qt override)
        paths = [url.toLocalFile() for url in event.mimeData().urls() if url.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.open_paths(paths)

    # triage ----------------------------------------------------------------------------------
    def show_triage(self) -> None:
        """Show the triage panel below the view (about half the window's height)."""
        if not self.triage_dock.isVisible():
            self.triage_dock.show()
            self.resizeDocks([self.triage_dock], [self.height() // 2], Qt.Orientation.Vertical)
        self.triage_dock.raise_()

    def scan(self, source: str) -> bool:
        """Scan a labelled folder or CSV/JSON list into the triage panel (model thread)."""
        self.show_triage()
        return self.triage_link.scan(source)

    def scan_folder_dialog(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self, self.tr("Scan a labelled folder (one sub-folder per class)"),
            self.state.last_folder or "",
        )
        if folder:
            self.scan(folder)

    def scan_list_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Scan a labelled list"), self.state.last_folder or "",
            self.tr("Labelled lists (*.csv *.json)"),
        )
        if path:
            self.scan(path)

    def scan_options_dialog(self) -> None:
        """The triage panel's "Scan…" dialog: engine (local or a Ray cluster), batch, output."""
        self.show_triage()
        self.triage.scan_dialog()

    def open_scan_results_dialog(self) -> None:
        self.show_triage()
        self.triage.open_dialog()

    # commands --------------------------------------------------------------------------------
    def _add_cell(self) -> None:
        if self.state.active is not None:
            self.state.add_cell(self.state.active)

    def _nudge(self, step: int) -> None:
        value = max(0, min(100, self.state.display.transmittance + step))
        self.state.set_display(transmittance=value)

    def _escape(self) -> None:
        if self.isFullScreen():
            self.toggle_presentation()
        else:
            self.state.request_cancel()

    def _model_status(self) -> None:
        model = self.state.model
        if model is not None:
            self.statusBar().showMessage(
                self.tr("{name}: {count} classes, pre-GAP {layer}").format(
                    name=model.architecture, count=model.num_classes,
                    layer=model.pre_gap_layer or self.tr("none")),
                8000,
            )

    def toggle_presentation(self) -> None:
        """F11: full screen, docks and menus hidden, large fonts; again (or Esc) to leave.
        The display controls, the view and the status bar (busy indicator) stay.
        """
        if self.isFullScreen():
            for widget in self._hidden_for_presentation:
                widget.show()
            self._hidden_for_presentation = []
            self.themes.set_presentation(False)
            self.showNormal()
            return
        self._hidden_for_presentation = [
            w for w in (*self._panels, self.menuBar()) if w.isVisible()
        ]
        for widget in self._hidden_for_presentation:
            widget.hide()
        self.themes.set_presentation(True)
        self.showFullScreen()

    def shortcuts(self) -> tuple[tuple[str, str], ...]:
        """(keys, what they do) for the Help > Keyboard shortcuts table, translated."""
        return (
            (self.tr("Right / Left"), self.tr("Next / previous image")),
            (self.tr("Down / Up"), self.tr("Next / previous image (in the image list)")),
            ("Home / End", self.tr("First / last image")),
            ("Ctrl+O", self.tr("Open images")),
            ("Ctrl+Shift+O", self.tr("Open a folder (recursively)")),
            ("Ctrl+E", self.tr("Export the active cell (PNG + .npy + .json)")),
            ("Ctrl+Shift+E", self.tr("Export the comparison grid")),
            ("[  /  ]", self.tr("Transmittance -10 % / +10 %")),
            ("Ctrl+N", self.tr("Add a comparison cell")),
            ("Ctrl+W", self.tr("Remove the active cell")),
            ("0", self.tr("Reset zoom")),
            ("Esc", self.tr("Cancel the running computation / leave presentation mode")),
            ("F11", self.tr("Presentation mode (full screen, large fonts)")),
            ("F1", self.tr("This list")),
            (self.tr("Mouse"),
             self.tr("Wheel zooms, drag pans (all cells together); hover reads values")),
            (self.tr("Drop"), self.tr("Drop image files or folders anywhere on the window")),
        )

    def show_about(self) -> AboutDialog:
        """Help > About: versions (torch's once the model thread has it) and the model's origin."""
        dialog = AboutDialog(self.state, self.engine, self)
        dialog.setModal(False)
        dialog.show()
        return dialog

    def show_shortcuts(self) -> QDialog:
        dialog = QDialog(self)
        dialog.setWindowTitle(self.tr("Keyboard shortcuts"))
        rows = self.shortcuts()
        table = QTableWidget(len(rows), 2)
        table.setHorizontalHeaderLabels([self.tr("Keys"), self.tr("Action")])
        table.verticalHeader().hide()
        for row, (keys, action) in enumerate(rows):
            table.setItem(row, 0, QTableWidgetItem(keys))
            table.setItem(row, 1, QTableWidgetItem(action))
        table.resizeColumnsToContents()
        table.horizontalHeader().setStretchLastSection(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(dialog.close)
        layout = QVBoxLayout(dialog)
        layout.addWidget(table)
        layout.addWidget(buttons)
        dialog.resize(560, 520)
        dialog.setModal(False)
        dialog.show()
        return dialog

    def export(self, grid: bool, path: str | None = None) -> list[Path]:
        """Export the active cell (or the whole grid) as PNG + .npy + .json next to `path`."""
        state = self.state
        cells = list(state.cells) if grid else state.cells[state.active_cell:state.active_cell + 1]
        present = [c for c in cells if state.maps.get(c) is not None
                   and state.maps[c].values is not None]
        if state.pixels is None or not present:
            state.report_error(self.tr("Nothing to export yet: no map is shown"))
            return []
        if path is None:
            image = state.current_image
            suggestion = str(Path(state.last_folder or ".") /
                             f"{Path(image.name).stem}_{'grid' if grid else present[0].method}.png")
            path, _ = QFileDialog.getSaveFileName(self, self.tr("Export"), suggestion,
                                                  "PNG (*.png)")
            if not path:
                return []
        model = state.model
        metadata = {
            "model": {"architecture": model.architecture, "source": model.source,
                      "spec": state.model_spec.to_settings() if state.model_spec else None},
            "image": state.current_image.path or state.current_image.name,
            "target": state.explained_target,
            "target_name": (model.class_names[state.explained_target]
                            if isinstance(state.explained_target, int) else None),
        }
        try:
            written = export_maps(path, state.pixels, present,
                                  [state.maps[c].values for c in present], state.display, metadata)
        except (OSError, ValueError) as error:
            state.report_error(self.tr("Export failed: {error}").format(error=error))
            return []
        self.statusBar().showMessage(
            self.tr("Exported {count} files next to {path}").format(count=len(written),
                                                                     path=written[0]), 8000)
        return written

    def wait_until_idle(self, callback: Callable[[], None], timeout_s: float = 300.0) -> None:
        """Call `callback` once nothing is queued, running or undelivered (or after timeout)."""
        timer = QTimer(self)
        waited = {"ms": 0, "quiet": 0}

        def check() -> None:
            waited["ms"] += 100
            waited["quiet"] = waited["quiet"] + 1 if self.controller.idle else 0
            if waited["quiet"] >= 3 or waited["ms"] >= timeout_s * 1000:
                timer.stop()
                timer.deleteLater()
                callback()

        timer.timeout.connect(check)
        timer.start(100)
