"""The pipeline's jieba (rjieba, with python jieba's Latin-run rule) gives python jieba's words."""
import random
from pathlib import Path

import pytest

from pipeline.jieba_dicts import latin_words
from pipeline.recognize.company_rules import cutter, simplified, tokenizer

ROOT = Path(__file__).resolve().parents[1]
DEV = ROOT.parent / "shared" / "dev" / "articles"


def python_jieba(text: str) -> list[str]:
    return list(tokenizer().cut(text, HMM=True))


@pytest.mark.parametrize("text", [
    "台积电今年资本支出约为300亿美元，较去年增长10%。",
    "2023-02-70",                      # rjieba keeps this whole; jieba: 2023 - 02 - 70
    "U.S.",                            # jieba: U . S .
    "增长3.5%，约12.5亿元",             # jieba keeps 3.5% and 12.5 whole
    "新一代A350-1000及737客机",
    "600519.SH与09988.HK",
    "SK海力士与LG显示扩产",             # aliases with Latin letters (added words)
    "A股和H股上市公司",                 # dictionary words mixing Latin and Han
    "C++开发与AT&T合作",                # dictionary words of Latin characters only: python jieba cuts
    "X光B超T恤",
    "a+b#c&d_e%f-g.h",
    "今年 资本支出\r\n 800 亿美元\t（约）",  # spaces, line breaks, punctuation between blocks
    "",
    "。。。",
    "资本支出",                         # all Han: rjieba's words as they are
    "资本支出300亿",                    # one block with Latin-class characters
    "〇〇资本支出",                     # Han outside jieba's block class: split into blocks first
    "资本支出" * 40 + "〇",             # a long block before a character outside it
])
def test_cut_equals_python_jieba(text):
    assert cutter().cut(text) == python_jieba(text)


def _article_texts() -> list[str]:
    from pipeline.batch import iter_documents

    folders = [ROOT / "samples"] + ([DEV] if DEV.is_dir() else [])
    return [d.text for d in iter_documents(folders, 10_000_000) if hasattr(d, "text")]


def test_cut_equals_python_jieba_on_every_article():
    texts = _article_texts()
    assert texts
    for text in texts:
        for version in {text, simplified(text)}:
            assert cutter().cut(version) == python_jieba(version)


def _random_mixture(rng: random.Random, words: list[str], aliases: list[str]) -> str:
    parts = []
    for _ in range(rng.randint(1, 10)):
        pick = rng.random()
        if pick < 0.45:
            parts.append(rng.choice(words))
        elif pick < 0.6:
            parts.append(chr(rng.randint(0x4E00, 0x9FD5)))
        elif pick < 0.75:
            parts.append(str(rng.randint(0, 99999)) + rng.choice(["", ".5", "%", "-", ".", "亿", "美元", "年"]))
        elif pick < 0.85:
            parts.append(rng.choice(aliases))
        elif pick < 0.95:
            parts.append("".join(rng.choice("abcXYZ.+-#&_%0123") for _ in range(rng.randint(1, 4))))
        else:
            parts.append(rng.choice("，。 （）、\n"))
    return "".join(parts)


def test_cut_equals_python_jieba_on_random_mixtures():
    from pipeline.company_table import load_company_table

    rng = random.Random(20261207)
    words = sorted(w for w, freq in tokenizer().FREQ.items() if freq)
    aliases = load_company_table().jieba_words() + latin_words()
    for _ in range(20_000):
        text = _random_mixture(rng, words, aliases)
        assert cutter().cut(text) == python_jieba(text), text
