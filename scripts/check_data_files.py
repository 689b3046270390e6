"""Check the addon's XML and CSV files: well-formed, declared, with the right header."""

import ast
import csv
import sys
from pathlib import Path

from lxml import etree

XML_HEADER = '<?xml version="1.0" encoding="UTF-8" ?>'


def main(addon):  # noqa: PLR0912 (one list of independent checks)
    addon = Path(addon)
    errors = []
    manifest = ast.literal_eval((addon / "__manifest__.py").read_text())
    declared = manifest.get("data", []) + manifest.get("demo", [])
    for name in declared:
        if not (addon / name).is_file():
            errors.append(f"{name}: declared in the manifest but missing")
    if len(declared) != len(set(declared)):
        errors.append("__manifest__.py: a data file is declared twice")
    for path in sorted(addon.rglob("*.xml")):
        rel = path.relative_to(addon).as_posix()
        text = path.read_text(encoding="utf-8")
        if not text.startswith(XML_HEADER):
            errors.append(f"{rel}: must start with {XML_HEADER}")
        try:
            etree.fromstring(text.encode())
        except etree.XMLSyntaxError as error:
            errors.append(f"{rel}: {error}")
        if (
            rel.startswith(("views/", "data/", "security/", "demo/"))
            and rel not in declared
        ):
            errors.append(f"{rel}: not declared in the manifest")
        if "<tree" in text or " attrs=" in text or " states=" in text:
            errors.append(f"{rel}: uses <tree>, attrs or states (not Odoo 18.0 style)")
    for path in sorted(addon.rglob("*.csv")):
        rel = path.relative_to(addon).as_posix()
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.reader(handle))
        width = len(rows[0]) if rows else 0
        ids = set()
        for number, row in enumerate(rows[1:], start=2):
            if len(row) != width:
                errors.append(f"{rel}:{number}: {len(row)} columns, header has {width}")
            elif row[0] in ids:
                errors.append(f"{rel}:{number}: duplicate id {row[0]}")
            ids.add(row[0] if row else "")
        if rel not in declared:
            errors.append(f"{rel}: not declared in the manifest")
    for error in errors:
        print(error)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
