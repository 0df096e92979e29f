"""Desktop integration: .desktop and AppStream files validate; install-desktop.sh registers them."""

from __future__ import annotations

import configparser
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from gapviewer.core.images import IMAGE_EXTENSIONS

ROOT = Path(__file__).resolve().parents[2]
LINUX = ROOT / "packaging" / "linux"
DESKTOP = LINUX / "io.github.gapviewer.desktop"
METAINFO = LINUX / "io.github.gapviewer.metainfo.xml"
INSTALL = ROOT / "packaging" / "install-desktop.sh"
PNG_SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)

# The MIME type freedesktop's shared-mime-info gives each extension gapviewer opens.
MIME_OF_EXTENSION = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".bmp": "image/bmp",
    ".gif": "image/gif",
    ".tif": "image/tiff",
    ".tiff": "image/tiff",
    ".webp": "image/webp",
    ".ppm": "image/x-portable-pixmap",
    ".pgm": "image/x-portable-graymap",
    ".pbm": "image/x-portable-bitmap",
}


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.skip(
            f"{name} is not installed (Debian package: apt-get install desktop-file-utils "
            "appstream)"
        )
    return path


def _desktop_entry(path: Path) -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str
    parser.read(path, encoding="utf-8")
    return parser["Desktop Entry"]


def test_desktop_file_validates():
    result = subprocess.run(
        [_tool("desktop-file-validate"), str(DESKTOP)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "error" not in result.stdout


def test_metainfo_validates():
    result = subprocess.run(
        [_tool("appstreamcli"), "validate", "--no-net", str(METAINFO)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_desktop_file_declares_every_supported_image_type():
    mime_types = set(_desktop_entry(DESKTOP)["MimeType"].rstrip(";").split(";"))
    assert {MIME_OF_EXTENSION[ext] for ext in IMAGE_EXTENSIONS} <= mime_types


def test_metainfo_points_at_the_desktop_file_and_icon():
    root = ET.parse(METAINFO).getroot()
    app_id = root.findtext("id")
    assert DESKTOP.name == f"{app_id}.desktop"
    assert root.findtext("launchable") == DESKTOP.name
    assert _desktop_entry(DESKTOP)["Icon"] == app_id == root.findtext("icon")


def test_install_and_uninstall_into_a_prefix(tmp_path):
    launcher = tmp_path / "bin dir" / "gapviewer"
    launcher.parent.mkdir()
    launcher.write_text("#!/bin/sh\n")
    launcher.chmod(0o755)
    prefix = tmp_path / "share"
    subprocess.run(
        ["bash", str(INSTALL), "--prefix", str(prefix), "--exec", str(launcher)],
        check=True,
        capture_output=True,
    )

    installed = prefix / "applications" / DESKTOP.name
    entry = _desktop_entry(installed)
    assert entry["Exec"] == f'"{launcher}" %F'
    assert entry["TryExec"] == str(launcher)
    assert (prefix / "metainfo" / METAINFO.name).read_bytes() == METAINFO.read_bytes()
    assert (prefix / "icons/hicolor/scalable/apps/io.github.gapviewer.svg").is_file()
    for size in PNG_SIZES:
        assert (prefix / f"icons/hicolor/{size}x{size}/apps/io.github.gapviewer.png").is_file()
    if shutil.which("desktop-file-validate"):
        subprocess.run(["desktop-file-validate", str(installed)], check=True)
    if shutil.which("update-desktop-database"):
        cache = (prefix / "applications" / "mimeinfo.cache").read_text()
        assert "image/png=io.github.gapviewer.desktop;" in cache

    subprocess.run(
        ["bash", str(INSTALL), "--prefix", str(prefix), "--uninstall"],
        check=True,
        capture_output=True,
    )
    assert not installed.exists()
    assert not list(prefix.rglob("io.github.gapviewer*"))


def test_install_refuses_a_missing_launcher(tmp_path):
    result = subprocess.run(
        ["bash", str(INSTALL), "--prefix", str(tmp_path), "--exec", str(tmp_path / "absent")],
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "no gapviewer launcher" in result.stderr
    assert not (tmp_path / "applications").exists()
