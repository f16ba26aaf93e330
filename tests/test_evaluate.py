"""Evaluator tests: hand-built gold/prediction pairs with scores worked out by hand."""
from __future__ import annotations

import itertools
import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.evaluate import evaluate, evaluate_records
from pipeline.evaluate_render import render_errors, render_table
from pipeline.scoring import CompanyIndex, match_multiset, max_weight_matching

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
DEV_GOLD = SHARED / "dev" / "gold.jsonl"
YEAR_2025 = ("2025-01", "2025-12")


# ---------------------------------------------------------------- builders

def fact(companies=("Amazon",), value=1e11, currency="USD", high=None, qualifier="exact",
         change=None, period=YEAR_2025, status="plan", source=None, borderline=False):
    """A gold-style fact record (no doc_id, no evidence)."""
    record = {
        "companies": sorted(companies),
        "amount": None if value is None else {"value": value, "value_high": high, "currency": currency,
                                              "qualifier": qualifier, "text": ""},
        "change": None if change is None else {"value": change, "qualifier": "exact", "text": ""},
        "period": None if period is None else {"start": period[0], "end": period[1], "fiscal": False, "text": ""},
        "status": status, "source": source, "scope": "capex",
    }
    if borderline:
        record["borderline"] = True
    return record


def pred(doc_id="d1", sentence="evidence sentence", **kwargs):
    """A prediction fact record: a fact plus doc_id and evidence."""
    return {**fact(**kwargs), "doc_id": doc_id, "evidence": {"sentence": sentence, "start": 0, "end": 1}}


def gold_doc(doc_id="d1", facts=(), companies=(), money=(), percent=(), periods=()):
    return {"doc_id": doc_id, "facts": list(facts),
            "mentions": {"money": list(money), "percent": list(percent),
                         "periods": list(periods), "companies": list(companies)}}


def entry(name, *aliases):
    return {"name": name, "aliases": [name, *aliases]}


def company_mention(text, name, doc_id="d1"):
    return {"doc_id": doc_id, "type": "company", "text": text, "span": [0, len(text)], "name": name}


def counts(report):
    facts = report["facts"]
    return facts["tp"], facts["pred"], facts["gold"]


# ---------------------------------------------------------------- fact matching, one article

AMAZON = [entry("Amazon", "亚马逊")]
ALPHABET = [entry("Alphabet", "谷歌母公司Alphabet", "谷歌", "Google")]

