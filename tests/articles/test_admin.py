"""Marketing writes, previews, schedules, publishes, corrects and restores articles in admin
without a developer, and manages the image library; marketing still never reaches a lead."""

from datetime import timedelta
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from articles.models import Article, ArticleImage, Category, State, Status
from tests.admissions.factories import LeadFactory
from tests.articles.factories import (
    ArticleFactory,
    ArticleImageFactory,
    CategoryFactory,
    DraftFactory,
    ScheduledFactory,
)
from tests.center.factories import PersonFactory
from tests.programs.factories import ProgramFactory

pytestmark = pytest.mark.django_db

ADMIN = "/admin/articles/article/"


def article_form(**overrides) -> dict:
    data = {
        "title": "Sleep in early recovery",
        "slug": "sleep-in-early-recovery",
        "summary": "Why sleep is often the first thing to improve, and the last to settle.",
        "body": "## Why sleep matters\n\nA steady bedtime helps.\n\n> Rest is part of treatment.",
        "status": Status.DRAFT,
        "publish_at_0": "",
        "publish_at_1": "",
        "author": PersonFactory().pk,
        "medical_reviewer": "",
        "reviewed_on": "",
        "tags": "sleep, recovery",
        "hero_image_alt": "",
        "seo_title": "",
        "meta_description": "",
        "old_addresses-TOTAL_FORMS": "0",
        "old_addresses-INITIAL_FORMS": "0",
    }
    return {**data, **overrides}


def revision_form(revision, **overrides) -> dict:
    """The form of an earlier revision, sent back as the history page shows it."""
    return article_form(
        **{
            "title": revision.title,
            "slug": revision.slug,
            "summary": revision.summary,
            "body": revision.body,
            "author": revision.author_id,
            "status": revision.status,
            "publish_at_0": timezone.localtime(revision.publish_at).strftime("%Y-%m-%d"),
            "publish_at_1": timezone.localtime(revision.publish_at).strftime("%H:%M:%S"),
            **overrides,
        }
    )


def photo() -> SimpleUploadedFile:
    buffer = BytesIO()
    Image.new("RGB", (2400, 1600), "teal").save(buffer, format="JPEG")
    return SimpleUploadedFile("room.jpg", buffer.getvalue(), content_type="image/jpeg")


def test_marketing_writes_a_draft_with_its_topics(marketing):
    category = CategoryFactory()
    program = ProgramFactory()

    response = marketing.post(
        f"{ADMIN}add/",
        article_form(categories=[category.pk], related_programs=[program.pk]),
    )

    assert response.status_code == 302, response.context["adminform"].errors
    article = Article.objects.get(slug="sleep-in-early-recovery")
    assert article.state == State.DRAFT
    assert list(article.categories.all()) == [category]
    assert list(article.related_programs.all()) == [program]
    assert sorted(tag.name for tag in article.tags.all()) == ["recovery", "sleep"]
    assert '<h2 id="why-sleep-matters">' in article.body_html


def test_marketing_schedules_an_article_for_next_week_and_is_told_when_it_appears(marketing):
    when = timezone.localtime() + timedelta(days=7)

    response = marketing.post(
        f"{ADMIN}add/",
        article_form(
            status=State.SCHEDULED,
            publish_at_0=when.strftime("%Y-%m-%d"),
            publish_at_1=when.strftime("%H:%M:%S"),
        ),
        follow=True,
    )

    assert Article.objects.get().state == State.SCHEDULED
    assert "is scheduled: visitors see it from" in response.content.decode()


def test_published_with_the_time_left_blank_publishes_now(marketing):
    response = marketing.post(f"{ADMIN}add/", article_form(status=State.PUBLISHED))

    assert response.status_code == 302
    article = Article.objects.get()
    assert article.state == State.PUBLISHED
    assert Article.objects.public().get() == article


def test_published_with_a_time_to_come_is_refused_rather_than_quietly_scheduled(marketing):
    # An article unpublished while scheduled keeps its time; choosing Published means now.
    article = ScheduledFactory()
    Article.objects.filter(pk=article.pk).update(status=Status.DRAFT)
    when = timezone.localtime(article.publish_at)

    response = marketing.post(
        f"{ADMIN}{article.pk}/change/",
        revision_form(
            article,
            status=State.PUBLISHED,
            publish_at_0=when.strftime("%Y-%m-%d"),
            publish_at_1=when.strftime("%H:%M:%S"),
        ),
    )

    assert response.status_code == 200
    assert "choose Scheduled to have it appear then" in response.content.decode()
    article.refresh_from_db()
    assert article.state == State.DRAFT


