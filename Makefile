# fundsim: `make run` installs what running needs and runs the baseline; `make test` adds the
# test and dev extras, runs the tests and prints their coverage.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
RUN_STAMP := $(VENV)/.installed-run
DEV_STAMP := $(VENV)/.installed-dev

.PHONY: run test test-quick coverage notebooks bench lint clean

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# what running needs: the package and its dependencies, nothing else
$(RUN_STAMP): pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install --quiet -e .
	touch $(RUN_STAMP)

# tests, lint, notebooks: the test and dev extras on top
$(DEV_STAMP): pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install --quiet -e '.[test,dev]'
	touch $(RUN_STAMP) $(DEV_STAMP)

run: $(RUN_STAMP)
	$(VENV)/bin/fundsim run scenarios/baseline.toml

# the whole suite (about 5 minutes on 2 cores)
test: $(DEV_STAMP)
	$(PY) -m pytest -n 2 --dist worksteal -q

# the whole suite measuring the share of fundsim's lines it runs (a measure, not a gate;
# tracing every line costs about a fifth more time)
coverage: $(DEV_STAMP)
	$(PY) -m pytest -n 2 --dist worksteal -q --cov=fundsim --cov-report=
	@echo "coverage: $$($(PY) -m coverage report --format=total) % of fundsim's lines run by the tests"

# the tests not marked slow (long Monte Carlo runs, the docs pages with many runs, the
# notebooks, multi-process runs), on two workers
test-quick: $(DEV_STAMP)
	$(PY) -m pytest -n 2 --dist worksteal -q -m "not slow"

notebooks: $(DEV_STAMP)
	$(PY) notebooks/execute.py --export results/notebooks

bench: $(RUN_STAMP)
	$(PY) bench/events_per_second.py
	$(PY) bench/parallel_speedup.py
	$(PY) bench/memory.py

lint: $(DEV_STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy fundsim

clean:
	rm -rf $(VENV) build *.egg-info

# the docs' checked outputs: run every checked block (README.md, docs/*.md), rewrite
# docs/out/*.out, the numbers the pages quote and the generated key reference; commit the diff
.PHONY: docs
docs: $(DEV_STAMP)
	$(PY) -m tests.docs.refresh
