"""bench/compare_peers.py: the peer-output mappings (on hand-made outputs) and one small end-to-end run.

The peers themselves are optional extras and are not needed here.
"""
from __future__ import annotations

import datetime as dt
import importlib.util
import json
import sys
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest

ROOT = Path(__file__).resolve().parents[1]
SPEC = importlib.util.spec_from_file_location("compare_peers", ROOT / "bench" / "compare_peers.py")
cp = importlib.util.module_from_spec(SPEC)
sys.modules.setdefault("compare_peers", cp)  # dataclasses look their module up there
SPEC.loader.exec_module(cp)

TW = cp.Article("a", "約新台幣254億元", dt.date(2026, 1, 15), "TW")


def jio_time(kind, start, end, text="x"):
    return {"text": text, "offset": [0, len(text)], "type": kind,
            "detail": {"type": kind, "definition": "accurate", "time": [start, end]}}


@pytest.mark.parametrize("item, expected", [
    (jio_time("time_point", "2024-01-01 00:00:00", "2024-12-31 23:59:59"), ("2024-01", "2024-12")),
    (jio_time("time_span", "2025-07-01 00:00:00", "2025-09-30 23:59:59"), ("2025-07", "2025-09")),
    (jio_time("time_span", "-inf", "2030-12-31 23:59:59"), (None, "2030-12")),
    (jio_time("time_point", "2025-02-06 00:00:00", "2025-02-06 23:59:59"), None),  # a day
    (jio_time("time_span", "2025-02-01 00:00:00", "2025-02-10 23:59:59"), None),   # 上旬
    (jio_time("time_delta", "2025-01-01 00:00:00", "2027-12-31 23:59:59"), None),  # a duration
])
def test_jionlp_times_become_month_periods(item, expected):
    period = cp.jio_period(item)
    assert (period and (period["start"], period["end"])) == expected


def test_jionlp_money_currency_qualifier_and_range():
    ranged = {"text": "165亿~215亿美元", "offset": [0, 11],
              "detail": {"num": ["16500000000.00", "21500000000.00"], "case": "美元", "definition": "blur"}}
    record = cp.jio_money(ranged, TW)
    assert (record["value"], record["value_high"], record["currency"], record["qualifier"]) == \
        (Decimal("16500000000.00"), Decimal("21500000000.00"), "USD", "range")
    bare = {"text": "50亿元", "offset": [0, 4], "detail": {"num": "5e9", "case": "元", "definition": "blur-"}}
    assert (cp.jio_money(bare, TW)["currency"], cp.jio_money(bare, TW)["qualifier"]) == ("TWD", "under")
    rmb = dict(bare, text="50亿元人民币")
    assert cp.jio_money(rmb, TW)["currency"] == "CNY"


def rt(text, start, **resolution):
    return SimpleNamespace(text=text, start=start, end=start + len(text) - 1, resolution=resolution)


def test_recognizers_currency_prefix_and_local_yuan():
    text = TW.text
    results = [rt("新台幣", 1, value=None, unit="New Taiwan dollar", isoCurrency="TWD"),
               rt("254億元", 4, value="2.54e+10", unit="Chinese yuan", isoCurrency="CNY")]
    [record] = cp.rt_money(results, TW, {})
    assert (record["span"], record["value"], record["currency"]) == ([4, 9], Decimal("2.54e10"), "TWD")
    bare = cp.Article("b", "投资50亿元", None, "HK")
    [record] = cp.rt_money([rt("50亿元", 2, value="5e9", unit="Chinese yuan", isoCurrency="CNY")], bare, {})
    assert record["currency"] == "HKD" and text  # bare 元 is the local currency


def test_recognizers_percentage_is_an_unsigned_fraction():
    record = cp.rt_percent(rt("42%", 0, value="42%"))
    assert (record["kind"], record["value"]) == ("percent", Decimal("0.42"))


def test_end_to_end_json(tmp_path, capsys):
    articles = tmp_path / "articles"
    articles.mkdir()
    (articles / "one.md").write_text("---\ndate: 2025-02-08\n---\n亚马逊今年资本支出约1000亿美元，增长3成。\n",
                                     encoding="utf-8")
    gold = {"doc_id": "one", "facts": [], "mentions": {
        "money": [{"text": "约1000亿美元", "value": 1e11, "currency": "USD", "qualifier": "approx"}],
        "percent": [{"text": "3成", "kind": "percent", "value": 0.3}],
        "periods": [{"text": "今年", "start": "2025-01", "end": "2025-12"}], "companies": []}}
    (tmp_path / "gold.jsonl").write_text(json.dumps(gold, ensure_ascii=False) + "\n", encoding="utf-8")
    code = cp.main(["--articles", str(articles), "--gold", str(tmp_path / "gold.jsonl"),
                    "--json", "--min-seconds", "0.01"])
    result = json.loads(capsys.readouterr().out)
    assert code == 0 and result["articles"] == 1 and result["gold"]["money"] == 1
    for name, by_kind in result["scores"].items():
        for kind, scores in by_kind.items():
            assert 0.0 <= scores["F1"] <= 1.0 and scores["gold"] == 1, (name, kind)
        assert result["speed"][name]["chars_per_s"] > 0
