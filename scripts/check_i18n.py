"""The committed .pot must match Odoo's export; fr.po must translate all of it."""

import sys
from pathlib import Path

import polib


def key(entry):
    return (entry.msgctxt or "", entry.msgid)


def main(exported_pot, i18n_dir):
    i18n = Path(i18n_dir)
    pot = f"{i18n.resolve().parent.name}.pot"  # the addon's own template
    exported = {key(e) for e in polib.pofile(exported_pot) if not e.obsolete}
    committed = {key(e) for e in polib.pofile(str(i18n / pot))}
    french = polib.pofile(str(i18n / "fr.po"))
    translated = {
        key(e) for e in french if e.msgstr and not e.obsolete and "fuzzy" not in e.flags
    }
    problems = []
    for msg in sorted(exported - committed)[:20]:
        problems.append(f"not in {pot} (run 'make pot'): {msg[1][:70]!r}")
    for msg in sorted(committed - exported)[:20]:
        problems.append(f"stale in {pot} (run 'make pot'): {msg[1][:70]!r}")
    missing = sorted(exported - translated)
    for msg in missing[:40]:
        problems.append(f"untranslated in fr.po: {msg[1][:70]!r}")
    for problem in problems:
        print(problem)
    if problems:
        print(f"i18n: {len(missing)} of {len(exported)} strings untranslated in fr.po")
        return 1
    print(f"i18n: {len(exported)} strings, all translated in fr.po")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
