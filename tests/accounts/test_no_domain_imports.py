"""accounts knows nothing of the other two apps (architecture: assessment → credentials →
accounts); the demo data, which spans them, lives in assessment."""

import re
from pathlib import Path

import accounts

DOMAIN_IMPORT = re.compile(r"^\s*(from|import)\s+(assessment|credentials)\b", re.M)


def test_accounts_imports_nothing_of_the_domain():
    root = Path(accounts.__file__).parent
    offenders = [
        str(path.relative_to(root)) for path in root.rglob("*.py")
        if "migrations" not in path.parts and DOMAIN_IMPORT.search(path.read_text())
    ]
    assert offenders == []
