"""Score predicted capex facts and mentions against a gold file (GOLD_FORMAT section 3).

Public API:
- ``evaluate(gold_path, pred_dir)``: gold JSONL vs ``pred_dir/facts.jsonl`` + ``pred_dir/mentions.jsonl``.
- ``evaluate_records(gold_records, fact_records, mention_records)``: the same on in-memory records.
- ``render_table(report)`` / ``render_errors(report)`` (:mod:`pipeline.evaluate_render`): readable text of a report.

Only articles in the gold file are scored; predictions for other doc_ids are counted
under ``ignored`` and named in ``warnings``. A missing facts/mentions file is read as
empty, with a warning. Decisions where section 3 leaves room:
- Borderline gold facts: non-borderline gold facts are matched first (so a borderline
  fact cannot take a prediction a real fact could use); then the still unmatched
  predictions are matched one-to-one to the borderline facts and those pairs are set
  aside (neither predicted nor gold). A second duplicate of a borderline fact stays
  a false positive, as a duplicate of any fact does.
- Among maximum matchings the evaluator takes one with most strict-correct pairs,
  then most correct fields (see ``pipeline.scoring``).
- Both changes null are equal. The qualifier field compares amount qualifiers (a
  missing qualifier reads as "exact"; both amounts null are equal). Source compares
  case- and space-insensitively, null == null == "".
- Company mentions: a gold entry is found when any predicted company name is
  equivalent to it; unmatched predicted names count once per distinct name.
"""
from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from numbers import Number
from pathlib import Path
from typing import Any

from pipeline import scoring
from pipeline.scoring import FIELDS, CompanyIndex

Located = list[tuple[str, dict]]  # (where the record came from, the record)

MENTION_KINDS = ("money", "percent", "periods", "companies")
PRED_TYPE_TO_GOLD_KEY = {"money": "money", "percent": "percent", "period": "periods", "company": "companies"}
MENTION_SAME = {"money": scoring.money_same, "percent": scoring.percent_same, "periods": scoring.period_same}


# ---------------------------------------------------------------- public API

def evaluate(gold_path: str | Path, pred_dir: str | Path) -> dict:
    """Score the predictions in ``pred_dir`` against the gold JSONL at ``gold_path``."""
    gold = read_jsonl(Path(gold_path))
    warnings: list[str] = []
    facts = _read_optional(Path(pred_dir) / "facts.jsonl", warnings)
    mentions = _read_optional(Path(pred_dir) / "mentions.jsonl", warnings)
    return _evaluate_located(gold, facts, mentions, warnings)


def evaluate_records(gold_records: Sequence[dict], fact_records: Sequence[dict],
                     mention_records: Sequence[dict]) -> dict:
    """Score in-memory records (gold lines, fact records, mention records)."""
    return _evaluate_located(_labelled(gold_records, "gold record"),
                             _labelled(fact_records, "fact record"),
                             _labelled(mention_records, "mention record"), [])


def read_jsonl(path: Path) -> Located:
    """The JSON objects of a JSONL file, each labelled '<path> line <n>'; blank lines skipped."""
    records: Located = []
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            where = f"{path} line {number}"
            try:
                record = json.loads(line)
            except json.JSONDecodeError as error:
                raise ValueError(f"{where}: expected a JSON object, found malformed JSON "
                                 f"({error.msg} at column {error.colno})") from None
            records.append((where, _expect_object(record, where)))
    return records


def _read_optional(path: Path, warnings: list[str]) -> Located:
    if not path.is_file():
        warnings.append(f"{path} not found: read as no predictions")
        return []
    return read_jsonl(path)


def _labelled(records: Iterable[Any], label: str) -> Located:
    return [(f"{label} {i}", _expect_object(r, f"{label} {i}")) for i, r in enumerate(records, 1)]


# ---------------------------------------------------------------- input checks

def _expect_object(record: Any, where: str) -> dict:
    if not isinstance(record, dict):
        raise ValueError(f"{where}: expected a JSON object, found {type(record).__name__}")  # noqa: TRY004
    return record


def _expect(condition: bool, where: str, expected: str, found: Any) -> None:
    if not condition:
        raise ValueError(f"{where}: expected {expected}, found {found!r}")


def _is_number(value: Any) -> bool:
    return isinstance(value, Number) and not isinstance(value, bool)


