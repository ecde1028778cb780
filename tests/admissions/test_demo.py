"""The admissions desk's demo data (admissions/demo.py), which `make run` loads with DEBUG on."""

import io
import re
import socket
from datetime import date, datetime, time, timedelta

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from admissions import demo
from admissions.models import (
    ActivityKind,
    CallBack,
    CallOutcome,
    CloseOutcome,
    Dispatch,
    Lead,
    Priority,
    Status,
    WeeklyOnCallShift,
)
from admissions.roles import MARKETING_GROUP, STAFF_GROUP, SUPERVISORS_GROUP
from admissions.routing import on_call_staff
from programs.models import Program

pytestmark = pytest.mark.django_db

User = get_user_model()
ROLES = {
    "demo-staff": STAFF_GROUP,
    "demo-supervisor": SUPERVISORS_GROUP,
    "demo-marketing": MARKETING_GROUP,
}


def seed_demo() -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def row_counts() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


def demo_leads_by_key() -> dict[str, Lead]:
    return {
        lead.intake_id.removeprefix(demo.INTAKE_ID_PREFIX): lead
        for lead in demo.demo_leads().select_related("assigned_to")
    }


# --- DEBUG off: nothing ------------------------------------------------------------------------


@override_settings(DEBUG=False)
def test_with_debug_off_no_demo_user_lead_or_shift_is_created():
    output = seed_demo()

    assert not User.objects.filter(username__startswith="demo-").exists()
    assert not Lead.objects.exists()
    assert not WeeklyOnCallShift.objects.exists()
    assert "Skipped the admissions desk demo" in output
    assert demo.DEMO_PASSWORD not in output
    # The public demo content is loaded as before.
    assert Program.objects.filter(is_published=True).count() == 5
    assert "Demo content is in place." in output


def test_with_debug_off_demo_users_left_from_development_are_pointed_out():
    with override_settings(DEBUG=True):
        seed_demo()
    with override_settings(DEBUG=False):
        output = seed_demo()

    assert "Warning: demo desk users" in output


# --- Users -------------------------------------------------------------------------------------


@override_settings(DEBUG=True)
def test_one_demo_user_per_role_whose_password_is_printed():
    output = seed_demo()

    assert {user.username for user in demo.DEMO_USERS} == set(ROLES)
    for username, group in ROLES.items():
        user = User.objects.get(username=username)
        assert user.is_staff and user.is_active and not user.is_superuser
        assert list(user.groups.values_list("name", flat=True)) == [group]
        assert user.email == f"{username}@example.com"
        assert user.check_password(demo.DEMO_PASSWORD)
        assert re.search(rf"{username} +/ {demo.DEMO_PASSWORD}", output)
    assert "Two-factor sign-in" in output


@override_settings(DEBUG=True)
def test_each_role_can_do_what_its_group_allows():
    seed_demo()
    staff, supervisor, marketing = (User.objects.get(username=name) for name in ROLES)

    assert staff.has_perm("admissions.change_lead")
    assert not staff.has_perm("admissions.reassign_lead")
    assert supervisor.has_perm("admissions.reassign_lead")
    assert supervisor.has_perm("admissions.export_lead")
    assert not marketing.has_perm("admissions.view_lead")
    assert marketing.has_perm("programs.change_program")


@override_settings(DEBUG=True, ADMIN_REQUIRE_2FA=False)
def test_the_printed_text_says_the_password_alone_signs_in_when_2fa_is_off():
    assert "the password is enough" in seed_demo()


@override_settings(DEBUG=True)
def test_seeding_again_restores_the_demo_users_and_duplicates_nothing():
    seed_demo()
    counts = row_counts()
    password_hashes = dict(User.objects.values_list("username", "password"))
    staff = User.objects.get(username="demo-staff")
    staff.set_password("something else")
    staff.is_superuser = True
    staff.save()
    staff.groups.clear()

    seed_demo()

    staff.refresh_from_db()
    assert staff.check_password(demo.DEMO_PASSWORD)
    assert not staff.is_superuser
    assert list(staff.groups.values_list("name", flat=True)) == [STAFF_GROUP]
    assert row_counts() == counts
    # Passwords that were right are not hashed again: that would sign their sessions out.
    for username in ("demo-supervisor", "demo-marketing"):
        assert User.objects.get(username=username).password == password_hashes[username]


