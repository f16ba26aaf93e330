"""Percent and multiple mentions: 42%, 百分之四十二, 6成, 8个百分点, 0.5pct, 2.6倍, 翻一番 → Mention.

One public entry point, ``find_percents``, plus the spaCy factory ``capex_percent``.
Values are unsigned; ``info`` tells the fact stage the direction word before the
number, whether a multiple is relative to a base (的2.6倍) and which mentions form
a range (27%至37%). Words live in models/percent.yaml.
"""
from __future__ import annotations

import functools
import re
from decimal import Decimal

import regex
from spacy.language import Language

from pipeline.compiled_re import compile_kept
from pipeline.document import Mention
from pipeline.lexicon import LexiconError, alternation, load_data, require_keys, require_str_list, require_str_map
from pipeline.recognize import numbers as num
from pipeline.recognize.base import add_mentions
from pipeline.recognize.re_compat import literal_words

_KEYS = ["units_after", "units_before", "max_tenths", "not_after_cheng", "not_before_cheng", "doubling_verbs",
         "doubling_units", "qualifiers_before", "qualifiers_outside_before", "qualifiers_after",
         "qualifier_not_after", "infix_over", "range_connectors", "list_separators", "directions", "between_verb_and_number", "to_level",
         "of_base_markers", "signs", "sign_after"]
_LISTS = ["qualifier_not_after", "not_after_cheng", "not_before_cheng", "doubling_verbs", "infix_over",
          "range_connectors", "list_separators", "between_verb_and_number", "to_level", "of_base_markers", "sign_after"]
_DOUBLING = {"power_of_two": lambda n: 2 ** n, "plus_one": lambda n: n + 1}


@functools.lru_cache(maxsize=1)
def lexicon() -> dict:
    """models/percent.yaml, validated."""
    data = require_keys("percent.yaml", load_data("percent.yaml"), _KEYS)
    for key in ("units_after", "units_before"):
        for word, unit in require_str_map("percent.yaml", key, data[key], dict).items():
            if unit.get("kind") not in ("percent", "multiple") or not isinstance(unit.get("divisor"), int):
                raise LexiconError(f"percent.yaml: {key}[{word!r}] expected {{kind: percent|multiple, "
                                   f"divisor: int}}, found {unit!r}")
    for key in _LISTS:
        require_str_list("percent.yaml", key, data[key])
    for word, rule in require_str_map("percent.yaml", "doubling_units", data["doubling_units"]).items():
        if rule not in _DOUBLING:
            raise LexiconError(f"percent.yaml: doubling_units[{word!r}] expected one of {sorted(_DOUBLING)}, "
                               f"found {rule!r}")
    for key in ("directions", "signs"):
        if not isinstance(data[key], dict) or set(data[key]) != {"up", "down"}:
            raise LexiconError(f"percent.yaml: {key} expected keys up and down, found {data[key]!r:.80}")
        data[key + "_of"] = {w: d for d in ("up", "down") for w in require_str_list("percent.yaml", key, data[key][d])}
    for key in ("qualifiers_before", "qualifiers_outside_before", "qualifiers_after"):
        data[key + "_class"] = num.invert_classes("percent.yaml", key, data[key])
    return data


