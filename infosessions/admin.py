"""Information sessions in admin: Marketing and supervisors plan, change, repeat and cancel
sessions (registrants are told by infosessions.services); admissions staff see who registered
and mark who came; supervisors export the registrations, recorded in the audit log.

Registrations are people's details, like leads: they are shown only to those with
`infosessions.view_registration` (never Marketing), on the session's page and in their own list.
"""

from datetime import datetime

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import get_text_list
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from admissions import audit, exports
from admissions.models import AuditAction, Lead, normalise_reference
from core.changelists import FilterWithDefault, OnlyListFiltersChangeList
from core.forms import MultilineCharField
from infosessions import services
from infosessions.models import InfoSession, Registration, Status

VIEW_REGISTRATIONS = "infosessions.view_registration"
EXPORT_REGISTRATIONS = "infosessions.export_registration"
VIEW_LEADS = "admissions.view_lead"
CHANGE_REGISTRATIONS = "infosessions.change_registration"
MAX_WEEKLY_COPIES = 12
UNPUBLISH_REGISTERED = (
    "People are registered for this session: cancel it instead (they will be told), rather "
    "than taking it off the site."
)
START_IN_THE_PAST = "This start is in the past: choose a date and time to come."

REGISTRATION_COLUMNS = [
    ("Session", lambda registration: registration.session.title),
    ("Starts", lambda registration: exports.local_iso(registration.session.starts_at)),
    ("First name", lambda registration: registration.first_name),
    ("Last name", lambda registration: registration.last_name),
    ("E-mail", lambda registration: registration.email),
    ("Phone", lambda registration: registration.phone.as_e164 if registration.phone else ""),
    ("Status", lambda registration: registration.status_label),
    ("Attended", lambda registration: attended_label(registration.attended)),
]


def attended_label(attended: bool | None) -> str:
    return {True: "Yes", False: "No", None: "Not marked"}[attended]


def local_time(moment: datetime) -> str:
    """Tue Oct 27, 2026 6:00 PM, in the center's time zone."""
    local = timezone.localtime(moment)
    clock = f"{local:%I:%M %p}".lstrip("0")
    return f"{local:%a %b} {local.day}, {local:%Y} {clock}"


# --- Sessions --------------------------------------------------------------------------------


class InfoSessionForm(forms.ModelForm):
    meeting_url = forms.URLField(
        label="Meeting link",
        required=False,
        max_length=InfoSession._meta.get_field("meeting_url").max_length,
        assume_scheme="https",
        help_text=InfoSession._meta.get_field("meeting_url").help_text,
    )

    class Meta:
        model = InfoSession
        fields = "__all__"  # noqa: DJ007 (InfoSessionAdmin's fieldsets choose what is shown)
        # A line break counts as one character, as in the browser's count.
        field_classes = {"description": MultilineCharField}

    def clean(self):
        cleaned_data = super().clean()
        # A new session, or a new start, in the past: a typo (the year, am/pm), never a plan.
        starts_at = cleaned_data.get("starts_at")
        new_start = self.instance.pk is None or "starts_at" in self.changed_data
        if starts_at and new_start and starts_at <= timezone.now():
            self.add_error("starts_at", START_IN_THE_PAST)
        # Taking a session off the site would leave the people registered for it expecting it:
        # cancelling tells them. (The instance still holds what is stored: it is updated after
        # clean.) A session that has started is off the site anyway.
        session = self.instance
        if (
            session.pk is not None
            and session.published
            and "published" in cleaned_data
            and not cleaned_data["published"]
            and session.starts_at > timezone.now()
            and session.registrations.active().exists()
        ):
            self.add_error("published", UNPUBLISH_REGISTERED)
        return cleaned_data


class InfoSessionAddForm(InfoSessionForm):
    repeat_weeks = forms.IntegerField(
        label="Repeat weekly for … more weeks",
        min_value=0,
        max_value=MAX_WEEKLY_COPIES,
        initial=0,
        required=False,
        help_text="0 for this session alone. Each week's copy is a session of its own, on the "
        "same weekday at the same local time (6 pm stays 6 pm when the clocks change), edited "
        "or cancelled on its own.",
    )

    def clean_repeat_weeks(self):
        return self.cleaned_data.get("repeat_weeks") or 0


