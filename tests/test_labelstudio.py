"""Label Studio round trip: export tasks, import a (reviewed) export as gold, score it."""
from __future__ import annotations

import copy
import json
import xml.etree.ElementTree as ET

import pytest

from pipeline.cli import main
from pipeline.evaluate import evaluate
from pipeline.labelstudio import LABEL_CONFIG, chosen_result
from tests.review_fixtures import HOSTILE, TEXT_A, make_output

CONTROL_TYPES = {"Labels": "labels", "Choices": "choices", "TextArea": "textarea"}


@pytest.fixture
def exported(tmp_path):
    out = make_output(tmp_path / "out")
    tasks, config = tmp_path / "tasks.json", tmp_path / "config.xml"
    assert main(["export", str(out), "--format", "label-studio", "-o", str(tasks), "--config", str(config)]) == 0
    return out, json.loads(tasks.read_text(encoding="utf-8")), config


def _import(tmp_path, tasks, name="gold.jsonl") -> list[dict]:
    source, gold = tmp_path / f"{name}.export.json", tmp_path / name
    source.write_text(json.dumps(tasks, ensure_ascii=False), encoding="utf-8")
    assert main(["import-review", str(source), "-o", str(gold)]) == 0
    return [json.loads(line) for line in gold.read_text(encoding="utf-8").splitlines()]


def test_tasks_carry_text_mentions_and_facts(exported):
    _, tasks, _ = exported
    assert [t["data"]["doc_id"] for t in tasks] == ["a/amazon", "b/hostile", "c/nvidia"]
    first = tasks[0]
    assert first["data"]["text"] == TEXT_A and first["data"]["date"] == "2025-02-08"
    prediction = first["predictions"][0]
    assert prediction["model_version"] == "capex-pipeline 0.1.0"
    labels = [r for r in prediction["result"] if r["from_name"] == "label"]
    assert [r["value"]["labels"][0] for r in labels] == ["COMPANY", "PERIOD", "PERCENT", "MONEY",
                                                          "COMPANY", "PERIOD", "MONEY"]
    for result in labels:
        value = result["value"]
        assert TEXT_A[value["start"]:value["end"]] == value["text"] and result["to_name"] == "text"
    assert json.loads(labels[3]["meta"]["text"][0]) == {"value": 100000000000, "value_high": None,
                                                         "currency": "USD", "qualifier": "approx"}
    fact_regions = [r for r in prediction["result"] if r["id"] == "f2"]
    assert sorted(r["from_name"] for r in fact_regions) == ["fact", "fact_json", "status"]
    by_name = {r["from_name"]: r for r in fact_regions}
    assert by_name["fact"]["value"]["text"] == "谷歌母公司Alphabet计划2025年资本支出750亿至800亿美元。"
    assert by_name["status"]["value"]["choices"] == ["plan"] and by_name["fact"]["score"] == 0.6
    record = json.loads(by_name["fact_json"]["value"]["text"][0])
    assert record["companies"] == ["Alphabet"] and "evidence" not in record and "doc_id" not in record


def test_config_names_every_result(exported):
    _, tasks, config = exported
    root = ET.fromstring(config.read_text(encoding="utf-8"))
    assert config.read_text(encoding="utf-8") == LABEL_CONFIG
    controls = {el.get("name"): CONTROL_TYPES[el.tag] for el in root.iter() if el.tag in CONTROL_TYPES}
    assert {el.get("toName") for el in root.iter() if el.tag in CONTROL_TYPES} == {"text"}
    assert [el.get("value") for el in root.iter("Text")] == ["$text"]
    labels = {el.get("value") for el in root.iter("Label")}
    for task in tasks:
        for result in task["predictions"][0]["result"]:
            assert controls[result["from_name"]] == result["type"]
            assert set(result["value"].get("labels", [])) <= labels


