"""Multibase base58btc and Multikey for Ed25519 public keys: the few lines the DID document
and proofs need (W3C Controlled Identifiers, "Multikey"; multicodec 0xed01)."""

ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_INDEX = {char: value for value, char in enumerate(ALPHABET)}
# The multicodec prefix of an Ed25519 public key (0xed as an unsigned varint, then 0x01).
ED25519_PUBLIC_PREFIX = b"\xed\x01"


def base58btc_encode(data: bytes) -> str:
    number = int.from_bytes(data, "big")
    out = []
    while number:
        number, digit = divmod(number, 58)
        out.append(ALPHABET[digit])
    # Each leading zero byte is written as a leading "1".
    zeros = len(data) - len(data.lstrip(b"\0"))
    return "1" * zeros + "".join(reversed(out))


def base58btc_decode(text: str) -> bytes:
    """Raises ValueError for a character outside the alphabet."""
    number = 0
    for char in text:
        if char not in _INDEX:
            raise ValueError("not base58btc")
        number = number * 58 + _INDEX[char]
    body = number.to_bytes((number.bit_length() + 7) // 8, "big")
    zeros = len(text) - len(text.lstrip("1"))
    return b"\0" * zeros + body


def multibase_encode(data: bytes) -> str:
    return "z" + base58btc_encode(data)


def multibase_decode(text: str) -> bytes:
    """The bytes of a base58btc multibase string ("z..."); ValueError for anything else."""
    if not isinstance(text, str) or not text.startswith("z") or len(text) > 200:
        raise ValueError("not a base58btc multibase value")
    return base58btc_decode(text[1:])


def multikey_encode(raw_public_key: bytes) -> str:
    return multibase_encode(ED25519_PUBLIC_PREFIX + raw_public_key)


def multikey_decode(text: str) -> bytes:
    """The 32 raw bytes of an Ed25519 Multikey ("z6Mk..."); ValueError for anything else."""
    data = multibase_decode(text)
    if not data.startswith(ED25519_PUBLIC_PREFIX) or len(data) != 34:
        raise ValueError("not an Ed25519 Multikey")
    return data[2:]
