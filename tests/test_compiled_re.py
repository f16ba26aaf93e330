"""pipeline.compiled_re: a pattern whose program was kept is the pattern re.compile gives (re's
``==`` compares flags, pattern text and program), whether built, read back or rebuilt after a bad
cache file; the pipeline keeps each of its patterns under a name of its own."""
from __future__ import annotations

import json
import marshal
import os
import re
import subprocess
import sys

import pytest

from pipeline import compiled_re, disk_cache
from tests.conftest import ROOT

CASES = [
    ("abc", 0),
    (r"(?P<n>\d+(?:\.\d+)?)(?P<mag>亿|万)?(?P<cur>美元|元)", 0),
    (r"""(?x) (?<![最附]) 约 [ ]? (?P<n>[一二三四五六七八九十]+) 成  # a comment""", re.VERBOSE),
    (r"(?i:width|height)\s*[:=]", re.IGNORECASE),
    (r"[\u3400-\u4dbf\U00020000-\U0002a6df]+|(?<=a)b(?!c)", re.DOTALL | re.MULTILINE),
    (r"(a)(b)?(?(2)c|d)", 0),
]


@pytest.fixture
def cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv(disk_cache.ENV, str(folder))
    return folder


@pytest.mark.parametrize("pattern,flags", CASES)
def test_built_and_read_back_equal_re_compile(cache, pattern, flags):
    expected = re.compile(pattern, flags)
    built = compiled_re.compile_kept(pattern, flags, name="case")
    assert list(cache.iterdir()), "the program was not kept"
    read_back = compiled_re.compile_kept(pattern, flags, name="case")
    for got in (built, read_back):
        assert got == expected
        assert (got.pattern, got.flags, got.groups, got.groupindex) == \
               (expected.pattern, expected.flags, expected.groups, expected.groupindex)


def test_read_back_matches_as_re_does(cache):
    pattern, flags = CASES[1]
    compiled_re.compile_kept(pattern, flags, name="money")
    kept = compiled_re.compile_kept(pattern, flags, name="money")
    text = "投资约2450亿美元，另有300万元和7.5亿元"
    assert [m.groupdict() for m in kept.finditer(text)] == \
           [m.groupdict() for m in re.finditer(pattern, text, flags)]


def test_a_new_pattern_under_a_name_replaces_the_old(cache):
    compiled_re.compile_kept("old", name="site")
    assert compiled_re.compile_kept("new", name="site") == re.compile("new")
    assert len([p for p in cache.iterdir() if p.name.startswith("re-site")]) == 1


@pytest.mark.parametrize("content", [
    marshal.dumps((0, [999999], 0, {}, ())),     # a program _sre refuses
    marshal.dumps(("x", [1], 0, {}, ())),         # not the layout at all
    marshal.dumps([1, 2, 3]),                     # not a tuple: rebuilt
    b"\x00garbage",                               # not marshal data
])
def test_a_bad_cache_file_only_costs_time(cache, content):
    pattern = CASES[2][0]
    compiled_re.compile_kept(pattern, re.VERBOSE, name="bad")
    for path in cache.iterdir():
        path.write_bytes(content)
    assert compiled_re.compile_kept(pattern, re.VERBOSE, name="bad") == re.compile(pattern, re.VERBOSE)


def test_cache_off(monkeypatch):
    monkeypatch.setenv(disk_cache.ENV, "off")
    assert compiled_re.compile_kept(CASES[1][0], name="off") == re.compile(CASES[1][0])


def test_a_bad_pattern_raises_as_re_does(cache):
    with pytest.raises(re.error, match="missing \\)"):
        compiled_re.compile_kept("(ab", name="broken")


CHECK_PIPELINE = """
import json, re, sys
import pipeline.compiled_re as cr
kept = cr.compile_kept
names = []
def checking(pattern, flags=0, *, name):
    got = kept(pattern, flags, name=name)
    names.append([name, got == re.compile(pattern, flags), pattern, flags])
    return got
cr.compile_kept = checking  # before the modules that use it are imported
from pipeline.engines import warm_up
warm_up()
print(json.dumps(names))
"""


def test_every_pipeline_pattern_kept_equals_re_compile(tmp_path):
    """Two fresh processes load the pipeline, the first building every kept program and the
    second reading them back: each pattern equals re.compile's, each under a name of its own (a
    name may come again with the same pattern: the t2s converter and its check share one)."""
    env = {**os.environ, disk_cache.ENV: str(tmp_path / "cache"), "PYTHONPATH": str(ROOT)}
    runs = [json.loads(subprocess.run([sys.executable, "-c", CHECK_PIPELINE], env=env, cwd=ROOT, check=True,
                                      capture_output=True, text=True).stdout) for _ in range(2)]
    for names in runs:
        assert len(names) >= 10
        assert [name for name, equal, _, _ in names if not equal] == []
        patterns = {name: (pattern, flags) for name, _, pattern, flags in names}
        assert len({(name, pattern, flags) for name, _, pattern, flags in names}) == len(patterns), \
            "two patterns share a name"
    assert len(list((tmp_path / "cache").glob("re-*.marshal"))) == len({name for name, *_ in runs[0]})
