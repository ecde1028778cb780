from django.conf import settings
from django.core.checks import Error, register


@register()
def production_has_shared_services(app_configs, **kwargs):
    """Production must run with Redis: without it each web process counts rate limits and floods
    on its own, requests cannot be spooled during a database outage, and nothing re-queues lost
    follow-ups or escalates leads nobody has contacted. Refused, not warned about."""
    if settings.DEBUG or settings.REDIS_URL:
        return []
    return [
        Error(
            "REDIS_URL is not set and DEBUG is off: production needs a shared Redis for the "
            "rate limits, the flood guard, the request spool and the Celery broker.",
            hint="Set REDIS_URL and run the Celery worker and beat processes (see Procfile); "
            "for local development set DEBUG=true instead.",
            id="core.E001",
        )
    ]
