"""Demo data for the admissions desk, for local development only (DEBUG on).

`make run` calls this through `manage.py seed_demo`, so a newcomer can try the desk at once:

- one demo user per role (admissions staff, supervisor, marketing), with a known password that
  is printed every time (reset to it if someone changed it);
- an on-call rota covering every hour of the week (staff by day, the supervisor at night), so
  new leads are routed to someone;
- a dozen made-up leads in the states the desk deals with: urgent and not contacted, overdue,
  call attempts, a call-back, the pipeline from contacted to admitted, closed as referred out
  and as not a fit, one held for review and one suspected spam.

Leads are made the way real ones are (`receive_consultation_request`) and worked through the
desk's own services (`admissions.triage`); only the times are moved back afterwards, so that
each timeline reads as it would have happened. Each demo lead has a fixed intake id, so running
this again creates nothing twice. With DEBUG off nothing here is created: a known password
must never reach a real deployment.
"""

from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone
from phonenumber_field.phonenumber import PhoneNumber

from admissions import triage
from admissions.models import (
    Activity,
    ActivityKind,
    BestTime,
    BotSignal,
    CallBack,
    CallOutcome,
    CloseOutcome,
    ContactMethod,
    ForWhom,
    HoldReason,
    Lead,
    Payment,
    ReferralSource,
    Relationship,
    Status,
    Subscriber,
    Weekday,
    WeeklyOnCallShift,
)
from admissions.roles import MARKETING_GROUP, STAFF_GROUP, SUPERVISORS_GROUP
from admissions.services import (
    ConsultationRequest,
    Screening,
    receive_consultation_request,
    route_lead,
)
from core.demo import DEMO_ADMIN_PASSWORD

# One password for every demo account, the same as the demo admin's.
DEMO_PASSWORD = DEMO_ADMIN_PASSWORD
DEMO_EMAIL_DOMAIN = "example.com"
# Each demo lead's intake id is this plus its key: how a second run knows it is there.
INTAKE_ID_PREFIX = "demo-lead-"
# Every demo message starts so, and every demo last name ends so.
DEMO_NOTE = "(Demo request: a made-up person.)"
DEMO_SURNAME_SUFFIX = " (demo)"


# --- Users -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoUser:
    username: str
    group: str
    role: str  # what they can do, as printed


DEMO_STAFF = "demo-staff"
DEMO_SUPERVISOR = "demo-supervisor"
DEMO_MARKETING = "demo-marketing"

DEMO_USERS = [
    DemoUser(DEMO_STAFF, STAFF_GROUP, "admissions staff: calls, notes, call-backs, status, close"),
    DemoUser(
        DEMO_SUPERVISOR,
        SUPERVISORS_GROUP,
        "supervisor: also assigning, export, dashboard, on-call rota, audit log",
    ),
    DemoUser(DEMO_MARKETING, MARKETING_GROUP, "marketing: programs, pages, articles; no leads"),
]


def _ensure_users() -> dict:
    """The demo users, each staff, active, in its role's group alone, with the demo password."""
    users = {}
    for demo in DEMO_USERS:
        user, _ = get_user_model().objects.get_or_create(
            username=demo.username,
            defaults={
                "email": f"{demo.username}@{DEMO_EMAIL_DOMAIN}",
                "first_name": "Demo",
                "last_name": demo.username.removeprefix("demo-").capitalize(),
                "is_staff": True,
            },
        )
        wanted = {"is_staff": True, "is_active": True, "is_superuser": False}
        changed = [name for name, value in wanted.items() if getattr(user, name) != value]
        for name in changed:
            setattr(user, name, wanted[name])
        if not user.check_password(DEMO_PASSWORD):
            # Only when it differs: a new hash each run would sign out whoever is signed in.
            user.set_password(DEMO_PASSWORD)
            changed.append("password")
        if changed:
            user.save(update_fields=changed)
        # Made by migration 0007 with its permissions; get_or_create only for a database the
        # tests have emptied.
        group, _ = Group.objects.get_or_create(name=demo.group)
        user.groups.set([group])
        users[demo.username] = user
    return users


