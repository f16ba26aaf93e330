"""Searching only the runs ``MatchRuns`` gives finds what a scan of the whole text finds.

money and percent search their big patterns only inside runs of the characters those patterns
can consume that hold a currency or unit word. If a word is added to a pattern but not to its
``MatchRuns`` lists, recall would drop silently; these tests compare against a whole-text run.
"""
import random
from pathlib import Path

import pytest

from pipeline.recognize import money, percent

SAMPLES = sorted((Path(__file__).resolve().parents[1] / "samples").glob("*.txt"))
PIECES = list("约逾近超过至到及和或与、，。（）()%％倍成番元亿億万萬兆千百十一二三四五六七八九两零〇.,0123456789 ") + [
    "美元", "日元", "韩元", "新台币", "港元", "人民币", "欧元", "US$", "NT$", "$", "百分点", "个百分点",
    "左右", "以上", "多", "余", "翻一番", "增长", "下降", "资本支出", "台积电", "亿美元", "万亿日元", "成长", "了",
]


def _whole_text(text: str):
    return [(0, len(text), len(text))]


def _texts():
    rng = random.Random(3)
    texts = [path.read_text(encoding="utf-8") for path in SAMPLES]
    texts += ["".join(rng.choice(PIECES) for _ in range(rng.randint(1, 40))) for _ in range(4000)]
    return texts


@pytest.fixture(scope="module")
def texts():
    return _texts()


def test_money_in_runs_equals_money_in_the_whole_text(texts, monkeypatch):
    fast = [money.find_money(t) for t in texts]
    monkeypatch.setattr(money, "_RUNS", _whole_text)
    assert [money.find_money(t) for t in texts] == fast


def test_percent_in_runs_equals_percent_in_the_whole_text(texts, monkeypatch):
    fast = [percent.find_percents(t) for t in texts]
    monkeypatch.setattr(percent, "_RUNS", _whole_text)
    assert [percent.find_percents(t) for t in texts] == fast


@pytest.mark.parametrize("text", ["", "2450亿美元", "２４５０億美元，增长５．８％", "１，０００亿元", "no digits", "全角：１２"])
def test_normalise_digits_is_the_fullwidth_table(text):
    from pipeline.recognize.numbers import FULLWIDTH, normalise_digits

    assert normalise_digits(text) == text.translate(FULLWIDTH)
