"""A request that arrives while PostgreSQL is unreachable (a failover takes 30–60 s) is kept,
encrypted, in Redis, and stored exactly once as soon as the database answers. Only when Redis is
down too is the person told, on a 503 page with the phone, that nothing was sent."""

import json
from contextlib import contextmanager
from datetime import timedelta
from io import StringIO

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from cryptography.fernet import Fernet
from django.core import mail
from django.core.management import call_command
from django.db import InternalError, OperationalError, connection
from django.utils import timezone

from admissions import services, spool
from admissions.models import Lead
from tests.admissions.conftest import form_data

pytestmark = pytest.mark.django_db


@contextmanager
def database_unreachable():
    """Every query fails as it does while PostgreSQL fails over."""
    real_cursor = connection.cursor

    def refuse(*args, **kwargs):
        raise OperationalError('connection to server at "db" failed: Connection refused')

    connection.cursor = refuse
    try:
        yield
    finally:
        connection.cursor = real_cursor


@pytest.fixture
def spool_redis(settings):
    if not settings.REDIS_URL:
        pytest.skip("needs REDIS_URL=redis://… for the spool (CI sets it)")
    return spool._client()


@pytest.fixture
def no_spool(settings):
    settings.INTAKE_SPOOL_REDIS_URL = None


def post_during_outage(client, data=None, **extra):
    with database_unreachable():
        return client.post("/get-help/", data or form_data(), **extra)


def test_a_request_during_an_outage_is_spooled_and_the_person_thanked(client, spool_redis):
    response = post_during_outage(client)

    assert response.status_code == 302
    assert response.url == "/get-help/thanks/"
    assert spool.waiting_count() == 1
    assert not Lead.objects.exists()


def test_nothing_personal_rests_unencrypted_in_redis(client, spool_redis):
    post_during_outage(client, form_data(message="I relapsed on opioids"))

    (raw,) = spool_redis.lrange(spool.WAITING, 0, -1)
    for secret in (b"Jordan", b"Avery", b"opioid", b"5550188", b"HHP123456789", b"example.org"):
        assert secret not in raw


def test_once_the_database_answers_each_spooled_request_is_stored_once(
    client, spool_redis, django_capture_on_commit_callbacks, time_machine
):
    sent_at = timezone.now()
    post_during_outage(client, HTTP_REFERER="https://mail.example/")
    post_during_outage(client, form_data(phone="(617) 555-0177", email="riley@example.org"))

    time_machine.move_to(sent_at + timedelta(seconds=40))  # the failover is over
    with django_capture_on_commit_callbacks(execute=True):
        assert spool.drain() == 2
    assert spool.drain() == 0

    leads = list(Lead.objects.order_by("created_at"))
    assert [lead.phone.as_e164 for lead in leads] == ["+16175550188", "+16175550177"]
    # Speed to lead counts from when the person sent it, not from when it was stored.
    assert abs(leads[0].created_at - sent_at) < timedelta(seconds=5)
    assert spool.waiting_count() == 0
    assert {m.subject for m in mail.outbox} == {
        f"New consultation request {lead.reference}" for lead in leads
    }


def test_a_request_sent_twice_during_the_outage_makes_one_lead(client, spool_redis):
    data = form_data()
    post_during_outage(client, data)
    post_during_outage(client, data)  # a double click, or a resent page

    assert spool.drain() == 2

    assert Lead.objects.count() == 1


def test_a_drainer_killed_after_storing_leaves_no_duplicate(client, spool_redis):
    post_during_outage(client)
    # Killed between storing the lead and removing the item: the item is still "storing".
    token = spool_redis.lmove(spool.WAITING, spool.STORING, "RIGHT", "LEFT")
    spool._store(__import__("admissions.services").services, spool._decrypted(token))

    assert spool.drain() == 1

    assert Lead.objects.count() == 1
    assert spool.waiting_count() == 0


def test_while_the_database_is_still_down_the_spool_keeps_its_requests(client, spool_redis):
    post_during_outage(client)

    with database_unreachable():
        assert spool.drain() == 0

    assert spool.waiting_count() == 1


def test_a_spooled_request_keeps_its_attribution_and_the_urgent_thank_you(client, spool_redis):
    client.get("/programs/?utm_source=radio")
    post_during_outage(client, form_data(message="my son overdosed last night"))

    assert "urgent-notice" in client.get("/get-help/thanks/").content.decode()
    spool.drain()
    lead = Lead.objects.get()
    assert (lead.utm_source, lead.priority) == ("radio", "urgent")


def test_keys_can_be_rotated(client, spool_redis, settings):
    old_key, new_key = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.INTAKE_SPOOL_KEYS = [old_key]
    post_during_outage(client)

    settings.INTAKE_SPOOL_KEYS = [new_key, old_key]  # the new key first; the old one still reads

    assert spool.drain() == 1


