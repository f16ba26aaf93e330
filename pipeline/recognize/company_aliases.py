"""The company recogniser's alias matcher (where an alias of models/companies.yaml can start,
and whether a surface counts), the stretches of text where no company is emitted (non-company
phrases, URLs, copyright footers) and the bookkeeping both passes share (``company_mention``,
``Covered``: what the mentions so far cover)."""
from __future__ import annotations

import bisect
import functools
import itertools
import re
from collections.abc import Callable, Iterable, Sequence

import regex

from pipeline.company_table import Company, load_company_table
from pipeline.compiled_re import compile_kept
from pipeline.document import Mention
from pipeline.lexicon import trie_alternation
from pipeline.recognize.re_compat import char_class, literal_words

LATIN_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")


def _is_latin(ch: str) -> bool:
    """``ch`` (one character) is an ASCII letter or digit."""
    return ch in LATIN_CHARS


@functools.lru_cache(maxsize=1)
def alias_index() -> dict[str, list[tuple[str, Company]]]:
    """First character (lower-cased) → [(alias, company)], longest alias first."""
    index: dict[str, list[tuple[str, Company]]] = {}
    for alias, company in load_company_table().aliases().items():
        index.setdefault(alias[0].lower(), []).append((alias, company))
    for entries in index.values():
        entries.sort(key=lambda e: (-len(e[0]), e[0]))
    return index


@functools.lru_cache(maxsize=1)
def _alias_scan() -> tuple[re.Pattern, Callable[[str], list | None]]:
    """``alias_index`` prepared for scanning: a pattern of the places where an alias can start
    (a longer alias's first character with a second one next: far fewer places than every
    first character; ``re``, which scans character classes several times faster) and the
    lookup of the aliases at a place by its (first) two characters: those of two or more
    characters starting with them, then the one-character alias of the first, as
    ``_by_length`` groups them."""
    longer: dict[str, list] = {}
    single: dict[str, list] = {}
    for ch, entries in alias_index().items():
        for alias, company in entries:
            if len(alias) >= 2:
                longer.setdefault(alias[:2].lower(), []).append((alias, company))
            else:
                single.setdefault(ch, []).append((alias, company))
    longer = {two: _by_length(entries) for two, entries in longer.items()}
    single = {one: _by_length(entries) for one, entries in single.items()}
    seconds = char_class({pair[1] for pair in longer})
    singles = "|" + char_class(single) if single else ""
    starts = compile_kept(f"{char_class({pair[0] for pair in longer})}(?={seconds}){singles}", name="company-alias-starts")
    if not single:
        return starts, longer.get
    # a one-character alias's groups join those of each pair starting with it (the shortest)
    merged = {pair: groups + single.get(pair[0], []) for pair, groups in longer.items()}
    return starts, lambda chars: merged.get(chars) or single.get(chars[:1])


def _by_length(entries: list[tuple[str, Company]]) -> list[tuple[int, dict[str, list]]]:
    """(length, lower-cased alias → [(ends in a Latin character, company, ``short_han``,
    ``case_sensitive``)]), longest first, aliases in ``entries``' order: one slice and one lookup
    per length at a place, not one comparison per alias."""
    groups: dict[int, dict[str, list]] = {}
    for alias, company in entries:
        lower = alias.lower()
        groups.setdefault(len(alias), {}).setdefault(lower, []).append(
            (_is_latin(alias[-1]), company, _short_han(lower), _case_sensitive(lower)))
    return sorted(groups.items(), reverse=True)


_ALL_HAN = regex.compile(r"\p{Han}+")


def _short_han(alias: str) -> bool:
    """Three Han characters or fewer: such an alias counts only on jieba word boundaries. A
    surface an alias matches is all Han exactly when the lower-cased alias is (Han has no case)."""
    return len(alias) <= 3 and _ALL_HAN.fullmatch(alias) is not None


def _case_sensitive(alias: str) -> bool:
    """``alias_allowed`` can reject a surface of this (lower-cased) alias: one shorter than five
    characters with a Latin one. Any other surface is allowed: a Latin character lower-cases to
    one (so a surface has none where the lower-cased alias has none)."""
    return len(alias) < 5 and any(_is_latin(ch) for ch in alias)


def alias_places(text: str) -> tuple[str, list[tuple[int, list]]]:
    """Where an alias can start in ``text`` (case-insensitive; a Latin one not inside a Latin
    word): the lower-cased text the aliases are looked up in and each place's (offset, length
    groups as ``_by_length`` makes them), in text order. Whether an alias of a group is there
    (a Latin one not followed by a Latin character) and counts is for the caller to check,
    longest first."""
    starts, groups_at = _alias_scan()
    lowered = text.lower()
    if len(lowered) != len(text):
        lowered = text
    latin = LATIN_CHARS
    # only where an alias starts with these two characters (or is this one character); one
    # comprehension: the scan finds two or three places for each one that has an alias
    return lowered, [
        (pos, groups) for pos in map(re.Match.start, starts.finditer(lowered))
        if (groups := groups_at(lowered[pos:pos + 2]))
        and not (pos and text[pos] in latin and (text[pos - 1] in latin or text[pos - 1] == "&"))]


@functools.lru_cache(maxsize=1)
def alias_forms() -> dict[str, Company]:
    """Every alias exactly as the table writes it → its company (the scan itself is ``alias_places``)."""
    return load_company_table().aliases()


