from django.conf import settings
from django.core.checks import Error, Warning, register
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


@register(deploy=True)
def production_has_a_broker(app_configs, **kwargs):
    if settings.REDIS_URL:
        return []
    return [
        Warning(
            "REDIS_URL is not set: lead follow-ups run inside web requests, and nothing re-queues "
            "lost follow-ups or escalates leads nobody has contacted.",
            hint="Set REDIS_URL and run the Celery worker and beat processes (see Procfile).",
            id="admissions.W001",
        )
    ]
