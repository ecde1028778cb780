import logging
from functools import partial
from itertools import groupby

from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_safe

from admissions import flood, screening, spool
from admissions import views as admissions_views
from admissions.attribution import attribution_from_request
from admissions.bot_traps import TokenCheck, check_form_token, new_form_token
from admissions.models import new_reference
from admissions.services import FormTokenUsedUpError, intake_id_for
from admissions.views import (
    CSRF_TOKEN_PLACEHOLDER,
    FORM_TOKEN_PLACEHOLDER,
    fill_in_visitor_tokens,
)
from core.db.outage import DATABASE_UNREACHABLE
from core.http import forget_note, read_note, redirect_with_note
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
# What the thank-you page says besides registered and waitlisted: taken, without saying whether
# a place was (an address already registered, a request that looked automated); held for the
# desk's review, admissions will be in touch.
RECEIVED = "received"
PENDING = "pending"


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
        try:
            session = InfoSession.objects.for_lists().filter(pk=pk, published=True).first()
        except DATABASE_UNREACHABLE:
            return _keep_for_admissions(request, pk)
        if session is None:
            raise Http404
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
            rendered_at=blank.rendered_at,
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
    context = {
        "session": session,
        "form": form,
        "problem": problem,
        **admissions_views.proof_of_work_context(request),
    }
    return render(request, "infosessions/session_detail.html", context, status=status)


def _closed(request, session):
    """Registration closed between showing the form and sending it: the session was called off
    or has started. Said plainly, with the other dates; no form, and nothing the person typed is
    kept or shown again."""
    # As it is now (called off or started by another request since it was read).
    session.refresh_from_db(fields=["cancelled_at", "starts_at", "published"])
    context = {
        "session": session,
        "form": None,
        "problem": "closed",
        "closed": True,
        "called_off": session.cancelled_at is not None,
        "started": session.starts_at <= timezone.now(),
    }
    return render(request, "infosessions/session_detail.html", context, status=409)


def _register(request, session):
    if not session.is_open:
        return _closed(request, session)
    form = RegistrationForm(request.POST, **_labels(session))
    if not form.is_valid():
        return _page(request, session, form)
    token_check, nonce = check_form_token(form.cleaned_data["form_token"])
    if token_check is not TokenCheck.OK:
        # Too fast for a person, expired or forged: nothing stored; a person sends it again.
        logger.info("Registration form: token %s; nothing stored", token_check.value)
        return _page(request, session, _with_new_token(request, session), problem="resend")
    details = form.registration_details()
    try:
        # A double click or a page sent again: answered as the first was, and, asked before the
        # screening, not counted again against the visitor's limit.
        if earlier := services.registration_sent_before(session.pk, details, form_nonce=nonce):
            return _registered(session.pk, earlier.status, earlier)
        how = screening.screen(request, flood_engaged=flood.engaged(), form_nonce=nonce)
        registration = services.register(
            session.pk,
            details,
            attribution=attribution_from_request(request),
            form_nonce=nonce,
            screening=how,
        )
    except services.AlreadyRegisteredError:
        # Answered as a registration is, so that nobody learns who else registered (their first
        # message may have gone to that address again: the page says nothing of it either).
        return _registered(session.pk, RECEIVED)
    except services.TooManyRegistrationsError:
        return _page(request, session, form, problem="too_many")
    except services.RegistrationClosedError:
        return _closed(request, session)
    except FormTokenUsedUpError:
        return _page(request, session, _with_new_token(request, session), problem="resend")
    except services.NotRegisteredError as not_registered:
        # Kept as a lead for the desk. Held for review: admissions will be in touch. Looked
        # automated: answered as a registration is, so a script learns nothing.
        return _registered(session.pk, PENDING if not_registered.held else RECEIVED)
    except Exception as error:
        # The database is unreachable (a failover) or refused this one statement: the seats
        # cannot be counted, but the person is not lost (see _keep_for_admissions).
        if not isinstance(error, DATABASE_UNREACHABLE):
            logger.exception("Could not take a registration; keeping it for admissions")
        return _keep_for_admissions(request, session.pk, form=form)
    return _registered(session.pk, registration.status, registration)


