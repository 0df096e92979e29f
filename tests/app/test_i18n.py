"""Interface languages: catalogues complete and current, translator switching, system locale."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication

from gapviewer.app import i18n

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "gapviewer" / "resources" / "translations"
JA_TS = TRANSLATIONS / "gapviewer_ja.ts"


def _messages(ts: Path) -> list[tuple[str, str, ET.Element]]:
    """(context, source, translation element) for every message of a Qt .ts file."""
    found = []
    for context in ET.parse(ts).getroot().iter("context"):
        name = context.findtext("name")
        for message in context.iter("message"):
            found.append((name, message.findtext("source"), message.find("translation")))
    return found


def _pyside_tool(tool: str, *args: str) -> None:
    script = (
        "import sys; from PySide6.scripts import pyside_tool as t;"
        f"sys.argv[0] = 'pyside6-{tool}'; sys.exit(t.{tool}())"
    )
    subprocess.run([sys.executable, "-c", script, *args], check=True, capture_output=True)


@pytest.fixture
def english_afterwards(qapp):
    yield qapp
    i18n.install_translator(qapp, "en")


def test_available_languages_are_english_and_japanese():
    assert i18n.available_languages() == ["en", "ja"]
    assert i18n.language_name("ja") == "日本語"
    assert i18n.language_name("en") == "English"


def test_japanese_catalogue_is_complete():
    messages = _messages(JA_TS)
    untranslated = [
        (context, source)
        for context, source, translation in messages
        if translation.get("type") in ("unfinished", "obsolete", "vanished")
        or not ("".join(translation.itertext()).strip())
    ]
    assert not untranslated, f"{len(untranslated)} strings lack a Japanese translation"


def test_catalogues_hold_every_string_of_the_sources(tmp_path):
    """Re-extracting the strings (viewer sources and method registry) adds nothing: the .ts
    files are current."""
    fresh = tmp_path / "fresh.ts"
    shutil.copy(JA_TS, fresh)
    method_texts = tmp_path / "method_texts.py"
    spec = importlib.util.spec_from_file_location(
        "core_strings", ROOT / "packaging/core_strings.py"
    )
    core_strings = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(core_strings)
    core_strings.write_lupdate_source(method_texts)
    sources = sorted(str(p) for p in (ROOT / "gapviewer" / "app").glob("*.py"))
    _pyside_tool(
        "lupdate", "-silent", "-no-obsolete", *sources, str(method_texts), "-ts", str(fresh)
    )
    known = {(c, s) for c, s, _ in _messages(JA_TS)}
    extracted = {(c, s) for c, s, _ in _messages(fresh)}
    missing = sorted(extracted - known)
    assert not missing, (
        f"strings not in the catalogue (run packaging/build_translations.sh --update and "
        f"translate them): {missing[:10]}"
    )
    assert not known - extracted, "the catalogue holds strings the sources no longer have"


def test_method_texts_are_translated_and_method_names_stay_english(english_afterwards):
    from gapviewer.core.methods import METHODS

    i18n.install_translator(english_afterwards, "ja")
    for method in METHODS.values():
        assert i18n.translate_method_text(method.summary) != method.summary, method.id
        assert i18n.translate_method_text(method.name) == method.name
        for param in method.params:
            if param.help:
                assert i18n.translate_method_text(param.help) != param.help, (method.id, param)


def test_compiled_catalogue_matches_the_ts_source(tmp_path):
    """The committed .qm is what lrelease makes of the committed .ts."""
    fresh = tmp_path / "gapviewer_ja.qm"
    _pyside_tool("lrelease", "-silent", "-removeidentical", str(JA_TS), "-qm", str(fresh))
    assert (TRANSLATIONS / "gapviewer_ja.qm").read_bytes() == fresh.read_bytes()


def test_japanese_translator_translates_every_message(english_afterwards):
    app = english_afterwards
    assert i18n.install_translator(app, "ja_JP") == "ja"
    singular = [(c, s, t) for c, s, t in _messages(JA_TS) if t.find("numerusform") is None]
    assert singular, "the Japanese catalogue is empty"
    for context, source, translation in singular:
        assert QCoreApplication.translate(context, source) == translation.text, (context, source)

    assert i18n.install_translator(app, "en") == "en"
    for context, source, _ in singular:
        assert QCoreApplication.translate(context, source) == source


def test_unknown_language_falls_back_to_english(english_afterwards, caplog):
    context, source, _ = _messages(JA_TS)[0]
    i18n.install_translator(english_afterwards, "ja")
    assert i18n.install_translator(english_afterwards, "xx") == "en"
    assert "no xx translation" in caplog.text
    assert QCoreApplication.translate(context, source) == source


def test_missing_japanese_font_is_reported(english_afterwards, caplog, monkeypatch):
    """Without a font holding Japanese glyphs Qt draws boxes: say so, with the fix."""
    from PySide6.QtGui import QFontDatabase

    monkeypatch.setattr(QFontDatabase, "families", lambda *args: ["Noto Sans CJK JP"])
    assert i18n.has_font_for("ja") and i18n.has_font_for("en")
    i18n.install_translator(english_afterwards, "ja")
    assert "boxes" not in caplog.text
    monkeypatch.setattr(QFontDatabase, "families", lambda *args: [])
    assert not i18n.has_font_for("ja") and i18n.has_font_for("en")
    i18n.install_translator(english_afterwards, "ja")
    assert "no installed font has 日本語 glyphs" in caplog.text and "fonts-noto-cjk" in caplog.text


def test_qt_standard_dialog_strings_follow_the_language(english_afterwards):
    i18n.install_translator(english_afterwards, "ja")
    assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "キャンセル"


@pytest.mark.parametrize(
    ("environment", "expected"),
    [
        ({"LANGUAGE": "ja", "LANG": "ja_JP.UTF-8"}, "ja"),
        ({"LANGUAGE": "de", "LANG": "de_DE.UTF-8"}, "en"),
        ({"LANGUAGE": "fr:ja", "LANG": "fr_FR.UTF-8"}, "ja"),
    ],
)
def test_system_language_follows_the_locale(environment, expected):
    env = {k: v for k, v in os.environ.items() if not k.startswith("LC_")}
    env.update(environment, QT_QPA_PLATFORM="offscreen")
    code = "from gapviewer.app import i18n; print(i18n.system_language())"
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == expected


# Words that read the same in a Japanese interface: acronyms, file formats, key names, units,
# identifiers a user types (optimiser and schedule names, Python syntax) and product names.
_ALLOWED_WORDS = (
    "gapviewer GAP CAM Grad PNG JSON npy CPU CUDA GPU ReLU FIG Esc Ctrl Shift Alt Home End Tab "
    "ImageNet PyTorch TorchScript EfficientNet Lite softmax top abs max sum cos pre "
    "torchvision safetensors CSV English "
    "sgd adamw cosine step constant gcm small gap cnn efficientnet lite0 resnet mobilenet "
    "WAV CSV NPY TIFF FLAC Parquet Ray Qt PySide Python nn Module package module Class "
    "digits num classes widths torch lite Multimedia pip install Addons"
)
_UNTRANSLATED_WORDS_ALLOWED = set(_ALLOWED_WORDS.split())


def _plain(text: str) -> str:
    from PySide6.QtGui import QTextDocument

    document = QTextDocument()
    document.setHtml(text)
    return document.toPlainText()


def _plot_texts(plot) -> list[tuple[str, str]]:
    """A pyqtgraph PlotWidget's title, axis labels and legend entries."""
    item = plot.getPlotItem()
    found = [("plot title", _plain(item.titleLabel.text or ""))]
    for name in ("left", "bottom"):
        axis = item.getAxis(name)
        if axis.isVisible() and axis.label.isVisible():
            found.append(("axis label", _plain(axis.labelText or "")))
    if item.legend is not None:
        found += [("legend", label.text) for _sample, label in item.legend.items]
    return found


