from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def production_requires_two_factor(app_configs, **kwargs):
    """The admissions desk holds health information: in production a password alone must not
    open it."""
    if settings.DEBUG or settings.ADMIN_REQUIRE_2FA:
        return []
    return [
        Warning(
            "ADMIN_REQUIRE_2FA is off: staff sign in to admin with a password alone.",
            hint="Remove ADMIN_REQUIRE_2FA=false from the environment (it defaults to on when "
            "DEBUG is off).",
            id="staff.W001",
        )
    ]
