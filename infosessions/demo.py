"""Demo information sessions: a few free sessions over the next three weeks, in person and online,
so the list of sessions is never empty on a fresh demo. Every link here is made up.

Dates follow the day the demo is seeded: each session falls on a set weekday and local time (6 pm
on a Tuesday, say), in the first, second or third week after today, in the center's time zone
(settings.TIME_ZONE; 6 pm stays 6 pm across a change of daylight-saving time). A session is keyed
on its title and start, so seeding again the same day creates nothing, and seeding on a later day
adds only the weeks now in reach; those already made (and any edits to them) are left alone.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from center.models import Person, Place
from infosessions.models import Format, InfoSession
from programs.models import Program

MONDAY, TUESDAY, WEDNESDAY, THURSDAY, FRIDAY, SATURDAY, SUNDAY = range(7)

# The demo's second place (center.demo); in person sessions elsewhere use the main place.
FRAMINGHAM = "Framingham: outpatient office"
MAIN = "main"


@dataclass(frozen=True)
class DemoSession:
    title: str
    program: str  # a program's slug (programs.demo); empty for the center as a whole
    host: str  # a person's slug (center.demo)
    weekday: int
    starts: time
    minutes: int
    # 0: the first such weekday after today; 1: a week later; 2: two weeks later.
    weeks: tuple[int, ...]
    capacity: int
    description: str
    place: str = ""  # in person: FRAMINGHAM or MAIN
    meeting_url: str = ""  # online

    @property
    def format(self) -> str:
        return Format.VIRTUAL if self.meeting_url else Format.IN_PERSON


SESSIONS = [
    DemoSession(
        title="Evening intensive outpatient program: an introduction",
        program="intensive-outpatient",
        host="jonah-whitcombe",
        weekday=TUESDAY,
        starts=time(18, 0),
        minutes=60,
        weeks=(0, 2),
        capacity=16,
        place=FRAMINGHAM,
        description="An hour in the room where the evening groups meet. Jonah, who leads them, "
        "walks through a typical week: which evenings you come in, what happens in a group, and "
        "how people fit treatment around work and family. Then there is time for your "
        "questions, asked aloud or written on a card. It is for anyone wondering whether the "
        "evening program could suit them or someone close to them. Family and friends are "
        "welcome, nobody is asked to share anything personal, and it costs nothing.",
    ),
    DemoSession(
        title="Partial hospitalization: what a day in the program looks like",
        program="partial-hospitalization",
        host="samuel-idowu",
        weekday=WEDNESDAY,
        starts=time(12, 0),
        minutes=45,
        weeks=(0,),
        capacity=30,
        meeting_url="https://meet.example.org/resilience-php-introduction",
        description="A short online session over the lunch hour. Dr. Idowu describes a day in "
        "the partial hospitalization program from arrival to going home: the groups, time with "
        "your therapist, how medication is looked after, and how people move on to fewer hours "
        "when they are ready. You can keep your camera off and ask questions in the chat. It "
        "is for people considering the program and for those who support them. It is free, and "
        "the link is sent once you register.",
    ),
    DemoSession(
        title="For families and partners: how treatment works and how to help",
        program="",
        host="ana-lindqvist",
        weekday=MONDAY,
        starts=time(19, 0),
        minutes=75,
        weeks=(1,),
        capacity=30,
        meeting_url="https://meet.example.org/resilience-families",
        description="An evening online for the people who care about someone who is "
        "struggling, whether or not that person is in treatment yet. Ana, a family therapist, "
        "explains what the levels of care mean, what happens in the first days, and what "
        "families can and cannot be told. Most of the time is for questions, including the "
        "hard ones: how to start the conversation, and how to look after yourself along the "
        "way. You do not need to say who you are worried about. There is no cost.",
    ),
    DemoSession(
        title="Inpatient and residential care: a visit and your questions",
        program="inpatient",
        host="colleen-fairbanks",
        weekday=SATURDAY,
        starts=time(10, 0),
        minutes=60,
        weeks=(1,),
        capacity=12,
        place=MAIN,
        description="A calm Saturday morning visit for anyone thinking about a residential "
        "stay, for themselves or for someone close to them. Colleen, who leads the nursing "
        "team, explains what the first day is like, what to bring, and how the days are spent, "
        "then shows the shared spaces (never anyone's room). There is plenty of time for "
        "questions, and the admissions team can check insurance afterwards for anyone who asks. "
        "Family members are welcome, and the visit is free.",
    ),
    DemoSession(
        title="Life after treatment: aftercare and alumni groups",
        program="aftercare",
        host="daniel-ashworth",
        weekday=THURSDAY,
        starts=time(18, 30),
        minutes=60,
        weeks=(2,),
        capacity=30,
        meeting_url="https://meet.example.org/resilience-aftercare",
        description="An online evening about the months after a program ends. Dr. Ashworth "
        "explains how an aftercare plan is written, what the weekly alumni groups are like, "
        "and what to do if things start to slip, including how to come back for more support "
        "quickly. It is for people finishing treatment, those who finished some time ago, and "
        "their families. Come with questions, or simply listen. It costs nothing.",
    ),
]


def seed(stdout) -> None:
    zone = ZoneInfo(settings.TIME_ZONE)
    today = timezone.localdate(timezone.now(), zone)
    with transaction.atomic():
        created, planned, skipped = _ensure_sessions(today, zone)
    stdout.write(
        f"Information sessions: {created} of {planned} upcoming demo sessions created; the rest "
        "were already there."
        + (f" Left out, their host, program or place missing: {skipped}." if skipped else "")
    )


def starts_at(session: DemoSession, week: int, today: date, zone: ZoneInfo) -> datetime:
    """The session's start in `week`: on its weekday, 1 to 7 days after today, then `week` weeks
    later; at its local time in `zone`."""
    days_ahead = (session.weekday - today.weekday() - 1) % 7 + 1 + 7 * week
    return datetime.combine(today + timedelta(days=days_ahead), session.starts, tzinfo=zone)


def _ensure_sessions(today: date, zone: ZoneInfo) -> tuple[int, int, int]:
    people = {person.slug: person for person in Person.objects.all()}
    programs = {program.slug: program for program in Program.objects.all()}
    places = list(Place.objects.order_by("order", "pk"))
    by_name = {place.name: place for place in places}
    main = next((place for place in places if place.name != FRAMINGHAM), None)
    created = planned = skipped = 0
    for session in SESSIONS:
        host = people.get(session.host)
        program = programs.get(session.program) if session.program else None
        place = main if session.place == MAIN else by_name.get(session.place)
        missing = (
            host is None
            or (session.program and program is None)
            or (session.place and place is None)
        )
        for week in session.weeks:
            planned += 1
            if missing:
                skipped += 1
                continue
            start = starts_at(session, week, today, zone)
            _, was_created = InfoSession.objects.get_or_create(
                title=session.title,
                starts_at=start,
                defaults={
                    "program": program,
                    "description": session.description,
                    "ends_at": start + timedelta(minutes=session.minutes),
                    "format": session.format,
                    "place": place if session.format == Format.IN_PERSON else None,
                    "meeting_url": session.meeting_url,
                    "capacity": session.capacity,
                    "host": host,
                    "published": True,
                },
            )
            created += was_created
    return created, planned, skipped