def _build_pattern(lex: dict) -> re.Pattern:
    digits = "".join(num.numerals()["digits"])
    number = rf"""(?:(?<![0-9０-９.．])(?:{num.ARABIC})
                  |{num.NOT_AFTER_VAGUE}(?<![{digits}十百千])(?:{num.CHINESE}))"""
    after = literal_words(lex["units_after"], whole_latin=True)  # 5pp, not the 5pp of 5ppm
    sep, conn = alternation(lex["list_separators"]), alternation(lex["range_connectors"])
    # stdlib re: the percent pattern needs nothing regex alone has, and re runs it faster. Optional
    # parts are written (?:X|), not X?: re runs an optional group as a REPEAT, which saves and
    # restores the group marks at each try; a branch does not.
    return compile_kept(rf"""
        (?:(?P<qual>(?<![{''.join(lex['qualifier_not_after'])}])   # 最近 is 'recently', not 'nearly'
           (?:{alternation(lex['qualifiers_before_class'])}))[ ]?|)   # 约3成, 超七成, 近3倍 (in the span)
        (?:
          (?P<dverb>{alternation(lex['doubling_verbs'])})(?:(?P<dle>了)|)    # 翻一番, 翻了一倍, 翻倍
            (?:(?P<dnum>[{digits}十1-9])|)(?P<dunit>{alternation(lex['doubling_units'])})
         |(?P<pre>{alternation(lex['units_before'])})   # 百分之四十二, 百分之百 (not the vague 百分之十几)
            (?P<pnum>{number}|百)(?![几幾多余餘])
         |(?P<list>{number}                                   # the numbers sharing one unit:
             (?:[ ]?(?:{conn})[ ]?{number}|(?:(?:{sep}){number}){{1,8}}|))  # 1.9-2.5pct, 0.5/0.9/1.3pct
           (?:(?P<inf>{alternation(lex['infix_over'])})|)[ ]?    # 20多%
           (?P<unit>{after})
           (?:(?P<infb>{alternation(lex['infix_over'])}(?![{digits}十]))|)  # 三成多 (not 三成多少)
        )
        """, re.VERBOSE, name="percent")


_LEX = lexicon()
# The short patterns here (re.compile), run per mention or per document, use stdlib re: for words, digits
# and anchors (no \s, no case folding) it finds what regex finds, at a third of regex's cost per call.
_NUMBER = re.compile(rf"{num.ARABIC}|百|{num.CHINESE}")
_PATTERN = _build_pattern(_LEX)
_G = dict(_PATTERN.groupindex)  # group numbers: a group found by name costs more
_SCREEN = re.compile(num.numeral_class("翻百"))
# every match holds a unit, so only the runs of _PATTERN's characters holding one are searched
# (了 is the one word the pattern spells itself: 翻了一倍)
_RUNS = num.MatchRuns(
    [*_LEX["qualifiers_before_class"], *_LEX["doubling_verbs"], "了", *_LEX["range_connectors"],
     *_LEX["list_separators"], *_LEX["infix_over"], *num.numeral_words()],
    [*_LEX["units_after"], *_LEX["units_before"], *_LEX["doubling_units"]], name="percent")
_DIRECTION = re.compile(r"(?P<verb>{})(?P<to>{})?(?:{}){{0,3}}\Z".format(
    alternation(_LEX["directions_of"]), alternation(_LEX["to_level"]),
    alternation(_LEX["between_verb_and_number"])))
_DIRECTION_LAST = frozenset(word[-1] for key in ("directions_of", "to_level", "between_verb_and_number")
                            for word in _LEX[key])
_SIGN_AFTER = re.compile(r"(?:{})[ ]?\Z".format(alternation(_LEX["sign_after"])))
_OUTSIDE = re.compile(r"(?:{})\Z".format(alternation(_LEX["qualifiers_outside_before_class"])))
_AFTER = re.compile(alternation(_LEX["qualifiers_after_class"]))
_OUTSIDE_LAST = frozenset(word[-1] for word in _LEX["qualifiers_outside_before_class"])
_AFTER_FIRST = frozenset(word[0] for word in _LEX["qualifiers_after_class"])
_UNITS_AFTER = _LEX["units_after"]
# a list of several numbers holds a connector or separator word, so one of their first characters
_JOINER_FIRST = frozenset(word[0] for word in (*_LEX["range_connectors"], *_LEX["list_separators"]))
_UNIT_NAMES = {word: word.replace("％", "%") for word in _UNITS_AFTER}  # info's unit: ％ written as %
_OF_BASE_MARKERS = tuple(_LEX["of_base_markers"])
_CONNECTOR = re.compile(r"[ ]?(?:{})[ ]?\Z".format(alternation(_LEX["range_connectors"])))
_CONNECTOR_WIDTH = 2 + max(map(len, _LEX["range_connectors"]))  # the most _CONNECTOR can match
_NOT_AFTER_CHENG = re.compile(alternation(_LEX["not_after_cheng"]))
# CSS: width: 34.7567% is layout, not a figure
_CSS = regex.compile(r"(?i:width|height|size|margin|padding|left|right|top|bottom)\s*[:=]\s*[\"']?\s*\Z")
_CSS_ANYWHERE = regex.compile(r"(?i:width|height|size|margin|padding|left|right|top|bottom)\s*[:=]")


