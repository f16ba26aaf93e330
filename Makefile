# Two set-up commands: `make run` and `make test`. Both create .venv when missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
ARTICLES ?= samples
GOLD ?= samples/gold.jsonl
EVAL_OUT ?= out/eval

.PHONY: run test eval lint bench bench-peers clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/capex extract samples --out out
	@$(BIN)/python -m pipeline summary out

test: $(STAMP)
	$(BIN)/python -m pytest

eval: $(STAMP)
	@$(BIN)/capex extract $(ARTICLES) --out $(EVAL_OUT) --quiet
	@$(BIN)/capex evaluate --gold $(GOLD) --pred $(EVAL_OUT)

lint: $(STAMP)
	$(BIN)/python -m pip install --quiet 'ruff==0.17.6'
	$(BIN)/ruff check pipeline tests bench

bench: $(STAMP)
	$(BIN)/python bench/throughput.py

bench-peers: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[peers]'
	$(BIN)/python bench/compare_peers.py

clean:
	rm -rf out .pytest_cache
