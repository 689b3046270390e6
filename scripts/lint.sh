#!/usr/bin/env bash
# Linters run by `make test` (and `make lint`): ruff, pylint-odoo, XML and CSV checks.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
ADDONS="gestions_radieuses gestions_radieuses_account"
status=0
echo "== ruff check"; "$PYTHON" -m ruff check . || status=1
echo "== ruff format --check"; "$PYTHON" -m ruff format --check . || status=1
echo "== pylint-odoo"
"$PYTHON" -m pylint --rcfile=.pylintrc gestions_radieuses gestions_radieuses_account || status=1
echo "== OCA's Odoo module and PO checks"
# prefer-readme-rst: the addon's README is Markdown, built from readme/ like OCA's.
# po-pretty-format: its layout empties translations equal to their source ("Date",
# "km"), which scripts/check_i18n.py would then report as missing.
for addon in $ADDONS; do
    oca-checks-odoo-module --disable=prefer-readme-rst "$addon/__manifest__.py" || status=1
    oca-checks-po --disable=po-pretty-format "$addon"/i18n/*.po || status=1
done
echo "== XML and CSV files"
for addon in $ADDONS; do
    "$PYTHON" scripts/check_data_files.py "$addon" || status=1
done
echo "== addon README.md up to date with readme/"
"$PYTHON" scripts/gen_addon_readme.py --check || status=1
if [ "${SKIP_PACKAGING:-0}" != 1 ]; then
    echo "== pip install of each addon (fresh virtual environment)"
    # Odoo 18.0 is not on PyPI: the venv sees the machine's Odoo, nothing else of it.
    venv=$(mktemp -d /tmp/gestions_radieuses-venv.XXXXXX)
    "$PYTHON" -m venv --system-site-packages "$venv" || status=1
    for addon in $ADDONS; do
        if "$venv/bin/pip" install --quiet --disable-pip-version-check "./$addon" \
            && "$venv/bin/pip" show --quiet "odoo-addon-$addon"; then
            echo "odoo-addon-$addon builds and installs"
        else
            status=1
        fi
    done
    rm -rf "$venv"
else
    echo "== pip install of each addon: SKIPPED (SKIP_PACKAGING=1)"
fi
[ $status = 0 ] && echo "lint: clean" || echo "lint: FAILED"
exit $status