def find_percents(text: str) -> list[Mention]:
    """Every percentage, 成, 倍 and 番 expression in ``text``, in text order."""
    if not text or not _SCREEN.search(text):
        return []
    urls = num.url_spans(text)
    css = (":" in text or "=" in text) and _CSS_ANYWHERE.search(text) is not None  # [:=] is in every match
    found: list[Mention] = []
    for start, end, units_end in _RUNS(text):
        # end + 1: the (?![A-Za-z]) and (?![几幾多余餘]) look-aheads peek one character past the run
        for match in _PATTERN.finditer(text, start, end + 1):
            skipped = urls and num.overlaps(match.start(), match.end(), urls) or (
                css and _CSS.search(text, max(0, match.start() - 20), match.start()))
            if not skipped:
                try:
                    found.extend(_mentions(text, match))
                except (ValueError, KeyError, ArithmeticError):
                    pass  # no value after all (two digits in a row: 七八成), not a mention
            if match.end() >= units_end:
                break  # every match holds a unit word and none starts from here on: no search of the rest
    return _link_ranges(text, found)


def _mentions(text: str, match: re.Match) -> list[Mention]:
    dunit = match.group(_G["dunit"])
    if dunit:
        n = int(num.parse_number(match.group(_G["dnum"]))) if match.group(_G["dnum"]) else 1
        value = Decimal(_DOUBLING[_LEX["doubling_units"][dunit]](n))
        info = {"direction": "up", "verb": match.group(_G["dverb"]), "of_base": True, "unit": dunit}
        return [_make(text, match.start(), match.end(), "multiple", value, _qualifier(text, match), info)]
    if match.group(_G["pre"]):
        unit = _LEX["units_before"][match.group(_G["pre"])]
        value = num.parse_number(match.group(_G["pnum"])) / unit["divisor"]
        return [_make(text, match.start(), match.end(), unit["kind"], value, _qualifier(text, match),
                      {"unit": "%"})]
    return _list_mentions(text, match)


def _list_mentions(text: str, match: re.Match) -> list[Mention]:
    """One mention per number of 0.5/0.9/1.3pct or 1.9-2.5pct; the last carries the unit."""
    unit_word = match.group(_G["unit"])
    unit = _UNITS_AFTER[unit_word]
    numbers = _number_spans(text, *match.span(_G["list"]))
    if unit_word == "成" and not _cheng_ok(text, match, numbers):
        return []
    over = bool(match.group(_G["inf"]) or match.group(_G["infb"]))
    mentions = []
    last = len(numbers) - 1
    for i, (number_start, number_end) in enumerate(numbers):
        value = num.parse_number(text[number_start:number_end])
        start = match.start() if i == 0 else number_start
        end = match.end() if i == last else number_end
        qualifier = _qualifier(text, match) if i == 0 else ("over" if i == last and over else "exact")
        if i == 0 and last == 0 and over and qualifier == "exact":
            qualifier = "over"
        inherited = dict(mentions[0].info) if mentions else {}  # 分别提升0.5/0.9pct: all up
        inherited["unit"] = _UNIT_NAMES[unit_word]
        mentions.append(_make(text, start, end, unit["kind"], value / unit["divisor"], qualifier, inherited))
    return mentions


def _number_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """(start, end) of each number in the list text[start:end]."""
    if _JOINER_FIRST.isdisjoint(text[start:end]):
        return [(start, end)]  # no connector or separator: the list is one number, no search needed
    return [number.span() for number in _NUMBER.finditer(text, start, end)]


