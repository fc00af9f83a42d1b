# Radix — two commands: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
RADIX := $(VENV)/bin/radix
DATA_DIR ?= ./var
PYTEST_WORKERS ?= 2
APT_PACKAGES := postgresql redis-server chromium fonts-wqy-microhei dcmtk orthanc orthanc-dicomweb

.PHONY: run test setup web test-deps test-python test-sqlite test-postgres test-web bench clean

## make run: install, build the console (when present), migrate, seed the demo, serve on :8000
run: setup web
	$(RADIX) demo --data-dir $(DATA_DIR)
	$(RADIX) serve --data-dir $(DATA_DIR)

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -e '.[test]'
	touch $@

## the Vue console (web/), built into src/radix/web_dist when web/ exists
web:
	@if [ -f web/package.json ]; then \
		cd web && (npm ci --no-audit --no-fund || npm install --no-audit --no-fund) && npm run build; \
	else echo "web/ not present: serving the API only"; fi

## make test: everything the tests need, then every test on SQLite and on PostgreSQL
test: setup test-deps web
	@set -o pipefail; rc=0; \
	$(MAKE) --no-print-directory test-sqlite || rc=$$?; \
	$(MAKE) --no-print-directory test-postgres || rc=$$?; \
	$(MAKE) --no-print-directory test-web || rc=$$?; \
	exit $$rc

test-deps:
	@if [ "$$(id -u)" = "0" ]; then \
		missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
		if [ -n "$$missing" ]; then \
			echo "installing Debian packages:$$missing"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
		fi; \
	else echo "not root: skipping Debian packages ($(APT_PACKAGES))"; fi

PYTEST = $(VENV)/bin/pytest -q -n $(PYTEST_WORKERS) --dist loadgroup -p no:cacheprovider

test-sqlite: setup
	@echo "== Python suite on SQLite =="
	@RADIX_E2E_REQUIRED=$$([ -f web/package.json ] && echo 1) $(PYTEST) tests; rc=$$?; if [ $$rc -eq 5 ]; then rc=0; fi; exit $$rc

test-postgres: setup
	@echo "== Python suite on PostgreSQL =="
	@url=$$(tools/test_postgres.sh start) || exit 1; \
	RADIX_TEST_DATABASE_URL=$$url $(PYTEST) tests -m "not sqlite_only"; rc=$$?; \
	tools/test_postgres.sh stop; if [ $$rc -eq 5 ]; then rc=0; fi; exit $$rc

test-web:
	@if [ -f web/package.json ] && grep -q '"test"' web/package.json; then \
		echo "== web unit tests =="; cd web && npm test; \
	fi

bench: setup test-deps web
	$(PY) -m bench.run

clean:
	rm -rf $(VENV) var src/radix/web_dist web/node_modules