def _demo_users_present() -> bool:
    return get_user_model().objects.filter(username__in=[u.username for u in DEMO_USERS]).exists()


# --- On call -----------------------------------------------------------------------------------

# Local time: the day shift, then the night shift past midnight into the next morning.
DAY_SHIFT = (time(7), time(19))
NIGHT_SHIFT = (time(19), time(7))


def _ensure_on_call_rota(users: dict) -> int:
    """Staff on call 7:00–19:00 and the supervisor 19:00–7:00, every day: every moment of the
    week is covered. Made once; changes made to it in admin are left alone."""
    staff, supervisor = users[DEMO_STAFF], users[DEMO_SUPERVISOR]
    if WeeklyOnCallShift.objects.filter(staff_member__in=[staff, supervisor]).exists():
        return 0
    shifts = [
        WeeklyOnCallShift(staff_member=member, weekday=day, starts_at=starts, ends_at=ends)
        for day in Weekday.values
        for member, (starts, ends) in ((staff, DAY_SHIFT), (supervisor, NIGHT_SHIFT))
    ]
    WeeklyOnCallShift.objects.bulk_create(shifts)
    return len(shifts)


# --- Leads -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """Something the desk did, `after` the request arrived, as the user named `by`."""

    after: timedelta
    action: Callable  # (lead, by, now) -> anything
    by: str = DEMO_STAFF
    takes_the_lead: bool = False


def take(after: timedelta, by: str = DEMO_STAFF) -> Step:
    return Step(
        after,
        lambda lead, user, now: triage.assign_lead(lead, to=user, by=user),
        by,
        takes_the_lead=True,
    )


def call(after: timedelta, outcome: str, note: str = "", by: str = DEMO_STAFF) -> Step:
    return Step(
        after,
        lambda lead, user, now: triage.log_call(lead, by=user, outcome=outcome, note=note),
        by,
    )


def text_sent(after: timedelta, note: str) -> Step:
    return Step(
        after,
        lambda lead, user, now: triage.log_message_sent(
            lead, by=user, kind=ActivityKind.TEXT_SENT, note=note
        ),
    )


def wrote_note(after: timedelta, text: str, by: str = DEMO_STAFF) -> Step:
    return Step(after, lambda lead, user, now: triage.add_note(lead, by=user, note=text), by)


def move(after: timedelta, to: str, note: str = "", by: str = DEMO_STAFF) -> Step:
    return Step(
        after, lambda lead, user, now: triage.change_status(lead, by=user, to=to, note=note), by
    )


def close(after: timedelta, outcome: str, note: str = "", referred_to: str = "") -> Step:
    return Step(
        after,
        lambda lead, user, now: triage.close_lead(
            lead, by=user, outcome=outcome, referred_to=referred_to, note=note
        ),
    )


def call_back_tomorrow(after: timedelta, hour: int, note: str) -> Step:
    """A call-back due tomorrow at `hour`, local time (computed when the demo is seeded)."""

    def schedule(lead, user, now):
        tomorrow = timezone.localtime(now).date() + timedelta(days=1)
        due_at = timezone.make_aware(datetime.combine(tomorrow, time(hour)))
        return triage.schedule_call_back(lead, by=user, due_at=due_at, note=note)

    return Step(after, schedule)


@dataclass(frozen=True)
class DemoLead:
    key: str
    received_ago: timedelta
    request: ConsultationRequest
    attribution: dict = field(default_factory=dict)
    screening: Screening | None = None
    steps: tuple[Step, ...] = ()


