"""A small hand-made `capex extract` output folder for the review, export and Label Studio tests.

``make_output(folder)`` writes documents/facts/mentions/errors/run files: a normal article
with two facts (one a range), a hostile article whose title, text, URL, company names and
error message try to break out of HTML, and an article without facts.
"""
from __future__ import annotations

import json
from pathlib import Path

HOSTILE = ('<script>alert(1)</script> <img src=x onerror=alert(1)> </textarea> </script> '
           '" onmouseover="alert(1)" \' onclick=\'alert(2)\' &amp; \u2028')

TEXT_A = ("亚马逊2025年的设备投资额预计比上年增加约3成，达到1000亿美元左右。"
          "谷歌母公司Alphabet计划2025年资本支出750亿至800亿美元。")
TEXT_B = f"标题<script>alert(1)</script>\n{HOSTILE}恶意公司今年计划投资50亿元建设新工厂。"
TEXT_C = "英伟达第四财季营收393亿美元。"


def _span(text: str, part: str, nth: int = 0) -> list[int]:
    start = -1
    for _ in range(nth + 1):
        start = text.index(part, start + 1)
    return [start, start + len(part)]


def _mention(doc_id: str, text: str, mtype: str, part: str, nth: int = 0, **fields) -> dict:
    return {"doc_id": doc_id, "type": mtype, "text": part, "span": _span(text, part, nth), **fields}


def _fact(doc_id: str, text: str, sentence: str, **fields) -> dict:
    start, end = _span(text, sentence)
    record = {"doc_id": doc_id, "companies": [], "amount": None, "change": None, "period": None,
              "status": "plan", "source": None, "scope": None,
              "evidence": {"sentence": sentence, "start": start, "end": end}, "confidence": 0.9, "rule": "trigger"}
    record.update(fields)
    return record


def mentions() -> list[dict]:
    a, b, c = "a/amazon", "b/hostile", "c/nvidia"
    return [
        _mention(a, TEXT_A, "company", "亚马逊", name="Amazon"),
        _mention(a, TEXT_A, "period", "2025年", start="2025-01", end="2025-12", fiscal=False),
        _mention(a, TEXT_A, "percent", "约3成", kind="percent", value=0.3, qualifier="approx"),
        _mention(a, TEXT_A, "money", "1000亿美元左右", value=100000000000, value_high=None,
                 currency="USD", qualifier="approx"),
        _mention(a, TEXT_A, "company", "谷歌母公司Alphabet", name="Alphabet"),
        _mention(a, TEXT_A, "period", "2025年", 1, start="2025-01", end="2025-12", fiscal=False),
        _mention(a, TEXT_A, "money", "750亿至800亿美元", value=75000000000, value_high=80000000000,
                 currency="USD", qualifier="range"),
        _mention(b, TEXT_B, "company", "恶意公司", name=HOSTILE),
        _mention(b, TEXT_B, "period", "今年", start="2025-01", end="2025-12", fiscal=False),
        _mention(b, TEXT_B, "money", "50亿元", value=5000000000, value_high=None, currency="CNY", qualifier="exact"),
        _mention(c, TEXT_C, "period", "第四财季", start="2024-11", end="2025-01", fiscal=True),
        _mention(c, TEXT_C, "money", "393亿美元", value=39300000000, value_high=None, currency="USD",
                 qualifier="exact"),
    ]


def facts() -> list[dict]:
    amazon = _fact("a/amazon", TEXT_A, "亚马逊2025年的设备投资额预计比上年增加约3成，达到1000亿美元左右。",
                   companies=["Amazon"], status="forecast", scope="设备投资",
                   amount={"value": 100000000000, "value_high": None, "currency": "USD",
                           "qualifier": "approx", "text": "1000亿美元左右"},
                   change={"value": 0.3, "qualifier": "approx", "text": "增加约3成"},
                   period={"start": "2025-01", "end": "2025-12", "fiscal": False, "text": "2025年"})
    alphabet = _fact("a/amazon", TEXT_A, "谷歌母公司Alphabet计划2025年资本支出750亿至800亿美元。",
                     companies=["Alphabet"], confidence=0.6, rule="continuation",
                     amount={"value": 75000000000, "value_high": 80000000000, "currency": "USD",
                             "qualifier": "range", "text": "750亿至800亿美元"},
                     period={"start": "2025-01", "end": "2025-12", "fiscal": True, "text": "2025年"})
    hostile = _fact("b/hostile", TEXT_B, "恶意公司今年计划投资50亿元建设新工厂。",
                    companies=[HOSTILE, "Beta"], status="actual", source=HOSTILE, scope=HOSTILE, confidence=0.3,
                    amount={"value": 5000000000, "value_high": None, "currency": "CNY",
                            "qualifier": "exact", "text": "50亿元"},
                    period={"start": "2025-01", "end": "2025-12", "fiscal": False, "text": HOSTILE})
    return [amazon, alphabet, hostile]


def documents() -> list[dict]:
    def doc(doc_id, text, title, url, date):
        return {"doc_id": doc_id, "text": text, "title": title, "date": date, "url": url,
                "path": f"{doc_id}.md", "format": "markdown", "encoding": "utf-8", "warnings": [], "locale": "CN"}
    return [doc("a/amazon", TEXT_A, "亚马逊与谷歌的设备投资", "https://example.com/a?x=1&y=\"2\"", "2025-02-08"),
            doc("b/hostile", TEXT_B, HOSTILE, "javascript:alert(1)", "2025-03-01"),
            doc("c/nvidia", TEXT_C, None, None, None)]


def errors() -> list[dict]:
    return [{"path": "bad/</script><script>alert(1)</script>.md", "stage": "decode",
             "error_type": "UnicodeDecodeError", "message": HOSTILE}]


def write_jsonl(path: Path, records: list[dict]) -> None:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")


def make_output(folder: Path) -> Path:
    """Write the hand-made output folder and return it."""
    folder.mkdir(parents=True, exist_ok=True)
    write_jsonl(folder / "documents.jsonl", documents())
    write_jsonl(folder / "facts.jsonl", facts())
    write_jsonl(folder / "mentions.jsonl", mentions())
    write_jsonl(folder / "errors.jsonl", errors())
    run = {"documents": 3, "facts": 3, "mentions": len(mentions()), "errors": 1, "seconds": 0.1,
           "versions": {"package": "0.1.0"}}
    (folder / "run.json").write_text(json.dumps(run), encoding="utf-8")
    return folder
