"""The desktop viewer (PySide6 + pyqtgraph): `launch(argv)` starts it.

Importing this package imports no Qt and no torch; `launch` shows the window first and lets the
engine's worker thread import torch and load the model in the background.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="gapviewer",
        description="Desktop viewer: contribution heat maps over images, with a transmittance "
        "slider, comparison grid and export. Subcommands: gapviewer --help-commands.",
    )
    parser.add_argument("paths", nargs="*", help="image files and folders to open")
    parser.add_argument("--screenshot", metavar="OUT.png",
                        help="open the paths, wait until all work is done, save a picture of the "
                        "window to OUT.png and exit")
    parser.add_argument("--model", help="built-in efficientnet-lite0 (default), a torchvision "
                        "architecture name, or a model file")
    parser.add_argument("--weights", help="weights file for a torchvision --model")
    parser.add_argument("--classes", help="class names file, one per line")
    parser.add_argument("--trust", action="store_true",
                        help="allow the --model file to run code when loaded (full pickles, "
                        "TorchScript); only for files from authors you trust")
    parser.add_argument("--device", default="cpu", help="cpu, cuda or auto")
    parser.add_argument("--no-samples", action="store_true",
                        help="do not list the bundled sample photos")
    parser.add_argument("--no-restore", action="store_true",
                        help="start without the saved session (and do not save one)")
    parser.add_argument("--settings", metavar="FILE.ini",
                        help="keep the session in this file instead of the user settings")
    parser.add_argument("--size", default="1400x860", help="window size WxH (default 1400x860)")
    parser.add_argument("--language", metavar="CODE",
                        help="interface language (en, ja); default: the one chosen in View > "
                        "Language, else the system's")
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress")
    return parser


def _model_spec(args: argparse.Namespace):
    from .state import ModelSpec

    if args.model is None and args.weights is None and args.classes is None:
        return None if args.device == "cpu" else ModelSpec(device=args.device)
    model = args.model
    if model is None or model == "efficientnet-lite0" and not args.weights:
        return ModelSpec("builtin", None, None, args.classes, False, args.device)
    kind = "file" if Path(model).suffix and Path(model).exists() else "torchvision"
    return ModelSpec(kind, model, args.weights, args.classes, args.trust, args.device)


def launch(argv: Sequence[str]) -> int:
    """Start the viewer with `argv` (paths to open and the options of `build_parser`).

    Returns the exit code: 0 on a normal exit or a saved screenshot, 1 if the screenshot could
    not be written, 2 for bad options.
    """
    args = build_parser().parse_args(list(argv))
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    from PySide6.QtCore import QEventLoop, QSettings
    from PySide6.QtWidgets import QApplication

    from .about import versions_text
    from .crash_report import install_crash_reporter
    from .i18n import install_translator
    from .main_window import LANGUAGE_KEY, MainWindow
    from .session import APPLICATION, ORGANISATION, default_settings

    existing = QApplication.instance()
    app = existing or QApplication([sys.argv[0] if sys.argv else "gapviewer"])
    app.setOrganizationName(ORGANISATION)
    app.setApplicationName(APPLICATION)
    screenshot = args.screenshot is not None
    if args.settings:
        settings = QSettings(args.settings, QSettings.Format.IniFormat)
    else:
        settings = None if screenshot or args.no_restore else default_settings()
    saved_language = settings.value(LANGUAGE_KEY, "") or None if settings is not None else None
    install_translator(app, args.language or saved_language)
    window = MainWindow(settings=settings)
    try:
        width, height = (int(v) for v in args.size.lower().split("x"))
    except ValueError:
        print(f"gapviewer: --size must look like 1400x860, got {args.size}", file=sys.stderr)
        return 2
    window.resize(width, height)
    reporter = install_crash_reporter(window, lambda: versions_text(window.engine))
    window.show()
    window.start(args.paths, model=_model_spec(args),
                 restore=not (screenshot or args.no_restore), samples=not args.no_samples)
    result = {"code": 0}
    if screenshot:
        def save() -> None:
            out = Path(args.screenshot)
            out.parent.mkdir(parents=True, exist_ok=True)
            if not window.grab().save(str(out)):
                print(f"gapviewer: cannot write {out}", file=sys.stderr)
                result["code"] = 1
            window.close()

        window.wait_until_idle(save)
    if existing is None:
        app.exec()
    else:  # inside a running application (tests, an IPython session): until the window closes
        loop = QEventLoop()
        window.closed.connect(loop.quit)
        loop.exec()
    window.engine.stop()
    reporter.uninstall()
    return result["code"]
