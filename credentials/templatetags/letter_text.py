"""Facts as a bilingual letter writes them, in the language of the section being rendered.

A letter is one body template rendered twice, under `{% language "en" %}` and
`{% language "fr" %}` (templates/letters/base_letter.html), so dates, numbers and names are
formatted here, at render time, in the active language, never in the view's context.
"""

import html

from django import template
from django.utils import translation
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe

from config.dates import long_date as _long_date

from ..letters.text import credits_text, french_active
from ..letters.text import in_language as _in_language

register = template.Library()


@register.filter
def long_date(day):
    """`2 March 2026` in English, `2 mars 2026` in French."""
    return _long_date(day) if day else ""


@register.filter
def credits(value):
    """`4.5 agency credits` in English, `4,5 crédits de l’Agence` in French."""
    return credits_text(value)


@register.filter
def in_language(thing, field):
    """`{{ letter|in_language:"title" }}`: the French version (`title_fr`) in a French section
    when there is one, else the English one."""
    return _in_language(thing, field)


class BothLanguagesNode(template.Node):
    def __init__(self, expression):
        self.expression = expression

    def render(self, context):
        value = self.expression.resolve(context)  # `_("…")` resolves to a lazy translation
        with translation.override("en"):
            english = str(value)
        with translation.override("fr"):
            french = str(value)
        if french == english:
            return conditional_escape(english)
        return format_html('{}<span class="fr" lang="fr-CA"> / {}</span>', english, french)


@register.tag
def both(parser, token):
    """`{% both _("Verification code") %}`: a label of a letter's shared parts (its heading)
    in English, then in French in a `lang="fr-CA"` span, once when they are the same word.
    The `_()` marks the text for makemessages."""
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError("%r takes one argument, a _(\"text\")" % bits[0])
    return BothLanguagesNode(parser.compile_filter(bits[1]))


@register.filter
def clock_time(moment):
    """`14:05` in English, `14 h 05` in French (Canadian French writes the hour so, with
    non-breaking spaces so that the time never breaks over two lines)."""
    if not moment:
        return ""
    return ("%d\u00a0h\u00a0%02d" if french_active() else "%02d:%02d") % (moment.hour, moment.minute)


@register.filter(is_safe=True)
def css_string(text):
    """Text for a CSS string in the letter's <style> (its page footers): a <style> is raw
    text, where an HTML entity (`&#x27;` for an apostrophe, as autoescaping writes it) would be
    printed as is. So the text is unescaped, then escaped the CSS way: quotes, backslashes,
    line breaks and `<` (no `</style>` can end the sheet) become CSS escapes."""
    text = html.unescape(str(text))
    return mark_safe("".join("\\%x " % ord(c) if c in '"\\<>\n\r' else c for c in text))  # noqa: S308
