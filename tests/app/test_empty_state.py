"""The empty-state hint: shown instead of the heat-map grid until an image is listed."""

from __future__ import annotations

from viewer_helpers import WAIT_MS, tiny_spec, write_images

from gapviewer.app.main_window import MainWindow


def _empty_window(qtbot, settings) -> MainWindow:
    window = MainWindow(settings=settings)
    qtbot.addWidget(window)
    window.show()
    window.start(model=tiny_spec(), restore=False, samples=False)
    qtbot.waitUntil(lambda: window.state.model is not None and window.controller.idle,
                    timeout=WAIT_MS)
    return window


def test_hint_replaces_the_grid_until_images_are_opened(qtbot, settings, tmp_path):
    window = _empty_window(qtbot, settings)
    try:
        hint = window.empty_hint
        assert hint.isVisible() and not window.grid.isVisible()
        assert not hint.icon.pixmap().isNull()
        assert [b.text() for b in hint.buttons] == [
            "Open images…", "Open a folder…", "Show the sample photos"]
        assert all(b.toolTip() for b in hint.buttons)
        window.open_paths(write_images(tmp_path / "images", 1))
        qtbot.waitUntil(lambda: window.state.pixels is not None, timeout=WAIT_MS)
        assert not hint.isVisible() and window.grid.isVisible()
        window.state.clear_images()
        assert hint.isVisible() and not window.grid.isVisible()
    finally:
        window.close()


def test_sample_button_lists_the_sample_photos(qtbot, settings):
    window = _empty_window(qtbot, settings)
    try:
        window.empty_hint.buttons[2].click()
        qtbot.waitUntil(lambda: len(window.state.images) > 0, timeout=WAIT_MS)
        assert not window.empty_hint.isVisible()
        assert any(image.name == "chelsea" for image in window.state.images)
        qtbot.waitUntil(lambda: window.controller.idle, timeout=WAIT_MS)
    finally:
        window.close()


def test_open_buttons_trigger_the_file_menu_actions(qtbot, settings, monkeypatch):
    from gapviewer.app import main_window

    asked = []
    monkeypatch.setattr(main_window.QFileDialog, "getOpenFileNames",
                        lambda *args: asked.append("files") or ([], ""))
    monkeypatch.setattr(main_window.QFileDialog, "getExistingDirectory",
                        lambda *args: asked.append("folder") or "")
    window = _empty_window(qtbot, settings)
    try:
        window.empty_hint.buttons[0].click()
        window.empty_hint.buttons[1].click()
        assert asked == ["files", "folder"]
        assert window.empty_hint.isVisible()
    finally:
        window.close()
