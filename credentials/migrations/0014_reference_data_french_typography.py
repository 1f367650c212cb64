"""The French reference data with French typography: the typographic apostrophe (’) and a
non-breaking space before « ; », as the rest of the French text writes them (issue 15).

0013 now holds the corrected text; this runs its `load` again so a database that already ran
0013 gets it too. Idempotent: `load` only sets the French fields to 0013's frozen values.
"""

import importlib
import pathlib

from django.db import migrations

# Found by name, as tests/conftest.py finds it: migrations are renumbered at merge.
FRENCH = next(path.stem for path in pathlib.Path(__file__).parent.glob("*_reference_data_french.py"))


def reload(apps, schema_editor):
    importlib.import_module("credentials.migrations." + FRENCH).load(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [("credentials", "0013_reference_data_french")]

    operations = [migrations.RunPython(reload, migrations.RunPython.noop)]
