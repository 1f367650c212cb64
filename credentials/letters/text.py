"""The words of a letter that depend on its language: credit values, and names that may have
a French version (`title_fr`, `name_fr`) beside the English one."""

from decimal import Decimal

from django.utils import formats
from django.utils.translation import get_language, ngettext

from ..terms import credits_number


def french_active() -> bool:
    return (get_language() or "").startswith("fr")


def credits_text(value) -> str:
    """`6 agency credits`, `1 agency credit`, `2.5 agency credits`; in French `6 crédits de
    l'agence`, `1,5 crédit de l'agence` (French keeps the singular below 2)."""
    number = Decimal(str(value))
    # ngettext takes a whole number for the language's plural rule, and no single one fits
    # both languages for 1.5 (English plural, French singular): French's rule (n > 1) gets the
    # whole part, English's (n != 1) gets 1 only for exactly one.
    count = int(number) if french_active() else (1 if number == 1 else 2)
    text = formats.number_format(Decimal(credits_number(number)), use_l10n=True)
    return ngettext("%(credits)s agency credit", "%(credits)s agency credits", count) % {"credits": text}


def in_language(thing, field: str):
    """`thing`'s `field` in the active language: its `<field>_fr` in French when present and
    not blank, else `field` (English, the fallback). `thing` is an object or a dict."""
    def value(name):
        return thing.get(name) if isinstance(thing, dict) else getattr(thing, name, None)

    if french_active():
        french = value(field + "_fr")
        if french:
            return french
    return value(field)
