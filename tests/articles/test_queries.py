"""Each article page takes a fixed number of queries: more articles, categories, tags or
programs never mean more."""

import pytest

from tests.articles.factories import ArticleFactory, CategoryFactory
from tests.programs.factories import ProgramFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_page_cache(settings):
    """Counted as the page is rendered; the page cache serves repeat views with none."""
    settings.PAGE_CACHE_SECONDS = 0


def articles(count: int, *, tags: int, programs: int):
    categories = CategoryFactory.create_batch(2)
    related = ProgramFactory.create_batch(programs)
    made = ArticleFactory.create_batch(count)
    for article in made:
        article.categories.set(categories)
        article.related_programs.set(related)
        article.tags.add(*(f"tag {n}" for n in range(tags)))
    return made


@pytest.mark.parametrize(
    ("path", "queries"),
    [
        # The page's articles (counted, then listed), their categories, the topics.
        ("/articles/", 4),
        ("/articles/?page=2", 4),
        # The category, then the same.
        ("/articles/category/{category}/", 5),
        # The articles, their categories.
        ("/articles/feed/", 2),
        # Programs, articles, categories, site pages.
        ("/sitemap.xml", 6),
        # Articles, programs.
        ("/search/?q=evenings", 2),
    ],
)
@pytest.mark.parametrize(("count", "tags", "programs"), [(12, 1, 1), (30, 6, 4)])
def test_lists_take_a_fixed_number_of_queries(
    client, django_assert_num_queries, path, queries, count, tags, programs
):
    made = articles(count, tags=tags, programs=programs)
    client.get("/")
    path = path.format(category=made[0].categories.first().slug)

    with django_assert_num_queries(queries):
        assert client.get(path).status_code == 200


@pytest.mark.parametrize(("count", "tags", "programs"), [(2, 1, 1), (30, 6, 4)])
def test_an_article_page_takes_five_queries(
    client, django_assert_num_queries, count, tags, programs
):
    article, *_ = articles(count, tags=tags, programs=programs)
    client.get("/")

    # The article with its author and reviewer, its categories, tags, programs, related articles.
    with django_assert_num_queries(5):
        assert client.get(article.get_absolute_url()).status_code == 200
