import logging

from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_safe

from admissions.attribution import attribution_from_session
from admissions.bot_traps import HONEYPOT_FIELD, TokenCheck, check_form_token, new_form_token
from admissions.forms import ConsultationRequestForm
from admissions.services import receive_consultation_request
from core import ratelimit
from core.http import client_ip
from programs.models import Program

logger = logging.getLogger(__name__)

RATE_LIMIT = {"limit": 5, "window_seconds": 10 * 60}
THANKS_SESSION_KEY = "consultation_request"


# Error reports never carry what the person typed; the page (with its one-time form token) is
# never cached.
@sensitive_post_parameters()
@never_cache
@require_http_methods(["GET", "POST"])
def get_help(request):
    if request.method == "POST":
        return _receive(request)
    program = Program.objects.published().filter(slug=request.GET.get("program", "")).first()
    form = ConsultationRequestForm(initial={"program": program, "form_token": new_form_token()})
    return _form_page(request, form)


def _receive(request):
    if request.POST.get(HONEYPOT_FIELD):
        logger.info("Consultation form: honeypot filled; nothing stored")
        return redirect("admissions:thanks")

    form = ConsultationRequestForm(request.POST)
    if not form.is_valid():
        return _form_page(request, form)

    token_check, nonce = check_form_token(form.cleaned_data["form_token"])
    if token_check is not TokenCheck.OK:
        # Too fast for a person, expired, or forged: store nothing, and show the form again as
        # if to be checked, so a person can simply send it again and a script learns nothing.
        logger.info("Consultation form: token %s; nothing stored", token_check.value)
        data = request.POST.copy()
        data["form_token"] = new_form_token()
        return _form_page(request, ConsultationRequestForm(data), please_resend=True)

    visitor = client_ip(request)
    if visitor is None:
        # Everyone would share the proxy's address and its limit: better no limit than that.
        logger.warning("No X-Forwarded-For from the proxy: check TRUSTED_PROXY_COUNT")
    elif not ratelimit.allow("consultation", visitor, **RATE_LIMIT):
        logger.warning("Consultation form: rate limit reached; nothing stored")
        return render(request, "admissions/rate_limited.html", status=429)

    lead = receive_consultation_request(
        form.consultation_request(),
        attribution=attribution_from_session(request.session),
        submission_token=nonce,
    )
    request.session[THANKS_SESSION_KEY] = {"urgent": lead.is_urgent}
    return redirect("admissions:thanks")


def _form_page(request, form, *, please_resend=False):
    return render(
        request, "admissions/get_help.html", {"form": form, "please_resend": please_resend}
    )


@never_cache
@require_safe
def thanks(request):
    submitted = request.session.get(THANKS_SESSION_KEY) or {}
    return render(request, "admissions/thanks.html", {"urgent": submitted.get("urgent", False)})
