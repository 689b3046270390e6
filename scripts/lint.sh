#!/usr/bin/env bash
# Linters run by `make test` (and `make lint`): ruff, pylint-odoo, XML and CSV checks.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
status=0
echo "== ruff check"; "$PYTHON" -m ruff check . || status=1
echo "== ruff format --check"; "$PYTHON" -m ruff format --check . || status=1
echo "== pylint-odoo"
"$PYTHON" -m pylint --rcfile=.pylintrc gestions_radieuses || status=1
echo "== OCA's Odoo module and PO checks"
# prefer-readme-rst: the addon's README is Markdown, built from readme/ like OCA's.
# po-pretty-format: its layout empties translations equal to their source ("Date",
# "km"), which scripts/check_i18n.py would then report as missing.
oca-checks-odoo-module --disable=prefer-readme-rst gestions_radieuses/__manifest__.py || status=1
oca-checks-po --disable=po-pretty-format gestions_radieuses/i18n/*.po || status=1
echo "== XML and CSV files"
"$PYTHON" scripts/check_data_files.py gestions_radieuses || status=1
echo "== addon README.md up to date with readme/"
"$PYTHON" scripts/gen_addon_readme.py --check || status=1
if [ "${SKIP_PACKAGING:-0}" != 1 ]; then
    echo "== pip install ./gestions_radieuses (fresh virtual environment)"
    # Odoo 18.0 is not on PyPI: the venv sees the machine's Odoo, nothing else of it.
    venv=$(mktemp -d /tmp/gestions_radieuses-venv.XXXXXX)
    if "$PYTHON" -m venv --system-site-packages "$venv" \
        && "$venv/bin/pip" install --quiet --disable-pip-version-check ./gestions_radieuses \
        && "$venv/bin/pip" show --quiet odoo-addon-gestions_radieuses; then
        echo "odoo-addon-gestions_radieuses builds and installs"
    else
        status=1
    fi
    rm -rf "$venv"
else
    echo "== pip install ./gestions_radieuses: SKIPPED (SKIP_PACKAGING=1)"
fi
[ $status = 0 ] && echo "lint: clean" || echo "lint: FAILED"
exit $status
