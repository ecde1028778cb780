"""Django's signers, with the key behind each signature derived once per process.

`django.core.signing` derives the HMAC key from the salt and secret (a SHA-256), and sets up an
HMAC with it, for every signature it makes or checks. The consultation form's token and the
visit cookie are signed on page views served from the page cache, where that is a measurable
share of the work. These signers keep the derived key, ready in an HMAC's two SHA-256 states,
and make exactly the signatures Django's do: values signed by either are read by either, with
the same SECRET_KEY_FALLBACKS.
"""

import functools
import hashlib

from django.conf import settings
from django.core import signing
from django.utils.encoding import force_bytes


@functools.lru_cache(maxsize=32)
def _hmac_states(salt: str, secret: str | bytes) -> tuple:
    """SHA-256 with the HMAC key's inner and outer pads already read (RFC 2104), for the key
    django.utils.crypto.salted_hmac derives from `salt` and `secret`: each signature then only
    copies them (a third of the cost of setting up an HMAC anew)."""
    key = hashlib.sha256(force_bytes(salt) + force_bytes(secret)).digest()
    block = key.ljust(hashlib.sha256().block_size, b"\0")
    inner = hashlib.sha256(bytes(byte ^ 0x36 for byte in block))
    outer = hashlib.sha256(bytes(byte ^ 0x5C for byte in block))
    return inner, outer


class _KeptKeySignature:
    def signature(self, value, key=None):
        if self.algorithm != "sha256":
            return super().signature(value, key)
        inner, outer = _hmac_states(self.salt + "signer", key or self.key)
        inner = inner.copy()
        inner.update(force_bytes(value))
        outer = outer.copy()
        outer.update(inner.digest())
        return signing.b64_encode(outer.digest()).decode()


class Signer(_KeptKeySignature, signing.Signer):
    pass


class TimestampSigner(_KeptKeySignature, signing.TimestampSigner):
    pass


def signer(salt: str) -> Signer:
    """A Signer for `salt` under the current SECRET_KEY and its fallbacks, made once."""
    return _made_once(Signer, salt, settings.SECRET_KEY, tuple(settings.SECRET_KEY_FALLBACKS))


def dumps(obj, *, salt: str, compress: bool = False) -> str:
    """As django.core.signing.dumps (which django.core.signing.loads reads)."""
    timestamp_signer = _made_once(
        TimestampSigner, salt, settings.SECRET_KEY, tuple(settings.SECRET_KEY_FALLBACKS)
    )
    return timestamp_signer.sign_object(obj, compress=compress)


@functools.lru_cache(maxsize=32)
def _made_once(signer_class, salt, key, fallback_keys):
    return signer_class(salt=salt, key=key, fallback_keys=list(fallback_keys))