class WhenFilter(FilterWithDefault):
    """Sessions not yet over by default, the next first; the past ones on request."""

    title = "when"
    parameter_name = "when"
    default_label = "Upcoming (default)"

    def lookups(self, request, model_admin):
        return [("past", "Past"), ("all", "All")]

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "past":
            return queryset.filter(ends_at__lte=now)  # the latest first: get_ordering
        if self.value() == "all":
            return queryset
        return queryset.filter(ends_at__gt=now)


class RegistrationInline(admin.TabularInline):
    """Who registered, read-only: attendance is marked from the registrations list."""

    model = Registration
    fields = ["name", "email", "phone", "status_label", "created_at", "attended"]
    readonly_fields = fields
    extra = 0
    max_num = 0
    can_delete = False
    show_change_link = True
    verbose_name_plural = "registrations (attendance is marked in the list of registrations)"

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="Status")
    def status_label(self, registration):
        return registration.status_label


@admin.register(InfoSession)
class InfoSessionAdmin(SimpleHistoryAdmin):
    # Past versions are read in the list, never opened as a form (history_form_view).
    object_history_list_template = "admin/history_without_version_forms.html"
    form = InfoSessionForm
    list_display = [
        "title",
        "start",
        "format",
        "program",
        "host",
        "seats",
        "published",
        "is_cancelled",
    ]
    list_filter = [WhenFilter, "format", "program", "published"]
    list_select_related = ["program", "host"]
    search_fields = ["title"]
    readonly_fields = ["seats", "cancelled_at"]
    actions = ["cancel_sessions", "export_registrations"]
    history_list_display = ["starts_at", "published"]
    fieldsets = [
        (None, {"fields": ["title", "program", "description"]}),
        (
            "When",
            {
                "fields": ["starts_at", "ends_at"],
                "description": "In the center's time zone. People registered are told of a "
                "change of time, place or link by e-mail, with their calendar updated.",
            },
        ),
        ("Where", {"fields": ["format", "place", "meeting_url"]}),
        ("Host and seats", {"fields": ["host", "capacity"]}),
        ("Publishing", {"fields": ["published"]}),
    ]
    repeat_fieldset = ("Repeat", {"fields": ["repeat_weeks"]})

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [*self.fieldsets, self.repeat_fieldset]
        fieldsets = [(name, {**options}) for name, options in self.fieldsets]
        fieldsets[3][1]["fields"] = ["host", "capacity", "seats"]
        if obj.cancelled_at:
            fieldsets[4][1]["fields"] = ["published", "cancelled_at"]
        return fieldsets

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = InfoSessionForm if obj is not None else InfoSessionAddForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_inlines(self, request, obj):
        # Marketing edits sessions but never sees who registered.
        if obj is not None and request.user.has_perm(VIEW_REGISTRATIONS):
            return [RegistrationInline]
        return []

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        context = getattr(response, "context_data", None) or {}
        session = context.get("original")
        if request.method == "GET" and response.status_code == 200 and session is not None:
            for inline_admin_formset in context.get("inline_admin_formsets", []):
                if isinstance(inline_admin_formset.opts, RegistrationInline):
                    # The formset's queryset, evaluated once for this count and the page.
                    shown = inline_admin_formset.formset.initial_form_count()
                    audit.record(
                        request,
                        AuditAction.VIEW_REGISTRATIONS,
                        detail=f"session #{session.pk}: {session.title}",
                        result_count=shown,
                    )
        return response

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .with_seats_taken()
            .annotate(
                waiting=Count("registrations", filter=Q(registrations__status=Status.WAITLISTED))
            )
        )

    def get_ordering(self, request):
        if request.GET.get(WhenFilter.parameter_name) == "past":
            return ["-starts_at", "-pk"]
        return ["starts_at", "pk"]

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # simple_history's form of a past version saves whatever is sent to it, for anyone who
        # may read the history: an old version would move the session back without telling
        # anyone, lower its calendar SEQUENCE, or bring a cancelled session back. Changes go
        # through the session's own form, which tells its registrants; the history list shows
        # what changed.
        raise PermissionDenied

    def has_change_permission(self, request, obj=None):
        # A cancelled session is a record: nothing more to change, nobody more to tell.
        if obj is not None and obj.cancelled_at is not None:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        # Sessions are cancelled, not deleted (registrants are told, the record stays). A
        # superuser may delete one nobody registered for, made by mistake.
        if not request.user.is_superuser:
            return False
        return obj is None or not obj.registrations.exists()

    # --- The list --------------------------------------------------------------------------

    @admin.display(description="Starts", ordering="starts_at")
    def start(self, session):
        return local_time(session.starts_at)

    @admin.display(description="Seats taken")
    def seats(self, session):
        taken = getattr(session, "seats_taken", None)
        if taken is None:  # not from get_queryset
            taken = session.registrations.filter(status=Status.REGISTERED).count()
        waiting = getattr(session, "waiting", 0)
        shown = f"{taken} / {session.capacity}"
        return f"{shown}, {waiting} waiting" if waiting else shown

    @admin.display(description="Cancelled", boolean=True, ordering="cancelled_at")
    def is_cancelled(self, session):
        return session.cancelled_at is not None

    # --- Saving: repeats, and telling registrants of a change --------------------------------

    def save_model(self, request, obj, form, change):
        # In admin's transaction: the messages the services make go out once it commits.
        super().save_model(request, obj, form, change)
        if not change:
            if weeks := form.cleaned_data.get("repeat_weeks"):
                self._repeat(request, obj, weeks)
            return
        changed = set(form.changed_data)
        if not changed:
            return
        # As stored before this change (the form's initial data): the update says what it was.
        earlier = {name: form.initial.get(name) for name in changed}
        services.session_changed(obj, changed, earlier=earlier)
        if services.announced_changes(obj, changed):
            told = obj.registrations.active().count()
            if told:
                self.message_user(
                    request,
                    ngettext(
                        "%d person registered or waiting is told of the change by e-mail.",
                        "%d people registered or waiting are told of the change by e-mail.",
                        told,
                    )
                    % told,
                    messages.INFO,
                )
        seated = obj.registrations.filter(status=Status.REGISTERED).count()
        if "capacity" in changed and seated > obj.capacity:
            self.message_user(
                request,
                f"{seated} people already have a seat, more than the {obj.capacity} seats now: "
                "nobody was moved to the waiting list.",
                messages.WARNING,
            )

    def _repeat(self, request, session, weeks: int) -> None:
        copies = services.repeat_weekly(session, weeks)
        days = [local_time(copy.starts_at) for copy in copies]
        self.message_user(
            request,
            ngettext(
                "Made %(count)d copy, a week later: %(days)s. It is a session of its own, "
                "edited or cancelled on its own.",
                "Made %(count)d copies, one a week: %(days)s. Each is a session of its own, "
                "edited or cancelled on its own.",
                len(copies),
            )
            % {"count": len(copies), "days": get_text_list(days, "and")},
            messages.SUCCESS,
        )

    # --- Cancelling ------------------------------------------------------------------------

    def get_urls(self):
        cancel = self.admin_site.admin_view(self.cancel_view)
        give_a_place = self.admin_site.admin_view(self.give_a_place_view)
        return [
            path("<path:object_id>/cancel/", cancel, name="infosessions_infosession_cancel"),
            path(
                "<path:object_id>/give-a-place/",
                give_a_place,
                name="infosessions_infosession_give_a_place",
            ),
            *super().get_urls(),
        ]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["can_cancel_session"] = (
            obj is not None
            and self.has_change_permission(request, obj)
            and obj.starts_at > timezone.now()
        )
        context["can_give_a_place"] = (
            obj is not None and obj.is_open and _may_give_places(request.user)
        )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def give_a_place_view(self, request, object_id):
        """ "Give a place" on the session's page: for someone the desk spoke with, by their
        lead's reference (a request held for review, or taken while the database was down)."""
        session = self.get_object(request, unquote(object_id))
        if session is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not _may_give_places(request.user):
            raise PermissionDenied
        form = GiveAPlaceForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                registration = services.give_a_place(
                    session.pk, form.cleaned_data["lead"].pk, by=request.user
                )
            except services.RegistrationClosedError:
                form.add_error(None, "This session has started or been called off.")
            except services.NoEmailAddressError:
                form.add_error(
                    "reference",
                    "This lead has no e-mail address for the confirmation: add one on the "
                    "lead first, or tell them the details on the phone.",
                )
            except services.AlreadyRegisteredError:
                form.add_error("reference", "They already have a place (or wait) at it.")
            else:
                what = (
                    "has a place"
                    if registration.status == Status.REGISTERED
                    else "is on the waiting list (the session is full)"
                )
                self.message_user(
                    request,
                    f"{registration.lead.reference} {what}; the e-mail saying so is on its way.",
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(
                    reverse("admin:infosessions_infosession_change", args=[session.pk])
                )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Give a place",
            "session": session,
            "form": form,
        }
        return TemplateResponse(
            request, "admin/infosessions/infosession/give_a_place.html", context
        )

    def cancel_view(self, request, object_id):
        """The "Cancel session" button on the session's page: asks, then cancels."""
        session = self.get_object(request, unquote(object_id))
        if session is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_change_permission(request):
            raise PermissionDenied
        response = self._cancel_or_confirm(request, InfoSession.objects.filter(pk=session.pk))
        if response is not None:
            return response
        url = reverse("admin:infosessions_infosession_change", args=[session.pk])
        return HttpResponseRedirect(url)

    @admin.action(
        description="Cancel the selected sessions and tell everyone registered",
        permissions=["change"],
    )
    def cancel_sessions(self, request, queryset):
        return self._cancel_or_confirm(request, queryset, action="cancel_sessions")

    def _cancel_or_confirm(self, request, queryset, action: str = ""):
        """A page asking to confirm, saying how many will be told; once confirmed, cancels.
        Sessions already cancelled or started are left as they are."""
        now = timezone.now()
        # How many each session's cancellation tells, counted in the same query.
        active = Q(registrations__status__in=[Status.REGISTERED, Status.WAITLISTED])
        sessions = list(
            queryset.annotate(told=Count("registrations", filter=active)).order_by(
                "starts_at", "pk"
            )
        )
        to_cancel = [s for s in sessions if s.cancelled_at is None and s.starts_at > now]
        left = len(sessions) - len(to_cancel)
        confirmed = request.method == "POST" and request.POST.get("confirmed") == "yes"
        if to_cancel and not confirmed:
            context = {
                **self.admin_site.each_context(request),
                "title": "Cancel information sessions?",
                "opts": self.opts,
                "sessions": to_cancel,
                "left": left,
                "told": sum(session.told for session in to_cancel),
                "action": action,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
                "media": self.media,
            }
            return TemplateResponse(
                request, "admin/infosessions/infosession/cancel_confirmation.html", context
            )
        if left:
            self.message_user(
                request,
                ngettext(
                    "%d session was already cancelled or has started: left as it was.",
                    "%d sessions were already cancelled or have started: left as they were.",
                    left,
                )
                % left,
                messages.WARNING,
            )
        if to_cancel:
            told = sum(services.cancel_session(session.pk) for session in to_cancel)
            cancelled = ngettext(
                "Cancelled %d session", "Cancelled %d sessions", len(to_cancel)
            ) % len(to_cancel)
            who = (
                ngettext(
                    "%d person registered or waiting is told by e-mail.",
                    "%d people registered or waiting are told by e-mail.",
                    told,
                )
                % told
            )
            self.message_user(request, f"{cancelled}; {who}", messages.SUCCESS)
        return None

    # --- Export ----------------------------------------------------------------------------

    def has_export_registrations_permission(self, request):
        return request.user.has_perm(EXPORT_REGISTRATIONS) and request.user.has_perm(
            VIEW_REGISTRATIONS
        )

    @admin.action(
        description="Export the selected sessions' registrations as CSV",
        permissions=["export_registrations"],
    )
    def export_registrations(self, request, queryset):
        sessions = list(queryset.order_by("starts_at", "pk"))
        registrations = Registration.objects.filter(session__in=[s.pk for s in sessions])
        return registrations_csv(request, registrations, sessions)


