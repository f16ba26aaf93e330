"""Label Studio round trip: an output folder → tasks with predictions → (review) → gold JSONL.

Public entry points: ``export_tasks(out_dir, tasks_path, config_path=None)`` and
``import_review(export_path, gold_path)``; ``LABEL_CONFIG`` is the labelling config.

Representation (one task per article, ``data`` = {text, doc_id, date, title}):
- a mention is a ``labels`` region (from_name ``label``, to_name ``text``) whose value is
  {start, end, text, labels: [MONEY|PERCENT|PERIOD|COMPANY]}; its region ``meta.text[0]``
  holds the normalised value as JSON (``{"value": 2.45e11, "currency": "USD", …}``,
  ``{"name": "Alphabet"}``); a reviewer edits it in the region's Meta field.
- a fact is a ``labels`` region (from_name ``fact``, label FACT) over its evidence sentence,
  with two per-region results sharing the region id: a ``textarea`` (from_name
  ``fact_json``) holding the fact record as JSON (without doc_id and evidence), and a
  ``choices`` (from_name ``status``: actual|plan|forecast). On import the chosen status wins
  over the JSON's. A reviewer deletes a wrong fact's region, edits its JSON, or draws a new
  FACT region and types the JSON (add ``"borderline": true`` for a debatable fact).
- import uses each task's latest annotation that was not cancelled, else its latest
  prediction; every task gives one gold line (GOLD_FORMAT §2), also those without facts.
  A mention region without a usable normalised value is skipped with a warning (company
  regions fall back to their text as the name).
"""
from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any

from pipeline.export import read_output

TYPE_LABELS = {"money": "MONEY", "percent": "PERCENT", "period": "PERIOD", "company": "COMPANY"}
LABEL_TYPES = {label: kind for kind, label in TYPE_LABELS.items()}
GOLD_KEYS = {"money": "money", "percent": "percent", "period": "periods", "company": "companies"}
VALUE_FIELDS = {"money": ("value", "value_high", "currency", "qualifier"), "percent": ("kind", "value"),
                "period": ("start", "end"), "company": ("name",)}
FACT_DROP = ("doc_id", "evidence", "confidence", "rule")
LABEL_CONFIG = """<View>
  <Header value="$title"/>
  <Header value="$doc_id" size="5"/>
  <Header value="$date" size="6"/>
  <Labels name="label" toName="text">
    <Label value="MONEY" background="#8fd18f"/>
    <Label value="PERCENT" background="#ffb366"/>
    <Label value="PERIOD" background="#8fb8f7"/>
    <Label value="COMPANY" background="#d49cec"/>
  </Labels>
  <Labels name="fact" toName="text">
    <Label value="FACT" background="#e15759"/>
  </Labels>
  <Text name="text" value="$text" granularity="symbol"/>
  <View visibleWhen="region-selected" whenLabelValue="FACT">
    <Header value="Fact (select a FACT region): status and record as JSON"/>
    <Choices name="status" toName="text" perRegion="true" choice="single-radio">
      <Choice value="actual"/>
      <Choice value="plan"/>
      <Choice value="forecast"/>
    </Choices>
    <TextArea name="fact_json" toName="text" perRegion="true" editable="true" maxSubmissions="1" rows="8"/>
  </View>
</View>
"""


def export_tasks(out_dir: str | Path, tasks_path: str | Path, config_path: str | Path | None = None) -> int:
    """Write one Label Studio task per article of ``out_dir``; returns the number of tasks."""
    records = read_output(out_dir)
    facts, mentions = defaultdict(list), defaultdict(list)
    for fact in records["facts"]:
        facts[fact.get("doc_id")].append(fact)
    for mention in records["mentions"]:
        mentions[mention.get("doc_id")].append(mention)
    missing = sorted(set(facts) - {d.get("doc_id") for d in records["documents"]}, key=str)
    if missing:
        raise ValueError(f"expected the text of every article with facts in documents.jsonl, "
                         f"found none for {', '.join(map(str, missing[:5]))}")
    version = _model_version(Path(out_dir))
    tasks = [_task(doc, facts[doc["doc_id"]], mentions[doc["doc_id"]], version) for doc in records["documents"]]
    _write_json(Path(tasks_path), tasks)
    if config_path:
        Path(config_path).write_text(LABEL_CONFIG, encoding="utf-8")
    return len(tasks)


