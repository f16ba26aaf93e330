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


def test_footer_start_class_is_every_first_character_of_a_footer_word_in_any_case():
    """footer_spans tries the case-insensitive footer words only where one of _FOOTER_FIRSTS
    stands: they must be every character a word's first one matches."""
    import re

    from pipeline.recognize import company_aliases as A

    every = "".join(map(chr, range(0x110000)))
    first = re.compile("(?i:" + "|".join(re.escape(w[0]) for w in A._FOOTER_WORDS) + ")")
    assert set(A._FOOTER_FIRSTS) == set(first.findall(every))


@pytest.mark.parametrize("text", [
    "正文。\n版权所有 © 某报 Copyright\n图片来源：路透", "ALL RIGHTS RESERVED by x\nabc COPYRIGHT acme",
    "正文很长" * 40 + "版权\n转载请注明", "cccCopyright", "aAll rights reserved\n", "Copyrıght 2025\nAll rıghts"])
def test_footer_spans_as_a_scan_of_every_footer_word(text):
    """footer_spans (from the places a footer word can start) against the plain scan of its words."""
    from pipeline.recognize import company_aliases as A

    spans, line_end = [], -1
    for word in A._FOOTER_WORD.finditer(text):
        if word.start() < line_end:
            continue
        line_start = text.rfind("\n", 0, word.start()) + 1
        line_end = text.find("\n", word.start())
        line_end = len(text) if line_end < 0 else line_end
        if len(text[line_start:line_end].strip()) <= 120:
            spans.append((line_start, line_end))
    assert A.footer_spans(text) == spans


@pytest.mark.parametrize("text", [
    "欣興（3037）与（600519.SH）及(AAPL.US)、（代码：TSLA）和（ 0700.HK ）", "((3037))（（600519））", "（股票代码：002594）比亚迪",
    "no code (here) and （那里）", "(12345)(NASDAQ: NVDA)(KRX:005930)", ""])
def test_stock_codes_as_the_pattern_scan_finds_them(text):
    from pipeline.recognize import company_rules as R
    from pipeline.recognize.company_unknown import _stock_codes

    assert [m.span() for m in _stock_codes(text)] == [m.span() for m in R.STOCK_CODE.finditer(text)]


def test_stock_codes_on_random_texts():
    from pipeline.recognize import company_rules as R
    from pipeline.recognize.company_unknown import _stock_codes

    rng = random.Random(11)
    pieces = ["（", "(", "）", ")", "3037", "600519", ".SH", "代码", "：", ":", " ", "AAPL", ".US", "欣興", "HK", "x"]
    for _ in range(2000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randrange(0, 12)))
        assert [m.span() for m in _stock_codes(text)] == [m.span() for m in R.STOCK_CODE.finditer(text)], text


def test_group_starts_as_the_pattern_scan_finds_them():
    """_group_starts (the classifiers str.find finds, each tried) against _GROUP_START's own scan."""
    from pipeline.recognize import company_groups as G

    rng = random.Random(5)
    pieces = ["家", "大", "个", "個", "3", "12", "三", "十", " ", "\u3000", "企业", "x", "、", "\n", "扩", "两", "百"]
    for _ in range(3000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randrange(0, 10)))
        assert G._group_starts(text) == [m.start() for m in G._GROUP_START.finditer(text)], text


def test_word_classes_answer_as_the_tag_table_for_every_word():
    """_is_stop_word / _is_weak_name against the word -> tag table they replace (a table alias
    tagged nt, a word the dictionary lacks x)."""
    from pipeline.jieba_dicts import word_tags
    from pipeline.recognize import company_unknown as U
    from pipeline.recognize.company_aliases import alias_forms

    def tag(word):
        return "nt" if word in alias_forms() else word_tags().get(word, "x")

    for word in [*word_tags(), *alias_forms(), "不是词语的", "", "\ud800"]:
        assert U._is_stop_word(word) == tag(word).startswith(U._STOP_TAGS), word
        assert U._is_weak_name(word) == tag(word).startswith(U._WEAK_NAME_TAGS), word


def test_non_company_trie_finds_what_the_longest_first_alternation_finds():
    import re

    from pipeline.company_table import load_company_table
    from pipeline.recognize.company_aliases import non_company_pattern

    words = load_company_table().non_companies
    flat = re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)))
    rng = random.Random(3)
    pieces = [*words, *(w[:-1] for w in words), "公司", "x", "。"]
    for _ in range(2000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randrange(0, 8)))
        assert [m.span() for m in non_company_pattern().finditer(text)] == [m.span() for m in flat.finditer(text)]


def test_company_mention_sets_the_fields_by_keyword_would():
    from pipeline.document import Mention
    from pipeline.recognize.company_aliases import company_mention

    made = company_mention("美国美光公司", 2, 4, "Micron", alias="美光")
    assert made == Mention(type="company", text="美光", start=2, end=4, name="Micron", info={"alias": "美光"})
    assert made.__dict__ == Mention(type="company", text="美光", start=2, end=4, name="Micron",
                                    info={"alias": "美光"}).__dict__


def test_country_prefix_before_as_the_pattern_finds_it():
    from pipeline.recognize import company_rules as R

    rng = random.Random(13)
    pieces = [*R.COUNTRY_PREFIXES, "\n", "国", "大", "x", "美", "亚"]
    for _ in range(3000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randrange(0, 6)))
        for start in range(len(text) + 1):
            m = R.COUNTRY_PREFIX_BEFORE.search(text, max(0, start - 6), start)
            assert R.country_prefix_before(text, start) == (m.start() if m else None), (text, start)


def test_no_basic_han_character_is_a_digit_or_a_space_to_regex():
    """_group_starts skips a classifier right after a Han character (U+4E00-U+9FFF) that is no numeral."""
    import regex

    assert not regex.search(r"[\d\s]", "".join(map(chr, range(0x4E00, 0xA000))))
