import logging
from functools import partial
from itertools import groupby

from django.conf import settings
from django.core import signing
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_safe

from admissions import flood, screening
from admissions import views as admissions_views
from admissions.attribution import attribution_from_request
from admissions.bot_traps import TokenCheck, check_form_token, new_form_token
from admissions.services import FormTokenUsedUpError
from admissions.views import (
    CSRF_TOKEN_PLACEHOLDER,
    FORM_TOKEN_PLACEHOLDER,
    fill_in_visitor_tokens,
)
from core.db.outage import DATABASE_UNREACHABLE
from core.pagecache import Rendered, cached_html, keep_for_everyone, public_page
from infosessions import services
from infosessions.forms import RegistrationForm
from infosessions.models import InfoSession, Status

logger = logging.getLogger(__name__)

# Read (and removed) by the thank-you page: what happened, and to which session. Signed, so
# nobody can make the page say they have a seat.
REGISTERED_COOKIE = "session_registration"
_REGISTERED_SALT = "infosessions.registered"
REGISTERED_MAX_AGE = 60 * 60


def upcoming_sessions():
    return InfoSession.objects.upcoming().for_lists()


@public_page
@require_safe
def session_list(request):
    sessions = list(upcoming_sessions())
    days = [
        (day, list(on_day))
        for day, on_day in groupby(sessions, key=lambda s: timezone.localdate(s.starts_at))
    ]
    return render(request, "infosessions/session_list.html", {"days": days})


# Error reports never carry what the person typed; the page (with its one-time form token) is
# never stored by a browser or proxy.
@sensitive_post_parameters()
@never_cache
@require_http_methods(["GET", "POST"])
def session_detail(request, pk):
    if request.method == "POST":
        # Any session that was ever public: one that started or closed while the person was
        # filling the form in is told so, not "not found".
        session = get_object_or_404(InfoSession.objects.for_lists(), pk=pk, published=True)
        return _register(request, session)
    return _blank_form_page(request, f"session:{pk}", lambda: upcoming_sessions().filter(pk=pk))


@never_cache
@require_safe
def next_session(request):
    """The soonest session's page, at an address that never changes: for a campaign's "join
    our next information session" link (and for the site's own checks)."""
    page = _blank_form_page(request, "next", upcoming_sessions)
    return page or redirect("infosessions:list")


def _blank_form_page(request, name: str, sessions) -> HttpResponse | None:
    """The session's page with a blank form: the same for everyone (kept by the page cache, as
    the consultation form is) but for the visitor's CSRF and form tokens, put in after."""
    proof_of_work_required = admissions_views.proof_of_work_required_lately(request)
    blank = cached_html(
        f"info-session:{name}:{int(proof_of_work_required)}",
        partial(_render_blank_form_page, request, sessions, proof_of_work_required),
    )
    if blank is None:
        if name == "next":
            return None
        raise Http404
    html = blank.html
    for stand_in, token in admissions_views.visitor_tokens(request).items():
        html = html.replace(stand_in, token)
    response = HttpResponse(html)
    if not proof_of_work_required:
        keep_for_everyone(
            response,
            blank.html,
            stand_ins=(CSRF_TOKEN_PLACEHOLDER, FORM_TOKEN_PLACEHOLDER),
            fill=fill_in_visitor_tokens,
        )
    return response


def _render_blank_form_page(request, sessions, proof_of_work_required: bool) -> Rendered | None:
    session = sessions().first()
    if session is None:
        return None
    form = RegistrationForm(initial={"form_token": FORM_TOKEN_PLACEHOLDER}, **_labels(session))
    context = {
        "session": session,
        "form": form,
        "csrf_token": CSRF_TOKEN_PLACEHOLDER,
        "proof_of_work_required": proof_of_work_required,
        "proof_of_work_challenge_url": reverse("admissions:proof_of_work_challenge"),
    }
    return Rendered(render_to_string("infosessions/session_detail.html", context, request))


def _labels(session) -> dict:
    full = session.seats_left() == 0
    return {
        "submit_label": _("Join the waiting list") if full else None,
        "action": session.get_absolute_url(),
    }


