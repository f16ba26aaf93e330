"""Our Traditional → Simplified conversion equals OpenCC's t2s on every text."""
import random

import pytest

opencc = pytest.importorskip("opencc")

from pipeline import t2s  # noqa: E402 (after the importorskip)
from pipeline.t2s import PhraseThenCharConverter, _converter, to_simplified  # noqa: E402

REFERENCE = opencc.OpenCC("t2s")


@pytest.mark.parametrize("text", [
    "", "   ", "台積電資本支出達300億美元", "三星電子設備投資", "情有獨鍾，老態龍鍾。鍾繇",
    "龍鍾龍鍾龍", "資本開支（新台幣）、廠房與設備；", "Apple 與 Meta 的資料中心",
    "一、二、三\n\n第四段。", "乾隆年間乾燥的天氣", "著作與著名", "簡體字没有变化",
    "他反覆思量后决定", "一目瞭然的数据", "答覆：没有", "藉此机会",
    "\U00027b79", "𠮷台灣", "台灣\U00027b79電", "\ud800台積電", "𠮷 simplified 简体",  # beyond U+FFFF, a lone surrogate
])
def test_examples_convert_like_opencc(text):
    assert to_simplified(text) == REFERENCE.convert(text)


def test_random_mixtures_of_phrases_and_characters_convert_like_opencc():
    conv = REFERENCE
    conv.convert("")
    phrases = list(conv._dict_chain_data[0][0][2])
    chars = list(conv._dict_chain_data[0][1][2])
    plain = list("的一是在不了有和人這中大為上個國我以要他時來用們生到作地於出就分對成會可主發年動同工也能下過子說產種面而方後多定行學法所民得經十三之進著等部度家電力裡如水化高自二理起小物現實加量都兩體制機當使點從業本去把性好應開它合還因由其些然前外天政四日那社義事平形相全表間樣與關各重新線內數正心反你明看原又麼利比或但質氣第向道命此變條只沒結解問意建月公無系軍很情者最立代想已通並提直題黨程展五果料象員革位入常文總次品式活設及管特件長求老頭基資邊流路級少圖山統接知較將組見計別她手角期根論運農指幾九區強放決西被幹做必戰先回則任取據處理世車")
    separators = list("，。、 \n（）")
    rng = random.Random(11)
    for _ in range(3000):
        parts = []
        for _ in range(rng.randint(1, 12)):
            pick = rng.random()
            if pick < 0.3:
                word = rng.choice(phrases)
                parts.append(word[:rng.randint(1, len(word))] if rng.random() < 0.3 else word)
            elif pick < 0.6:
                parts.append(rng.choice(chars))
            elif pick < 0.9:
                parts.append(rng.choice(plain))
            else:
                parts.append(rng.choice(separators))
        text = "".join(parts)
        assert to_simplified(text) == conv.convert(text), text


def test_the_fast_converter_is_in_use():
    assert isinstance(_converter().__self__, PhraseThenCharConverter)


def test_sample_articles_convert_like_opencc():
    from pathlib import Path

    for path in sorted(Path(__file__).resolve().parents[1].joinpath("samples").glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        assert to_simplified(text) == REFERENCE.convert(text), path.name


def test_the_character_checks_find_what_set_checks_find():
    converter = _converter().__self__
    pool = sorted(converter.unchanged_unless)[::97] + ["𠮷", "\U00027b79", "a", "台", "简", "\ud800"]
    pool += [c for c in converter.unchanged_unless if c > "\uffff"][:5]
    rng = random.Random(5)
    for _ in range(2000):
        text = "".join(rng.choice(pool) for _ in range(rng.randint(0, 6)))
        assert converter.may_change(text) == (not converter.unchanged_unless.isdisjoint(text)), text
        assert converter.any_converting(text) == (not converter.converting.isdisjoint(text)), text
        assert converter.translate(text) == text.translate(converter.table), text


@pytest.fixture
def fresh_t2s():
    """The converter and the may-change check built anew (and again after the test)."""
    t2s._converter.cache_clear()
    t2s._may_change.cache_clear()
    yield
    t2s._converter.cache_clear()
    t2s._may_change.cache_clear()


def test_simplified_text_is_left_alone_without_loading_opencc(fresh_t2s):
    assert to_simplified("微软今年资本支出800亿美元，同比增长15%。") == "微软今年资本支出800亿美元，同比增长15%。"
    assert t2s._converter.cache_info().currsize == 0  # OpenCC's dictionaries were not read
    assert to_simplified("台積電資本支出") == "台积电资本支出"
    assert t2s._converter.cache_info().currsize == 1


@pytest.mark.parametrize("cache", ["on", "off"])
def test_the_kept_characters_are_the_converters_first_check(fresh_t2s, cache, monkeypatch, tmp_path):
    monkeypatch.setenv("CAPEX_CACHE_DIR", str(tmp_path) if cache == "on" else "off")
    for _ in range(2):  # built, then (cache on) read back
        t2s._may_change.cache_clear()
        kept = t2s._may_change()
        assert kept.pattern.pattern == _converter().__self__.may_change.pattern.pattern


def test_without_opencc_nothing_changes(fresh_t2s, monkeypatch):
    monkeypatch.setattr(t2s, "_opencc_files", lambda: None)
    assert to_simplified("台積電") == "台積電"


def test_another_opencc_implementation_gets_every_text(fresh_t2s, monkeypatch):
    monkeypatch.setenv("CAPEX_CACHE_DIR", "off")
    monkeypatch.setattr(t2s, "_converter", lambda: str.upper)  # not a PhraseThenCharConverter
    assert to_simplified("capex") == "CAPEX"
