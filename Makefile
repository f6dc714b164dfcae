# qcity — two commands for a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
DB ?= var/qcity.sqlite
export QCITY_DATABASE_URL ?= sqlite:///$(abspath $(DB))

.PHONY: run install demo test lint typecheck unit unit-live system-deps bench clean

## Python keeps the bytecode of what it imports (__pycache__) even where the environment
## says not to (PYTHONDONTWRITEBYTECODE, set on some machines): without it every process
## (each pytest worker, every `qcity` a test or a user starts) compiles pandas, SQLAlchemy,
## FastAPI and qcity from source again: 5.2 s of CPU instead of 1.8 s to import them.
unexport PYTHONDONTWRITEBYTECODE

## A current pip resolves and installs the dev extras several times faster than the one a
## new venv comes with; --no-compile skips byte-compiling every installed module up front
## (Python compiles the ones it imports, once).
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --no-compile -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

## make run: install, build the demo database (run again, it keeps what is there: runs,
## published or not, the audit log, accounts, groups, values, and adds a new demo run),
## evaluate it, show the result, publish the run it just stored (the public dashboard shows
## published runs only), write the annual report of that run
## (var/reports/liyang-2024-run<N>.docx, path printed), then serve the dashboard on
## http://127.0.0.1:$(PORT)/ (Ctrl+C stops it) — also when the demo refused to run.
PORT ?= 8000
DEMO_RUN := var/demo-run.txt
run: $(STAMP)
	@mkdir -p var/reports && rm -f $(DEMO_RUN)
	@$(BIN)/qcity demo --run-file $(DEMO_RUN) || echo "make run: the demo stored nothing (the reason is above); serving the database as it is. A demo of its own: make run DB=var/demo.sqlite / 示例未写入，直接启动看板"
	@if [ -s $(DEMO_RUN) ]; then \
	  run=$$(cat $(DEMO_RUN)); out=var/reports/liyang-2024-run$$run.docx; \
	  $(BIN)/qcity runs publish $$run \
	    || echo "make run: run $$run was not published (the reason is above)"; \
	  $(BIN)/qcity report --unit liyang --year 2024 --run $$run --format docx --out $$out \
	    && echo "report of run $$run 报告: $(CURDIR)/$$out" \
	    || echo "make run: the report of run $$run was not written (the reason is above)"; \
	fi
	$(BIN)/qcity serve --port $(PORT)

## make test: install what the tests need (Debian packages too) and run every check. The
## linters and mypy run beside pytest (make -j): one core is theirs while pytest collects
## and while its last worker finishes. pytest's progress shows as it goes (a make of its own,
## not synchronised); the linters' and mypy's output is printed whole when each ends.
test: $(STAMP) system-deps
	$(MAKE) --no-print-directory -j3 --output-sync=target lint typecheck unit-live

unit-live:
	@$(MAKE) --no-print-directory --output-sync=none unit

system-deps:
	bash scripts/ensure-system-deps.sh

lint: $(STAMP)
	$(BIN)/ruff check src tests tools benchmarks
	$(BIN)/ruff format --check src tests tools benchmarks
	$(BIN)/lint-imports --no-cache

typecheck: $(STAMP)
	$(BIN)/mypy

## pytest on every core (pytest-xdist): tests sharing the browser, the dashboard's demo
## server or a module-scoped fixture stay on one worker (tests/conftest.py).
PYTEST_WORKERS ?= auto
unit: $(STAMP)
	$(BIN)/pytest -q -n $(PYTEST_WORKERS) --dist loadgroup

## make bench: engine, start-up (whole commands), the national-scale store on SQLite
## and PostgreSQL (3.4 million observations: takes minutes), the robustness analyses
## (ASEM against COINr's times; national scale, also on Dask), the dashboard's server and its
## weight and first paint in the browser (plotly.js blocking and uncompressed vs deferred).
bench: $(STAMP) system-deps
	$(BIN)/python benchmarks/bench_engine.py
	$(BIN)/python benchmarks/bench_startup.py
	$(BIN)/python benchmarks/bench_store.py
	$(BIN)/python benchmarks/robust_asem.py
	$(BIN)/python benchmarks/robust_national.py
	$(BIN)/python benchmarks/bench_web.py
	$(BIN)/python benchmarks/bench_dashboard.py
	$(BIN)/python benchmarks/bench_bulletin.py
	$(BIN)/python benchmarks/bench_clerks.py

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
