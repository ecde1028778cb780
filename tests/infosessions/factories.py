from datetime import timedelta

import factory
from django.utils import timezone

from infosessions.models import Format, InfoSession, Registration, Status
from tests.center.factories import PersonFactory, PlaceFactory


class InfoSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InfoSession

    title = factory.Sequence(lambda n: f"Evening IOP information session {n}")
    description = "How the evening program works, week to week, and your questions answered."
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=3))
    ends_at = factory.LazyAttribute(lambda session: session.starts_at + timedelta(hours=1))
    format = Format.IN_PERSON
    place = factory.SubFactory(PlaceFactory)
    capacity = 12
    host = factory.SubFactory(PersonFactory)
    published = True


class VirtualSessionFactory(InfoSessionFactory):
    format = Format.VIRTUAL
    place = None
    meeting_url = "https://meet.example.org/resilience-iop"


class RegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Registration

    session = factory.SubFactory(InfoSessionFactory)
    first_name = "Robin"
    last_name = factory.Sequence(lambda n: f"Example{n}")
    email = factory.Sequence(lambda n: f"robin{n}@example.org")
    status = Status.REGISTERED
