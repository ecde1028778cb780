"""PostgreSQL unreachable (a managed failover takes 30–60 s): requests are spooled and stored
exactly once when it is back; pages answer 503 quickly with the phone; the form keeps working."""

import re
import time

import httpx
import pytest

from tests.e2e.processes import eventually
from tests.e2e.stack import ADMISSIONS_INBOX
from tests.e2e.visitors import Visitors, outcome_counts

BURST = 40
PHONE_LINK = 'href="tel:+16175550143"'
NEW_LEAD = re.compile(r"New consultation request ([2-9A-Z]{4}-[2-9A-Z]{4})")


@pytest.mark.timeout(240)
def test_requests_sent_while_the_database_is_down_are_stored_once_it_is_back(
    start_stack, e2e_database, pg_proxy, smtp_sink
):
    # The web process and the worker lose the database together, as in a failover.
    stack = start_stack(beat=True, env={"DATABASE_URL": e2e_database.url_through(pg_proxy)})
    with Visitors(stack.base_url) as visitors:
        forms = visitors.fetch_forms(BURST)
        visitors.wait_out_time_trap(forms)
        pg_proxy.refuse()
        down_at = time.monotonic()

        results = visitors.post_consultations(forms)
        # Five people press Send again (the same form, the same details): still one lead each.
        double_clicks = [
            visitors.post_consultation(
                form, number=result.number, forwarded_for=result.forwarded_for
            )
            for form, result in zip(forms[:5], results[:5], strict=True)
        ]

    assert outcome_counts(results) == {302: BURST}
    assert all(result.thanked for result in results + double_clicks)
    assert e2e_database.scalar("SELECT count(*) FROM admissions_lead") == 0
    slowest = max(result.elapsed for result in results)

    time.sleep(max(0.0, down_at + 30 - time.monotonic()))  # a 30-second failover
    pg_proxy.pass_through()
    back_at = time.monotonic()

    expected = {result.phone for result in results}
    assert eventually(
        lambda: e2e_database.scalar("SELECT count(*) FROM admissions_lead") >= len(expected),
        timeout=60,
    )
    stored_after = time.monotonic() - back_at
    time.sleep(11)  # one more run of the spool's drain: nothing is stored twice
    assert e2e_database.scalar("SELECT count(*) FROM admissions_lead") == BURST
    assert set(e2e_database.column("SELECT phone FROM admissions_lead")) == expected
    lead_ids = set(e2e_database.column("SELECT reference FROM admissions_lead"))

    def announced() -> set[str]:
        return {
            match.group(1)
            for message in smtp_sink.messages(to=ADMISSIONS_INBOX)
            if (match := NEW_LEAD.search(message.subject))
        }

    assert eventually(lambda: announced() >= lead_ids, timeout=60)
    told_after = time.monotonic() - back_at
    time.sleep(3)  # anything sent twice would have arrived by now
    new_lead_messages = [
        m for m in smtp_sink.messages(to=ADMISSIONS_INBOX) if NEW_LEAD.search(m.subject)
    ]
    assert len(new_lead_messages) == len(lead_ids)
    # Speed to lead counts from when the person sent it.
    assert (
        e2e_database.scalar(
            "SELECT count(*) FROM admissions_lead WHERE created_at > now() - interval '25 seconds'"
        )
        == 0
    )
    stack.assert_alive()
    print(
        f"\n[e2e] {BURST} requests (and 5 double clicks) while PostgreSQL refused connections:"
        f" slowest answer {slowest:.2f} s; stored {stored_after:.1f} s and announced"
        f" {told_after:.1f} s after it came back; {len(lead_ids)} leads, one message each"
    )


@pytest.mark.timeout(180)
@pytest.mark.parametrize("failure", ["refuse", "silent"])
def test_with_the_database_unreachable_pages_answer_503_fast_and_the_form_still_works(
    start_stack, e2e_database, pg_proxy, redis_server, failure
):
    stack = start_stack(worker=False, web_database_url=e2e_database.url_through(pg_proxy))
    with Visitors(stack.base_url) as visitors:
        assert visitors.get("/").status == 200  # each web worker holds a connection
        assert visitors.get("/about/").status == 200
        pg_proxy.set_mode(failure)
        # A page viewed lately is still served, from the page cache…
        kept = httpx.get(f"{stack.base_url}/about/", timeout=10)
        assert kept.status_code == 200 and kept.headers["x-page-cache"] == "hit"
        assert PHONE_LINK in kept.text
        # …and any other answers 503 quickly, with the phone.
        figures = {}
        for path in ("/programs/", "/insurance/"):
            answers = visitors.get_many(path, 10, concurrency=10)
            assert outcome_counts(answers) == {503: 10}, outcome_counts(answers)
            assert all(answer.headers.get("retry-after") for answer in answers)
            figures[path] = max(answer.elapsed for answer in answers)
            assert figures[path] < 5, f"{path}: slowest {figures[path]:.2f} s"
            page = httpx.get(f"{stack.base_url}{path}", timeout=10)
            assert page.status_code == 503 and PHONE_LINK in page.text

        health = httpx.get(f"{stack.base_url}/healthz", timeout=10)
        assert health.status_code == 503
        assert health.json()["database"] == "error"

        # The form still takes requests while the spool (Redis) can keep them…
        form = httpx.get(f"{stack.base_url}/get-help/", timeout=10)
        assert form.status_code == 200
        assert 'id="consultation-form"' in form.text
        # …and says plainly, with the phone, when it cannot.
        redis_server.kill()
        form = httpx.get(f"{stack.base_url}/get-help/", timeout=10)
        assert form.status_code == 503
        assert PHONE_LINK in form.text and "can’t take requests online" in form.text

    stack.assert_alive()
    print(
        f"\n[e2e] PostgreSQL {failure}: slowest of 10 concurrent visitors "
        + ", ".join(f"{path} {seconds:.2f} s" for path, seconds in figures.items())
    )