def test_the_list_shows_state_publish_date_author_and_categories_and_filters_by_state(marketing):
    category = CategoryFactory(name="Family")
    ArticleFactory(title="Out now").categories.add(category)
    ScheduledFactory(title="Next week")
    DraftFactory(title="Still writing")

    html = marketing.get(ADMIN).content.decode()

    for column in ("State", "Publish at", "Author", "Categories"):
        assert column in html
    assert "Family" in html and "Scheduled" in html
    scheduled_only = marketing.get(f"{ADMIN}?state=scheduled").content.decode()
    assert "Next week" in scheduled_only
    assert "Out now" not in scheduled_only and "Still writing" not in scheduled_only


def test_publish_now_and_unpublish_from_the_list(marketing):
    draft, scheduled, public = DraftFactory(), ScheduledFactory(), ArticleFactory()

    marketing.post(ADMIN, {"action": "publish_now", "_selected_action": [draft.pk, scheduled.pk]})
    for article in (draft, scheduled):
        article.refresh_from_db()
        assert article.is_public

    marketing.post(ADMIN, {"action": "unpublish", "_selected_action": [public.pk]})
    public.refresh_from_db()
    assert public.state == State.DRAFT


def test_a_draft_without_an_author_is_not_published_and_the_editor_is_told_why(marketing):
    imported = DraftFactory(title="From the old site", author=None)
    ready = DraftFactory(title="Ready")

    listed = marketing.post(
        ADMIN,
        {"action": "publish_now", "_selected_action": [imported.pk, ready.pk]},
        follow=True,
    )
    saved = marketing.post(
        f"{ADMIN}{imported.pk}/change/",
        article_form(title=imported.title, slug=imported.slug, author="", status="published"),
    )

    assert "Not published, for want of an author: “From the old site”" in listed.content.decode()
    assert "Choose who wrote it" in saved.content.decode()
    imported.refresh_from_db()
    ready.refresh_from_db()
    assert (imported.state, ready.state) == (State.DRAFT, State.PUBLISHED)


def test_a_draft_without_an_author_is_previewed_without_a_byline(marketing):
    draft = DraftFactory(title="From the old site", author=None)

    page = marketing.get(draft.get_absolute_url()).content.decode()

    assert "From the old site" in page and "Written by" not in page


def test_a_text_naming_an_image_the_library_lacks_is_refused_and_nothing_saved(marketing):
    response = marketing.post(f"{ADMIN}add/", article_form(body="![A room](image:424242)"))

    assert response.status_code == 200
    assert "The image library has no image 424242" in response.content.decode()
    assert not Article.objects.exists()


def test_an_address_the_site_answers_itself_is_refused(marketing):
    response = marketing.post(f"{ADMIN}add/", article_form(slug="feed"))

    assert "/articles/feed/ is taken by the site itself" in response.content.decode()
    assert not Article.objects.exists()


def test_a_hero_image_needs_its_description(marketing):
    response = marketing.post(f"{ADMIN}add/", article_form(hero_image=photo()))

    assert "Describe the image for people who cannot see it." in response.content.decode()
    assert not Article.objects.exists()


def test_the_editor_has_buttons_for_markdown_and_a_preview_that_needs_no_script(marketing):
    image = ArticleImageFactory()

    html = marketing.get(f"{ADMIN}add/").content.decode()

    assert 'role="group" aria-label="Write Markdown"' in html
    for button in ("Heading", "List", "Quote", "Link", "Insert image"):
        assert f">{button}</button>" in html
    assert f'<option value="{image.pk}"' in html
    assert 'formaction="/admin/articles/article/preview/" formtarget="_blank"' in html
    assert "js/markdown-editor.js" in html


