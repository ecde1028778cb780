"""A privacy-respecting proof of work (ALTCHA) that the consultation form asks for during a flood.

The browser fetches a signed challenge from `challenge`, finds the counter that solves it in a
Web Worker, and sends the solution in the form field `FIELD_NAME`; `solution_is_valid` checks it.
Nothing leaves our servers: no third-party service is involved, and the challenge carries no
personal data.

This speaks ALTCHA's proof of work v2 (the `altcha` 2.x Python package and the altcha 3.x widget
and workers): PBKDF2/SHA-256, in "deterministic" mode. We derive the key for a random counter below
a ceiling and publish the start of that key; the browser tries counters from 0 upwards until one
matches. The work is thus uniform up to the ceiling, never an unlucky long tail, so a person's
worst case is known. Verifying re-derives the key once (about half a millisecond), and only for a
payload whose challenge carries our signature.
"""

import base64
import json
import logging
import secrets
import time
from dataclasses import dataclass

import altcha
from django.core.cache import cache
from django.http import JsonResponse
from django.utils.crypto import salted_hmac
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)

# The POST field the widget fills; the altcha widget's default name.
FIELD_NAME = "altcha"

ALGORITHM = "PBKDF2/SHA-256"


@dataclass(frozen=True)
class Difficulty:
    # PBKDF2 iterations per counter tried. Each try is one Web Crypto call in the browser, which
    # costs about as much as 400 iterations itself: fewer would mostly measure that overhead.
    # Issuing a challenge costs us one derivation (0.5 ms at 2,000).
    cost: int
    # The counter to find is drawn below this, and the browser tries them in order: this is the
    # worst case, and half of it the average.
    max_counter: int


# Measured in Chromium 156 on a busy 2-core server (2 workers), fetching the challenge and starting
# the workers included: NORMAL takes 0.17 s typically and 0.25 s at worst, HARD 0.55 s and 1.1 s
# (tests/browser/test_proof_of_work.py prints the worst cases). A mid-range phone, slower per core
# but with 4 workers, should take 2 to 4 times as long: NORMAL well under a second, HARD a few
# seconds at most. A script pays 0.3 million PBKDF2 iterations per request on average, 3 million
# when HARD.
NORMAL = Difficulty(cost=2_000, max_counter=300)
HARD = Difficulty(cost=2_000, max_counter=3_000)

# A challenge is fetched when the widget starts, usually as the page loads, and must still be
# valid when the person presses Send, which can be many minutes later. The widget fetches and
# solves a fresh challenge when one runs out, so the lifetime only bounds how long a payload can
# be stockpiled; a payload is accepted only once anyway.
CHALLENGE_LIFETIME_SECONDS = 30 * 60

# A real payload is under 1 kB; anything much larger is refused before it is decoded.
MAX_PAYLOAD_LENGTH = 4_000

# Clocks of web machines differ a little: remember used challenges a bit past their expiry.
_REPLAY_GUARD_MARGIN_SECONDS = 120


def _secret() -> bytes:
    """The key that signs challenges: our own, derived from SECRET_KEY, so no setting to manage."""
    return salted_hmac("admissions.proof_of_work", "challenge", algorithm="sha256").digest()


def difficulty_is_hard() -> bool:
    """Hard while the flood guard is engaged: then a script pays more for every request."""
    from admissions import flood
    from core.db.outage import DATABASE_UNREACHABLE

    try:
        return flood.engaged()
    except DATABASE_UNREACHABLE:
        return False


def new_challenge(*, hard: bool = False) -> dict:
    """A signed challenge for the widget, as the JSON-serialisable dict it expects."""
    difficulty = HARD if hard else NORMAL
    challenge = altcha.create_challenge(
        ALGORITHM,
        difficulty.cost,
        counter=_counter_to_find(difficulty),
        expires_at=int(time.time()) + CHALLENGE_LIFETIME_SECONDS,
        hmac_secret=_secret(),
    )
    return challenge.to_dict()


def _counter_to_find(difficulty: Difficulty) -> int:
    return secrets.randbelow(difficulty.max_counter)


def solution_is_valid(payload: str | None, *, used_by: str = "") -> bool:
    """Whether `payload` (the widget's base64 JSON) solves a challenge we issued, unexpired and
    never accepted before, except by the same `used_by` (the form showing it came with: a double
    click sends the same payload twice, and both copies must be judged alike). Never raises,
    whatever was posted."""
    if not payload or not isinstance(payload, str) or len(payload) > MAX_PAYLOAD_LENGTH:
        return False
    try:
        result = altcha.verify_solution(payload, _secret())
    except (ValueError, TypeError, KeyError, AttributeError, RecursionError, OverflowError):
        # The library answers "not verified" to malformed payloads; this is a safety net.
        return False
    if not result.verified:
        return False
    # Verified, so the payload is ours: its signature and expiry are well formed.
    decoded = json.loads(base64.b64decode(payload))
    return _first_use(
        decoded["challenge"]["signature"],
        decoded["challenge"]["parameters"]["expiresAt"],
        used_by,
    )


def _first_use(challenge_signature: str, expires_at: int, used_by: str) -> bool:
    """Mark a challenge as used; False if it already was (a replayed payload), unless by the
    same user of it."""
    remember_for = max(1, int(expires_at - time.time()) + _REPLAY_GUARD_MARGIN_SECONDS)
    key = f"proof-of-work:used:{challenge_signature}"
    try:
        if cache.add(key, used_by or True, remember_for):
            return True
        return bool(used_by) and cache.get(key) == used_by
    except Exception:  # each cache backend raises its own connection errors
        # Fail open: a person's request matters more than stopping a replay while Redis is down.
        logger.warning("Proof of work accepted without the replay check: the cache is unreachable")
        return True


@never_cache  # Cache-Control: no-store, among others
@require_GET
def challenge(request):
    """A fresh challenge, hard while the form is flooded. Never cached: each is for one use."""
    return JsonResponse(new_challenge(hard=difficulty_is_hard()))
