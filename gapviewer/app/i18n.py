"""User-interface language: chosen from the system locale or explicitly; loads the Qt translators.

Translations are Qt ``.qm`` files compiled from
``gapviewer/resources/translations/gapviewer_<lang>.ts`` by ``packaging/build_translations.sh``.
English is the source language: with no catalogue installed every string shows as written. Qt's
own catalogue (``qtbase_<lang>.qm``: standard dialog buttons, file dialogs) is loaded alongside.
"""

from __future__ import annotations

import logging
import re
from importlib import resources
from pathlib import Path

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QCoreApplication,
    QLibraryInfo,
    QLocale,
    QTranslator,
)
from PySide6.QtGui import QFontDatabase, QGuiApplication

logger = logging.getLogger(__name__)

SOURCE_LANGUAGE = "en"
CATALOGUE_PREFIX = "gapviewer_"
METHOD_CONTEXT = "MethodText"  # translation context of the method registry's texts
CORE_CONTEXT = "CoreText"  # translation context of gapviewer.core's progress and error texts
_NATIVE_NAMES = {"en": "English", "ja": "日本語"}
_WRITING_SYSTEMS = {"ja": QFontDatabase.WritingSystem.Japanese}  # languages needing own fonts
_TRANSLATORS_PROPERTY = "gapviewer_translators"


def translations_dir() -> Path:
    """The folder holding the compiled ``gapviewer_<lang>.qm`` catalogues."""
    return Path(str(resources.files("gapviewer") / "resources" / "translations"))


def available_languages() -> list[str]:
    """Language codes the interface can show: English plus every compiled catalogue, sorted."""
    folder = translations_dir()
    compiled = (
        {
            path.stem.removeprefix(CATALOGUE_PREFIX)
            for path in folder.glob(f"{CATALOGUE_PREFIX}*.qm")
        }
        if folder.is_dir()
        else set()
    )
    return sorted(compiled | {SOURCE_LANGUAGE})


def language_name(language: str) -> str:
    """The language's name in that language (for a menu), e.g. "日本語" for "ja"."""
    if language in _NATIVE_NAMES:
        return _NATIVE_NAMES[language]
    return QLocale(language).nativeLanguageName() or language


def system_language() -> str:
    """The first of the system's preferred UI languages that gapviewer has, else English."""
    available = available_languages()
    for tag in QLocale.system().uiLanguages():
        code = tag.replace("_", "-").split("-")[0].lower()
        if code in available:
            return code
    return SOURCE_LANGUAGE


def translate_method_text(text: str) -> str:
    """A method summary, parameter label or parameter help from gapviewer.core, translated.

    gapviewer.core has no Qt, so these texts are listed for lupdate by packaging/core_strings.py
    under METHOD_CONTEXT; texts without a translation come back unchanged.
    """
    return QCoreApplication.translate(METHOD_CONTEXT, text)


