"""The lead page of the admissions desk: everything about one lead on one screen, and the buttons
staff press most (log a call, add a note, assign, schedule a call-back, move the status, close).

Every button posts to the lead's own admin URL with a `desk_action`; the triage services do the
work and record it; the page redirects back to itself (so a reload never repeats an action).
Views of the page are audited. Also here: the small JSON poll that tells an open list about new
leads.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Max, Q
from django.http import HttpResponseRedirect, JsonResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.timesince import timesince
from django.views.decorators.cache import never_cache

from admissions import audit, triage
from admissions.models import (
    PIPELINE_STATUSES,
    STAFF_CLOSE_OUTCOMES,
    ActivityKind,
    CallOutcome,
    CloseOutcome,
    Lead,
    Priority,
    Status,
    same_person,
)
from admissions.roles import STAFF_GROUP, SUPERVISORS_GROUP
from core.forms import MultilineCharField

NOTE_MAX_LENGTH = 2000
# datetime-local inputs send this; the center's time zone applies (the page says so).
LOCAL_DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


# --- How a lead is shown in the list and on its page --------------------------------------------


# Small line icons drawn inline (no icon font, no emoji font needed), always beside their words.
ICON_PATHS = {
    "alert": "M12 3 2 20h20L12 3zM12 9v5M12 17h.01",
    "clock": "M12 3a9 9 0 1 0 0 18 9 9 0 0 0 0-18zM12 7v5l3 2",
    "pause": "M9 5v14M15 5v14",
    "ban": "M12 3a9 9 0 1 0 0 18 9 9 0 0 0 0-18zM5.6 5.6l12.8 12.8",
    "copy": "M8 8h12v12H8zM4 16V4h12",
    "bell": "M6 16v-5a6 6 0 0 1 12 0v5l2 2H4zM10 21h4",
    "phone": (
        "M5 3h4l2 5-2.5 1.5a11 11 0 0 0 6 6L16 13l5 2v4"
        "a2 2 0 0 1-2 2A17 17 0 0 1 3 5a2 2 0 0 1 2-2z"
    ),
}


def icon(name: str):
    return format_html(
        '<svg class="desk-icon" viewBox="0 0 24 24" width="16" height="16" aria-hidden="true" '
        'focusable="false" fill="none" stroke="currentColor" stroke-width="2" '
        'stroke-linecap="round" stroke-linejoin="round"><path d="{}"/></svg>',
        ICON_PATHS[name],
    )


def short_time(moment) -> str:
    """ "Nov 25, 3:12 AM", in the center's time zone: how the desk writes a time."""
    return f"{timezone.localtime(moment):%b %-d, %-I:%M %p}"


def attention_flags(lead: Lead):
    """What needs attention, as text with an icon (never colour alone)."""
    flags = []
    waiting = lead.contacted_at is None and not lead.is_closed
    if waiting and lead.is_urgent:
        flags.append(("urgent", icon("alert"), "Urgent"))
    elif lead.is_urgent:
        flags.append(("urgent-seen", icon("alert"), "Urgent"))
    if lead.is_overdue():
        flags.append(("overdue", icon("clock"), "Overdue"))
    if lead.held_reason and not lead.is_closed:
        flags.append(("held", icon("pause"), "Held for review"))
    if lead.close_outcome == CloseOutcome.SUSPECTED_SPAM:
        flags.append(("spam", icon("ban"), "Suspected spam"))
    if lead.duplicate_of_id:
        flags.append(("duplicate", icon("copy"), "Possible duplicate"))
    return format_html_join(" ", '<span class="desk-flag desk-flag-{}">{} {}</span>', flags)


def status_label(lead: Lead) -> str:
    if lead.is_closed and lead.close_outcome:
        outcome = lead.get_close_outcome_display()
        if lead.referred_to:
            return f"Closed: {outcome.lower()} to {lead.referred_to}"
        return f"Closed: {outcome.lower()}"
    return lead.get_status_display()


