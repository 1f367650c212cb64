"""Which version of a bilingual value a reader gets: the one place that decides.

Reference data (frameworks, levels, fields of study) and a provider's micro-credential keep
their French beside the English (`name_fr`, `title_fr`, ...). A French reader gets the French
where it was given and the English otherwise, so nothing is ever blank because a translation
is missing. Pages, the API and letters all ask `localized()` (models expose it as
`localized_name`, `localized_title`..., templates as the `localized` filter of `bilingual`).
"""

from django.utils.translation import get_language


def is_french(language=None):
    """Whether `language` (default: the active language, e.g. "fr" or "fr-ca") is French."""
    return (language or get_language() or "").lower().startswith("fr")


def _given(value):
    if isinstance(value, list | tuple):
        return any(str(item).strip() for item in value)
    return bool(value and str(value).strip())


def _reader(source):
    if isinstance(source, dict):
        return source.get
    return lambda name: getattr(source, name, None)


def language_of(source, field, language=None):
    """"fr" or "en": the version of `field` a reader in `language` (default: the active one)
    gets; also for a `lang` attribute (WCAG 3.1.2: an English title on a French page is
    marked as English)."""
    return "fr" if is_french(language) and _given(_reader(source)(field + "_fr")) else "en"


def localized(source, field, language=None):
    """`field` of `source` (a model instance or a dict, e.g. an assessment's snapshot) in
    `language` (default: the active one): its `<field>_fr` when French and given, else `field`."""
    name = field + "_fr" if language_of(source, field, language) == "fr" else field
    return _reader(source)(name)


class Bilingual:
    """For models that keep `<field>_fr` beside `<field>`."""

    def localized(self, field, language=None):
        return localized(self, field, language)
