# qcity — two commands for a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
DB ?= var/qcity.sqlite
export QCITY_DATABASE_URL ?= sqlite:///$(abspath $(DB))

.PHONY: run install demo test lint typecheck unit system-deps bench clean

## A current pip resolves and installs the dev extras several times faster than the one a
## new venv comes with; --no-compile skips byte-compiling every installed module up front
## (Python compiles the ones it imports, once).
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --no-compile -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

## make run: install, build the demo database, evaluate it, show the result, write the
## annual report of that run (var/reports/liyang-2024.docx), then serve
## the dashboard on http://127.0.0.1:$(PORT)/ (Ctrl+C stops it).
PORT ?= 8000
run: $(STAMP)
	$(BIN)/qcity demo
	$(BIN)/qcity report --unit liyang --year 2024 --run 1 --format docx --out var/reports/liyang-2024.docx
	$(BIN)/qcity serve --port $(PORT)

## make test: install what the tests need (Debian packages too) and run every check.
test: $(STAMP) system-deps lint typecheck unit

system-deps:
	bash scripts/ensure-system-deps.sh

lint: $(STAMP)
	$(BIN)/ruff check src tests tools benchmarks
	$(BIN)/ruff format --check src tests tools benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy

## pytest on every core (pytest-xdist): tests sharing the browser, the dashboard's demo
## server or a module-scoped fixture stay on one worker (tests/conftest.py).
PYTEST_WORKERS ?= auto
unit: $(STAMP)
	$(BIN)/pytest -q -n $(PYTEST_WORKERS) --dist loadgroup

## make bench: engine, start-up (whole commands), the national-scale store on SQLite
## and PostgreSQL (3.4 million observations: takes minutes), the robustness analyses
## (ASEM against COINr's times; national scale, also on Dask) and the dashboard's server.
bench: $(STAMP) system-deps
	$(BIN)/python benchmarks/bench_engine.py
	$(BIN)/python benchmarks/bench_startup.py
	$(BIN)/python benchmarks/bench_store.py
	$(BIN)/python benchmarks/robust_asem.py
	$(BIN)/python benchmarks/robust_national.py
	$(BIN)/python benchmarks/bench_web.py
	$(BIN)/python benchmarks/bench_bulletin.py
	$(BIN)/python benchmarks/bench_clerks.py

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