# --- Leads -------------------------------------------------------------------------------------


@override_settings(DEBUG=True)
@pytest.mark.parametrize("local_time", ["03:00", "12:00", "21:30"])
def test_the_demo_seeds_the_same_desk_whatever_the_hour(time_machine, local_time):
    # Reproduced: seeded at night, the rota gave the leads to the supervisor, and the demo's
    # staff member could not take them ("This lead is a colleague's").
    time_machine.move_to(
        timezone.make_aware(datetime.combine(date(2026, 12, 7), time.fromisoformat(local_time)))
    )

    seed_demo()

    leads = demo_leads_by_key()
    assert leads["contacted"].assigned_to.username == "demo-staff"
    assert leads["admitted"].assigned_to.username == "demo-supervisor"


@override_settings(DEBUG=True)
def test_a_dozen_clearly_fake_leads():
    seed_demo()
    leads = list(demo.demo_leads())

    assert len(leads) == len(demo.DEMO_LEADS) == 12
    assert len({lead.phone for lead in leads}) == len({lead.email for lead in leads}) == 12
    for lead in leads:
        # 555-0100 to 555-0199: reserved for fiction; example.com: reserved for examples.
        assert re.fullmatch(r"\+161755501\d\d", lead.phone.as_e164)
        assert lead.phone.as_e164 != "+16175550143"  # the center's own demo number
        assert lead.email.endswith("@example.com")
        assert lead.last_name.endswith("(demo)")
        assert lead.message.startswith(demo.DEMO_NOTE)
        assert lead.reference


@override_settings(DEBUG=True)
def test_the_leads_cover_the_states_the_desk_deals_with():
    seed_demo()
    now = timezone.now()
    leads = demo_leads_by_key()

    assert {lead.status for lead in leads.values()} == set(Status.values)

    urgent = leads["urgent"]
    assert urgent.priority == Priority.URGENT and urgent.urgent_terms
    assert urgent.status == Status.NEW and urgent.contacted_at is None
    assert [lead.pk for lead in leads.values() if lead.is_urgent] == [urgent.pk]

    overdue = leads["overdue"]
    assert now - overdue.created_at >= timedelta(minutes=40)
    assert list(Lead.objects.overdue(now)) == [overdue]

    no_answer = leads["no-answer"]
    assert no_answer.status == Status.CONTACT_ATTEMPTED
    assert no_answer.call_attempts == 2
    kinds = list(no_answer.activities.values_list("kind", "call_outcome"))
    assert kinds.count((ActivityKind.CALL, CallOutcome.NO_ANSWER)) == 2
    assert (ActivityKind.TEXT_SENT, "") in kinds

    call_back = leads["call-back"]
    assert call_back.status == Status.CONTACT_ATTEMPTED
    assert call_back.activities.filter(call_outcome=CallOutcome.VOICEMAIL).exists()
    pending = CallBack.objects.pending().get(lead=call_back)
    assert call_back.next_call_back_at == pending.due_at > now
    assert timezone.localtime(pending.due_at).time() == time(10)

    assert leads["contacted"].status == Status.CONTACTED
    assert leads["insurance"].status == Status.INSURANCE_VERIFICATION
    assert leads["assessment"].status == Status.ASSESSMENT_SCHEDULED
    assert leads["admitted"].status == Status.ADMITTED

    referred = leads["referred-out"]
    assert (referred.status, referred.close_outcome) == (Status.CLOSED, CloseOutcome.REFERRED_OUT)
    assert "fictional" in referred.referred_to
    not_a_fit = leads["not-a-fit"]
    assert (not_a_fit.status, not_a_fit.close_outcome) == (Status.CLOSED, CloseOutcome.NOT_A_FIT)

    assert list(Lead.objects.held_for_review()) == [leads["held"]]
    spam = leads["spam"]
    assert (spam.status, spam.close_outcome) == (Status.CLOSED, CloseOutcome.SUSPECTED_SPAM)
    assert spam.bot_signals


