"""Encryption at rest for the few fields that hold health details (a lead's message, an insurance
member ID, staff notes).

Values are Fernet tokens made with the first key of FIELD_ENCRYPTION_KEYS; any key in the list
decrypts, so a key is rotated by putting a new one first, deploying, running
`manage.py rotate_field_encryption` (which re-encrypts every row with the first key), then removing
the old key. Without FIELD_ENCRYPTION_KEYS (local development only; production refuses to start,
see core.checks) a key is derived from SECRET_KEY.

Encrypted columns cannot be searched or filtered on, only read: search happens on names, contact
details and the reference, which are stored in clear.
"""

import base64
import hashlib
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

# Every Fernet token starts with this (version byte 0x80, base64-encoded): a stored value without
# it was written before the column was encrypted, and is read as it is until re-encrypted.
TOKEN_PREFIX = "gAAAAA"  # noqa: S105


def multi_fernet(keys, *, derive_from: str, purpose: str) -> MultiFernet:
    """The keys in order (the first encrypts); without keys, one derived from `derive_from`."""
    return _multi_fernet(tuple(keys), derive_from, purpose)


@cache
def _multi_fernet(keys: tuple[str, ...], derive_from: str, purpose: str) -> MultiFernet:
    if not keys:
        digest = hashlib.sha256(f"{purpose}:{derive_from}".encode()).digest()
        keys = (base64.urlsafe_b64encode(digest).decode(),)
    return MultiFernet([Fernet(key) for key in keys])


def field_fernet() -> MultiFernet:
    return multi_fernet(
        settings.FIELD_ENCRYPTION_KEYS, derive_from=settings.SECRET_KEY, purpose="core.encryption"
    )


def encrypt(value: str) -> str:
    return field_fernet().encrypt(value.encode()).decode()


def decrypt(value: str) -> str:
    if not value.startswith(TOKEN_PREFIX):
        return value  # stored before encryption; `rotate_field_encryption` encrypts it
    try:
        return field_fernet().decrypt(value.encode()).decode()
    except InvalidToken:
        raise ImproperlyConfigured(
            "A stored value cannot be decrypted with any key in FIELD_ENCRYPTION_KEYS: a key "
            "still in use was removed. Put it back (after the new one) and run "
            "`manage.py rotate_field_encryption` before removing it again."
        ) from None


def is_encrypted_with_current_key(value: str) -> bool:
    if not value:
        return True
    if not value.startswith(TOKEN_PREFIX):
        return False
    current = field_fernet()._fernets[0]
    try:
        current.decrypt(value.encode())
    except InvalidToken:
        return False
    return True


class EncryptedTextField(models.TextField):
    """Text stored encrypted; read and written in clear by Python code.

    Blank stays blank (a lead without a message shows as such in the database). `max_length` is
    checked on the clear text, by forms and validation, not by the column.
    """

    description = "Text, encrypted at rest"

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value in (None, ""):
            return value
        return encrypt(str(value))

    def from_db_value(self, value, expression, connection):
        if value in (None, ""):
            return value
        return decrypt(value)

    def get_lookup(self, lookup_name):
        # Comparing ciphertexts means nothing (each encryption differs); only emptiness is known.
        if lookup_name not in {"isnull", "exact"}:
            return None
        return super().get_lookup(lookup_name)
