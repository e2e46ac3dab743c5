# The two commands of the README: `make demo` and `make test`. Each sets up everything it needs.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: demo test system venv screenshot translations demo-tiles wheelhouse test-install

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

# After changing a demo scenario's geography or the basemap style: rebuild the demos' packs.
demo-tiles: venv
	$(VENV)/bin/jingbao tiles build --scenario resources/demo/zhoushan.json --zoom 10-15 \
		--out resources/demo/zhoushan.mbtiles
	$(VENV)/bin/jingbao tiles build --scenario resources/demo/helsinki.json --zoom 12-16 \
		--out resources/demo/helsinki.mbtiles

# An offline install for a PC without internet: the project and every dependency as wheels, the
# install script, the license and notices, in one folder to copy (needs the network here, once).
WHEELHOUSE := dist/wheelhouse
wheelhouse: venv
	rm -rf $(WHEELHOUSE)
	$(PY) -m pip wheel --quiet --wheel-dir $(WHEELHOUSE) .
	cp scripts/install-offline.sh $(WHEELHOUSE)/install.sh
	cp LICENSE THIRD_PARTY_NOTICES $(WHEELHOUSE)/
	$(PY) -c 'import platform, sys; print(f"built for CPython {sys.version_info[0]}.{sys.version_info[1]} on {platform.system()} {platform.machine()}")' > $(WHEELHOUSE)/wheelhouse.txt

# The wheelhouse installed into a fresh venv with the network cut off, then started (slow).
test-install: wheelhouse
	$(PY) -m pytest -m slow tests/test_install.py
