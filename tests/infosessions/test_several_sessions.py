"""One person may hold places at several sessions (staff give a lead a place at each): what
happens to one place, or to one session, never touches their messages about another."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from admissions.models import Dispatch, Purpose
from admissions.services import sweep_unfinished_follow_ups
from infosessions import services
from tests.admissions.factories import LeadFactory
from tests.infosessions.factories import InfoSessionFactory, VirtualSessionFactory

pytestmark = pytest.mark.django_db

ROBIN = "robin@example.org"


@pytest.fixture
def broker_down(monkeypatch):
    """Messages are made but their delivery task is lost (a worker killed, Redis restarting)."""
    monkeypatch.setattr("infosessions.services.publish_quickly", lambda task, *args: False)
    return monkeypatch


@pytest.fixture
def robin():
    return LeadFactory(first_name="Robin", email=ROBIN)


def a_place(session, lead, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return services.give_a_place(session.pk, lead.pk, by=None)


def confirmation_of(registration) -> Dispatch:
    return Dispatch.objects.get(
        purpose=Purpose.SESSION_CONFIRMATION, key=f"session_confirmation:{registration.pk}"
    )


def sweep(django_capture_on_commit_callbacks):
    """A few minutes later, the mail server and workers back: the sweep sends what is due."""
    with (
        time_machine.travel(timezone.now() + timedelta(minutes=5), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        sweep_unfinished_follow_ups()


def subjects_to(address: str) -> list[str]:
    return [message.subject for message in mail.outbox if message.to == [address]]


def test_giving_up_one_place_leaves_the_confirmation_of_another_to_be_sent(
    robin, broker_down, django_capture_on_commit_callbacks
):
    tuesday = InfoSessionFactory(starts_at=timezone.now() + timedelta(days=2))
    thursday = InfoSessionFactory(starts_at=timezone.now() + timedelta(days=4))
    on_tuesday = a_place(tuesday, robin, django_capture_on_commit_callbacks)
    on_thursday = a_place(thursday, robin, django_capture_on_commit_callbacks)  # not sent yet

    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_registration(on_tuesday.pk)
    broker_down.undo()
    sweep(django_capture_on_commit_callbacks)

    assert confirmation_of(on_tuesday).given_up_at is not None
    assert confirmation_of(on_thursday).sent_at is not None
    assert sum(subject.endswith("is confirmed") for subject in subjects_to(ROBIN)) == 1


def test_calling_one_session_off_leaves_the_confirmation_of_another_to_be_sent(
    robin, broker_down, django_capture_on_commit_callbacks
):
    called_off = InfoSessionFactory(starts_at=timezone.now() + timedelta(days=2))
    held = InfoSessionFactory(starts_at=timezone.now() + timedelta(days=4))
    a_place(called_off, robin, django_capture_on_commit_callbacks)
    at_the_one_held = a_place(held, robin, django_capture_on_commit_callbacks)

    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_session(called_off.pk)
    broker_down.undo()
    sweep(django_capture_on_commit_callbacks)

    assert confirmation_of(at_the_one_held).sent_at is not None
    assert sum(subject.startswith("Cancelled") for subject in subjects_to(ROBIN)) == 1


def test_a_change_to_one_session_sends_its_update_and_leaves_another_s_confirmation_alone(
    robin, broker_down, django_capture_on_commit_callbacks
):
    changed = VirtualSessionFactory(starts_at=timezone.now() + timedelta(days=2))
    other = InfoSessionFactory(starts_at=timezone.now() + timedelta(days=4))
    broker_down.undo()
    a_place(changed, robin, django_capture_on_commit_callbacks)  # its confirmation is sent
    broker_down.setattr("infosessions.services.publish_quickly", lambda task, *args: False)
    at_the_other = a_place(other, robin, django_capture_on_commit_callbacks)  # not sent yet
    changed.meeting_url = "https://meet.example.org/new-room"
    changed.save()

    with django_capture_on_commit_callbacks(execute=True):
        services.session_changed(changed, {"meeting_url"})
    broker_down.undo()
    sweep(django_capture_on_commit_callbacks)

    told = subjects_to(ROBIN)
    assert sum(subject.endswith("is confirmed") for subject in told) == 2  # one for each place
    assert sum(subject.startswith("Changed") for subject in told) == 1
    (update,) = Dispatch.objects.filter(purpose=Purpose.SESSION_UPDATE)
    assert "new-room" in update.body
    assert confirmation_of(at_the_other).sent_at is not None