def test_round_trip_without_edits_scores_one(exported, tmp_path):
    out, tasks, _ = exported
    gold = _import(tmp_path, tasks)
    assert [g["doc_id"] for g in gold] == ["a/amazon", "b/hostile", "c/nvidia"]
    assert gold[2]["facts"] == [] and len(gold[2]["mentions"]["money"]) == 1
    amazon = gold[0]
    assert amazon["mentions"]["companies"] == [{"name": "Amazon", "aliases": ["亚马逊"]},
                                               {"name": "Alphabet", "aliases": ["谷歌母公司Alphabet"]}]
    assert amazon["mentions"]["percent"] == [{"text": "约3成", "kind": "percent", "value": 0.3}]
    assert amazon["mentions"]["periods"][0] == {"text": "2025年", "start": "2025-01", "end": "2025-12"}
    assert amazon["mentions"]["money"][1]["value_high"] == 80000000000
    assert not any(k in f for f in amazon["facts"] for k in ("doc_id", "evidence", "confidence", "rule"))
    assert gold[1]["facts"][0]["companies"] == [HOSTILE, "Beta"]
    report = evaluate(tmp_path / "gold.jsonl", out)
    assert report["facts"]["f1"] == 1.0 and report["facts"]["strict_f1"] == 1.0
    assert {kind: scores["f1"] for kind, scores in report["mentions"].items()} == \
        {"money": 1.0, "percent": 1.0, "periods": 1.0, "companies": 1.0}


def _annotation(result, **fields) -> dict:
    return {"id": fields.pop("id", 1), "result": result, "was_cancelled": False,
            "created_at": "2025-03-01T10:00:00Z", **fields}


def test_reviewer_edits_win(exported, tmp_path):
    _, tasks, _ = exported
    reviewed = copy.deepcopy(tasks)
    result = copy.deepcopy(reviewed[0]["predictions"][0]["result"])
    edited = [r for r in result if r["id"] != "f1"]  # the Amazon fact deleted
    for r in edited:
        if r["id"] == "f2" and r["from_name"] == "status":
            r["value"]["choices"] = ["forecast"]  # the status changed with the choice
    edited.append({"id": "new1", "from_name": "label", "to_name": "text", "type": "labels",
                   "value": {"start": 0, "end": 3, "text": "亚马逊", "labels": ["COMPANY"]}})
    edited.append({"id": "new2", "from_name": "label", "to_name": "text", "type": "labels",
                   "value": {"start": 3, "end": 8, "text": "2025年", "labels": ["PERIOD"]}})
    reviewed[0]["annotations"] = [
        _annotation(edited, id=2, updated_at="2025-03-02T09:00:00Z"),
        _annotation([], id=3, created_at="2025-03-05T00:00:00Z", was_cancelled=True),
        _annotation(result, id=1, updated_at="2025-03-01T11:00:00Z")]
    gold = _import(tmp_path, reviewed)
    facts = gold[0]["facts"]
    assert [f["companies"] for f in facts] == [["Alphabet"]] and facts[0]["status"] == "forecast"
    assert gold[0]["mentions"]["companies"][0] == {"name": "Amazon", "aliases": ["亚马逊"]}
    assert len(gold[0]["mentions"]["periods"]) == 2  # the region without meta was skipped
    assert len(gold[1]["facts"]) == 1  # no annotation: the prediction


def test_chosen_result_rules():
    task = {"predictions": [{"result": [1]}, {"result": [2]}],
            "annotations": [{"result": [3], "was_cancelled": True}]}
    assert chosen_result(task) == [2]
    task["annotations"].append({"result": [4], "created_at": "2025-01-01"})
    task["annotations"].append({"result": [5], "created_at": "2024-01-01"})
    assert chosen_result(task) == [4]
    assert chosen_result({}) == []


def test_bad_exports_are_reported(tmp_path, capsys):
    path = tmp_path / "x.json"
    path.write_text(json.dumps({"not": "a list"}), encoding="utf-8")
    assert main(["import-review", str(path), "-o", str(tmp_path / "g.jsonl")]) == 1
    assert "expected a Label Studio JSON export (a list of tasks), found dict" in capsys.readouterr().err
    bad_fact = {"id": "f", "from_name": "fact_json", "type": "textarea", "value": {"text": ["{oops"]}}
    path.write_text(json.dumps([{"data": {"doc_id": "d", "text": "t"}, "annotations": [_annotation([bad_fact])]}]),
                    encoding="utf-8")
    assert main(["import-review", str(path), "-o", str(tmp_path / "g.jsonl")]) == 0
    assert "fact_json expected a JSON object, found malformed JSON" in capsys.readouterr().err
    assert main(["import-review", str(tmp_path / "missing.json"), "-o", str(tmp_path / "g.jsonl")]) == 2
    path.write_text("[{", encoding="utf-8")
    assert main(["import-review", str(path), "-o", str(tmp_path / "g.jsonl")]) == 1
    assert "found malformed JSON" in capsys.readouterr().err
