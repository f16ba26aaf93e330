"""The capex command end to end: extract on the seed and on samples/, exit codes, evaluate."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.cli import main
from tests.conftest import SAMPLES, SHARED, needs_shared


def _read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@needs_shared
def test_seed_gives_microsoft_and_amazon_facts(tmp_path):
    assert main(["extract", str(SHARED / "seed"), "--out", str(tmp_path), "--quiet"]) == 0
    facts = _read_jsonl(tmp_path / "facts.jsonl")
    assert {f["doc_id"] for f in facts} == {"000_f595a5203767956c"}
    microsoft = [f for f in facts if f["companies"] == ["Microsoft"]]
    assert len(microsoft) == 1
    assert microsoft[0]["amount"]["value"] == 80_000_000_000
    assert microsoft[0]["amount"]["currency"] == "USD"
    assert microsoft[0]["period"]["start"] == "2024-07" and microsoft[0]["period"]["end"] == "2025-06"
    assert microsoft[0]["period"]["fiscal"] is True
    assert microsoft[0]["status"] == "plan"
    amazon = [f for f in facts if f["companies"] == ["Amazon"]]
    assert len(amazon) == 1
    assert amazon[0]["amount"]["value"] == 100_000_000_000
    assert amazon[0]["amount"]["qualifier"] == "approx"
    assert (amazon[0]["period"]["start"], amazon[0]["period"]["end"]) == ("2025-01", "2025-12")
    assert abs(amazon[0]["change"]["value"] - 0.3) < 1e-9
    assert amazon[0]["status"] == "forecast"


def test_samples_end_to_end(tmp_path):
    assert main(["extract", str(SAMPLES), "--out", str(tmp_path), "--quiet"]) == 0
    for name in ("documents", "facts", "mentions", "errors"):
        assert (tmp_path / f"{name}.jsonl").exists()
    texts = {d["doc_id"]: d["text"] for d in _read_jsonl(tmp_path / "documents.jsonl")}
    mentions = _read_jsonl(tmp_path / "mentions.jsonl")
    assert mentions
    for mention in mentions:
        start, end = mention["span"]
        assert texts[mention["doc_id"]][start:end] == mention["text"]
    for fact in _read_jsonl(tmp_path / "facts.jsonl"):
        evidence = fact["evidence"]
        assert texts[fact["doc_id"]][evidence["start"]:evidence["end"]] == evidence["sentence"]
    run = json.loads((tmp_path / "run.json").read_text(encoding="utf-8"))
    assert run["documents"] == len(texts) and run["errors"] == 0


def test_samples_score_against_their_gold(tmp_path, capsys):
    main(["extract", str(SAMPLES), "--out", str(tmp_path), "--quiet"])
    assert main(["evaluate", "--gold", str(SAMPLES / "gold.jsonl"), "--pred", str(tmp_path), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["docs"] >= 8
    assert report["facts"]["f1"] >= 0.5  # measured, not a target: the dev set is where accuracy is judged


def test_missing_input_is_a_usage_error(tmp_path):
    assert main(["extract", str(tmp_path / "nope"), "--out", str(tmp_path / "out"), "--quiet"]) == 2


def test_bad_arguments_exit_2():
    with pytest.raises(SystemExit) as exit_info:
        main(["extract"])
    assert exit_info.value.code == 2


def test_a_bad_file_is_recorded_and_the_rest_run(tmp_path):
    articles = tmp_path / "in"
    articles.mkdir()
    (articles / "good.md").write_text("---\ntitle: t\ndate: 2025-02-01\n---\n台积电今年资本支出预计为400亿美元。\n",
                                      encoding="utf-8")
    (articles / "empty.md").write_bytes(b"")
    (articles / "binary.md").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    out = tmp_path / "out"
    assert main(["extract", str(articles), "--out", str(out), "--quiet"]) == 0
    errors = _read_jsonl(out / "errors.jsonl")
    assert sorted(Path(e["path"]).name for e in errors) == ["binary.md", "empty.md"]
    facts = _read_jsonl(out / "facts.jsonl")
    assert [f["companies"] for f in facts] == [["TSMC"]]


def test_parallel_output_is_identical_to_serial(tmp_path):
    serial, parallel = tmp_path / "serial", tmp_path / "parallel"
    main(["extract", str(SAMPLES), "--out", str(serial), "--quiet"])
    main(["extract", str(SAMPLES), "--out", str(parallel), "--quiet", "--jobs", "2"])
    for name in ("documents", "facts", "mentions", "errors"):
        assert (serial / f"{name}.jsonl").read_bytes() == (parallel / f"{name}.jsonl").read_bytes()
