"""The bulk SQL modules write table names out; they must stay the models' tables."""

import re

from django.apps import apps

from assessment import bulk_sql as casework_sql
from credentials import bulk_sql as register_sql

TABLE = re.compile(r"\b(?:FROM|JOIN|UPDATE|INSERT INTO)\s+([a-z]+_[a-z_]+)")


def test_every_table_a_bulk_statement_names_is_a_models_table():
    tables = {model._meta.db_table for model in apps.get_models()}
    statements = [
        value for module in (casework_sql, register_sql) for name, value in vars(module).items()
        if name.isupper() or (name.startswith("_") and name[1:].isupper())
    ]
    named = {table for statement in statements for table in TABLE.findall(statement)}
    assert len(statements) == 5
    assert named == {"assessment_application", "assessment_outboxmessage", "credentials_assessment",
                     "credentials_assessmentevent"}
    assert named <= tables
