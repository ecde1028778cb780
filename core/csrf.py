"""Django's CSRF token for a form, drawn in one read of the system's randomness.

Django's `get_token` draws each of its 64 characters (the secret, then the mask) with a call of
its own to `SystemRandom`: about 140 µs for a new visitor, the largest cost of the form page
served from the page cache. This draws the same characters from one `os.urandom` read (a byte is
kept only below 248, a multiple of the 62 characters, so each character is equally likely) and
masks the secret as Django does. The result is Django's token: `CsrfViewMiddleware` checks it,
sets the cookie and renews it exactly as for its own.
"""

import os

from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH

_ALPHABET_SIZE = len(CSRF_ALLOWED_CHARS)
_USABLE_BYTES = 256 - 256 % _ALPHABET_SIZE  # 248: bytes at or above it would favour some characters
# A random byte below 248 as a character's index (0–61), and the bytes at or above it dropped.
_BYTE_TO_INDEX = bytes(i % _ALPHABET_SIZE for i in range(_USABLE_BYTES)) + bytes(
    256 - _USABLE_BYTES
)
_UNUSABLE_BYTES = bytes(range(_USABLE_BYTES, 256))


def _random_indexes(count: int) -> bytes:
    """`count` indexes into CSRF_ALLOWED_CHARS, each as likely as any other."""
    drawn = b""
    while len(drawn) < count:
        drawn += os.urandom(count + 8).translate(_BYTE_TO_INDEX, _UNUSABLE_BYTES)
    return drawn[:count]


_INDEX_TO_CHARACTER = bytes.maketrans(bytes(range(_ALPHABET_SIZE)), CSRF_ALLOWED_CHARS.encode())
_CHARACTER_TO_INDEX = bytes.maketrans(CSRF_ALLOWED_CHARS.encode(), bytes(range(_ALPHABET_SIZE)))
# The sum of two indexes (0–122) as the character of that sum modulo 62: Django's masking.
_SUM_TO_CHARACTER = bytes(
    CSRF_ALLOWED_CHARS.encode()[total % _ALPHABET_SIZE] for total in range(2 * _ALPHABET_SIZE - 1)
).ljust(256, b"\0")


def _characters(indexes: bytes) -> str:
    return indexes.translate(_INDEX_TO_CHARACTER).decode("ascii")


def get_token(request) -> str:
    """As `django.middleware.csrf.get_token`: the masked token for this request's CSRF secret,
    made (and marked for the cookie) when the visitor has none yet, renewed otherwise."""
    secret = request.META.get("CSRF_COOKIE")
    if secret is None:
        secret_indexes = _random_indexes(CSRF_SECRET_LENGTH)
        request.META["CSRF_COOKIE"] = _characters(secret_indexes)
    else:
        # CsrfViewMiddleware let through only a secret of CSRF_ALLOWED_CHARS.
        secret_indexes = secret.encode("ascii").translate(_CHARACTER_TO_INDEX)
    request.META["CSRF_COOKIE_NEEDS_UPDATE"] = True
    mask = _random_indexes(CSRF_SECRET_LENGTH)
    # Every character's index plus its mask's at once: no sum exceeds a byte, so none carries
    # into the next.
    sums = int.from_bytes(secret_indexes) + int.from_bytes(mask)
    cipher = sums.to_bytes(CSRF_SECRET_LENGTH).translate(_SUM_TO_CHARACTER).decode("ascii")
    return _characters(mask) + cipher
