from django.conf import settings
from django.core.checks import Error, register
from django.utils.module_loading import import_string


@register()
def staff_channels_load(app_configs, **kwargs):
    """A mistyped ADMISSIONS_STAFF_CHANNELS entry would silence lead alerts: refuse to start."""
    errors = []
    for path in settings.ADMISSIONS_STAFF_CHANNELS:
        try:
            import_string(path)
        except ImportError as error:
            errors.append(
                Error(
                    f"ADMISSIONS_STAFF_CHANNELS names {path!r}, which cannot be imported: {error}",
                    id="admissions.E001",
                )
            )
    return errors
