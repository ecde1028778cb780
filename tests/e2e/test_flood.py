"""A flood of consultation requests, from one address and from many: the guard engages, the
supervisors get one alert, nothing is lost, and nobody's inbox is flooded."""

import re
import time

import pytest

from tests.e2e.stack import ADMISSIONS_INBOX
from tests.e2e.visitors import Visitors, outcome_counts

REQUESTS = 120
THRESHOLD = 30
SUPERVISOR = "chief@resilience.example"
NEW_LEAD = re.compile(r"New consultation request ([2-9A-Z]{4}-[2-9A-Z]{4})")
FLOOD_ALERT = "Many consultation requests at once"
MAKE_SUPERVISOR = (
    "from django.contrib.auth.models import Group, User\n"
    "chief = User.objects.create_user('chief', 'chief@resilience.example', is_staff=True)\n"
    "chief.groups.add(Group.objects.get(name='Admissions supervisors'))\n"
)


@pytest.mark.timeout(180)
@pytest.mark.parametrize("source", ["one address", "many addresses"])
def test_a_flood_engages_the_guard_alerts_supervisors_once_and_loses_nothing(
    start_stack, e2e_database, smtp_sink, source
):
    stack = start_stack(env={"ADMISSIONS_FLOOD_LEADS": str(THRESHOLD)})
    stack.manage("shell", "-c", MAKE_SUPERVISOR)
    with Visitors(stack.base_url) as visitors:
        forms = visitors.fetch_forms(REQUESTS)
        began = time.monotonic()
        results = visitors.post_consultations(
            forms, forwarded_for="203.0.113.9" if source == "one address" else None
        )
        seconds = time.monotonic() - began
        after = visitors.fetch_form()  # what the next visitor is shown

    assert outcome_counts(results) == {302: REQUESTS}
    assert e2e_database.scalar("SELECT count(*) FROM admissions_lead") == REQUESTS  # nothing lost
    assert e2e_database.scalar("SELECT count(*) FROM admissions_floodepisode") == 1
    held = e2e_database.scalar("SELECT count(*) FROM admissions_lead WHERE held_reason <> ''")
    announced_leads = set(
        e2e_database.column("SELECT reference FROM admissions_lead WHERE held_reason = ''")
    )
    assert held >= REQUESTS - THRESHOLD - 20  # at most a round of in-flight requests slip past
    assert "altcha" in after.hidden_fields  # the form now asks for a proof of work

    smtp_sink.wait_for(1, to=SUPERVISOR, subject=FLOOD_ALERT, timeout=30)

    def new_lead_messages() -> list[str]:
        return [
            match.group(1)
            for message in smtp_sink.messages(to=ADMISSIONS_INBOX)
            if (match := NEW_LEAD.search(message.subject))
        ]

    deadline = time.monotonic() + 30
    while set(new_lead_messages()) < announced_leads and time.monotonic() < deadline:
        time.sleep(0.5)
    time.sleep(3)  # a second alert, or a message about a held lead, would have arrived by now
    assert smtp_sink.count(subject=FLOOD_ALERT) == 1
    assert sorted(new_lead_messages()) == sorted(announced_leads)  # none about held requests
    assert smtp_sink.count(to=SUPERVISOR) <= 1 + len(announced_leads)
    stack.assert_alive()
    print(
        f"\n[e2e] flood from {source}: {REQUESTS} requests in {seconds:.1f} s; all stored,"
        f" {held} held for review, {len(announced_leads)} announced, 1 flood alert"
    )
