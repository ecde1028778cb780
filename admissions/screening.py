"""What the consultation form's front door notices about a request before it is stored.

Nothing here refuses a request: a bot signal closes it as suspected spam, and a request that
should have come with a proof of work and did not is held for review. Either way it is stored, so
the desk can find a real person among them.
"""

from admissions import proof_of_work
from admissions.bot_traps import HONEYPOT_FIELD
from admissions.models import BotSignal, HoldReason
from admissions.services import Screening
from core.http import client_ip, rate_limit_key
from core.ratelimit import SlidingWindowLimit

# More requests than this from one address (an IPv6 /64) in ten minutes, and the form asks that
# address for a proof of work; without one, its requests are held for review.
ADDRESS_LIMIT = SlidingWindowLimit("consultation", limit=5, window_seconds=10 * 60)


def visitor(request) -> str:
    return rate_limit_key(client_ip(request))


def proof_of_work_required(request, *, flood_engaged: bool) -> bool:
    """Whether the form shown to this visitor should ask for a proof of work."""
    return flood_engaged or ADDRESS_LIMIT.exceeded(visitor(request))


def address_over_limit_lately(request) -> bool:
    """Whether this visitor's address is over its limit, as every web process knew it a second
    or so ago: for showing the form, without a cache read per view."""
    return ADDRESS_LIMIT.exceeded_lately(lambda: visitor(request))


def screen(request, *, flood_engaged: bool, form_nonce: str = "") -> Screening:
    """Count this request against its address's limit, and say how it should be stored."""
    over_address_limit = not ADDRESS_LIMIT.hit(visitor(request))
    held_reason = ""
    if (flood_engaged or over_address_limit) and not proof_of_work.solution_is_valid(
        request.POST.get(proof_of_work.FIELD_NAME), used_by=form_nonce
    ):
        held_reason = HoldReason.FLOOD if flood_engaged else HoldReason.ADDRESS_LIMIT
    # Browsers' autofill and password managers do fill hidden fields now and then: a filled
    # honeypot is a strong sign of a script, not proof, so the request is kept for the desk.
    signals = (BotSignal.HONEYPOT,) if request.POST.get(HONEYPOT_FIELD) else ()
    return Screening(held_reason=held_reason, bot_signals=signals)