def test_an_item_that_cannot_be_read_is_set_aside_and_the_others_stored(
    client, spool_redis, settings, caplog
):
    settings.INTAKE_SPOOL_KEYS = [Fernet.generate_key().decode()]
    post_during_outage(client)
    settings.INTAKE_SPOOL_KEYS = [Fernet.generate_key().decode()]  # the key was lost
    post_during_outage(client, form_data(phone="(617) 555-0177"))

    assert spool.drain() == 1

    assert spool_redis.llen(spool.SET_ASIDE) == 1
    assert Lead.objects.count() == 1
    assert "set aside" in caplog.text


def test_the_spool_item_is_what_the_service_needs_and_nothing_more(client, spool_redis):
    post_during_outage(client)

    item = spool._decrypted(spool_redis.lindex(spool.WAITING, 0))

    assert set(item) == {
        "request",
        "attribution",
        "form_nonce",
        "intake_id",
        "reference",
        "received_at",
        "held_reason",
        "bot_signals",
    }
    json.dumps(item)  # plain data


# --- When the spool is down too --------------------------------------------------------------


def test_with_the_spool_down_too_the_person_sees_a_503_with_the_phone_and_their_data(
    client, no_spool
):
    response = post_during_outage(client)

    assert response.status_code == 503
    assert response["Retry-After"]
    html = response.content.decode()
    assert "Your request was not sent." in html
    assert 'href="tel:+16175550143"' in html
    assert 'value="Jordan"' in html
    assert "I have been struggling with drinking since my divorce." in html


def test_the_form_is_still_shown_while_the_spool_can_take_requests(client, spool_redis):
    with database_unreachable():
        response = client.get("/get-help/")

    assert response.status_code == 200
    assert 'id="consultation-form"' in response.content.decode()


def test_the_form_page_is_a_503_when_neither_can_take_requests(client, no_spool):
    with database_unreachable():
        response = client.get("/get-help/")

    assert response.status_code == 503
    assert "We can’t take requests online right now" in response.content.decode()


# --- Whatever goes wrong, the request is kept ------------------------------------------------


def refused_as_read_only(*args, **kwargs):
    # A pooled connection still on the old primary during a failover.
    raise InternalError("cannot execute INSERT in a read-only transaction")


def test_any_database_error_while_storing_spools_the_request(client, spool_redis, monkeypatch):
    monkeypatch.setattr(services, "receive_consultation_request", refused_as_read_only)

    response = client.post("/get-help/", form_data())

    assert response.status_code == 302
    assert spool.waiting_count() == 1


def test_without_a_spool_any_error_while_storing_is_a_503_form_page_never_a_500(
    client, no_spool, monkeypatch
):
    monkeypatch.setattr(services, "receive_consultation_request", refused_as_read_only)

    response = client.post("/get-help/", form_data())

    assert response.status_code == 503
    assert 'value="Jordan"' in response.content.decode()


def test_a_database_still_refusing_writes_keeps_the_request_waiting(
    client, spool_redis, monkeypatch
):
    post_during_outage(client)
    monkeypatch.setattr(services, "receive_consultation_request", refused_as_read_only)

    assert spool.drain() == 0

    assert (spool.waiting_count(), spool.set_aside_count()) == (1, 0)


def test_a_drain_stopped_by_its_time_limit_puts_the_request_back(client, spool_redis, monkeypatch):
    post_during_outage(client)

    def slow(*args, **kwargs):
        raise SoftTimeLimitExceeded

    monkeypatch.setattr(services, "receive_consultation_request", slow)

    with pytest.raises(SoftTimeLimitExceeded):
        spool.drain()

    assert (spool.waiting_count(), spool.set_aside_count()) == (1, 0)


def test_a_request_set_aside_is_reported_to_staff_and_can_be_put_back(
    client, spool_redis, monkeypatch, settings
):
    settings.ADMISSIONS_INBOX_EMAIL = "admissions@resilience.example"
    post_during_outage(client)
    real_receive = services.receive_consultation_request

    def broken(*args, **kwargs):
        raise RuntimeError("a bug in this release")

    monkeypatch.setattr(services, "receive_consultation_request", broken)
    spool.drain()
    assert spool.set_aside_count() == 1
    (report,) = [m for m in mail.outbox if "kept but not stored" in m.subject]
    assert report.to == ["admissions@resilience.example"]
    assert "Jordan" not in report.body

    monkeypatch.setattr(services, "receive_consultation_request", real_receive)  # fixed
    output = StringIO()
    call_command("intake_spool", "--retry", stdout=output)

    assert Lead.objects.count() == 1
    assert "Waiting: 0; set aside: 0." in output.getvalue()