def _check_fact(fact: Any, where: str) -> None:
    _expect(isinstance(fact, dict), where, "a fact object", fact)
    companies = fact.get("companies")
    _expect(isinstance(companies, list) and all(isinstance(c, str) for c in companies),
            where, "'companies' as a list of names", companies)
    amount = fact.get("amount")
    if amount is not None:
        _expect(isinstance(amount, dict) and _is_number(amount.get("value")),
                where, "'amount' null or an object with a numeric 'value'", amount)
    change = fact.get("change")
    if change is not None:
        _expect(isinstance(change, dict) and _is_number(change.get("value")),
                where, "'change' null or an object with a numeric 'value'", change)
    period = fact.get("period")
    _expect(period is None or isinstance(period, dict), where, "'period' null or an object", period)


def _check_doc_id(record: dict, where: str) -> str:
    doc_id = record.get("doc_id")
    _expect(isinstance(doc_id, str) and doc_id != "", where, "a non-empty string 'doc_id'", doc_id)
    return doc_id


def _gold_by_doc(gold: Located) -> dict[str, dict]:
    by_doc: dict[str, dict] = {}
    for where, record in gold:
        doc_id = _check_doc_id(record, where)
        _expect(doc_id not in by_doc, where, "each doc_id once in the gold file", doc_id)
        _expect(isinstance(record.get("facts"), list), where, "'facts' as a list", record.get("facts"))
        mentions = record.get("mentions", {})
        _expect(isinstance(mentions, dict), where, "'mentions' as an object", mentions)
        for number, fact in enumerate(record["facts"], 1):
            _check_fact(fact, f"{where} fact {number}")
        by_doc[doc_id] = record
    return by_doc


# ---------------------------------------------------------------- totals

@dataclass
class Tally:
    tp: int = 0
    pred: int = 0
    gold: int = 0

    def add(self, tp: int, pred: int, gold: int) -> None:
        self.tp, self.pred, self.gold = self.tp + tp, self.pred + pred, self.gold + gold

    def scores(self, tp: int | None = None) -> dict:
        """P/R/F1 of ``tp`` (default: this tally's tp) against pred and gold; 0.0 on zero division."""
        hits = self.tp if tp is None else tp
        p, r = _ratio(hits, self.pred), _ratio(hits, self.gold)
        return {"p": p, "r": r, "f1": _ratio(2 * p * r, p + r), "tp": hits, "pred": self.pred, "gold": self.gold}


