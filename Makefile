# fundsim: `make run` sets everything up and runs the baseline; `make test` runs the tests.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test test-quick notebooks bench lint clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test,dev]'
	touch $(STAMP)

run: $(STAMP)
	$(VENV)/bin/fundsim run scenarios/baseline.toml

test: $(STAMP)
	$(PY) -m pytest -n 2 -q

test-quick: $(STAMP)
	$(PY) -m pytest -q -m "not slow"

notebooks: $(STAMP)
	$(PY) notebooks/execute.py --export results/notebooks

bench: $(STAMP)
	$(PY) bench/events_per_second.py
	$(PY) bench/parallel_speedup.py
	$(PY) bench/memory.py

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy fundsim

clean:
	rm -rf $(VENV) build *.egg-info
