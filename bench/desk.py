"""Time the admissions desk's list and search with 100,000 leads, on PostgreSQL.

    .venv/bin/python bench/desk.py [--leads 100000] [--runs 30] [--limit-ms 150]
                                   [--explain-all] [--queries]
    make bench-desk

Uses the PostgreSQL server of DATABASE_URL (default postgres://postgres@127.0.0.1:5432/), in a
database whose name contains "bench" (resilience_bench_desk unless DATABASE_URL names one), so
it never writes into a real database. Creates the database if missing, migrates it, and fills
it with made-up leads until it holds --leads of them (two years of requests, nearly all closed
or admitted, a few hundred open, some urgent), so a second run starts timing at once.

Then, signed in as a supervisor, through the whole stack (middleware, admin, templates) with
DEBUG off, it times the desk list, two filters and six searches: 3 warm-ups, then --runs timed
requests each. Prints median and 95th-percentile milliseconds, the queries of one request and
their time, and the rows found; then EXPLAIN ANALYZE of the slowest query of the slowest page
(of every page with --explain-all; every query of every page with --queries). Exits 1 if any
median is over --limit-ms.
"""

import argparse
import logging
import os
import random
import statistics
import sys
import time
from dataclasses import dataclass
from datetime import timedelta
from io import StringIO
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/resilience_bench_desk"
BENCH_DATABASE = "resilience_bench_desk"


def bench_database_url(url: str) -> str:
    """DATABASE_URL's PostgreSQL server, in a database whose name says "bench": the leads made
    up here must never land in a real database (CI's or a developer's .env name theirs)."""
    parts = urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql", "pgsql"):
        print(f"DATABASE_URL is not PostgreSQL: using {DEFAULT_DATABASE_URL}")
        return DEFAULT_DATABASE_URL
    if "bench" not in parts.path:
        print(f"Using database {BENCH_DATABASE} on DATABASE_URL's server, not {parts.path[1:]!r}.")
        return parts._replace(path=f"/{BENCH_DATABASE}").geturl()
    return url


os.environ["DATABASE_URL"] = bench_database_url(
    os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL)
)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
# As in production: cached templates, no debug cursor.
os.environ["DEBUG"] = "false"
if not (ROOT / "tests" / "staff_sign_in.py").exists():
    # No helper to pass the second factor: sign in with the session alone.
    os.environ.setdefault("ADMIN_REQUIRE_2FA", "false")


def ensure_database(url: str) -> None:
    """Create the database named in `url` if it does not exist (before Django connects to it)."""
    import dj_database_url
    import psycopg2
    from psycopg2 import sql

    config = dj_database_url.parse(url)
    name = config["NAME"]
    try:
        connection = psycopg2.connect(
            dbname="postgres",
            user=config["USER"] or None,
            password=config["PASSWORD"] or None,
            host=config["HOST"] or None,
            port=config["PORT"] or None,
            connect_timeout=5,
        )
    except psycopg2.OperationalError as error:
        raise SystemExit(f"Cannot reach PostgreSQL at {config['HOST']}: {error}") from None
    connection.autocommit = True  # CREATE DATABASE cannot run in a transaction
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cursor.fetchone() is None:
                cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
                print(f"Created database {name}.")
    finally:
        connection.close()


ensure_database(os.environ["DATABASE_URL"])

import django  # noqa: E402

logging.disable(logging.INFO)  # sign-ins and the like; warnings and errors still show
django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import IntegrityError, connection, transaction  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from admissions.consent import CONSENT_TEXT, CONSENT_VERSION  # noqa: E402
from admissions.models import (  # noqa: E402
    Activity,
    ActivityKind,
    BestTime,
    CallOutcome,
    CloseOutcome,
    ContactMethod,
    ForWhom,
    HoldReason,
    Lead,
    Payment,
    Priority,
    ReferralSource,
    Relationship,
    Status,
    new_intake_id,
    new_reference,
)
from admissions.roles import STAFF_GROUP, SUPERVISORS_GROUP  # noqa: E402
from programs.models import Program  # noqa: E402

