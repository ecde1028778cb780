"""Demo content for the center: a second place, its licences, its people and the insurance plans
it takes. Every name, number and address here is made up.

The profile and the main place come from migration 0002 and are left as they are; each row here
is keyed on a natural key (the place's or credential's name, a person's slug, a carrier's name),
so running this again creates only what is missing and changes nothing that exists.
"""

from django.db import transaction

from center.defaults import ensure_profile
from center.models import (
    CenterProfile,
    Credential,
    CredentialKind,
    InsuranceCarrier,
    Person,
    Place,
    Team,
)

PLACES = [
    {
        "name": "Framingham: outpatient office",
        "street_address": "48 Millbrook Way, Suite 210",
        "city": "Framingham",
        "state": "MA",
        "postal_code": "01702",
        "hours": """\
Groups: Monday to Friday, 9 am to 8 pm
Individual appointments: Monday to Saturday, 8 am to 6 pm
Admissions: by phone, 24 hours a day, every day""",
        "directions": "By train, take the MBTA commuter rail (Framingham/Worcester Line) to "
        "Framingham; the office is about a ten-minute walk from the station, and local buses "
        "stop at the corner. By car, there is free parking behind the building, with accessible "
        "spaces next to the rear entrance. The elevator is just inside that entrance; check in "
        "at the front desk on the second floor.",
        "order": 10,
    },
]

# Made-up numbers, so that nobody mistakes a demo licence for a real one.
CREDENTIALS = [
    {
        "kind": CredentialKind.LICENCE,
        "name": "Licensed substance use treatment program",
        "issuer": "Massachusetts Department of Public Health, Bureau of Substance Addiction "
        "Services",
        "number": "DEMO-0001",
        "url": "https://www.mass.gov/",
        "order": 10,
    },
    {
        "kind": CredentialKind.LICENCE,
        "name": "Licensed mental health services",
        "issuer": "Massachusetts Department of Mental Health",
        "number": "DEMO-0002",
        "url": "https://www.mass.gov/",
        "order": 20,
    },
    {
        "kind": CredentialKind.ACCREDITATION,
        "name": "Accredited behavioral health programs (demo)",
        "issuer": "Commonwealth Behavioral Health Accreditation Council (demo)",
        "number": "DEMO-0003",
        "url": "",
        "order": 30,
    },
]

PEOPLE = [
    {
        "slug": "miriam-okafor-hale",
        "name": "Miriam Okafor-Hale",
        "credentials": "MD",
        "role": "Medical director",
        "team": Team.LEADERSHIP,
        "bio": "Miriam is a psychiatrist who has spent most of her career treating people with "
        "both a mental health condition and a substance use disorder. She oversees medical care "
        "at every level, from withdrawal management to outpatient visits, and still sees "
        "patients every week.",
        "order": 10,
    },
    {
        "slug": "daniel-ashworth",
        "name": "Daniel Ashworth",
        "credentials": "PhD",
        "role": "Clinical director",
        "team": Team.LEADERSHIP,
        "bio": "Daniel is a clinical psychologist who leads our therapists and the way our "
        "programs are run day to day. He trained in cognitive behavioral therapy and dialectical "
        "behavior therapy, and he cares most about making skills practical enough to use on a "
        "hard evening at home.",
        "order": 20,
    },
    {
        "slug": "renata-coelho",
        "name": "Renata Coelho",
        "credentials": "LICSW",
        "role": "Director of admissions",
        "team": Team.LEADERSHIP,
        "bio": "Renata runs the admissions team that answers the phone day and night. Before "
        "joining us she worked for years in a hospital emergency department, and she knows how "
        "much a patient, unhurried first call can matter to someone who is frightened.",
        "order": 30,
    },
    {
        "slug": "samuel-idowu",
        "name": "Samuel Idowu",
        "credentials": "MD",
        "role": "Psychiatrist",
        "team": Team.CLINICAL,
        "bio": "Samuel sees patients in our inpatient and partial hospitalization programs. He "
        "explains the reasons for each medication and its likely side effects in plain words, "
        "and he makes changes together with the person taking it.",
        "order": 40,
    },
    {
        "slug": "colleen-fairbanks",
        "name": "Colleen Fairbanks",
        "credentials": "RN, CARN",
        "role": "Nurse manager",
        "team": Team.CLINICAL,
        "bio": "Colleen leads the nursing team on the residential unit and is certified in "
        "addictions nursing. She is often the first person people meet on arrival, and she "
        "makes sure everyone knows what the next few hours will look like.",
        "order": 50,
    },
    {
        "slug": "jonah-whitcombe",
        "name": "Jonah Whitcombe",
        "credentials": "LMHC",
        "role": "Therapist, intensive outpatient program",
        "team": Team.CLINICAL,
        "bio": "Jonah leads the evening groups in our intensive outpatient program, in person in "
        "Framingham and by video. He focuses on relapse prevention and on the routines, like "
        "sleep and meals, that tend to slip first when things get harder.",
        "order": 60,
    },
    {
        "slug": "ana-lindqvist",
        "name": "Ana Lindqvist",
        "credentials": "LICSW",
        "role": "Family therapist",
        "team": Team.CLINICAL,
        "bio": "Ana works with the families and partners of people in treatment, in family "
        "sessions and in the monthly family evening. She helps relatives understand what their "
        "loved one is working on, and how to look after themselves along the way.",
        "order": 70,
    },
    {
        "slug": "harriet-osei",
        "name": "Harriet Osei",
        "credentials": "NP",
        "role": "Psychiatric nurse practitioner and clinical reviewer",
        "team": Team.CLINICAL,
        "bio": "Harriet is a psychiatric nurse practitioner who reviews the articles on this "
        "site for accuracy before they are published. She checks that each one matches current "
        "clinical guidance and says clearly when someone should seek help in person.",
        "show_on_team_page": False,
        "order": 80,
    },
]

