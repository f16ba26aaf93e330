"""Percent recogniser: the case table tests/cases/percent.yaml, plus the spaCy component."""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
import spacy
import yaml
from spacy.language import Language
from spacy.tokens import Doc
from spacy.vocab import Vocab

from pipeline.recognize.percent import PercentRecognizer, find_percents, make_percent_recognizer

CASES = yaml.safe_load((Path(__file__).parent / "cases" / "percent.yaml").read_text(encoding="utf-8"))


def _param(case: dict):
    marks = [pytest.mark.xfail(strict=True, reason=case["xfail"])] if case.get("xfail") else []
    return pytest.param(case, id=case["text"][:24], marks=marks)


@pytest.mark.parametrize("case", [_param(c) for c in CASES])
def test_percent_case(case):
    text = case["text"]
    found = find_percents(text)
    assert [(m.text, m.kind, m.value) for m in found] == [
        (e["text"], e["kind"], Decimal(str(e["value"]))) for e in case["expect"]]
    for mention, item in zip(found, case["expect"]):
        assert text[mention.start:mention.end] == mention.text
        assert mention.qualifier == item.get("qualifier", mention.qualifier)
        for key, value in (item.get("info") or {}).items():
            assert mention.info.get(key) == value, key


def test_case_table_is_large_enough():
    assert len(CASES) >= 60


def test_every_mention_has_the_info_keys():
    for mention in find_percents("增长5%，是上年的2倍，翻一番，下降3至4成"):
        assert {"direction", "verb", "of_base", "range_pair"} <= set(mention.info)


@pytest.fixture()
def nlp(monkeypatch):
    # spacy.blank imports every spacy_factories entry point of the installed package, the other
    # recognisers' too; this test is about this component only, registered by importing it above
    monkeypatch.setattr(spacy.util.registry._entry_point_factories, "get_entry_points", dict)
    return spacy.blank("zh")


def test_factory_is_registered():
    assert Language.has_factory("capex_percent")


def test_component_on_a_bare_doc():
    text = "利润增长3成"
    doc = Doc(Vocab(), words=list(text), spaces=[False] * len(text))
    doc = PercentRecognizer()(doc)
    assert [(m.text, m.value) for m in doc._.mentions] == [("3成", Decimal("0.3"))]
    assert [span.text for span in doc.spans["percent"]] == ["3成"]


def test_component(nlp):
    nlp.add_pipe("capex_percent")
    doc = nlp("营收增长42%，利润翻了一番。")
    assert [(m.text, m.kind) for m in doc._.mentions] == [("42%", "percent"), ("翻了一番", "multiple")]
    assert len(doc.spans["percent"]) == 2


def test_factory_function_directly(nlp):
    doc = make_percent_recognizer(nlp, "p")(nlp("约3成"))
    assert doc._.mentions[0].value == Decimal("0.3")
