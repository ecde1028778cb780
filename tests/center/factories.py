import factory

from center.models import (
    CenterProfile,
    Credential,
    CredentialKind,
    InsuranceCarrier,
    Person,
    Place,
    Team,
)


def center_profile() -> CenterProfile:
    """The one profile, as migration 0002 made it (made again after a transactional flush)."""
    return CenterProfile.objects.get_or_create(
        id=CenterProfile.SINGLETON_ID,
        defaults={
            "name": "Resilience",
            "admissions_phone": "+16175550143",
            "home_headline": "Treatment that fits your life",
            "home_intro": "We help adults in Massachusetts.",
            "who_we_help_intro": "We treat:",
            "who_we_help": "Depression\nAnxiety",
            "mission": "Care close to home.",
            "approach": "Evidence first.",
            "insurance_intro": "Most people use insurance.",
            "verification": "We call your insurer.",
            "self_pay": "Ask us for our rates.",
        },
    )[0]


class PlaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Place

    profile = factory.LazyFunction(center_profile)
    name = factory.Sequence(lambda n: f"Office {n}")
    street_address = factory.Sequence(lambda n: f"{n} Example Street")
    city = "Worcester"
    state = "MA"
    postal_code = "01608"
    hours = "Groups: Monday to Friday, 9 am to 5 pm\nAdmissions: 24/7"
    directions = "Two blocks from Union Station. Free parking behind the building."
    order = factory.Sequence(lambda n: n + 100)


class CredentialFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Credential

    profile = factory.LazyFunction(center_profile)
    kind = CredentialKind.LICENCE
    name = factory.Sequence(lambda n: f"Licensed treatment program {n}")
    issuer = "Massachusetts Department of Public Health"
    number = factory.Sequence(lambda n: f"TEST-{n:04}")
    url = "https://www.mass.gov/"


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    name = factory.Sequence(lambda n: f"Jordan Example {n}")
    slug = factory.Sequence(lambda n: f"jordan-example-{n}")
    credentials = "LICSW"
    role = "Therapist"
    team = Team.CLINICAL
    bio = "Leads our family groups, and has worked with families in recovery for ten years."


class InsuranceCarrierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InsuranceCarrier
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Example Health Plan {n}")
