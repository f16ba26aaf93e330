"""The pipeline's jieba: same words and tags as jieba's own loaders, global jieba untouched."""
import jieba
import jieba.posseg

from pipeline.jieba_dicts import latin_words, new_tokenizer, word_tags


def test_word_tags_equal_jieba_posseg_table():
    tagger = jieba.posseg.POSTokenizer(jieba.Tokenizer())
    tagger.initialize()
    assert word_tags() == tagger.word_tag_tab


def test_a_new_tokenizer_is_jiebas_default_and_its_own():
    fresh = jieba.Tokenizer()
    fresh.initialize()
    ours = new_tokenizer()
    text = "台积电今年资本支出约为300亿美元，较去年增长10%"
    assert list(ours.cut(text)) == list(fresh.cut(text))
    ours.add_word("某某新词测试", freq=10)
    assert "某某新词测试" not in fresh.FREQ and "某某新词测试" not in jieba.dt.FREQ


def test_latin_words_are_the_dictionarys_words_with_latin_characters():
    import re

    fresh = jieba.Tokenizer()
    fresh.initialize()
    latin = re.compile(r"[a-zA-Z0-9+#&._%\-]")
    expected = {w for w, freq in fresh.FREQ.items() if freq and latin.search(w)}
    assert set(latin_words()) == expected
    assert {"A股", "C++", "AT&T"} <= expected
