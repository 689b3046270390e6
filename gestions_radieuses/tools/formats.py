"""French (the user's language) formats for the portal pages: numbers, dates,
plural forms, always through Odoo's own formatting (res.lang, babel).

Odoo has no ngettext for Python or QWeb: a text with a count is written twice,
one translatable msgid per form, and ``is_singular`` says which one to show in
the user's language (French says "0 dépense", "1 dépense", "2 dépenses")."""

from odoo.tools.misc import format_date, formatLang, get_lang

# Languages whose singular covers 0 as well as 1 (CLDR plural rule "one": i = 0,1).
SINGULAR_ZERO_LANGS = ("fr",)


def is_singular(env, count):
    """Whether ``count`` takes the singular form in the user's language."""
    if get_lang(env).code.split("_")[0] in SINGULAR_ZERO_LANGS:
        return count in (0, 1)
    return count == 1


def plural(env, count, singular, other):
    """``singular`` or ``other`` (both already translated) for ``count``."""
    return singular if is_singular(env, count) else other


def format_number(env, value, max_digits=2):
    """``value`` in the user's language with at most ``max_digits`` decimals and
    no useless zero: 87,5 · 120 · 1 234,25 (a distance, a quantity)."""
    digits = 0
    text = f"{value or 0:.{max_digits}f}"
    if "." in text:
        digits = len(text.rstrip("0").partition(".")[2])
    return formatLang(env, value or 0, digits=digits)


def format_day(env, day, today, weekday=False):
    """A day as people say it: "17 septembre", with the year when it is not
    this year's ("22 avril 2025"), optionally with its weekday."""
    if not day:
        return ""
    pattern = "d MMMM" if day.year == today.year else "d MMMM y"
    if weekday:
        pattern = f"EEEE {pattern}"
    return format_date(env, day, date_format=pattern)


class PortalFormats:
    """The helpers above for one environment, as QWeb's ``cae_format``."""

    def __init__(self, env):
        self.env = env

    def one(self, count):
        return is_singular(self.env, count)

    def number(self, value, max_digits=2):
        return format_number(self.env, value, max_digits)

    def day(self, day, weekday=False):
        return format_day(self.env, day, self.env.company._cae_today(), weekday)


def month_of(env, day, with_year=True):
    """A month as it follows "of" in the user's language. French writes the "de"
    into it and elides it before a vowel ("d'octobre 2026", "de novembre 2026"),
    so its sentences say "votre note %(month)s"; other languages get the month
    alone ("October 2026") and their sentences say "of" themselves."""
    label = format_date(env, day, date_format="MMMM y" if with_year else "MMMM")
    if get_lang(env).code.split("_")[0] == "fr":
        return ("d'" if label[:1].lower() in "aeiouyh" else "de ") + label
    return label