@override_settings(DEBUG=True)
def test_the_timelines_read_as_if_they_had_happened_over_the_last_days():
    seed_demo()
    now = timezone.now()
    leads = demo_leads_by_key()

    ages = [now - lead.created_at for lead in leads.values()]
    assert min(ages) < timedelta(minutes=10)
    assert max(ages) > timedelta(days=5)
    for lead in leads.values():
        for activity in lead.activities.all():
            assert lead.created_at <= activity.created_at <= now
        if lead.contacted_at:
            # First contacted minutes after the request, not when the demo was loaded.
            assert timedelta(0) < lead.contacted_at - lead.created_at < timedelta(hours=1)
        if lead.closed_at:
            assert lead.created_at <= lead.closed_at < now - timedelta(hours=1)
        if lead.in_pipeline:
            assert lead.assigned_to.username in ROLES
            assert lead.routed_at - lead.created_at == timedelta(minutes=1)
        else:
            assert lead.assigned_to is None or lead.assigned_to.username in ROLES
    assert leads["admitted"].assigned_to.username == "demo-supervisor"
    assert leads["contacted"].assigned_to.username == "demo-staff"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.django_db(transaction=True)  # as `make run`: each lead commits, its follow-up runs
def test_the_leads_are_followed_up_without_a_mail_server():
    with override_settings(
        DEBUG=True,
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=free_port(),  # nothing listens there
        EMAIL_TIMEOUT=1,
    ):
        seed_demo()

    in_pipeline = demo.demo_leads().in_pipeline()
    assert in_pipeline.count() == 8
    assert not in_pipeline.filter(followed_up_at__isnull=True).exists()
    assert Dispatch.objects.exists()
    assert not Dispatch.objects.pending().exists()
    # Kept in memory: nothing about a made-up person went anywhere.
    recipients = {address for message in mail.outbox for address in message.to}
    assert {"demo-staff@example.com", "demo-supervisor@example.com"} & recipients
    assert all(address.endswith(("@example.com", "@127.0.0.1")) for address in recipients), (
        recipients
    )


@override_settings(DEBUG=True)
def test_seeding_again_creates_no_second_lead():
    seed_demo()
    output = seed_demo()

    assert demo.demo_leads().count() == 12
    assert "0 demo leads created (12 in all)" in output


# --- On call -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "monday",
    [
        date(2026, 6, 1),
        date(2026, 3, 2),  # clocks go forward on Sunday March 8
        date(2026, 10, 26),  # and back on Sunday November 1
    ],
)
@override_settings(DEBUG=True)
def test_someone_is_on_call_at_every_moment_of_the_week(monday):
    seed_demo()
    shifts = list(WeeklyOnCallShift.objects.all())
    start = timezone.make_aware(datetime.combine(monday, time(0)))

    # Every half hour of the week, in real time (across the clock changes too).
    moments = [start + timedelta(minutes=30 * step) for step in range(7 * 24 * 2 + 2)]
    uncovered = [
        timezone.localtime(moment).isoformat()
        for moment in moments
        if not any(shift.covers(moment) for shift in shifts)
    ]
    assert uncovered == []


@override_settings(DEBUG=True)
def test_staff_are_on_call_by_day_and_the_supervisor_at_night():
    seed_demo()
    wednesday = date(2026, 6, 3)

    def on_call_at(hour: int, minute: int = 0) -> list[str]:
        moment = timezone.make_aware(datetime.combine(wednesday, time(hour, minute)))
        return [member.username for member in on_call_staff(moment)]

    assert on_call_at(7) == on_call_at(12) == on_call_at(18, 59) == ["demo-staff"]
    assert on_call_at(19) == on_call_at(23) == on_call_at(3) == ["demo-supervisor"]
    assert on_call_at(6, 59) == ["demo-supervisor"]