# --- The forms behind the buttons ----------------------------------------------------------------


def _note_field(label="Note (optional)", required=False):
    return MultilineCharField(
        label=label,
        required=required,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class CallForm(forms.Form):
    outcome = forms.ChoiceField(choices=CallOutcome.choices)
    note = _note_field()


class MessageSentForm(forms.Form):
    kind = forms.ChoiceField(
        choices=[(ActivityKind.TEXT_SENT, "Text sent"), (ActivityKind.EMAIL_SENT, "E-mail sent")]
    )


class NoteForm(forms.Form):
    note = _note_field("Note", required=True)


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        return user.get_full_name() or user.get_username()


class AssignForm(forms.Form):
    assignee = StaffChoiceField(
        label="Assign to", queryset=get_user_model().objects.none(), empty_label="Choose…"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = assignable_staff()


class CallBackForm(forms.Form):
    due_at = forms.DateTimeField(
        label="Call back at",
        input_formats=[LOCAL_DATETIME_FORMAT],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL_DATETIME_FORMAT),
        help_text="Center time (Eastern).",
    )
    note = _note_field()


class StatusForm(forms.Form):
    status = forms.ChoiceField(
        label="Move to", choices=[(status.value, status.label) for status in PIPELINE_STATUSES]
    )


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Outcome",
        choices=[("", "Choose…"), *[(o.value, o.label) for o in STAFF_CLOSE_OUTCOMES]],
    )
    referred_to = forms.CharField(
        label="Referred to",
        required=False,
        max_length=200,
        help_text="Needed when referred out: where, so a colleague can follow up.",
    )
    note = _note_field()

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("outcome") == CloseOutcome.REFERRED_OUT
            and not cleaned.get("referred_to", "").strip()
        ):
            self.add_error("referred_to", "Say where they were referred.")
        return cleaned


def assignable_staff():
    return (
        get_user_model()
        .objects.filter(is_active=True, is_staff=True)
        .filter(Q(groups__name__in=[STAFF_GROUP, SUPERVISORS_GROUP]) | Q(is_superuser=True))
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


FORMS = {
    "call": CallForm,
    "message": MessageSentForm,
    "note": NoteForm,
    "assign": AssignForm,
    "call_back": CallBackForm,
    "status": StatusForm,
    "close": CloseForm,
}


# --- The page ------------------------------------------------------------------------------------


@never_cache
def lead_page(request, lead: Lead, *, model_admin):
    bound = {}
    refused = False
    if request.method == "POST":
        if not model_admin.has_change_permission(request, lead):
            raise PermissionDenied
        action = request.POST.get("desk_action", "")
        try:
            done = _act(request, lead, action, bound)
        except (triage.TriageError, PermissionDenied) as error:
            if isinstance(error, PermissionDenied) and action != "assign_to_me":
                raise
            messages.error(request, str(error))
            done, refused = None, True
        if done:
            messages.success(request, done)
            return HttpResponseRedirect(request.path)
    else:
        audit.record_view(request, lead)
    lead = (
        Lead.objects.select_related("program", "assigned_to", "closed_by", "contacted_by")
        .select_related("duplicate_of")
        .get(pk=lead.pk)
    )
    can_change = model_admin.has_change_permission(request, lead)
    forms_ = {name: bound.get(name) or form(prefix=name) for name, form in FORMS.items()}
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "title": f"Lead {lead.reference or lead.pk}",
        "subtitle": None,
        "lead": lead,
        "flags": attention_flags(lead),
        "phone_icon": icon("phone"),
        "status_label": status_label(lead),
        "age": timesince(lead.created_at, timezone.now(), depth=2),
        "time_to_first_contact": timesince(lead.created_at, lead.contacted_at, depth=2)
        if lead.contacted_at
        else None,
        "pending_call_back": lead.call_backs.pending().select_related("assignee").first(),
        "timeline": lead.activities.select_related("author", "assigned_to")[:200],
        "possible_duplicates": possible_duplicates(lead),
        "notifications": lead.notifications.select_related("dispatch")[:50],
        "can_change": can_change and not lead.is_anonymised,
        "can_reassign": request.user.has_perm("admissions.reassign_lead"),
        "can_see_history": request.user.has_perm("admissions.view_historicallead"),
        "forms": forms_,
        "call_outcomes": CallOutcome.choices,
        "is_closed": lead.is_closed,
        "is_spam": lead.close_outcome == CloseOutcome.SUSPECTED_SPAM,
        "is_held": bool(lead.held_reason) and not lead.is_closed,
    }
    return TemplateResponse(
        request,
        "admin/admissions/lead/desk.html",
        context,
        status=400 if bound or refused else 200,
    )


