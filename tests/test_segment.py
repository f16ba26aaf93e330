"""The screening tokenizer: jieba words where a capex fact can be stated, script runs elsewhere."""
import pytest

from pipeline.segment import load_nlp, prepared_jieba


@pytest.fixture(scope="module")
def nlp():
    return load_nlp(components=())


@pytest.mark.parametrize("sentence, segmented", [
    ("台积电今年资本支出约为300亿美元。", True),            # capex term and a number
    ("公司计划投资两千亿元新建工厂。", True),               # capex object, Chinese numeral
    ("資本支出將達新台幣300億元。", True),                 # Traditional
    ("公司表示资本支出将保持稳定。", False),                # capex term, no number
    ("股价今年上涨了30%，市场反应热烈。", False),           # a number, no capex term
    ("分析师认为前景乐观。", False),
])
def test_only_sentences_with_a_capex_term_and_a_number_go_to_jieba(nlp, sentence, segmented):
    words = [t.text for t in nlp.make_doc(sentence)]
    jieba_words = [w for w in prepared_jieba().cut(sentence)]
    assert (words == jieba_words) is segmented
    if not segmented:  # script runs: one token per Han run, Latin run, digit run or other character
        assert all(len(w) == 1 or w.isalnum() for w in words)


@pytest.mark.parametrize("text", [
    "", " ", "\n\n", "台积电今年资本支出约为300亿美元。\n\n股价上涨。 Apple 资本开支 2 倍",
    "Ａ公司　资本开支１００亿元；  其余。",
])
def test_the_doc_keeps_the_text_and_tokens_cover_it(nlp, text):
    doc = nlp.make_doc(text)
    assert doc.text == text
    assert "".join(t.text_with_ws for t in doc) == text
