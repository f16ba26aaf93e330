"""Numbers as written in Chinese financial text → exact Decimals.

Handles Arabic digits (with thousands separators and full-width forms), Chinese
numerals (两千, 一千五百, 九十, 二〇二四, 三点五) and mixed forms (1.2万亿, 1兆2724億).
The word lists come from models/numerals.yaml. ``ARABIC``, ``CHINESE`` and
``MAGNITUDE`` are regex sources the money and percent recognisers build on.
"""
from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

import regex

from pipeline.compiled_re import compile_kept
from pipeline.document import QUALIFIERS
from pipeline.lexicon import LexiconError, alternation, load_data, require_keys, require_str_list, require_str_map
from pipeline.recognize.re_compat import not_after

_ONE = Decimal(1)
FULLWIDTH = str.maketrans("０１２３４５６７８９．，％", "0123456789.,%")
_WIDE_NARROW = tuple((chr(wide), chr(narrow)) for wide, narrow in FULLWIDTH.items())


@functools.lru_cache(maxsize=1)
def numerals() -> dict:
    """models/numerals.yaml, validated: digits, units, magnitudes, english_scales, …"""
    keys = ["digits", "units", "magnitudes", "english_scales", "decimal_points", "vague_before"]
    data = require_keys("numerals.yaml", load_data("numerals.yaml"), keys)
    for key in ("digits", "units", "magnitudes", "english_scales"):
        require_str_map("numerals.yaml", key, data[key], int)
    for key in ("decimal_points", "vague_before"):
        require_str_list("numerals.yaml", key, data[key])
    for word in data["magnitudes"]:
        if any(ch in data["digits"] for ch in word):
            raise LexiconError(f"numerals.yaml: magnitudes expected words without digits, found {word!r}")
    return data


def _char_class(chars) -> str:
    return "".join(sorted(chars)).replace("-", r"\-")


def _sources() -> tuple[str, str, str, str]:
    table = numerals()
    digits = _char_class(ch for ch, v in table["digits"].items() if v != 0 and len(ch) == 1)
    tens = _char_class(ch for ch, v in table["units"].items() if v == 10)
    body = _char_class(list(table["digits"]) + list(table["units"]))
    points = _char_class(table["decimal_points"])
    all_digits = _char_class(table["digits"])
    arabic = (r"(?:[0-9０-９]{1,3}(?:,[0-9０-９]{3})+|[0-9０-９]{1,15})"
              r"(?:[.．][0-9０-９]{1,10})?")
    # a Chinese numeral starts with a non-zero digit or 十 (so 百亿/千亿 alone are not numbers)
    chinese = rf"(?:[{digits}{tens}][{body}]{{0,12}}(?:[{points}][{all_digits}]{{1,6}})?)"
    return arabic, chinese, alternation(table["magnitudes"]), alternation(table["vague_before"])


ARABIC, CHINESE, MAGNITUDE, VAGUE_BEFORE = _sources()
NOT_AFTER_VAGUE = not_after(numerals()["vague_before"])  # (?<!{VAGUE_BEFORE}) for stdlib re


def numeral_class(extra: str = "") -> str:
    """A character class of the digits (ASCII, full-width) and Chinese numerals, plus ``extra``:
    the cheap screen a text without any number fails."""
    return "[0-9０-９" + "".join(regex.escape(d) for d in numerals()["digits"]) + "十" + extra + "]"


def numeral_words() -> list[str]:
    """Every word a number can be written with: digits, units, magnitudes, decimal points and the
    Arabic digits and separators (the characters ``ARABIC``, ``CHINESE`` and ``MAGNITUDE`` consume)."""
    table = numerals()
    return [*table["digits"], *table["units"], *table["magnitudes"], *table["decimal_points"],
            "0123456789０１２３４５６７８９,.．"]


def up_to(source: str, count: int) -> str:
    """``(?:source){0,count}`` (greedy) as nested branches, (?:S(?:S(?:S|)|)|): stdlib re runs a repeat
    of a group as a REPEAT, which saves and restores the group marks at each try; a branch does not."""
    return "(?:" + source + up_to(source, count - 1) + "|)" if count else ""


def normalise_digits(text: str) -> str:
    """Full-width digits and separators to ASCII (same length, so offsets survive).

    str.translate looks every character up in a dict; replacing only the few full-width
    characters a text has (mostly ，) is several times faster on a whole article."""
    if text.isascii():
        return text
    for wide, narrow in _WIDE_NARROW:
        if wide in text:
            text = text.replace(wide, narrow)
    return text


def parse_arabic(text: str) -> Decimal:
    """'25,000' / '１２.５' / '2450' → Decimal. Raises ValueError on anything else."""
    cleaned = normalise_digits(text).replace(",", "").replace(" ", "")
    try:
        value = Decimal(cleaned)
    except InvalidOperation as exc:
        raise ValueError(f"expected an Arabic number, found {text!r}") from exc
    if not value.is_finite():
        raise ValueError(f"expected a finite Arabic number, found {text!r}")
    return value


def parse_chinese_int(text: str) -> Decimal:
    """'两千' → 2000, '一千五百' → 1500, '十二' → 12, '二〇二四' → 2024, '三百五十' → 350.

    Only digits and the small units 十百千; magnitudes (万亿) are applied by the caller.
    Vague runs of digits inside a unit form (两三百, 五六十) raise ValueError.
    """
    table = numerals()
    digits, units = table["digits"], table["units"]
    if not text or any(ch not in digits and ch not in units for ch in text):
        raise ValueError(f"expected a Chinese numeral of digits and 十百千, found {text!r}")
    if all(ch in digits for ch in text):
        if len(text) == 2 and all(digits[ch] for ch in text):  # 七八(成), 三五: an estimate
            raise ValueError(f"expected a number, found the estimate {text!r}")
        return Decimal("".join(str(digits[ch]) for ch in text))  # 二〇二四, 五
    total, current = 0, None
    for ch in text:
        if ch in digits:
            if current:  # 两三百: two non-zero digits in a row is an estimate, not a number
                raise ValueError(f"expected one digit before each unit, found {text!r}")
            current = digits[ch]
        else:
            total += (1 if current is None else current) * units[ch]
            current = None
    return Decimal(total + (current or 0))


def parse_chinese(text: str) -> Decimal:
    """Chinese numeral with an optional decimal part: '三点五' → 3.5, '十二' → 12."""
    for point in numerals()["decimal_points"]:
        if point in text:
            whole, _, frac = text.partition(point)
            digits = numerals()["digits"]
            if not frac or any(ch not in digits for ch in frac):
                raise ValueError(f"expected digits after {point!r}, found {text!r}")
            return parse_chinese_int(whole) + Decimal("0." + "".join(str(digits[c]) for c in frac))
    return parse_chinese_int(text)


def parse_number(text: str) -> Decimal:
    """Arabic or Chinese numeral (without magnitude) → Decimal."""
    if not text.isascii():  # normalise_digits changes only non-ASCII characters (２４５０)
        known = _ONE_NUMERAL.get(text)
        if known is not None:  # 三, 十: a lone numeral, the commonest Chinese number, looked up
            return known
        text = normalise_digits(text)
    if text.isascii() and text.replace(".", "", 1).isdigit():  # 2450, 2.5: parse_arabic's value, sooner
        return Decimal(text)
    if any(ch.isdigit() for ch in text):
        return parse_arabic(text)
    return parse_chinese(text)


def _lone_numerals() -> dict[str, Decimal]:
    """{numeral: value} of the one-character Chinese numerals, as parse_number computes them (one
    that raises is left out); Decimals are immutable, so a table's values can be shared."""
    table = {}
    for numeral in {*numerals()["digits"], *numerals()["units"]}:
        if len(numeral) == 1 and not numeral.isascii():
            try:
                table[numeral] = parse_number(numeral)
            except ValueError:
                pass
    return table


_ONE_NUMERAL: dict[str, Decimal] = {}  # empty while _lone_numerals asks parse_number
_ONE_NUMERAL.update(_lone_numerals())


def tidy(value: Decimal) -> Decimal:
    """An integral Decimal without a trailing '.0'; others without trailing zeros (no exponent)."""
    if value == value.to_integral_value():
        return value.quantize(_ONE)
    normal = value.normalize()
    if normal != normal.to_integral_value():  # a fraction still: no exponent form, so no string round trip
        return normal
    return Decimal(format(normal, "f"))  # rounded to the context's precision into 2.6E+32: written out


def magnitude(word: str) -> Decimal:
    """'亿' → 1e8, '万亿' → 1e12; raises KeyError for an unknown word."""
    return _magnitudes()[word]


