#!/usr/bin/env bash
# Linters run by `make test` (and `make lint`): ruff, pylint-odoo, XML and CSV checks.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
status=0
echo "== ruff check"; "$PYTHON" -m ruff check . || status=1
echo "== ruff format --check"; "$PYTHON" -m ruff format --check . || status=1
echo "== pylint-odoo"
# The addon is documented by README.md at the root and its readme/ fragments.
"$PYTHON" -m pylint --rcfile=.pylintrc --disable=missing-readme gestions_radieuses || status=1
echo "== XML and CSV files"
"$PYTHON" scripts/check_data_files.py gestions_radieuses || status=1
[ $status = 0 ] && echo "lint: clean" || echo "lint: FAILED"
exit $status