def test_the_preview_shows_the_unsaved_text_in_the_site_s_page_and_saves_nothing(marketing):
    response = marketing.post(
        f"{ADMIN}preview/",
        article_form(body="## Not saved yet\n\n<script>alert(1)</script>Words."),
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "Preview." in html and "Not saved" in html
    assert '<h2 id="not-saved-yet">Not saved yet</h2>' in html
    assert "<script>alert" not in html
    assert "site.bundle.css" in html  # the site's own page, not admin's
    assert "no-store" in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex"
    assert not Article.objects.exists()


def test_the_preview_of_a_saved_article_shows_the_edits_not_the_saved_text(marketing):
    article = ArticleFactory(body="Saved words.")

    html = marketing.post(
        f"{ADMIN}preview/?article={article.pk}",
        article_form(slug=article.slug, body="Edited words.", author=article.author.pk),
    ).content.decode()

    assert "Edited words." in html and "Saved words." not in html
    article.refresh_from_db()
    assert article.body == "Saved words."


@pytest.mark.parametrize("number", ["²", "9" * 30, "12abc"])
def test_a_preview_of_an_article_that_cannot_exist_is_not_found(marketing, number):
    response = marketing.post(f"{ADMIN}preview/?article={number}", article_form())

    assert response.status_code == 404


def test_the_preview_is_for_people_who_edit_articles(client):
    from tests.admissions.factories import AdmissionsStaffFactory
    from tests.staff_sign_in import sign_in

    sign_in(client, AdmissionsStaffFactory())

    response = client.post(f"{ADMIN}preview/", article_form())

    assert response.status_code == 403


def test_an_editor_sees_the_history_and_restores_an_earlier_revision(marketing):
    article = ArticleFactory(title="First title", body="First words.")
    marketing.post(
        f"{ADMIN}{article.pk}/change/",
        article_form(
            title="Second title",
            slug=article.slug,
            body="Second words.",
            author=article.author.pk,
            status=Status.PUBLISHED,
            publish_at_0=timezone.localtime(article.publish_at).strftime("%Y-%m-%d"),
            publish_at_1=timezone.localtime(article.publish_at).strftime("%H:%M:%S"),
        ),
    )
    article.refresh_from_db()
    assert article.title == "Second title"

    history = marketing.get(f"{ADMIN}{article.pk}/history/").content.decode()
    assert "First title" in history or "Created" in history
    first = article.history.earliest()
    form = marketing.get(f"{ADMIN}{article.pk}/history/{first.history_id}/")
    assert form.status_code == 200
    restored = marketing.post(
        f"{ADMIN}{article.pk}/history/{first.history_id}/",
        revision_form(first),
    )

    assert restored.status_code == 302
    article.refresh_from_db()
    assert article.title == "First title"
    assert "First words." in article.body_html


def test_an_uploaded_library_image_is_resized_stripped_and_described(marketing):
    response = marketing.post(
        "/admin/articles/articleimage/add/",
        {"image": photo(), "alt_text": "The group room with chairs in a circle"},
    )

    assert response.status_code == 302
    image = ArticleImage.objects.get()
    assert image.image.name.endswith(".webp")
    assert (image.width, image.height) == (1600, 1067)


def test_an_uploaded_hero_image_is_resized_like_the_library_s(marketing):
    response = marketing.post(
        f"{ADMIN}add/",
        article_form(hero_image=photo(), hero_image_alt="Two chairs facing a window"),
    )

    assert response.status_code == 302
    hero = Article.objects.get().hero_image
    assert hero.name.endswith(".webp")
    with Image.open(hero) as image:
        assert image.size == (1600, 1067)


def test_a_library_image_needs_its_description(marketing):
    response = marketing.post(
        "/admin/articles/articleimage/add/", {"image": photo(), "alt_text": ""}
    )

    assert response.status_code == 200
    assert not ArticleImage.objects.exists()


@pytest.mark.parametrize(
    "path",
    [
        "/admin/admissions/lead/",
        "/admin/admissions/lead/{lead}/change/",
        "/admin/admissions/dashboard/",
    ],
)
def test_marketing_still_never_reaches_a_lead(marketing, path):
    lead = LeadFactory()

    response = marketing.get(path.format(lead=lead.pk))

    assert response.status_code in (403, 404)


def test_an_earlier_revision_brings_back_its_categories_programs_and_tags(marketing):
    before, after = CategoryFactory(name="Families"), CategoryFactory(name="Treatment")
    program = ProgramFactory()
    article = ArticleFactory(title="Visiting days")
    article.categories.set([before])
    article.related_programs.set([program])
    article.tags.set(["visits", "family support"])
    article.save()  # a revision with them
    first = article.history.latest()
    article.categories.set([after])
    article.related_programs.clear()
    article.tags.set(["weekends"])
    article.save()

    page = marketing.get(f"{ADMIN}{article.pk}/history/{first.history_id}/")

    initial = page.context["adminform"].form.initial
    assert [getattr(c, "pk", c) for c in initial["categories"]] == [before.pk]
    assert [getattr(p, "pk", p) for p in initial["related_programs"]] == [program.pk]
    assert [tag.name for tag in initial["tags"]] == ["family support", "visits"]


def test_the_revision_an_edit_records_holds_the_tags_set_with_it(marketing):
    article = ArticleFactory(title="Visiting days")
    article.tags.set(["visits"])

    marketing.post(
        f"{ADMIN}{article.pk}/change/",
        article_form(
            title=article.title,
            slug=article.slug,
            author=article.author.pk,
            tags="visits, weekends",
        ),
    )

    latest = article.history.latest()
    assert latest.tag_names == ["visits", "weekends"]
    history = marketing.get(f"{ADMIN}{article.pk}/history/").content.decode()
    assert "visits, weekends" in history


def test_saving_without_changing_the_tags_records_no_revision_for_them(marketing):
    article = ArticleFactory(title="Visiting days")
    article.tags.set(["visits"])
    revisions = article.history.count()

    article.tags.set(["visits"])
    article.tags.add("visits")
    assert article.history.count() == revisions

    form = article_form(title=article.title, slug=article.slug, author=article.author.pk)
    marketing.post(f"{ADMIN}{article.pk}/change/", {**form, "tags": "visits"})
    after_a_save = article.history.count()
    marketing.post(f"{ADMIN}{article.pk}/change/", {**form, "tags": "visits"})

    assert article.history.count() - after_a_save == 1  # the save's own revision alone


def test_restoring_a_revision_restores_its_tags(marketing):
    article = ArticleFactory(title="Visiting days")
    article.tags.set(["visits", "family support"])
    article.save()
    first = article.history.latest()
    article.tags.set(["weekends"])
    article.save()
    shown = marketing.get(f"{ADMIN}{article.pk}/history/{first.history_id}/")
    assert 'value="&quot;family support&quot;, visits"' in shown.content.decode()

    marketing.post(
        f"{ADMIN}{article.pk}/history/{first.history_id}/",
        revision_form(first, tags='"family support", visits'),  # as the form showed it
    )

    assert sorted(article.tags.names()) == ["family support", "visits"]
    assert article.history.latest().tag_names == ["family support", "visits"]


def test_an_earlier_revision_offers_a_revert_button_to_whoever_may_change_the_article(
    marketing, client
):
    from django.contrib.auth.models import Permission

    from tests.admissions.factories import StaffFactory
    from tests.staff_sign_in import sign_in

    article = ArticleFactory(title="First title")
    first = article.history.earliest()
    address = f"{ADMIN}{article.pk}/history/{first.history_id}/"
    reader = StaffFactory()
    reader.user_permissions.set(
        Permission.objects.filter(codename__in=["view_article", "view_historicalarticle"])
    )

    editor_page = marketing.get(address).content.decode()
    sign_in(client, reader)
    reader_page = client.get(address).content.decode()

    assert 'value="Revert"' in editor_page
    assert 'value="Revert"' not in reader_page


def test_one_save_in_admin_is_one_revision_with_its_topics_and_tags(marketing):
    category = CategoryFactory()
    program = ProgramFactory()

    marketing.post(
        f"{ADMIN}add/",
        article_form(categories=[category.pk], related_programs=[program.pk], tags="sleep, rest"),
    )
    article = Article.objects.get()
    marketing.post(
        f"{ADMIN}{article.pk}/change/",
        revision_form(article, title="Sleep, again", categories=[], tags="sleep"),
    )

    created, changed = article.history.order_by("history_date")
    assert (created.history_type, changed.history_type) == ("+", "~")
    assert list(created.categories.values_list("category", flat=True)) == [category.pk]
    assert list(created.related_programs.values_list("program", flat=True)) == [program.pk]
    assert created.tag_names == ["rest", "sleep"]
    assert (changed.title, list(changed.categories.all()), changed.tag_names) == (
        "Sleep, again",
        [],
        ["sleep"],
    )


@pytest.mark.parametrize(
    ("body", "told"),
    [
        ("Call [our team](https://) today.", "The link “our team” has no address"),
        ("See [SAMHSA](www.samhsa.gov).", "write https://www.samhsa.gov"),
        ("[Click](javascript:alert(1))", "The link “Click” cannot be kept"),
        ("![A chart](https://elsewhere.example/chart.png)", "is not from the image library"),
    ],
)
def test_a_link_or_image_that_would_be_dropped_or_broken_is_named_to_the_editor(
    marketing, body, told
):
    response = marketing.post(f"{ADMIN}add/", article_form(body=body))

    assert response.status_code == 200
    assert told in response.content.decode()
    assert not Article.objects.exists()


def test_a_review_date_to_come_is_refused(marketing):
    reviewer = PersonFactory()
    next_month = timezone.localdate() + timedelta(days=30)

    response = marketing.post(
        f"{ADMIN}add/",
        article_form(medical_reviewer=reviewer.pk, reviewed_on=next_month.isoformat()),
    )

    assert "Give the day it was reviewed, not one to come." in response.content.decode()
    assert not Article.objects.exists()


def test_a_revision_recorded_before_tags_were_kept_leaves_the_tags_as_they_are(marketing):
    article = ArticleFactory(title="Visiting days")
    article.tags.set(["weekends"])
    first = article.history.earliest()
    type(first).objects.filter(pk=first.pk).update(tag_names=None)

    page = marketing.get(f"{ADMIN}{article.pk}/history/{first.history_id}/")

    assert [tag.name for tag in page.context["adminform"].form["tags"].value()] == ["weekends"]


def test_someone_who_may_only_read_articles_cannot_restore_a_revision(client):
    # simple_history's form of a past version saves for anyone who may read the history.
    from django.contrib.auth.models import Permission

    from tests.admissions.factories import StaffFactory
    from tests.staff_sign_in import sign_in

    reader = StaffFactory()
    reader.user_permissions.set(
        Permission.objects.filter(codename__in=["view_article", "view_historicalarticle"])
    )
    sign_in(client, reader)
    article = ArticleFactory(title="First title")
    first = article.history.earliest()
    Article.objects.filter(pk=article.pk).update(title="Second title")

    response = client.post(f"{ADMIN}{article.pk}/history/{first.history_id}/", revision_form(first))

    assert response.status_code == 403
    article.refresh_from_db()
    assert article.title == "Second title"


def test_an_editor_schedules_an_article_by_choosing_scheduled_and_a_time_to_come(marketing):
    next_week = timezone.localtime() + timedelta(days=7)
    when = {"publish_at_0": f"{next_week:%Y-%m-%d}", "publish_at_1": f"{next_week:%H:%M:%S}"}

    without_time = marketing.post(f"{ADMIN}add/", article_form(status="scheduled"))
    scheduled = marketing.post(f"{ADMIN}add/", article_form(status="scheduled", **when))

    assert "Give the time it is to appear" in without_time.content.decode()
    assert scheduled.status_code == 302
    article = Article.objects.get()
    assert article.state == State.SCHEDULED
    form = marketing.get(f"{ADMIN}{article.pk}/change/").content.decode()
    assert '<option value="scheduled" selected>Scheduled</option>' in form


def test_marketing_adds_a_category_and_an_old_address_in_admin():
    from django.test import Client

    from tests.admissions.factories import MarketingFactory
    from tests.staff_sign_in import sign_in

    editor = Client()
    sign_in(editor, MarketingFactory())
    article = ArticleFactory()

    category = editor.post(
        "/admin/articles/category/add/",
        {"name": "Family support", "slug": "family-support", "description": "", "order": "1"},
    )
    old_address = editor.post(
        "/admin/articles/oldaddress/add/",
        {"path": "/blog/family-visits/", "article": article.pk},
    )

    assert (category.status_code, old_address.status_code) == (302, 302)
    assert Category.objects.filter(slug="family-support").exists()
    response = Client().get("/blog/family-visits/")
    assert response.status_code == 301 and response["Location"] == article.get_absolute_url()
