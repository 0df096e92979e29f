"""The Explainer's activation cache keeps a running byte count: it must equal the literal sum over
the entries it holds after adds, evictions, merges of new layers into an entry, and clearing."""

from __future__ import annotations

import numpy as np
import torch
from tiny_models import tiny_loaded

from gapviewer.core.explain import Explainer


def _image(seed: int) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, 256, (30, 41, 3), dtype=np.uint8)


def _literal_bytes(explainer: Explainer) -> int:
    return sum(
        t.numel() * t.element_size()
        for inputs, output, activations in explainer._cache.values()
        for t in (inputs, output, *activations.values())
    )


def _inputs_cached(explainer: Explainer) -> list[torch.Tensor]:
    return [inputs for inputs, _, _ in explainer._cache.values()]


def test_cache_byte_count_matches_its_entries_through_adds_merges_and_evictions():
    model = tiny_loaded()
    one = Explainer(model)
    one.explain(_image(0), methods=["cam"])
    per_image = one.cached_bytes
    assert per_image == _literal_bytes(one) > 0
    explainer = Explainer(model, cache_bytes=2 * per_image)  # room for two pre-GAP entries
    for seed in range(4):
        explainer.explain(_image(seed), methods=["cam"])
        assert explainer.cached_bytes == _literal_bytes(explainer) <= 2 * per_image
    assert len(explainer._cache) == 2  # the two most recent images, oldest evicted first
    recent = [model.to_input(_image(seed)) for seed in (2, 3)]
    assert all(torch.equal(a, b) for a, b in zip(_inputs_cached(explainer), recent, strict=True))
    # a class-only call caches no layer; the layer a later call needs merges into that entry
    explainer.explain(_image(4), methods=[])
    assert explainer.cached_bytes == _literal_bytes(explainer) < 2 * per_image
    assert [set(activations) for _, _, activations in explainer._cache.values()] == [
        {"relu2"}, set()]
    explainer.explain(_image(4), methods=["cam"])
    assert explainer.cached_bytes == _literal_bytes(explainer) == 2 * per_image
    assert [set(activations) for _, _, activations in explainer._cache.values()] == [
        {"relu2"}, {"relu2"}]
    explainer.clear_cache()
    assert explainer.cached_bytes == 0 and not explainer._cache