# Made-up plans, so that no visitor takes the demo list for a real insurer's network.
INSURANCE_CARRIERS = [
    ("Harborline Health Plan", "Including employer plans"),
    ("Pioneer Valley Mutual", ""),
    ("Northgate Assurance", "Commercial and Medicare Advantage plans"),
    ("Lanternfield Health", "Including marketplace plans"),
    ("Stonebridge Care Alliance", "Outpatient programs only"),
    ("Bluewater Commonwealth Plan", ""),
    ("Ferncliff Mutual Benefit", "Prior authorization needed for inpatient care"),
    ("Tidewater Employee Health Trust", "For members through participating employers"),
    ("Beaconway Health Cooperative", ""),
]


def _ensure_places(profile: CenterProfile) -> int:
    created = 0
    for data in PLACES:
        fields = {key: value for key, value in data.items() if key != "name"}
        _, was_created = Place.objects.get_or_create(
            profile=profile, name=data["name"], defaults=fields
        )
        created += was_created
    return created


def _ensure_credentials(profile: CenterProfile) -> int:
    created = 0
    for data in CREDENTIALS:
        fields = {key: value for key, value in data.items() if key != "name"}
        _, was_created = Credential.objects.get_or_create(
            profile=profile, name=data["name"], defaults=fields
        )
        created += was_created
    return created


def _ensure_people() -> int:
    created = 0
    for data in PEOPLE:
        fields = {key: value for key, value in data.items() if key != "slug"}
        _, was_created = Person.objects.get_or_create(slug=data["slug"], defaults=fields)
        created += was_created
    return created


def _ensure_insurance_carriers() -> int:
    created = 0
    for order, (name, note) in enumerate(INSURANCE_CARRIERS, start=1):
        _, was_created = InsuranceCarrier.objects.get_or_create(
            name=name, defaults={"note": note, "order": order * 10}
        )
        created += was_created
    return created


def seed(stdout) -> None:
    with transaction.atomic():
        # Made by migration 0002; made again here after a test run emptied the tables.
        ensure_profile(CenterProfile, Place)
        profile = CenterProfile.objects.get()
        places = _ensure_places(profile)
        credentials = _ensure_credentials(profile)
        people = _ensure_people()
        carriers = _ensure_insurance_carriers()
    stdout.write(
        f"Center: {places} of {len(PLACES)} demo places, {credentials} of {len(CREDENTIALS)} "
        f"credentials, {people} of {len(PEOPLE)} people and {carriers} of "
        f"{len(INSURANCE_CARRIERS)} insurance carriers created; the rest were already there."
    )
