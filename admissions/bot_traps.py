"""Quiet defences against form-filling bots: a field people never see, and a signed form token
that says when the form was shown."""

import re
import secrets
import time
from enum import Enum

from django.core import signing

from core import signing as quick_signing

HONEYPOT_FIELD = "website"
# The token is "<milliseconds since the epoch>.<nonce>", signed. A plain signature, not
# signing.dumps (JSON, base64 and a timestamp of its own): the form page from the page cache
# makes one per view, and this costs a tenth as much.
_SALT = "admissions.consultation-form.v2"
_SIGNED_VALUE = re.compile(r"(?P<shown_at_ms>[0-9]{1,15})\.(?P<nonce>[A-Za-z0-9_-]{1,64})")
# Tokens of forms shown before the change (signing.dumps): still accepted until they expire.
_EARLIER_SALT = "admissions.consultation-form"
# People take longer than this to read and fill the form; scripts usually don't.
MIN_SECONDS_TO_FILL = 2
# Longer than any real visit; a form older than this is shown again rather than accepted.
MAX_FORM_AGE_SECONDS = 12 * 60 * 60


class TokenCheck(Enum):
    OK = "ok"
    TOO_FAST = "too fast"
    EXPIRED = "expired"
    INVALID = "invalid"


def new_form_token() -> str:
    shown_at_ms = int(time.time() * 1000)
    return quick_signing.signer(_SALT).sign(f"{shown_at_ms}.{secrets.token_urlsafe(18)}")


def check_form_token(token: str) -> tuple[TokenCheck, str | None]:
    """How old the form is, and the nonce that identifies this one showing of it."""
    try:
        shown_at, nonce = _shown_at_and_nonce(token)
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return TokenCheck.INVALID, None
    age = time.time() - shown_at
    if age < MIN_SECONDS_TO_FILL:
        return TokenCheck.TOO_FAST, nonce
    if age > MAX_FORM_AGE_SECONDS:
        return TokenCheck.EXPIRED, nonce
    return TokenCheck.OK, nonce


def _shown_at_and_nonce(token: str) -> tuple[float, str]:
    try:
        value = quick_signing.signer(_SALT).unsign(token)
    except signing.BadSignature:
        payload = signing.loads(token, salt=_EARLIER_SALT)
        return float(payload["shown_at"]), str(payload["nonce"])
    if not (match := _SIGNED_VALUE.fullmatch(value)):
        raise ValueError("not a form token")
    return int(match["shown_at_ms"]) / 1000, match["nonce"]
