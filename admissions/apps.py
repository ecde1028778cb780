from django.apps import AppConfig


class AdmissionsConfig(AppConfig):
    name = "admissions"

    def ready(self):
        from admissions import checks  # noqa: F401 (registers the system checks)
