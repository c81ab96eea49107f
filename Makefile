# Every task, the same on a developer's machine and in CI (.ci/run runs `make test`).

SHELL := /bin/bash
BIN := .venv/bin

# Notebooks run under nbval when there are any. --nbval compares every stored output after
# the sanitise file's substitutions (timestamps, uuids, addresses, temp paths, salted ids);
# notebooks committed with cleared outputs are only run, and cells whose output varies are
# marked "# NBVAL_IGNORE_OUTPUT".
NOTEBOOKS := $(shell find notebooks -name '*.ipynb' -not -path '*/.ipynb_checkpoints/*' 2>/dev/null)
NBVAL_ARGS := --nbval --nbval-current-env --nbval-sanitize-with notebooks/nbval_sanitize.cfg
PYTEST_PATHS := tests/ $(if $(NOTEBOOKS),$(NBVAL_ARGS) notebooks/)
PYTEST_ARGS ?=

.PHONY: setup test lint demo bench figures

setup:
	scripts/setup

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy codesign
	$(BIN)/mypy tests benchmarks

# pytest exits 5 when it collected nothing: a suite that ran no test must not pass.
# Tests and notebooks never touch the embedded workshop_data/ database: CODESIGN_DB points
# at a throwaway file for the whole run.
test: setup lint
	@status=0; scratch=$$(mktemp -d); \
	CODESIGN_DB="sqlite:///$$scratch/codesign.sqlite" $(BIN)/pytest $(PYTEST_PATHS) $(PYTEST_ARGS) || status=$$?; \
	rm -rf "$$scratch"; \
	if [ $$status -eq 5 ]; then echo "make test: pytest collected no tests" >&2; exit 1; fi; \
	exit $$status

demo: setup
	$(BIN)/codesign init && $(BIN)/codesign demo && $(BIN)/codesign serve

bench: setup
	@for script in benchmarks/bench_*.py; do \
		[ -e "$$script" ] || { echo "make bench: no benchmarks/bench_*.py" >&2; exit 1; }; \
		echo "== $$script"; \
		$(BIN)/python "$$script" || exit 1; \
	done

# Benchmarks record what they print in benchmarks/figures/*.json; this writes those figures
# into README.md, ARCHITECTURE.md and docs/*.md (tests/test_docs_figures.py fails when stale).
figures: setup
	$(BIN)/python scripts/docs-figures
