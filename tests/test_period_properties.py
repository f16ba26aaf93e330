"""Properties of the period recogniser on arbitrary text: it never raises, offsets are exact, spans are ordered."""
from __future__ import annotations

import datetime as dt
import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.document import Mention
from pipeline.recognize.numbers import normalise_digits
from pipeline.recognize.period import find_periods
from pipeline.recognize.period_rules import patterns

# Pieces that period patterns are made of, so random text often comes close to a real period.
PIECES = ["2024", "2025", "24", "1", "10", "12", "年", "月", "日", "号", "季", "度", "第", "四", "一", "十二",
          "财年", "財年", "FY", "Q", "H", "A", "E", "上", "下", "半", "全", "本", "今", "去", "明", "前", "同期",
          "截至", "（", "）", "(", ")", "~", "-", "至", "、", "，", "。", "\n", "内", "底", "初", "期", "民國", "114",
          "/", ".", ":", " ", "亿", "进", "个"]
period_like = st.lists(st.sampled_from(PIECES), max_size=60).map("".join)
any_text = st.one_of(st.text(max_size=300), period_like,
                     st.lists(st.one_of(st.text(max_size=5), st.sampled_from(PIECES)), max_size=60).map("".join))
dates = st.one_of(st.none(), st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2060, 12, 31)))
FISCAL = {"Microsoft": 6, "Micron": 8, "Sony": 3, "Odd": 12, "Weird": 1}.get


def _companies(text: str, positions: list[int]) -> list[Mention]:
    found = []
    for pos, name in zip(positions, ("Microsoft", "Sony", "Micron", "Odd", "Weird")):
        if text and pos < len(text):
            found.append(Mention(type="company", text=text[pos], start=pos, end=pos + 1, name=name))
    return found


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=any_text, pub=dates, positions=st.lists(st.integers(min_value=0, max_value=300), max_size=5))
def test_never_raises_and_offsets_are_exact(text, pub, positions):
    mentions = find_periods(text, pub_date=pub, companies=_companies(text, positions), fiscal_year_end=FISCAL)
    previous_end = 0
    for mention in mentions:
        assert mention.type == "period"
        assert text[mention.start:mention.end] == mention.text
        assert mention.start >= previous_end          # in order, not overlapping
        previous_end = mention.end
        assert mention.period_end is not None
        if mention.period_start is not None:
            assert mention.period_start <= mention.period_end
        for value in (mention.period_start, mention.period_end):
            assert value is None or (len(value) == 7 and 1 <= int(value[5:]) <= 12)


@settings(max_examples=200, deadline=None)
@given(text=period_like)
def test_undated_text_has_no_publication_anchored_periods(text):
    for mention in find_periods(text):
        assert mention.info["anchor"] != "pub_date"


def _timed(text: str) -> float:
    start = time.perf_counter()
    find_periods(text, pub_date=dt.date(2025, 3, 1))
    return time.perf_counter() - start


def test_100kb_of_period_dense_text_is_fast():
    sentence = ("公司2024年10~12月资本开支同比增长，较上年同期增加；今年一季度预计持平，"
                "2025财年（截至2025年6月）投资800亿美元，2月6日公布，近5年平均每年投资。\n")
    text = (sentence * (100_000 // len(sentence) + 1))[:100_000]
    assert _timed(text) < 2.0


def test_100kb_of_repeated_trigger_characters_is_fast():
    for char in ("年", "一", "2", "的", "上", "第"):
        assert _timed(char * 100_000) < 2.0


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("。！？!?”）)\n \t　ab资本12")), max_size=60))
def test_segment_starts_equal_the_split_segments(text):
    from pipeline.sentences import paragraph_starts, sentence_starts, split_paragraphs, split_sentences

    assert sentence_starts(text) == [s.start for s in split_sentences(text)]
    assert paragraph_starts(text) == [p.start for p in split_paragraphs(text)]


@settings(max_examples=400, deadline=None)
@given(text=any_text)
def test_periods_start_where_the_start_pattern_finds_one(text):
    """scan tries the main pattern only where "start" matches: that must hold wherever main matches."""
    compiled = patterns()
    text = normalise_digits(text)
    for at in range(len(text)):
        m = compiled["main"].match(text, at)
        if m is not None and m.end() > at:
            assert compiled["start"].match(text, at) is not None, (text, at, m.group())
