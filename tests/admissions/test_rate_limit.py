"""Five consultation requests per visitor address in ten minutes; after that the address is asked
for a proof of work, and its requests without one are stored but held for review, unannounced."""

import pytest
from django.core import mail

from admissions import proof_of_work
from admissions.models import Lead
from core.http import client_ip, rate_limit_key
from tests.admissions.conftest import form_data

pytestmark = pytest.mark.django_db


def send(post_form, n: int, **extra) -> list[int]:
    return [post_form(form_data(), **extra).status_code for _ in range(n)]


def held() -> int:
    return Lead.objects.held_for_review().count()


def test_the_sixth_request_in_ten_minutes_is_kept_but_held_and_announced_to_nobody(post_form):
    assert send(post_form, 5) == [302] * 5
    announced = len(mail.outbox)

    response = post_form(form_data())

    assert response.status_code == 302
    assert response.url == "/get-help/thanks/"  # a script learns nothing; a person loses nothing
    assert Lead.objects.count() == 6
    assert held() == 1
    assert len(mail.outbox) == announced


def test_past_the_limit_the_form_asks_for_a_proof_of_work(client, post_form):
    assert "data-proof-of-work" not in client.get("/get-help/").content.decode()
    send(post_form, 5)

    html = client.get("/get-help/").content.decode()

    assert "data-proof-of-work" in html


def test_past_the_limit_a_solved_proof_of_work_is_followed_up_as_usual(post_form, monkeypatch):
    send(post_form, 5)
    monkeypatch.setattr(
        proof_of_work, "solution_is_valid", lambda payload, **_: payload == "solved"
    )

    response = post_form(form_data(altcha="solved"))

    assert response.status_code == 302
    assert held() == 0
    assert Lead.objects.count() == 6


def test_five_double_clicks_that_make_one_lead_do_not_use_up_the_limit(post_form):
    data = form_data()
    assert send_same(post_form, data, 5) == [302] * 5
    assert Lead.objects.count() == 1

    for _ in range(4):
        post_form(form_data())

    assert Lead.objects.count() == 5
    assert held() == 0


def send_same(post_form, data, n):
    return [post_form(data).status_code for _ in range(n)]


def test_the_window_slides_rather_than_resetting_on_the_clock(post_form, time_machine):
    # Reproduced with fixed windows: 8 requests in 130 s got through, across a window edge.
    time_machine.move_to("2026-11-24 10:08:50 +00:00")
    send(post_form, 4)
    time_machine.move_to("2026-11-24 10:10:05 +00:00")  # a new fixed window would begin here

    send(post_form, 4)

    assert held() == 3


def test_the_limit_frees_up_as_the_window_moves_on(post_form, time_machine):
    time_machine.move_to("2026-11-24 10:00:00 +00:00")
    send(post_form, 5)
    post_form(form_data())
    assert held() == 1

    time_machine.move_to("2026-11-24 10:20:01 +00:00")
    post_form(form_data())

    assert held() == 1


def test_behind_the_proxy_each_visitor_has_a_limit_of_their_own(post_form, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    send(post_form, 5, HTTP_X_FORWARDED_FOR="203.0.113.7", REMOTE_ADDR="127.0.0.1")

    post_form(form_data(), HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert held() == 1
    post_form(form_data(), HTTP_X_FORWARDED_FOR="198.51.100.23")
    assert held() == 1


def test_a_visitor_cannot_dodge_the_limit_by_writing_their_own_forwarded_for(post_form, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    send(post_form, 5, HTTP_X_FORWARDED_FOR="203.0.113.7")

    # The proxy appends the real address; whatever the client put before it is ignored.
    post_form(form_data(), HTTP_X_FORWARDED_FOR="192.0.2.1, 203.0.113.7")

    assert held() == 1


def test_without_forwarded_for_the_connection_address_is_limited(post_form, settings):
    # Reproduced: with no X-Forwarded-For there was no limit at all.
    settings.TRUSTED_PROXY_COUNT = 1

    send(post_form, 7)

    assert held() == 2


def test_a_client_reaching_the_server_directly_cannot_pick_its_address(post_form, settings):
    # Reproduced: with gunicorn on 0.0.0.0, anyone could send X-Forwarded-For and be anyone.
    settings.TRUSTED_PROXY_COUNT = 1
    settings.FORWARDED_ALLOW_IPS = ["10.0.0.2"]
    settings.TRUSTED_PROXY_NETWORKS = []

    for n in range(7):
        post_form(form_data(), REMOTE_ADDR="198.51.100.9", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")

    assert held() == 2


def test_the_addresses_of_one_ipv6_network_share_a_limit(post_form):
    for n in range(1, 8):
        post_form(form_data(), REMOTE_ADDR=f"2001:db8:1234:5678::{n:x}")

    assert held() == 2


def test_invalid_submissions_do_not_use_up_the_limit(post_form):
    for _ in range(6):
        post_form(form_data(phone="12"))

    post_form(form_data())

    assert held() == 0


@pytest.mark.parametrize(
    ("address", "key"),
    [
        ("198.51.100.7", "198.51.100.7"),
        ("2001:db8:1234:5678:9abc::1", "2001:db8:1234:5678::/64"),
        ("::ffff:198.51.100.7", "198.51.100.7"),
        ("not an address", "not an address"),
    ],
)
def test_what_the_limit_counts(address, key):
    assert rate_limit_key(address) == key


def test_a_trusted_proxy_s_forwarded_for_names_the_client(rf, settings):
    settings.TRUSTED_PROXY_COUNT = 2
    request = rf.get("/", HTTP_X_FORWARDED_FOR="spoofed, 203.0.113.7, 10.0.0.5")

    assert client_ip(request) == "203.0.113.7"
