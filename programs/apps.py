from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    name = "programs"

    def ready(self):
        from core.pagecache import forget_public_pages_when_saved
        from programs.models import Program, ProgramFAQ

        forget_public_pages_when_saved(Program, ProgramFAQ)
