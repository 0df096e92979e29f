"""Fixtures for the core tests: tiny seeded models and the built-in model with sample photos."""

from __future__ import annotations

import pytest
from tiny_models import tiny_loaded

from gapviewer.core.models import LoadedModel, load_model


@pytest.fixture
def tiny2d() -> LoadedModel:
    return tiny_loaded("2d")


@pytest.fixture
def tiny1d() -> LoadedModel:
    return tiny_loaded("1d")


@pytest.fixture(scope="session")
def builtin() -> LoadedModel:
    """The built-in EfficientNet-Lite0 with ImageNet weights (loaded once per session)."""
    return load_model()


@pytest.fixture(scope="session")
def samples() -> dict[str, object]:
    """skimage's sample photos by name (chelsea, coffee, ...), H x W x 3 uint8."""
    from skimage import data

    return {"chelsea": data.chelsea(), "coffee": data.coffee()}