def person(first_name: str, last_name: str, number: int, message: str, **fields):
    """A made-up requester: a 555-01xx number (reserved for fiction) and an example.com address."""
    return ConsultationRequest(
        first_name=first_name,
        last_name=f"{last_name}{DEMO_SURNAME_SUFFIX}",
        phone=PhoneNumber.from_string(f"+1617555{number:04d}"),
        email=f"{first_name}.{last_name}@{DEMO_EMAIL_DOMAIN}".lower(),
        message=f"{DEMO_NOTE} {message}",
        consent_given=True,
        **{"for_whom": ForWhom.SELF, "preferred_contact": ContactMethod.CALL, **fields},
    )


MINUTES, HOURS, DAYS = (timedelta(minutes=1), timedelta(hours=1), timedelta(days=1))
SEARCH_AD = {
    "landing_page": "/programs/intensive-outpatient/",
    "utm_source": "google",
    "utm_medium": "cpc",
    "utm_campaign": "demo-campaign",
}
FROM_SEARCH = {"landing_page": "/", "referrer": "https://www.bing.com/"}
FROM_ARTICLE = {"landing_page": "/articles/", "referrer": "https://www.facebook.com/"}

DEMO_LEADS = [
    # Urgent, minutes old, nobody has called yet: the top of the list, with a red flag.
    DemoLead(
        "urgent",
        6 * MINUTES,
        person(
            "Avery",
            "Example",
            101,
            "My son Jamie told me tonight that he does not want to be alive anymore. He is "
            "safe at home with me right now. Please call as soon as you can.",
            for_whom=ForWhom.SOMEONE_ELSE,
            relationship=Relationship.PARENT,
            patient_first_name="Jamie",
            program="inpatient",
        ),
        attribution=FROM_SEARCH,
    ),
    # Not urgent, but past the 15-minute target without a call: overdue.
    DemoLead(
        "overdue",
        40 * MINUTES,
        person(
            "Jordan",
            "Sample",
            102,
            "I have been drinking more than I want to since the winter and would like to hear "
            "about the evening outpatient groups.",
            program="intensive-outpatient",
            best_time=BestTime.EVENING,
            payment=Payment.INSURANCE,
            insurance_carrier="Demo Health Plan (fictional)",
            referral_source=ReferralSource.SEARCH,
        ),
        attribution=SEARCH_AD,
    ),
    # Two calls unanswered and a text in between.
    DemoLead(
        "no-answer",
        1 * DAYS + 2 * HOURS,
        person(
            "Riley",
            "Placeholder",
            103,
            "Looking for help with anxiety and sleep. I work days, so a text first is best.",
            preferred_contact=ContactMethod.TEXT,
            referral_source=ReferralSource.SOCIAL,
        ),
        attribution=FROM_ARTICLE,
        steps=(
            take(3 * MINUTES),
            call(9 * MINUTES, CallOutcome.NO_ANSWER),
            text_sent(11 * MINUTES, "Texted that we called and will try again this evening."),
            call(5 * HOURS, CallOutcome.NO_ANSWER, "Rang out, no voicemail set up."),
        ),
    ),
    # A voicemail, and a call-back promised for tomorrow morning.
    DemoLead(
        "call-back",
        4 * HOURS,
        person(
            "Morgan",
            "Fictional",
            104,
            "My husband Alex is ready to talk about treatment for his opioid use. We would like "
            "to hear about partial hospitalization.",
            for_whom=ForWhom.SOMEONE_ELSE,
            relationship=Relationship.PARTNER,
            patient_first_name="Alex",
            program="partial-hospitalization",
            payment=Payment.INSURANCE,
            insurance_carrier="Demo Health Plan (fictional)",
            insurance_member_id="DEMO-0000104",
            insurance_subscriber=Subscriber.SELF,
            referral_source=ReferralSource.FAMILY_FRIEND,
        ),
        steps=(
            take(2 * MINUTES),
            call(7 * MINUTES, CallOutcome.VOICEMAIL, "Left our number and the reference."),
            call_back_tomorrow(
                1 * HOURS, 10, "She texted back: a call in the morning, after 10, is best."
            ),
        ),
    ),
    # Reached on the first call.
    DemoLead(
        "contacted",
        1 * DAYS + 5 * HOURS,
        person(
            "Casey",
            "Pretend",
            105,
            "I finished a program elsewhere last year and would like aftercare support closer "
            "to home.",
            program="aftercare",
            preferred_contact=ContactMethod.EMAIL,
            referral_source=ReferralSource.ALUMNI,
        ),
        steps=(
            take(4 * MINUTES),
            call(
                12 * MINUTES,
                CallOutcome.REACHED,
                "Spoke for 20 minutes. Wants Tuesday evening groups; will send dates.",
            ),
            wrote_note(30 * MINUTES, "E-mailed the aftercare schedule from the desk mailbox."),
        ),
    ),
    # Reached, benefits being checked.
    DemoLead(
        "insurance",
        2 * DAYS + 3 * HOURS,
        person(
            "Quinn",
            "Madeup",
            106,
            "Asking about intensive outpatient care for my daughter Robin. We have insurance "
            "through my job.",
            for_whom=ForWhom.SOMEONE_ELSE,
            relationship=Relationship.PARENT,
            patient_first_name="Robin",
            program="intensive-outpatient",
            payment=Payment.INSURANCE,
            insurance_carrier="Demo Health Plan (fictional)",
            insurance_member_id="DEMO-0000106",
            insurance_group_number="DEMO-GRP-6",
            insurance_subscriber=Subscriber.OTHER,
            referral_source=ReferralSource.CLINICIAN,
        ),
        attribution=FROM_SEARCH,
        steps=(
            take(5 * MINUTES),
            call(8 * MINUTES, CallOutcome.REACHED, "Talked with Quinn; Robin joined the call."),
            move(
                25 * MINUTES,
                Status.INSURANCE_VERIFICATION,
                "Benefits check sent to the insurer; answer expected within a day.",
            ),
        ),
    ),
    # Benefits checked, assessment booked.
    DemoLead(
        "assessment",
        3 * DAYS + 1 * HOURS,
        person(
            "Taylor",
            "Notreal",
            107,
            "My doctor suggested a higher level of care for depression. Mornings are easiest "
            "for me.",
            program="partial-hospitalization",
            best_time=BestTime.MORNING,
            payment=Payment.INSURANCE,
            insurance_carrier="Demo Health Plan (fictional)",
            referral_source=ReferralSource.CLINICIAN,
        ),
        steps=(
            take(6 * MINUTES),
            call(10 * MINUTES, CallOutcome.REACHED),
            move(40 * MINUTES, Status.INSURANCE_VERIFICATION),
            move(
                1 * DAYS,
                Status.ASSESSMENT_SCHEDULED,
                "Covered in network. Assessment booked for Thursday at 9:30.",
            ),
        ),
    ),
    # All the way through: admitted (handled by the supervisor).
    DemoLead(
        "admitted",
        6 * DAYS,
        person(
            "Rowan",
            "Dummy",
            108,
            "I would like to start the residential program as soon as a bed is free.",
            program="inpatient",
            payment=Payment.SELF_PAY,
            referral_source=ReferralSource.HOSPITAL,
        ),
        attribution=SEARCH_AD,
        steps=(
            take(3 * MINUTES, by=DEMO_SUPERVISOR),
            call(5 * MINUTES, CallOutcome.REACHED, by=DEMO_SUPERVISOR),
            move(20 * MINUTES, Status.INSURANCE_VERIFICATION, by=DEMO_SUPERVISOR),
            move(3 * HOURS, Status.ASSESSMENT_SCHEDULED, by=DEMO_SUPERVISOR),
            move(
                1 * DAYS + 4 * HOURS,
                Status.ADMITTED,
                "Admitted to the residential unit this afternoon.",
                by=DEMO_SUPERVISOR,
            ),
        ),
    ),
    # Closed: we do not treat adolescents, so referred to a (made-up) program that does.
    DemoLead(
        "referred-out",
        2 * DAYS + 6 * HOURS,
        person(
            "Emerson",
            "Specimen",
            109,
            "Looking for help for my fifteen-year-old son, who has started using cannabis every "
            "day.",
            for_whom=ForWhom.SOMEONE_ELSE,
            relationship=Relationship.PARENT,
            patient_first_name="Kai",
        ),
        steps=(
            take(4 * MINUTES),
            call(9 * MINUTES, CallOutcome.REACHED),
            close(
                30 * MINUTES,
                CloseOutcome.REFERRED_OUT,
                "We treat adults only; gave the family the number of an adolescent program.",
                referred_to="Demo Youth Counseling Center (fictional), Worcester",
            ),
        ),
    ),
    # Closed: not something the center offers.
    DemoLead(
        "not-a-fit",
        4 * DAYS + 2 * HOURS,
        person(
            "Sage",
            "Mockton",
            110,
            "Do you offer couples counseling? That is the only thing we are looking for.",
            preferred_contact=ContactMethod.EMAIL,
        ),
        steps=(
            take(5 * MINUTES),
            call(15 * MINUTES, CallOutcome.REACHED),
            close(20 * MINUTES, CloseOutcome.NOT_A_FIT, "Looking for couples counseling only."),
        ),
    ),
    # Came in while the form asked for a proof of work, without one: held, announced to nobody
    # until someone reviews it (Review filter, then the "Release" action).
    DemoLead(
        "held",
        25 * MINUTES,
        person(
            "Parker",
            "Testwood",
            111,
            "Please call me about the outpatient program, any time after 3 pm.",
            best_time=BestTime.AFTERNOON,
        ),
        screening=Screening(held_reason=HoldReason.ADDRESS_LIMIT),
    ),
    # A field people never see was filled in: closed as suspected spam at once (Review filter;
    # "Not spam" reopens it).
    DemoLead(
        "spam",
        1 * DAYS + 8 * HOURS,
        person(
            "Hayden",
            "Demoson",
            112,
            "Great website! We can bring you more visitors, reply for our offer.",
        ),
        screening=Screening(bot_signals=(BotSignal.HONEYPOT,)),
    ),
]