def _visible_texts(root) -> list[tuple[str, str]]:
    """(where, text) for every text a user can see or hover in `root` (a window or dialog), its
    menus, table headers and plots."""
    import pyqtgraph as pg
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import (
        QAbstractButton,
        QComboBox,
        QDockWidget,
        QGroupBox,
        QLabel,
        QLineEdit,
        QMainWindow,
        QMenu,
        QTabBar,
        QTableView,
        QWidget,
    )

    found = [("window title", root.windowTitle())]
    for widget in root.findChildren(QWidget):
        if widget.window() is not root or not widget.isVisibleTo(root):
            continue  # hidden, or in a dialog of its own
        kind = type(widget).__name__
        found.append((f"{kind} tooltip", _plain(widget.toolTip())))
        found.append((f"{kind} accessible name", widget.accessibleName()))
        if isinstance(widget, QLabel):
            found.append(("label", _plain(widget.text())))
        elif isinstance(widget, QAbstractButton):
            found.append(("button", widget.text()))
        elif isinstance(widget, QGroupBox):
            found.append(("group", widget.title()))
        elif isinstance(widget, QDockWidget):
            found.append(("dock title", widget.windowTitle()))
        elif isinstance(widget, QLineEdit):
            found.append(("placeholder", widget.placeholderText()))
        elif isinstance(widget, QTabBar):
            found += [("tab", widget.tabText(i)) for i in range(widget.count())]
        elif isinstance(widget, QComboBox) and not widget.isEditable():
            found += [("combo item", widget.itemText(i)) for i in range(widget.count())]
        elif isinstance(widget, QTableView) and widget.model() is not None:
            model = widget.model()
            found += [
                ("column header", str(model.headerData(i, Qt.Orientation.Horizontal) or ""))
                for i in range(model.columnCount())
            ]
        elif isinstance(widget, pg.PlotWidget):
            found += _plot_texts(widget)
    menus = []
    if isinstance(root, QMainWindow):
        menus = [action.menu() for action in root.menuBar().actions() if action.menu()]
        found.append(("status bar", root.statusBar().currentMessage()))
    while menus:
        menu = menus.pop()
        found.append(("menu", menu.title()))
        for action in menu.actions():
            if isinstance(action.menu(), QMenu):
                menus.append(action.menu())
            elif not action.isSeparator():
                found.append(("menu item", action.text()))
    return [(where, text.strip()) for where, text in found if text and text.strip()]