def _ratio(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator else 0.0


@dataclass
class Totals:
    facts: Tally = field(default_factory=Tally)
    strict_tp: int = 0
    fields_right: Counter = field(default_factory=Counter)
    mentions: dict[str, Tally] = field(default_factory=lambda: {k: Tally() for k in MENTION_KINDS})
    errors: list[dict] = field(default_factory=list)
    mismatches: list[dict] = field(default_factory=list)
    borderline_gold: int = 0
    set_aside: int = 0

    def facts_report(self) -> dict:
        report = self.facts.scores()
        strict = self.facts.scores(self.strict_tp)
        report["strict_f1"] = strict["f1"]
        report["fields"] = {name: _ratio(self.fields_right[name], self.facts.tp) for name in FIELDS}
        return {key: report[key] for key in ("p", "r", "f1", "strict_f1", "tp", "pred", "gold", "fields")}


# ---------------------------------------------------------------- scoring

def _evaluate_located(gold: Located, facts: Located, mentions: Located, warnings: list[str]) -> dict:
    gold_by_doc = _gold_by_doc(gold)
    facts_by_doc, ignored_facts = _group_predictions(facts, gold_by_doc, is_fact=True)
    mentions_by_doc, ignored_mentions = _group_predictions(mentions, gold_by_doc, is_fact=False)
    totals = Totals()
    for doc_id, record in gold_by_doc.items():
        doc_mentions = mentions_by_doc.get(doc_id, [])
        index = CompanyIndex(record.get("mentions", {}).get("companies") or (),
                             [m for m in doc_mentions if m.get("type") == "company"])
        _score_facts(doc_id, record["facts"], facts_by_doc.get(doc_id, []), index, totals)
        _score_mentions(record.get("mentions", {}), doc_mentions, index, totals)
    ignored = _ignored_summary(ignored_facts, ignored_mentions, warnings)
    _warn_unknown_types(mentions, warnings)
    return _report(len(gold_by_doc), totals, ignored, warnings)


def _group_predictions(records: Located, gold_by_doc: Mapping[str, dict],
                       is_fact: bool) -> tuple[dict[str, list[dict]], Counter]:
    """Predictions by doc_id (gold articles only) and a count of the others by doc_id."""
    by_doc: dict[str, list[dict]] = defaultdict(list)
    ignored: Counter = Counter()
    for where, record in records:
        doc_id = _check_doc_id(record, where)
        if is_fact:
            _check_fact(record, where)
        if doc_id not in gold_by_doc:
            ignored[doc_id] += 1
        elif is_fact or record.get("type") in PRED_TYPE_TO_GOLD_KEY:
            by_doc[doc_id].append(record)
    return by_doc, ignored


def _ignored_summary(facts: Counter, mentions: Counter, warnings: list[str]) -> dict:
    doc_ids = sorted(set(facts) | set(mentions))
    if doc_ids:
        shown = ", ".join(doc_ids[:5]) + (" …" if len(doc_ids) > 5 else "")
        warnings.append(f"ignored {sum(facts.values())} facts and {sum(mentions.values())} mentions "
                        f"of {len(doc_ids)} doc_ids not in the gold file ({shown})")
    return {"doc_ids": doc_ids, "facts": sum(facts.values()), "mentions": sum(mentions.values())}


def _warn_unknown_types(mentions: Located, warnings: list[str]) -> None:
    unknown = Counter(str(r.get("type")) for _, r in mentions if r.get("type") not in PRED_TYPE_TO_GOLD_KEY)
    if unknown:
        warnings.append(f"ignored mentions of unknown type (expected one of "
                        f"{sorted(PRED_TYPE_TO_GOLD_KEY)}): {dict(unknown)}")


def _score_facts(doc_id: str, gold: list[dict], preds: list[dict], index: CompanyIndex,
                 totals: Totals) -> None:
    normal = [f for f in gold if not f.get("borderline")]
    borderline = [f for f in gold if f.get("borderline")]
    pairs = scoring.match_facts(normal, preds, index)
    matched = {p for _, p in pairs}
    left = [j for j in range(len(preds)) if j not in matched]
    set_aside = {left[p] for _, p in scoring.match_facts(borderline, [preds[j] for j in left], index)}
    totals.facts.add(len(pairs), len(preds) - len(set_aside), len(normal))
    totals.borderline_gold += len(borderline)
    totals.set_aside += len(set_aside)
    for g, p in pairs:
        _score_pair(doc_id, normal[g], preds[p], index, totals)
    matched_gold = {g for g, _ in pairs}
    totals.errors += [_error(doc_id, "fp", preds[j]) for j in left if j not in set_aside]
    totals.errors += [_error(doc_id, "fn", normal[i]) for i in range(len(normal)) if i not in matched_gold]


def _score_pair(doc_id: str, gold: dict, pred: dict, index: CompanyIndex, totals: Totals) -> None:
    fields = scoring.field_results(gold, pred, index)
    totals.fields_right.update(name for name, right in fields.items() if right)
    totals.strict_tp += scoring.is_strict(fields)
    wrong = [name for name in FIELDS if not fields[name]]
    if wrong:
        totals.mismatches.append({"doc_id": doc_id, "fields": wrong, "gold": gold, "pred": pred,
                                  "evidence": _evidence(pred)})


def _evidence(fact: Mapping) -> str | None:
    evidence = fact.get("evidence")
    return evidence.get("sentence") if isinstance(evidence, dict) else None


def _error(doc_id: str, kind: str, fact: dict) -> dict:
    return {"doc_id": doc_id, "kind": kind, "fact": fact, "evidence": _evidence(fact)}


def _score_mentions(gold: Mapping[str, list], preds: list[dict], index: CompanyIndex, totals: Totals) -> None:
    by_kind: dict[str, list[dict]] = defaultdict(list)
    for mention in preds:
        by_kind[PRED_TYPE_TO_GOLD_KEY[mention["type"]]].append(mention)
    for kind, same in MENTION_SAME.items():
        gold_items, pred_items = gold.get(kind) or [], by_kind[kind]
        totals.mentions[kind].add(scoring.match_multiset(gold_items, pred_items, same),
                                  len(pred_items), len(gold_items))
    names = [m.get("name") or m.get("text") for m in by_kind["companies"]]
    totals.mentions["companies"].add(*scoring.company_mention_counts(gold.get("companies") or [], names, index))


def _report(docs: int, totals: Totals, ignored: dict, warnings: list[str]) -> dict:
    return {
        "docs": docs,
        "facts": totals.facts_report(),
        "mentions": {kind: totals.mentions[kind].scores() for kind in MENTION_KINDS},
        "errors": totals.errors,
        "mismatches": totals.mismatches,
        "borderline": {"gold": totals.borderline_gold, "pred_set_aside": totals.set_aside},
        "ignored": ignored,
        "warnings": warnings,
    }
