"""Numbers as people read them in the active language: 4.5 is "4.5" in English and « 4,5 » in
French; whole values drop their decimals ("4", not "4.0"). For pages, emails and letters; a
CSV or the API keeps the plain machine form."""

from decimal import Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext, ngettext


def decimal_text(value, *, places: int = 1) -> str:
    """`value` with at most `places` decimals, trailing zeros dropped, in the active language."""
    if value is None:
        return ""
    number = Decimal(str(value)).quantize(Decimal(1).scaleb(-places))
    if number == number.to_integral():
        return number_format(int(number), use_l10n=True)
    return number_format(number.normalize(), use_l10n=True)


def plural_count(value) -> int:
    """The count that picks the right plural for a decimal in English and in French: English
    writes "1 credit" and "1.5 credits", French « 1,5 crédit » (singular below 2, as the OQLF
    advises) and « 2,5 crédits ». The catalogues' rules are for whole numbers (English n != 1,
    French n > 1), so 1 stays 1, a value below 2 other than 1 counts as 0 (plural in English,
    singular in French) and larger ones count as their whole part."""
    value = Decimal(str(value))
    if value == 1:
        return 1
    return int(value) if value >= 2 else 0


def credits_text(value) -> str:
    """`4.5 credits`, « 4,5 crédits »."""
    return ngettext("%(credits)s credit", "%(credits)s credits", plural_count(value)) % {
        "credits": decimal_text(value)}


def business_days_text(days: int) -> str:
    """`1 business day`, `3 business days`, « 3 jours ouvrables »."""
    return ngettext("%(count)d business day", "%(count)d business days", days) % {"count": days}


def percent_text(share) -> str:
    """A share (0.456) as a whole percentage: `46%`, « 46 % »; `–` when there is none."""
    if share is None:
        return "–"
    return gettext("%(percent)d%%") % {"percent": round(share * 100)}