FACT_CASES = [
    # (id, gold facts, predicted facts, gold company entries, expected (tp, pred, gold))
    ("identical", [fact()], [pred()], AMAZON, (1, 1, 1)),
    # two predictions for one gold fact: one-to-one, so 1 tp and 1 fp
    ("two preds one gold", [fact()], [pred(), pred()], AMAZON, (1, 2, 1)),
    ("extra and missing", [fact(value=1e11), fact(value=5e10)], [pred(value=1e11), pred(value=7e10)],
     AMAZON, (1, 2, 2)),
    # 100.4e9 is 0.4% off 100e9 (match); 100.6e9 is 0.6% off (no match)
    ("value within 0.5%", [fact(value=1e11)], [pred(value=1.004e11)], AMAZON, (1, 1, 1)),
    ("value beyond 0.5%", [fact(value=1e11)], [pred(value=1.006e11)], AMAZON, (0, 1, 1)),
    ("currency mismatch", [fact(currency="USD")], [pred(currency="CNY")], AMAZON, (0, 1, 1)),
    # ranges: both ends within 0.5% (35.1 vs 35 is 0.29%); a single value or a far high end fails
    ("range both ends", [fact(value=3e10, high=3.5e10, qualifier="range")],
     [pred(value=3e10, high=3.51e10, qualifier="range")], AMAZON, (1, 1, 1)),
    ("range vs single value", [fact(value=3e10, high=3.5e10, qualifier="range")],
     [pred(value=3e10)], AMAZON, (0, 1, 1)),
    ("range high end off", [fact(value=3e10, high=3.5e10, qualifier="range")],
     [pred(value=3e10, high=3.6e10, qualifier="range")], AMAZON, (0, 1, 1)),
    # null amounts: compared by change (within 0.005); both changes null count as equal
    ("null amounts, change close", [fact(value=None, change=0.3)], [pred(value=None, change=0.304)],
     AMAZON, (1, 1, 1)),
    ("null amounts, change far", [fact(value=None, change=0.3)], [pred(value=None, change=0.306)],
     AMAZON, (0, 1, 1)),
    ("null amounts, both changes null", [fact(value=None)], [pred(value=None)], AMAZON, (1, 1, 1)),
    ("null amounts, one change null", [fact(value=None, change=0.3)], [pred(value=None)], AMAZON, (0, 1, 1)),
    ("amount vs null amount", [fact(value=1e11)], [pred(value=None)], AMAZON, (0, 1, 1)),
    # amounts given: changes differ but the pair still matches (change is a field)
    ("amount given, change differs", [fact(change=0.3)], [pred(change=0.9)], AMAZON, (1, 1, 1)),
    # period rule: end years equal; gold null period accepts anything; predicted null period fails
    ("fiscal vs calendar, same end year", [fact(period=YEAR_2025)], [pred(period=("2024-07", "2025-06"))],
     AMAZON, (1, 1, 1)),
    ("end year differs", [fact(period=YEAR_2025)], [pred(period=("2026-01", "2026-12"))], AMAZON, (0, 1, 1)),
    ("gold period null", [fact(period=None)], [pred(period=("2030-01", "2030-12"))], AMAZON, (1, 1, 1)),
    ("pred period null", [fact(period=YEAR_2025)], [pred(period=None)], AMAZON, (0, 1, 1)),
    ("open start, same end", [fact(period=(None, "2030-12"))], [pred(period=("2025-01", "2030-12"))],
     AMAZON, (1, 1, 1)),
    # companies: one shared company is enough to match
    ("share one company", [fact(companies=["Amazon", "Meta"])], [pred(companies=["Meta"])], AMAZON, (1, 1, 1)),
    ("no shared company", [fact(companies=["Amazon"])], [pred(companies=["Meta"])], AMAZON, (0, 1, 1)),
    ("name case and spaces", [fact(companies=["SK hynix"])], [pred(companies=["skhynix"])], [], (1, 1, 1)),
    ("alias from gold entry", [fact(companies=["Alphabet"])], [pred(companies=["google"])], ALPHABET, (1, 1, 1)),
    ("alias to alias", [fact(companies=["Alphabet"])], [pred(companies=["谷 歌"])], ALPHABET, (1, 1, 1)),
    ("unknown alias", [fact(companies=["Alphabet"])], [pred(companies=["GOOGL"])], ALPHABET, (0, 1, 1)),
    ("no gold facts", [], [pred()], AMAZON, (0, 1, 0)),
    ("no predictions", [fact(), fact(value=2e11)], [], AMAZON, (0, 0, 2)),
]


@pytest.mark.parametrize("gold_facts, preds, companies, expected",
                         [case[1:] for case in FACT_CASES], ids=[case[0] for case in FACT_CASES])
def test_fact_matching(gold_facts, preds, companies, expected):
    report = evaluate_records([gold_doc(facts=gold_facts, companies=companies)], preds, [])
    assert counts(report) == expected


def test_alias_from_predicted_mention_name():
    # The extractor's mention maps text 谷歌 (a gold alias of Alphabet) to its name GOOGL,
    # so GOOGL becomes an alias of Alphabet in this article: the fact matches.
    gold = [gold_doc(facts=[fact(companies=["Alphabet"])], companies=ALPHABET)]
    preds = [pred(companies=["GOOGL"])]
    assert counts(evaluate_records(gold, preds, [])) == (0, 1, 1)
    report = evaluate_records(gold, preds, [company_mention("谷歌", "GOOGL")])
    assert counts(report) == (1, 1, 1)
    assert report["facts"]["fields"]["companies"] == 1.0