BATCH = 5_000
# The one lead every exact search looks for (reference, e-mail, phone typed two ways).
NEEDLE_PHONE = "+16175550123"
NEEDLE = {
    "first_name": "Jordan",
    "last_name": "Whitcombe",
    "email": "jordan.whitcombe@example.org",
    "phone": NEEDLE_PHONE,
}

# --- Made-up people ----------------------------------------------------------------------------

# Common first names and surnames, most frequent first: drawn with Zipf-like weights, so some
# surnames match a thousand leads and others a handful, as in life.
FIRST_NAMES_TEXT = (
    "Michael James John Robert David William Joseph Daniel Matthew Christopher Anthony Ryan "
    "Kevin Brian Thomas Jason Eric Steven Mark Andrew Sean Patrick Jose Luis Carlos Juan Kyle "
    "Tyler Nicholas Jonathan Mary Jennifer Jessica Sarah Ashley Emily Elizabeth Amanda Melissa "
    "Michelle Nicole Stephanie Lauren Rachel Megan Kimberly Maria Ana Lisa Laura Rebecca Amy "
    "Katherine Samantha Christina Heather Kelly Erin Brianna Jordan Taylor Alex Morgan Casey "
    "Riley Jamie Avery Quinn Cameron Hannah Olivia Sofia Isabella Grace Chloe Aisha Priya Wei "
    "Mei Thanh Duc Fatima Omar Yusuf Siobhan Declan Aoife Liam Noah Ethan Mason Lucas Aiden"
)
LAST_NAMES_TEXT = (
    "Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez "
    "Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White Harris "
    "Sanchez Clark Ramirez Lewis Robinson Walker Young Allen King Wright Scott Torres Nguyen Hill "
    "Flores Green Adams Nelson Baker Hall Rivera Campbell Mitchell Carter Roberts Sullivan "
    "Murphy Kelly OBrien Walsh Ryan Connolly McCarthy Doherty Fitzgerald Gallagher Murray "
    "Pereira Silva Santos Costa Oliveira Souza Medeiros Tavares Ferreira Almeida Tran Le Pham "
    "Huynh Vo Chen Wang Li Zhang Liu Patel Shah Singh Kumar Cohen Levine Goldberg Katz Shapiro "
    "Russo Ricci DeLuca Romano Esposito Caruso Marino Rossi Colombo Greco Brennan Donovan "
    "Callahan Driscoll Keane Hogan Quinlan Whalen Mahoney Sheehan Desrosiers Pierre Joseph "
    "Jean Baptiste Charles Louis Alexandre Dubois Leblanc Cormier Gagnon Theriault Boudreau"
)
FIRST_NAMES, LAST_NAMES = FIRST_NAMES_TEXT.split(), LAST_NAMES_TEXT.split()
AREA_CODES = ["617", "857", "781", "339", "508", "774", "978", "351", "413"]
EMAIL_DOMAINS = ["example.com", "example.org", "example.net", "mail.example"]
SOURCES = {
    "direct": 30,
    "google": 28,
    "bing.com": 5,
    "duckduckgo.com": 2,
    "facebook.com": 6,
    "instagram.com": 3,
    "psychologytoday.com": 9,
    "newsletter": 3,
    "referral-partner": 4,
    "yelp.com": 1,
}
CARRIERS = ["Blue Cross Blue Shield of MA", "Harvard Pilgrim", "Tufts Health Plan", "MassHealth"]
MESSAGES = [
    "I have been drinking more than I want to and would like to talk about options.",
    "Looking for an intensive outpatient program for anxiety and depression.",
    "My son needs help with opioid use. Please call me in the evening.",
    "Asking about residential treatment for my wife. We have insurance.",
    "Can you tell me whether my plan covers partial hospitalization?",
    "I finished a program last year and am looking for aftercare groups.",
    "",
]
URGENT_MESSAGES = [
    ("My brother says he does not want to be alive anymore.", "wanting to die"),
    ("I think my daughter may have overdosed last night, she is home now.", "overdose"),
]
CLOSE_OUTCOMES = {
    CloseOutcome.UNREACHABLE: 35,
    CloseOutcome.NOT_A_FIT: 18,
    CloseOutcome.REFERRED_OUT: 17,
    CloseOutcome.DECLINED: 15,
    CloseOutcome.DUPLICATE: 7,
    CloseOutcome.SUSPECTED_SPAM: 8,
}
OPEN_STATUSES = {
    Status.NEW: 20,
    Status.CONTACT_ATTEMPTED: 30,
    Status.CONTACTED: 25,
    Status.INSURANCE_VERIFICATION: 15,
    Status.ASSESSMENT_SCHEDULED: 10,
}
# Of all leads: this share still open (a few hundred in 100,000), this share admitted, the rest
# closed. Open leads are recent; the others spread over two years.
OPEN_SHARE = 0.004
ADMITTED_SHARE = 0.046
HISTORY = timedelta(days=730)
OPEN_WITHIN = timedelta(days=14)
URGENT_SHARE = 0.03
HELD_SHARE = 0.002
# Leads of the last half year get a timeline (a call, a status change); older ones none.
ACTIVITIES_WITHIN = timedelta(days=180)


