"""jieba's default dictionary and posseg's word tags, loaded quickly and once per process.

The pipeline cuts with one jieba of its own (the company recogniser's, which the spaCy
tokenizer shares; see :mod:`pipeline.segment`): python jieba's words, computed by rjieba
(:mod:`pipeline.jieba_fast`), with a python jieba Tokenizer of its own only where rjieba cannot
be trusted. It reads jieba.posseg's word tags. It leaves the global ``jieba.dt`` alone: loading it would cost another half second per worker
process, and adding our words to it would change jieba for whoever else uses it. posseg's
own loader parses its tag table line by line in Python (about a second); one regex pass over
the same file gives the same table in a fraction of that.
"""
from __future__ import annotations

import functools
import importlib.util
import itertools
import logging
import re
from pathlib import Path

from pipeline.disk_cache import cached

# One "word frequency tag" line of jieba's dict.txt (posseg reads the same three fields); stdlib
# re reads the 349,000 lines in about half the time the regex module takes.
_TAG_LINE = re.compile(r"^[ \t]*(\S+) \S+ (\S+)[ \t\r]*$", re.MULTILINE)


# A dictionary word with a Latin letter, digit or +#&._%- in it (AT&T, A股, C++), at a line's start.
_LATIN_WORD_LINE = re.compile(r"^[ \t]*(\S*[a-zA-Z0-9+#&._%\-]\S*) \d+", re.MULTILINE)


def new_tokenizer():
    """A ``jieba.Tokenizer`` of its own on jieba's default dictionary, loaded now."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    return tokenizer


def _dictionary_path() -> Path:
    """jieba's default dictionary (``jieba/dict.txt``, what ``jieba.Tokenizer().get_dict_file()``
    opens), found without importing jieba: its import loads pkg_resources, a tenth of a second
    or more of every worker's start, and the pipeline needs python jieba only for rare blocks."""
    spec = importlib.util.find_spec("jieba")
    if spec is None or spec.origin is None:
        raise ModuleNotFoundError("jieba's dictionary: expected the jieba package to be installed, found none")
    return Path(spec.origin).with_name("dict.txt")


def _dictionary_bytes() -> bytes:
    return _dictionary_path().read_bytes()


def _dictionary_text() -> str:
    return _dictionary_bytes().decode("utf-8")


@functools.lru_cache(maxsize=1)
def word_tags() -> dict[str, str]:
    """jieba.posseg's word → tag table of the default dictionary (the same table, read faster)."""
    text = _dictionary_text()
    fields = text.split()
    # When every line is "word freq tag" (jieba's dict.txt is), its whitespace-separated fields
    # are those triples in order (posseg's own loader refuses any other line): slicing them is
    # about twice as fast as the line pattern, which stays for a dictionary with blank lines.
    if len(fields) == 3 * (text.count("\n") + (not text.endswith("\n"))):
        return dict(zip(fields[0::3], fields[2::3]))
    return dict(_TAG_LINE.findall(text))


@functools.lru_cache(maxsize=4)
def words_tagged(*prefix_groups: tuple[str, ...]) -> tuple[frozenset[bytes], ...]:
    """For each group of tag prefixes, the words (UTF-8 encoded, as ``utf8_key`` makes a word)
    whose ``word_tags`` tag starts with one of them. Read from the dictionary's bytes once for all
    groups and kept without their tags: about two thirds of the time ``word_tags`` takes, for a
    worker whose rules only ask these questions. jieba's dict.txt lists a word twice only with
    one tag (B超), so a word's lines agree on the answers (tests/test_jieba_dicts.py compares
    every word with ``word_tags``). Kept between processes (pipeline.disk_cache) as lists (marshal
    writes a set sorted, ~0.5 s for these): a worker reads them back in a third of the time."""
    what = "jieba-words-tagged-v1-" + "_".join("+".join(group) for group in prefix_groups)
    lists = cached(what, _dictionary_path(), lambda: _read_words_tagged(prefix_groups), tuple)
    return tuple(map(frozenset, lists))


def _read_words_tagged(prefix_groups: tuple[tuple[str, ...], ...]) -> tuple[list[bytes], ...]:
    data = _dictionary_bytes()
    fields = data.split()
    # every line "word freq tag" (see word_tags; a word with a non-ASCII space in it would not
    # split here as str.split splits it, so it is only the fields' count that is checked)
    if len(fields) != 3 * (data.count(b"\n") + (not data.endswith(b"\n"))):
        table = word_tags()
        return tuple([utf8_key(w) for w, tag in table.items() if tag.startswith(prefixes)]
                     for prefixes in prefix_groups)
    words, tags = fields[0::3], fields[2::3]
    del fields
    kinds = {tag: tag.decode("utf-8") for tag in set(tags)}
    found = []
    for prefixes in prefix_groups:
        wanted = {tag for tag, name in kinds.items() if name.startswith(prefixes)}
        found.append(list(itertools.compress(words, map(wanted.__contains__, tags))))
    return tuple(found)


def utf8_key(word: str) -> bytes:
    """``word`` as ``words_tagged`` holds words (a lone surrogate kept: it matches no word)."""
    return word.encode("utf-8", "surrogatepass")


def latin_words() -> list[str]:
    """The words of jieba's default dictionary that have a Latin letter, a digit or one of
    ``+#&._%-`` (what :class:`pipeline.jieba_fast.JiebaCutter` must know about): some 70 words,
    found by a pass over the whole dictionary, so kept between processes (pipeline.disk_cache)."""
    return cached("jieba-latin-words-v1", _dictionary_path(),
                  lambda: _LATIN_WORD_LINE.findall(_dictionary_text()), list)
