"""Encryption of ID numbers at rest.

Each number is sealed with AES-256-GCM under a key that never lives in the database, and a keyed
hash (HMAC-SHA256 under a key derived from the same secret) makes exact lookup and uniqueness
possible without decrypting anything. The key comes from FIRSTLINE_ID_KEY (base64 of 32 bytes) or
from a key file; development makes one on first use.
"""

import base64
import hashlib
import hmac
import os
import secrets
from functools import lru_cache

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings

_VERSION = b"\x01"


@lru_cache(maxsize=1)
def _master_key() -> bytes:
    encoded = settings.FIRSTLINE_ID_KEY
    if not encoded:
        path = settings.FIRSTLINE_ID_KEY_FILE
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as handle:
                handle.write(base64.b64encode(secrets.token_bytes(32)).decode())
        encoded = path.read_text().strip()
    key = base64.b64decode(encoded)
    if len(key) != 32:
        raise ValueError("The ID key must be 32 bytes (base64-encoded).")
    return key


@lru_cache(maxsize=1)
def _keys() -> tuple[AESGCM, bytes]:
    master = _master_key()
    enc = hmac.new(master, b"firstline id encryption", hashlib.sha256).digest()
    mac = hmac.new(master, b"firstline id lookup", hashlib.sha256).digest()
    return AESGCM(enc), mac


def seal(plaintext: str) -> bytes:
    aead, _ = _keys()
    nonce = secrets.token_bytes(12)
    return _VERSION + nonce + aead.encrypt(nonce, plaintext.encode(), None)


def unseal(token: bytes) -> str:
    aead, _ = _keys()
    token = bytes(token)
    if token[:1] != _VERSION:
        raise ValueError("Unknown sealed-value version.")
    return aead.decrypt(token[1:13], token[13:], None).decode()


def lookup_hash(normalised: str) -> str:
    """Keyed hash of an already normalised value, hex. Equal values give equal hashes."""
    _, mac = _keys()
    return hmac.new(mac, normalised.encode(), hashlib.sha256).hexdigest()


def seal_bytes(data: bytes) -> bytes:
    """Seal a whole file (an uploaded resident list) for keeping until its import ends."""
    aead, _ = _keys()
    nonce = secrets.token_bytes(12)
    return _VERSION + nonce + aead.encrypt(nonce, data, None)


def unseal_bytes(token: bytes) -> bytes:
    aead, _ = _keys()
    token = bytes(token)
    return aead.decrypt(token[1:13], token[13:], None)