def _may_give_places(user) -> bool:
    """Admissions staff: they manage registrations and see leads (marketing does neither)."""
    return user.has_perm(CHANGE_REGISTRATIONS) and user.has_perm(VIEW_LEADS)


class GiveAPlaceForm(forms.Form):
    reference = forms.CharField(
        label="Lead reference",
        max_length=20,
        help_text="As on the desk and in the staff message, e.g. K7MQ-4XPA.",
    )

    def clean_reference(self):
        reference = normalise_reference(self.cleaned_data["reference"])
        lead = Lead.objects.filter(reference=reference).first() if reference else None
        if lead is None:
            raise forms.ValidationError("No lead has this reference: check it on the desk.")
        self.cleaned_data["lead"] = lead
        return reference


# --- Registrations ---------------------------------------------------------------------------


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    """Read-only but for attendance, marked with the list's actions (and logged on the lead).
    Registrations arrive from the site; a place is given up by its registrant's link."""

    list_display = ["name", "session", "status_label", "attended", "created_at"]
    list_filter = ["session", "status", "cancelled_because", "attended"]
    list_select_related = ["session"]
    list_per_page = 100
    actions = ["mark_attended", "mark_did_not_attend", "export_csv"]
    readonly_fields = [
        "session",
        "name",
        "email",
        "phone",
        "status",
        "created_at",
        "promoted_at",
        "cancelled_at",
        "cancelled_because",
        "attended",
        "attendance_marked_at",
        "attendance_marked_by",
        "lead_link",
    ]
    fieldsets = [
        (None, {"fields": ["session", "name", "email", "phone"]}),
        (
            "Place",
            {
                "fields": [
                    "status",
                    "created_at",
                    "promoted_at",
                    "cancelled_at",
                    "cancelled_because",
                ]
            },
        ),
        ("Attendance", {"fields": ["attended", "attendance_marked_at", "attendance_marked_by"]}),
    ]

    def get_changelist(self, request, **kwargs):
        # No ?email=… or ?phone=… in URLs: only the list's own filters.
        return OnlyListFiltersChangeList

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.has_perm(VIEW_LEADS):
            # The lead's reference for the link; nothing it holds is decrypted.
            queryset = queryset.prefetch_related(
                Prefetch("lead", Lead.objects.only("pk", "reference"))
            )
        return queryset

    # --- Who looked: every list and page of registrations shown is recorded ------------------

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = (getattr(response, "context_data", None) or {}).get("cl")
        if changelist is not None and response.status_code == 200:
            # The page's rows, fetched here once and shown from the same queryset.
            shown = len(changelist.result_list)
            audit.record(
                request,
                AuditAction.VIEW_REGISTRATIONS,
                detail=f"list of registrations: {filters_shown(changelist)}",
                result_count=shown,
            )
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        registration = (getattr(response, "context_data", None) or {}).get("original")
        if request.method == "GET" and response.status_code == 200 and registration is not None:
            lead = None
            if Registration.lead.is_cached(registration):  # get_queryset's, for VIEW_LEADS
                lead = registration.lead
            elif registration.lead_id is not None:
                lead = Lead.objects.only("pk", "reference").filter(pk=registration.lead_id).first()
            lead_text = f"lead #{registration.lead_id}" if registration.lead_id else "no lead"
            audit.record(
                request,
                AuditAction.VIEW_REGISTRATIONS,
                lead=lead,
                detail=f"registration #{registration.pk} ({lead_text}), "
                f"session #{registration.session_id}",
                result_count=1,
            )
        return response

    def get_list_display(self, request):
        if request.user.has_perm(VIEW_LEADS):
            return [*self.list_display, "lead_link"]
        return self.list_display

    def get_fieldsets(self, request, obj=None):
        if request.user.has_perm(VIEW_LEADS):
            return [*self.fieldsets, ("In admissions", {"fields": ["lead_link"]})]
        return self.fieldsets

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        # The list's actions need it; a registration's page is read-only.
        return obj is None and super().has_change_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="Status", ordering="status")
    def status_label(self, registration):
        return registration.status_label

    @admin.display(description="Lead")
    def lead_link(self, registration):
        lead = registration.lead
        if lead is None:
            return "—"
        return format_html('<a href="{}">{}</a>', lead.admin_url(), lead.reference or f"#{lead.pk}")

    # --- Attendance ------------------------------------------------------------------------

    @admin.action(description="Mark attended", permissions=["change"])
    def mark_attended(self, request, queryset):
        self._mark(request, queryset, attended=True)

    @admin.action(description="Mark did not attend", permissions=["change"])
    def mark_did_not_attend(self, request, queryset):
        self._mark(request, queryset, attended=False)

    def _mark(self, request, queryset, *, attended: bool) -> None:
        registrations = list(queryset.select_related("session"))
        with_a_place = [r for r in registrations if services.holds_a_place(r)]
        if not_held := len(registrations) - len(with_a_place):
            self.message_user(
                request,
                ngettext(
                    "%d registration was given up, or its session called off: left unmarked.",
                    "%d registrations were given up, or their sessions called off: left unmarked.",
                    not_held,
                )
                % not_held,
                messages.WARNING,
            )
        now = timezone.now()
        started = [r for r in with_a_place if r.session.starts_at <= now]
        if not_yet := len(with_a_place) - len(started):
            self.message_user(
                request,
                ngettext(
                    "%d registration is for a session not started yet: left unmarked.",
                    "%d registrations are for sessions not started yet: left unmarked.",
                    not_yet,
                )
                % not_yet,
                messages.WARNING,
            )
        if not started:
            return
        marked = given_up_meanwhile = 0
        for registration in started:
            try:
                marked += services.mark_attendance(
                    registration.pk, attended=attended, by=request.user
                )
            except services.PlaceNotHeldError:  # given up since the list was shown
                given_up_meanwhile += 1
        what = "attended" if attended else "did not attend"
        text = ngettext("Marked %d registration: %s.", "Marked %d registrations: %s.", marked) % (
            marked,
            what,
        )
        if already := len(started) - marked - given_up_meanwhile:
            text += f" {already} already said so."
        if given_up_meanwhile:
            text += f" {given_up_meanwhile} given up meanwhile: left unmarked."
        self.message_user(request, text, messages.SUCCESS)

    # --- Export ----------------------------------------------------------------------------

    def has_export_permission(self, request):
        return request.user.has_perm(EXPORT_REGISTRATIONS)

    @admin.action(description="Export the selected registrations as CSV", permissions=["export"])
    def export_csv(self, request, queryset):
        sessions = InfoSession.objects.filter(
            pk__in=queryset.values("session_id").distinct()
        ).order_by("starts_at", "pk")
        return registrations_csv(request, queryset, list(sessions))


