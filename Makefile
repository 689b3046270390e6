# Gestions radieuses — the two commands a newcomer needs are `make demo` and `make test`.
# Both find Odoo 18.0 as an importable `odoo` package, or in ODOO_PATH=<source tree>.
SHELL := /bin/bash
PYTHON ?= python3
export PYTHON

.PHONY: help deps demo demo-reset test lint dev-tools pot bench load clean

help:
	@echo "make demo        Odoo + module + French demo data on http://localhost:8069"
	@echo "make demo-reset  same, starting from a new database"
	@echo "make test        linters, Odoo tests and browser tours, translation check"
	@echo "make lint        linters only"
	@echo "make pot         regenerate i18n/gestions_radieuses.pot and merge it into fr.po"
	@echo "make bench       the benchmark of bench/ (see README)"
	@echo "make load        the month-end rush on prefork Odoo (bench/load/, Locust)"

deps:
	@$(PYTHON) -c "import icalendar, holidays" 2>/dev/null \
	  || $(PYTHON) -m pip install --quiet --disable-pip-version-check -r requirements.txt

dev-tools: deps
	@$(PYTHON) -c "import pylint_odoo, polib, websocket, oca_pre_commit_hooks" 2>/dev/null \
	  && $(PYTHON) -m ruff --version >/dev/null 2>&1 \
	  || $(PYTHON) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt

demo: deps
	@bash scripts/demo.sh

demo-reset: deps
	@RESET=1 bash scripts/demo.sh

lint: dev-tools
	@bash scripts/lint.sh

test: dev-tools
	@bash scripts/run_tests.sh

pot: dev-tools
	@bash scripts/update_pot.sh

bench: dev-tools
	@bash bench/run.sh

load: dev-tools
	@bash bench/load/run.sh

clean:
	rm -rf .run
