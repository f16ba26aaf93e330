"""The fact stage's word lists (models/capex_terms.yaml) compiled into searchable patterns.

Each list becomes one alternation regex, longest word first, so 资本支出 wins over 支出.
Finding is done over a *masked* copy of the text in which company names are blanked,
so a name like 宁德时代股份 never reads as the negative term 股份.
"""
from __future__ import annotations

import functools
import re
from bisect import bisect_left
from typing import NamedTuple

from pipeline.compiled_re import compile_kept
from pipeline.lexicon import load_data, require_keys, require_str_list, trie_alternation

LISTS = ("strong_triggers", "spending_verbs", "capex_objects", "negative_terms", "increase_by",
         "level_verbs", "base_markers", "yoy_markers", "forecast_cues", "plan_cues", "actual_cues",
         "source_verbs", "analyst_words", "reference_words", "industry_words",
         "aggregate_words", "project_reference", "periodic_terms")


# Windows up to this long are scanned directly (``CueIndexes``); a sentence is ~40 characters.
SHORT_WINDOW = 256


class Cue(NamedTuple):
    kind: str
    text: str
    start: int
    end: int


@functools.lru_cache(maxsize=1)
def cue_patterns() -> dict[str, re.Pattern]:
    """One compiled alternation per list in capex_terms.yaml (validated on load).

    The standard library's engine, not ``regex``: these are alternations of literal words, which
    it screens by first character and scans about three times faster, with the same matches.
    """
    data = require_keys("capex_terms.yaml", load_data("capex_terms.yaml"), LISTS)
    patterns = {}
    for name in LISTS:
        words = require_str_list("capex_terms.yaml", name, data[name])
        patterns[name] = compile_kept(trie_alternation(words), name=f"cues-{name}")
    return patterns


def find_cues(text: str, kind: str, start: int = 0, end: int | None = None) -> list[Cue]:
    """All occurrences of the ``kind`` list's words in text[start:end], with absolute offsets."""
    end = len(text) if end is None else end
    return _scan(cue_patterns()[kind], kind, text, start, end)


def _scan(pattern: re.Pattern, kind: str, text: str, start: int, end: int) -> list[Cue]:
    words = pattern.findall(text, start, end)
    return _cues_at(words, kind, text, start) if words else []


def _cues_at(words: list[str], kind: str, text: str, start: int) -> list[Cue]:
    """The cues of ``words``, the words a findall from ``start`` returned, with their offsets."""
    # findall skips building a match object per hit; each word found is the first occurrence of
    # itself after the previous match (an earlier one would have matched first), so find gives
    # back its offset. Each Cue is built by tuple.__new__, which Cue(...) calls through a Python-level
    # __new__ (a frame per cue).
    cues, cursor, find, new = [], start, text.find, tuple.__new__
    for word in words:
        cursor = find(word, cursor)
        cues.append(new(Cue, (kind, word, cursor, cursor + len(word))))
        cursor += len(word)
    return cues


def has_cue(text: str, kind: str, start: int = 0, end: int | None = None) -> bool:
    end = len(text) if end is None else end
    return cue_patterns()[kind].search(text, start, end) is not None


def last_cue(text: str, kind: str, start: int, end: int) -> Cue | None:
    cues = find_cues(text, kind, start, end)
    return cues[-1] if cues else None


class CueIndex:
    """One list's words found once over a whole text: their starts and ends, in text order."""

    __slots__ = ("text", "kind", "starts", "ends")

    def __init__(self, text: str, kind: str) -> None:
        self.text, self.kind = text, kind
        cues = _scan(cue_patterns()[kind], kind, text, 0, len(text))  # built for long windows only: rare
        self.starts = [cue.start for cue in cues]
        self.ends = [cue.end for cue in cues]


class CueIndexes(dict):
    """Cue lookups over one text: a short window is scanned on its own, a long one is answered
    from kind → CueIndex, each index built the first time a long window asks for it.

    The fact stage asks for cues in dozens of windows per article, nearly all inside one
    sentence: scanning such a window costs less than scanning the whole text once per list
    and bisecting its matches. The index keeps a giant sentence (thousands of characters
    without a full stop, asked about once per amount in it) from being rescanned every time.
    A window's own scan (``find_cues``) finds exactly the whole-text matches inside it unless
    a whole-text match straddles one of its edges: the words are non-empty literals (no anchors
    or lookaround), so only a match cut by an edge can differ (the window then finds a shorter
    word, or a match that starts inside the cut one). Such windows are scanned on their own.
    """

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text
        self.patterns = cue_patterns()

    def __missing__(self, kind: str) -> CueIndex:
        index = self[kind] = CueIndex(self.text, kind)
        return index

    def find(self, kind: str, start: int, end: int) -> list[Cue]:
        """The ``kind`` list's words in text[start:end] (as ``find_cues`` finds them)."""
        if end - start <= SHORT_WINDOW:
            return _scan(self.patterns[kind], kind, self.text, start, end)
        index = self[kind]
        starts = index.starts
        if not starts:
            return []  # the list's words are nowhere in the text
        first = bisect_left(starts, start)
        cut_at_start = first > 0 and index.ends[first - 1] > start
        if not cut_at_start and (first == len(starts) or starts[first] >= end):
            return []  # most windows hold no cue: answer without a second bisection or building anything
        stop = bisect_left(starts, end, first)  # the matches starting in [start, end)
        if cut_at_start or index.ends[stop - 1] > end:
            return find_cues(self.text, kind, start, end)
        text = self.text
        return [Cue(kind, text[s:e], s, e) for s, e in zip(starts[first:stop], index.ends[first:stop])]

    def has(self, kind: str, start: int, end: int) -> bool:
        """Whether text[start:end] holds one of the ``kind`` list's words (as ``has_cue`` tells)."""
        if end - start <= SHORT_WINDOW:
            return self.patterns[kind].search(self.text, start, end) is not None
        index = self[kind]
        starts = index.starts
        if not starts:
            return False
        first = bisect_left(starts, start)
        if first > 0 and index.ends[first - 1] > start:
            return has_cue(self.text, kind, start, end)
        if first == len(starts) or starts[first] >= end:
            return False  # no match starts in the window (and none is cut at its start)
        if index.ends[first] <= end:
            return True  # a whole match inside the window
        return has_cue(self.text, kind, start, end)


def mask_spans(text: str, spans: list[tuple[int, int]]) -> str:
    """``text`` with the given spans replaced by a neutral filler of the same length."""
    # plain comparisons and appends: max/min calls and a list per span cost about as much again
    pieces, cursor, size = [], 0, len(text)
    for start, end in sorted(spans):  # spans may overlap (a company inside a book title)
        if start < cursor:
            start = cursor
        if end > size:
            end = size
        if end > start:
            pieces.append(text[cursor:start])
            pieces.append("\u3000" * (end - start))
            cursor = end
    pieces.append(text[cursor:])
    return "".join(pieces)
