import logging
from functools import partial

from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_safe

from admissions import flood, screening, services, spool
from admissions.attribution import attribution_from_request
from admissions.bot_traps import TokenCheck, check_form_token, new_form_token
from admissions.forms import ConsultationRequestForm, form_choices, form_choices_kept
from admissions.models import new_reference, normalise_reference
from admissions.priority import urgent_terms
from core.csrf import get_token
from core.db.outage import DATABASE_UNREACHABLE
from core.http import forget_note, read_note, redirect_with_note
from core.pagecache import Rendered, cached_html, keep_for_everyone

logger = logging.getLogger(__name__)

# Set when a request has been taken, read (and removed) by the thank-you page. A signed cookie,
# not the session, so that taking a request needs no database at all.
RECEIVED_COOKIE = "request_received"
_RECEIVED_SALT = "admissions.request-received"
RECEIVED_MAX_AGE = 60 * 60
# Sent with the 503 form page: the database is usually back within a minute.
RETRY_AFTER_SECONDS = 30


# Error reports never carry what the person typed; the page (with its one-time form token) is
# never cached.
@sensitive_post_parameters()
@never_cache
@require_http_methods(["GET", "POST"])
def get_help(request):
    if request.method == "POST":
        return _receive(request)
    # The same blank form for everyone who asks for the same program and proof of work; only
    # the CSRF and form tokens are theirs, put in after (rendering the form is most of the cost).
    # A program the form offers, or none: `?program=` + junk is the page without one, not a
    # page of its own to keep.
    choices = form_choices()
    program = request.GET.get("program", "")
    program = program if program in dict(choices.programs) else ""
    proof_of_work_required = proof_of_work_required_lately(request)
    blank_form = cached_html(
        f"get-help:{program}:{int(proof_of_work_required)}",
        partial(_blank_form_page, request, choices, program, proof_of_work_required),
    )
    if blank_form is None:
        # Neither the database nor the spool can take a request: say so, with the phone.
        form = ConsultationRequestForm(initial={"form_token": new_form_token()})
        return _form_page(request, form, unavailable=True)
    html = blank_form.html
    for stand_in, token in visitor_tokens(request).items():
        html = html.replace(stand_in, token)
    response = HttpResponse(html)
    if blank_form.keep and not proof_of_work_required:
        # The next anonymous visitors get it from the page cache, before the rest of Django.
        keep_for_everyone(
            response,
            blank_form.html,
            stand_ins=(CSRF_TOKEN_PLACEHOLDER, FORM_TOKEN_PLACEHOLDER),
            fill=fill_in_visitor_tokens,
            rendered_at=blank_form.rendered_at,
            parameters={"program": program},
        )
    return response


# Stand-ins for the per-visitor tokens in the blank form as it is kept for everyone.
CSRF_TOKEN_PLACEHOLDER = "csrftokenforthisvisitor"  # noqa: S105 (not a secret)
FORM_TOKEN_PLACEHOLDER = "formtokenforthisvisitor"  # noqa: S105 (not a secret)


def fill_in_visitor_tokens(request) -> dict[str, str] | None:
    """This visitor's tokens for the blank form kept by the page cache; None when they must be
    asked for a proof of work (another form, rendered by the view)."""
    if proof_of_work_required_lately(request):
        return None
    return visitor_tokens(request)


def proof_of_work_required_lately(request) -> bool:
    """For showing the form: whether a flood is on, or this visitor's address is over its
    limit, as every web process knew it a second or so ago (no database or cache read on most
    views). Storing a request asks the database and the cache themselves."""
    try:
        flood_engaged = flood.engaged_lately()
    except DATABASE_UNREACHABLE:
        flood_engaged = False
    return flood_engaged or screening.address_over_limit_lately(request)


def visitor_tokens(request) -> dict[str, str]:
    # core.csrf's token is Django's, drawn faster: this runs for every view of the form.
    return {CSRF_TOKEN_PLACEHOLDER: get_token(request), FORM_TOKEN_PLACEHOLDER: new_form_token()}


def _blank_form_page(
    request, choices, program: str, proof_of_work_required: bool
) -> Rendered | None:
    if not choices.from_database and not spool.can_keep_requests():
        return None
    initial = {"program": program, "form_token": FORM_TOKEN_PLACEHOLDER}
    context = {
        "form": ConsultationRequestForm(initial=initial, choices=choices),
        "csrf_token": CSRF_TOKEN_PLACEHOLDER,
        "proof_of_work_required": proof_of_work_required,
        "proof_of_work_challenge_url": reverse("admissions:proof_of_work_challenge"),
    }
    html = render_to_string("admissions/get_help.html", context, request)
    # Kept only when made from the database's own lists, not from an outage's stand-ins.
    return Rendered(html, keep=choices.from_database)


