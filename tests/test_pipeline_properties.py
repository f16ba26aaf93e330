"""Properties of the company recogniser and of the whole pipeline on random text.

Text is drawn from our own lexicons (company aliases, currencies, numerals, period and capex
words), digits, Chinese numerals and punctuation, so it often comes close to a real fact.
Nothing may raise; every mention's text is the text at its span; values are finite and, for
money, non-negative and at most 10^16; the same input twice gives the same output; and
100 KB of any one repeated piece takes less than 2 s (CPU) in the company recogniser.
"""
from __future__ import annotations

import datetime as dt
import json
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import pipeline
from pipeline.company_table import load_company_table
from pipeline.lexicon import load_data
from pipeline.recognize import numbers
from pipeline.recognize.company import find_companies
from pipeline.recognize.company_groups import find_groups


def _words() -> list[str]:
    words: set[str] = set("0123456789０１２３４５６７８９.,，。、/-~ %％()（）$：:；“”「」《》\n")
    words |= set(numbers.numerals()["digits"]) | set(numbers.numerals()["units"])
    words |= set(numbers.numerals()["magnitudes"])
    aliases = sorted(load_company_table().aliases())
    words |= set(aliases[::7])  # a spread of the table, not all of it: keeps examples varied
    capex = load_data("capex_terms.yaml")
    for key in ("strong_triggers", "spending_verbs", "capex_objects", "forecast_cues", "plan_cues", "yoy_markers",
                "reference_words", "aggregate_words"):
        words |= {w for w in capex.get(key, []) if isinstance(w, str)}
    money = load_data("money.yaml")
    words |= {w for w in money["currencies_after"]} | {w for w in money["currencies_before"]}
    words |= {"今年", "去年", "明年", "2025年", "2024财年", "第一季度", "上半年", "同比增长", "下降", "倍", "成",
              "亿美元", "新台幣", "億元", "约", "逾", "至", "（下称“", "”）", "（2330）", "集团", "股份有限公司",
              "公司", "4家企业", "三大云厂商", "称", "表示", "预计", "http://a.cn/", "版权所有", "图：", "某某"}
    return sorted(words)


WORDS = _words()
lexicon_text = st.lists(st.sampled_from(WORDS), max_size=50).map("".join)
any_text = st.one_of(lexicon_text, st.text(max_size=120),
                     st.lists(st.one_of(st.sampled_from(WORDS), st.text(max_size=4)), max_size=40).map("".join))
dates = st.one_of(st.none(), st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2060, 12, 31)))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(any_text)
def test_company_recogniser_is_safe_and_exact(text):
    mentions = find_companies(text)
    for mention in mentions:
        assert mention.type == "company" and mention.name
        assert text[mention.start:mention.end] == mention.text
    for group in find_groups(text, mentions):
        assert text[group.start:group.end] == group.text
    assert find_companies(text) == mentions


def _check(result, text: str) -> None:
    for mention in result.mentions:
        assert text[mention.start:mention.end] == mention.text
        for value in (mention.value, mention.value_high):
            if value is not None:
                assert value.is_finite()
                if mention.type == "money":
                    assert 0 <= value <= 10 ** 16
                if mention.type == "percent":
                    assert value >= 0
    for fact in result.facts:
        record = fact.to_json()
        json.dumps(record, allow_nan=False)  # finite numbers only: NaN/inf would not be JSON
        if fact.evidence is not None:
            assert text[fact.evidence.start:fact.evidence.end] == fact.evidence.sentence
        if fact.amount is not None:
            assert 0 <= fact.amount.value <= 10 ** 16
        assert fact.status in ("actual", "plan", "forecast")


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(any_text, dates)
def test_whole_pipeline_never_raises_and_spans_are_exact(text, date):
    result = pipeline.extract(text, date=date)
    _check(result, text)
    assert pipeline.extract(text, date=date).to_json() == result.to_json()


COMPANY_UNITS = ["微软", "微软，", "台积电（2330）", "欣興（3037）", "公司DigitalBridge ", "某某科技集团", "某某股份有限公司，",
                 "（下称“腾讯”）", "腾讯（下称“鹅厂”）鹅厂", "新华社北京3月1日电", "美国美光公司", "谷歌母公司Alphabet",
                 "4家企业", "微软、谷歌和亚马逊", "厂商沪硅产业日前公告", "有限公司", "科技", "中央社記者某某台北15日電",
                 "三星电子", "Samsung Electronics ", "版权所有微软", "http://a.cn/微软"]


@pytest.mark.parametrize("unit", COMPANY_UNITS, ids=range(len(COMPANY_UNITS)))
def test_company_recogniser_100kb_is_fast(unit):
    find_companies("微软今年投资。某某科技集团")  # tables and jieba loaded outside the clock
    text = (unit * (100_000 // len(unit) + 1))[:100_000]
    began = time.process_time()  # CPU time: the guard is against quadratic work, not a busy machine
    find_groups(text, find_companies(text))
    assert time.process_time() - began < 2.0


def test_mention_init_takes_exactly_the_dataclass_fields():
    """Mention writes its own __init__ (speed): it must keep up with the fields."""
    import dataclasses
    import inspect

    from pipeline.document import Mention

    params = list(inspect.signature(Mention.__init__).parameters)[1:]
    assert params == [f.name for f in dataclasses.fields(Mention)]
    mention = Mention(type="money", text="1亿元", start=0, end=3)
    assert mention.info == {} and mention.info is not Mention(type="money", text="x", start=0, end=1).info


def test_document_init_takes_exactly_the_dataclass_fields():
    """Document writes its own __init__ too (one per article): the same fields, defaults and checks."""
    import dataclasses
    import inspect

    from pipeline.document import Document

    signature = inspect.signature(Document.__init__)
    assert list(signature.parameters)[1:] == [f.name for f in dataclasses.fields(Document)]
    for f in dataclasses.fields(Document):
        if f.default is not dataclasses.MISSING:
            assert signature.parameters[f.name].default == f.default
    document = Document("a", "正文", date=dt.date(2025, 1, 1))
    assert (document.title, document.fmt, document.encoding, document.meta) == (None, "text", "utf-8", {})
    assert document.meta is not Document("a", "正文").meta
    assert dataclasses.replace(document, text="别的") == Document("a", "别的", date=dt.date(2025, 1, 1))
    with pytest.raises(dataclasses.FrozenInstanceError):
        document.text = "x"


def test_mention_info_is_copied_and_made_plain():
    from decimal import Decimal

    from pipeline.document import Mention

    scalars = {"alias": "谷歌", "relative": True, "restates": 2, "anchor": None}
    mention = Mention(type="company", text="谷歌", start=0, end=2, name="Alphabet", info=scalars)
    record = mention.to_json("d")
    assert record["info"] == scalars and record["info"] is not scalars
    nested = {"members": ("Meta", "Alphabet"), "share": Decimal("0.25"), "total": Decimal("1E+9"), "flag": False}
    record = Mention(type="company", text="谷歌", start=0, end=2, info=nested).to_json("d")
    assert record["info"] == {"members": ["Meta", "Alphabet"], "share": 0.25, "total": 1000000000, "flag": False}
    assert json.dumps(record["info"])  # plain JSON types only
