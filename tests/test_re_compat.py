"""Patterns written for regex and run by stdlib re (pipeline.recognize.re_compat) match the same."""
import random
import re

import pytest
import regex

from pipeline.recognize import money, percent, period_rules
from pipeline.recognize.re_compat import code_ranges, ignoring_case, literal_words, not_after, re_dialect

EVERY_CHARACTER = "".join(chr(c) for c in range(0x40000) if not 0xD800 <= c < 0xE000)


@pytest.mark.parametrize("source", [
    r"\p{Han}", r"\s", r"\d", r"[\p{Han}a-c]", r"[\d〇]", r"\p{Han}\s?\d", r"[^\p{Han}]",
])
def test_dialect_classes_match_what_regex_matches_on_every_character(source):
    ours = re.compile(re_dialect(source))
    assert [m.span() for m in ours.finditer(EVERY_CHARACTER)] == \
        [m.span() for m in regex.finditer(source, EVERY_CHARACTER)]


@pytest.mark.parametrize("flags", [0, re.VERBOSE])
def test_code_ranges_match_exactly_their_code_points(flags):
    """Range ends written as characters or as escapes (specials, spaces, controls, surrogates):
    either way the class holds exactly the given code points."""
    rng = random.Random(3)
    specials = [ord(c) for c in "\\]^-[&~|# \t\n"] + [0, 0x1F, 0x85, 0xD800, 0xDFFF, 0x3000]
    for _ in range(40):
        codes = set(rng.sample(specials, 6)) | {rng.randrange(0x110000) for _ in range(30)}
        codes |= {c + 1 for c in rng.sample(sorted(codes), 10)}  # some runs
        pattern = re.compile("[" + code_ranges((c, c + 1) for c in sorted(codes)) + "]", flags)
        probe = sorted(codes | {c - 1 for c in codes if c} | {c + 1 for c in codes if c < 0x10FFFF})
        found = {c for c in probe if pattern.fullmatch(chr(c))}
        assert found == codes


@pytest.mark.parametrize("text, expected", [
    ("数x", []), ("数十x", []), ("十x", [1]), ("x", [0]), ("若干x", []), ("干x", [1]),
])
def test_not_after_rejects_each_word_whatever_its_length(text, expected):
    pattern = re.compile(not_after(["数", "若干", "数十"]) + "x")
    assert [m.start() for m in pattern.finditer(text)] == expected


@pytest.mark.parametrize("text, matches", [
    ("5 Billion", True), ("5 BILLION", True), ("5 bİllion", True), ("5 bıllion", False), ("5bn", True),
])
def test_ignoring_case_is_regexs_case_folding(text, matches):
    source = "[0-9] ?" + ignoring_case(["billion", "bn"])
    assert bool(re.search(source, text)) == bool(regex.search("[0-9] ?(?i:billion|bn)", text)) == matches


@pytest.mark.parametrize("text", [
    "资本支出", "今年CAPEX", "capex", "cApEx", "\u212awh", "KWH", "ſpend", "SPEND", "spends", "bıllion", "İn", "in",
    "资本开支与capex", "无关的文字",
])
@pytest.mark.parametrize("ignore_case", [False, True])
def test_literal_words_find_what_regex_finds_with_the_plain_alternation(text, ignore_case):
    words = ["资本支出", "资本开支", "资本", "capex", "kwh", "spend", "spends", "in", "billion"]
    ours = re.compile(literal_words(words, ignore_case=ignore_case))
    theirs = regex.compile("|".join(sorted(words, key=len, reverse=True)), regex.IGNORECASE if ignore_case else 0)
    assert [m.span() for m in ours.finditer(text)] == [m.span() for m in theirs.finditer(text)]


PIECES = ["2025", "25", "年", "月", "季度", "财年", "財年", "FY", "Q3", "H1", "上半年", "今年", "去年", "前三季",
          "截至", "（", "）", "亿", "万", "美元", "元", "新台币", "约", "逾", "至", "~", "-", "%", "成", "倍", "百分点",
          "增长", "下降", "翻一番", "三", "十", "两", "百", "千", " ", "\u3000", "\x1c", "\n", "５", "٣", "ı", "İ",
          "billion", "BN", "m", "US$", "$", ".", "．", "同期", "底", "前", "内", "第", "〇", "々", "\U00020000", "Ab"]


def _texts(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(PIECES) for _ in range(rng.randint(1, 14))) for _ in range(count)]


def _compiled_patterns() -> dict[str, re.Pattern]:
    found = {"money": money._PATTERN, "money single": money._SINGLE, "percent": percent._PATTERN}
    found.update({f"period {k}": v for k, v in period_rules.patterns().items() if isinstance(v, re.Pattern)})
    return found


@pytest.mark.parametrize("name", sorted(_compiled_patterns()))
def test_big_patterns_find_what_regex_finds_in_their_source(name):
    ours = _compiled_patterns()[name]
    theirs = regex.compile(ours.pattern, regex.VERBOSE if ours.flags & re.VERBOSE else 0)
    for text in _texts(4000, seed=len(name)):
        assert [(m.span(), m.groups()) for m in ours.finditer(text)] == \
            [(m.span(), m.groups()) for m in theirs.finditer(text)], text
