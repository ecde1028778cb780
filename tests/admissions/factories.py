from datetime import timedelta

import factory
from django.contrib.auth.models import Group
from django.utils import timezone
from phonenumber_field.phonenumber import PhoneNumber

from admissions.consent import CONSENT_TEXT, CONSENT_VERSION
from admissions.models import ContactMethod, ForWhom, Lead, OnCallShift, WeeklyOnCallShift
from admissions.roles import MARKETING_GROUP, STAFF_GROUP, SUPERVISORS_GROUP
from admissions.services import ConsultationRequest
from tests.factories import UserFactory


class StaffFactory(UserFactory):
    is_staff = True
    email = factory.LazyAttribute(lambda user: f"{user.username}@resilience.example")


class SupervisorFactory(StaffFactory):
    @factory.post_generation
    def supervisor_group(self, create, extracted, **kwargs):
        if create:
            self.groups.add(Group.objects.get(name=SUPERVISORS_GROUP))


class AdmissionsStaffFactory(StaffFactory):
    """A member of the admissions team, in the Admissions staff group (the desk's permissions)."""

    @factory.post_generation
    def staff_group(self, create, extracted, **kwargs):
        if create:
            self.groups.add(Group.objects.get(name=STAFF_GROUP))


class MarketingFactory(StaffFactory):
    """Someone from marketing: staff (admin sign-in), in the Marketing group, no lead access."""

    @factory.post_generation
    def marketing_group(self, create, extracted, **kwargs):
        if create:
            self.groups.add(Group.objects.get(name=MARKETING_GROUP))


def consultation_request(**overrides) -> ConsultationRequest:
    fields = {
        "for_whom": ForWhom.SELF,
        "first_name": "Jordan",
        "last_name": "Avery",
        "phone": PhoneNumber.from_string("+16175550188"),
        "email": "jordan.avery@example.org",
        "preferred_contact": ContactMethod.CALL,
        "consent_given": True,
    }
    return ConsultationRequest(**{**fields, **overrides})


class LeadFactory(factory.django.DjangoModelFactory):
    """A stored lead, as if received earlier; use receive_consultation_request for new ones."""

    class Meta:
        model = Lead

    for_whom = ForWhom.SELF
    first_name = "Sam"
    last_name = "Rivera"
    phone = factory.Sequence(lambda n: f"+1617555{n % 10000:04d}")
    email = factory.Sequence(lambda n: f"sam{n}@example.org")
    preferred_contact = ContactMethod.CALL
    consent_text = CONSENT_TEXT
    consent_version = CONSENT_VERSION
    consented_at = factory.LazyFunction(timezone.now)


class OnCallShiftFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OnCallShift

    staff_member = factory.SubFactory(StaffFactory)
    starts_at = factory.LazyFunction(lambda: timezone.now() - timedelta(hours=1))
    ends_at = factory.LazyFunction(lambda: timezone.now() + timedelta(hours=7))


class WeeklyOnCallShiftFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WeeklyOnCallShift

    staff_member = factory.SubFactory(StaffFactory)
