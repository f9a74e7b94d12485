# Two entry points for a newcomer: `make run` and `make test`. Both build .venv from nothing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint typecheck unit eval bench kb-check clean lock lock-upgrade catalogs catalogs-update

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# The interface texts' catalogs: bot/locale/*/LC_MESSAGES/messages.po, compiled to .mo files
# the desk reads (never committed; the Dockerfile compiles them too). After changing or adding
# a text in the code: make catalogs-update, translate what it marks new or fuzzy, make catalogs.
CATALOG_SOURCES := $(wildcard bot/locale/*/LC_MESSAGES/messages.po)
CATALOGS := $(CATALOG_SOURCES:.po=.mo)

catalogs: $(CATALOGS)

bot/locale/%/LC_MESSAGES/messages.mo: bot/locale/%/LC_MESSAGES/messages.po $(STAMP)
	$(BIN)/pybabel compile -i $< -o $@ -l $*

catalogs-update: $(STAMP)
	$(BIN)/python scripts/catalogs.py

run: $(STAMP) catalogs
	$(BIN)/python -m bot serve

lint: $(STAMP)
	$(BIN)/ruff check bot tests bench scripts
	$(BIN)/ruff format --check bot tests bench scripts

typecheck: $(STAMP)
	$(BIN)/mypy

kb-check: $(STAMP)
	$(BIN)/python -m bot kb check --topics eval/topics.yaml

unit: $(STAMP) catalogs
	NO_PROXY=127.0.0.1,localhost no_proxy=127.0.0.1,localhost $(BIN)/python -m pytest

test: lint typecheck unit

eval: $(STAMP) catalogs
	$(BIN)/python -m bot eval eval/dev.tsv eval/holdout.tsv eval/fresh.tsv eval/chat.tsv eval/chat-fresh.tsv eval/chat-blind.tsv eval/chat-zh-probe.tsv eval/chat-en-probe.tsv eval/chat-zh-probe2.tsv eval/chat-en-probe2.tsv eval/chat-zh-mimic.tsv eval/chat-en-mimic.tsv eval/chat-mimic3.tsv eval/chat-mimic4.tsv eval/chat-mimic5.tsv eval/chat-mimic6.tsv eval/chat-mimic7.tsv eval/chat-mimic8.tsv eval/chat-mimic9.tsv eval/chat-mimic10.tsv eval/chat-mimic11.tsv eval/chat-mimic12.tsv eval/chat-mimic13.tsv eval/chat-mimic14.tsv eval/ja-ko.tsv eval/ja-ko-blind.tsv eval/ja-ko-story.tsv eval/ja-ko-probe.tsv eval/ja-ko-probe2.tsv eval/ja-ko-mimic.tsv eval/ja-ko-mimic2.tsv eval/ja-ko-mimic3.tsv eval/ja-ko-mimic4.tsv eval/ja-ko-mimic5.tsv eval/ja-ko-mimic6.tsv eval/ja-ko-mimic7.tsv eval/ja-ko-mimic8.tsv eval/ja-ko-mimic9.tsv eval/ja-ko-mimic10.tsv eval/ja-ko-mimic11.tsv eval/ja-ko-mimic12.tsv eval/ja-ko-mimic13.tsv eval/emergency-probe.tsv eval/emergency-probe2.tsv eval/emergency-probe3.tsv eval/emergency-probe4.tsv eval/emergency-probe5.tsv eval/emergency-probe6.tsv eval/emergency-probe7.tsv eval/false-alarm.tsv

bench: $(STAMP)
	$(BIN)/python bench/bench_matcher.py

# requirements.lock: every runtime dependency pinned with its hashes, for every platform and
# Python >= 3.11 (uv's universal resolution); the Docker image installs exactly these. After
# changing dependencies in pyproject.toml: make lock (keeps the other pins). To move every pin
# to the newest release the ranges allow (e.g. for a security fix): make lock-upgrade.
UV_COMPILE = $(BIN)/uv pip compile pyproject.toml --universal --python-version 3.11 \
	--generate-hashes --custom-compile-command "make lock" --output-file requirements.lock

$(BIN)/uv: $(STAMP)
	$(BIN)/python -m pip install --quiet 'uv>=0.9,<1'

lock: $(BIN)/uv
	$(UV_COMPILE)

lock-upgrade: $(BIN)/uv
	$(UV_COMPILE) --upgrade

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache $(CATALOGS)