@functools.lru_cache(maxsize=1)
def _magnitudes() -> dict[str, Decimal]:
    return {word: Decimal(value) for word, value in numerals()["magnitudes"].items()}


def english_scale(word: str) -> Decimal:
    """'billion' / 'bn' / 'B' → 1e9; raises KeyError for an unknown word."""
    return Decimal(numerals()["english_scales"][word.lower()])


def invert_classes(name: str, key: str, classes) -> dict[str, str]:
    """{class: [words]} → {word: class}, checking each class is a known qualifier."""
    if not isinstance(classes, dict):
        raise LexiconError(f"{name}: {key} expected a mapping of qualifier classes, found {classes!r:.80}")
    inverted = {}
    for qualifier, words in classes.items():
        if qualifier not in QUALIFIERS:
            raise LexiconError(f"{name}: {key} expected classes from {QUALIFIERS}, found {qualifier!r}")
        for word in require_str_list(name, f"{key}.{qualifier}", words):
            inverted[word] = qualifier
    return inverted


# URLs and e-mail-like runs: digits inside them are never amounts or percentages.
_URL = regex.compile(r"""
    (?:https?://|www\.)            # a scheme or a bare www. host starts a URL
    [A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+   # RFC 3986 characters only, so CJK text after it is not swallowed
    """, regex.VERBOSE | regex.IGNORECASE)


def url_spans(text: str) -> list[tuple[int, int]]:
    """Offsets of the URLs in ``text`` (recognisers drop mentions that overlap them)."""
    if "http" not in text and "www" not in text and "HTTP" not in text and "WWW" not in text:
        return []
    return [match.span() for match in _URL.finditer(text)]


def overlaps(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    """Whether [start, end) overlaps any of ``spans``."""
    if not spans:  # the common text without URLs, without building the generator
        return False
    return any(start < s_end and s_start < end for s_start, s_end in spans)


# CJK ideographs (basic block, extension A, compatibility): letters without case, so a pattern
# consumes only those its own words and numerals spell (unlike Latin letters under (?i:)).
_IDEOGRAPHS = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF))


def _foreign_ideographs(own: Iterable[str]) -> str:
    """Character-class source of the CJK ideographs not in ``own``."""
    taken = {ord(ch) for ch in own}
    ranges = []
    for low, high in _IDEOGRAPHS:
        start = low
        for code in sorted(c for c in taken if low <= c <= high):
            if code > start:
                ranges.append((start, code - 1))
            start = code + 1
        if start <= high:
            ranges.append((start, high))
    return "".join(f"\\u{a:04x}-\\u{b:04x}" if a < b else f"\\u{a:04x}" for a, b in ranges)


class MatchRuns:
    """Where a recogniser pattern can match: the runs of text that hold one of its anchor words.

    A match consumes only characters of the pattern's words and numerals (look-arounds only peek),
    so it never crosses a CJK ideograph foreign to them; when every match that counts contains an
    anchor word (a money mention its currency, a percentage its unit), each lies inside a run of
    non-foreign characters holding an anchor. Searching those runs alone finds the same matches
    as a scan of the whole text, without the slow per-position scan of a big pattern over prose.
    """

    def __init__(self, words: Iterable[str], anchors: Iterable[str], *, name: str) -> None:
        anchors = sorted(set(anchors), key=lambda w: (-len(w), w))
        # stdlib re: its first-character scan finds these plain words ~30x faster than regex
        self._anchor = compile_kept("|".join(map(re.escape, anchors)), name=f"{name}-anchors")
        self._foreign = compile_kept(f"[{_foreign_ideographs(''.join(words) + ''.join(anchors))}]",
                                     name=f"{name}-foreign")

    def __call__(self, text: str) -> list[tuple[int, int, int]]:
        """(start, end, anchors_end) of each run holding an anchor word, in text order; no anchor
        word starts at or after anchors_end (each starts inside a non-overlapping hit)."""
        runs: list[tuple[int, int, int]] = []
        end, backwards, size, foreign = -1, None, len(text), self._foreign.search
        for hit in self._anchor.finditer(text):
            start, hit_end = hit.span()
            if start < end:
                runs[-1] = (runs[-1][0], end, hit_end)  # in the run already found
                continue
            backwards = backwards or text[::-1]  # the run's start: the first foreign character behind it
            before = foreign(backwards, size - start)
            after = foreign(text, hit_end)
            end = after.start() if after else size
            runs.append((size - before.start() if before else 0, end, hit_end))
        return runs