def _data_words(window) -> set[str]:
    """Names that come from the data, not the interface: methods, layers, classes, files."""
    state = window.state
    names = [m.name for m in state.methods.values()] + list(state.methods)
    names += [m.source for m in state.methods.values()]
    for method in state.methods.values():
        for param in method.params:
            names += [param.name, *map(str, param.choices)]
    model = state.model
    names += [model.architecture, model.source, model.device, *model.class_names]
    names += [layer.name for layer in model.layers]
    names += [image.name for image in state.images]
    from gapviewer.core import render

    names += list(render.COLORMAPS)
    return {word for name in names for word in _words(name)}


def _words(text: str) -> list[str]:
    import re

    return re.findall(r"[A-Za-z]{3,}", text)


def _english(root, allowed: set[str]) -> list[tuple[str, str]]:
    """(where, English words) for the visible texts of `root` with words not allowed."""
    return sorted(
        {
            (where, " ".join(word for word in _words(text) if word not in allowed))
            for where, text in _visible_texts(root)
            if any(word not in allowed for word in _words(text))
        }
    )


@pytest.fixture
def japanese_window(english_afterwards, settings, qtbot, tmp_path):
    """The main window in Japanese with the tiny model and two images shown."""
    from viewer_helpers import WAIT_MS, tiny_spec, wait_idle, write_images

    from gapviewer.app.main_window import MainWindow

    i18n.install_translator(english_afterwards, "ja")
    window = MainWindow(settings=settings)
    qtbot.addWidget(window)
    window.show()
    window.start(model=tiny_spec(), restore=False, samples=False)
    try:
        qtbot.waitUntil(lambda: window.state.model is not None, timeout=WAIT_MS)
        window.open_paths(write_images(tmp_path / "images", 2))
        qtbot.waitUntil(lambda: window.state.pixels is not None, timeout=WAIT_MS)
        wait_idle(qtbot, window)
        yield window
    finally:
        window.close()


