"""Patterns written for the ``regex`` package, run by stdlib ``re`` with the same matches.

For the big money, percent and period patterns, ``re`` searches faster than ``regex`` and its
compact program suffers less from a cold cache. The patterns keep ``regex``'s vocabulary; the
few things ``re`` reads differently are rewritten here: ``\\p{Han}`` (which ``re`` lacks) and
``\\s`` / ``\\d`` (which ``re`` takes from an older Unicode) become the exact characters ``regex``
means, and a look-behind over words of several lengths becomes one per length.
tests/test_re_compat.py compares the two engines on random texts.
"""
from __future__ import annotations

import array
import functools
import re
from collections.abc import Iterable

import regex


def not_after(words: Iterable[str]) -> str:
    """A negative look-behind for ``words`` that stdlib re compiles too: one (?<!…) per word length,
    as re needs every look-behind to have one width (together they reject the same places)."""
    by_length: dict[int, list[str]] = {}
    for word in sorted(set(words), key=lambda w: (-len(w), w)):
        by_length.setdefault(len(word), []).append(regex.escape(word))
    return "".join(f"(?<!{'|'.join(group)})" for group in by_length.values())



# regex's classes that stdlib re lacks (\p{Han}) or reads from an older Unicode (\s, \d); every
# character they match is below U+40000 (planes 4-16 hold no ideograph, digit or space).
_CLASS_TOKEN = regex.compile(r"\\p\{Han\}|\\.|\[\^?|\]|[^\\\[\]]+")


@functools.lru_cache(maxsize=1)
def _re_classes() -> dict[str, tuple[str, str | None]]:
    r"""{class: (outside a character class, inside one)}: re's own class where it agrees with regex,
    plus the characters only regex's has (\d: newer digits), less those only re's has (\s: \x1c-\x1f).
    They follow from the two engines' Unicode tables alone (regex's version, Python's: the cache
    keys every entry by Python version), so they are kept between processes (~15 ms to derive)."""
    from pipeline.disk_cache import cached_by_key

    return cached_by_key("dialect-classes", ("regex", regex.__version__), _derived_classes, dict)


def _derived_classes() -> dict[str, tuple[str, str | None]]:
    codes = array.array("I", range(0x40000))
    codes[0xD800:0xE000] = array.array("I", [0x21]) * 0x800  # surrogates cannot be decoded: "!" instead
    every = codes.tobytes().decode("utf-32-le")
    han = code_ranges(m.span() for m in regex.finditer(r"\p{Han}+", every))
    classes = {r"\p{Han}": (f"[{han}]", han)}
    for name in (r"\s", r"\d"):
        wanted = {m.start() for m in regex.finditer(name, every)}
        own = {m.start() for m in re.finditer(name, every)}
        extra, missing = code_ranges((c, c + 1) for c in sorted(wanted - own)), own - wanted
        if missing and extra:
            raise ValueError(f"re_dialect: {name} of re and regex differ both ways")
        if missing:  # only outside a class: [^\S\x1c-\x1f]
            classes[name] = (f"[^{name.upper()}{code_ranges((c, c + 1) for c in sorted(missing))}]", None)
        else:
            classes[name] = (f"[{name}{extra}]", name + extra)
    return classes


def code_ranges(spans) -> str:
    r"""re class ranges (一-龥, \U0000001c-\U0000001f…) of [start, end) code point spans, neighbours
    joined. A printable character is written as itself: re parses a \U escape several times
    slower, and its classes (\p{Han}, \d written out, the script tables) run to thousands of ranges."""
    joined: list[list[int]] = []
    for start, end in spans:
        if joined and joined[-1][1] == start:
            joined[-1][1] = end
        else:
            joined.append([start, end])
    return "".join(f"{_class_char(a)}-{_class_char(b - 1)}" for a, b in joined)


def _class_char(code: int) -> str:
    r"""One range end: the character itself unless a class could read it otherwise (\ ] [ ^ -, and
    & ~ | which doubled warn of set operations), it is a space (a VERBOSE pattern's reader might
    take it for layout) or not printable (a control, a lone surrogate)."""
    char = chr(code)
    if char.isprintable() and not char.isspace() and char not in "\\]^-[&~|":
        return char
    return f"\\U{code:08x}"


def re_dialect(source: str) -> str:
    r"""A regex pattern source for stdlib re, matching what regex matches: \p{Han}, \s and \d as the
    characters regex means by them (a VERBOSE comment must not hold a bracket). For a big pattern re's
    search is faster than regex's, and its compact program suffers less from a cold cache."""
    classes, inside, out = _re_classes(), False, []
    for token in _CLASS_TOKEN.findall(source):
        if token in classes:
            if classes[token][inside] is None:
                raise ValueError(f"re_dialect: {token} inside a character class is not supported")
            token = classes[token][inside]
        elif token in ("[", "[^") and not inside or token == "]" and inside:
            inside = not inside
        out.append(token)
    return "".join(out)


def ignoring_case(words: Iterable[str]) -> str:
    """(?i:words) as regex reads it, for stdlib re: re's (?i) also takes the dotless ı for an i (regex
    does not), so no i of a word may be a ı."""
    return "(?i:{})".format("|".join(words).replace("i", "(?-i:(?!\u0131))i"))


def char_class(chars: Iterable[str]) -> str:
    """A character class of ``chars`` (single characters), escaped for re."""
    return "[" + "".join(re.escape(ch) for ch in sorted(chars)) + "]"


def literal_words(words: Iterable[str], *, ignore_case: bool = False, whole_latin: bool = False) -> str:
    """An alternation of literal ``words``, longest first, behind a look-ahead for their first
    characters: re then passes a position no word starts at with one class test, several times
    faster than trying the alternation there (regex's own scan of such an alternation is faster
    than re's without it). ``ignore_case``: as regex's (?i) (``ignoring_case``); the look-ahead
    folds case as well, so it lets through every place a word matches. ``whole_latin``: a word
    ending in a Latin letter matches only where no letter follows it (USD in 250亿USD, not in
    250亿USDT; pp, not the start of ppm); other words (元 in 50亿元AI) match wherever they stand."""
    ordered = sorted(set(words), key=lambda w: (-len(w), w))
    guard = "(?=" + char_class({w[0] for w in ordered}) + ")"
    body = "|".join(re.escape(w) + ("(?![A-Za-z])" if whole_latin and _ends_in_latin_letter(w) else "")
                    for w in ordered)
    if ignore_case:
        return f"(?i:{guard})" + ignoring_case([body])
    return f"{guard}(?:{body})"


def _ends_in_latin_letter(word: str) -> bool:
    return "a" <= word[-1:].lower() <= "z"
