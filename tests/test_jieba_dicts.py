"""The shared jieba dictionary: same words and tags as jieba's own loaders, loaded once."""
import jieba
import jieba.posseg

from pipeline.jieba_dicts import global_jieba, new_tokenizer, word_tags


def test_word_tags_equal_jieba_posseg_table():
    tagger = jieba.posseg.POSTokenizer(jieba.Tokenizer())
    tagger.initialize()
    assert word_tags() == tagger.word_tag_tab


def test_a_new_tokenizer_cuts_like_a_freshly_loaded_one():
    global_jieba().add_word("某某新词测试", freq=50000)  # words added to the global one stay there
    fresh = jieba.Tokenizer()
    fresh.initialize()
    copy = new_tokenizer()
    text = "台积电今年资本支出约为300亿美元，某某新词测试，较去年增长10%"
    assert list(copy.cut(text)) == list(fresh.cut(text))
    assert copy.FREQ == fresh.FREQ and copy.total == fresh.total
    copy.add_word("某某新词测试", freq=1)
    assert "某某新词测试" not in fresh.FREQ
