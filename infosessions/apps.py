from django.apps import AppConfig


class InfoSessionsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "infosessions"
    verbose_name = "Information sessions"

    def ready(self) -> None:
        from core.pagecache import forget_public_pages_when_saved
        from infosessions.models import InfoSession

        # A session's page, the list and its program's page show it: all forget on an edit.
        # A registration changes only the seats left, which may lag by PAGE_CACHE_SECONDS.
        forget_public_pages_when_saved(InfoSession)
