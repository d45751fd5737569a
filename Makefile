# Two commands set everything up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
DEBIAN_PACKAGES := libreoffice-writer-nogui antiword fonts-wqy-microhei poppler-utils chromium libgl1 libglib2.0-0

.PHONY: install test demo debian-packages bench

install: debian-packages $(VENV)/.installed

# LibreOffice reads DOC/WPS and renders the test fixtures; antiword is its text-only fallback;
# Chromium passes portals' JavaScript cookie challenges (crawler/browser.py) and runs the browser
# tests of the published archive (tests/test_browser.py); OpenCV
# (which RapidOCR requires in its GUI build) loads libGL and GLib.
debian-packages:
	@missing=$$(for p in $(DEBIAN_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ]; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
		else \
			echo "missing Debian packages (install them as root): $$missing" >&2; \
		fi; \
	fi

$(VENV)/.installed: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q -c constraints.txt -e '.[test]'
	touch $@

test: install
	$(VENV)/bin/pytest -q -n 2

# The bundled sample portal, crawled into nianbao-demo.db and served at http://127.0.0.1:8001/
demo: install
	$(VENV)/bin/nianbao demo

bench: install
	$(VENV)/bin/python bench/run.py