def test_predicted_alias_is_per_article():
    # The mention in d2 makes GOOGL an alias in d2 only; in d1 the prediction stays unmatched.
    gold = [gold_doc("d1", [fact(companies=["Alphabet"])], ALPHABET),
            gold_doc("d2", [fact(companies=["Alphabet"])], ALPHABET)]
    preds = [pred("d1", companies=["GOOGL"]), pred("d2", companies=["GOOGL"])]
    report = evaluate_records(gold, preds, [company_mention("谷歌", "GOOGL", doc_id="d2")])
    assert counts(report) == (1, 2, 2)


def test_micro_average_over_articles():
    # d1: tp 1, pred 1, gold 1; d2 has no predictions: gold 2 missed.
    # Totals tp 1, pred 1, gold 3: p = 1.0, r = 1/3, f1 = 2 * 1 * 1/3 / (4/3) = 0.5.
    gold = [gold_doc("d1", [fact()]), gold_doc("d2", [fact(), fact(value=2e11)])]
    report = evaluate_records(gold, [pred("d1")], [])
    facts = report["facts"]
    assert (facts["p"], facts["r"], facts["f1"]) == pytest.approx((1.0, 1 / 3, 0.5))
    assert report["docs"] == 2


def test_extra_and_missing_fact_errors():
    gold = [gold_doc(facts=[fact(value=1e11), fact(value=5e10)])]
    preds = [pred(value=1e11), pred(value=7e10, sentence="the wrong one")]
    report = evaluate_records(gold, preds, [])
    facts = report["facts"]  # tp 1, pred 2, gold 2 -> p = r = f1 = 0.5
    assert (facts["p"], facts["r"], facts["f1"]) == pytest.approx((0.5, 0.5, 0.5))
    kinds = {(e["kind"], e["fact"]["amount"]["value"]): e["evidence"] for e in report["errors"]}
    assert kinds == {("fp", 7e10): "the wrong one", ("fn", 5e10): None}
    text = render_errors(report)
    assert "== d1" in text and "FP" in text and "FN" in text and "the wrong one" in text


def test_unknown_doc_ids_are_ignored_and_warned():
    report = evaluate_records([gold_doc(facts=[fact()])], [pred(), pred("elsewhere")],
                              [company_mention("亚马逊", "Amazon", doc_id="elsewhere")])
    assert counts(report) == (1, 1, 1)
    assert report["ignored"] == {"doc_ids": ["elsewhere"], "facts": 1, "mentions": 1}
    assert any("elsewhere" in w for w in report["warnings"])


# ---------------------------------------------------------------- borderline

BORDERLINE_CASES = [
    # N = normal gold (period 2025), B = borderline gold (period null: any prediction of the same
    # amount matches it). Normal facts are matched first, so B cannot steal N's prediction.
    ("one pred goes to the normal fact", [pred()], (1, 1, 1), 0),
    # the second prediction matches B: set aside, not counted as predicted
    ("second pred set aside", [pred(), pred()], (1, 1, 1), 1),
    # a third duplicate has nothing left to match: false positive
    ("third pred is a false positive", [pred(), pred(), pred()], (1, 2, 1), 1),
    # a prediction matching neither stays a false positive
    ("unrelated pred", [pred(companies=["Meta"])], (0, 1, 1), 0),
]


@pytest.mark.parametrize("preds, expected, set_aside", [c[1:] for c in BORDERLINE_CASES],
                         ids=[c[0] for c in BORDERLINE_CASES])
def test_borderline_set_aside(preds, expected, set_aside):
    gold = [gold_doc(facts=[fact(period=None, borderline=True), fact()])]
    report = evaluate_records(gold, preds, [])
    assert counts(report) == expected
    assert report["borderline"] == {"gold": 1, "pred_set_aside": set_aside}


