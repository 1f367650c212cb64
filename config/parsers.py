"""The API's JSON parser (DRF's default parser here): DRF's, refusing with a 400 what
config/input_guards.py refuses in any string or key of the document, at any depth, and
nesting deeper than JSON_MAX_DEPTH, judged before parsing (Python's json module recurses
once per level: 100,000 levels would end in a RecursionError, a 500)."""

import json
import re

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser, get_encoding
from rest_framework.settings import api_settings
from rest_framework.utils.json import strict_constant

from .input_guards import NUL, text_problem

# Deeper than any document this API takes (a stack request is 3 levels), far below the
# depth at which Python's json module would exhaust the stack.
JSON_MAX_DEPTH = 32
DEPTH_MESSAGE = _("The JSON body is nested more than %(depth)d levels deep; no request of this API is.")


def document_problems(document):
    """{top-level field: [message]} for every string or key (at any depth) that text_problem
    refuses. Walks with a stack of its own, so no document can exhaust Python's."""
    problems = {}
    if isinstance(document, dict):
        pending = [(key, key, value) for key, value in document.items()]
    else:
        pending = [(api_settings.NON_FIELD_ERRORS_KEY, None, document)]
    while pending:
        field, key, value = pending.pop()
        problem = text_problem(key) or text_problem(value)
        if problem:
            problems.setdefault(_printable(field), [problem])
        elif isinstance(value, dict):
            pending.extend((field, inner_key, inner) for inner_key, inner in value.items())
        elif isinstance(value, list):
            pending.extend((field, None, inner) for inner in value)
    return problems


def _printable(name):
    return name.replace(NUL, "\\0") if isinstance(name, str) else str(name)


# A string literal (skipped whole, escapes included) or a bracket.
_STRUCTURE = re.compile(r'"(?:[^"\\]++|\\.)*+"|[\[\]{}]')


def json_depth_exceeds(text, limit=JSON_MAX_DEPTH):
    """Whether the brackets of `text` nest deeper than `limit`, judged before parsing (the
    parser recurses once per level). Stops at the first level too deep."""
    depth = 0
    for match in _STRUCTURE.finditer(text):
        token = match.group(0)
        if token in "[{":
            depth += 1
            if depth > limit:
                return True
        elif token in "]}":
            depth -= 1
    return False


class GuardedJSONParser(JSONParser):
    """DRF's JSON parser, answering 400 where the database (NUL) or the recursion limit
    (depth) would otherwise answer 500."""

    def parse(self, stream, media_type=None, parser_context=None):
        encoding = get_encoding(parser_context or {})
        try:
            text = stream.read().decode(encoding)
        except (UnicodeDecodeError, LookupError) as error:
            raise ParseError(_("The body is not %(encoding)s text.") % {"encoding": encoding}) from error
        if json_depth_exceeds(text):
            raise ParseError(DEPTH_MESSAGE % {"depth": JSON_MAX_DEPTH})
        try:
            document = json.loads(text, parse_constant=strict_constant if self.strict else None)
        except ValueError as error:
            raise ParseError(_("JSON parse error - %(error)s") % {"error": error}) from error
        problems = document_problems(document)
        if problems:
            raise serializers.ValidationError(problems)
        return document


__all__ = ["JSON_MAX_DEPTH", "GuardedJSONParser", "document_problems", "json_depth_exceeds"]
