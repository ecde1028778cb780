from django.apps import AppConfig


class CenterConfig(AppConfig):
    name = "center"
    verbose_name = "The center"

    def ready(self) -> None:
        from center import signals  # noqa: F401 (connects the receivers)
