import time

import pytest
import time_machine
from django.test import Client

from admissions.bot_traps import new_form_token
from tests.admissions.factories import AdmissionsStaffFactory, SupervisorFactory
from tests.staff_sign_in import sign_in


def form_token_shown(seconds_ago: float) -> str:
    """A form token as if the form had been shown this many seconds ago."""
    with time_machine.travel(time.time() - seconds_ago, tick=False):
        return new_form_token()


def form_data(**overrides) -> dict[str, str]:
    """What a person filling in /get-help/ for themselves sends, a minute after opening it."""
    data = {
        "for_whom": "self",
        "first_name": "Jordan",
        "last_name": "Avery",
        "relationship": "",
        "patient_first_name": "",
        "phone": "(617) 555-0188",
        "email": "jordan.avery@example.org",
        "preferred_contact": "call",
        "best_time": "evening",
        "program": "",
        "payment": "insurance",
        "insurance_carrier": "Harbor Health Plan",
        "insurance_member_id": "HHP123456789",
        "insurance_group_number": "GRP-4477",
        "insurance_subscriber": "self",
        "message": "I have been struggling with drinking since my divorce.",
        "referral_source": "search",
        "consent": "on",
        "website": "",
        "form_token": form_token_shown(seconds_ago=60),
    }
    return {**data, **overrides}


@pytest.fixture
def post_form(client, django_capture_on_commit_callbacks):
    """POST the consultation form and run what it queues on commit, as a real request would."""

    def post(data=None, **extra):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post("/get-help/", data or form_data(), **extra)

    return post


@pytest.fixture
def staff_member(db):
    return AdmissionsStaffFactory(first_name="Casey", last_name="Morgan")


@pytest.fixture
def desk(client, staff_member):
    """A browser signed in to the desk (password and second factor) as an admissions staffer."""
    sign_in(client, staff_member)
    return client


@pytest.fixture
def supervisor_desk(db):
    """A browser of its own signed in as a supervisor (beside `desk`, if a test wants both)."""
    client = Client()
    supervisor = SupervisorFactory(first_name="Dana", last_name="Chief")
    sign_in(client, supervisor)
    client.user = supervisor
    return client
