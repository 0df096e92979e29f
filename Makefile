# Two commands for a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: run test bench lint clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	# torch and torchvision first: on this machine these exact releases lie on local disk.
	$(PY) -m pip install --quiet "torch==2.14.1" "torchvision==0.29.1" || \
	    $(PY) -m pip install --quiet "torch>=2.10" "torchvision>=0.25"
	$(PY) -m pip install --quiet -e ".[test]"
	touch $(STAMP)

run: $(STAMP)
	$(PY) -m gapviewer

test: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) -m ruff check gapviewer tests
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q tests

bench: $(STAMP)
	@for script in tests/benchmarks/bench_*.py; do \
	    echo "== $$script"; QT_QPA_PLATFORM=offscreen $(PY) $$script || exit 1; \
	done

lint: $(STAMP)
	$(PY) -m ruff check gapviewer tests
	$(PY) -m ruff format --check gapviewer tests

clean:
	rm -rf $(VENV) build dist *.egg-info