def weighted(rng: random.Random, choices: dict):
    return rng.choices(list(choices), weights=list(choices.values()))[0]


def zipf(rng: random.Random, names: list[str]) -> str:
    return rng.choices(names, weights=[1 / (rank + 5) for rank in range(len(names))])[0]


def phone_number(rng: random.Random) -> str:
    while True:
        number = f"+1{rng.choice(AREA_CODES)}{rng.randint(2_000_000, 9_999_999)}"
        if number != NEEDLE_PHONE:
            return number


def made_up_lead(rng: random.Random, now, staff: list, programs: list) -> Lead:
    """One lead, in a state drawn from the shares above, with times that fit together."""
    draw = rng.random()
    if draw < OPEN_SHARE:
        status = weighted(rng, OPEN_STATUSES)
        created_at = now - OPEN_WITHIN * rng.random() ** 2  # more of them recent
    else:
        status = Status.ADMITTED if draw < OPEN_SHARE + ADMITTED_SHARE else Status.CLOSED
        created_at = now - timedelta(hours=2) - (HISTORY - timedelta(hours=2)) * rng.random()
    first, last = zipf(rng, FIRST_NAMES), zipf(rng, LAST_NAMES)
    for_someone_else = rng.random() < 0.35
    lead = Lead(
        created_at=created_at,
        reference=new_reference(),
        intake_id=new_intake_id(),
        for_whom=ForWhom.SOMEONE_ELSE if for_someone_else else ForWhom.SELF,
        first_name=first,
        last_name=last,
        relationship=rng.choice(list(Relationship.values)) if for_someone_else else "",
        patient_first_name=zipf(rng, FIRST_NAMES) if for_someone_else else "",
        phone=phone_number(rng),
        email=(
            f"{first}.{last}{rng.randint(1, 999)}@{rng.choice(EMAIL_DOMAINS)}".lower()
            if rng.random() < 0.85
            else ""
        ),
        preferred_contact=rng.choice(list(ContactMethod.values)),
        best_time=rng.choice(list(BestTime.values)),
        program=rng.choice(programs) if programs and rng.random() < 0.7 else None,
        payment=rng.choice(list(Payment.values)),
        referral_source=rng.choice(["", *ReferralSource.values]),
        consent_text=CONSENT_TEXT,
        consent_version=CONSENT_VERSION,
        consented_at=created_at,
        source=weighted(rng, SOURCES),
        routed_at=created_at + timedelta(seconds=20),
        followed_up_at=created_at + timedelta(seconds=30),
    )
    if lead.payment == Payment.INSURANCE:
        lead.insurance_carrier = rng.choice(CARRIERS)
    if rng.random() < URGENT_SHARE:
        lead.message, lead.urgent_terms = rng.choice(URGENT_MESSAGES)
        lead.priority = Priority.URGENT
    else:
        lead.message = rng.choice(MESSAGES)
    handler = rng.choice(staff)
    lead.assigned_to, lead.assigned_at = handler, lead.routed_at
    lead.status = status
    waiting = status == Status.NEW and rng.random() < 0.5
    if not waiting:
        lead.contacted_at = created_at + timedelta(minutes=rng.expovariate(1 / 12))
        lead.contacted_by = handler
        lead.call_attempts = rng.randint(1, 4)
        if status == Status.NEW:
            lead.status = Status.CONTACT_ATTEMPTED
    if status == Status.CONTACT_ATTEMPTED and rng.random() < 0.5:
        lead.next_call_back_at = now + timedelta(hours=rng.randint(1, 48))
    if status == Status.CLOSED:
        lead.close_outcome = weighted(rng, CLOSE_OUTCOMES)
        lead.closed_at = created_at + timedelta(hours=rng.expovariate(1 / 30))
        lead.closed_by = handler
        if lead.close_outcome == CloseOutcome.REFERRED_OUT:
            lead.referred_to = "Another program nearer home"
        if lead.close_outcome == CloseOutcome.SUSPECTED_SPAM:
            lead.bot_signals, lead.closed_by, lead.closed_at = "honeypot", None, created_at
            lead.assigned_to = lead.assigned_at = lead.contacted_at = lead.contacted_by = None
            lead.routed_at = lead.followed_up_at = None
            lead.call_attempts = 0
    elif status == Status.NEW and waiting and rng.random() < HELD_SHARE * 50:
        lead.held_reason = HoldReason.ADDRESS_LIMIT
        lead.assigned_to = lead.assigned_at = lead.routed_at = lead.followed_up_at = None
    return lead


