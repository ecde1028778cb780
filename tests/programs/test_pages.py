import json
import re

import pytest
from django.contrib.auth.models import Permission

from core.richtext import render_markdown
from programs.models import LevelOfCare
from tests.factories import UserFactory
from tests.programs.factories import ProgramFactory, ProgramFAQFactory
from tests.staff_sign_in import sign_in

pytestmark = pytest.mark.django_db


def json_ld_blocks(html: str) -> list[dict]:
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return [json.loads(block) for block in blocks]


def block_of_type(html: str, schema_type: str) -> dict:
    (block,) = [block for block in json_ld_blocks(html) if block["@type"] == schema_type]
    return block


def test_the_list_shows_published_programs_in_order(client):
    ProgramFactory(name="Partial hospitalization", display_order=2)
    ProgramFactory(name="Inpatient", display_order=1)
    ProgramFactory(name="Draft program", is_published=False)

    html = client.get("/programs/").content.decode()

    assert html.index("Inpatient") < html.index("Partial hospitalization")
    assert "Draft program" not in html


def test_the_comparison_table_has_headers_for_rows_and_columns(client):
    ProgramFactory(
        name="Intensive outpatient",
        hours_per_week="9 to 15 hours",
        typical_length="6 to 10 weeks",
        who_it_is_for="Adults who can keep up with daily life.",
    )

    html = client.get("/programs/").content.decode()

    for column in ("Program", "Hours per week", "Setting", "Typical length", "Who it is for"):
        assert f'<th scope="col">{column}</th>' in html
    assert re.search(r'<th scope="row"><a href="/programs/[\w-]+/">Intensive outpatient</a>', html)
    assert "<caption>" in html
    for fact in ("9 to 15 hours", "On site or virtual", "6 to 10 weeks"):
        assert html.count(fact) == 2  # in the table, and in the list shown on narrow screens
    assert "Adults who can keep up with daily life." in html


def test_the_home_page_lists_the_levels_of_care_from_the_database(client):
    ProgramFactory(name="Aftercare and alumni", summary="Staying connected after treatment.")

    html = client.get("/").content.decode()

    assert "Aftercare and alumni" in html
    assert "Staying connected after treatment." in html


def test_the_detail_page_shows_the_program_and_its_faqs_in_order(client):
    program = ProgramFactory(
        name="Intensive outpatient", level_of_care=LevelOfCare.INTENSIVE_OUTPATIENT
    )
    ProgramFAQFactory(program=program, question="Second question?", order=2)
    ProgramFAQFactory(program=program, question="First question?", order=1)

    response = client.get(f"/programs/{program.slug}/")

    assert response.status_code == 200
    html = response.content.decode()
    assert '<h1 id="program-heading">Intensive outpatient</h1>' in html
    assert "Intensive outpatient (IOP)" in html
    assert html.index("First question?") < html.index("Second question?")
    assert '<h2 id="groups">Groups</h2>' in html  # the Markdown body, rendered


def test_the_call_to_action_opens_the_form_with_this_program_chosen(client):
    ProgramFactory(slug="partial-hospitalization")

    html = client.get("/programs/partial-hospitalization/").content.decode()

    assert 'href="/get-help/?program=partial-hospitalization">Request a consultation</a>' in html
    assert 'href="tel:+16175550143"' in html


def test_the_faq_structured_data_is_json_that_matches_the_faqs(client):
    program = ProgramFactory()
    ProgramFAQFactory(
        program=program, question="Is it <b>online</b>?", answer="Yes, **by video**.", order=1
    )
    ProgramFAQFactory(program=program, question="How long is it?", answer="About 8 weeks.", order=2)

    html = client.get(f"/programs/{program.slug}/").content.decode()

    faq_page = block_of_type(html, "FAQPage")
    assert faq_page["@context"] == "https://schema.org"
    assert [(item["name"], item["acceptedAnswer"]["text"]) for item in faq_page["mainEntity"]] == [
        ("Is it <b>online</b>?", render_markdown("Yes, **by video**.")),
        ("How long is it?", render_markdown("About 8 weeks.")),
    ]
    assert "<b>online</b>" not in html.split("application/ld+json")[1].split("</script>")[0]


def test_a_program_without_faqs_has_no_faq_structured_data(client):
    program = ProgramFactory()

    html = client.get(f"/programs/{program.slug}/").content.decode()

    assert [block["@type"] for block in json_ld_blocks(html)] == ["BreadcrumbList"]


def test_breadcrumbs_are_shown_and_described_for_search_engines(client, settings):
    settings.SITE_URL = "https://www.resilience.example"
    program = ProgramFactory(name="Aftercare", slug="aftercare")

    html = client.get("/programs/aftercare/").content.decode()

    assert [
        (item["position"], item["name"], item["item"])
        for item in block_of_type(html, "BreadcrumbList")["itemListElement"]
    ] == [
        (1, "Home", "https://www.resilience.example/"),
        (2, "Programs", "https://www.resilience.example/programs/"),
        (3, "Aftercare", "https://www.resilience.example/programs/aftercare/"),
    ]
    assert '<nav aria-label="Breadcrumb"' in html
    assert program.name in html


def test_search_and_social_previews_have_a_description_title_and_canonical_url(client, settings):
    settings.SITE_URL = "https://www.resilience.example"
    ProgramFactory(
        slug="inpatient",
        seo_title="Inpatient treatment in Massachusetts",
        meta_description="Care around the clock.",
    )

    html = client.get("/programs/inpatient/?utm_source=newsletter").content.decode()

    # The SEO title is the whole title: the site's name is not added to it.
    assert "<title>Inpatient treatment in Massachusetts</title>" in html
    assert '<meta name="description" content="Care around the clock.">' in html
    canonical = "https://www.resilience.example/programs/inpatient/"
    assert f'<link rel="canonical" href="{canonical}">' in html
    assert f'<meta property="og:url" content="{canonical}">' in html
    assert '<meta property="og:title" content="Inpatient treatment in Massachusetts">' in html
    assert '<meta property="og:description" content="Care around the clock.">' in html


def test_without_seo_fields_the_name_and_summary_are_used(client):
    program = ProgramFactory(
        name="Aftercare", summary="Staying connected.", seo_title="", meta_description=""
    )

    html = client.get(f"/programs/{program.slug}/").content.decode()

    assert "<title>Aftercare · Resilience</title>" in html
    assert '<meta name="description" content="Staying connected.">' in html


def test_an_unpublished_program_is_not_found_by_the_public(client):
    program = ProgramFactory(is_published=False)

    assert client.get(f"/programs/{program.slug}/").status_code == 404


def test_staff_can_preview_an_unpublished_program(client):
    program = ProgramFactory(name="New evening group", is_published=False)
    editor = UserFactory(is_staff=True)
    editor.user_permissions.add(Permission.objects.get(codename="view_program"))
    sign_in(client, editor)

    response = client.get(f"/programs/{program.slug}/")

    assert response.status_code == 200
    assert "This program is not published" in response.content.decode()
    assert response["X-Robots-Tag"] == "noindex"
    assert "no-store" in response["Cache-Control"]


def test_text_from_admin_is_escaped_and_markdown_is_sanitised(client):
    program = ProgramFactory(
        name="<script>alert('name')</script>",
        body="<script>alert('body')</script>\n\nHello",
    )

    html = client.get(f"/programs/{program.slug}/").content.decode()

    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#x27;name&#x27;)&lt;/script&gt;" in html
