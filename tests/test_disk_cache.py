"""pipeline.disk_cache: a result is built once per source version and read back after; nothing
about the cache (corrupt, unwritable, switched off) changes or loses a result."""
from __future__ import annotations

import datetime as dt
import os

import pytest
import yaml

from pipeline import disk_cache, jieba_dicts, lexicon


@pytest.fixture
def cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv(disk_cache.ENV, str(folder))
    return folder


@pytest.fixture
def source(tmp_path):
    path = tmp_path / "source.txt"
    path.write_text("first", encoding="utf-8")
    return path


class Builder:
    def __init__(self, value):
        self.value, self.calls = value, 0

    def __call__(self):
        self.calls += 1
        return self.value


def test_built_once_then_read(cache, source):
    build = Builder({"words": ["甲", "乙"], "n": 2})
    assert disk_cache.cached("table", source, build, dict) == {"words": ["甲", "乙"], "n": 2}
    assert disk_cache.cached("table", source, build, dict) == {"words": ["甲", "乙"], "n": 2}
    assert build.calls == 1
    assert len(list(cache.glob("*.marshal"))) == 1


def test_a_changed_source_is_built_again_and_its_old_result_goes(cache, source):
    disk_cache.cached("table", source, Builder(["old"]), list)
    source.write_text("second version", encoding="utf-8")
    os.utime(source, ns=(source.stat().st_atime_ns, source.stat().st_mtime_ns + 10**9))
    build = Builder(["new"])
    assert disk_cache.cached("table", source, build, list) == ["new"]
    assert build.calls == 1
    assert len(list(cache.glob("*.marshal"))) == 1


def test_each_what_has_its_own_result(cache, source):
    disk_cache.cached("a", source, Builder([1]), list)
    disk_cache.cached("a-b", source, Builder([2]), list)  # "a-" is a prefix of it: neither removes the other
    assert disk_cache.cached("a", source, Builder([9]), list) == [1]
    assert disk_cache.cached("a-b", source, Builder([9]), list) == [2]


@pytest.mark.parametrize("content", [b"", b"\x00garbage", b"\xe9" * 40])
def test_a_corrupt_file_is_built_again(cache, source, content):
    disk_cache.cached("table", source, Builder([1, 2]), list)
    (file,) = cache.glob("*.marshal")
    file.write_bytes(content)
    build = Builder([1, 2])
    assert disk_cache.cached("table", source, build, list) == [1, 2]
    assert build.calls == 1
    assert disk_cache.cached("table", source, Builder([7]), list) == [1, 2]  # and written again


def test_a_file_of_another_type_is_built_again(cache, source):
    disk_cache.cached("table", source, Builder("a string"), str)
    build = Builder(["a", "list"])
    assert disk_cache.cached("table", source, build, list) == ["a", "list"]
    assert build.calls == 1


def test_an_unwritable_cache_still_gives_every_result(tmp_path, source, monkeypatch):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x", encoding="utf-8")
    monkeypatch.setenv(disk_cache.ENV, str(blocker / "cache"))
    build = Builder([3])
    assert disk_cache.cached("table", source, build, list) == [3]
    assert disk_cache.cached("table", source, build, list) == [3]
    assert build.calls == 2


@pytest.mark.parametrize("off", ["off", "", "0", "OFF"])
def test_off_builds_every_time(tmp_path, source, monkeypatch, off):
    monkeypatch.setenv(disk_cache.ENV, off)
    build = Builder([4])
    disk_cache.cached("table", source, build, list)
    disk_cache.cached("table", source, build, list)
    assert build.calls == 2
    assert disk_cache.cache_dir() is None


def test_a_result_marshal_cannot_write_is_returned_not_kept(cache, source):
    build = Builder({"date": dt.date(2025, 1, 1)})
    assert disk_cache.cached("table", source, build, dict) == {"date": dt.date(2025, 1, 1)}
    assert disk_cache.cached("table", source, build, dict) == {"date": dt.date(2025, 1, 1)}
    assert build.calls == 2
    assert not list(cache.glob("*.marshal"))


def test_none_is_a_result_like_any_other(cache, source):
    build = Builder(None)
    assert disk_cache.cached("empty", source, build, object) is None
    assert disk_cache.cached("empty", source, build, object) is None
    assert build.calls == 1


def test_a_missing_source_is_left_to_the_builder(cache, tmp_path):
    def build():
        raise FileNotFoundError("expected a source file, found none")

    with pytest.raises(FileNotFoundError):
        disk_cache.cached("table", tmp_path / "absent.txt", build, list)


def test_models_read_back_as_parsed(cache):
    """Every models/*.yaml, read through the cache twice (built, then read back), is what PyYAML parses."""
    for path in sorted(lexicon.MODELS_DIR.glob("*.yaml")):
        with path.open(encoding="utf-8") as handle:
            parsed = yaml.load(handle, Loader=lexicon.SAFE_LOADER)
        for _ in range(2):
            lexicon.load_data.cache_clear()
            assert lexicon.load_data(path.name) == parsed, path.name
    lexicon.load_data.cache_clear()


def test_jieba_tables_read_back_as_built(cache):
    groups = (("v", "p"), ("nr", "j"))
    built = tuple(map(frozenset, jieba_dicts._read_words_tagged(groups)))
    latin = jieba_dicts._LATIN_WORD_LINE.findall(jieba_dicts._dictionary_text())
    for _ in range(2):
        jieba_dicts.words_tagged.cache_clear()
        assert jieba_dicts.words_tagged(*groups) == built
        assert jieba_dicts.latin_words() == latin
    jieba_dicts.words_tagged.cache_clear()
    assert len(list(cache.glob("jieba-*.marshal"))) == 2


def test_cached_by_key_builds_once_per_key(cache):
    build = Builder(["甲"])
    assert disk_cache.cached_by_key("derived", ("key", 1), build, list) == ["甲"]
    assert disk_cache.cached_by_key("derived", ("key", 1), build, list) == ["甲"]
    assert build.calls == 1
    assert disk_cache.cached_by_key("derived", ("key", 2), build, list) == ["甲"]
    assert build.calls == 2
    assert len(list(cache.glob("derived*"))) == 1  # the newest key's result replaces the older
