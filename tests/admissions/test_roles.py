"""Each role can do exactly what it should and nothing more (see admissions.roles).

Admissions staff work leads; supervisors also export, see the dashboard, the audit log and the
leads' history, and manage on-call shifts; marketing sees no lead at all (403 on every lead URL);
nobody deletes a lead from admin, superusers included.
"""

from datetime import time

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.urls import reverse

from admissions.models import AuditAction, AuditEvent, Lead
from admissions.roles import MARKETING_GROUP, STAFF_GROUP, SUPERVISORS_GROUP
from tests.admissions.factories import (
    AdmissionsStaffFactory,
    LeadFactory,
    MarketingFactory,
    OnCallShiftFactory,
    StaffFactory,
    SupervisorFactory,
    WeeklyOnCallShiftFactory,
)
from tests.core.factories import SitePageFactory
from tests.factories import SuperuserFactory
from tests.programs.factories import ProgramFactory
from tests.staff_sign_in import sign_in

pytestmark = pytest.mark.django_db

# --- The groups, as migration 0007 makes them --------------------------------------------------
# Spelled out by codename, so that giving a role more (or less) is a deliberate change here too.

STAFF_PERMISSIONS = {
    "admissions.view_lead",
    "admissions.change_lead",
    "admissions.view_activity",
    "admissions.add_activity",
    "admissions.view_callback",
    "admissions.add_callback",
    "admissions.view_oncallshift",
    "admissions.view_weeklyoncallshift",
    # Information sessions (infosessions migration 0002): who registered, and their attendance.
    "infosessions.view_infosession",
    "infosessions.view_registration",
    "infosessions.change_registration",
}
SUPERVISOR_PERMISSIONS = STAFF_PERMISSIONS | {
    "infosessions.add_infosession",
    "infosessions.change_infosession",
    "infosessions.view_historicalinfosession",
    "infosessions.export_registration",
    "admissions.export_lead",
    "admissions.reassign_lead",
    "admissions.view_dashboard",
    "admissions.view_historicallead",
    "admissions.view_auditevent",
    "admissions.view_dispatch",
    "admissions.view_floodepisode",
    "admissions.add_oncallshift",
    "admissions.change_oncallshift",
    "admissions.delete_oncallshift",
    "admissions.add_weeklyoncallshift",
    "admissions.change_weeklyoncallshift",
    "admissions.delete_weeklyoncallshift",
}
MARKETING_PERMISSIONS = {
    f"{app}.{action}_{model}"
    for app, model in [
        ("core", "sitepage"),
        ("programs", "program"),
        ("programs", "programfaq"),
        ("center", "centerprofile"),
        ("center", "place"),
        ("center", "credential"),
        ("center", "person"),
        ("center", "insurancecarrier"),
        ("articles", "article"),
        ("articles", "articleimage"),
        ("articles", "category"),
        ("articles", "oldaddress"),
        # What an article's history and the images its text shows are kept in.
        ("articles", "articlebodyimage"),
        ("articles", "historicalarticle"),
        ("articles", "historicalarticle_categories"),
        ("articles", "historicalarticle_related_programs"),
        ("taggit", "tag"),
        ("taggit", "taggeditem"),
    ]
    for action in ("add", "change", "delete", "view")
} | {
    # Sessions, but never who registered for them.
    "infosessions.add_infosession",
    "infosessions.change_infosession",
    "infosessions.view_infosession",
    "infosessions.view_historicalinfosession",
}


def group_permissions(name: str) -> set[str]:
    group = Group.objects.get(name=name)
    return {
        f"{permission.content_type.app_label}.{permission.codename}"
        for permission in group.permissions.select_related("content_type")
    }


@pytest.mark.parametrize(
    ("group", "expected"),
    [
        (STAFF_GROUP, STAFF_PERMISSIONS),
        (SUPERVISORS_GROUP, SUPERVISOR_PERMISSIONS),
        (MARKETING_GROUP, MARKETING_PERMISSIONS),
    ],
)
def test_each_group_has_exactly_its_permissions(group, expected):
    assert group_permissions(group) == expected


def test_nobody_may_delete_a_lead_or_an_audit_event_or_history_by_group():
    granted = set().union(
        *(group_permissions(name) for name in (STAFF_GROUP, SUPERVISORS_GROUP, MARKETING_GROUP))
    )

    assert not {"admissions.delete_lead", "admissions.add_lead"} & granted
    assert not {p for p in granted if p.endswith(("_auditevent", "_historicallead"))} - {
        "admissions.view_auditevent",
        "admissions.view_historicallead",
    }


# --- Helpers -------------------------------------------------------------------------------------


def admin_url(name: str, *args) -> str:
    return reverse(f"admin:{name}", args=args)


def signed_in(client, user):
    sign_in(client, user)
    return client


def action_names(response) -> set[str]:
    """The actions the admin list offers (none: no action form at all)."""
    form = response.context.get("action_form") if response.context else None
    return {name for name, _ in form.fields["action"].choices if name} if form else set()


def admin_index_apps(response) -> set[str]:
    return {app["app_label"] for app in response.context["app_list"]}


