"""`panel.cachewatch`: on the file cache, an entry is read again only when its file
changed, and a change (set, delete, touch) is seen at once; any other cache answers through
`get_many`."""

import pytest
from django.core.cache import cache, caches

from panel import cachewatch


@pytest.fixture
def file_cache(settings, tmp_path):
    """The embedded default, set here: CI runs the suite with Redis as the cache."""
    settings.CACHES = {"default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(tmp_path / "cache")}}


@pytest.fixture
def reads(file_cache, monkeypatch):
    """The keys the file cache was asked to read."""
    asked = []
    backend = type(caches["default"])
    original = backend.get

    def counted(self, key, *args, **kwargs):
        asked.append(key)
        return original(self, key, *args, **kwargs)

    monkeypatch.setattr(backend, "get", counted)
    return asked


def test_read_again_only_when_the_file_changed(reads):
    assert type(caches["default"]).__name__ == "FileBasedCache", "the tests' default cache"
    cache.set("watch:a", ("stamp", 1), timeout=None)
    cache.set("watch:b", "v1", timeout=None)
    assert cachewatch.get_many(["watch:a", "watch:b"]) == {"watch:a": ("stamp", 1), "watch:b": "v1"}
    assert cachewatch.get_many(["watch:a", "watch:b"]) == {"watch:a": ("stamp", 1), "watch:b": "v1"}
    assert reads == ["watch:a", "watch:b"], "the second call only looked at the files"
    cache.set("watch:b", "v2", timeout=None)
    assert cachewatch.get_many(["watch:a", "watch:b"]) == {"watch:a": ("stamp", 1), "watch:b": "v2"}
    cache.set("watch:b", "v3", timeout=None)  # the same size, at once
    assert cachewatch.get_many(["watch:b"]) == {"watch:b": "v3"}
    cache.delete("watch:a")
    assert cachewatch.get_many(["watch:a", "watch:b"]) == {"watch:b": "v3"}
    cache.clear()
    assert cachewatch.get_many(["watch:a", "watch:b"]) == {}


def test_any_other_cache_answers_through_get_many(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    caches["default"].set("watch:c", 3)
    assert cachewatch.get_many(["watch:c", "watch:d"]) == {"watch:c": 3}
