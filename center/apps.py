from django.apps import AppConfig


class CenterConfig(AppConfig):
    name = "center"
    verbose_name = "The center"

    def ready(self) -> None:
        from center.models import CenterProfile, Credential, InsuranceCarrier, Person, Place
        from core.pagecache import forget_public_pages_when_saved

        forget_public_pages_when_saved(CenterProfile, Place, Credential, Person, InsuranceCarrier)