def _page(request, session, form, *, status=200, problem=""):
    try:
        flood_engaged = flood.engaged()
    except DATABASE_UNREACHABLE:
        flood_engaged = False
    context = {
        "session": session,
        "form": form,
        "problem": problem,
        "proof_of_work_required": screening.proof_of_work_required(
            request, flood_engaged=flood_engaged
        ),
        "proof_of_work_challenge_url": reverse("admissions:proof_of_work_challenge"),
    }
    return render(request, "infosessions/session_detail.html", context, status=status)


def _register(request, session):
    form = RegistrationForm(request.POST, **_labels(session))
    if not session.is_open:
        return _page(request, session, form, status=409, problem="closed")
    if not form.is_valid():
        return _page(request, session, form)
    token_check, nonce = check_form_token(form.cleaned_data["form_token"])
    if token_check is not TokenCheck.OK:
        # Too fast for a person, expired or forged: nothing stored; a person sends it again.
        logger.info("Registration form: token %s; nothing stored", token_check.value)
        return _page(request, session, _with_new_token(request, session), problem="resend")
    try:
        how = screening.screen(request, flood_engaged=flood.engaged(), form_nonce=nonce)
        registration = services.register(
            session.pk,
            form.registration_details(),
            attribution=attribution_from_request(request),
            form_nonce=nonce,
            screening=how,
        )
    except services.AlreadyRegisteredError:
        return _page(request, session, form, problem="already_registered")
    except services.RegistrationClosedError:
        return _page(request, session, form, status=409, problem="closed")
    except FormTokenUsedUpError:
        return _page(request, session, _with_new_token(request, session), problem="resend")
    except services.NotRegisteredError:
        # Looked automated: the lead is kept for the desk; the script learns nothing.
        return _registered(session.pk, Status.REGISTERED)
    except DATABASE_UNREACHABLE:
        # Seats cannot be counted without the database: say so, with the phone.
        logger.warning("Registration not taken: the database is unreachable")
        return _page(request, session, form, status=503, problem="unavailable")
    return _registered(session.pk, registration.status)


def _with_new_token(request, session) -> RegistrationForm:
    data = request.POST.copy()
    data["form_token"] = new_form_token()
    return RegistrationForm(data, **_labels(session))


def _registered(session_id: int, status: str):
    response = redirect("infosessions:thanks")
    response.set_cookie(
        REGISTERED_COOKIE,
        signing.dumps({"session": session_id, "status": status}, salt=_REGISTERED_SALT),
        max_age=REGISTERED_MAX_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    return response


@never_cache
@require_safe
def thanks(request):
    try:
        registered = signing.loads(
            request.COOKIES.get(REGISTERED_COOKIE, ""),
            salt=_REGISTERED_SALT,
            max_age=REGISTERED_MAX_AGE,
        )
    except signing.BadSignature:
        registered = {}
    if not isinstance(registered, dict):
        registered = {}
    session = (
        InfoSession.objects.select_related("place").filter(pk=registered.get("session")).first()
    )
    context = {"session": session, "waitlisted": registered.get("status") == Status.WAITLISTED}
    response = render(request, "infosessions/thanks.html", context)
    response.delete_cookie(REGISTERED_COOKIE, samesite="Lax")
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def cancel(request, token):
    """The registrant's own link: a page that asks, and a button that gives the place up (a
    link alone must not, as mail scanners open links)."""
    registration = services.registration_for_cancel_token(token)
    if registration is None:
        return render(request, "infosessions/cancel.html", {"invalid": True}, status=400)
    session = registration.session
    started = session.starts_at <= timezone.now()
    if request.method == "POST" and not started and registration.status != Status.CANCELLED:
        registration = services.cancel_registration(registration.pk)
        return render(
            request, "infosessions/cancel.html", {"session": session, "cancelled_now": True}
        )
    context = {
        "session": session,
        "registration": registration,
        "started": started,
        "already_cancelled": registration.status == Status.CANCELLED
        or session.cancelled_at is not None,
    }
    return render(request, "infosessions/cancel.html", context)