def admin_index_models(response) -> set[str]:
    return {
        f"{app['app_label']}.{model['object_name'].lower()}"
        for app in response.context["app_list"]
        for model in app["models"]
    }


def lead_admin_urls(lead) -> list[str]:
    """Every named URL of the lead admin (list, lead page, history, delete, export, dashboard and
    whatever the desk adds), filled in for this lead."""
    history = Lead.history.filter(id=lead.pk).first()
    values = {"object_id": str(lead.pk), "version_id": str(history.pk) if history else "1"}
    urls = []
    for pattern in admin.site._registry[Lead].get_urls():
        if not pattern.name:
            continue
        regex = pattern.pattern.regex
        if regex.groupindex:
            kwargs = {name: values[name] for name in regex.groupindex}
            urls.append(reverse(f"admin:{pattern.name}", kwargs=kwargs))
        else:  # positional groups (simple-history's version page): the lead, then the version
            ids = [values["object_id"], values["version_id"]][: regex.groups]
            urls.append(reverse(f"admin:{pattern.name}", args=ids))
    return urls


ADMISSIONS_ADMIN_MODELS = sorted(
    model._meta.model_name
    for model in admin.site._registry
    if model._meta.app_label == "admissions"
)


# --- Marketing: the public content, and no lead at all -------------------------------------------


@pytest.fixture
def marketing(client):
    return signed_in(client, MarketingFactory())


def test_marketing_gets_403_on_the_lead_pages(marketing):
    lead = LeadFactory()

    for url in [
        admin_url("admissions_lead_changelist"),
        admin_url("admissions_lead_change", lead.pk),
        admin_url("admissions_lead_history", lead.pk),
        admin_url("admissions_lead_delete", lead.pk),
        admin_url("admissions_lead_export"),
        admin_url("admissions_lead_dashboard"),
        admin_url("admissions_auditevent_changelist"),
        admin_url("admissions_historicallead_changelist"),
    ]:
        assert marketing.get(url).status_code == 403, url


def test_marketing_gets_403_on_every_url_of_the_lead_admin(marketing):
    lead = LeadFactory()

    for url in lead_admin_urls(lead):
        assert marketing.get(url).status_code == 403, url
        # A view that takes only POST may say so first; it must not act.
        assert marketing.post(url, {}).status_code in (403, 405), url
    assert Lead.objects.filter(pk=lead.pk).exists()


@pytest.mark.parametrize("model_name", ADMISSIONS_ADMIN_MODELS)
def test_marketing_gets_403_on_every_admissions_admin_list(marketing, model_name):
    # Activities, call-backs, on-call shifts, deliveries, floods, audit log, history: whatever
    # the admissions app registers.
    response = marketing.get(admin_url(f"admissions_{model_name}_changelist"))

    assert response.status_code == 403


def test_leads_are_not_in_marketings_admin_index(marketing):
    response = marketing.get(admin_url("index"))

    assert response.status_code == 200
    assert "admissions" not in admin_index_apps(response)
    assert {"core.sitepage", "programs.program"} <= admin_index_models(response)
    assert b"/admissions/" not in response.content


def test_marketing_edits_programs_and_site_pages(marketing):
    page = SitePageFactory()
    program = ProgramFactory()

    for url in [
        admin_url("core_sitepage_changelist"),
        admin_url("core_sitepage_add"),
        admin_url("core_sitepage_change", page.pk),
        admin_url("programs_program_changelist"),
        admin_url("programs_program_add"),
        admin_url("programs_program_change", program.pk),
    ]:
        assert marketing.get(url).status_code == 200, url

    response = marketing.post(
        admin_url("core_sitepage_add"),
        {
            "title": "Visiting hours",
            "slug": "visiting-hours",
            "meta_description": "When families can visit.",
            "body": "Every afternoon.",
        },
    )
    assert response.status_code == 302
    response = marketing.post(
        admin_url("core_sitepage_change", page.pk),
        {"title": "Visiting us", "slug": page.slug, "meta_description": "", "body": "Welcome."},
    )
    assert response.status_code == 302
    page.refresh_from_db()
    assert page.title == "Visiting us"


# --- Admissions staff: work leads; no export, dashboard, audit log, history, deleting ------------


@pytest.fixture
def staff(client):
    return signed_in(client, AdmissionsStaffFactory())


def test_staff_see_the_lead_list_and_a_lead(staff):
    lead = LeadFactory()

    assert staff.get(admin_url("admissions_lead_changelist")).status_code == 200
    assert staff.get(admin_url("admissions_lead_change", lead.pk)).status_code == 200


@pytest.mark.parametrize(
    "name",
    [
        "admissions_lead_export",
        "admissions_lead_dashboard",
        "admissions_auditevent_changelist",
        "admissions_historicallead_changelist",
    ],
)
def test_staff_get_403_on_what_is_for_supervisors(staff, name):
    assert staff.get(admin_url(name)).status_code == 403


def test_staff_cannot_see_a_leads_history(staff):
    # Simple-history's page on the lead (what changed, by whom) is for supervisors.
    lead = LeadFactory()

    assert staff.get(admin_url("admissions_lead_history", lead.pk)).status_code == 403


