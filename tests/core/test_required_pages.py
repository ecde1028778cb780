"""The privacy notice and accessibility statement: final text, true to what the code does, and
migration 0003 replacing the old draft only where nobody has edited it."""

import importlib
import re
from datetime import timedelta

import pytest
from django.apps import apps as django_apps
from django.conf import settings
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from admissions import attribution, retention, screening, services, views
from core.models import SitePage
from core.required_pages import pages, retention_period

CREATE = importlib.import_module("core.migrations.0002_required_pages")
DRAFT = importlib.import_module("core.migrations.0003_required_pages_final_text")
BEFORE = [("core", "0002_required_pages")]
AFTER = [("core", "0003_required_pages_final_text")]

PRIVACY_HEADINGS = [
    "What we collect",
    "Why we use it",
    "Who sees it",
    "How we protect it",
    "How long we keep it",
    "Your choices, and how to ask for a copy, a correction or removal",
]
ACCESSIBILITY_HEADINGS = [
    "The standard we aim for",
    "How we check",
    "Known limitations",
    "Tell us about a problem",
    "About this statement",
]


def headings(html: str) -> list[str]:
    return re.findall(r"<h2[^>]*>(.*?)</h2>", html)


def body(slug: str) -> str:
    return next(page["body"] for page in pages() if page["slug"] == slug)


# --- The pages as the site shows them ----------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "expected"),
    [("/privacy/", PRIVACY_HEADINGS), ("/accessibility/", ACCESSIBILITY_HEADINGS)],
)
def test_the_pages_are_final_with_their_sections_and_the_way_to_reach_us(client, path, expected):
    html = client.get(path).content.decode()

    assert "working draft" not in html.lower()
    # The footer's "Need help right now?" comes after the page's own sections.
    assert headings(html)[: len(expected)] == expected
    article = html.split("<article", 1)[1].split("</article>", 1)[0]
    assert f'<a href="tel:{settings.ADMISSIONS_PHONE}"' in article
    assert "(617) 555-0143" in article
    assert "120 Harbor Street, Suite 300, Boston, MA 02210" in article


@pytest.mark.django_db
def test_the_privacy_notice_says_what_it_covers_how_long_and_where_to_go_in_an_emergency(client):
    html = client.get("/privacy/").content.decode()

    assert "Notice of Privacy Practices" in html
    assert "One year after a request is closed" in html
    assert 'href="tel:911"' in html.split("<h2", 1)[0]
    assert 'href="tel:988"' in html.split("<h2", 1)[0]
    for cookie in ["csrftoken", "visit", "request_received"]:
        assert f"<strong>{cookie}</strong>" in html


@pytest.mark.django_db
def test_the_accessibility_statement_names_the_standard_the_checks_and_the_review_date(client):
    html = client.get("/accessibility/").content.decode()

    assert "WCAG) 2.2 at level AA" in html
    assert "(320 pixels)" in html and "(1280 pixels)" in html
    assert "keyboard" in html
    assert "last reviewed on November 25, 2026" in html


# --- What the text says, against what the code does --------------------------------------------


def test_the_cookies_and_their_lifetimes_are_the_ones_the_site_sets():
    notice = body("privacy")

    assert settings.CSRF_COOKIE_NAME == "csrftoken"
    assert timedelta(days=360) <= timedelta(seconds=settings.CSRF_COOKIE_AGE) <= timedelta(days=366)
    assert "lasts up to a year" in notice
    assert attribution.COOKIE_NAME == "visit"
    assert attribution.MAX_AGE.total_seconds() == 12 * 60 * 60
    assert "expires after 12 hours" in notice
    assert views.RECEIVED_COOKIE == "request_received"
    assert views.RECEIVED_MAX_AGE == 60 * 60
    assert "expires after an hour" in notice


