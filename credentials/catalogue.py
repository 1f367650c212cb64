"""Reading a provider's catalogue file (CSV or JSON) into rows the import service can store.

All-or-nothing: any problem, in the file as a whole or in one cell, refuses the whole file
with a report of (row, field, problem); nothing is stored until every row is clean.
"""

import csv
import io
import json

from django.conf import settings
from django.utils.translation import gettext as _

from config.input_guards import text_problem
from config.parsers import JSON_MAX_DEPTH, json_depth_exceeds
from config.spreadsheet_csv import csv_text, starts_like_formula

from .api.serializers import CONTRACT_FIELDS, MicroCredentialSerializer
from .completeness import LABELS
from .services import CatalogueRejected, microcredentials_import

LIST_FIELDS = ["learning_outcomes", "learning_outcomes_fr", "assessment_types", "languages", "skills"]
LIST_SEPARATOR = "|"

TEMPLATE_EXAMPLE = {
    "title": "Introduction to Industrial Robot Safety",
    "description": "Safe operation of collaborative and industrial robots on the shop floor.",
    "learning_outcomes": "Identify robot hazards in a work cell|Apply lockout procedures to a robot cell",
    "learner_effort_hours": "40",
    "proposed_level": "OQF-5",
    "proposed_credits": "4",
    "field_of_study": "0714",
    "assessment_types": "practical|quiz",
    "assessment_description": "Practical lockout demonstration (60%, pass/fail checklist) and online quiz (40%).",
    "delivery_mode": "blended",
    "languages": "en|fr",
    "prerequisites": "none",
    "quality_assurance": "Reviewed by the program advisory committee each year.",
    "evidence_of_need": "Requested by the regional manufacturers' association.",
    "title_fr": "Introduction à la sécurité des robots industriels",
    "description_fr": "Utilisation sécuritaire des robots collaboratifs et industriels dans l’atelier.",
    "learning_outcomes_fr": "Relever les dangers des robots dans une cellule de travail|"
                            "Appliquer les procédures de cadenassage à une cellule robotisée",
    "contact_hours": "24",
    "skills": "Hazard identification|Lockout/tagout",
    "stackability": "Counts towards the Advanced Manufacturing Technician certificate.",
    "industry_partners": "Regional Manufacturers' Association",
    "professional_recognition": "Recognised for continuing education hours by the provincial safety association.",
    "identity_verification": "Photo ID checked at the practical assessment.",
    "price_cad": "450",
    "url": "https://www.example.org/robot-safety",
    "starts_on": "2027-01-11",
    "ends_on": "2027-03-05",
    "credential_expiry": "3 years",
}


def template_csv():
    """The downloadable template: the contract's column names and one example row."""
    return csv_text([[TEMPLATE_EXAMPLE.get(name, "") for name in CONTRACT_FIELDS]], header=CONTRACT_FIELDS)


def _reject(message, problems=None):
    raise CatalogueRejected(message, errors=problems or [])


def _decode(raw):
    if b"\x00" in raw[:4096]:
        _reject(_("This file is not a CSV or JSON text file. Save your spreadsheet as \"CSV UTF-8\" and upload that."))
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        _reject(
            _("The file is not in UTF-8 (a character near byte %d could not be read). "
            "In your spreadsheet, save as \"CSV UTF-8\" and upload again.") % error.start
        )


def _csv_rows(text):
    try:
        # Spreadsheets set to French (Canada) save CSV with semicolons between cells.
        first_line = text.split("\n", 1)[0]
        delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
        reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
        header = reader.fieldnames or []
        header = [(name or "").strip() for name in header]
        reader.fieldnames = header
        if "title" not in header:
            _reject(_("The first line must name the columns, including \"title\". Start from the template."))
        unknown = [name for name in header if name not in CONTRACT_FIELDS]
        if unknown:
            _reject(_("Some columns are not micro-credential fields."),
                    [{"row": 1, "field": name or None, "problem": _("This column is not a field we know; "
                      "use the template's column names.")} for name in unknown])
        rows = []
        for record in reader:
            if len(rows) >= settings.CATALOGUE_IMPORT_MAX_ROWS:
                _too_many()
            line = reader.line_num
            if None in record:
                rows.append((line, {}, [{"row": line, "field": None,
                                         "problem": _("This row has more cells than there are columns.")}]))
                continue
            if not any((value or "").strip() for value in record.values()):
                continue  # blank lines at the end of a spreadsheet export
            data, problems = {}, []
            for name, value in record.items():
                value = value or ""
                items = [item.strip() for item in value.split(LIST_SEPARATOR) if item.strip()]
                problem = _cell_problem([value, *items] if name in LIST_FIELDS else [value])
                if problem:
                    problems.append({"row": line, "field": name, "problem": problem})
                elif name in LIST_FIELDS:
                    data[name] = items
                elif value.strip():  # an empty cell leaves the element missing
                    data[name] = value.strip()
            rows.append((line, data, problems))
        return rows
    except csv.Error as error:
        _reject(_("The file could not be read as CSV (%s). Save it as \"CSV UTF-8\" and try again.") % error)