def timeline(lead: Lead) -> list[Activity]:
    activities = []
    if lead.contacted_at:
        activities.append(
            Activity(
                lead=lead,
                kind=ActivityKind.CALL,
                author=lead.contacted_by,
                created_at=lead.contacted_at,
                call_outcome=CallOutcome.REACHED
                if lead.status != Status.CONTACT_ATTEMPTED
                else CallOutcome.NO_ANSWER,
            )
        )
    if lead.status not in (Status.NEW, Status.CONTACT_ATTEMPTED):
        activities.append(
            Activity(
                lead=lead,
                kind=ActivityKind.STATUS_CHANGE,
                author=lead.closed_by or lead.contacted_by,
                created_at=lead.closed_at or lead.contacted_at or lead.created_at,
                from_status=Status.CONTACTED,
                to_status=lead.status,
                close_outcome=lead.close_outcome,
            )
        )
    return activities


# --- Filling -----------------------------------------------------------------------------------


def bench_users():
    """A supervisor (who signs in) and a dozen staff members (who handled the leads)."""
    users = get_user_model().objects
    staff_group, _ = Group.objects.get_or_create(name=STAFF_GROUP)
    supervisors, _ = Group.objects.get_or_create(name=SUPERVISORS_GROUP)
    staff = []
    for n in range(1, 13):
        member, _ = users.get_or_create(
            username=f"bench-staff-{n:02d}",
            defaults={"is_staff": True, "email": f"bench-staff-{n:02d}@example.org"},
        )
        member.groups.add(staff_group)
        staff.append(member)
    supervisor, _ = users.get_or_create(
        username="bench-supervisor",
        defaults={"is_staff": True, "email": "bench-supervisor@example.org"},
    )
    supervisor.groups.add(supervisors)
    return supervisor, staff


def fill(target: int, staff: list) -> None:
    have = Lead.objects.count()
    if have >= target:
        print(f"{have:,} leads already there.")
        return
    if not Program.objects.exists():
        from programs.demo import seed as seed_programs

        seed_programs(StringIO())
    programs = list(Program.objects.all())
    rng = random.Random(have)  # noqa: S311 - made-up data, not security
    now = timezone.now()
    started = time.perf_counter()
    missing = target - have
    if not Lead.objects.filter(phone=NEEDLE_PHONE).exists():
        needle = made_up_lead(rng, now, staff, programs)
        for name, value in NEEDLE.items():
            setattr(needle, name, value)
        needle.save()
        missing -= 1
    while missing > 0:
        leads = [made_up_lead(rng, now, staff, programs) for _ in range(min(BATCH, missing))]
        insert(leads)
        recent = [lead for lead in leads if lead.created_at > now - ACTIVITIES_WITHIN]
        Activity.objects.bulk_create(
            [activity for lead in recent for activity in timeline(lead)], batch_size=BATCH
        )
        missing -= len(leads)
        done = target - missing
        print(f"  {done:,} leads ({time.perf_counter() - started:.0f} s)", end="\r", flush=True)
    print(f"Filled to {target:,} leads in {time.perf_counter() - started:.0f} s.")


