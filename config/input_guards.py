"""Characters no text of this service may hold, and how deep a JSON document may nest.

- NUL (U+0000): PostgreSQL text and JSONB cannot store it (the write fails, a 500), and no
  person types one.
- Text-direction controls that reorder what is displayed: the embeddings and overrides
  (U+202A–U+202E) and the isolates (U+2066–U+2069). A title holding U+202E shows its letters
  in another order than they are stored ("Trojan Source"), in the register, on letters, in
  a registrar's spreadsheet. Refused everywhere, long text included: the Unicode
  bidirectional algorithm places right-to-left words correctly without them.
- Direction marks (U+200E, U+200F, U+061C) reorder nothing by themselves but are invisible;
  right-to-left prose (an Arabic or Hebrew quotation in a description) may need one. They
  are refused in single-line text (titles, names, list items such as learning outcomes),
  accepted in long text.

Which layer checks what (each answers 400 naming the field):
- config.errors.ParameterGuardMiddleware: query strings and form posts (pages and API),
  NUL and reordering controls, before any view runs.
- config.parsers.GuardedJSONParser (DRF's default parser): API JSON bodies, every string and key at any
  depth, NUL and reordering controls, and nesting deeper than JSON_MAX_DEPTH.
- credentials.models (field validators and MicroCredential.clean): every text field and list
  item of a micro-credential, marks included where the field is single-line, so the API,
  the page form and the catalogue import refuse alike (the import reports row and field);
  the decided subject area (credentials/terms.py terms_checked), printed on letters as the title is.
- credentials.catalogue: each cell of an imported file (the file is neither a form nor a JSON
  body), NUL and reordering controls, reported by row and field.
Names of people and organisations (accounts) pass only the first two layers.
"""

import re

from django.utils.translation import gettext_lazy as _

NUL = "\x00"
REORDERING_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
DIRECTION_MARKS = "\u200e\u200f\u061c"

NUL_MESSAGE = _("This value contains a NUL character, which no field of this service accepts.")
DIRECTION_MESSAGE = _(
    "This value contains an invisible text-direction control character (U+%(code)04X), which makes "
    "text display differently from what it says. Remove it (retyping the text removes it)."
)

_REORDERING = re.compile("[%s]" % REORDERING_CONTROLS)
_ANY_DIRECTION = re.compile("[%s%s]" % (REORDERING_CONTROLS, DIRECTION_MARKS))


def text_problem(value, *, single_line=False):
    """Why `value` cannot be stored, or None. Only strings are judged."""
    if not isinstance(value, str):
        return None
    if NUL in value:
        return NUL_MESSAGE
    found = (_ANY_DIRECTION if single_line else _REORDERING).search(value)
    if found:
        return DIRECTION_MESSAGE % {"code": ord(found.group(0))}
    return None


__all__ = ["DIRECTION_MARKS", "DIRECTION_MESSAGE", "NUL", "NUL_MESSAGE", "REORDERING_CONTROLS", "text_problem"]