def test_only_borderline_scores_zero_without_error():
    # Gold fact borderline, prediction matches it: nothing is counted, 0/0 gives 0.0.
    report = evaluate_records([gold_doc(facts=[fact(borderline=True)])], [pred()], [])
    assert counts(report) == (0, 0, 0)
    assert report["facts"]["f1"] == 0.0 and report["errors"] == []


# ---------------------------------------------------------------- fields and strict

def test_strict_prefers_matching_with_right_fields():
    # G1 plan, G2 forecast, otherwise equal; P1 forecast, P2 plan. Both pairings are maximum;
    # in-order pairing (G1-P1, G2-P2) gets both statuses wrong, the chosen one gets both right.
    gold = [gold_doc(facts=[fact(status="plan"), fact(status="forecast")])]
    report = evaluate_records(gold, [pred(status="forecast"), pred(status="plan")], [])
    assert report["facts"]["strict_f1"] == 1.0
    assert report["facts"]["fields"]["status"] == 1.0


def test_field_accuracy_and_strict_vs_loose():
    # d1 pair: period start differs (wrong), status differs (wrong), qualifier approx vs exact (wrong),
    #          source differs only in case/spaces (right), changes both null (right), companies right
    #          via alias 谷歌 -> Alphabet.
    # d2 pair: all fields right.
    # fields: companies 2/2, period 1/2, change 2/2, status 1/2, qualifier 1/2, source 2/2.
    # loose tp 2 of pred 2 / gold 2 -> f1 1.0; strict tp 1 (d2 only) -> p = r = 0.5 -> strict_f1 0.5.
    gold = [gold_doc("d1", [fact(companies=["Alphabet", "Meta"], qualifier="approx", source="Dell'Oro Group")],
                     ALPHABET),
            gold_doc("d2", [fact(change=0.3)])]
    preds = [pred("d1", companies=["Meta", "谷歌"], period=("2025-04", "2025-12"), status="forecast",
                  qualifier="exact", source="dell'oro  group"),
             pred("d2", change=0.302)]
    report = evaluate_records(gold, preds, [])
    facts = report["facts"]
    assert facts["f1"] == 1.0 and facts["strict_f1"] == pytest.approx(0.5)
    assert facts["fields"] == pytest.approx({"companies": 1.0, "period": 0.5, "change": 1.0,
                                             "status": 0.5, "qualifier": 0.5, "source": 1.0})
    assert [m["fields"] for m in report["mismatches"]] == [["period", "status", "qualifier"]]


FIELD_CASES = [
    # (id, gold fact, predicted fact, the field, right?)
    ("change null vs value", fact(), pred(change=0.1), "change", False),
    ("change within 0.005", fact(change=0.6), pred(change=0.604), "change", True),
    ("gold period null vs given", fact(period=None), pred(), "period", False),
    ("both amounts null qualifier", fact(value=None), pred(value=None), "qualifier", True),
    ("source null vs named", fact(), pred(source="Bank X"), "source", False),
    ("companies subset is wrong", fact(companies=["Amazon", "Meta"]), pred(companies=["Amazon"]),
     "companies", False),
]


@pytest.mark.parametrize("gold_fact, pred_fact, name, right", [c[1:] for c in FIELD_CASES],
                         ids=[c[0] for c in FIELD_CASES])
def test_single_field(gold_fact, pred_fact, name, right):
    report = evaluate_records([gold_doc(facts=[gold_fact])], [pred_fact], [])
    assert counts(report) == (1, 1, 1)
    assert report["facts"]["fields"][name] == (1.0 if right else 0.0)


# ---------------------------------------------------------------- mentions

def money(value, currency="USD", doc_id=None):
    record = {"text": "m", "value": value, "value_high": None, "currency": currency, "qualifier": "exact"}
    return record if doc_id is None else {**record, "doc_id": doc_id, "type": "money", "span": [0, 1]}


def percent(value, kind="percent", doc_id=None):
    record = {"text": "p", "kind": kind, "value": value}
    return record if doc_id is None else {**record, "doc_id": doc_id, "type": "percent", "span": [0, 1]}


