"""A thousand consultation requests through gunicorn while Redis is SIGKILLed (and restarted 20 s
later, empty) and the Celery worker is SIGKILLed while it sends: every request is stored, every
lead's staff message reaches the inbox exactly once, and all within minutes of the last fault."""

import re
import threading
import time
from collections import Counter, defaultdict

import pytest

from tests.e2e.processes import eventually
from tests.e2e.stack import ADMISSIONS_INBOX
from tests.e2e.visitors import Visitors

REQUESTS = 1000
CONCURRENCY = 20
WORKER_CONCURRENCY = 2
# The promise: every lead notified within five minutes of the last fault ending.
SPEED_TO_LEAD_LIMIT = 300
NEW_LEAD = re.compile(r"New consultation request ([2-9A-Z]{4}-[2-9A-Z]{4})")


@pytest.mark.timeout(600)
def test_a_thousand_requests_through_a_redis_crash_and_a_killed_worker(
    start_stack, e2e_database, redis_server, smtp_sink
):
    stack = start_stack(
        beat=True,
        worker_concurrency=WORKER_CONCURRENCY,
        # Distinct visitors, not a flood: the flood guard is another test's subject.
        env={"ADMISSIONS_FLOOD_LEADS": "100000"},
    )
    figures = {}
    with Visitors(stack.base_url) as visitors:
        began = time.monotonic()
        forms = visitors.fetch_forms(REQUESTS, concurrency=CONCURRENCY)
        figures["forms fetched (s)"] = time.monotonic() - began

        # A third of the way in, Redis dies (broker, cache, spool: everything in it is lost) and
        # comes back empty 20 s later.
        redis_back = threading.Event()
        fault = {}

        def kill_redis_a_third_of_the_way_in(result, done):
            if done == REQUESTS // 3:
                redis_server.kill()
                fault["redis killed"] = time.monotonic()

                def restart():
                    redis_server.start()
                    fault["redis back"] = time.monotonic()
                    redis_back.set()

                threading.Timer(20, restart).start()

        began = time.monotonic()
        results = visitors.post_consultations(
            forms, concurrency=CONCURRENCY, after_each=kill_redis_a_third_of_the_way_in
        )
        figures["POSTs sent (s)"] = time.monotonic() - began
        figures["slowest POST (s)"] = max(result.elapsed for result in results)

    assert Counter(result.thanked for result in results) == Counter({True: REQUESTS}), Counter(
        (result.status, result.error) for result in results if not result.thanked
    )
    assert e2e_database.scalar("SELECT count(*) FROM admissions_lead") == REQUESTS
    assert set(e2e_database.column("SELECT phone FROM admissions_lead")) == {
        result.phone for result in results
    }

    # Then the worker dies while it sends (once Redis is back and it is at work again), and a
    # new one starts.
    assert redis_back.wait(60), "Redis did not come back"
    sent_before = smtp_sink.count(to=ADMISSIONS_INBOX)
    smtp_sink.wait_for(sent_before + 1, to=ADMISSIONS_INBOX, timeout=180)
    stack.kill_worker()
    fault["worker killed"] = time.monotonic()
    stack.start_worker()
    last_fault_ended = fault["worker back"] = time.monotonic()

    lead_ids = set(e2e_database.column("SELECT reference FROM admissions_lead"))

    def announced() -> dict[str, list]:
        by_lead = defaultdict(list)
        for message in smtp_sink.messages(to=ADMISSIONS_INBOX):
            if match := NEW_LEAD.search(message.subject):
                by_lead[match.group(1)].append(message)
        return by_lead

    def unfinished() -> int:
        return e2e_database.scalar(
            "SELECT count(*) FROM admissions_lead WHERE followed_up_at IS NULL"
        )

    everyone_told = eventually(
        lambda: set(announced()) >= lead_ids, timeout=SPEED_TO_LEAD_LIMIT, interval=1
    )
    by_lead = announced()
    missing = lead_ids - set(by_lead)
    assert everyone_told, f"{len(missing)} lead(s) never announced, e.g. {sorted(missing)[:10]}"
    last_told = max(min(m.arrived_monotonic for m in messages) for messages in by_lead.values())
    figures["every lead told, after the last fault (s)"] = last_told - last_fault_ended

    # Exactly once: one message per lead. A copy can only come from the one send the killed
    # worker's processes were in the middle of, and it carries the same Message-ID.
    message_ids = {lead: {m.message_id for m in messages} for lead, messages in by_lead.items()}
    assert all(len(ids) == 1 for ids in message_ids.values()), {
        lead: ids for lead, ids in message_ids.items() if len(ids) > 1
    }
    copies = sum(len(messages) - 1 for messages in by_lead.values())
    figures["copies with the same Message-ID"] = copies
    assert copies <= WORKER_CONCURRENCY
    assert set(by_lead) == lead_ids
    # The record catches up too: a send the killed worker made but could not record is found
    # by the sweep once its claim runs out.
    assert eventually(lambda: unfinished() == 0, timeout=180, interval=1), unfinished()
    figures["every lead recorded as followed up, after the last fault (s)"] = (
        time.monotonic() - last_fault_ended
    )
    stack.assert_alive()

    timeline = {
        name: at - fault["redis killed"] for name, at in sorted(fault.items(), key=lambda i: i[1])
    }
    print(f"\n[e2e] {REQUESTS} requests, faults at (s from Redis killed): {timeline}")
    for name, value in figures.items():
        print(
            f"[e2e]   {name}: {value:.2f}"
            if isinstance(value, float)
            else f"[e2e]   {name}: {value}"
        )
