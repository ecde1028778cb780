from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.conf import settings

from staff.middleware import DESK_POLL_HEADER
from tests.factories import SuperuserFactory
from tests.staff_sign_in import sign_in

pytestmark = pytest.mark.django_db

ADMIN = f"/{settings.ADMIN_URL}"
LOGIN = f"{ADMIN}login/"
PAGE = f"{ADMIN}core/sitepage/"
POLL = {"headers": {DESK_POLL_HEADER: "1"}}
START = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def signed_in(client, clock):
    sign_in(client, SuperuserFactory())
    assert client.get(ADMIN).status_code == 200  # the clock starts with their first request
    return client


def is_signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_staff_are_signed_out_after_15_minutes_without_activity(signed_in, clock):
    clock.shift(timedelta(minutes=15, seconds=1))

    response = signed_in.get(PAGE)

    assert response.status_code == 302
    assert response.url == f"{LOGIN}?next={PAGE}"
    assert not is_signed_in(signed_in)
    login_page = signed_in.get(response.url).content.decode()
    assert "You were signed out after 15 minutes without activity" in login_page


def test_activity_keeps_them_signed_in(signed_in, clock):
    for _ in range(4):
        clock.shift(timedelta(minutes=14))
        assert signed_in.get(PAGE).status_code == 200

    assert is_signed_in(signed_in)


def test_the_desks_background_polls_are_not_activity(signed_in, clock):
    for _ in range(3):
        clock.shift(timedelta(minutes=5))
        assert signed_in.get(ADMIN, **POLL).status_code == 200

    clock.shift(timedelta(seconds=1))
    response = signed_in.get(ADMIN, **POLL)

    assert response.status_code == 401
    assert response["Content-Type"] == "application/json"
    assert response.json()["signed_out"] is True
    assert response.json()["login_url"] == LOGIN
    assert not is_signed_in(signed_in)


def test_a_poll_from_a_session_that_is_over_gets_401_not_a_sign_in_page(client):
    response = client.get(ADMIN, **POLL)

    assert response.status_code == 401
    assert response.json()["signed_out"] is True


def test_a_poll_from_a_session_that_owes_its_code_gets_401(client):
    client.force_login(SuperuserFactory())

    assert client.get(ADMIN, **POLL).status_code == 401


def test_the_timeout_comes_from_the_settings(signed_in, clock, settings):
    settings.STAFF_IDLE_TIMEOUT_MINUTES = 5
    clock.shift(timedelta(minutes=5, seconds=1))

    response = signed_in.get(PAGE, follow=True)

    assert "You were signed out after 5 minutes without activity" in response.content.decode()


def test_staff_activity_on_public_pages_counts_too(client, signed_in, clock):
    clock.shift(timedelta(minutes=14))
    assert client.get("/").status_code == 200
    clock.shift(timedelta(minutes=14))

    assert client.get(PAGE).status_code == 200


def test_visitors_without_a_session_are_left_alone(client):
    response = client.get("/")

    assert response.status_code == 200
    assert "Cookie" not in response.get("Vary", "")
    assert "sessionid" not in response.cookies
