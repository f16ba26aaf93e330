"""Property tests for the money and percent recognisers: any text is safe, spans are exact,
values are finite and non-negative, output is deterministic, and long inputs stay fast."""
from __future__ import annotations

import itertools
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.recognize import money, numbers, percent
from pipeline.recognize.money import find_money
from pipeline.recognize.percent import find_percents


def _lexicon_words() -> list[str]:
    """Every word the two recognisers know, plus digits, numerals and separators."""
    words: set[str] = set("0123456789０１２３４５６７８９.,，。、/-~ %％()（）$")
    words |= set(numbers.numerals()["digits"]) | set(numbers.numerals()["units"])
    words |= set(numbers.numerals()["magnitudes"]) | set(numbers.numerals()["english_scales"])
    for lex in (money.lexicon(), percent.lexicon()):
        for value in lex.values():
            if isinstance(value, dict):
                words |= {w for w in value if isinstance(w, str)}
                words |= {w for v in value.values() if isinstance(v, list) for w in v}
            elif isinstance(value, list):
                words |= set(value)
    words |= {"http://a.cn/", "width:", "的", "同比", "增长", "翻", "每股", "年", "月", "日"}
    return sorted(words)


WORDS = _lexicon_words()
lexicon_text = st.lists(st.sampled_from(WORDS), max_size=40).map("".join)
any_text = st.one_of(st.text(max_size=80), lexicon_text)


def _check(text: str) -> None:
    for mention in find_money(text) + find_percents(text):
        assert text[mention.start:mention.end] == mention.text
        assert mention.value is not None and mention.value.is_finite() and mention.value >= 0
        if mention.value_high is not None:
            assert mention.value_high.is_finite() and mention.value_high >= mention.value
        if mention.type == "money":
            assert mention.currency and mention.qualifier in ("exact", "approx", "over", "under", "range")
            assert mention.value <= 10 ** 16
        else:
            assert mention.kind in ("percent", "multiple")


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(any_text)
def test_any_text_is_safe_and_spans_are_exact(text):
    _check(text)


@settings(max_examples=200, deadline=None)
@given(lexicon_text)
def test_same_input_same_output(text):
    assert find_money(text) == find_money(text)
    assert find_percents(text) == find_percents(text)


@settings(max_examples=100, deadline=None)
@given(lexicon_text, lexicon_text)
def test_mentions_are_in_text_order_and_do_not_overlap(left, right):
    text = left + "。" + right
    for found in (find_money(text), find_percents(text)):
        for first, second in itertools.pairwise(found):
            assert first.end <= second.start


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(["TWD", "HKD", "CNY", "JPY"]), lexicon_text)
def test_local_currency_only_changes_bare_yuan(local, text):
    for mention in find_money(text, local_currency=local):
        if not mention.info.get("bare_yuan"):
            assert mention.currency != "LOCAL"
        else:
            assert mention.currency == local


LONG_UNITS = ["1234567890", "1,234.5亿美元至", "一二三四五六七八九十百千万亿兆", "1-1-1-1/2/3/",
              "约新台幣美元元人民币", "3成多%倍翻", "9" * 50 + "亿", "十" * 30 + "亿元", "1/" * 40 + "pct", "约" * 40 + "5%", "0.5-" * 30,
              "1兆" * 20 + "億元", "百分之" * 20 + "十", "$1-$" * 20]


@pytest.mark.parametrize("unit", LONG_UNITS, ids=range(len(LONG_UNITS)))
def test_100kb_input_is_fast(unit):
    text = (unit * (100_000 // len(unit) + 1))[:100_000]
    began = time.process_time()  # CPU time: the guard is against backtracking, not a busy machine
    find_money(text)
    find_percents(text)
    assert time.process_time() - began < 2.0
