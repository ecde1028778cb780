"""Encryption at rest for the few fields that hold health details (a lead's message, an insurance
member ID, staff notes).

Values are Fernet tokens made with the first key of FIELD_ENCRYPTION_KEYS; any key in the list
decrypts, so a key is rotated by putting a new one first, deploying, running
`manage.py rotate_field_encryption` (which re-encrypts every row with the first key), then removing
the old key. Without FIELD_ENCRYPTION_KEYS (local development only; production refuses to start,
see core.checks) a key is derived from SECRET_KEY.

Encrypted columns cannot be searched or filtered on, only read: search happens on names, contact
details and the reference, which are stored in clear. The only question a query may ask of them is
whether they are empty (`message=""`, `note__isnull=True`).
"""

import base64
import hashlib
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.db import models
from django.db.models.lookups import Exact

# Every Fernet token starts with this (version byte 0x80, base64-encoded): a stored value without
# it was written before the column was encrypted, and is read as it is until re-encrypted.
TOKEN_PREFIX = "gAAAAA"  # noqa: S105

FIELD_PURPOSE = "core.encryption"

KEY_REMOVED_TOO_EARLY = (
    "A stored value cannot be decrypted with any key in FIELD_ENCRYPTION_KEYS: a key still in use "
    "was removed. Put it back (after the new one) and run `manage.py rotate_field_encryption` "
    "before removing it again."
)


def multi_fernet(keys, *, derive_from: str, purpose: str) -> MultiFernet:
    """The keys in order (the first encrypts); without keys, one derived from `derive_from`."""
    return _multi_fernet(tuple(keys), derive_from, purpose)


# Cached on the keys themselves, so a change of settings (override_settings in tests) takes effect.
@cache
def _multi_fernet(keys: tuple[str, ...], derive_from: str, purpose: str) -> MultiFernet:
    return MultiFernet(_fernets(keys, derive_from, purpose))


@cache
def _fernets(keys: tuple[str, ...], derive_from: str, purpose: str) -> tuple[Fernet, ...]:
    if not keys:
        digest = hashlib.sha256(f"{purpose}:{derive_from}".encode()).digest()
        keys = (base64.urlsafe_b64encode(digest).decode(),)
    return tuple(Fernet(key) for key in keys)


def _field_keys() -> tuple[tuple[str, ...], str, str]:
    return tuple(settings.FIELD_ENCRYPTION_KEYS), settings.SECRET_KEY, FIELD_PURPOSE


def field_fernet() -> MultiFernet:
    return _multi_fernet(*_field_keys())


def current_field_fernet() -> Fernet:
    """The key new values are encrypted with: the first of FIELD_ENCRYPTION_KEYS."""
    return _fernets(*_field_keys())[0]


def encrypt(value: str) -> str:
    return field_fernet().encrypt(value.encode()).decode()


def decrypt(value: str) -> str:
    if not value.startswith(TOKEN_PREFIX):
        return value  # stored before encryption; `rotate_field_encryption` encrypts it
    try:
        return field_fernet().decrypt(value.encode()).decode()
    except InvalidToken:
        raise ImproperlyConfigured(KEY_REMOVED_TOO_EARLY) from None


def is_encrypted_with_current_key(value: str) -> bool:
    """Whether a stored value (as in the column) needs nothing from `rotate_field_encryption`."""
    if not value:
        return True
    if not value.startswith(TOKEN_PREFIX):
        return False
    try:
        current_field_fernet().decrypt(value.encode())
    except InvalidToken:
        return False
    return True


def reencrypt(value: str) -> str:
    """A stored value encrypted with the current key: clear text from before encryption is
    encrypted, a token made with an older key re-made with the current one."""
    if not value.startswith(TOKEN_PREFIX):
        return encrypt(value)
    try:
        return field_fernet().rotate(value.encode()).decode()
    except InvalidToken:
        raise ImproperlyConfigured(KEY_REMOVED_TOO_EARLY) from None


class EmptinessExact(Exact):
    """`field=""` (or None) only: any other value would be encrypted afresh and never match."""

    def get_prep_lookup(self):
        if self.rhs not in ("", None):
            raise FieldError(
                f"{_field_label(self.lhs.output_field)} is encrypted at rest: a query can only "
                "ask whether it is empty (='' or __isnull), not compare it with a value."
            )
        return super().get_prep_lookup()


def _field_label(field) -> str:
    model = getattr(field, "model", None)
    return f"{model._meta.label}.{field.name}" if model else field.name


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
        # Comparing ciphertexts means nothing (each encryption of the same text differs): only
        # emptiness can be asked. Other lookups are refused by name, not silently never matched.
        if lookup_name == "isnull":
            return super().get_lookup(lookup_name)
        if lookup_name == "exact":
            return EmptinessExact
        if super().get_lookup(lookup_name) is None:
            return None  # not a lookup at all: Django's own error names the field path
        raise FieldError(
            f"{_field_label(self)} is encrypted at rest and cannot be searched or filtered with "
            f"__{lookup_name}; only emptiness can be queried (='' or __isnull). Search on names, "
            "contact details or the reference instead."
        )

    def get_transform(self, lookup_name):
        # Lower(), Length() and the like would work on the ciphertext.
        return None
