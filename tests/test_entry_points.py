"""The spaCy factories are found through the installed package's entry points.

Each check runs in a fresh interpreter (the venv's python), from a folder outside the
checkout and without PYTHONPATH, and imports nothing but spacy: spaCy itself must load
``pipeline`` through ``[project.entry-points.spacy_factories]``.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from importlib.metadata import entry_points

import pytest

FACTORIES = {"capex_money", "capex_percent", "capex_period", "capex_company", "capex_facts"}

MONEY_SCRIPT = r"""
import json, sys
assert "pipeline" not in sys.modules, "pipeline was imported before spacy"
import spacy
nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
nlp.add_pipe("capex_money")
doc = nlp("微软预计本财年资本支出约2450亿美元，高于上年。")
print(json.dumps({"pipes": nlp.pipe_names,
                  "mentions": [[m.type, m.text, m.start, m.end, str(m.value), m.currency, m.qualifier]
                               for m in doc._.mentions]}, ensure_ascii=False))
"""

LOAD_SCRIPT = r"""
import json
from importlib.metadata import entry_points
failures = {}
for ep in entry_points(group="spacy_factories"):
    if ep.name.startswith("capex_"):
        try:
            ep.load()
        except Exception as error:
            failures[ep.name] = f"{ep.value}: {type(error).__name__}: {error}"
print(json.dumps(failures))
"""


def _run(script: str, tmp_path) -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONSTARTUP")}
    done = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, env=env, capture_output=True,
                          text=True, timeout=300, check=False)
    assert done.returncode == 0, f"expected the script to run, found exit {done.returncode}:\n{done.stderr[-3000:]}"
    return done.stdout.strip().splitlines()[-1]


def test_entry_points_are_declared():
    declared = {ep.name for ep in entry_points(group="spacy_factories") if ep.name.startswith("capex_")}
    assert declared == FACTORIES, (
        f"expected the installed metadata to declare {sorted(FACTORIES)}, found {sorted(declared)} "
        "(reinstall: pip install -e .)")


def test_every_entry_point_loads(tmp_path):
    failures = json.loads(_run(LOAD_SCRIPT, tmp_path))
    assert failures == {}, "expected every capex_* factory to import, found:\n" + "\n".join(failures.values())


@pytest.mark.slow
def test_capex_money_without_importing_pipeline(tmp_path):
    result = json.loads(_run(MONEY_SCRIPT, tmp_path))
    assert result["pipes"] == ["capex_money"]
    text = "微软预计本财年资本支出约2450亿美元，高于上年。"
    start = text.index("约2450亿美元")
    assert result["mentions"] == [["money", "约2450亿美元", start, start + 8, "245000000000", "USD", "approx"]]