def filters_shown(changelist) -> str:
    """The list's filters in use, as its sidebar shows them: "session: Evening IOP: what to
    expect, Tue Oct 27, 2026 6:00 PM; status: Registered", and which page when there are several."""
    params = changelist.get_filters_params()
    used = []
    for spec in changelist.filter_specs:
        if not any(parameter in params for parameter in spec.expected_parameters()):
            continue
        chosen = [
            str(choice["display"]) for choice in spec.choices(changelist) if choice["selected"]
        ]
        if not chosen:  # a value the filter does not offer (a session since deleted, say)
            chosen = [
                f"{parameter}={value}"
                for parameter in spec.expected_parameters()
                for value in params.get(parameter, [])
            ]
        used.append(f"{spec.title}: {', '.join(chosen)}")
    text = "; ".join(used) or "no filter"
    if changelist.paginator.num_pages > 1:
        text += f" (page {changelist.page_num} of {changelist.paginator.num_pages})"
    return text


def registrations_csv(request, registrations, sessions: list[InfoSession]):
    """The registrations as CSV (admissions.exports' format: spreadsheet-safe cells), recorded
    in the audit log before the first row is sent."""
    registrations = registrations.select_related("session").order_by(
        "session__starts_at", "session__pk", "created_at", "pk"
    )
    count = registrations.count()
    names = "; ".join(str(session) for session in sessions)
    audit.record_export(request, f"information session registrations of: {names}", count)
    return exports.csv_response(
        f"info-session-registrations-{timezone.localdate():%Y-%m-%d}.csv",
        [name for name, _ in REGISTRATION_COLUMNS],
        (
            [value(r) for _, value in REGISTRATION_COLUMNS]
            for r in registrations.iterator(chunk_size=exports.CHUNK_SIZE)
        ),
    )