def test_main_window_in_japanese_shows_no_english_text(japanese_window):
    """Every visible string of the main window (labels, buttons, menus, tooltips, titles) is
    Japanese once the language is switched, apart from data (method, layer, class and file
    names, citations) and acronyms."""
    allowed = _data_words(japanese_window) | _UNTRANSLATED_WORDS_ALLOWED
    english = _english(japanese_window, allowed)
    assert not english, f"{len(english)} untranslated texts, e.g. {english[:15]}"


def test_every_panel_and_dialog_in_japanese_shows_no_english_text(japanese_window, qtbot,
                                                                  tmp_path):
    """The triage panel (with the what-if), the Signals & spectra panel, the Train dialog, its
    architecture dialog, About, the keyboard shortcuts, the crash dialog: no English left."""
    from gapviewer.app.crash_report import CrashDialog
    from gapviewer.app.signal_workspace import ArchitectureDialog
    from gapviewer.app.train_dialog import open_train_dialog

    window = japanese_window
    window.show_triage()
    window.signal_workspace.dock.show()
    reason = "ZeroDivisionError: division by zero"
    log = tmp_path / "gapviewer.log"
    dialogs = [
        open_train_dialog(window),
        window.show_about(),
        window.show_shortcuts(),
        ArchitectureDialog(window),
        CrashDialog(reason, "details", log, window),
    ]
    dialogs[-2].show()
    dialogs[-1].show()
    allowed = (
        _data_words(window)
        | _UNTRANSLATED_WORDS_ALLOWED
        | set(_words(reason))
        | set(_words(str(log)))
    )
    try:
        assert window.triage_dock.isVisible() and window.signal_workspace.dock.isVisible()
        english = _english(window, allowed)
        for dialog in dialogs:
            qtbot.waitExposed(dialog)
            english += [(f"{type(dialog).__name__}: {where}", text)
                        for where, text in _english(dialog, allowed)]
        assert not english, f"{len(english)} untranslated texts, e.g. {english[:15]}"
    finally:
        for dialog in dialogs:
            dialog.close()


def test_empty_window_in_japanese_shows_no_english_text(english_afterwards, settings, qtbot):
    """The first-run view (no image yet: the empty-state hint) is Japanese too."""
    from viewer_helpers import WAIT_MS, tiny_spec

    from gapviewer.app.main_window import MainWindow

    i18n.install_translator(english_afterwards, "ja")
    window = MainWindow(settings=settings)
    qtbot.addWidget(window)
    window.show()
    window.start(model=tiny_spec(), restore=False, samples=False)
    try:
        qtbot.waitUntil(lambda: window.state.model is not None and window.controller.idle,
                        timeout=WAIT_MS)
        assert window.empty_hint.isVisible()
        allowed = _data_words(window) | _UNTRANSLATED_WORDS_ALLOWED | {"scikit", "image"}
        english = _english(window, allowed)
        assert not english, f"{len(english)} untranslated texts, e.g. {english[:15]}"
    finally:
        window.close()


def test_core_messages_are_translated_with_their_variable_parts_kept(english_afterwards):
    """Progress messages from core.explain / occlusion and image-load reasons from core.images
    come out in Japanese; names and numbers are kept; unknown texts pass through."""
    i18n.install_translator(english_afterwards, "ja")
    assert i18n.translate_core_message("forward pass") == "順伝播"
    assert i18n.translate_core_message("occlusion: batch 3 of 12") == "occlusion：バッチ 3 / 12"
    assert i18n.translate_core_message("grad-cam at blocks.6") == "grad-cam（blocks.6）"
    assert (i18n.translate_core_message("cat.png: file not found")
            == "cat.png: ファイルが見つかりません")
    too_large = "big.png: image too large: 9000 x 9000 = 81,000,000 pixels exceeds the limit of 1"
    assert i18n.translate_core_message(too_large) == (
        "big.png: 画像が大きすぎます：9000 x 9000 = 81,000,000 画素で、上限の 1 画素を超えています"
    )
    assert i18n.translate_core_message("Counterfactual: tiger cat") == "反実仮想：tiger cat"
    assert i18n.translate_core_message("something new: 42") == "something new: 42"
    i18n.install_translator(english_afterwards, "en")
    assert i18n.translate_core_message("forward pass") == "forward pass"