# gapviewer.core's progress messages (core.explain, core.methods.occlusion), the fixed parts of
# image load errors (core.images.ImageLoadError reasons) and the titles of core.scan.failure_maps,
# as written there: whole texts, and patterns whose named parts (numbers, identifiers, class
# names, details from the OS or Pillow) are kept.
_CORE_TEXTS = (
    QT_TRANSLATE_NOOP("CoreText", "forward pass"),
    QT_TRANSLATE_NOOP("CoreText", "done"),
    QT_TRANSLATE_NOOP("CoreText", "occlusion: done"),
    QT_TRANSLATE_NOOP("CoreText", "file not found"),
    QT_TRANSLATE_NOOP("CoreText", "permission denied"),
    QT_TRANSLATE_NOOP("CoreText", "is a folder, not an image file"),
    QT_TRANSLATE_NOOP("CoreText", "not a regular file"),
    QT_TRANSLATE_NOOP("CoreText", "empty file (0 bytes)"),
    QT_TRANSLATE_NOOP("CoreText", "float array contains NaN or infinity"),
)
_CORE_PATTERNS = tuple(
    (re.compile(pattern), template)
    for pattern, template in (
        (r"occlusion: batch (?P<batch>\d+) of (?P<batches>\d+)",
         QT_TRANSLATE_NOOP("CoreText", "occlusion: batch {batch} of {batches}")),
        (r"(?P<method>[\w.-]+) at (?P<layer>[\w.-]+)",
         QT_TRANSLATE_NOOP("CoreText", "{method} at {layer}")),
        (r"image too large: (?P<width>\d+) x (?P<height>\d+) = (?P<pixels>[\d,]+) pixels "
         r"exceeds the limit of (?P<limit>[\d,]+)",
         QT_TRANSLATE_NOOP("CoreText", "image too large: {width} x {height} = {pixels} pixels "
                           "exceeds the limit of {limit}")),
        (r"truncated or corrupt (?P<format>\S+) data \((?P<detail>.*)\)",
         QT_TRANSLATE_NOOP("CoreText", "truncated or corrupt {format} data ({detail})")),
        (r"unreadable image header \((?P<detail>.*)\)",
         QT_TRANSLATE_NOOP("CoreText", "unreadable image header ({detail})")),
        (r"cannot convert pixel mode (?P<mode>\S+) to RGB \((?P<detail>.*)\)",
         QT_TRANSLATE_NOOP("CoreText", "cannot convert pixel mode {mode} to RGB ({detail})")),
        (r"corrupt (?P<format>\S+) header",
         QT_TRANSLATE_NOOP("CoreText", "corrupt {format} header")),
        (r"unsupported image format (?P<format>\S+) \(supported: (?P<supported>.*)\)",
         QT_TRANSLATE_NOOP("CoreText", "unsupported image format {format} (supported: "
                           "{supported})")),
        (r"not a recognised image file \(supported: (?P<supported>.*)\)",
         QT_TRANSLATE_NOOP("CoreText", "not a recognised image file (supported: {supported})")),
        (r"unsupported dtype (?P<dtype>\S+)",
         QT_TRANSLATE_NOOP("CoreText", "unsupported dtype {dtype}")),
        (r"Predicted: (?P<name>.+)", QT_TRANSLATE_NOOP("CoreText", "Predicted: {name}")),
        (r"True: (?P<name>.+)", QT_TRANSLATE_NOOP("CoreText", "True: {name}")),
        (r"Counterfactual: (?P<name>.+)",
         QT_TRANSLATE_NOOP("CoreText", "Counterfactual: {name}")),
    )
)


def translate_core_message(text: str) -> str:
    """A progress message or load error from gapviewer.core, in the interface language.

    gapviewer.core has no Qt, so its texts are listed here for lupdate (context CORE_CONTEXT).
    A message "<name>: <reason>" (ImageLoadError) keeps the name and translates the reason;
    variable parts are kept as written; a text that is not known comes back unchanged.
    """
    if text in _CORE_TEXTS:
        return QCoreApplication.translate(CORE_CONTEXT, text)
    for pattern, template in _CORE_PATTERNS:
        match = pattern.fullmatch(text)
        if match:
            return QCoreApplication.translate(CORE_CONTEXT, template).format(**match.groupdict())
    name, separator, reason = text.partition(": ")
    if separator and reason:
        translated = translate_core_message(reason)
        if translated != reason:
            return f"{name}: {translated}"
    return text


def has_font_for(language: str) -> bool:
    """Whether an installed font has the glyphs `language` is written in (needs a GUI
    application; True for languages written in Latin letters)."""
    system = _WRITING_SYSTEMS.get(language)
    return system is None or bool(QFontDatabase.families(system))


def install_translator(app: QCoreApplication, language: str | None = None) -> str:
    """Install the translators for `language` (None: the system's) and return the language used.

    Translators installed by an earlier call are removed first, so calling again switches language;
    Qt then sends a LanguageChange event to every widget. An unknown language falls back to English
    with a warning.
    """
    available = available_languages()
    chosen = system_language() if language is None else language.replace("_", "-").split("-")[0]
    if chosen not in available:
        logger.warning(
            "no %s translation of gapviewer; using English (have: %s)", chosen, ", ".join(available)
        )
        chosen = SOURCE_LANGUAGE
    for translator in app.property(_TRANSLATORS_PROPERTY) or []:
        app.removeTranslator(translator)
    installed = []
    if chosen != SOURCE_LANGUAGE:
        qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        catalogues = (
            (f"qtbase_{chosen}", qt_dir),
            (f"{CATALOGUE_PREFIX}{chosen}", str(translations_dir())),
        )
        for name, folder in catalogues:
            translator = QTranslator(app)
            if translator.load(name, folder):
                app.installTranslator(translator)
                installed.append(translator)
            else:
                logger.info("translation catalogue %s not found in %s", name, folder)
    app.setProperty(_TRANSLATORS_PROPERTY, installed)
    if isinstance(app, QGuiApplication) and not has_font_for(chosen):
        logger.warning(
            "no installed font has %s glyphs: the interface will show boxes; install one "
            "(e.g. apt-get install fonts-noto-cjk or fonts-ipafont-gothic)", language_name(chosen)
        )
    QLocale.setDefault(QLocale(chosen))
    return chosen
