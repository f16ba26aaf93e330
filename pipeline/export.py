"""Facts as a table: one row per fact with flattened fields, for pandas, CSV and Parquet.

Public entry point: ``export_table(out_dir, path, fmt)``; ``load_facts(out_dir)`` gives the
same rows as a DataFrame and ``read_output(out_dir)`` the raw records of an output folder
(documents, facts, mentions, errors) that the review page and the Label Studio export share.

Column types (``COLUMNS``): numbers are ``float64`` (amounts, changes, confidence) or
``Int64`` (evidence offsets), ``period_fiscal`` is ``boolean`` and the rest ``string``;
missing values are ``<NA>``. A CSV keeps those types when read back with
``pandas.read_csv(path, dtype=COLUMNS)``; a Parquet file carries them itself.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

COLUMNS: dict[str, str] = {
    "doc_id": "string", "companies": "string",
    "amount_value": "float64", "amount_value_high": "float64", "amount_currency": "string",
    "amount_qualifier": "string", "amount_text": "string",
    "change_value": "float64", "change_qualifier": "string",
    "period_start": "string", "period_end": "string", "period_fiscal": "boolean", "period_text": "string",
    "status": "string", "source": "string", "scope": "string",
    "evidence_sentence": "string", "evidence_start": "Int64", "evidence_end": "Int64",
    "confidence": "float64", "rule": "string",
}
FORMATS = ("csv", "parquet")
OUTPUT_FILES = {"documents": "documents.jsonl", "facts": "facts.jsonl",
                "mentions": "mentions.jsonl", "errors": "errors.jsonl"}
PYARROW_HINT = ("writing Parquet needs pyarrow: pip install 'capex-pipeline[parquet]' "
                "(or pip install pyarrow)")


class MissingDependency(RuntimeError):
    """An optional package the requested output needs is not installed."""


def read_jsonl(path: Path) -> list[dict]:
    """The JSON objects of a JSONL file (blank lines skipped); a missing file reads as empty."""
    if not path.is_file():
        return []
    records = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as error:
                raise ValueError(f"{path} line {number}: expected a JSON object, "
                                 f"found malformed JSON ({error.msg})") from None
            if not isinstance(record, dict):
                raise ValueError(f"{path} line {number}: expected a JSON object, "  # noqa: TRY004
                                 f"found {type(record).__name__}")
            records.append(record)
    return records


def read_output(out_dir: str | Path) -> dict[str, list[dict]]:
    """The records of a ``capex extract`` output folder: documents, facts, mentions, errors."""
    folder = Path(out_dir)
    if not folder.is_dir():
        raise FileNotFoundError(f"expected an output folder of `capex extract`, found no folder at {folder}")
    if not any((folder / name).is_file() for name in OUTPUT_FILES.values()):
        raise FileNotFoundError(f"expected {', '.join(OUTPUT_FILES.values())} in {folder}, found none of them")
    return {key: read_jsonl(folder / name) for key, name in OUTPUT_FILES.items()}


def fact_row(fact: dict[str, Any]) -> dict[str, Any]:
    """One fact record flattened to the table's columns."""
    amount = fact.get("amount") or {}
    change = fact.get("change") or {}
    period = fact.get("period") or {}
    evidence = fact.get("evidence") or {}
    return {
        "doc_id": fact.get("doc_id"), "companies": ";".join(fact.get("companies") or []) or None,
        "amount_value": amount.get("value"), "amount_value_high": amount.get("value_high"),
        "amount_currency": amount.get("currency"), "amount_qualifier": amount.get("qualifier"),
        "amount_text": amount.get("text"),
        "change_value": change.get("value"), "change_qualifier": change.get("qualifier"),
        "period_start": period.get("start"), "period_end": period.get("end"),
        "period_fiscal": period.get("fiscal") if period else None, "period_text": period.get("text"),
        "status": fact.get("status"), "source": fact.get("source"), "scope": fact.get("scope"),
        "evidence_sentence": evidence.get("sentence"), "evidence_start": evidence.get("start"),
        "evidence_end": evidence.get("end"), "confidence": fact.get("confidence"), "rule": fact.get("rule"),
    }


def facts_frame(facts: list[dict]) -> pd.DataFrame:
    """Fact records as a DataFrame with the column types of ``COLUMNS``."""
    frame = pd.DataFrame([fact_row(f) for f in facts], columns=list(COLUMNS))
    for column, dtype in COLUMNS.items():
        values = frame[column].astype(object).where(frame[column].notna(), None)
        frame[column] = pd.array(values.tolist(), dtype=dtype)
    return frame


def load_facts(out_dir: str | Path) -> pd.DataFrame:
    """The facts of an output folder as a typed DataFrame, one row per fact."""
    return facts_frame(read_jsonl(Path(out_dir) / "facts.jsonl"))


def export_table(out_dir: str | Path, path: str | Path, fmt: str) -> int:
    """Write the facts of ``out_dir`` to ``path`` as CSV or Parquet; returns the row count."""
    if fmt not in FORMATS:
        raise ValueError(f"table format: expected one of {FORMATS}, found {fmt!r}")
    read_output(out_dir)  # a clear error when out_dir is not an output folder
    frame = load_facts(out_dir)
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "csv":
        frame.to_csv(target, index=False, encoding="utf-8")
    else:
        try:
            import pyarrow  # noqa: F401
        except ImportError:
            raise MissingDependency(PYARROW_HINT) from None
        frame.to_parquet(target, index=False)
    return len(frame)