def _cheng_ok(text: str, match: re.Match, numbers: list[tuple[int, int]]) -> bool:
    """成 is tenths only after a number up to 10 and not inside 成本/成立/之一成为…"""
    if _NOT_AFTER_CHENG.match(text, match.end(_G["unit"])):
        return False
    first_start, first_end = numbers[0]
    if not any(ch.isdigit() for ch in text[first_start:first_end]) and first_start > 0 \
            and text[first_start - 1] in _LEX["not_before_cheng"]:
        return False
    return all(num.parse_number(text[start:end]) <= _LEX["max_tenths"] for start, end in numbers)


def _qualifier(text: str, match: re.Match) -> str:
    qual = match.group(_G["qual"])
    if qual:
        return _LEX["qualifiers_before_class"][qual]
    start, end = match.span()
    # a word before ends with, one after starts with, the character next to the match: else no search
    if start and text[start - 1] in _OUTSIDE_LAST:
        outside = _OUTSIDE.search(text, max(0, start - 6), start)
        if outside:
            return _LEX["qualifiers_outside_before_class"][outside.group(0)]
    if end < len(text) and text[end] in _AFTER_FIRST:
        after = _AFTER.match(text, end)
        if after:
            return _LEX["qualifiers_after_class"][after.group(0)]
    return "exact"


def _make(text: str, start: int, end: int, kind: str, value: Decimal, qualifier: str,
          info: dict | None = None) -> Mention:
    context = _context(text, start)  # a new dict, so the unit words can go into it
    if info:
        context.update(info)
    context["range_pair"] = None
    return Mention(type="percent", text=text[start:end], start=start, end=end, kind=kind,
                   value=num.tidy(value), qualifier=qualifier, info=context)


def _context(text: str, start: int) -> dict:
    """direction/verb from the words right before the number, of_base from 的."""
    window = start - 12 if start > 12 else 0
    of_base = text.endswith(_OF_BASE_MARKERS, 0, start)
    info = {"direction": None, "verb": None, "of_base": of_base}
    if start > 0 and text[start - 1] in _LEX["signs_of"] and _SIGN_AFTER.search(text, window, start - 1):
        return {**info, "direction": _LEX["signs_of"][text[start - 1]], "verb": text[start - 1]}
    # a match ends right before the number: its last character there, or no search
    found = _DIRECTION.search(text, window, start) if start and text[start - 1] in _DIRECTION_LAST else None
    if found:
        verb, to = found.groups()  # by number: see _G
        info["direction"], info["verb"] = _LEX["directions_of"][verb], verb
        if to:
            info["to_level"] = True
    return info


def _link_ranges(text: str, mentions: list[Mention]) -> list[Mention]:
    """27%至37%, 1.9-2.5pct: link neighbours joined by a range connector; the high end
    takes the low end's direction (成长27%至37%: both up)."""
    out = list(mentions)
    for i in range(len(out) - 1):
        low, high = out[i], out[i + 1]
        if not 0 < high.start - low.end <= _CONNECTOR_WIDTH:
            continue  # overlapping, or too far apart for a connector between them: no lookups needed
        if low.info.get("unit") != high.info.get("unit") or low.info.get("range_pair") is not None:
            continue
        if not _CONNECTOR.fullmatch(text, low.end, high.start):
            continue
        out[i] = low.with_(info={**low.info, "range_pair": high.start, "range_role": "low"})
        high_info = {**high.info, "range_pair": low.start, "range_role": "high"}
        if high_info.get("direction") is None:
            high_info.update(direction=low.info.get("direction"), verb=low.info.get("verb"))
        out[i + 1] = high.with_(info=high_info)
    return out


class PercentRecognizer:
    """spaCy component: percent mentions of doc.text onto the Doc."""

    def __call__(self, doc):
        return add_mentions(doc, find_percents(doc.text), "percent")


@Language.factory("capex_percent")
def make_percent_recognizer(nlp: Language, name: str) -> PercentRecognizer:
    return PercentRecognizer()