def _write_json(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")


def _model_version(out_dir: Path) -> str:
    try:
        run = json.loads((out_dir / "run.json").read_text(encoding="utf-8"))
        version = (run.get("versions") or {}).get("package") or run.get("version")
    except (OSError, ValueError, AttributeError):
        version = None
    if not version:
        from importlib.metadata import PackageNotFoundError
        from importlib.metadata import version as installed

        try:
            version = installed("capex-pipeline")
        except PackageNotFoundError:
            version = "unknown"
    return f"capex-pipeline {version}"


def _task(doc: dict, facts: list[dict], mentions: list[dict], version: str) -> dict:
    result = [_mention_result(f"m{n}", m) for n, m in enumerate(mentions, 1)]
    for n, fact in enumerate(facts, 1):
        result.extend(_fact_results(f"f{n}", fact, doc["text"]))
    data = {"text": doc["text"], "doc_id": doc["doc_id"], "date": doc.get("date") or "",
            "title": doc.get("title") or doc["doc_id"]}
    return {"data": data, "predictions": [{"model_version": version, "result": result}]}


def _mention_result(region: str, mention: dict) -> dict:
    start, end = mention["span"]
    kind = mention["type"]
    normalised = {k: mention.get(k) for k in VALUE_FIELDS[kind]}
    return {"id": region, "from_name": "label", "to_name": "text", "type": "labels",
            "value": {"start": start, "end": end, "text": mention["text"], "labels": [TYPE_LABELS[kind]]},
            "meta": {"text": [json.dumps(normalised, ensure_ascii=False)]}}


def _fact_results(region: str, fact: dict, text: str) -> list[dict]:
    evidence = fact.get("evidence") or {}
    start, end = evidence.get("start"), evidence.get("end")
    if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text)):
        start, end = 0, len(text)  # no usable evidence: the region covers the article
    span = {"start": start, "end": end}
    record = {k: v for k, v in fact.items() if k not in FACT_DROP}
    common = {"id": region, "to_name": "text", "score": fact.get("confidence")}
    return [dict(common, from_name="fact", type="labels", value=dict(span, text=text[start:end], labels=["FACT"])),
            dict(common, from_name="status", type="choices", value=dict(span, choices=[fact.get("status")])),
            dict(common, from_name="fact_json", type="textarea",
                 value=dict(span, text=[json.dumps(record, ensure_ascii=False)]))]


