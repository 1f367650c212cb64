"""The words of a letter that depend on its language: credit values ("agency credits", as a
letter names them), in the section's language. Names with a French version go through
credentials.languages, and numbers through config.numbers, as on pages."""

from django.utils.translation import ngettext

from config.numbers import decimal_text, plural_count

from ..languages import is_french as french_active  # noqa: F401  (the letter's tags ask it)
from ..languages import localized as in_language  # noqa: F401


def credits_text(value) -> str:
    """`6 agency credits`, `1 agency credit`, `2.5 agency credits`; in French `6 crédits de
    l’Agence`, `1,5 crédit de l’Agence` (French keeps the singular below 2)."""
    return ngettext("%(credits)s agency credit", "%(credits)s agency credits", plural_count(value)) % {
        "credits": decimal_text(value)}
