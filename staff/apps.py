from django.apps import AppConfig

# Imported as a module so that its AdminConfig is not a member here: Django picks an app's default
# config among the AppConfig classes its apps.py holds.
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class StaffConfig(AppConfig):
    """Staff accounts: sign-in, two-factor, idle timeout."""

    name = "staff"
    verbose_name = _("Staff accounts")
    default = True

    def ready(self):
        from staff import checks  # noqa: F401 (registers the system checks)


class StaffAdminConfig(admin_apps.AdminConfig):
    """Django admin, with our site (two-factor when required) as `admin.site`."""

    default = False
    default_site = "staff.sites.StaffAdminSite"
