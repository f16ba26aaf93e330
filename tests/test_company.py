"""Company recogniser, driven by tests/cases/company.yaml (own sentences)."""
from __future__ import annotations

import random
from pathlib import Path

import pytest
import yaml

from pipeline.recognize.company import find_companies
from pipeline.recognize.company_aliases import MaskedSpans
from pipeline.recognize.company_groups import Group, find_groups, resolve_reference

CASES = yaml.safe_load((Path(__file__).parent / "cases" / "company.yaml").read_text(encoding="utf-8"))


def _params(section):
    params = []
    for i, case in enumerate(CASES[section]):
        marks = [pytest.mark.xfail(reason=case["xfail"], strict=True)] if case.get("xfail") else []
        params.append(pytest.param(case, id=f"{section}-{i}-{case['text'][:12]}", marks=marks))
    return params


@pytest.mark.parametrize("case", _params("mentions"))
def test_mentions(case):
    text = case["text"]
    found = find_companies(text)
    for m in found:
        assert text[m.start:m.end] == m.text
    assert [[m.text, m.name] for m in found] == case["mentions"]


@pytest.mark.parametrize("case", _params("groups"))
def test_groups(case):
    text = case["text"]
    groups = find_groups(text, find_companies(text))
    got = [{"text": g.text, "size": g.size, "members": sorted(g.members)} for g in groups]
    want = [{**g, "members": sorted(g["members"])} for g in case["groups"]]
    assert got == want
    for g in groups:
        assert isinstance(g, Group) and text[g.start:g.end] == g.text


@pytest.mark.parametrize("case", _params("references"))
def test_references(case):
    text = case["text"]
    ref = case["reference"]
    position = text.index(ref["at"])
    assert resolve_reference(text, position, find_companies(text)) == ref["expect"]


def test_case_count():
    assert sum(len(CASES[k]) for k in ("mentions", "groups", "references")) >= 60


def test_spacy_component_puts_mentions_and_groups_on_doc():
    from spacy.language import Language
    from spacy.tokens import Doc
    from spacy.vocab import Vocab

    from pipeline.recognize.company import make_company_recognizer

    assert Language.has_factory("capex_company")
    text = "美国亚马逊等4家主要企业的投资增加，微软和Meta也在加码。"
    doc = Doc(Vocab(), words=list(text), spaces=[False] * len(text))
    doc = make_company_recognizer(None, "capex_company")(doc)
    names = [(m.text, m.name) for m in doc._.mentions if m.type == "company"]
    assert ("美国亚马逊", "Amazon") in names and ("微软", "Microsoft") in names
    assert [s.text for s in doc.spans["company"]][:1] == ["美国亚马逊"]
    assert doc._.groups and doc._.groups[0].size == 4


def test_masked_spans_answer_as_a_test_of_every_span():
    """MaskedSpans (the masked stretches, bisected) against the plain definition, on random nested,
    overlapping and touching spans."""
    rng = random.Random(7)
    for _ in range(300):
        spans = [(s, s + rng.randrange(0, 12)) for s in (rng.randrange(0, 60) for _ in range(rng.randrange(0, 8)))]
        masked = MaskedSpans(spans)
        for _ in range(20):
            start = rng.randrange(0, 70)
            end = start + rng.randrange(0, 10)
            assert masked.covers(start, end) == any(s <= start and end <= e for s, e in spans), (spans, start, end)
