# Two commands for a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: run test bench lint dist translations desktop-install package clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	# torch and torchvision first: on this machine these exact releases lie on local disk.
	$(PY) -m pip install --quiet "torch==2.14.1" "torchvision==0.29.1" || \
	    $(PY) -m pip install --quiet "torch>=2.10" "torchvision>=0.25"
	$(PY) -m pip install --quiet -e ".[test,cluster,audio]"
	touch $(STAMP)

run: $(STAMP)
	$(PY) -m gapviewer

test: $(STAMP)
	$(PY) -m ruff check gapviewer tests packaging examples
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q tests

bench: $(STAMP)
	@for script in tests/benchmarks/bench_*.py; do \
	    echo "== $$script"; QT_QPA_PLATFORM=offscreen $(PY) $$script || exit 1; \
	done

lint: $(STAMP)
	$(PY) -m ruff check gapviewer tests packaging examples

dist: $(STAMP)
	$(PY) -m build

translations: $(STAMP)
	PYTHON=$(PY) bash packaging/build_translations.sh

desktop-install: $(STAMP)
	bash packaging/install-desktop.sh --exec "$(abspath $(VENV))/bin/gapviewer"

package: $(STAMP)
	$(PY) -m pip install --quiet -e ".[package]"
	PYTHON=$(PY) bash packaging/pyinstaller/build.sh

clean:
	rm -rf $(VENV) build dist *.egg-info
