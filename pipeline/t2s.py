"""Traditional → Simplified Chinese, exactly as OpenCC's ``t2s`` (opencc-python-reimplemented) gives it.

OpenCC's pure-Python converter tries every substring of every piece, longest first, against its
phrase table (277 entries), then every remaining character against its character table. Its
result is fixed by two facts this module uses to get it far faster:

- a piece of text (between OpenCC's separators) with no phrase in it converts character by
  character: one ``str.translate``;
- otherwise OpenCC takes the longest phrase occurrence (the leftmost of equal length), converts
  the text to its left and right the same way, and leaves the phrase's own value alone.

Where the conversion data is not the single phrase-then-character group this relies on (another
OpenCC build), ``to_simplified`` calls OpenCC itself. ``tests/test_t2s.py`` checks the two agree.
"""
from __future__ import annotations

import functools
import importlib.util
import re
from collections.abc import Callable, Iterable
from pathlib import Path

import numpy

from pipeline import disk_cache
from pipeline.compiled_re import compile_kept
from pipeline.lexicon import trie_alternation


class PhraseThenCharConverter:
    """One OpenCC dictionary group: phrases (longest occurrence first), then single characters."""

    def __init__(self, phrases: dict[str, str], characters: dict[str, str], separators) -> None:
        first = {key: value.split(" ")[0] for key, value in phrases.items()}  # OpenCC's first choice
        self.phrases = first
        self.lengths = sorted({len(key) for key in first}, reverse=True)
        self.phrase_starts = frozenset(key[0] for key in first)
        self.any_phrase_start = _AnyOf(self.phrase_starts, "t2s-phrase-starts")
        # OpenCC never converts its separators, so the table leaves them alone: then a text with
        # no phrase in it converts with one ``translate`` of the whole, without splitting
        self.table = str.maketrans({key: value.split(" ")[0] for key, value in characters.items()
                                    if not separators.fullmatch(key)})
        self.translate = _code_point_table(self.table) or (lambda text: text.translate(self.table))
        self.separators = separators
        # stdlib re: it searches an alternation of literals several times faster than regex; as a
        # trie (乾(?:隆|燥)…) it tries a place a character at a time, not phrase by phrase
        self.any_phrase = compile_kept(trie_alternation(list(first)), name="t2s-phrases")
        # the characters the table changes. A text with none of them changes only where a phrase of
        # characters the table keeps has a value of its own (反覆 → 反复), and each such phrase holds
        # one of a few characters (覆, 瞭, 藉…): a text with none of those either is already
        # Simplified, found with one class search (most Simplified text holds phrase starts: 示, 上, 金)
        self.converting = frozenset(k for k, v in characters.items() if v.split(" ")[0] != k)
        self.unchanged_unless = self.converting | _kept_but_rephrased(first, self.converting)
        self.may_change = _AnyOf(self.unchanged_unless, "t2s-may-change")
        self.any_converting = _AnyOf(self.converting, "t2s-converting")

    def convert(self, text: str) -> str:
        if not self.may_change(text):
            return text
        if not self.any_phrase.search(text):
            return self.translate(text) if self.any_converting(text) else text
        pieces = self.separators.split(text)
        for i in range(0, len(pieces), 2):  # odd items are the separators themselves
            if pieces[i]:
                pieces[i] = self._piece(pieces[i])
        return "".join(pieces)

    def _piece(self, piece: str) -> str:
        if not self.any_phrase_start(piece):
            return self.translate(piece)
        found = self._occurrences(piece)
        if not found:
            return self.translate(piece)
        return self._solve(piece, 0, len(piece), found)

    def _occurrences(self, piece: str) -> list[tuple[int, int, int]]:
        """Every phrase occurrence as (-length, start, end): sorted, the one OpenCC takes comes first."""
        found = []
        for start, char in enumerate(piece):
            if char in self.phrase_starts:
                for length in self.lengths:
                    if start + length <= len(piece) and piece[start:start + length] in self.phrases:
                        found.append((-length, start, start + length))
        found.sort()
        return found

    def _solve(self, piece: str, lo: int, hi: int, found: list[tuple[int, int, int]]) -> str:
        for _, start, end in found:
            if lo <= start and end <= hi:
                return (self._solve(piece, lo, start, found) + self.phrases[piece[start:end]]
                        + self._solve(piece, end, hi, found))
        return self.translate(piece[lo:hi])


