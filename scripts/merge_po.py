"""Merge a fresh .pot into fr.po: translations kept, new terms left to translate."""

import sys
from pathlib import Path

import polib


def main(pot_path, po_path):
    pot = polib.pofile(pot_path)
    if Path(po_path).exists():
        po = polib.pofile(po_path)
    else:
        po = polib.POFile()
        po.metadata = dict(pot.metadata, Language="fr")
    po.merge(pot)
    po.metadata["Language"] = "fr"
    po.metadata["Plural-Forms"] = "nplurals=2; plural=(n > 1);"
    for entry in po:
        # polib's merge marks guesses fuzzy; a guess is no translation.
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
            entry.msgstr = ""
            entry.previous_msgid = None
    po[:] = [e for e in po if not e.obsolete]
    po.save(po_path)
    todo = [e for e in po if not e.msgstr]
    print(f"{po_path}: {len(po)} terms, {len(todo)} to translate")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