def _keep_for_admissions(request, session_id: int, *, form=None):
    """Without the database no seat can be counted: the request goes to admissions as a lead,
    kept in the intake's spool until it can be stored (as a consultation request would be), and
    the person is told their place is not confirmed yet, and that someone will be in touch."""
    form = form or RegistrationForm(request.POST)
    if not form.is_valid():
        return _unconfirmed(request, kept=False)
    token_check, nonce = check_form_token(form.cleaned_data["form_token"])
    if token_check is not TokenCheck.OK:
        return _unconfirmed(request, kept=False)
    consultation = services.intake_request(
        form.registration_details(),
        message=f"Asked for a place at information session #{session_id} while the database "
        "was unreachable: no place was taken. Give them one with “Give a place” on the "
        "session's page.",
    )
    kept = spool.keep(
        consultation,
        attribution=attribution_from_request(request),
        form_nonce=nonce,
        intake_id=intake_id_for(consultation, nonce),
        received_at=timezone.now(),
        screening=screening.screen(request, flood_engaged=False, form_nonce=nonce),
        reference=new_reference(),
    )
    return _unconfirmed(request, kept=kept)


def _unconfirmed(request, *, kept: bool):
    response = render(request, "infosessions/unconfirmed.html", {"kept": kept}, status=503)
    response["Retry-After"] = "30"
    return response


def _with_new_token(request, session) -> RegistrationForm:
    data = request.POST.copy()
    data["form_token"] = new_form_token()
    return RegistrationForm(data, **_labels(session))


def _registered(session_id: int, status: str, registration=None):
    note = {"session": session_id, "status": status}
    if status == Status.REGISTERED and registration is not None:
        # The reminders this seat will get: the page promises those alone.
        note["reminders"] = services.reminders_to_come(registration)
    return redirect_with_note(
        "infosessions:thanks",
        REGISTERED_COOKIE,
        note,
        salt=_REGISTERED_SALT,
        max_age=REGISTERED_MAX_AGE,
    )


# What the thank-you page can say; anything else (the page reloaded once the note was read, or
# opened directly) is answered without saying what happened.
KNOWN_OUTCOMES = {Status.REGISTERED, Status.WAITLISTED, RECEIVED, PENDING}


@never_cache
@require_safe
def thanks(request):
    registered = read_note(
        request, REGISTERED_COOKIE, salt=_REGISTERED_SALT, max_age=REGISTERED_MAX_AGE
    )
    status = registered.get("status")
    if status not in KNOWN_OUTCOMES:
        context = {"unknown": True}
        return forget_note(render(request, "infosessions/thanks.html", context), REGISTERED_COOKIE)
    session = (
        InfoSession.objects.select_related("place").filter(pk=registered.get("session")).first()
    )
    reminders = registered.get("reminders") or []
    context = {
        "session": session,
        "waitlisted": status == Status.WAITLISTED,
        "received": status == RECEIVED,
        "pending": status == PENDING,
        "remind_day_before": services.DAY_BEFORE in reminders,
        "remind_hour_before": services.HOUR_BEFORE in reminders,
    }
    return forget_note(render(request, "infosessions/thanks.html", context), REGISTERED_COOKIE)


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
    called_off = session.cancelled_at is not None
    if (
        request.method == "POST"
        and not started
        and not called_off
        and registration.status != Status.CANCELLED
    ):
        freed_a_seat = registration.status == Status.REGISTERED
        services.cancel_registration(registration.pk)
        context = {"session": session, "cancelled_now": True, "freed_a_seat": freed_a_seat}
        return render(request, "infosessions/cancel.html", context)
    context = {
        "session": session,
        "registration": registration,
        "started": started,
        "already_cancelled": registration.status == Status.CANCELLED or called_off,
    }
    return render(request, "infosessions/cancel.html", context)