class _AnyOf:
    """Whether a text holds one of ``chars``, by a character-class search: re tests a character
    against a class in a few instructions, where a set's ``isdisjoint`` makes and hashes a string
    for every character of the text. re would test each character beyond U+FFFF in the class one
    by one, for every character of the text, so the class has them all and a set checks the few
    found."""

    def __init__(self, chars: Iterable[str], name: str) -> None:
        ordered = sorted(chars)  # a set's order varies; a string already in order sorts in one pass
        self.astral = frozenset(char for char in ordered if char > "\uffff")
        self.pattern = compile_kept("[{}{}]".format(re.escape("".join(c for c in ordered if c <= "\uffff")),
                                                   "\U00010000-\U0010ffff" if self.astral else ""), name=name)

    def __call__(self, text: str) -> bool:
        found = self.pattern.search(text)
        while found is not None and found[0] > "\uffff" and found[0] not in self.astral:
            found = self.pattern.search(text, found.end())
        return found is not None


def _code_point_table(table: dict[int, str]) -> Callable[[str], str] | None:
    """``str.translate`` with ``table`` (one character to one character) as a lookup in an array of
    every code point (4 MB): translate looks each character up in the dict and pays a KeyError for
    every one the table lacks (most of them), some 500 instructions a character; this pays a few. None
    where a value is not one character. ``surrogatepass``: a lone surrogate passes unchanged, as
    translate passes it."""
    if any(len(value) != 1 for value in table.values()):
        return None
    codes = numpy.arange(0x110000, dtype=numpy.uint32)
    codes[list(table)] = [ord(value) for value in table.values()]

    def translate(text: str) -> str:
        points = numpy.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=numpy.uint32)
        return codes[points].tobytes().decode("utf-32-le", "surrogatepass")
    return translate


def _kept_but_rephrased(phrases: dict[str, str], converting: frozenset[str]) -> frozenset[str]:
    """For each phrase of characters none of which the table converts whose value differs from it:
    the characters where the two differ (all of the phrase's if the lengths differ)."""
    found: set[str] = set()
    for key, value in phrases.items():
        if value != key and converting.isdisjoint(key):
            if len(key) == len(value):
                found.update(k for k, v in zip(key, value) if k != v)
            else:
                found.update(key)
    return frozenset(found)


@functools.lru_cache(maxsize=1)
def _converter() -> Callable[[str], str] | None:
    try:
        from opencc import OpenCC
    except ImportError:  # pragma: no cover - optional dependency
        return None
    opencc = OpenCC("t2s")
    opencc.convert("")  # loads the dictionaries
    try:
        chain = opencc._dict_chain_data
        (phrases, characters), = chain  # one group of two tables
        if characters[0] != 1 or characters[1] != 1:  # only single characters in the second table
            return opencc.convert
        return PhraseThenCharConverter(phrases[2], characters[2], opencc.split_chars_re).convert
    except (AttributeError, TypeError, ValueError, IndexError):  # another OpenCC implementation
        return opencc.convert


def to_simplified(text: str) -> str:
    """``text`` in Simplified Chinese (unchanged when OpenCC is not installed)."""
    if not _may_change()(text):
        return text
    convert = _converter()
    return convert(text) if convert is not None else text


@functools.lru_cache(maxsize=1)
def _may_change() -> Callable[[str], bool]:
    """Whether OpenCC could change a text, known without loading OpenCC: the converter's own first
    check (``unchanged_unless``), its characters kept in the disk cache against OpenCC's files.
    Building the converter costs ~12 ms a process (OpenCC reads its dictionaries, the tables are
    derived), which a batch of Simplified text never needs: every worker pays it only at its first
    text that may change."""
    files = _opencc_files()
    if files is None:  # OpenCC is not installed: nothing is converted
        return lambda text: False
    chars = disk_cache.cached_by_key("t2s-may-change-chars", files, _may_change_chars, (str, type(None)))
    if chars is None:  # another OpenCC implementation: every text goes to it
        return lambda text: True
    return _AnyOf(chars, "t2s-may-change")  # the characters in order, each once


def _may_change_chars() -> str | None:
    """The characters without which a text converts to itself (None: not known, convert them all)."""
    convert = _converter()
    if convert is None:
        return ""
    converter = getattr(convert, "__self__", None)
    return "".join(sorted(converter.unchanged_unless)) if isinstance(converter, PhraseThenCharConverter) else None


def _opencc_files() -> tuple | None:
    """(name, size, mtime) of each of OpenCC's code, configuration and dictionary files: what its
    conversion is made from (None: OpenCC is not installed)."""
    spec = importlib.util.find_spec("opencc")
    if spec is None or not spec.submodule_search_locations:
        return None
    root = Path(list(spec.submodule_search_locations)[0])
    found = []
    for path in sorted([*root.glob("*.py"), *root.glob("config/*"), *root.glob("dictionary/*")]):
        try:
            stat = path.stat()
        except OSError:
            continue
        found.append((str(path), stat.st_size, stat.st_mtime_ns))
    return tuple(found)
