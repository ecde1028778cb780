import ipaddress

import pytest
from django.test import RequestFactory

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
