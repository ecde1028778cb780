"""The words the QA fixes added for visitors are marked for translation, as everything else (see
tests/core/test_translation_marking.py, whose checker this uses): the page answering a form
sent once registration closed, the thank-you page that knows nothing, the reminders promised
and an update saying what changed."""

from datetime import timedelta

import pytest
import time_machine
from django.core import signing
from django.test import Client

from infosessions import services
from infosessions import views as infosessions_views
from infosessions.models import Format, InfoSession, Status
from tests.core.test_translation_marking import (  # noqa: F401 (everything_translated: a fixture)
    OPEN,
    assert_all_marked,
    everything_translated,
    problems_in_html,
    problems_in_text,
    rewrite_content_in_full_width,
)
from tests.infosessions.factories import RegistrationFactory
from tests.infosessions.test_pages import registration_form

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("everything_translated")]


def checked(html: str) -> list[str]:
    assert OPEN in html, "rendered without the catalog that translates everything"
    return problems_in_html(html)


def test_the_pages_added_are_marked_for_translation(demo_content):
    rewrite_content_in_full_width()
    in_person = InfoSession.objects.upcoming().filter(format=Format.IN_PERSON).first()
    online = InfoSession.objects.upcoming().filter(format=Format.VIRTUAL).first()
    found = {}

    with time_machine.travel(online.starts_at + timedelta(minutes=1)):
        started = Client().post(online.get_absolute_url(), registration_form())
    services.cancel_session(in_person.pk)
    called_off = Client().post(in_person.get_absolute_url(), registration_form())
    assert (started.status_code, called_off.status_code) == (409, 409)
    found["started"] = checked(started.content.decode())
    found["called off"] = checked(called_off.content.decode())

    found["thanks, unknown"] = checked(Client().get("/info-sessions/thanks/").content.decode())
    for reminders in ([services.DAY_BEFORE, services.HOUR_BEFORE], [services.HOUR_BEFORE]):
        visitor = Client()
        visitor.cookies[infosessions_views.REGISTERED_COOKIE] = signing.dumps(
            {"session": online.pk, "status": Status.REGISTERED, "reminders": reminders},
            salt=infosessions_views._REGISTERED_SALT,
        )
        page = visitor.get("/info-sessions/thanks/").content.decode()
        found[f"thanks, {reminders}"] = checked(page)

    assert_all_marked(found)


def test_the_e_mails_added_are_marked_for_translation(demo_content):
    rewrite_content_in_full_width()
    found = {}
    for session in (
        InfoSession.objects.upcoming().filter(format=Format.IN_PERSON).first(),
        InfoSession.objects.upcoming().filter(format=Format.VIRTUAL).first(),
    ):
        registration = RegistrationFactory(
            session=session, created_at=session.starts_at - timedelta(hours=3)
        )
        subject, body, _ = services.render_registrant_message(registration, "session_confirmation")
        found[f"confirmation, one reminder ({session.format})"] = problems_in_text(body)
        earlier = session.starts_at - timedelta(days=1)
        for fields in (
            {"starts_at", "ends_at"},
            {"ends_at"},
            {"format"},
            {"place"},
            {"meeting_url"},
            {"meeting_url", "starts_at"},
        ):
            change = services.SessionChange(
                fields=frozenset(fields),
                earlier_starts_at=earlier if "starts_at" in fields else None,
                earlier_ends_at=earlier + timedelta(hours=1) if "ends_at" in fields else None,
            )
            for status in (Status.REGISTERED, Status.WAITLISTED):
                registration.status = status
                subject, body, _ = services.render_registrant_message(
                    registration, "session_update", change=change
                )
                found[f"update {sorted(fields)} {status} ({session.format})"] = problems_in_text(
                    subject
                ) + problems_in_text(body)

    assert_all_marked(found)
