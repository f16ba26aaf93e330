"""jieba's default dictionary, loaded once per process and shared.

The pipeline uses two jieba tokenizers (the global one, which segments the spaCy Doc with our
finance terms and aliases, and the company recogniser's own, which weights aliases far higher)
and jieba.posseg's word tags. Loading jieba's dictionary costs about half a second each time and
posseg's tag table as much again, once per worker process; here the dictionary is loaded once,
copied for the second tokenizer, and the tag table is read with one regex pass over the file.
"""
from __future__ import annotations

import functools
import logging

import regex

# One "word frequency tag" line of jieba's dict.txt (posseg reads the same three fields).
_TAG_LINE = regex.compile(r"^[ \t]*(\S+) \S+ (\S+)[ \t\r]*$", regex.MULTILINE)


@functools.lru_cache(maxsize=1)
def _default_entries() -> tuple[dict[str, int], int]:
    """The global tokenizer's prefix dictionary as jieba loads it, before anyone adds words."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    return dict(jieba.dt.FREQ), jieba.dt.total


def global_jieba():
    """The jieba module, initialised (its default dictionary loaded) and quiet."""
    import jieba

    _default_entries()
    return jieba


def new_tokenizer():
    """A separate ``jieba.Tokenizer`` on the default dictionary, without reading it again."""
    import jieba

    freq, total = _default_entries()
    tokenizer = jieba.Tokenizer()
    tokenizer.FREQ, tokenizer.total = dict(freq), total
    tokenizer.initialized = True
    return tokenizer


@functools.lru_cache(maxsize=1)
def word_tags() -> dict[str, str]:
    """jieba.posseg's word → tag table of the default dictionary (the same table, read faster)."""
    jieba = global_jieba()
    with jieba.dt.get_dict_file() as handle:
        data = handle.read().decode("utf-8")
    return dict(_TAG_LINE.findall(data))
