# The two commands of the README: `make demo` and `make test`. Each sets up everything it needs.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: demo test system venv screenshot translations demo-tiles

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

# After changing user-facing strings: refresh the .ts (edit it with pyside6-linguist), rebuild .qm.
translations: venv
	$(VENV)/bin/pyside6-lupdate console/*.py map/view.py -ts resources/i18n/jingbao_zh_CN.ts
	$(VENV)/bin/pyside6-lrelease resources/i18n/jingbao_zh_CN.ts -qm resources/i18n/jingbao_zh_CN.qm

# After changing the demo scenario's geography or the basemap style: rebuild the demo's pack.
demo-tiles: venv
	$(VENV)/bin/jingbao tiles build --scenario resources/demo/zhoushan.json --zoom 10-15 \
		--out resources/demo/zhoushan.mbtiles
