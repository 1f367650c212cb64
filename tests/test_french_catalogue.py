"""The French catalogue holds every message the Python code marks for translation, each with a
French text (every plural form), none fuzzy, and its placeholders the same as the English ones.
(Template strings are checked with the templates.)"""

import ast
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "fr" / "LC_MESSAGES" / "django.po"
APPS = ("accounts", "assessment", "credentials", "config")
# The keywords Django's makemessages gives xgettext for Python.
KEYWORDS = ["gettext_noop", "gettext_lazy", "ngettext_lazy:1,2", "pgettext:1c,2", "npgettext:1c,2,3",
            "pgettext_lazy:1c,2", "npgettext_lazy:1c,2,3"]


def _python_sources():
    base = Path(settings.BASE_DIR)
    return sorted(
        str(path.relative_to(base)) for app in APPS for path in (base / app).rglob("*.py")
        if "migrations" not in path.parts
    )


def _entries(text):
    """(context, msgid, plural) → [msgstr, ...] and the set of fuzzy keys, from a .po text."""
    entries, fuzzy = {}, set()
    for block in text.split("\n\n"):
        fields, current, flags = {}, None, ""
        for line in block.splitlines():
            if line.startswith("#,"):
                flags += line
            elif line.startswith("#") or not line.strip():
                continue
            elif line.startswith('"'):
                fields[current] += _unquote(line)
            else:
                current, _, value = line.partition(" ")
                fields[current] = _unquote(value)
        if "msgid" not in fields or fields["msgid"] == "":
            continue
        key = (fields.get("msgctxt"), fields["msgid"], fields.get("msgid_plural"))
        entries[key] = [value for name, value in sorted(fields.items()) if name.startswith("msgstr")]
        if "fuzzy" in flags:
            fuzzy.add(key)
    return entries, fuzzy


def _unquote(quoted):
    # A .po string is a C string literal: the same escapes as Python's for what gettext writes.
    return ast.literal_eval(quoted.strip())


@pytest.fixture(scope="module")
def marked():
    """What the Python code marks today, extracted as makemessages does."""
    command = ["xgettext", "--language=Python", "--from-code=UTF-8", "--output=-",
               *["--keyword=" + keyword for keyword in KEYWORDS], *_python_sources()]
    pot = subprocess.run(command, cwd=settings.BASE_DIR, capture_output=True, text=True, check=True).stdout
    return _entries(pot)[0]


def test_the_catalogue_compiles_with_matching_placeholders():
    subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(CATALOGUE)], check=True)


def test_every_marked_python_message_has_a_french_text(marked):
    translated, fuzzy = _entries(CATALOGUE.read_text(encoding="utf-8"))
    assert len(marked) > 400
    missing = [key for key in marked if key not in translated]
    empty = [key for key in marked if key in translated and not all(translated[key])]
    assert not missing, "not in the catalogue (run makemessages): %s" % missing[:10]
    assert not empty, "without a French text: %s" % empty[:10]
    assert not fuzzy & set(marked), "fuzzy: %s" % sorted(fuzzy & set(marked), key=str)[:10]


def test_no_entry_of_the_catalogue_is_fuzzy():
    assert "#, fuzzy" not in CATALOGUE.read_text(encoding="utf-8")
