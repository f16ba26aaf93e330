"""The company table: validation, lookups, generated jieba words/patterns, and that every alias is found."""
from __future__ import annotations

import pytest

from pipeline.company_table import Company, CompanyTable, fiscal_year_end, load_company_table, load_table_file
from pipeline.lexicon import LexiconError
from pipeline.recognize.company import find_companies

TABLE = load_company_table()


def test_table_loads_and_is_large():
    assert len(TABLE) >= 300
    assert sum(1 for c in TABLE if c.kind == "source") >= 30
    assert TABLE.by_name("Reuters").kind == "media" and TABLE.by_name("Gartner").kind == "source"
    assert all(isinstance(c, Company) for c in TABLE)


@pytest.mark.parametrize("alias,name", [
    ("台积电", "TSMC"), ("台積電", "TSMC"), ("台湾积体电路制造", "TSMC"), ("tsmc", "TSMC"),
    ("英伟达", "Nvidia"), ("輝達", "Nvidia"), ("NVIDIA", "Nvidia"), ("微軟", "Microsoft"),
    ("谷歌", "Alphabet"), ("脸书", "Meta"), ("AWS", "AWS"), ("路透社", "Reuters"), ("德罗洛集团", "Dell'Oro Group"),
])
def test_lookup(alias, name):
    assert TABLE.lookup(alias).name == name


def test_fiscal_year_end_and_sources():
    assert fiscal_year_end("Microsoft") == 6
    assert fiscal_year_end("Apple") == 9
    assert fiscal_year_end("Micron") == 8
    assert fiscal_year_end("Nvidia") == 1
    assert fiscal_year_end("Sony") == 3
    assert fiscal_year_end("Toyota") == 3
    assert fiscal_year_end("TSMC") is None
    assert fiscal_year_end("No Such Company") is None
    assert TABLE.is_source("Bloomberg") and TABLE.is_source("Goldman Sachs")
    assert not TABLE.is_source("Amazon")
    assert TABLE.is_analyst("Goldman Sachs") and not TABLE.is_analyst("Bloomberg") and not TABLE.is_analyst("Amazon")
    assert TABLE.by_id("aws").parent == "amazon"
    assert TABLE.by_name("tsmc").id == "tsmc"


def test_generated_jieba_words_and_patterns():
    words = TABLE.jieba_words()
    assert "台积电" in words and "台積電" in words and "TSMC" not in words
    patterns = TABLE.patterns()
    assert {"label": "ORG", "pattern": "台積電", "id": "TSMC"} in patterns
    assert len(patterns) == len(TABLE.aliases())


def _alias_cases():
    for company in TABLE:
        for alias in company.aliases:
            yield pytest.param(alias, company.name, id=f"{company.id}:{alias}")


# Aliases that are (correctly) blocked by a non-company phrase or need a context are listed here.
@pytest.mark.parametrize("alias,name", list(_alias_cases()))
def test_every_alias_is_recognised_in_a_sentence(alias, name):
    text = f"据报道，{alias} 今年将增加投资。" if alias[-1].isascii() else f"据报道，{alias}今年将增加投资。"
    found = [(m.name) for m in find_companies(text) if alias in m.text]
    assert found == [name], (alias, find_companies(text))


def _write(tmp_path, body: str):
    path = tmp_path / "companies.yaml"
    path.write_text(body, encoding="utf-8")
    return path


GOOD = """companies:
  - {id: a, name: Alpha, aliases: [阿尔法, Alpha], country: US, fiscal_year_end: 12}
  - {id: b, name: Beta, aliases: [贝塔], country: JP, fiscal_year_end: 3, parent: a}
"""


def test_small_table_file_loads(tmp_path):
    table = load_table_file(_write(tmp_path, GOOD))
    assert isinstance(table, CompanyTable)
    assert table.lookup("alpha").name == "Alpha" and table.fiscal_year_end("Beta") == 3


@pytest.mark.parametrize("body,message", [
    (GOOD + "  - {id: c, name: Gamma, aliases: [ALPHA], country: US, fiscal_year_end: 12}\n",
     "expected each alias to name one company, found 'ALPHA'"),
    (GOOD.replace("parent: a", "parent: zz"), "parent expected the id of an entry, found 'zz'"),
    (GOOD.replace("fiscal_year_end: 3", "fiscal_year_end: 13"), "fiscal_year_end expected a month 1-12, found 13"),
    (GOOD.replace("aliases: [贝塔]", "aliases: 贝塔"), "aliases expected a list of non-empty strings"),
    (GOOD.replace("country: JP", "country: Japan"), "country expected an ISO-2 code, found 'Japan'"),
    (GOOD.replace("{id: b,", "{id: a,"), "expected unique ids, found 'a' twice"),
    ("companies: {}\n", "companies expected a non-empty list"),
    (GOOD.replace("fiscal_year_end: 3", "fiscal_year_end: 3, kind: agency"), "kind expected one of"),
])
def test_bad_tables_are_rejected_with_a_clear_error(tmp_path, body, message):
    with pytest.raises(LexiconError, match=None) as err:
        load_table_file(_write(tmp_path, body))
    assert message in str(err.value)
