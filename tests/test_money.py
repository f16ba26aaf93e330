"""Money recogniser: the case table tests/cases/money.yaml, plus the spaCy component."""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
import spacy
import yaml
from spacy.language import Language
from spacy.tokens import Doc
from spacy.vocab import Vocab

from pipeline.recognize.base import DOC_EXTENSIONS, doc_extension, set_doc_extension
from pipeline.recognize.money import MoneyRecognizer, find_money, make_money_recognizer

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
CASES = yaml.safe_load((Path(__file__).parent / "cases" / "money.yaml").read_text(encoding="utf-8"))


def _param(case: dict):
    marks = [pytest.mark.xfail(strict=True, reason=case["xfail"])] if case.get("xfail") else []
    return pytest.param(case, id=case["text"][:24], marks=marks)


def _view(mention) -> dict:
    return {"text": mention.text, "value": mention.value, "value_high": mention.value_high,
            "currency": mention.currency, "qualifier": mention.qualifier}


def _expected(item: dict) -> dict:
    high = item.get("value_high")
    return {"text": item["text"], "value": Decimal(str(item["value"])),
            "value_high": Decimal(str(high)) if high is not None else None,
            "currency": item["currency"], "qualifier": item["qualifier"]}


@pytest.mark.parametrize("case", [_param(c) for c in CASES])
def test_money_case(case):
    text = case["text"]
    found = find_money(text, local_currency=case.get("local", "CNY"))
    assert [_view(m) for m in found] == [_expected(e) for e in case["expect"]]
    for mention, item in zip(found, case["expect"]):
        assert text[mention.start:mention.end] == mention.text
        for key, value in (item.get("info") or {}).items():
            assert mention.info.get(key) == value, key


def test_case_table_is_large_enough():
    assert len(CASES) >= 80


def test_bare_yuan_follows_local_currency():
    (twd,) = find_money("年度預算為120億元", local_currency="TWD")
    (cny,) = find_money("年度預算為120億元")
    assert (twd.currency, cny.currency) == ("TWD", "CNY")
    assert twd.info["bare_yuan"] and cny.info["bare_yuan"]


def test_named_currency_ignores_local_currency():
    (mention,) = find_money("投资80亿美元", local_currency="TWD")
    assert mention.currency == "USD" and "bare_yuan" not in mention.info


def test_offsets_in_longer_text():
    text = "甲公司今年投资约300亿元，乙公司投资2,400亿日元。"
    found = find_money(text)
    assert [(m.start, m.end) for m in found] == [(7, 13), (19, 27)]
    assert all(text[m.start:m.end] == m.text for m in found)


@pytest.fixture()
def nlp(monkeypatch):
    # spacy.blank imports every spacy_factories entry point of the installed package, the other
    # recognisers' too; this test is about this component only, registered by importing it above
    monkeypatch.setattr(spacy.util.registry._entry_point_factories, "get_entry_points", dict)
    return spacy.blank("zh")


def test_factory_is_registered():
    assert Language.has_factory("capex_money")


def test_component_on_a_bare_doc():
    text = "投资10亿美元"
    doc = Doc(Vocab(), words=list(text), spaces=[False] * len(text))
    doc = MoneyRecognizer()(doc)
    assert [(m.text, m.currency) for m in doc._.mentions] == [("10亿美元", "USD")]
    assert [span.text for span in doc.spans["money"]] == ["10亿美元"]


def test_doc_extension_reads_and_writes_what_doc_underscore_does():
    doc = Doc(Vocab(), words=["投资"], spaces=[False])
    for name, default in DOC_EXTENSIONS.items():  # unset: the registered default (None) either way
        assert doc_extension(doc, name) is default is getattr(doc._, name)
    doc._.locale_currency = "TWD"
    set_doc_extension(doc, "rejected", [{"type": "money"}])
    assert doc_extension(doc, "locale_currency") == "TWD"
    assert doc._.rejected == [{"type": "money"}]


def test_component_keeps_earlier_rejections():
    text = "投资10亿美元，另有1000000000000亿元"
    doc = Doc(Vocab(), words=list(text), spaces=[False] * len(text))
    doc._.rejected = [{"type": "percent"}]
    doc = MoneyRecognizer()(doc)
    assert [r["type"] for r in doc._.rejected] == ["percent", "money"]


def test_component_uses_doc_locale(nlp):
    nlp.add_pipe("capex_money")
    doc = nlp.make_doc("資本支出為新台幣300億元，另有50億元。")
    doc._.locale_currency = "TWD"
    doc = nlp(doc)
    assert [(m.text, m.currency) for m in doc._.mentions] == [("新台幣300億元", "TWD"), ("50億元", "TWD")]
    assert len(doc.spans["money"]) == 2


def test_component_configured_currency_wins(nlp):
    nlp.add_pipe("capex_money", config={"local_currency": "HKD"})
    doc = nlp("收入為12億元")
    assert doc._.mentions[0].currency == "HKD"


def test_component_default_is_cny(nlp):
    nlp.add_pipe("capex_money")
    doc = nlp("收入为12亿元")
    assert doc._.mentions[0].currency == "CNY"


def test_factory_function_directly(nlp):
    component = make_money_recognizer(nlp, "m", None)
    doc = component(nlp("投资10亿美元"))
    assert doc._.mentions[0].value == Decimal(1000000000)


def test_single_amount_pattern_reads_the_first_amount_alone():
    """_SINGLE (a range's first amount re-read alone) numbers its groups as _PATTERN does and, where
    _PATTERN matches, matches what _PATTERN matches with its range part left out."""
    from pipeline.recognize import money

    assert money._SINGLE.groupindex == money._PATTERN.groupindex
    assert money._SINGLE.groups == money._PATTERN.groups
    texts = [path.read_text(encoding="utf-8", errors="replace") for path in sorted(SAMPLES.iterdir()) if path.is_file()]
    texts += ["100亿元至100亿元", "300亿至350亿美元", "约1兆2724億新台幣左右", "US$2.5 billion-3 billion"]
    tail = money._G["tail"]
    for text in texts:
        for match in money._PATTERN.finditer(text):
            single = money._SINGLE.match(text, match.start())
            assert single is not None and single.group(tail) is None
            if match.group(tail) is None:
                assert (single.span(), single.groups()) == (match.span(), match.groups())
