"""Period recogniser: the case table tests/cases/period.yaml, plus the mention fields and the spaCy component."""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from random import Random

import pytest
import regex
import yaml

from pipeline.document import Mention
from pipeline.lexicon import LexiconError
from pipeline.recognize.period import find_periods
from pipeline.recognize.period_rules import _check_not_after, _check_relative_years, period_words
from pipeline.sentences import SENTENCE_END

TABLE = yaml.safe_load((Path(__file__).parent / "cases" / "period.yaml").read_text(encoding="utf-8"))
FISCAL = TABLE["fiscal_table"]


def _params():
    for number, case in enumerate(TABLE["cases"]):
        marks = [pytest.mark.xfail(strict=True, reason=case["xfail"])] if case.get("xfail") else []
        yield pytest.param(case, id=f"{number:03d}-{case['text'][:14]}", marks=marks)


def _companies(text: str, companies: dict[str, str]) -> list[Mention]:
    found = []
    for name, surface in companies.items():
        start = text.find(surface)
        assert start >= 0, f"company form {surface!r} not in the case text"
        found.append(Mention(type="company", text=surface, start=start, end=start + len(surface), name=name))
    return found


def _render(mention: Mention) -> str:
    rendered = f"{mention.text} = {mention.period_start or ''}..{mention.period_end}"
    return rendered + (" fiscal" if mention.fiscal else "")


def run_case(case: dict) -> list[Mention]:
    pub = case.get("pub")
    if isinstance(pub, str):
        pub = dt.date.fromisoformat(pub)
    return find_periods(case["text"], pub_date=pub, companies=_companies(case["text"], case.get("companies") or {}),
                        fiscal_year_end={**FISCAL, **(case.get("fiscal") or {})}.get)


@pytest.mark.parametrize("case", list(_params()))
def test_case(case):
    mentions = run_case(case)
    assert [_render(m) for m in mentions] == case["expect"]
    for mention in mentions:
        assert case["text"][mention.start:mention.end] == mention.text


def test_table_is_large_enough():
    assert len(TABLE["cases"]) >= 90
    assert sum(1 for c in TABLE["cases"] if any(ch in c["text"] for ch in "財會當臺資")) >= 8


def test_info_fields():
    text = "公司2024年资本开支增长，今年将继续投资，较去年同期更高。"
    by_text = {m.text: m for m in find_periods(text, pub_date=dt.date(2025, 3, 1))}
    assert by_text["2024年"].info == {"relative": False, "granularity": "year", "anchor": None}
    assert by_text["今年"].info == {"relative": True, "granularity": "year", "anchor": "pub_date"}
    assert by_text["去年同期"].info["anchor"] == "context"


@pytest.mark.parametrize("text, pub, granularity", [
    ("2025年第三季度", None, "quarter"), ("2026年下半年", None, "half"), ("2025年9月", None, "month"),
    ("2024年10~12月", None, "quarter"), ("2024年1~9月", None, "months"), ("2030年前", None, "open"),
    ("微软2025财年", None, "fiscal_year"), ("2025-2030年", None, "year"),
])
def test_granularity(text, pub, granularity):
    companies = [Mention(type="company", text="微软", start=0, end=2, name="Microsoft")] if "微软" in text else []
    mention = find_periods(text, pub_date=pub, companies=companies, fiscal_year_end=FISCAL.get)[-1]
    assert mention.info["granularity"] == granularity


def test_fiscal_company_is_nearest_in_sentence_then_paragraph():
    text = "索尼与微软公布计划：微软2025财年投资增加。索尼表示2025财年将扩产。"
    companies = [Mention(type="company", text=t, start=text.index(t, s), end=text.index(t, s) + 2, name=n)
                 for t, s, n in (("索尼", 0, "Sony"), ("微软", 0, "Microsoft"), ("微软", 8, "Microsoft"),
                                 ("索尼", 20, "Sony"))]
    found = find_periods(text, companies=companies, fiscal_year_end=FISCAL.get)
    assert [(m.period_start, m.period_end) for m in found] == [("2024-07", "2025-06"), ("2025-04", "2026-03")]


def test_empty_and_plain_text():
    assert find_periods("") == []
    assert find_periods("没有任何时间表达的句子。") == []


def test_period_words_validate():
    words = period_words()
    assert words["relative_years"]["去年"] == [-1, "pub"]
    with pytest.raises(LexiconError, match="expected \\[offset"):
        _check_relative_years({"今年": [0, "someday"]})
    with pytest.raises(LexiconError, match="expected words of relative_years"):
        _check_not_after({"大年": ["日"]}, words["relative_years"])


def test_spacy_component_puts_mentions_on_doc():
    spacy = pytest.importorskip("spacy")
    import pipeline.recognize.period  # noqa: F401  (registers the factory)

    nlp = spacy.blank("zh")   # character segmentation: no extra packages needed
    nlp.add_pipe("capex_period")
    doc = nlp.make_doc("公司2024年资本开支增长，今年继续增加。")
    doc._.pub_date = dt.date(2025, 3, 1)
    doc = nlp.get_pipe("capex_period")(doc)
    periods = [m for m in doc._.mentions if m.type == "period"]
    assert [(m.text, m.period_start) for m in periods] == [("2024年", "2024-01"), ("今年", "2025-01")]
    assert len(doc.spans["period"]) == 2


def test_sentence_ends_as_before():
    """SENTENCE_END, written for stdlib re (one leading class, which re scans fast), finds what its
    first form for the regex module found (the period stage and the sentence splitter read it)."""
    first_form = regex.compile(r"""
        [。！？!?]+ [”’」』）)\]]*       # terminator, then closers that belong to the sentence
      | \n+                              # a paragraph break ends a sentence too
    """, regex.VERBOSE)
    rng = Random(7)
    alphabet = "。！？!?\n”’」』）)]年a "
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30)))
        assert [m.span() for m in SENTENCE_END.finditer(text)] == [m.span() for m in first_form.finditer(text)], text