def _receive(request):
    form = ConsultationRequestForm(request.POST, choices=form_choices_kept())
    if not form.is_valid():
        return _form_page(request, form)

    token_check, nonce = check_form_token(form.cleaned_data["form_token"])
    if token_check is not TokenCheck.OK:
        # Too fast for a person, expired, or forged: store nothing, and show the form again as
        # if to be checked, so a person can simply send it again and a script learns nothing.
        logger.info("Consultation form: token %s; nothing stored", token_check.value)
        return _form_page(request, _with_new_token(request, form), please_resend=True)

    consultation = form.consultation_request()
    # What the request is stored with, whether now or from the spool later.
    intake = {
        "attribution": attribution_from_request(request),
        "form_nonce": nonce,
        "intake_id": services.intake_id_for(consultation, nonce),
        "received_at": timezone.now(),
        # Chosen now, so the person is shown it even if the request has to wait in the spool.
        "reference": new_reference(),
    }
    how = None
    try:
        # A double click or a resent page: the lead exists, and it is not counted again.
        if lead := services.lead_already_received(intake["intake_id"]):
            return _received(lead.is_urgent, lead.reference)
        how = screening.screen(request, flood_engaged=flood.engaged(), form_nonce=nonce)
        lead = services.receive_consultation_request(consultation, screening=how, **intake)
    except services.FormTokenUsedUpError:
        logger.warning("Consultation form: token used up; nothing stored")
        return _form_page(request, _with_new_token(request, form), please_resend=True)
    except Exception as error:
        # The database is unreachable (a failover), or refused this one statement (a read-only
        # replica, a bug): either way the request is kept, and stored once it can be.
        if not isinstance(error, DATABASE_UNREACHABLE):
            logger.exception("Could not store a consultation request; spooling it")
        how = how or screening.screen(request, flood_engaged=False, form_nonce=nonce)
        kept = spool.keep(consultation, screening=how, **intake)
        if not kept:
            # Nothing could keep it: say so plainly, with the phone, and keep what they typed.
            return _form_page(request, form, unavailable=True)
        return _received(bool(urgent_terms(consultation.message)), intake["reference"])
    return _received(lead.is_urgent, lead.reference)


def _with_new_token(request, form) -> ConsultationRequestForm:
    data = request.POST.copy()
    data["form_token"] = new_form_token()
    return ConsultationRequestForm(data, choices=form.choices)


def proof_of_work_context(request) -> dict:
    """For a form shown again (with errors, say): whether it asks this visitor for a proof of
    work, from the database and cache themselves (a flood without the database: no)."""
    try:
        flood_engaged = flood.engaged()
    except DATABASE_UNREACHABLE:
        flood_engaged = False
    return {
        "proof_of_work_required": screening.proof_of_work_required(
            request, flood_engaged=flood_engaged
        ),
        "proof_of_work_challenge_url": reverse("admissions:proof_of_work_challenge"),
    }


def _form_page(request, form, *, please_resend=False, unavailable=False):
    context = {
        "form": form,
        "please_resend": please_resend,
        "unavailable": unavailable,
        **proof_of_work_context(request),
    }
    response = render(
        request, "admissions/get_help.html", context, status=503 if unavailable else 200
    )
    if unavailable:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def _received(urgent: bool, reference: str | None):
    return redirect_with_note(
        "admissions:thanks",
        RECEIVED_COOKIE,
        {"urgent": urgent, "reference": reference},
        salt=_RECEIVED_SALT,
        max_age=RECEIVED_MAX_AGE,
    )


@never_cache
@require_safe
def thanks(request):
    received = read_note(request, RECEIVED_COOKIE, salt=_RECEIVED_SALT, max_age=RECEIVED_MAX_AGE)
    context = {
        "urgent": received.get("urgent") is True,
        "reference": normalise_reference(str(received.get("reference") or "")),
    }
    response = render(request, "admissions/thanks.html", context)
    # Shown once: on a shared phone the next person must not meet someone else's crisis box.
    return forget_note(response, RECEIVED_COOKIE)
