"""A scoring report (:func:`pipeline.evaluate.evaluate`) as text a person reads: the score
tables, and the false positives, false negatives and field mismatches by document."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping

import pandas as pd


def render_table(report: Mapping) -> str:
    """Facts row, field accuracies and mention scores per kind, as plain-text tables."""
    fmt = "{:.3f}".format
    facts = report["facts"]
    fact_table = pd.DataFrame([{k: facts[k] for k in ("p", "r", "f1", "strict_f1", "tp", "pred", "gold")}],
                              index=["facts"])
    field_table = pd.DataFrame([facts["fields"]], index=["accuracy"])
    mention_table = pd.DataFrame.from_dict(report["mentions"], orient="index")[
        ["p", "r", "f1", "tp", "pred", "gold"]]
    parts = [f"Facts ({report['docs']} docs)", fact_table.to_string(float_format=fmt), "",
             f"Field accuracy over {facts['tp']} matched pairs", field_table.to_string(float_format=fmt), "",
             "Mentions", mention_table.to_string(float_format=fmt)]
    parts += [f"warning: {w}" for w in report.get("warnings", [])]
    return "\n".join(parts)


def render_errors(report: Mapping) -> str:
    """False positives/negatives (with evidence) and field mismatches, grouped by doc."""
    by_doc: dict[str, list[str]] = defaultdict(list)
    for error in report.get("errors", []):
        by_doc[error["doc_id"]].append(f"  {error['kind'].upper()}  {describe_fact(error['fact'])}")
        if error.get("evidence"):
            by_doc[error["doc_id"]].append(f"        evidence: {error['evidence']}")
    for pair in report.get("mismatches", []):
        by_doc[pair["doc_id"]].append(f"  ~~  wrong {', '.join(pair['fields'])}")
        by_doc[pair["doc_id"]].append(f"        gold: {describe_fact(pair['gold'])}")
        by_doc[pair["doc_id"]].append(f"        pred: {describe_fact(pair['pred'])}")
        if pair.get("evidence"):
            by_doc[pair["doc_id"]].append(f"        evidence: {pair['evidence']}")
    if not by_doc:
        return "No false positives, false negatives or field mismatches."
    return "\n".join(f"== {doc_id}\n" + "\n".join(lines) for doc_id, lines in by_doc.items())


def describe_fact(fact: Mapping) -> str:
    """One line: companies | amount | change | period | status (| source)."""
    parts = ["+".join(fact.get("companies") or []) or "?", _describe_amount(fact.get("amount"))]
    change = fact.get("change")
    parts.append(f"change {change['value']:+g}" if change else "change -")
    period = fact.get("period")
    parts.append(f"{period.get('start')}..{period.get('end')}" if period else "period -")
    parts.append(str(fact.get("status")))
    if fact.get("source"):
        parts.append(f"source {fact['source']}")
    return " | ".join(parts)


def _describe_amount(amount: Mapping | None) -> str:
    if not amount:
        return "amount -"
    high = amount.get("value_high")
    value = f"{amount['value']:g}" + (f"-{high:g}" if high is not None else "")
    qualifier = amount.get("qualifier") or "exact"
    return f"{value} {amount.get('currency')} ({qualifier})"
