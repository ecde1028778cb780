"""Quiet defences against form-filling bots: a field people never see, and a signed form token
that says when the form was shown."""

import secrets
import time
from enum import Enum

from django.core import signing

HONEYPOT_FIELD = "website"
_SALT = "admissions.consultation-form"
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
    return signing.dumps({"shown_at": time.time(), "nonce": secrets.token_urlsafe(18)}, salt=_SALT)


def check_form_token(token: str) -> tuple[TokenCheck, str | None]:
    """How old the form is, and the nonce that identifies this one showing of it."""
    try:
        payload = signing.loads(token, salt=_SALT)
        age = time.time() - float(payload["shown_at"])
        nonce = str(payload["nonce"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return TokenCheck.INVALID, None
    if age < MIN_SECONDS_TO_FILL:
        return TokenCheck.TOO_FAST, nonce
    if age > MAX_FORM_AGE_SECONDS:
        return TokenCheck.EXPIRED, nonce
    return TokenCheck.OK, nonce