def test_the_other_facts_the_notice_states_match_the_code():
    notice = body("privacy")

    # The rate limit's counts live for two windows (core.ratelimit), under a hashed key.
    assert screening.ADDRESS_LIMIT.window_seconds * 2 == 20 * 60
    assert "about 20 minutes" in notice
    assert services.DUPLICATE_WINDOW.days == 30
    assert "within 30 days are linked" in notice
    removed = {"first_name", "last_name", "patient_first_name", "phone", "email", "message"}
    removed |= {"insurance_carrier", "insurance_member_id", "insurance_group_number"}
    removed |= {"landing_page", "referrer"}
    assert removed <= set(retention.PERSONAL_FIELDS)


@pytest.mark.parametrize(
    ("days", "said"),
    [(365, "one year"), (730, "two years"), (180, "180 days"), (400, "400 days"), (1, "1 day")],
)
def test_the_retention_period_is_said_as_people_say_it(days, said):
    assert retention_period(days) == said


def test_the_text_follows_the_retention_period_and_contact_facts_in_settings(settings):
    settings.LEAD_RETENTION_DAYS = 730
    settings.ADMISSIONS_PHONE = "+15085550199"
    settings.CENTER_STREET_ADDRESS = "9 Elm Street"

    notice = body("privacy")

    assert "Two years after a request is closed" in notice
    assert "removed automatically two years after it is closed" in notice
    assert "[(508) 555-0199](tel:+15085550199)" in notice
    assert "Attn: Privacy, 9 Elm Street, Boston, MA 02210" in notice
    assert "[(508) 555-0199](tel:+15085550199)" in body("accessibility")


# --- Migration 0003 over the draft ------------------------------------------------------------


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def set_page(models, slug: str, text: str, meta_description: str) -> None:
    # A transactional test may start on an emptied database: the page is made if missing.
    models.get_model("core", "SitePage").objects.update_or_create(
        slug=slug,
        defaults={"title": slug.title(), "body": text, "meta_description": meta_description},
    )


@pytest.fixture
def back_to_the_latest_schema():
    yield
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("back_to_the_latest_schema")
def test_an_untouched_draft_gets_the_final_text_and_an_edited_page_is_left_alone():
    old = migrate(BEFORE)
    # As 0002 left them on a database made before this release.
    set_page(old, "privacy", DRAFT.DRAFT_PRIVACY_NOTICE, DRAFT.DRAFT_PRIVACY_META_DESCRIPTION)
    edited = DRAFT.DRAFT_ACCESSIBILITY_STATEMENT.replace("any hour", "any hour, or e-mail us")
    set_page(old, "accessibility", edited, "Marketing's own words.")

    migrate(AFTER)

    privacy = SitePage.objects.get(slug="privacy")
    assert privacy.body == body("privacy")
    assert privacy.meta_description == pages()[0]["meta_description"]
    assert "working draft" not in privacy.body
    accessibility = SitePage.objects.get(slug="accessibility")
    assert (accessibility.body, accessibility.meta_description) == (
        edited,
        "Marketing's own words.",
    )


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("back_to_the_latest_schema")
def test_a_draft_saved_unchanged_in_admin_counts_as_untouched_but_its_own_description_is_kept():
    old = migrate(BEFORE)
    # A browser sends a textarea's line breaks as \r\n; the form strips the final newline.
    as_saved = DRAFT.DRAFT_ACCESSIBILITY_STATEMENT.replace("\n", "\r\n").strip()
    set_page(old, "accessibility", as_saved, "Our own.")
    set_page(old, "privacy", DRAFT.DRAFT_PRIVACY_NOTICE + "\nOne more line.", "")

    migrate(AFTER)

    accessibility = SitePage.objects.get(slug="accessibility")
    assert accessibility.body == body("accessibility")
    assert accessibility.meta_description == "Our own."
    privacy = SitePage.objects.get(slug="privacy")
    assert privacy.body == DRAFT.DRAFT_PRIVACY_NOTICE + "\nOne more line."


@pytest.mark.django_db
def test_a_new_database_gets_the_final_text_from_migration_0002():
    SitePage.objects.all().delete()

    CREATE.create_required_pages(django_apps, None)

    assert SitePage.objects.get(slug="privacy").body == body("privacy")
    assert SitePage.objects.get(slug="accessibility").body == body("accessibility")