def _json_rows(text):
    if json_depth_exceeds(text):
        _reject(_("The file is not a catalogue: its JSON is nested more than %d levels deep.") % JSON_MAX_DEPTH)
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        _reject(_("The file is not valid JSON (%s).") % error.msg)
    if isinstance(document, dict) and isinstance(document.get("microcredentials"), list):
        document = document["microcredentials"]
    if not isinstance(document, list):
        _reject(_("A JSON catalogue must be a list of micro-credentials, e.g. [{\"title\": ...}, ...]."))
    if len(document) > settings.CATALOGUE_IMPORT_MAX_ROWS:
        _too_many()
    rows = []
    for number, item in enumerate(document, start=1):
        if not isinstance(item, dict):
            rows.append((number, {}, [{"row": number, "field": None,
                                       "problem": _("Each item must be an object of field names and values.")}]))
            continue
        problems = [{"row": number, "field": str(name), "problem": _("This is not a field we know.")}
                    for name in item if name not in CONTRACT_FIELDS]
        data = {}
        for name, value in item.items():
            if name not in CONTRACT_FIELDS:
                continue
            problem = _cell_problem(value if isinstance(value, list) else [value])
            if problem:
                problems.append({"row": number, "field": name, "problem": problem})
                continue
            data[name] = value
        rows.append((number, data, problems))
    return rows


def _cell_problem(texts):
    """Why a cell (its text, and each item of a list) cannot be imported, or None: characters
    no text may hold (config/input_guards.py; the model refuses the rest), or a start a
    spreadsheet would run as a formula (config/spreadsheet_csv.py), refused rather than
    silently changed, so what the agency assesses is exactly what the provider sent."""
    for text in texts:
        problem = text_problem(text)
        if problem:
            return problem
    if any(starts_like_formula(text) for text in texts):
        return (_("This cell starts like a spreadsheet formula (=, +, -, @, even after spaces). Remove the "
                "leading character or put the text in words."))
    return None


def _too_many():
    _reject(_("The file has more than %s micro-credentials. Split it into smaller files.")
            % format(settings.CATALOGUE_IMPORT_MAX_ROWS, ","))


def read(upload):
    """[(row number, field dict, [problems])] from an uploaded CSV or JSON file."""
    if upload.size > settings.CATALOGUE_IMPORT_MAX_BYTES:
        _reject(_("The file is larger than %d MB. Split it into smaller files.")
                % (settings.CATALOGUE_IMPORT_MAX_BYTES // (1024 * 1024)))
    raw = upload.read()
    if not raw.strip():
        _reject(_("The file is empty."))
    text = _decode(raw)
    # Judged by the content, not the name: JSON starts with a bracket or brace.
    if text.lstrip()[:1] in ("[", "{"):
        return _json_rows(text)
    return _csv_rows(text)


def _flatten(errors, prefix=""):
    if isinstance(errors, dict):
        for key, value in errors.items():
            yield from _flatten(value, key)
    elif isinstance(errors, list):
        for value in errors:
            yield from _flatten(value, prefix)
    else:
        yield prefix, str(errors)


def import_catalogue(*, actor, provider, upload):
    """Validate every row, then store all as drafts or nothing; returns the drafts."""
    rows = read(upload)
    if not rows:
        _reject(_("The file has no micro-credentials in it, only the column names."))
    serializer = MicroCredentialSerializer(data=[data for _, data, _ in rows], many=True)
    serializer.is_valid()
    problems = []
    errors = serializer.errors or {}
    if isinstance(errors, list):  # older DRF: one entry per item; newer: failing indexes only
        errors = dict(enumerate(errors))
    for index, (row, _data, row_problems) in enumerate(rows):
        problems.extend(row_problems)
        for field, message in _flatten(errors.get(index, {})):
            problems.append({"row": row, "field": field or None, "problem": message})
    if problems:
        problems.sort(key=lambda p: (p["row"] or 0, CONTRACT_FIELDS.index(p["field"]) if p["field"] in CONTRACT_FIELDS else 99))
        _reject(_("Nothing was imported: correct the rows listed and upload the file again."), problems)
    items = [(row, _to_service(data)) for (row, _, _), data in zip(rows, serializer.validated_data, strict=True)]
    return microcredentials_import(actor=actor, provider=provider, items=items)


def _to_service(validated):
    data = dict(validated)
    for public, attribute in (("proposed_level", "proposed_level_id"), ("field_of_study", "field_of_study_id")):
        if attribute in data:
            data[public] = data.pop(attribute)
    return data


def field_label(name):
    return LABELS.get(name, name)
