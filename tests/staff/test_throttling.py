import ipaddress
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from axes.models import AccessAttempt
from django.conf import settings
from django.test import RequestFactory
from django_otp import DEVICE_ID_SESSION_KEY

from staff.throttling import client_address
from tests.factories import SuperuserFactory
from tests.staff_sign_in import authenticator_for, current_code

pytestmark = pytest.mark.django_db

ADMIN = f"/{settings.ADMIN_URL}"
LOGIN = f"{ADMIN}login/"
VERIFY = f"{ADMIN}two-factor/verify/"
PASSWORD = "correct-horse-battery"
START = datetime(2026, 3, 2, 19, 0, tzinfo=UTC)  # 2:00 p.m. at the center


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def desk(clock):
    user = SuperuserFactory(username="desk", password=PASSWORD)
    authenticator_for(user)
    return user


@pytest.fixture
def behind_our_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.FORWARDED_ALLOW_IPS = ["10.0.0.0/8"]
    settings.TRUSTED_PROXY_NETWORKS = [ipaddress.ip_network("10.0.0.0/8")]


def sign_in_with(client, password, username="desk", **extra):
    return client.post(LOGIN, {"username": username, "password": password, "next": ADMIN}, **extra)


def fail(client, times, **extra):
    for _ in range(times):
        response = sign_in_with(client, "wrong-password", **extra)
        assert response.status_code == 200  # the sign-in page again, with its error
    return response


def test_five_wrong_passwords_pause_sign_in_with_a_calm_page(client, desk):
    fail(client, 4)

    response = sign_in_with(client, "wrong-password")
    html = response.content.decode()

    assert response.status_code == 429
    assert response["Retry-After"] == "900"
    assert "Sign-in paused" in html
    assert "try again at <strong>2:15 p.m.</strong> (in about 15 minutes)" in html
    assert "call the supervisor on duty" in html
    assert "Account locked" not in html  # not django-axes' own text


def test_the_right_password_is_refused_during_the_pause_and_does_not_extend_it(client, desk, clock):
    fail(client, 5 - 1)
    sign_in_with(client, "wrong-password")

    clock.shift(timedelta(minutes=10))
    response = sign_in_with(client, PASSWORD)
    assert response.status_code == 429
    assert "try again at <strong>2:15 p.m.</strong> (in about 5 minutes)" in (
        response.content.decode()
    )
    assert "_auth_user_id" not in client.session

    clock.shift(timedelta(minutes=5, seconds=1))
    assert sign_in_with(client, PASSWORD).status_code == 302


def test_the_pause_holds_one_username_from_one_address(client, desk):
    SuperuserFactory(username="colleague", password=PASSWORD)
    fail(client, 5 - 1)
    sign_in_with(client, "wrong-password")

    # A colleague at the same desk, and the same person elsewhere, still sign in.
    assert sign_in_with(client, PASSWORD, username="colleague").status_code == 302
    client.logout()
    assert sign_in_with(client, PASSWORD, REMOTE_ADDR="198.51.100.20").status_code == 302


def test_a_right_password_clears_earlier_mistakes(client, desk):
    fail(client, 4)
    assert sign_in_with(client, PASSWORD).status_code == 302
    client.logout()

    fail(client, 4)
    assert sign_in_with(client, PASSWORD).status_code == 302


def test_wrong_codes_count_too_and_end_the_session(client, desk):
    device = authenticator_for(desk)
    wrong = "000000" if current_code(device) != "000000" else "111111"
    sign_in_with(client, PASSWORD)

    for _ in range(4):
        device.throttle_reset()  # django-otp's own back-off between codes, not under test here
        assert client.post(VERIFY, {"code": wrong}).status_code == 200
    device.throttle_reset()
    response = client.post(VERIFY, {"code": wrong})

    assert response.status_code == 429
    assert "Sign-in paused" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert sign_in_with(client, PASSWORD).status_code == 429


