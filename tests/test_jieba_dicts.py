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


def test_words_tagged_answer_as_word_tags_for_every_word():
    from pipeline.jieba_dicts import utf8_key, words_tagged
    from pipeline.recognize.company_unknown import _STOP_TAGS, _WEAK_NAME_TAGS

    table = word_tags()
    groups = (_STOP_TAGS, _WEAK_NAME_TAGS, ("n",))
    for prefixes, tagged in zip(groups, words_tagged(*groups)):
        assert tagged == {utf8_key(w) for w, tag in table.items() if tag.startswith(prefixes)}
        assert all(w.decode("utf-8") in table for w in tagged)
    assert utf8_key("\ud800") not in words_tagged(("n",))[0]


def test_words_tagged_of_a_dictionary_with_a_blank_line_read_through_word_tags(monkeypatch):
    from pipeline import jieba_dicts

    monkeypatch.setattr(jieba_dicts, "_dictionary_bytes", lambda: "甲 1 n\n\n乙 2 v\n丙 3 nr\n".encode())
    jieba_dicts.words_tagged.cache_clear()
    jieba_dicts.word_tags.cache_clear()
    try:
        assert jieba_dicts.words_tagged(("n",), ("v",)) == ({"甲".encode(), "丙".encode()}, {"乙".encode()})
    finally:
        jieba_dicts.words_tagged.cache_clear()
        jieba_dicts.word_tags.cache_clear()