def test_staff_cannot_delete_a_lead(staff):
    lead = LeadFactory()

    assert staff.get(admin_url("admissions_lead_delete", lead.pk)).status_code == 403
    assert (
        staff.post(admin_url("admissions_lead_delete", lead.pk), {"post": "yes"}).status_code == 403
    )
    assert "delete_selected" not in action_names(staff.get(admin_url("admissions_lead_changelist")))
    assert Lead.objects.filter(pk=lead.pk).exists()


def test_the_audit_log_and_history_are_not_in_staffs_admin_index(staff):
    models = admin_index_models(staff.get(admin_url("index")))

    assert "admissions.lead" in models
    assert not {"admissions.auditevent", "admissions.historicallead"} & models


@pytest.mark.parametrize("model_name", ["oncallshift", "weeklyoncallshift"])
def test_staff_see_on_call_shifts_but_do_not_change_them(staff, model_name):
    if model_name == "oncallshift":
        shift = OnCallShiftFactory()
    else:
        shift = WeeklyOnCallShiftFactory(weekday=0, starts_at=time(8), ends_at=time(16))

    assert staff.get(admin_url(f"admissions_{model_name}_changelist")).status_code == 200
    assert staff.get(admin_url(f"admissions_{model_name}_add")).status_code == 403
    assert staff.post(admin_url(f"admissions_{model_name}_change", shift.pk), {}).status_code == 403
    assert staff.get(admin_url(f"admissions_{model_name}_delete", shift.pk)).status_code == 403


# --- Supervisors: staff's work plus export, dashboard, audit log, history, on-call shifts --------


@pytest.fixture
def supervisor(client):
    return signed_in(client, SupervisorFactory())


def test_supervisors_see_the_lead_list_and_a_lead(supervisor):
    lead = LeadFactory()

    assert supervisor.get(admin_url("admissions_lead_changelist")).status_code == 200
    assert supervisor.get(admin_url("admissions_lead_change", lead.pk)).status_code == 200


def test_supervisors_export_leads_as_csv(supervisor):
    LeadFactory()

    response = supervisor.get(admin_url("admissions_lead_export"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")


@pytest.mark.parametrize(
    "name",
    [
        "admissions_lead_dashboard",
        "admissions_auditevent_changelist",
        "admissions_historicallead_changelist",
    ],
)
def test_supervisors_see_the_dashboard_audit_log_and_history(supervisor, name):
    assert supervisor.get(admin_url(name)).status_code == 200


def test_supervisors_see_a_leads_history(supervisor):
    lead = LeadFactory()

    assert supervisor.get(admin_url("admissions_lead_history", lead.pk)).status_code == 200


def test_supervisors_manage_on_call_shifts(supervisor):
    member = StaffFactory()

    assert supervisor.get(admin_url("admissions_oncallshift_add")).status_code == 200
    assert supervisor.get(admin_url("admissions_weeklyoncallshift_add")).status_code == 200
    response = supervisor.post(
        admin_url("admissions_oncallshift_add"),
        {
            "staff_member": member.pk,
            "starts_at_0": "2026-11-24",
            "starts_at_1": "18:00",
            "ends_at_0": "2026-11-25",
            "ends_at_1": "08:00",
        },
    )
    assert response.status_code == 302
    assert member.on_call_shifts.count() == 1


def test_supervisors_still_cannot_delete_a_lead(supervisor):
    lead = LeadFactory()

    assert supervisor.get(admin_url("admissions_lead_delete", lead.pk)).status_code == 403
    assert "delete_selected" not in action_names(
        supervisor.get(admin_url("admissions_lead_changelist"))
    )
    assert Lead.objects.filter(pk=lead.pk).exists()


# --- Superusers: everything, except deleting leads and touching the records ---------------------


@pytest.fixture
def superuser(client):
    return signed_in(client, SuperuserFactory())


def test_not_even_a_superuser_deletes_a_lead(superuser):
    lead = LeadFactory()

    assert superuser.get(admin_url("admissions_lead_delete", lead.pk)).status_code == 403
    response = superuser.post(admin_url("admissions_lead_delete", lead.pk), {"post": "yes"})
    assert response.status_code == 403
    list_page = superuser.get(admin_url("admissions_lead_changelist"))
    assert "delete_selected" not in action_names(list_page)
    superuser.post(
        admin_url("admissions_lead_changelist"),
        {"action": "delete_selected", "_selected_action": [lead.pk], "post": "yes"},
    )
    assert Lead.objects.filter(pk=lead.pk).exists()


def test_not_even_a_superuser_edits_or_deletes_audit_events(superuser):
    event = AuditEvent.objects.create(username="someone", action=AuditAction.VIEW_LEAD)

    assert superuser.get(admin_url("admissions_auditevent_add")).status_code == 403
    response = superuser.post(
        admin_url("admissions_auditevent_change", event.pk), {"username": "someone else"}
    )
    assert response.status_code == 403
    assert superuser.get(admin_url("admissions_auditevent_delete", event.pk)).status_code == 403
    event.refresh_from_db()
    assert event.username == "someone"