@functools.lru_cache(maxsize=1)
def non_company_pattern() -> re.Pattern | None:
    """The table's non-company phrases, the longest at a place (``re``: literal words scan faster
    there), as a trie: where a phrase's first character stands (中, 美, 日…), a step per character
    instead of a test per phrase."""
    words = load_company_table().non_companies
    if not words:
        return None
    return compile_kept(trie_alternation(list(words)), name="company-non-companies")


def blocked_spans(text: str) -> list[tuple[int, int]]:
    """Spans of non-company phrases (央行, 日经指数, 中国移动互联网…) and of URLs."""
    pattern = non_company_pattern()
    spans = [(m.start(), m.end()) for m in pattern.finditer(text)] if pattern else []
    if "http" in text or "www." in text:  # how every URL the pattern finds starts: most texts have none
        spans += [(m.start(), m.end()) for m in _URL.finditer(text)]
    return spans


_URL = regex.compile(r"(?:https?://|www\.)[^\s)\]）」>\"']+")
_FOOTER_WORDS = ("版权", "版權", "©", "Copyright", "All rights reserved", "转载", "轉載", "图片来源", "圖片來源", "图源", "圖源")
# stdlib re behind a first-character guard: about twice as fast as regex's case-insensitive scan
_FOOTER_WORD = re.compile(literal_words(_FOOTER_WORDS, ignore_case=True))


def _case_forms(chars: Iterable[str]) -> set[str]:
    """``chars`` in every case re's (?i) matches them in (tests/test_company.py checks them
    against every code point)."""
    return {form for ch in chars for form in (ch, ch.lower(), ch.upper()) if len(form) == 1}


# Where a footer word can start: the words are tried only where str.find finds one of these
# (re's case-insensitive scan tries its pattern at every character, ten times the cost).
_FOOTER_FIRSTS = sorted(_case_forms(word[0] for word in _FOOTER_WORDS))


def footer_spans(text: str) -> list[tuple[int, int]]:
    """Lines that are copyright footers or photo credits: no company is emitted there."""
    spans = []
    line_end = -1
    # Each line holding a footer word, whole: found from the words, not by trying a
    # whole-line pattern at every character.
    for at in places_of(text, _FOOTER_FIRSTS):
        if at < line_end or not _FOOTER_WORD.match(text, at):
            continue  # a second footer word on a line already taken, or no footer word here
        line_start = text.rfind("\n", 0, at) + 1
        line_end = text.find("\n", at)
        if line_end < 0:
            line_end = len(text)
        if len(text[line_start:line_end].strip()) <= 120:
            spans.append((line_start, line_end))
    return spans


class MaskedSpans:
    """Spans (non-company phrases, URLs, footers) asked whether one of them covers [start, end):
    bisected over the spans sorted by start with the farthest end reached so far, not one test
    per span (a long page has thousands of them and asks for every candidate name)."""

    def __init__(self, spans: Iterable[tuple[int, int]]):
        ordered = sorted(spans)
        self.starts = [start for start, _ in ordered]
        self.reach = list(itertools.accumulate((end for _, end in ordered), max))

    def covers(self, start: int, end: int) -> bool:
        """Some span has ``span_start <= start`` and ``end <= span_end``."""
        before = bisect.bisect_right(self.starts, start)
        return before > 0 and self.reach[before - 1] >= end


def alias_allowed(surface: str, company: Company, forms: dict[str, Company]) -> bool:
    """Short Latin aliases (AMD, Meta, SK) match only in the case written in the table."""
    if surface in forms:
        return True
    if any(_is_latin(ch) for ch in surface) and len(surface) < 5:
        return False
    return True


def places_of(text: str, chars: Iterable[str]) -> list[int]:
    """Where any of ``chars`` (single characters) occurs in ``text``, in order. For a few rare
    characters, str.find passes the text many times faster than a character class scan (re tests
    a class at ~60 instructions a character)."""
    places = []
    for char in chars:
        at = text.find(char)
        while at >= 0:
            places.append(at)
            at = text.find(char, at + 1)
    places.sort()
    return places


def company_mention(text: str, start: int, end: int, name: str, **info) -> Mention:
    # Mention's fields by position (type, text, start, end, seven unset, name, info): matching
    # fourteen parameters by keyword is a fifth of the cost of a mention
    return Mention("company", text[start:end], start, end, None, None, None, None, None, None, None, None, name, info)


def _overlaps(start: int, end: int, mentions: Sequence[Mention]) -> bool:
    return any(m.start < end and start < m.end for m in mentions)


class Covered:
    """The characters the mentions found so far cover: ``overlaps`` in O(span length) instead of
    O(mentions), so a page with thousands of names is not quadratic."""

    def __init__(self, text: str, mentions: Sequence[Mention] = ()) -> None:
        self.marks = bytearray(len(text) + 1)
        self.mentions = list(mentions)
        for mention in mentions:
            self.marks[mention.start:mention.end] = b"\x01" * (mention.end - mention.start)

    def add(self, mention: Mention) -> Mention:
        self.marks[mention.start:mention.end] = b"\x01" * (mention.end - mention.start)
        self.mentions.append(mention)
        return mention

    def overlaps(self, start: int, end: int) -> bool:
        if start >= end:  # an empty span overlaps what strictly contains it
            return _overlaps(start, end, self.mentions)
        return self.marks.find(1, start, end) >= 0
