# zonedesk: `make demo` serves the demo zone, `make test` runs the whole suite.
# Both set everything up on a fresh machine; re-running them is safe and fast.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
VENDOR := zonedesk/static/vendor
HOST ?= 127.0.0.1
PORT ?= 8000
export DJANGO_SETTINGS_MODULE := zonedesk.settings

.PHONY: screenshots demo test lint bench install messages serve clean pdf-deps

install: $(VENV)/.installed $(VENDOR)/.installed pdf-deps

# The work summary's PDF (zonedesk/reports/render/pdf.py): LibreOffice Writer converts the .docx,
# and the free substitutes of GB/T 9704's fonts are embedded (FandolFang and FandolKai from TeX
# Live's Chinese fonts, Noto Sans/Serif CJK). Installed only when missing (dpkg-query is quick).
PDF_PACKAGES := libreoffice-writer-nogui texlive-lang-chinese fonts-noto-cjk poppler-utils
pdf-deps:
	@missing=$$(for p in $(PDF_PACKAGES); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "Installing $$missing"; \
	  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $$missing; \
	fi

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Copy only the files the pages use out of node_modules into our own static files.
$(VENDOR)/.installed: node_modules/.installed
	mkdir -p $(VENDOR)/tabler $(VENDOR)/echarts
	cp node_modules/@tabler/core/dist/css/tabler.min.css $(VENDOR)/tabler/
	cp node_modules/@tabler/core/dist/js/tabler.min.js $(VENDOR)/tabler/
	cp node_modules/echarts/dist/echarts.min.js $(VENDOR)/echarts/
	touch $@

demo: install
	DEBUG=1 $(BIN)/zonedesk migrate --no-input -v 0
	DEBUG=1 $(BIN)/zonedesk demo
	@echo "Serving the demo zone at http://$(HOST):$(PORT)/  (Ctrl-C to stop)"
	@# The background worker (large imports) runs beside the server and stops with it.
	DEBUG=1 $(BIN)/zonedesk worker --no-reload -v 0 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	DEBUG=1 $(BIN)/zonedesk runserver $(HOST):$(PORT)

# One test process per core (pytest-xdist; each has its own test database); the 25 slowest tests
# are listed at the end so CI's budget stays in view. `--dist load`, not worksteal: each process
# must run its tests in pytest-django's order (transactional tests last), because a transactional
# test's flush empties every table that data migrations fill (docs/decisions.md). tests/conftest.py
# keeps `load`'s queues short, so that both processes share the slow transactional tail.
TEST_ARGS ?= -n auto --dist load --durations=25
test: install
	$(BIN)/python -m pytest $(TEST_ARGS) $(PYTEST_ARGS)

# The README's screenshots (docs/screenshots/*.png), taken from the demo in Chromium.
screenshots: install
	$(BIN)/python -m pytest tests/browser/screenshots.py

lint: install
	$(BIN)/ruff check zonedesk tests bench
	$(BIN)/ruff format --check zonedesk tests bench
	$(BIN)/lint-imports

# Recompile the zh-Hans catalogue after editing zonedesk/locale/zh_Hans/LC_MESSAGES/django.po
messages: install
	cd zonedesk && ../$(BIN)/zonedesk makemessages -l zh_Hans --no-obsolete --no-location --ignore "static/vendor/*"
	cd zonedesk && ../$(BIN)/zonedesk compilemessages -l zh_Hans

# The benchmark suite (bench/, issue 5) at province scale on SQLite and PostgreSQL (DATABASE_URL,
# or the local server); rewrites docs/benchmarks.md. Not part of `make test` or CI.
BENCH_ARGS ?= --scale 100000 --months 60 --measures 200 --runs 5 --database both
# The HTTP benchmark's load generator is ApacheBench (Debian's apache2-utils).
bench: install
	command -v ab >/dev/null || (apt-get update -q && apt-get install -y -q --no-install-recommends apache2-utils)
	$(BIN)/zonedesk bench $(BENCH_ARGS)

clean:
	rm -rf $(VENV) node_modules $(VENDOR) var
