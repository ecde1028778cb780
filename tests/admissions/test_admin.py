import pytest
from django.conf import settings
from django.core import mail

from admissions.models import Lead, OnCallShift
from tests.admissions.factories import LeadFactory, StaffFactory

pytestmark = pytest.mark.django_db

LEADS = f"/{settings.ADMIN_URL}admissions/lead/"


def test_the_lead_list_shows_priority_status_and_waiting_time(admin_client):
    LeadFactory(priority="urgent")

    html = admin_client.get(LEADS).content.decode()

    for heading in ("Priority", "Status", "Assigned to", "Waiting / time to contact"):
        assert heading in html
    assert "Urgent" in html and "waiting 0" in html


def test_what_a_visitor_typed_is_shown_as_text_never_as_markup(admin_client):
    lead = LeadFactory(first_name="<script>alert(1)</script>", message="<b>bold</b> please")

    html = admin_client.get(f"{LEADS}{lead.pk}/change/").content.decode()

    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;b&gt;bold&lt;/b&gt; please" in html


def test_staff_record_contact_from_the_list(admin_client):
    lead = LeadFactory()

    admin_client.post(LEADS, {"action": "record_contact", "_selected_action": [lead.pk]})

    lead.refresh_from_db()
    assert lead.status == "contacted"
    assert lead.contacted_at is not None


def test_leads_cannot_be_typed_in_by_hand(admin_client):
    assert admin_client.get(f"{LEADS}add/").status_code == 403


def test_search_finds_a_lead_by_number_only(admin_client):
    lead = LeadFactory(first_name="Morgan")
    LeadFactory(first_name="Riley")

    by_number = admin_client.get(LEADS, {"q": str(lead.pk)}).context["cl"].result_list
    by_name = admin_client.get(LEADS, {"q": "Morgan"}).context["cl"].result_list

    assert list(by_number) == [lead]
    assert list(by_name) == []


def test_the_notifications_sent_about_a_lead_are_listed_on_it(admin_client):
    lead = LeadFactory()
    lead.notifications.create(purpose="new_lead", channel="email", recipient="a@b.example")

    html = admin_client.get(f"{LEADS}{lead.pk}/change/").content.decode()

    assert "a@b.example" in html
    assert "not yet" in html


def test_staff_manage_on_call_shifts(admin_client):
    staff = StaffFactory()
    response = admin_client.post(
        f"/{settings.ADMIN_URL}admissions/oncallshift/add/",
        {
            "staff_member": staff.pk,
            "starts_at_0": "2026-11-24",
            "starts_at_1": "18:00",
            "ends_at_0": "2026-11-24",
            "ends_at_1": "08:00",
        },
    )

    assert response.status_code == 200
    assert "A shift must end after it starts." in response.content.decode()
    assert not OnCallShift.objects.exists()


def test_status_is_changed_by_actions_not_typed_in(admin_client):
    lead = LeadFactory()

    admin_client.post(f"{LEADS}{lead.pk}/change/", {"status": "contacted", "assigned_to": ""})

    lead.refresh_from_db()
    assert (lead.status, lead.contacted_at) == ("new", None)


def test_closing_a_lead_stops_its_escalations(admin_client):
    lead = LeadFactory()

    admin_client.post(LEADS, {"action": "close", "_selected_action": [lead.pk]})

    assert Lead.objects.awaiting_contact().filter(pk=lead.pk).exists() is False


@pytest.mark.parametrize(
    "lookup",
    [
        {"phone": "+16175550188"},
        {"message__icontains": "opioid"},
        {"email__startswith": "jordan"},
        {"created_at__gte": "2026-01-01"},
        {"assigned_to__email": "casey@resilience.example"},
    ],
)
def test_the_list_refuses_lookups_that_are_not_its_own_filters(admin_client, lookup):
    # Reproduced: ?phone=… and ?message__icontains=… filtered the list, and the query string
    # then travelled in every change link, the history and the access log.
    LeadFactory(phone="+16175550188", message="opioid")

    response = admin_client.get(LEADS, lookup)

    assert response.status_code == 400
    assert "opioid" not in response.content.decode()


@pytest.mark.parametrize(
    "query",
    [
        {"status__exact": "new"},
        {"priority__exact": "urgent"},
        {"review": "held"},
        {"created_at__year": "2026", "created_at__month": "11"},
        {"q": "12", "o": "1", "p": "1"},
    ],
)
def test_the_list_s_own_filters_search_and_ordering_still_work(admin_client, query):
    LeadFactory()

    assert admin_client.get(LEADS, query).status_code == 200


def test_held_requests_are_listed_for_review_and_released_to_the_pipeline(
    admin_client, django_capture_on_commit_callbacks, settings
):
    settings.ADMISSIONS_INBOX_EMAIL = "admissions@resilience.example"
    held = LeadFactory(held_reason="flood")
    LeadFactory()

    listed = admin_client.get(LEADS, {"review": "held"}).context["cl"].result_list
    assert list(listed) == [held]

    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(LEADS, {"action": "release_held", "_selected_action": [held.pk]})

    held.refresh_from_db()
    assert held.held_reason == "" and held.followed_up_at is not None
    assert [m.subject for m in mail.outbox] == [f"New consultation request #{held.pk}"]


def test_a_request_closed_as_suspected_spam_can_be_reopened_and_followed_up(
    admin_client, django_capture_on_commit_callbacks, settings
):
    settings.ADMISSIONS_INBOX_EMAIL = "admissions@resilience.example"
    spam = LeadFactory(status="closed", close_outcome="suspected_spam", bot_signals="honeypot")

    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(LEADS, {"action": "restore_from_spam", "_selected_action": [spam.pk]})

    spam.refresh_from_db()
    assert (spam.status, spam.close_outcome) == ("new", "")
    assert [m.subject for m in mail.outbox] == [f"New consultation request #{spam.pk}"]
