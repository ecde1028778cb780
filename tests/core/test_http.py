import ipaddress

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from core import http
from core.http import client_ip


@pytest.fixture
def proxy_at_10_0_0_2(settings):
    settings.FORWARDED_ALLOW_IPS = ["10.0.0.0/8"]
    settings.TRUSTED_PROXY_NETWORKS = [ipaddress.ip_network("10.0.0.0/8")]


@pytest.mark.parametrize(
    ("proxies", "forwarded_for", "expected"),
    [
        (0, "203.0.113.7", "10.0.0.2"),  # no proxy trusted: the connection's address
        (1, "", "10.0.0.2"),  # no header: the connection's address, never no limit at all
        (1, "203.0.113.7", "203.0.113.7"),
        (1, "192.0.2.1, 203.0.113.7", "203.0.113.7"),  # the client's own entry is ignored
        (2, "192.0.2.1, 203.0.113.7, 10.0.0.9", "203.0.113.7"),
        (3, "203.0.113.7", "203.0.113.7"),  # fewer entries than proxies: the first
    ],
)
def test_client_ip_trusts_only_the_configured_proxies(
    settings, proxy_at_10_0_0_2, proxies, forwarded_for, expected
):
    settings.TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded_for)

    assert client_ip(request) == expected


def test_a_forwarded_for_from_anyone_but_the_proxy_is_ignored(settings, proxy_at_10_0_0_2):
    settings.TRUSTED_PROXY_COUNT = 1
    request = RequestFactory().get(
        "/", REMOTE_ADDR="198.51.100.9", HTTP_X_FORWARDED_FOR="203.0.113.7"
    )

    assert client_ip(request) == "198.51.100.9"


def test_a_star_trusts_any_connection_as_the_proxy(settings):
    settings.TRUSTED_PROXY_COUNT, settings.FORWARDED_ALLOW_IPS = 1, ["*"]
    request = RequestFactory().get(
        "/", REMOTE_ADDR="198.51.100.9", HTTP_X_FORWARDED_FOR="203.0.113.7"
    )

    assert client_ip(request) == "203.0.113.7"


@pytest.mark.parametrize(
    "attributes",
    [
        {"max_age": 31449600, "samesite": "Lax"},  # the CSRF cookie's
        {"max_age": 43200, "secure": True, "httponly": True, "samesite": "Lax"},  # the visit's
        {"max_age": 60, "path": "/get-help/", "domain": "example.org", "samesite": "Strict"},
    ],
)
@pytest.mark.parametrize("value", ["aB3" * 10, "eyJsIjoiLyJ9:1vS8dx:Qm9vaw", "with space;"])
def test_a_quick_cookie_is_the_one_django_sets(time_machine, attributes, value):
    time_machine.move_to("2026-12-07 03:00:00.750 +00:00", tick=False)
    by_django, quickly = HttpResponse(), HttpResponse()

    by_django.set_cookie("name", value, **attributes)
    http.set_cookie(quickly, "name", value, **attributes)

    assert quickly.cookies.output() == by_django.cookies.output()


def test_quick_cookies_set_in_the_same_second_are_each_their_own(time_machine):
    time_machine.move_to("2026-12-07 03:00:00 +00:00", tick=False)
    first, second = HttpResponse(), HttpResponse()

    http.set_cookie(first, "csrftoken", "first-visitor", max_age=60)
    http.set_cookie(second, "csrftoken", "second-visitor", max_age=60)
    time_machine.move_to("2026-12-07 03:00:01 +00:00", tick=False)
    http.set_cookie(later := HttpResponse(), "csrftoken", "later", max_age=60)

    assert first.cookies["csrftoken"].value == "first-visitor"
    assert second.cookies["csrftoken"].value == "second-visitor"
    assert first.cookies["csrftoken"]["expires"] == "Mon, 07 Dec 2026 03:01:00 GMT"
    assert later.cookies["csrftoken"]["expires"] == "Mon, 07 Dec 2026 03:01:01 GMT"
