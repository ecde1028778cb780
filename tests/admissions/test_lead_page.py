"""The lead page: everything about one lead on one screen, and one press for the common steps."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from admissions import triage
from admissions.models import AuditAction, AuditEvent, CallOutcome, Lead
from tests.admissions.factories import AdmissionsStaffFactory, LeadFactory, StaffFactory

pytestmark = pytest.mark.django_db

LEADS = f"/{settings.ADMIN_URL}admissions/lead/"


def page_of(lead) -> str:
    return f"{LEADS}{lead.pk}/change/"


@pytest.fixture
def lead():
    return LeadFactory(
        first_name="Jordan",
        last_name="Avery",
        for_whom="someone_else",
        relationship="parent",
        patient_first_name="Sam",
        phone="+16175550188",
        phone_extension="12",
        email="jordan@example.org",
        message="My son has been drinking every day.",
        payment="insurance",
        insurance_carrier="Harbor Health Plan",
        insurance_member_id="HHP123456789",
        utm_source="newsletter",
        utm_campaign="autumn",
        landing_page="/programs/iop/",
        created_at=timezone.now() - timedelta(minutes=7),
    )


def test_the_page_shows_contact_request_insurance_and_attribution(desk, lead):
    html = desk.get(page_of(lead)).content.decode()

    assert 'href="tel:+16175550188,12"' in html
    assert "Call (617) 555-0188 ext. 12" in html
    assert "for their child Sam" in html
    assert "My son has been drinking every day." in html
    assert "HHP123456789" in html and "Harbor Health Plan" in html
    assert "newsletter" in html and "/programs/iop/" in html


def test_possible_duplicates_are_linked(desk, lead):
    earlier = LeadFactory(phone=lead.phone, created_at=timezone.now() - timedelta(days=3))
    same_email = LeadFactory(email=lead.email)
    LeadFactory()  # someone else

    html = desk.get(page_of(lead)).content.decode()

    assert f'href="{page_of(earlier)}"' in html and f'href="{page_of(same_email)}"' in html


def test_viewing_a_lead_is_audited(desk, lead, staff_member):
    desk.get(page_of(lead))

    (event,) = AuditEvent.objects.all()
    assert (event.action, event.user, event.lead_id, event.lead_reference) == (
        AuditAction.VIEW_LEAD,
        staff_member,
        lead.pk,
        lead.reference,
    )


def test_the_page_is_never_cached(desk, lead):
    assert "no-store" in desk.get(page_of(lead))["Cache-Control"]


# --- One press for the common steps ------------------------------------------------------------


def press(client, lead, **data):
    return client.post(page_of(lead), data)


def test_logging_a_call_is_one_press_and_lands_back_on_the_page(desk, lead, staff_member):
    response = press(desk, lead, desk_action="call", **{"call-outcome": "no_answer"})

    assert response.status_code == 302 and response["Location"] == page_of(lead)
    lead.refresh_from_db()
    assert (lead.status, lead.call_attempts, lead.contacted_by) == (
        "contact_attempted",
        1,
        staff_member,
    )
    html = desk.get(page_of(lead)).content.decode()
    assert "Call logged: no answer." in html
    assert "Call: no answer" in html and "by Casey Morgan" in html


def test_a_call_with_a_note_keeps_the_note_on_the_timeline(desk, lead):
    press(
        desk,
        lead,
        desk_action="call",
        **{"call-outcome": "reached", "call-note": "Coming Thursday at 10."},
    )

    html = desk.get(page_of(lead)).content.decode()
    assert "Call: reached" in html and "Coming Thursday at 10." in html


def test_notes_assignment_call_backs_and_status_from_the_page(desk, lead, staff_member):
    press(desk, lead, desk_action="note", **{"note-note": "Prefers texts after 5."})
    press(desk, lead, desk_action="assign_to_me")
    press(desk, lead, desk_action="call_back", **{"call_back-due_at": "2099-01-05T09:30"})
    press(desk, lead, desk_action="status", **{"status-status": "insurance_verification"})

    lead.refresh_from_db()
    assert lead.assigned_to == staff_member
    assert timezone.localtime(lead.next_call_back_at).strftime("%Y-%m-%d %H:%M") == (
        "2099-01-05 09:30"
    )
    assert lead.status == "insurance_verification"
    html = desk.get(page_of(lead)).content.decode()
    for entry in (
        "Prefers texts after 5.",
        "Assigned to Casey Morgan",
        "Call-back scheduled for Mon Jan. 5, 9:30 AM",
        "Status: New → Insurance verification",
    ):
        assert entry in html


def test_closing_asks_for_the_outcome_and_where_when_referred_out(desk, lead):
    response = press(desk, lead, desk_action="close", **{"close-outcome": "referred_out"})

    assert response.status_code == 400
    assert "Say where they were referred." in response.content.decode()
    assert Lead.objects.get(pk=lead.pk).status == "new"  # nothing half-saved

    press(
        desk,
        lead,
        desk_action="close",
        **{"close-outcome": "referred_out", "close-referred_to": "Harbor Detox, Quincy"},
    )
    lead.refresh_from_db()
    assert (lead.status, lead.close_outcome, lead.referred_to) == (
        "closed",
        "referred_out",
        "Harbor Detox, Quincy",
    )


def test_a_call_back_time_that_is_not_a_time_is_refused_clearly(desk, lead):
    response = press(desk, lead, desk_action="call_back", **{"call_back-due_at": "tomorrow"})

    assert response.status_code == 400
    assert "Enter a valid date/time." in response.content.decode()


def test_a_call_back_in_the_past_is_refused_with_the_reason(desk, lead):
    response = press(
        desk, lead, desk_action="call_back", **{"call_back-due_at": "2020-01-01T09:00"}
    )

    assert response.status_code == 400
    assert "Choose a time in the future for the call-back." in response.content.decode()
    assert not lead.call_backs.exists()


def test_staff_take_leads_but_only_supervisors_see_assign_to_someone_else(
    desk, supervisor_desk, lead
):
    assert 'value="assign"' not in desk.get(page_of(lead)).content.decode()

    colleague = AdmissionsStaffFactory(first_name="Robin", last_name="Lee")
    html = supervisor_desk.get(page_of(lead)).content.decode()
    assert 'value="assign"' in html and "Robin Lee" in html
    supervisor_desk.post(page_of(lead), {"desk_action": "assign", "assign-assignee": colleague.pk})
    lead.refresh_from_db()
    assert lead.assigned_to == colleague


def test_a_staff_member_cannot_post_an_assignment_to_someone_else(desk, lead):
    colleague = AdmissionsStaffFactory()

    response = press(desk, lead, desk_action="assign", **{"assign-assignee": colleague.pk})

    assert response.status_code == 403
    assert Lead.objects.get(pk=lead.pk).assigned_to is None


def test_someone_who_may_only_view_leads_gets_no_buttons_and_cannot_post(client, lead):
    from django.contrib.auth.models import Permission

    from tests.staff_sign_in import sign_in

    viewer = StaffFactory()
    viewer.user_permissions.add(Permission.objects.get(codename="view_lead"))
    sign_in(client, viewer)

    assert 'name="desk_action"' not in client.get(page_of(lead)).content.decode()
    assert press(client, lead, desk_action="assign_to_me").status_code == 403


def test_the_page_costs_the_same_queries_with_a_long_timeline(desk, lead, staff_member):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert desk.get(page_of(lead)).status_code == 200
        return len(captured)

    triage.log_call(lead, by=staff_member, outcome=CallOutcome.NO_ANSWER)
    few = queries()
    for _ in range(20):
        triage.log_call(lead, by=AdmissionsStaffFactory(), outcome=CallOutcome.VOICEMAIL)
        triage.add_note(lead, by=staff_member, note="Tried again.")
    many = queries()

    assert few == many


def test_nobody_edits_a_lead_through_its_history_not_even_a_supervisor(supervisor_desk, lead):
    triage.change_status(lead, by=supervisor_desk.user, to="contacted")
    version = lead.history.order_by("-history_id").first()
    url = f"{page_of(lead).removesuffix('change/')}history/{version.history_id}/"

    assert supervisor_desk.get(url).status_code == 403
    response = supervisor_desk.post(url, {"status": "admitted", "first_name": "Changed"})

    assert response.status_code == 403
    lead.refresh_from_db()
    assert (lead.status, lead.first_name) == ("contacted", "Jordan")


def test_a_staff_member_cannot_take_a_colleague_s_lead(desk, lead):
    colleague = AdmissionsStaffFactory(first_name="Robin", last_name="Lee")
    lead.assigned_to = colleague
    lead.save()

    html = desk.get(page_of(lead)).content.decode()
    assert "Assigned to Robin Lee. A supervisor can reassign it." in html
    response = press(desk, lead, desk_action="assign_to_me")

    assert response.status_code == 400
    assert "ask a supervisor to reassign it" in response.content.decode()
    assert Lead.objects.get(pk=lead.pk).assigned_to == colleague
