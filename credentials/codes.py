"""Register references (`MCA-2026-00042`) and verification codes (`K7QF-3MZP-9WXA-C2HD`).

A verification code is 80 random bits in Crockford's base32: unguessable, short enough to
type, and forgiving of the usual misreadings (O for 0, I or L for 1) and of case and spacing.
"""

import re
import secrets

CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_MISREAD = str.maketrans({"O": "0", "I": "1", "L": "1"})
_CODE_LENGTH = 16
_GROUP = 4


def verification_code_new() -> str:
    raw = "".join(secrets.choice(CROCKFORD) for _ in range(_CODE_LENGTH))
    return _grouped(raw)


def verification_code_normalise(text) -> str | None:
    """The canonical form of a typed code, or None when it cannot be one."""
    if not isinstance(text, str):
        return None
    raw = re.sub(r"[\s\-]", "", text).upper().translate(_MISREAD)
    if len(raw) != _CODE_LENGTH or any(char not in CROCKFORD for char in raw):
        return None
    return _grouped(raw)


def _grouped(raw):
    return "-".join(raw[i : i + _GROUP] for i in range(0, len(raw), _GROUP))
