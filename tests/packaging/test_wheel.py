"""Build the sdist and, from it, the wheel; install the wheel into a scratch venv and run it.

The scratch venv gets the wheel and nothing else of gapviewer; torch, PySide6 and the other
dependencies already installed here are reached through a .pth line that adds this interpreter's
site-packages *after* the venv's own (a plain path line does not run the editable-install hook
found there, so the source tree cannot be imported by accident; the test checks this).
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import tarfile
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
RESOURCES = ROOT / "gapviewer" / "resources"
pytestmark = pytest.mark.slow


def _shipped_resources() -> set[str]:
    """Every non-Python file under gapviewer/resources, relative to the project root."""
    return {
        path.relative_to(ROOT).as_posix()
        for path in RESOURCES.rglob("*")
        if path.is_file() and path.suffix not in (".py", ".pyc")
    }


@pytest.fixture(scope="module")
def dists(tmp_path_factory) -> tuple[Path, Path]:
    pytest.importorskip("build", reason="the `build` package is needed (pip install build)")
    out = tmp_path_factory.mktemp("dist")
    # --no-isolation: build with the setuptools installed here, so no index is needed.
    subprocess.run(
        [
            sys.executable,
            "-m",
            "build",
            "--no-isolation",
            "--skip-dependency-check",
            "--outdir",
            str(out),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
        cwd=out,
    )
    (sdist,) = out.glob("gapviewer-*.tar.gz")
    (wheel,) = out.glob("gapviewer-*.whl")
    return sdist, wheel


def test_sdist_and_wheel_hold_every_resource(dists):
    sdist, wheel = dists
    resources = _shipped_resources()
    assert any(name.endswith(".svg") for name in resources)
    assert any(name.endswith(".qm") for name in resources)
    with zipfile.ZipFile(wheel) as archive:
        missing = sorted(resources - set(archive.namelist()))
        assert not missing, (
            f"not in the wheel (pyproject [tool.setuptools.package-data]): {missing}"
        )
        entry_points = archive.read(
            next(n for n in archive.namelist() if n.endswith("entry_points.txt"))
        ).decode()
    assert "gapviewer-cli = gapviewer.cli:main" in entry_points
    assert "[gui_scripts]" in entry_points
    with tarfile.open(sdist) as archive:
        top = archive.getnames()[0].split("/")[0]
        assert {f"{top}/{name}" for name in resources} <= set(archive.getnames())


def test_wheel_installs_and_runs_in_a_scratch_venv(dists, tmp_path):
    _, wheel = dists
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "--no-deps",
            "--no-index",
            "--quiet",
            str(wheel),
        ],
        check=True,
        capture_output=True,
    )
    venv_site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    Path(venv_site, "zz_reuse_installed_dependencies.pth").write_text(
        sysconfig.get_path("purelib") + "\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    env["QT_QPA_PLATFORM"] = "offscreen"

    probe = (
        "import importlib.resources as r, gapviewer, gapviewer.app, gapviewer.cli;"
        "base = r.files('gapviewer') / 'resources';"
        "print(gapviewer.__file__);"
        "print((base / 'icons' / 'gapviewer.svg').is_file());"
        "print(sorted(p.name for p in (base / 'translations').iterdir() if p.name.endswith('.qm')))"
    )
    lines = subprocess.run(
        [str(python), "-c", probe],
        check=True,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
    ).stdout.splitlines()
    assert Path(lines[0]).is_relative_to(venv), f"gapviewer imported from {lines[0]}"
    assert lines[1] == "True"
    assert "gapviewer_ja.qm" in lines[2]

    result = subprocess.run(
        [str(venv / "bin" / "gapviewer-cli"), "layers", "--help"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage: gapviewer layers")
    assert (venv / "bin" / "gapviewer").is_file()
