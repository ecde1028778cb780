"""The demo articles `make run` shows: three published, one scheduled for next week, in two
categories, by people of the demo team; seeding again changes nothing."""

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from articles.models import Article, Category, State

pytestmark = pytest.mark.django_db


def seed_demo() -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def test_three_published_one_scheduled_two_categories_by_the_team():
    seed_demo()

    states = sorted(article.state for article in Article.objects.all())
    assert states.count(State.PUBLISHED) >= 3
    assert states.count(State.SCHEDULED) == 1
    scheduled = next(a for a in Article.objects.all() if a.state == State.SCHEDULED)
    assert timezone.now() + timezone.timedelta(days=6) < scheduled.publish_at
    assert Category.objects.count() == 2
    for article in Article.objects.select_related("author"):
        assert article.author.slug in {"jonah-whitcombe", "daniel-ashworth", "ana-lindqvist"}
        assert article.categories.exists() and article.related_programs.exists()
        assert article.reading_minutes >= 1 and article.body_html


def test_the_demo_covers_peer_support_iop_week_to_week_and_social_reintegration():
    seed_demo()

    slugs = set(Article.objects.public().values_list("slug", flat=True))

    assert {
        "peer-support-in-intensive-outpatient-treatment",
        "what-iop-is-like-week-to-week",
        "social-reintegration-after-treatment",
    } <= slugs


def test_no_demo_article_was_reviewed_on_a_day_still_to_come():
    seed_demo()

    reviewed = Article.objects.exclude(reviewed_on=None)
    assert reviewed.filter(publish_at__gt=timezone.now()).exists()  # the scheduled one
    assert [a.reviewed_on for a in reviewed if a.reviewed_on > timezone.localdate()] == []


def test_seeding_again_creates_nothing_more():
    seed_demo()
    counts = (Article.objects.count(), Category.objects.count())

    seed_demo()

    assert (Article.objects.count(), Category.objects.count()) == counts