# Routing happens within a minute of a request arriving.
ROUTED_AFTER = 1 * MINUTES


def _intake_id(demo: DemoLead) -> str:
    return f"{INTAKE_ID_PREFIX}{demo.key}"


def demo_leads():
    return Lead.objects.filter(intake_id__startswith=INTAKE_ID_PREFIX)


def _ensure_leads(users: dict) -> int:
    """Each demo lead not there yet, received and worked as the desk would have; returns how
    many were made."""
    now = timezone.now()
    made = 0
    for demo in DEMO_LEADS:
        if Lead.objects.filter(intake_id=_intake_id(demo)).exists():
            continue
        # All of a lead or none of it, so a failed run leaves no half-worked lead behind.
        with transaction.atomic():
            _make_lead(demo, users, now)
        made += 1
    return made


def _make_lead(demo: DemoLead, users: dict, now: datetime) -> None:
    received_at = now - demo.received_ago
    lead = receive_consultation_request(
        demo.request,
        attribution=demo.attribution,
        intake_id=_intake_id(demo),
        received_at=received_at,
        screening=demo.screening,
    )
    # Closed at intake (suspected spam): then, not now.
    Lead.objects.filter(pk=lead.pk, closed_at__isnull=False).update(closed_at=received_at)
    steps = list(demo.steps)
    if lead.in_pipeline:
        # Whoever the demo has take the lead has it before the rota is asked: the rota of the
        # hour the demo is seeded (the supervisor's, at night) must not decide who may take it.
        if steps and steps[0].takes_the_lead:
            taken = steps.pop(0)
            _as_if_at(
                lead,
                received_at + taken.after,
                lambda: taken.action(lead, users[taken.by], now),
            )
        # Routed now rather than by the follow-up once this commits, so that the steps below
        # come after it (the follow-up finds it routed and leaves it).
        _as_if_at(lead, received_at + ROUTED_AFTER, lambda: route_lead(lead))
    for step in steps:
        _as_if_at(
            lead,
            received_at + step.after,
            lambda step=step: step.action(lead, users[step.by], now),
        )