def test_codes_typed_are_not_kept_in_the_attempt_records(client, desk):
    device = authenticator_for(desk)
    wrong = "000000" if current_code(device) != "000000" else "111111"
    sign_in_with(client, PASSWORD)

    client.post(VERIFY, {"code": wrong})

    attempt = AccessAttempt.objects.get()
    assert wrong not in attempt.post_data
    assert "wrong-password" not in attempt.post_data


def test_quick_retries_of_a_code_wait_a_moment(client, desk):
    device = authenticator_for(desk)
    wrong = "000000" if current_code(device) != "000000" else "111111"
    sign_in_with(client, PASSWORD)
    client.post(VERIFY, {"code": wrong})

    response = client.post(VERIFY, {"code": current_code(device)})

    assert "wait a moment to try again: 1 second" in response.content.decode()
    assert DEVICE_ID_SESSION_KEY not in client.session


def test_behind_our_proxy_the_pause_follows_the_forwarded_client_address(
    client, desk, behind_our_proxy
):
    via_proxy = {"REMOTE_ADDR": "10.0.0.2"}
    fail(client, 5 - 1, HTTP_X_FORWARDED_FOR="203.0.113.7", **via_proxy)
    response = sign_in_with(
        client, "wrong-password", HTTP_X_FORWARDED_FOR="203.0.113.7", **via_proxy
    )
    assert response.status_code == 429

    # Another client behind the same proxy is not paused.
    other = sign_in_with(
        client, PASSWORD, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.20"
    )
    assert other.status_code == 302
    # Nor is the paused one able to slip out by writing its own X-Forwarded-For entry first.
    client.logout()
    spoofed = sign_in_with(
        client, PASSWORD, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="192.0.2.1, 203.0.113.7"
    )
    assert spoofed.status_code == 429


def test_a_client_reaching_the_app_directly_cannot_dodge_the_pause_with_forwarded_for(
    client, desk, behind_our_proxy
):
    direct = {"REMOTE_ADDR": "198.51.100.9"}
    for attempt in range(5):
        sign_in_with(
            client, "wrong-password", HTTP_X_FORWARDED_FOR=f"203.0.113.{attempt}", **direct
        )

    response = sign_in_with(client, PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.99", **direct)

    assert response.status_code == 429


@pytest.mark.parametrize(
    ("remote", "forwarded_for", "expected"),
    [
        ("10.0.0.2", "203.0.113.7", "203.0.113.7"),
        ("10.0.0.2", "", "10.0.0.2"),
        ("10.0.0.2", "not-an-address", "10.0.0.2"),  # a broken header: the proxy, not an error
        ("198.51.100.9", "203.0.113.7", "198.51.100.9"),
        ("10.0.0.2", "2001:db8:1:2:aaaa::1", "2001:db8:1:2::"),  # a whole /64 counts as one
        ("10.0.0.2", "::ffff:203.0.113.7", "203.0.113.7"),
    ],
)
def test_the_client_address_is_the_one_the_rate_limits_use(
    behind_our_proxy, remote, forwarded_for, expected
):
    request = RequestFactory().post(LOGIN, REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded_for)

    assert client_address(request) == expected


def test_guessing_across_many_usernames_from_one_address_is_paused_too(client, desk):
    for attempt in range(30):
        # A different username each time: no single username reaches its own limit.
        assert sign_in_with(client, "wrong-password", username=f"guess{attempt}").status_code == 200

    response = sign_in_with(client, PASSWORD)  # even the right password, from this address

    assert response.status_code == 429
    assert "Sign-in paused" in response.content.decode()


def test_failures_from_one_address_do_not_pause_another(client, desk):
    for attempt in range(30):
        sign_in_with(client, "wrong-password", username=f"guess{attempt}")

    response = sign_in_with(client, PASSWORD, REMOTE_ADDR="192.0.2.44")

    assert response.status_code == 302
