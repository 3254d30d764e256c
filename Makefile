# storyline: `make demo` and `make test` are the two commands a fresh machine needs.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
DB ?= storyline.db

.PHONY: demo test lint types unit install install-test eval bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[test]'
	@# the browser tests drive Debian's Chromium (never a browser downloaded by playwright)
	command -v chromium >/dev/null || { apt-get update -qq && apt-get install -y -qq chromium; }
	touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

demo: install
	$(BIN)/storyline demo --db $(DB)

lint: install-test
	$(BIN)/ruff check src tests evaluation benchmarks fuzz scripts
	$(BIN)/ruff format --check src tests evaluation benchmarks fuzz scripts

types: install-test
	$(BIN)/mypy

unit: install-test
	$(BIN)/pytest

test: lint types unit

eval: install-test
	$(BIN)/python evaluation/eval_clean.py

bench: install
	$(BIN)/python benchmarks/bench_ingest.py

clean:
	rm -rf $(VENV) $(DB) $(DB)-wal $(DB)-shm