def insert(leads: list[Lead]) -> None:
    """Insert a batch; on the rare reference clash (29⁸ of them), draw new ones and retry."""
    for _ in range(5):
        try:
            with transaction.atomic():
                Lead.objects.bulk_create(leads, batch_size=BATCH)
            return
        except IntegrityError:
            for lead in leads:
                lead.pk, lead.reference, lead.intake_id = None, new_reference(), new_intake_id()
    raise SystemExit("Could not insert a batch of leads (unique references kept clashing).")


def vacuum_analyze() -> None:
    """Fresh planner statistics and visibility map, as autovacuum keeps them in production
    (without the map, PostgreSQL cannot use an index-only scan)."""
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")


# --- Timing ------------------------------------------------------------------------------------


@dataclass
class Page:
    label: str
    url: str
    timings: list[float]
    queries: list[dict]
    rows: int | None
    found: bool | None  # whether the lead searched for is in the page, for exact searches

    @property
    def sql_ms(self) -> float:
        return sum(float(query["time"]) for query in self.queries) * 1000

    @property
    def median(self) -> float:
        return statistics.median(self.timings)

    @property
    def p95(self) -> float:
        return statistics.quantiles(self.timings, n=20)[-1]


def desk_url(**params) -> str:
    url = reverse("admin:admissions_lead_changelist")
    return f"{url}?{urlencode(params)}" if params else url


def first_answering(client: Client, candidates: list[dict]) -> str:
    """The first of these filter spellings the list accepts (the desk's filters may change)."""
    logging.disable(logging.CRITICAL)  # a refused spelling is logged as a suspicious request
    try:
        for params in candidates:
            url = desk_url(**params)
            if client.get(url).status_code == 200:
                return url
    finally:
        logging.disable(logging.NOTSET)
    raise SystemExit(f"The desk accepts none of {candidates}.")


def time_page(client: Client, label: str, url: str, runs: int, warmups: int, needle=None):
    for _ in range(warmups):
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"{label}: {url} answered {response.status_code}")
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    changelist = (getattr(response, "context_data", None) or {}).get("cl")
    found = None
    if needle is not None:
        found = needle.reference in response.content.decode()
    return Page(
        label,
        url,
        timings,
        list(captured.captured_queries),
        changelist.result_count if changelist is not None else None,
        found,
    )


def slowest_select(client: Client, url: str, samples: int = 5) -> dict | None:
    """The SELECT that takes longest on this page (by its median over a few requests)."""
    runs = []
    for _ in range(samples):
        with CaptureQueriesContext(connection) as captured:
            client.get(url)
        runs.append(list(captured.captured_queries))
    if len({len(run) for run in runs}) != 1:
        runs = runs[-1:]
    candidates = []
    for position, query in enumerate(runs[0]):
        if query["sql"].lstrip().upper().startswith("SELECT"):
            median = statistics.median(float(run[position]["time"]) for run in runs)
            candidates.append((median, query["sql"]))
    if not candidates:
        return None
    median, sql = max(candidates)
    return {"ms": median * 1000, "sql": sql}


def explain(sql: str) -> str:
    # In a transaction rolled back afterwards: EXPLAIN ANALYZE runs the query.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
        plan = "\n".join(row[0] for row in cursor.fetchall())
        transaction.set_rollback(True)
    return plan


def one_line(sql: str) -> str:
    return " ".join(sql.split())


