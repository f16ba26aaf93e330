"""The screening tokenizer: jieba words where a capex fact can be stated, script runs elsewhere."""
import itertools

import pytest
import regex

from pipeline.recognize.company_rules import simplified, tokenizer
from pipeline.segment import finance_term_pattern, load_nlp


@pytest.fixture(scope="module")
def nlp():
    return load_nlp(components=())


def _jieba_words(sentence: str) -> list[str]:
    """The company recogniser's jieba words of ``sentence`` (cut in Simplified), in its own characters."""
    words, pos = [], 0
    for word in tokenizer().cut(simplified(sentence)):
        words.append(sentence[pos:pos + len(word)])
        pos += len(word)
    return words


@pytest.mark.parametrize("sentence, segmented", [
    ("台积电今年资本支出约为300亿美元。", True),            # capex term and a number
    ("公司计划投资两千亿元新建工厂。", True),               # capex object, Chinese numeral
    ("台積電資本支出將達新台幣300億元。", True),            # Traditional: cut in Simplified
    ("公司表示资本支出将保持稳定。", False),                # capex term, no number
    ("资本支出计划于2025年启动。", False),                  # capex term and a number, no amount or change
    ("公司今年cApEx约300亿美元。", True),                   # Latin capex terms in any case
    ("公司今年5g网络投资约300亿美元。", True),              # a cased term starting with a digit
    ("公司今年CAPEX约300亿美元。", True),
    ("资本开支较去年增长30%。", True),                     # a change
    ("股价今年上涨了30%，市场反应热烈。", False),           # a number, no capex term
    ("分析师认为前景乐观。", False),
])
def test_only_sentences_with_a_capex_term_and_a_number_go_to_jieba(nlp, sentence, segmented):
    doc = nlp.make_doc(sentence)
    ends = {t.idx + len(t) for t in doc}
    jieba_ends = set(itertools.accumulate(len(w) for w in _jieba_words(sentence)))
    runs = regex.findall(r"\p{Han}+|[A-Za-z]+|[0-9]+|.", sentence)
    if segmented:  # jieba's words, finance terms joined
        assert ends <= jieba_ends and [t.text for t in doc] != runs
    else:  # script runs: one token per Han run, Latin run, digit run or other character
        assert [t.text for t in doc] == runs


@pytest.mark.parametrize("sentence, term", [
    ("亚马逊设备投资额达到100亿美元。", "设备投资额"),
    ("微软资本开支将达800亿美元。", "资本开支"),
    ("該公司資本支出為300億元。", "資本支出"),
])
def test_finance_terms_are_one_token(nlp, sentence, term):
    assert finance_term_pattern().search(sentence)
    assert term in [t.text for t in nlp.make_doc(sentence)]


@pytest.mark.parametrize("text", [
    "", " ", "\n\n", "台积电今年资本支出约为300亿美元。\n\n股价上涨。 Apple 资本开支 2 倍",
    "Ａ公司　资本开支１００亿元；  其余。", "資本開支\r\n300億元", "资本开支资本开支100亿元",
])
def test_the_doc_keeps_the_text_and_tokens_cover_it(nlp, text):
    doc = nlp.make_doc(text)
    assert doc.text == text
    assert "".join(t.text_with_ws for t in doc) == text
    assert all(t.text for t in doc)


@pytest.mark.parametrize("text", [
    "台积电今年资本支出约为300亿美元，较去年增长10%。",
    "三星電子（005930）2024年設備投資53.6兆韓元；SK海力士、美光 Micron 亦跟進。",
    "Apple+Meta&Co._x%-y 资本开支\r\n两千亿元〇〇 數據中心",
    "甲乙丙丁戊己庚辛壬癸" * 5 + "，华远科技集团有限公司",
])
def test_a_stretch_cut_in_one_call_gives_each_region_its_own_words(text):
    from pipeline.recognize.company_rules import TextCuts, cut_spans

    whole = TextCuts(text)
    ends = whole.word_ends(0, len(text))
    assert ends == sorted(set(ends)) and ends[-1] == len(text)
    for start, end in whole.regions:  # each region's words, as if cut alone
        assert whole.spans(start, end) == [(start + s, start + e, w) for s, e, w in cut_spans(whole.base[start:end])]
        assert start in ends or start == 0


@pytest.mark.parametrize("text", [
    "a  b", " a", "a \tb", "甲 乙  丙\n 丁", "资本支出 300 亿元 。", "公司今年capex 300 亿美元 ， 增长 5 %", "  ", "x \u3000 y",
])
def test_a_single_space_after_a_word_is_its_trailing_space(nlp, text):
    doc = nlp.make_doc(text)
    for token in doc:
        after = text[token.idx + len(token):token.idx + len(token) + 1]
        assert token.whitespace_ == (" " if after == " " and not token.text.isspace() else "")
        if token.text == " ":  # a space of its own only at the start or after whitespace
            assert token.idx == 0 or text[token.idx - 1].isspace()


def test_no_finance_or_capex_term_holds_a_chunk_terminator():
    """The tokenizer cuts a stretch of chunks in one go: no term may cross a chunk's end."""
    from pipeline.lexicon import load_data

    capex = load_data("capex_terms.yaml")
    terms = [*load_data("finance_terms.yaml")["terms"], *capex["strong_triggers"], *capex["capex_objects"]]
    assert not [term for term in terms if regex.search(r"[。！？!?；;\n]", term)]


def test_the_two_screen_patterns_find_what_one_case_blind_pattern_finds():
    import random
    import re

    from pipeline.lexicon import load_data
    from pipeline.recognize.re_compat import literal_words
    from pipeline.segment import _has_cased, screen_patterns

    capex = load_data("capex_terms.yaml")
    words = [*capex["strong_triggers"], *capex["capex_objects"]]
    one = re.compile(literal_words(words, ignore_case=True))
    caseless, cased = screen_patterns()
    pool = [*words, *(w.swapcase() for w in words), *(w[:-1] for w in words), "K", "ı", "İ", "ſ", "x", "。", "1"]
    rng = random.Random(3)
    for _ in range(3000):
        text = "".join(rng.choice(pool) for _ in range(rng.randint(0, 4)))
        two = bool(caseless.search(text)) or bool(cased and _has_cased(text) and cased.search(text))
        assert two == bool(one.search(text)), text


@pytest.mark.parametrize("text", [
    "资本支出300亿美元。资本支出300亿美元。", "NOUN ADJ capex 资本开支 100亿元", "IS_ALPHA。ORTH  x", "",
])
def test_words_the_vocab_knows_make_the_tokens_their_strings_make(nlp, text):
    """Known words go into the Doc as hashes: the same lexemes as the strings give (spaCy's own
    symbols, NOUN or ORTH, have ids that are not their strings' hashes)."""
    from spacy.tokens import Doc

    first, again = nlp.make_doc(text), nlp.make_doc(text)  # the second time every word is known
    plain = Doc(nlp.vocab, [t.text for t in first], [bool(t.whitespace_) for t in first])
    for doc in (first, again):
        assert [(t.text, t.orth, t.whitespace_) for t in doc] == [(t.text, t.orth, t.whitespace_) for t in plain]