def _as_if_at(lead: Lead, when: datetime, action: Callable[[], object]) -> None:
    """Do `action` (a desk service) now, then date what it recorded at `when`, so the timeline
    and the speed-to-lead figures read as if it had been done then."""
    started = timezone.now()
    action()
    Activity.objects.filter(lead=lead, created_at__gte=started).update(created_at=when)
    call_backs = CallBack.objects.filter(lead=lead)
    for name in ("created_at", "done_at", "cancelled_at"):
        call_backs.filter(**{f"{name}__gte": started}).update(**{name: when})
    for name in ("routed_at", "assigned_at", "contacted_at", "closed_at"):
        Lead.objects.filter(pk=lead.pk, **{f"{name}__gte": started}).update(**{name: when})


@contextmanager
def _messages_kept_on_this_machine():
    """The demo leads are announced as real ones are (when tasks run in this process, as without
    REDIS_URL), but into an in-memory outbox: nothing about a made-up person goes to a mail
    server, chat room or inbox set up in .env, and seeding works without any of them. The
    desk then shows the leads as followed up, as it would real ones."""
    with override_settings(
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        ADMISSIONS_STAFF_CHANNELS=["admissions.channels.EmailChannel"],
    ):
        yield


# --- Seeding -----------------------------------------------------------------------------------


