from importlib import import_module

from django.apps import apps
from django.core.management.base import BaseCommand
from django.utils.module_loading import module_has_submodule


class Command(BaseCommand):
    help = (
        "Load demo content for local development. Safe to run repeatedly: each app's demo.seed() "
        "creates what is missing and changes nothing that exists."
    )

    def handle(self, *args, **options):
        # Apps seed in INSTALLED_APPS order, so later apps can refer to earlier apps' content.
        for app_config in apps.get_app_configs():
            if module_has_submodule(app_config.module, "demo"):
                demo = import_module(f"{app_config.name}.demo")
                demo.seed(self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo content is in place."))
