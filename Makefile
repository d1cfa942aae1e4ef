# Two entry points: `make run` (install, then serve the demo) and `make test`.
# Everything is installed into .venv; Debian packages are installed when missing (as root).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SYSTEM_PACKAGES := chromium chromium-driver poppler-utils fonts-liberation2 fonts-dejavu-core libpango-1.0-0 libpangoft2-1.0-0

.PHONY: run test screenshots system-deps clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed-run: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

# Debian's Chromium renders chart images and runs the browser tests; nothing downloads a browser.
system-deps:
	@missing=""; for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing$$missing"; apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	  else echo "Missing system packages:$$missing (install them as root; browser tests will be skipped)"; fi; \
	fi

run: $(VENV)/.installed-run
	$(BIN)/python app.py

# lint-imports: the folders contract of ../shared/DESIGN.md (pyproject.toml), before the tests
test: $(VENV)/.installed-dev system-deps
	$(BIN)/lint-imports --no-cache
	$(BIN)/python -m pytest

# PNGs of every screen (and the wall at 1920×1080 and 3840×2160) in var/screenshots/
screenshots: $(VENV)/.installed-dev system-deps
	$(BIN)/python -m dashboard.screenshots

clean:
	rm -rf $(VENV) var
