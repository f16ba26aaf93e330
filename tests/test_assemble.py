"""Fact assembly end to end (pipeline.extract) over the table in tests/cases/facts.yaml."""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
import yaml

import pipeline

CASES = yaml.safe_load((Path(__file__).parent / "cases" / "facts.yaml").read_text(encoding="utf-8"))


def _close(a, b) -> bool:
    return abs(Decimal(str(a)) - Decimal(str(b))) <= Decimal("0.005") * max(abs(Decimal(str(b))), 1)


def _matches(fact: dict, want: dict) -> bool:
    checks = {
        "companies": lambda: sorted(fact["companies"]) == sorted(want["companies"]),
        "amount": lambda: fact["amount"] is not None and _close(fact["amount"]["value"], want["amount"]),
        "amount_high": lambda: _close(fact["amount"]["value_high"], want["amount_high"]),
        "currency": lambda: fact["amount"]["currency"] == want["currency"],
        "change": lambda: (fact["change"] is None) if want["change"] is None else (
            fact["change"] is not None and abs(fact["change"]["value"] - want["change"]) < 0.005),
        "period": lambda: (fact["period"] is None) if want["period"] is None else (
            fact["period"] is not None and [fact["period"]["start"], fact["period"]["end"]] == want["period"]),
        "status": lambda: fact["status"] == want["status"],
        "source": lambda: fact["source"] == want["source"],
    }
    return all(checks[key]() for key in want)


def _param(case: dict):
    marks = [pytest.mark.xfail(strict=True, reason=case["xfail"])] if case.get("xfail") else []
    return pytest.param(case, id=case["id"], marks=marks)


@pytest.mark.parametrize("case", [_param(c) for c in CASES])
def test_fact_table(case):
    date = str(case["date"]) if case.get("date") else None
    result = pipeline.extract(case["text"].replace("\\n", "\n"), date=date, doc_id=case["id"])
    facts = [f.to_json() for f in result.facts]
    assert len(facts) == len(case["facts"]), facts
    unmatched = list(facts)
    for want in case["facts"]:
        match = next((f for f in unmatched if _matches(f, {k: _norm(v) for k, v in want.items()})), None)
        assert match is not None, f"no fact like {want} in {facts}"
        unmatched.remove(match)


def _norm(value):
    if isinstance(value, list):
        return [str(v) if not isinstance(v, str) else v for v in value]
    return value