def seed(stdout) -> None:
    if not settings.DEBUG:
        stdout.write("Skipped the admissions desk demo (users, leads, on-call rota): DEBUG is off.")
        if _demo_users_present():
            stdout.write(
                "Warning: demo desk users (demo-staff, …) exist in this database, with a known "
                "password. Delete them before this database serves anyone."
            )
        return
    users = _ensure_users()
    shifts = _ensure_on_call_rota(users)
    with _messages_kept_on_this_machine():
        made = _ensure_leads(users)
    total = demo_leads().count()
    stdout.write(
        f"Admissions desk demo: {made} demo leads created ({total} in all), "
        f"{shifts} weekly on-call shifts created."
    )
    if not settings.CELERY_TASK_ALWAYS_EAGER:
        stdout.write(
            "  REDIS_URL is set: a running Celery worker announces new demo leads with its own "
            "mail settings."
        )
    _print_sign_in(stdout)


def _print_sign_in(stdout) -> None:
    admin_url = f"{settings.SITE_URL}/{settings.ADMIN_URL}"
    stdout.write(f"Demo desk users, at {admin_url} (user name / password):")
    for demo in DEMO_USERS:
        stdout.write(f"  {demo.username:<15} / {DEMO_PASSWORD}   {demo.role}")
    if getattr(settings, "ADMIN_REQUIRE_2FA", False):
        stdout.write(
            "  Two-factor sign-in is on (ADMIN_REQUIRE_2FA): after the password, set up an "
            "authenticator app when asked."
        )
    else:
        stdout.write(
            "  Two-factor sign-in is off while DEBUG is on (ADMIN_REQUIRE_2FA), so the password "
            "is enough."
        )
    stdout.write(
        f"  On call: {DEMO_STAFF} 7:00–19:00, {DEMO_SUPERVISOR} 19:00–7:00, every day.\n"
        "  To try on the desk (Admissions › Leads): the urgent lead at the top, the overdue one,\n"
        "  log a call or schedule a call-back, move a lead along or close it, the Review filter\n"
        "  for the held and spam requests; sign in as each user to see what each role can do."
    )
