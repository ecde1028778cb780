from django.conf import settings
from django.core.checks import Error, Warning, register


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


@register()
def production_has_field_encryption_keys(app_configs, **kwargs):
    """Without its own keys, encryption at rest would hang on SECRET_KEY: rotating that would make
    every stored message unreadable."""
    if settings.DEBUG or settings.FIELD_ENCRYPTION_KEYS:
        return []
    return [
        Error(
            "FIELD_ENCRYPTION_KEYS is not set and DEBUG is off: the messages and insurance "
            "details of leads must be encrypted with keys of their own.",
            hint='Generate one with: python -c "from cryptography.fernet import Fernet; '
            "print(Fernet.generate_key().decode())\" and see README, 'Encryption at rest'.",
            id="core.E002",
        )
    ]


# The most an edit-free change (a scheduled article) may take to show, as the README promises.
FRESHNESS_BOUND_SECONDS = 30


@register()
def public_pages_are_fresh_within_the_bound(app_configs, **kwargs):
    """A page kept here for PAGE_CACHE_SECONDS, then by a proxy for PUBLIC_PAGE_MAX_AGE
    (s-maxage; browsers keep no copy)."""
    longest = settings.PAGE_CACHE_SECONDS + settings.PUBLIC_PAGE_MAX_AGE
    if longest <= FRESHNESS_BOUND_SECONDS:
        return []
    return [
        Warning(
            f"PAGE_CACHE_SECONDS + PUBLIC_PAGE_MAX_AGE is {longest} s: a scheduled article may "
            f"take that long to show, more than the documented {FRESHNESS_BOUND_SECONDS} s.",
            hint="Lower one of them, or document the longer bound.",
            id="core.W001",
        )
    ]