def _act(request, lead: Lead, action: str, bound: dict) -> str | None:
    """Do what the button asked; return the message to show, or None (errors in `bound`)."""
    user = request.user
    if action == "assign_to_me":
        triage.assign_lead(lead, to=user, by=user)
        return "The lead is yours."
    if action == "release":
        triage.release_held_lead(lead, by=user)
        return "Released: the team is being told now."
    if action == "restore":
        triage.restore_lead(lead, by=user)
        return "Reopened: the team is being told now."
    if action not in FORMS:
        raise triage.TriageError("That button does nothing here; reload the page.")
    form = FORMS[action](request.POST, prefix=action)
    if not form.is_valid():
        bound[action] = form
        messages.error(request, "Please correct the form below.")
        return None
    data = form.cleaned_data
    if action == "call":
        triage.log_call(lead, by=user, outcome=data["outcome"], note=data["note"])
        return f"Call logged: {CallOutcome(data['outcome']).label.lower()}."
    if action == "message":
        triage.log_message_sent(lead, by=user, kind=data["kind"])
        return f"{ActivityKind(data['kind']).label} logged."
    if action == "note":
        triage.add_note(lead, by=user, note=data["note"])
        return "Note added."
    if action == "assign":
        triage.assign_lead(lead, to=data["assignee"], by=user)
        return f"Assigned to {data['assignee'].get_full_name() or data['assignee']}."
    if action == "call_back":
        triage.schedule_call_back(lead, by=user, due_at=data["due_at"], note=data["note"])
        return f"Call-back scheduled for {short_time(data['due_at'])}."
    if action == "status":
        moved = triage.change_status(lead, by=user, to=data["status"])
        return f"Moved to {Status(data['status']).label.lower()}." if moved else "No change."
    # close
    closed = triage.close_lead(
        lead,
        by=user,
        outcome=data["outcome"],
        referred_to=data["referred_to"],
        note=data["note"],
    )
    return "Lead closed." if closed else "The lead was closed already."


def possible_duplicates(lead: Lead):
    return (
        Lead.objects.filter(same_person(lead.phone, lead.email))
        .exclude(pk=lead.pk)
        .exclude(anonymised_at__isnull=False)
        .only("pk", "reference", "created_at", "status", "close_outcome", "referred_to")
        .order_by("-created_at")[:10]
    )


# --- The list's poll ----------------------------------------------------------------------------


@never_cache
def poll_view(request, *, model_admin):
    """How many leads arrived after the one the list last saw (no personal data): the list's
    script refreshes itself when there are any. Sent with X-Desk-Poll, it does not count as
    activity for the idle timeout."""
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    try:
        after = max(int(request.GET.get("after", "0")), 0)
    except ValueError:
        after = 0
    newer = (
        Lead.objects.filter(pk__gt=after)
        .exclude(status=Status.CLOSED)
        .aggregate(
            latest=Max("pk"),
            new=Count("pk"),
            urgent=Count("pk", filter=Q(priority=Priority.URGENT)),
        )
    )
    return JsonResponse(
        {"latest": newer["latest"] or after, "new": newer["new"], "urgent": newer["urgent"]}
    )