def period(start, end, doc_id=None):
    record = {"text": "t", "start": start, "end": end}
    return record if doc_id is None else {**record, "doc_id": doc_id, "type": "period", "span": [0, 1]}


def mention_scores(gold, mentions, kind):
    scores = evaluate_records([gold], [], mentions)["mentions"][kind]
    return scores["tp"], scores["pred"], scores["gold"]


def test_money_mentions_as_multiset():
    # gold: 100e9 USD twice (repeated amount), 5e9 CNY; pred: 100.2e9 USD (0.2% off) once, 5e9 USD
    # (wrong currency) -> tp 1, pred 2, gold 3.
    gold = gold_doc(money=[money(1e11), money(1e11), money(5e9, "CNY")])
    assert mention_scores(gold, [money(1.002e11, doc_id="d1"), money(5e9, doc_id="d1")], "money") == (1, 2, 3)


def test_percent_mentions_kind_and_tolerance():
    # 0.6004 is within 0.0005 of 0.6; 2.6 of kind percent does not match the multiple 2.6;
    # 0.1006 is beyond 0.0005 of 0.1 -> tp 1, pred 3, gold 3.
    gold = gold_doc(percent=[percent(0.6), percent(2.6, "multiple"), percent(0.1)])
    preds = [percent(0.6004, doc_id="d1"), percent(2.6, doc_id="d1"), percent(0.1006, doc_id="d1")]
    assert mention_scores(gold, preds, "percent") == (1, 3, 3)


def test_period_mentions_as_multiset():
    # gold lists 2024 twice and Q1 2025 once; pred lists 2024 three times -> tp 2, pred 3, gold 3.
    gold = gold_doc(periods=[period("2024-01", "2024-12"), period("2024-01", "2024-12"),
                             period("2025-01", "2025-03")])
    preds = [period("2024-01", "2024-12", doc_id="d1") for _ in range(3)]
    assert mention_scores(gold, preds, "periods") == (2, 3, 3)


def test_company_mentions_once_per_article():
    # Alphabet found twice (谷歌 and Alphabet), Meta found via 脸书 -> name meta (case ignored),
    # Foo predicted twice and not in gold counts once -> tp 2, pred 3, gold 3 (Amazon missed).
    gold = gold_doc(companies=[*ALPHABET, entry("Meta", "脸书"), entry("Amazon")])
    preds = [company_mention("谷歌", "Alphabet"), company_mention("Alphabet", "Alphabet"),
             company_mention("脸书", "meta"), company_mention("X", "Foo"), company_mention("Foo", "Foo")]
    assert mention_scores(gold, preds, "companies") == (2, 3, 3)


def test_company_mention_with_own_canonical_name():
    # Text 谷歌 is a gold alias, so the predicted name GOOGL becomes an alias of Alphabet -> tp 1.
    gold = gold_doc(companies=ALPHABET)
    assert mention_scores(gold, [company_mention("谷歌", "GOOGL")], "companies") == (1, 1, 1)


# ---------------------------------------------------------------- perfect predictions

def as_predictions(gold_records):
    """Gold lines turned into prediction records (facts with doc_id, 1b mention records)."""
    facts, mentions = [], []
    kinds = {"money": "money", "percent": "percent", "periods": "period"}
    for record in gold_records:
        doc_id = record["doc_id"]
        facts += [{**f, "doc_id": doc_id, "evidence": {"sentence": "s", "start": 0, "end": 0}}
                  for f in record["facts"]]
        for key, kind in kinds.items():
            mentions += [{**m, "doc_id": doc_id, "type": kind, "span": [0, 0]}
                         for m in record["mentions"].get(key, [])]
        mentions += [company_mention(alias, c["name"], doc_id)
                     for c in record["mentions"].get("companies", []) for alias in c["aliases"]]
    return facts, mentions


