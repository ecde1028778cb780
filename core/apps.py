from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Site pages"

    def ready(self):
        from core import checks  # noqa: F401 (registers the system checks)
        from core.models import SitePage
        from core.pagecache import forget_public_pages_when_saved

        forget_public_pages_when_saved(SitePage)
