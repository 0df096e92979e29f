"""User-interface language: chosen from the system locale or explicitly; loads the Qt translators.

Translations are Qt ``.qm`` files compiled from
``gapviewer/resources/translations/gapviewer_<lang>.ts`` by ``packaging/build_translations.sh``.
English is the source language: with no catalogue installed every string shows as written. Qt's
own catalogue (``qtbase_<lang>.qm``: standard dialog buttons, file dialogs) is loaded alongside.
"""

from __future__ import annotations

import logging
from importlib import resources
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

logger = logging.getLogger(__name__)

SOURCE_LANGUAGE = "en"
CATALOGUE_PREFIX = "gapviewer_"
METHOD_CONTEXT = "MethodText"  # translation context of the method registry's texts
_NATIVE_NAMES = {"en": "English", "ja": "日本語"}
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
    QLocale.setDefault(QLocale(chosen))
    return chosen
