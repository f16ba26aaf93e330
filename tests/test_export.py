"""`capex export --format csv|parquet` and ``load_facts``: typed rows, read back by pandas."""
from __future__ import annotations

import builtins

import pandas as pd
import pytest

from pipeline.cli import main
from pipeline.export import COLUMNS, PYARROW_HINT, facts_frame, load_facts
from tests.review_fixtures import HOSTILE, make_output


def _check_frame(frame: pd.DataFrame) -> None:
    assert list(frame.columns) == list(COLUMNS)
    assert {c: str(t) for c, t in frame.dtypes.items()} == COLUMNS
    amazon, alphabet, hostile = (frame.iloc[i] for i in range(3))
    assert amazon["doc_id"] == "a/amazon" and amazon["companies"] == "Amazon"
    assert amazon["amount_value"] == 1e11 and pd.isna(amazon["amount_value_high"])
    assert amazon["change_value"] == 0.3 and amazon["change_qualifier"] == "approx"
    assert bool(amazon["period_fiscal"]) is False and not pd.isna(amazon["period_fiscal"])
    assert (amazon["evidence_start"], amazon["evidence_end"]) == (0, 37)
    assert alphabet["amount_value_high"] == 8e10 and alphabet["amount_qualifier"] == "range"
    assert pd.isna(alphabet["change_value"]) and pd.isna(alphabet["change_qualifier"]) and pd.isna(alphabet["source"])
    assert bool(alphabet["period_fiscal"]) is True and alphabet["confidence"] == 0.6
    assert hostile["companies"] == f"{HOSTILE};Beta" and hostile["source"] == HOSTILE
    assert hostile["amount_currency"] == "CNY" and hostile["status"] == "actual"


def test_load_facts_types_and_values(tmp_path):
    _check_frame(load_facts(make_output(tmp_path / "out")))


def test_csv_round_trip(tmp_path):
    out = make_output(tmp_path / "out")
    target = tmp_path / "facts.csv"
    assert main(["export", str(out), "--format", "csv", "-o", str(target)]) == 0
    typed = pd.read_csv(target, dtype=COLUMNS, keep_default_na=True)
    _check_frame(typed)
    pd.testing.assert_frame_equal(typed, load_facts(out))
    plain = pd.read_csv(target)
    assert plain["amount_value"].dtype == "float64" and plain["evidence_start"].dtype == "int64"
    assert plain["period_fiscal"].dtype == "bool" and plain["confidence"].dtype == "float64"


def test_parquet_round_trip(tmp_path):
    pytest.importorskip("pyarrow", reason="parquet needs pyarrow (the 'parquet' extra)")
    out = make_output(tmp_path / "out")
    target = tmp_path / "facts.parquet"
    assert main(["export", str(out), "--format", "parquet", "-o", str(target)]) == 0
    frame = pd.read_parquet(target)
    _check_frame(frame)
    pd.testing.assert_frame_equal(frame, load_facts(out))


def test_parquet_without_pyarrow_says_how_to_install(tmp_path, monkeypatch, capsys):
    real_import = builtins.__import__

    def no_pyarrow(name, *args, **kwargs):
        if name == "pyarrow" or name.startswith("pyarrow."):
            raise ImportError("No module named 'pyarrow'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pyarrow)
    out = make_output(tmp_path / "out")
    assert main(["export", str(out), "--format", "parquet", "-o", str(tmp_path / "f.parquet")]) == 1
    assert PYARROW_HINT in capsys.readouterr().err
    assert not (tmp_path / "f.parquet").exists()


def test_missing_fields_are_na_and_empty_folder(tmp_path):
    frame = facts_frame([{"doc_id": "x", "companies": [], "amount": None, "change": {"value": -0.058},
                          "period": None, "status": "actual", "evidence": None}])
    row = frame.iloc[0]
    assert row["change_value"] == -0.058 and pd.isna(row["companies"]) and pd.isna(row["amount_value"])
    assert pd.isna(row["period_fiscal"]) and pd.isna(row["evidence_start"]) and pd.isna(row["confidence"])
    empty = facts_frame([])
    assert len(empty) == 0 and {c: str(t) for c, t in empty.dtypes.items()} == COLUMNS


def test_export_usage_errors(tmp_path, capsys):
    assert main(["export", str(tmp_path / "nope"), "--format", "csv", "-o", str(tmp_path / "f.csv")]) == 2
    assert "expected an output folder" in capsys.readouterr().err
    out = make_output(tmp_path / "out")
    assert main(["export", str(out), "--format", "csv", "-o", "f.csv", "--config", "c.xml"]) == 2
    assert "--config expects --format label-studio" in capsys.readouterr().err
    (out / "facts.jsonl").write_text("{not json\n", encoding="utf-8")
    assert main(["export", str(out), "--format", "csv", "-o", str(tmp_path / "f.csv")]) == 1
    assert "facts.jsonl line 1: expected a JSON object" in capsys.readouterr().err