def assert_all_scores_one(report):
    facts = report["facts"]
    assert [facts[k] for k in ("p", "r", "f1", "strict_f1")] == [1.0] * 4
    assert set(facts["fields"].values()) == {1.0}
    for kind, scores in report["mentions"].items():
        if scores["gold"]:
            assert [scores[k] for k in ("p", "r", "f1")] == [1.0] * 3, kind
    assert report["errors"] == [] and report["mismatches"] == []


def test_perfect_predictions_hand_built():
    gold = [gold_doc("d1", [fact(companies=["Alphabet"], change=0.4), fact(value=None, change=0.2),
                            fact(period=None, borderline=True)],
                     ALPHABET, [money(1e11)], [percent(0.4), percent(2, "multiple")],
                     [period("2025-01", "2025-12")]),
            gold_doc("d2")]
    report = evaluate_records(gold, *as_predictions(gold))
    assert_all_scores_one(report)
    assert report["borderline"] == {"gold": 1, "pred_set_aside": 1}


@pytest.mark.shared
@pytest.mark.skipif(not DEV_GOLD.is_file(), reason="../shared/dev/gold.jsonl is absent")
def test_perfect_predictions_on_dev_gold(tmp_path):
    gold = [json.loads(line) for line in DEV_GOLD.read_text(encoding="utf-8").splitlines() if line.strip()]
    facts, mentions = as_predictions(gold)
    write_jsonl(tmp_path / "facts.jsonl", facts)
    write_jsonl(tmp_path / "mentions.jsonl", mentions)
    assert_all_scores_one(evaluate(DEV_GOLD, tmp_path))


# ---------------------------------------------------------------- files, bad input, rendering

def write_jsonl(path, records):
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")


def test_evaluate_files_equals_records(tmp_path):
    gold = [gold_doc(facts=[fact()], money=[money(1e11)])]
    write_jsonl(tmp_path / "gold.jsonl", gold)
    preds = tmp_path / "out"
    preds.mkdir()
    write_jsonl(preds / "facts.jsonl", [pred()])
    write_jsonl(preds / "mentions.jsonl", [money(1e11, doc_id="d1")])
    assert evaluate(tmp_path / "gold.jsonl", preds) == evaluate_records(gold, [pred()], [money(1e11, doc_id="d1")])


def test_missing_prediction_files_read_as_empty(tmp_path):
    write_jsonl(tmp_path / "gold.jsonl", [gold_doc(facts=[fact()])])
    report = evaluate(tmp_path / "gold.jsonl", tmp_path / "nowhere")
    assert counts(report) == (0, 0, 1)
    assert len(report["warnings"]) == 2 and all("not found" in w for w in report["warnings"])


