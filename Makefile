# Two entry points for a newcomer: `make run` and `make test`. Both build .venv from nothing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint typecheck unit eval bench kb-check clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/python -m bot serve

lint: $(STAMP)
	$(BIN)/ruff check bot tests bench scripts
	$(BIN)/ruff format --check bot tests bench scripts

typecheck: $(STAMP)
	$(BIN)/mypy

kb-check: $(STAMP)
	$(BIN)/python -m bot kb check --topics eval/topics.yaml

unit: $(STAMP)
	NO_PROXY=127.0.0.1,localhost no_proxy=127.0.0.1,localhost $(BIN)/python -m pytest

test: lint typecheck unit

eval: $(STAMP)
	$(BIN)/python -m bot eval eval/dev.tsv eval/holdout.tsv eval/fresh.tsv eval/chat.tsv eval/chat-fresh.tsv eval/ja-ko.tsv

bench: $(STAMP)
	$(BIN)/python bench/bench_matcher.py

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache
