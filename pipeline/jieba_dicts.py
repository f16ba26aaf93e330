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
import logging
import re

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


def _dictionary_text() -> str:
    import jieba

    with jieba.Tokenizer().get_dict_file() as handle:
        return handle.read().decode("utf-8")


@functools.lru_cache(maxsize=1)
def word_tags() -> dict[str, str]:
    """jieba.posseg's word → tag table of the default dictionary (the same table, read faster)."""
    return dict(_TAG_LINE.findall(_dictionary_text()))


def latin_words() -> list[str]:
    """The words of jieba's default dictionary that have a Latin letter, a digit or one of
    ``+#&._%-`` (what :class:`pipeline.jieba_fast.JiebaCutter` must know about)."""
    return _LATIN_WORD_LINE.findall(_dictionary_text())
