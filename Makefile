# The two commands of the README: `make demo` and `make test`. Each sets up everything it needs.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: demo test system venv screenshot

demo: system venv
	$(VENV)/bin/jingbao console --demo

test: system venv
	$(VENV)/bin/ruff check .
	CI=$${CI:-} $(PY) -m pytest

screenshot: system venv
	$(VENV)/bin/jingbao screenshot --demo --out docs/screenshot.png

system:
	@bash scripts/system-packages.sh

venv: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	touch $@