def import_review(export_path: str | Path, gold_path: str | Path) -> tuple[int, list[str]]:
    """Label Studio JSON export → gold JSONL; returns (lines written, warnings)."""
    try:
        tasks = json.loads(Path(export_path).read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise ValueError(f"{export_path}: expected a Label Studio JSON export, found malformed JSON "
                         f"({error.msg} at line {error.lineno})") from None
    if not isinstance(tasks, list):
        raise ValueError(  # noqa: TRY004 (bad input data, as everywhere in the pipeline)
            f"{export_path}: expected a Label Studio JSON export (a list of tasks), found {type(tasks).__name__}")
    warnings: list[str] = []
    lines = [_gold_line(task, n, warnings) for n, task in enumerate(tasks, 1)]
    Path(gold_path).parent.mkdir(parents=True, exist_ok=True)
    with open(gold_path, "w", encoding="utf-8") as out:
        out.writelines(_json_line(line) for line in lines)
    return len(lines), warnings


def _json_line(record: dict) -> str:
    """One JSONL line; U+2028/U+2029 escaped so that no line splitter breaks it."""
    text = json.dumps(record, ensure_ascii=False)
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029") + "\n"


def chosen_result(task: dict) -> list[dict]:
    """The latest annotation that was not cancelled, else the latest prediction (their results)."""
    annotations = [a for a in task.get("annotations") or [] if not a.get("was_cancelled")]
    if annotations:
        latest = max(enumerate(annotations), key=lambda p: (str(p[1].get("updated_at") or p[1].get("created_at") or ""), p[0]))
        return latest[1].get("result") or []
    predictions = task.get("predictions") or []
    return (predictions[-1].get("result") or []) if predictions else []


def _gold_line(task: Any, number: int, warnings: list[str]) -> dict:
    where = f"task {number}"
    data = task.get("data") if isinstance(task, dict) else None
    if not isinstance(data, dict) or not data.get("doc_id"):
        raise ValueError(f"{where}: expected a task with data.doc_id, found {str(task)[:80]!r}")
    where = f"task {number} ({data['doc_id']})"
    regions: dict[str, list[dict]] = defaultdict(list)
    for result in chosen_result(task):
        regions[result.get("id") or f"anon{len(regions)}"].append(result)
    facts, mentions = [], {"money": [], "percent": [], "periods": [], "companies": []}
    for region_id, results in regions.items():
        by_name = {r.get("from_name"): r for r in results}
        if "fact" in by_name or "fact_json" in by_name:
            fact = _fact_from_region(by_name, f"{where} region {region_id}", warnings)
            if fact is not None:
                facts.append(fact)
        elif "label" in by_name:
            _add_mention(mentions, by_name["label"], f"{where} region {region_id}", warnings)
    mentions["companies"] = _group_companies(mentions["companies"])
    return {"doc_id": data["doc_id"], "facts": facts, "mentions": mentions}


def _fact_from_region(by_name: dict, where: str, warnings: list[str]) -> dict | None:
    texts = (by_name.get("fact_json") or {}).get("value", {}).get("text") or []
    raw = texts[-1] if isinstance(texts, list) and texts else texts
    try:
        fact = json.loads(raw) if isinstance(raw, str) and raw.strip() else None
    except json.JSONDecodeError as error:
        warnings.append(f"{where}: fact_json expected a JSON object, found malformed JSON ({error.msg}): skipped")
        return None
    if not isinstance(fact, dict):
        warnings.append(f"{where}: FACT region expected a fact record as JSON in fact_json, found {raw!r:.60}: skipped")
        return None
    choices = (by_name.get("status") or {}).get("value", {}).get("choices") or []
    if choices:
        fact["status"] = choices[0]
    return {k: v for k, v in fact.items() if k not in FACT_DROP}


def _add_mention(mentions: dict, result: dict, where: str, warnings: list[str]) -> None:
    value = result.get("value") or {}
    labels = value.get("labels") or []
    kind = LABEL_TYPES.get(labels[0]) if labels else None
    if kind is None:
        warnings.append(f"{where}: expected a label among {sorted(LABEL_TYPES)}, found {labels!r}: skipped")
        return
    normalised = _meta_value(result)
    text = value.get("text") or ""
    if kind == "company" and not normalised.get("name"):
        normalised = {"name": text}
    needed = {"money": "value", "percent": "value", "period": "end", "company": "name"}[kind]
    if normalised.get(needed) is None:
        warnings.append(f"{where}: {labels[0]} {text!r} expected its normalised value as JSON in the region's "
                        f"meta text, found {(result.get('meta') or {}).get('text')!r}: skipped")
        return
    record = {"text": text, **{k: normalised.get(k) for k in VALUE_FIELDS[kind]}}
    if kind == "money" and record.get("value_high") is None:
        record.pop("value_high")
    mentions[GOLD_KEYS[kind]].append(record)


def _meta_value(result: dict) -> dict:
    texts = (result.get("meta") or {}).get("text") or []
    for raw in reversed(texts if isinstance(texts, list) else [texts]):
        try:
            parsed = json.loads(raw)
        except (TypeError, json.JSONDecodeError):
            continue
        if isinstance(parsed, dict):
            return parsed
    return {}


def _group_companies(records: list[dict]) -> list[dict]:
    """Company mentions → one {name, aliases} per canonical name, aliases in order of appearance."""
    grouped: dict[str, list[str]] = {}
    for record in records:
        aliases = grouped.setdefault(record["name"], [])
        if record["text"] and record["text"] not in aliases:
            aliases.append(record["text"])
    return [{"name": name, "aliases": aliases} for name, aliases in grouped.items()]
