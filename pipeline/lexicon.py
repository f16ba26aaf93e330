"""Language data lives in ``models/`` as YAML/JSON; this module loads it once and validates it.

Code holds the structure, data holds the words. Every loader checks the shape of
what it reads and says what it expected and what it found.
"""
from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

from pipeline.disk_cache import cached

MODELS_DIR = Path(__file__).resolve().parent.parent / "models"
# libyaml's loader when PyYAML was built with it (about 10x faster on companies.yaml); same
# safe schema, same objects.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class LexiconError(ValueError):
    """A data file under models/ does not have the shape the code expects."""


def models_path(name: str) -> Path:
    """Path of a file under models/ (packaged beside the code, or in a source checkout)."""
    packaged = Path(__file__).resolve().parent / "models" / name
    return packaged if packaged.exists() else MODELS_DIR / name


@functools.cache
def load_data(name: str) -> Any:
    """Parse models/<name> (YAML or JSON) once per process."""
    path = models_path(name)
    if not path.exists():
        raise LexiconError(f"{name}: expected a data file at {path}, found none")
    if path.suffix == ".json":
        with path.open(encoding="utf-8") as handle:
            return json.load(handle)
    # PyYAML builds its objects in Python (companies.yaml: ~90 ms in every worker): the parsed
    # data is kept between processes until the file changes (pipeline.disk_cache)
    return cached("yaml-" + name, path, lambda: _parse_yaml(path), object)


def _parse_yaml(path: Path) -> Any:
    with path.open(encoding="utf-8") as handle:
        return yaml.load(handle, Loader=SAFE_LOADER)


def require_keys(name: str, data: Any, keys: Iterable[str]) -> dict:
    """Check that ``data`` is a mapping holding ``keys``; return it."""
    if not isinstance(data, dict):
        raise LexiconError(f"{name}: expected a mapping, found {type(data).__name__}")
    missing = [k for k in keys if k not in data]
    if missing:
        raise LexiconError(f"{name}: expected keys {sorted(keys)}, missing {missing}")
    return data


def require_str_list(name: str, key: str, value: Any) -> list[str]:
    """Check that ``value`` is a non-empty list of non-empty strings."""
    if not isinstance(value, list) or not value or not all(isinstance(v, str) and v for v in value):
        raise LexiconError(f"{name}: {key} expected a non-empty list of strings, found {value!r:.80}")
    return value


def require_str_map(name: str, key: str, value: Any, value_type: type | tuple = str) -> dict:
    """Check that ``value`` maps strings to ``value_type``."""
    if not isinstance(value, dict) or not all(
            isinstance(k, str) and isinstance(v, value_type) for k, v in value.items()):
        raise LexiconError(f"{name}: {key} expected a mapping of strings to {value_type}, found {value!r:.80}")
    return value


def alternation(words: Iterable[str]) -> str:
    """A regex alternation of literal words, longest first (so 万亿 wins over 万)."""
    import regex

    unique = sorted(set(words), key=lambda w: (-len(w), w))
    return "|".join(regex.escape(w) for w in unique)


def trie_alternation(words: list[str]) -> str:
    """``alternation(words)`` as a trie: 资(?:本(?:开支|支出)|金) for 资本开支|资本支出|资金.

    It matches what the flat alternation matches: at each offset, the longest word found there
    (siblings start with different characters, so at most one can go on, and an optional tail is
    tried before ending at a shorter word). Trying a word costs a step per character instead of a
    test per word of the list, and the fact stage tries its lists dozens of times per article.
    (``re.escape``: the pattern is for stdlib re and regex alike.)
    """
    trie: dict = {}
    for word in set(words):
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}  # a word ends here
    return _trie_branches(trie) if trie else alternation(words)


def _trie_branches(node: dict) -> str:
    branches = [re.escape(char) + _trie_branches(child) for char, child in sorted(node.items()) if char]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else f"(?:{'|'.join(branches)})"
    return f"(?:{body})?" if "" in node else body