def print_explain(client: Client, page: Page) -> None:
    query = slowest_select(client, page.url)
    if query is None:
        print(f"\n{page.label}: no SELECT to explain.")
        return
    print(f"\nSlowest query of {page.label} ({page.url}): {query['ms']:.1f} ms")
    print(query["sql"])
    print(explain(query["sql"]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leads", type=int, default=100_000, help="leads in the database")
    parser.add_argument("--runs", type=int, default=30, help="timed requests per page")
    parser.add_argument("--warmups", type=int, default=3, help="untimed requests first")
    parser.add_argument("--limit-ms", type=float, default=150, help="the most a median may be")
    parser.add_argument("--explain-all", action="store_true", help="explain every page's slowest")
    parser.add_argument("--queries", action="store_true", help="list every page's queries")
    args = parser.parse_args()

    database = settings.DATABASES["default"]
    print(f"PostgreSQL database {database['NAME']} on {database['HOST'] or 'localhost'}")
    call_command("migrate", interactive=False, verbosity=0)
    supervisor, staff = bench_users()
    fill(args.leads, staff)
    vacuum_analyze()

    # The test client's host. Not setup_test_environment(): its instrumented template rendering
    # (a copy of every context, for the test client) would add to the times measured.
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    client = Client()
    try:
        from tests.staff_sign_in import sign_in
    except ImportError:
        client.force_login(supervisor)
    else:
        sign_in(client, supervisor)

    needle = Lead.objects.get(phone=NEEDLE_PHONE, email=NEEDLE["email"])
    reference_typed = needle.reference.lower().replace("-", " ")  # "k7mq 4xpa"
    # The worst case for a name search: the surname most leads have.
    common_surname = (
        Lead.objects.exclude(last_name="")
        .values("last_name")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .values_list("last_name", flat=True)
        .first()
    )
    pages = [
        ("list: open leads (default)", desk_url(), None),
        (
            "list: status new",
            first_answering(client, [{"status": Status.NEW}, {"status__exact": Status.NEW}]),
            None,
        ),
        (
            "list: urgent",
            first_answering(
                client, [{"priority": Priority.URGENT}, {"priority__exact": Priority.URGENT}]
            ),
            None,
        ),
        ("list: every lead (status all)", desk_url(status="all"), None),
        (f"search: reference {reference_typed!r}", desk_url(q=reference_typed), needle),
        (f"search: surname {common_surname!r}", desk_url(q=common_surname.lower()), None),
        ("search: first and last name", desk_url(q="jordan whitc"), needle),
        ("search: e-mail", desk_url(q=needle.email), needle),
        ("search: phone (617) 555-0123", desk_url(q="(617) 555-0123"), needle),
        ("search: phone 617.555.0123", desk_url(q="617.555.0123"), needle),
    ]
    total = Lead.objects.count()
    print(
        f"\nThe desk with {total:,} leads: {args.warmups} warm-ups, then {args.runs} timed "
        f"requests per page (DEBUG off, signed in as a supervisor).\n"
    )
    print(
        f"{'page':<44}{'median ms':>10}{'p95 ms':>9}{'queries':>9}{'SQL ms':>8}{'rows':>8}  found"
    )
    results = []
    for label, url, target in pages:
        page = time_page(client, label, url, args.runs, args.warmups, target)
        results.append(page)
        found = "" if page.found is None else ("yes" if page.found else "NO")
        rows = "" if page.rows is None else f"{page.rows:,}"
        print(
            f"{label:<44}{page.median:>10.1f}{page.p95:>9.1f}{len(page.queries):>9}"
            f"{page.sql_ms:>8.1f}{rows:>8}  {found}"
        )

    if args.queries:
        for page in results:
            print(f"\nQueries of {page.label} ({page.url}), ms:")
            for query in page.queries:
                print(f"{float(query['time']) * 1000:>8.1f}  {one_line(query['sql'])[:150]}")

    slowest = max(results, key=lambda page: page.median)
    for page in results if args.explain_all else [slowest]:
        print_explain(client, page)

    print()
    missed = [page.label for page in results if page.found is False]
    if missed:
        print(f"Not found by: {', '.join(missed)} (the search does not find the lead).")
    over = [page for page in results if page.median > args.limit_ms]
    if over:
        for page in over:
            print(f"FAIL: {page.label}: median {page.median:.1f} ms is over {args.limit_ms:g} ms")
        raise SystemExit(1)
    print(f"OK: every median is under {args.limit_ms:g} ms (slowest: {slowest.label}).")


if __name__ == "__main__":
    main()
