"""Secrets at rest (SMTP passwords, provider keys): AES-256-GCM with the installation's key.

The key is ``RADIX_SECRET_KEY`` (any string; SHA-256 of it is the key) — set the same value on every
node — or, on a single machine, a random key kept in ``<data dir>/secret.key`` (mode 0600) and
created on first use. Sealed values read ``enc:v1:<base64>``; an unsealed value (written before
sealing existed) is read as it is.
"""

from __future__ import annotations

import base64
import hashlib
import os
import secrets
from pathlib import Path

import sqlalchemy as sa
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy.types import TypeDecorator

from radix.config import get_settings

PREFIX = "enc:v1:"
DEV_DEFAULT = "radix-dev-secret-change-me"
_keys: dict[str, bytes] = {}


def _key() -> bytes:
    settings = get_settings()
    if settings.secret_key and settings.secret_key != DEV_DEFAULT:
        return hashlib.sha256(settings.secret_key.encode()).digest()
    path = Path(settings.data_dir) / "secret.key"
    cached = _keys.get(str(path))
    if cached:
        return cached
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(base64.urlsafe_b64encode(secrets.token_bytes(32)).decode())
    key = base64.urlsafe_b64decode(path.read_text().strip())
    _keys[str(path)] = key
    return key


def seal(text: str) -> str:
    nonce = secrets.token_bytes(12)
    box = AESGCM(_key()).encrypt(nonce, text.encode(), PREFIX.encode())
    return PREFIX + base64.urlsafe_b64encode(nonce + box).decode()


def unseal(value: str) -> str:
    if not value.startswith(PREFIX):
        return value
    raw = base64.urlsafe_b64decode(value[len(PREFIX):])
    try:
        return AESGCM(_key()).decrypt(raw[:12], raw[12:], PREFIX.encode()).decode()
    except InvalidTag:
        raise ValueError("cannot decrypt a stored secret: RADIX_SECRET_KEY or secret.key changed") from None


class SealedString(TypeDecorator[str]):
    """A string column whose value is encrypted in the database and plain in Python."""

    impl = sa.String(512)
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: sa.Dialect) -> str | None:
        return None if value is None or value == "" else seal(value)

    def process_result_value(self, value: str | None, dialect: sa.Dialect) -> str | None:
        return None if value is None else unseal(value)
