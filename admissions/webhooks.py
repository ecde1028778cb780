"""The wire side of the staff webhook (admissions.channels.WebhookChannel): signed JSON POSTs that
chat and paging tools accept.

Each request carries:

- ``Content-Type: application/json``, a ``User-Agent`` naming this sender;
- ``X-Resilience-Delivery``: the message's id, the same on every retry of one message (receivers
  drop a copy they have seen: a message may arrive twice if a worker dies after sending it);
- ``X-Resilience-Event``: what happened (new_lead, escalation, daily_digest, flood_alert…);
- ``X-Resilience-Signature: t=<unix time>,v1=<hex>``: HMAC-SHA256 with ADMISSIONS_WEBHOOK_SECRET
  over ``f"{t}.{raw body}"``. A receiver recomputes it over the bytes it received, compares in
  constant time, and rejects a timestamp older than a few minutes (a replay): `verify_signature`.

Nothing from the receiver's answer but its status code is kept or logged: the body could say
anything, and the URL (which often holds a token) never appears in errors or on the dispatch.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import time
import urllib.error
import urllib.request
from urllib.parse import urlsplit

from django.conf import settings
from django.core import checks
from django.utils.module_loading import import_string

SIGNATURE_HEADER = "X-Resilience-Signature"
DELIVERY_HEADER = "X-Resilience-Delivery"
EVENT_HEADER = "X-Resilience-Event"
USER_AGENT = "Resilience-Admissions-Webhook/1.0"
# How old a signed timestamp a receiver accepts, by default: clocks drift, retries don't reuse it.
DEFAULT_TOLERANCE_SECONDS = 300
# Each send must end well within the one-minute claim on its dispatch (CLAIM_LEASE), or a second
# worker could send it again.
LONGEST_TIMEOUT_SECONDS = 30
SHORTEST_SECRET = 32
NEW_KEY_HINT = 'Generate one with: python -c "import secrets; print(secrets.token_hex(32))"'


class WebhookUnavailableError(Exception):
    """No usable answer (a timeout, a refused connection, a 5xx, 408 or 429): worth a retry."""


# --- Signing ---------------------------------------------------------------------------------


def signature(secret: str, body: bytes, timestamp: int) -> str:
    """The X-Resilience-Signature value for this body sent at this time."""
    return f"t={timestamp},v1={_digest(secret, body, timestamp)}"


def verify_signature(
    secret: str,
    header: str | None,
    body: bytes | str,
    tolerance: float = DEFAULT_TOLERANCE_SECONDS,
    *,
    now: float | None = None,
) -> bool:
    """Whether the X-Resilience-Signature `header` was made with `secret` over exactly this
    raw `body`, less than `tolerance` seconds ago (or ahead). Never raises on a malformed header.

    Pass the body as received, before any JSON parsing: re-serialized JSON differs byte for byte.
    Several v1 values are accepted (any may match), so a sender can sign with two secrets while
    one replaces the other.
    """
    if not secret or not header:
        return False
    if isinstance(body, str):
        body = body.encode()
    timestamp, candidates = None, []
    for part in header.split(","):
        key, _, value = part.strip().partition("=")
        if key == "t" and value.isdigit():
            timestamp = int(value)
        elif key == "v1" and value:
            candidates.append(value)
    if timestamp is None or not candidates:
        return False
    if abs((time.time() if now is None else now) - timestamp) > tolerance:
        return False
    expected = _digest(secret, body, timestamp)
    return any(hmac.compare_digest(expected, candidate) for candidate in candidates)


def _digest(secret: str, body: bytes, timestamp: int) -> str:
    return hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


# --- Sending ---------------------------------------------------------------------------------


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    # A redirect would take the signed alert somewhere nobody configured: answer with the 3xx.
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


def post(url: str, body: bytes, headers: dict[str, str], timeout: float) -> int:
    """POST the body and return the status code of the answer, whatever it is (redirects are not
    followed). Raise WebhookUnavailableError if there is no answer within `timeout` seconds (for
    each of connecting, sending and reading the answer's head) or the connection fails."""
    if urlsplit(url).scheme not in {"http", "https"}:
        raise ValueError("ADMISSIONS_WEBHOOK_URL must be an http or https URL")
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310 (http or https only, checked above)
    # Built for each send: cheap, and it reads proxy settings (HTTPS_PROXY, NO_PROXY) as they are.
    opener = urllib.request.build_opener(_NoRedirects)
    try:
        with opener.open(request, timeout=timeout) as response:
            return response.status  # the body is never read: nothing in it is needed
    except urllib.error.HTTPError as error:  # an answer, just not a 2xx one
        error.close()
        return error.code
    except urllib.error.URLError as error:
        # Only the kind of failure: the reason of a failed connection is safe (no URL in it),
        # but keep to names so that no error text from elsewhere reaches last_error.
        raise WebhookUnavailableError(_failure(error.reason, timeout)) from error
    except (OSError, http.client.HTTPException) as error:
        raise WebhookUnavailableError(_failure(error, timeout)) from error


def _failure(reason: object, timeout: float) -> str:
    if isinstance(reason, TimeoutError):
        return f"no answer from the webhook within {timeout:g} s"
    return f"could not reach the webhook ({type(reason).__name__})"


def recipient_label(url: str) -> str:
    """How a webhook appears as a dispatch's recipient, in admin and in the delivery-problem
    e-mail: its host and a fingerprint of the whole URL. Never the URL itself: chat tools put
    their token in its path or query, and it could be longer than the field."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return f"{host}#{hashlib.sha256(url.encode()).hexdigest()[:12]}"


# --- Configuration ---------------------------------------------------------------------------


def webhook_enabled() -> bool:
    from admissions.channels import WebhookChannel  # here: admissions.channels imports this module

    for path in settings.ADMISSIONS_STAFF_CHANNELS:
        try:
            channel_class = import_string(path)
        except ImportError:
            continue  # admissions.E001 reports it
        if isinstance(channel_class, type) and issubclass(channel_class, WebhookChannel):
            return True
    return False


@checks.register()
def webhook_settings(app_configs, **kwargs):
    """With the webhook channel enabled, its URL, secret and timeout must make sense: alerts sent
    unsigned, in clear text, or nowhere would be worse than a site that refuses to start."""
    if not webhook_enabled():
        return []
    errors = []
    url = settings.ADMISSIONS_WEBHOOK_URL
    scheme = urlsplit(url).scheme if url else ""
    if not url:
        errors.append(
            checks.Error(
                "The webhook channel is enabled but ADMISSIONS_WEBHOOK_URL is not set.",
                hint="Set it to the incoming-webhook URL of the team's chat or paging tool, or "
                "remove admissions.channels.WebhookChannel from ADMISSIONS_STAFF_CHANNELS.",
                id="admissions.E010",
            )
        )
    elif scheme != "https" and not (settings.DEBUG and scheme == "http"):
        errors.append(
            checks.Error(
                "ADMISSIONS_WEBHOOK_URL must be an https:// URL (http:// only with DEBUG on).",
                id="admissions.E011",
            )
        )
    secret = settings.ADMISSIONS_WEBHOOK_SECRET
    if not secret:
        errors.append(
            checks.Error(
                "The webhook channel is enabled but ADMISSIONS_WEBHOOK_SECRET is not set: "
                "receivers could not tell our alerts from forged ones.",
                hint=NEW_KEY_HINT,
                id="admissions.E012",
            )
        )
    elif len(secret) < SHORTEST_SECRET:
        errors.append(
            checks.Warning(
                f"ADMISSIONS_WEBHOOK_SECRET is shorter than {SHORTEST_SECRET} characters.",
                hint=NEW_KEY_HINT,
                id="admissions.W010",
            )
        )
    if not 0 < settings.ADMISSIONS_WEBHOOK_TIMEOUT_SECONDS <= LONGEST_TIMEOUT_SECONDS:
        errors.append(
            checks.Error(
                f"ADMISSIONS_WEBHOOK_TIMEOUT_SECONDS must be between 1 and "
                f"{LONGEST_TIMEOUT_SECONDS}: a send must end well within the one-minute claim on "
                "its message, or another worker could send it again.",
                id="admissions.E013",
            )
        )
    return errors
