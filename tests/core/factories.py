import factory

from core.models import SitePage


class SitePageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SitePage
        django_get_or_create = ["slug"]

    title = factory.Sequence(lambda n: f"Visiting us {n}")
    slug = factory.Sequence(lambda n: f"visiting-us-{n}")
    meta_description = "How to find us and where to park."
    body = "We are a short walk from the station.\n\n## Parking\n\nThere is a free lot behind us."
