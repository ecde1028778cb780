"""Django admin keeps working under the site's strict Content-Security-Policy."""

from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from playwright.sync_api import expect

from tests.browser.test_accessibility import WCAG_A_AND_AA
from tests.browser.test_staff_sign_in import sign_in_with_two_factor
from tests.factories import SuperuserFactory
from tests.programs.factories import ProgramFactory
from tests.staff_sign_in import authenticator_for


def test_staff_sign_in_and_edit_a_page_without_policy_violations(page, page_log):
    device = authenticator_for(
        SuperuserFactory(username="marketing", password="correct-horse-battery")
    )

    page.goto(f"/{settings.ADMIN_URL}")
    sign_in_with_two_factor(page, "marketing", "correct-horse-battery", device)
    page.goto(f"/{settings.ADMIN_URL}core/sitepage/")
    page.get_by_role("link", name="Privacy notice").click()

    assert page.get_by_label("Title").input_value() == "Privacy notice"
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("was changed successfully")).to_be_visible()
    assert page_log.console_errors == []
    assert page_log.requests_to_other_hosts() == []


def test_marketing_sees_a_character_count_and_previews_a_draft(page, page_log):
    device = authenticator_for(
        SuperuserFactory(username="marketing", password="correct-horse-battery")
    )
    draft = ProgramFactory(name="Weekend IOP", slug="weekend-iop", is_published=False)

    page.goto(f"/{settings.ADMIN_URL}login/")
    sign_in_with_two_factor(page, "marketing", "correct-horse-battery", device)
    page.goto(f"/{settings.ADMIN_URL}programs/program/{draft.pk}/change/")
    page.get_by_label("SEO title").fill(
        "Weekend intensive outpatient program in Boston, Massachusetts"
    )

    expect(page.locator("#id_seo_title-character-count")).to_have_text(
        "61 characters: 1 over the recommended 60; search engines may cut it short."
    )
    page.get_by_role("link", name="View on site").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Weekend IOP")
    expect(page.get_by_role("status")).to_contain_text("This program is not published")
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_A_AND_AA}})
    assert results.violations_count == 0, results.generate_report()
    assert page_log.console_errors == []


def test_marketing_writes_with_the_editor_s_buttons_and_previews_the_unsaved_article(
    page, page_log, settings
):
    from admissions.roles import MARKETING_GROUP
    from articles.models import Article
    from tests.admissions.factories import MarketingFactory

    user = MarketingFactory(username="writer", password="correct-horse-battery")
    assert user.groups.filter(name=MARKETING_GROUP).exists()
    device = authenticator_for(user)
    article = Article.objects.get(slug="peer-support-in-intensive-outpatient-treatment")

    page.goto(f"/{settings.ADMIN_URL}login/")
    sign_in_with_two_factor(page, "writer", "correct-horse-battery", device)
    page.goto(f"/{settings.ADMIN_URL}articles/article/{article.pk}/change/")
    body = page.locator("#id_body")
    body.fill("")
    page.get_by_role("button", name="Heading", exact=True).click()
    page.keyboard.type("A new section")
    body.press("End")
    body.press("Enter")
    body.press("Enter")
    page.get_by_role("button", name="Quote").click()

    assert body.input_value() == "## A new section\n\n> Quoted words"
    body.press("End")
    body.press("Enter")
    page.keyboard.type("Words already written")
    body.press("Home")
    page.get_by_role("button", name="Subheading").click()
    assert body.input_value().endswith("> Quoted words\n### Words already written")
    with page.context.expect_page() as preview_tab:
        page.get_by_role("button", name="Preview in the site's style").click()
    preview = preview_tab.value
    preview.wait_for_load_state()
    expect(preview.get_by_role("heading", level=2, name="A new section")).to_be_visible()
    expect(preview.get_by_role("status")).to_contain_text("Preview.")
    article.refresh_from_db()
    assert "A new section" not in article.body  # nothing saved

    page.locator("#id_title").press("Enter")  # saves, as on any admin page

    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    article.refresh_from_db()
    assert article.body.endswith("### Words already written")
    assert page_log.console_errors == []


def test_the_staff_preview_of_a_scheduled_article_meets_wcag_on_a_phone_and_a_desktop(
    page, page_log, settings
):
    from django.utils import timezone

    from articles.models import Article
    from tests.admissions.factories import MarketingFactory
    from tests.browser.test_accessibility import VIEWPORTS

    device = authenticator_for(
        MarketingFactory(username="writer", password="correct-horse-battery")
    )
    scheduled = Article.objects.filter(status="published", publish_at__gt=timezone.now()).get()
    page.goto(f"/{settings.ADMIN_URL}login/")
    sign_in_with_two_factor(page, "writer", "correct-horse-battery", device)

    for viewport in VIEWPORTS.values():
        page.set_viewport_size(viewport)
        response = page.goto(scheduled.get_absolute_url())

        assert response.status == 200
        expect(page.get_by_role("status")).to_contain_text("Preview.")
        results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_A_AND_AA}})
        assert results.violations_count == 0, results.generate_report()
    assert page_log.console_errors == []
    assert page_log.requests_to_other_hosts() == []
