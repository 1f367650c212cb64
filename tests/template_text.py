"""A checker for templates: user-visible text written outside a translation tag.

Each template is read with Django's own lexer. Everything a tag or a variable produces, and
whatever `{% translate %}` / `{% blocktranslate %}` hold, becomes an opaque placeholder; the
rest is the text the template writes itself. In an HTML template that text is parsed as
HTML: text between tags (outside <script> and <style>) and the values of the attributes a
person reads or hears (`title`, `aria-label`, `placeholder`, `alt`) must hold no words. A
plain-text template (an email's .txt) is all text. String literals given to templates as
words (`{% include … with label="…" %}`, `|default:"…"`) must be `_("…")`.

Only non-linguistic text is allowed (ALLOWED): separators, marks, symbols and codes.
The signed documents (letters, the stacking summary PDF) are left out (BILINGUAL): each is
one document in both languages at once, not a page in the reader's language.
"""

import re
from html.parser import HTMLParser
from pathlib import Path

from django.template.base import Lexer, TokenType

PLACEHOLDER = "\x00"
READ_ATTRIBUTES = {"title", "aria-label", "placeholder", "alt"}
# A word: two letters in a row (a lone "x" or "h" in "4.5 h" is a unit or a mark).
WORD = re.compile(r"[^\W\d_]{2,}")
# Text that is the same in every language: brands, codes and units.
ALLOWED = {
    "OQF", "ISCED", "API", "PDF", "CSV", "QR", "SHA", "TOTP", "CAD", "PEM", "JSON", "UTF",
}
# Words handed to a template as an argument: `with label="…"`, `|default:"…"` (words: with a space).
BILINGUAL = ("letters/", "register/stack_summary.html")
LITERAL_ARGUMENT = re.compile(
    r"""(?:\b(?:label|caption|title|heading|text|hint|message)=|default:)(?P<q>["'])(?P<text>.*?)(?P=q)""")


def _words(text):
    return [w for w in WORD.findall(text) if w not in ALLOWED]


def _text_only(source):
    """The template with every tag, variable and translated part replaced by PLACEHOLDER,
    and the literal arguments that should be translated."""
    parts, literals = [], []
    skipping = None  # the end tag awaited while inside blocktranslate or a comment block
    for token in Lexer(source).tokenize():
        contents = token.contents.strip()
        if skipping:
            if token.token_type == TokenType.BLOCK and contents.split()[0] == skipping:
                skipping = None
            continue
        if token.token_type == TokenType.TEXT:
            parts.append(token.contents)
            continue
        if token.token_type in (TokenType.BLOCK, TokenType.VAR):
            name = contents.split()[0] if contents else ""
            if name in ("blocktranslate", "blocktrans"):
                skipping = "endblocktranslate" if name == "blocktranslate" else "endblocktrans"
            elif name == "comment":
                skipping = "endcomment"
            for match in LITERAL_ARGUMENT.finditer(contents):
                if _words(match.group("text")) and " " in match.group("text").strip():
                    literals.append(match.group("text"))
        parts.append(PLACEHOLDER)
    return "".join(parts), literals


class _Visible(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._hidden += 1
        for name, value in attrs:
            if name in READ_ATTRIBUTES and value and _words(value):
                self.found.append("%s=%r" % (name, value))

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden and _words(data):
            self.found.append(" ".join(data.replace(PLACEHOLDER, " ").split()))


def untranslated_text(path: Path) -> list[str]:
    """The pieces of user-visible text in the template at `path` that no translation tag holds."""
    text, literals = _text_only(path.read_text(encoding="utf-8"))
    found = ["literal %r" % literal for literal in literals]
    if path.suffix == ".txt":
        return found + [" ".join(piece.split()) for piece in text.split(PLACEHOLDER) if _words(piece)]
    parser = _Visible()
    # A tag written `<details{% if … %} open{% endif %}>` keeps its name.
    parser.feed(re.sub(r"(<[A-Za-z][\w-]*)" + PLACEHOLDER, "\\1 " + PLACEHOLDER, text))
    parser.close()
    return found + parser.found
