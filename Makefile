# Two commands set everything up on a fresh machine: `make install` and `make test`.
PYTHON ?= python3
VENV := .venv
DEBIAN_PACKAGES := libreoffice-writer-nogui antiword fonts-wqy-microhei poppler-utils

.PHONY: install test debian-packages bench

install: debian-packages $(VENV)/.installed

# LibreOffice reads DOC/WPS and renders the test fixtures; antiword is its text-only fallback.
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

bench: install
	$(VENV)/bin/python bench/run.py