def test_malformed_gold_line_names_file_and_line(tmp_path):
    path = tmp_path / "gold.jsonl"
    path.write_text(json.dumps(gold_doc()) + "\n\n{not json\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"gold\.jsonl line 3: expected a JSON object"):
        evaluate(path, tmp_path)


def test_malformed_prediction_line_names_file_and_line(tmp_path):
    write_jsonl(tmp_path / "gold.jsonl", [gold_doc()])
    (tmp_path / "facts.jsonl").write_text(json.dumps(pred()) + "\n[1, 2\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"facts\.jsonl line 2"):
        evaluate(tmp_path / "gold.jsonl", tmp_path)


BAD_RECORDS = [
    # (id, gold records, fact records, mention records, message fragment)
    ("fact without doc_id", [gold_doc()], [fact()], [], "fact record 1: expected a non-empty string 'doc_id'"),
    ("companies not a list", [gold_doc()], [{**pred(), "companies": "Amazon"}], [], "'companies' as a list"),
    ("amount without value", [gold_doc()], [{**pred(), "amount": {"currency": "USD"}}], [], "numeric 'value'"),
    ("duplicate gold doc_id", [gold_doc(), gold_doc()], [], [], "gold record 2: expected each doc_id once"),
    ("gold facts missing", [{"doc_id": "d1"}], [], [], "'facts' as a list"),
    ("bad gold fact", [gold_doc(facts=[{"companies": None}])], [], [], "gold record 1 fact 1"),
    ("mention not an object", [gold_doc()], [], ["money"], "mention record 1: expected a JSON object"),
]


@pytest.mark.parametrize("gold, facts, mentions, message", [c[1:] for c in BAD_RECORDS],
                         ids=[c[0] for c in BAD_RECORDS])
def test_bad_records_raise_clear_errors(gold, facts, mentions, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        evaluate_records(gold, facts, mentions)


def test_unknown_mention_type_is_warned_not_scored():
    report = evaluate_records([gold_doc()], [], [{"doc_id": "d1", "type": "person", "text": "x", "span": [0, 1]}])
    assert report["mentions"]["companies"]["pred"] == 0
    assert any("unknown type" in w for w in report["warnings"])


def test_empty_input_gives_zero_scores():
    report = evaluate_records([], [], [])
    assert report["docs"] == 0 and report["facts"]["f1"] == 0.0
    assert set(report["facts"]["fields"].values()) == {0.0}


def test_render_table_lists_facts_fields_and_mention_kinds():
    gold = [gold_doc(facts=[fact()], money=[money(1e11)])]
    text = render_table(evaluate_records(gold, [pred()], []))
    for word in ("facts", "strict_f1", "qualifier", "money", "percent", "periods", "companies", "1.000"):
        assert word in text


def test_render_errors_without_errors():
    report = evaluate_records([gold_doc(facts=[fact()])], [pred()], [])
    assert render_errors(report).startswith("No false positives")


def test_report_shape():
    report = evaluate_records([gold_doc()], [], [])
    assert set(report["facts"]) == {"p", "r", "f1", "strict_f1", "tp", "pred", "gold", "fields"}
    assert set(report["facts"]["fields"]) == {"companies", "period", "change", "status", "qualifier", "source"}
    assert set(report["mentions"]) == {"money", "percent", "periods", "companies"}
    assert all(set(s) == {"p", "r", "f1", "tp", "pred", "gold"} for s in report["mentions"].values())
    json.dumps(report)  # serialisable as is


# ---------------------------------------------------------------- scoring helpers

def test_company_index_equivalence():
    index = CompanyIndex(ALPHABET + [entry("Meta", "脸书")], [company_mention("谷歌", "GOOGL")])
    assert index.same("google", "谷歌母公司 Alphabet")
    assert index.same("GOOGL", "Alphabet")
    assert not index.same("GOOGL", "Meta")
    assert index.same_set(["Meta", "Google"], ["alphabet", "脸书"])
    assert not index.same_set(["Meta"], ["Meta", "Alphabet"])


def brute_force_best(weights):
    """Best total weight over all one-to-one assignments."""
    rows, cols = len(weights), len(weights[0])
    if rows > cols:
        return brute_force_best([list(column) for column in zip(*weights)])
    return max(sum(weights[i][j] or 0 for i, j in enumerate(perm))
               for perm in itertools.permutations(range(cols), rows))


cell = st.one_of(st.none(), st.integers(min_value=1, max_value=9))
matrices = st.tuples(st.integers(1, 4), st.integers(1, 4)).flatmap(
    lambda size: st.lists(st.lists(cell, min_size=size[1], max_size=size[1]), min_size=size[0], max_size=size[0]))


@settings(max_examples=200, deadline=None)
@given(matrices)
def test_max_weight_matching_is_optimal(weights):
    pairs = max_weight_matching(weights)
    assert len({i for i, _ in pairs}) == len({j for _, j in pairs}) == len(pairs)
    assert all(weights[i][j] is not None for i, j in pairs)
    assert sum(weights[i][j] for i, j in pairs) == brute_force_best(weights)


@settings(max_examples=200, deadline=None)
@given(matrices)
def test_match_multiset_is_maximum(weights):
    allowed = [[1 if w is not None else None for w in row] for row in weights]
    golds, preds = range(len(weights)), range(len(weights[0]))
    size = match_multiset(list(golds), list(preds), lambda g, p: weights[g][p] is not None)
    assert size == brute_force_best(allowed)
