import factory
from django.utils import timezone

from articles.models import Article, ArticleImage, Category, Status
from tests.center.factories import PersonFactory


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    name = factory.Sequence(lambda n: f"Topic {n}")
    slug = factory.Sequence(lambda n: f"topic-{n}")


class ArticleFactory(factory.django.DjangoModelFactory):
    """A published article, public since an hour ago."""

    class Meta:
        model = Article
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Coping with evenings, part {n}")
    slug = factory.Sequence(lambda n: f"coping-with-evenings-{n}")
    summary = "Small routines that make the hardest hours of the day easier."
    body = "Evenings can be hard.\n\n## A routine\n\n- Eat at the same time\n- Call someone"
    author = factory.SubFactory(PersonFactory)
    status = Status.PUBLISHED
    publish_at = factory.LazyFunction(lambda: timezone.now() - timezone.timedelta(hours=1))


class DraftFactory(ArticleFactory):
    status = Status.DRAFT
    publish_at = None


class ScheduledFactory(ArticleFactory):
    publish_at = factory.LazyFunction(lambda: timezone.now() + timezone.timedelta(days=7))


class ArticleImageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ArticleImage

    image = factory.django.ImageField(width=800, height=600, format="WEBP", filename="calm.webp")
    alt_text = "A quiet room with two chairs by a window"
