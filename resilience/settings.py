"""Settings for Resilience, read from the environment.

With nothing set the site runs locally on SQLite, a local-memory cache and eager Celery tasks.
Production sets DATABASE_URL, REDIS_URL, SECRET_KEY, SITE_URL and friends; see .env.example.
"""

import ipaddress
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import dj_database_url
import phonenumbers
from cryptography.fernet import Fernet
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from resilience.env import Env

BASE_DIR = Path(__file__).resolve().parent.parent
env = Env()

# --- Core -------------------------------------------------------------------------------------

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default=None)
if SECRET_KEY is None:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Production (DEBUG off) needs a long random SECRET_KEY in the "
            "environment (see .env.example); for local development set DEBUG=true instead."
        )
    SECRET_KEY = "django-insecure-local-development-only-never-use-this-key-in-production"  # noqa: S105

# The public address of the site, used for absolute links in e-mails and canonical URLs.
SITE_URL = env.url("SITE_URL", default="http://127.0.0.1:8000", schemes=("http", "https"))
SITE_URL = SITE_URL.rstrip("/")
_site_host = urlsplit(SITE_URL).hostname

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[_site_host])
CSRF_TRUSTED_ORIGINS = [SITE_URL]

ADMIN_URL = env.str("ADMIN_URL", default="admin/")
if ADMIN_URL.startswith("/") or not ADMIN_URL.endswith("/"):
    raise ImproperlyConfigured(
        f"ADMIN_URL={ADMIN_URL!r} must be a path without a leading slash and with a trailing one, "
        "for example 'staff-desk/'."
    )

INSTALLED_APPS = [
    # Staff sign-in (two-factor, throttling, idle timeout). Before the admin, whose base_site.html
    # it extends; and the admin itself, as staff's config, so `admin.site` requires two-factor.
    "staff",
    "staff.apps.StaffAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "bootstrap",  # django-bootstrap-static: Bootstrap 5.3 served from our own static files
    "crispy_forms",
    "crispy_bootstrap5",
    "phonenumber_field",
    "csp",
    "simple_history",
    "taggit",
    "core",
    "center",
    "programs",
    "articles",
    "infosessions",
    "admissions",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # HTML sent with brotli or gzip; pages from the cache come compressed already.
    "compression_middleware.middleware.CompressionMiddleware",
    # Outside the page cache: a first visit's cookie is set on a cached page too, and never kept.
    "admissions.attribution.VisitAttributionMiddleware",
    # Anonymous GETs of public pages answered here, before the rest of Django (core.pagecache).
    "core.pagecache.PageCacheMiddleware",
    # A page that finds nothing, at an address an article had: a permanent redirect to it.
    "articles.middleware.OldAddressRedirectMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "csp.middleware.CSPMiddleware",
    "core.middleware.PublicRequestSizeLimitMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "staff.middleware.StaffIdleTimeoutMiddleware",
    "staff.middleware.SecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last: turns a sign-in refused by django-axes into our "sign-in paused" page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "resilience.urls"
WSGI_APPLICATION = "resilience.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "center.context_processors.site",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------------------------

try:
    DATABASES = {
        "default": dj_database_url.parse(
            env.str("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
            conn_max_age=env.int("DB_CONN_MAX_AGE", default=60, minimum=0),
            conn_health_checks=True,
        )
    }
except ValueError as error:
    raise ImproperlyConfigured(
        f"DATABASE_URL is not a database URL this site supports ({error}); expected "
        "postgres://user:password@host:5432/name or sqlite:///path/to/file.sqlite3."
    ) from None

if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django's backend plus a circuit breaker and short libpq timeouts (core/db/postgresql/base.py):
    # while the database is unreachable, pages answer 503 at once instead of hanging a worker.
    DATABASES["default"]["ENGINE"] = "core.db.postgresql"
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Writers queue up instead of failing with "database is locked" under concurrent requests.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20}
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and Celery -------------------------------------------------------------------------

REDIS_URL = env.url("REDIS_URL", default=None, schemes=("redis", "rediss"))
# A slow or absent Redis must cost a page a fraction of a second, not a hang.
REDIS_CACHE_OPTIONS = {"socket_connect_timeout": 0.25, "socket_timeout": 0.25}

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "core.cache.KeptClientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "resilience",
            "OPTIONS": REDIS_CACHE_OPTIONS,
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Without Redis, tasks run in-process at once, so a newcomer needs no broker or worker.
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
# Eager tasks fail, log and retry as they would on a worker, instead of raising into the caller.
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 120
CELERY_TASK_SOFT_TIME_LIMIT = 90
CELERY_TASK_DEFAULT_QUEUE = "resilience"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # Must exceed the longest retry countdown we use, or Redis redelivers the task early.
    "visibility_timeout": 60 * 60,
    "socket_connect_timeout": 5,
    "health_check_interval": 25,
}
# Publishing from a web request (core.queueing) uses much shorter timeouts than the workers'.
PUBLISH_TIMEOUT_SECONDS = 0.25
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE = {
    # Runs that could not start in time are dropped (expires): the next one does the same work.
    "re-queue unfinished lead follow-ups": {
        "task": "admissions.tasks.sweep_unfinished_follow_ups",
        "schedule": 30.0,
        "options": {"expires": 25},
    },
    "escalate leads not contacted in time": {
        "task": "admissions.tasks.escalate_overdue_leads",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    "store requests spooled while the database was unreachable": {
        "task": "admissions.tasks.drain_intake_spool",
        "schedule": 10.0,
        "options": {"expires": 9},
    },
    "release the flood guard once the rate falls": {
        "task": "admissions.tasks.watch_for_floods",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    "remind people registered for an information session": {
        "task": "infosessions.tasks.send_session_reminders",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    "remind staff of call-backs now due": {
        "task": "admissions.tasks.remind_due_call_backs",
        "schedule": 30.0,
        "options": {"expires": 25},
    },
    "anonymise leads past their retention period": {
        "task": "admissions.tasks.anonymise_expired_leads",
        "schedule": 3600.0,
        "options": {"expires": 3000},
    },
    "daily digest of what still waits": {
        "task": "admissions.tasks.send_daily_digest",
        "schedule": 600.0,
        "options": {"expires": 550},
    },
    "delete expired sessions": {
        "task": "core.tasks.clear_expired_sessions",
        "schedule": 3600.0,
        "options": {"expires": 3000},
    },
}

# --- Admissions -------------------------------------------------------------------------------

# Where every new consultation request is announced, whoever is on call.
# Required in production: a guessed address that bounces would leave leads unannounced.
ADMISSIONS_INBOX_EMAIL = env.str(
    "ADMISSIONS_INBOX_EMAIL", **({"default": f"admissions@{_site_host}"} if DEBUG else {})
)
# A lead not contacted within this many minutes is escalated to supervisors, and again every
# ADMISSIONS_ESCALATION_REPEAT_MINUTES until someone records contact.
ADMISSIONS_SLA_MINUTES = env.int("ADMISSIONS_SLA_MINUTES", default=15, minimum=1)
ADMISSIONS_ESCALATION_REPEAT_MINUTES = env.int(
    "ADMISSIONS_ESCALATION_REPEAT_MINUTES", default=15, minimum=1
)
# A registration for an information session is a warm lead, never escalated: it is overdue on
# the desk, and listed in the daily digest, once nobody has contacted it within this many hours.
ADMISSIONS_INFO_SESSION_FOLLOW_UP_HOURS = env.int(
    "ADMISSIONS_INFO_SESSION_FOLLOW_UP_HOURS", default=24, minimum=1
)
# After this many reminders a lead stops being escalated every interval and is listed in the
# daily digest instead, sent from ADMISSIONS_DAILY_DIGEST_HOUR (the center's local time).
ADMISSIONS_ESCALATION_MAX_ROUNDS = env.int("ADMISSIONS_ESCALATION_MAX_ROUNDS", default=4, minimum=1)
ADMISSIONS_DAILY_DIGEST_HOUR = env.int("ADMISSIONS_DAILY_DIGEST_HOUR", default=8, minimum=0)
if ADMISSIONS_DAILY_DIGEST_HOUR > 23:
    raise ImproperlyConfigured(
        f"ADMISSIONS_DAILY_DIGEST_HOUR={ADMISSIONS_DAILY_DIGEST_HOUR} is not an hour (0–23)."
    )
# How often an open lead list asks the server whether new leads have arrived.
ADMISSIONS_DESK_POLL_SECONDS = env.int("ADMISSIONS_DESK_POLL_SECONDS", default=20, minimum=1)
# Leads closed longer than this are anonymised (names, contact details, message and insurance
# removed; counts and timings kept for the dashboard) by an hourly task.
LEAD_RETENTION_DAYS = env.int("LEAD_RETENTION_DAYS", default=365, minimum=1)
# Reverting a lead to an earlier version from its history is not a thing staff do: history is a
# record. Status and assignment change only through the desk's services.
SIMPLE_HISTORY_REVERT_DISABLED = True
# A lead's history (every earlier version, names included) is for supervisors, by the history
# model's own view permission, not for everyone who may see the lead.
SIMPLE_HISTORY_ENFORCE_HISTORY_MODEL_PERMISSIONS = True
# The flood guard: more new leads than this within the window, and the form asks for a proof of
# work; requests without one are stored and held for review, and supervisors get one alert.
ADMISSIONS_FLOOD_LEADS = env.int("ADMISSIONS_FLOOD_LEADS", default=30, minimum=1)
ADMISSIONS_FLOOD_WINDOW_MINUTES = env.int("ADMISSIONS_FLOOD_WINDOW_MINUTES", default=10, minimum=1)
# The acknowledgment e-mailed to a requester: its sender must say nothing about treatment.
ACKNOWLEDGMENT_FROM_EMAIL = env.str("ACKNOWLEDGMENT_FROM_EMAIL", default=None)
# Requests that arrive while the database is unreachable wait in Redis, encrypted with the first
# of these Fernet keys (any of them decrypts, so keys can be rotated); derived from SECRET_KEY
# when unset. Generate one with:
#   python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"
INTAKE_SPOOL_KEYS = env.list("INTAKE_SPOOL_KEYS", default=[])
for _key in INTAKE_SPOOL_KEYS:
    try:
        Fernet(_key)
    except ValueError:
        raise ImproperlyConfigured(
            "INTAKE_SPOOL_KEYS holds a value that is not a Fernet key (32 url-safe base64 bytes)."
        ) from None
# Encryption at rest of a lead's message, insurance member ID and staff notes (core.encryption):
# Fernet keys, the first encrypts, any decrypts. To rotate: put a new key first, deploy, run
# `manage.py rotate_field_encryption`, then remove the old key. Required in production.
FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEYS", default=[])
for _key in FIELD_ENCRYPTION_KEYS:
    try:
        Fernet(_key)
    except ValueError:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEYS holds a value that is not a Fernet key (32 url-safe base64 "
            "bytes)."
        ) from None
# Where the spool lives. Default: REDIS_URL. It must not lose keys: a Redis with
# maxmemory-policy noeviction and appendonly yes (a cache configured to evict is not).
INTAKE_SPOOL_REDIS_URL = env.url(
    "INTAKE_SPOOL_REDIS_URL", default=REDIS_URL, schemes=("redis", "rediss")
)
# How staff hear about leads: dotted paths of admissions.channels.NotificationChannel classes.
ADMISSIONS_STAFF_CHANNELS = env.list(
    "ADMISSIONS_STAFF_CHANNELS", default=["admissions.channels.EmailChannel"]
)
# The webhook channel (admissions.channels.WebhookChannel in ADMISSIONS_STAFF_CHANNELS): every
# staff alert as a JSON POST to this URL, signed with the secret (README, "Webhook channel").
# https only when DEBUG is off; the system checks require the secret once the channel is enabled.
ADMISSIONS_WEBHOOK_URL = env.url(
    "ADMISSIONS_WEBHOOK_URL", default="", schemes=("http", "https") if DEBUG else ("https",)
)
ADMISSIONS_WEBHOOK_SECRET = env.str("ADMISSIONS_WEBHOOK_SECRET", default="")
ADMISSIONS_WEBHOOK_TIMEOUT_SECONDS = env.int(
    "ADMISSIONS_WEBHOOK_TIMEOUT_SECONDS", default=5, minimum=1
)
# Proxies in front of the site that append to X-Forwarded-For; the client is the address the
# outermost of them saw. 0 means use the connection's address.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0 if DEBUG else 1, minimum=0)
# Where those proxies connect from (addresses or networks; "*" for anywhere): X-Forwarded-For is
# believed only on connections from them, so a client that reaches gunicorn directly cannot pick
# its own address. gunicorn reads the same variable for X-Forwarded-Proto.
FORWARDED_ALLOW_IPS = env.list("FORWARDED_ALLOW_IPS", default=["127.0.0.1", "::1"])
try:
    TRUSTED_PROXY_NETWORKS = [
        ipaddress.ip_network(address, strict=False)
        for address in FORWARDED_ALLOW_IPS
        if address != "*"
    ]
except ValueError as error:
    raise ImproperlyConfigured(
        f"FORWARDED_ALLOW_IPS has an entry that is not an address or network: {error}"
    ) from None

# Public forms are a few kilobytes; larger POSTs outside admin are refused unread (413).
PUBLIC_POST_MAX_BYTES = 20_000

# --- Sessions and security --------------------------------------------------------------------

SESSION_COOKIE_AGE = 60 * 60 * 12
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
# Our page for an expired or forged form, rendered without reading the request body.
CSRF_FAILURE_VIEW = "core.views.csrf_failure"

# TLS ends at the proxy in front of gunicorn, which says so in X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# SECURE_SSL_REDIRECT and SECURE_COOKIES can be turned off to benchmark over plain local HTTP.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31_536_000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Scripts only from our own origin, or inline with this response's nonce; never eval.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    },
}

# Nothing on this site needs the device's sensors, camera, location or payment APIs.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "browsing-topics",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
    )
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- E-mail -----------------------------------------------------------------------------------

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=587, minimum=1)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=True)
# A mail server that stops answering must not hold a worker for minutes.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10, minimum=1)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default=f"Resilience <noreply@{_site_host}>")
SERVER_EMAIL = env.str("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)
ACKNOWLEDGMENT_FROM_EMAIL = ACKNOWLEDGMENT_FROM_EMAIL or DEFAULT_FROM_EMAIL

# --- Page cache (core.pagecache) -------------------------------------------------------------
# How long a public page is kept for anonymous visitors. Edits show at once (they bump a
# generation); what changes with time alone (a scheduled article) within this, plus the next.
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=20)
# Pages are kept under the release that rendered them (core.release): by default a fingerprint
# of the code, templates and static sources; a deploy may name it (a commit hash).
RELEASE_ID = env.str("RELEASE_ID", default="")
# Cache-Control s-maxage of public pages, for a proxy or CDN in front (browsers get max-age=0).
PUBLIC_PAGE_MAX_AGE = env.int("PUBLIC_PAGE_MAX_AGE", default=10)

# --- The center -------------------------------------------------------------------------------
# Seed the center profile marketing edits in admin (center.models), and stand in for it when the
# database is unreachable (center.profile).

SITE_NAME = env.str("SITE_NAME", default="Resilience")
CENTER_STREET_ADDRESS = env.str("CENTER_STREET_ADDRESS", default="120 Harbor Street, Suite 300")
CENTER_CITY = env.str("CENTER_CITY", default="Boston")
CENTER_STATE = env.str("CENTER_STATE", default="MA")
CENTER_POSTAL_CODE = env.str("CENTER_POSTAL_CODE", default="02210")

_phone = env.str("ADMISSIONS_PHONE", default="+1 617 555 0143")
try:
    _parsed_phone = phonenumbers.parse(_phone, "US")
except phonenumbers.NumberParseException:
    _parsed_phone = None
if _parsed_phone is None or not phonenumbers.is_valid_number(_parsed_phone):
    raise ImproperlyConfigured(
        f"ADMISSIONS_PHONE={_phone!r} is not a valid phone number; write it as +1 617 555 0143."
    )
# E.164, for tel: links; templates show it in national format.
ADMISSIONS_PHONE = phonenumbers.format_number(_parsed_phone, phonenumbers.PhoneNumberFormat.E164)

PHONENUMBER_DEFAULT_REGION = "US"
PHONENUMBER_DB_FORMAT = "E164"

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Staff sign-in: two-factor, throttling, idle timeout (the staff app) ----------------------

# After their password, staff enter a code from an authenticator app (or a recovery code); the
# first time, they set the app up. Off, a password alone opens admin (the deploy check warns).
ADMIN_REQUIRE_2FA = env.bool("ADMIN_REQUIRE_2FA", default=not DEBUG)
# Staff are signed out after this many minutes without a request of their own (the desk list's
# background polls, header X-Desk-Poll: 1, do not count).
STAFF_IDLE_TIMEOUT_MINUTES = env.int("STAFF_IDLE_TIMEOUT_MINUTES", default=15, minimum=1)

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses paused sign-ins before any password
    "django.contrib.auth.backends.ModelBackend",
]
# The name staff see for this site in their authenticator app.
OTP_TOTP_ISSUER = SITE_NAME
# Nobody, superusers included, reads another person's secret or recovery codes in admin.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# 5 failed sign-ins (passwords or codes) for one username from one client address pause sign-in
# for that pair for 15 minutes from the last failure; attempts during the pause do not extend it.
# Per pair, so that someone guessing from elsewhere cannot lock the desk out (staff/throttling.py).
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
# The client address the rate limits use: X-Forwarded-For only from TRUSTED_PROXY_COUNT proxies
# at FORWARDED_ALLOW_IPS.
AXES_CLIENT_IP_CALLABLE = "staff.throttling.client_address"
# A calm 429 page saying when to try again and to call the supervisor.
AXES_LOCKOUT_CALLABLE = "staff.throttling.lockout_response"
# Masked in axes' records and logs, with passwords (always masked).
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "code", "recovery_code"]

# --- Internationalisation ---------------------------------------------------------------------

LANGUAGE_CODE = "en-us"
# The center's: what times are shown in and what "the day before" and "today" mean.
TIME_ZONE = env.str("CENTER_TIME_ZONE", default="America/New_York")
try:
    ZoneInfo(TIME_ZONE)
except (ZoneInfoNotFoundError, ValueError):
    raise ImproperlyConfigured(
        f"CENTER_TIME_ZONE={TIME_ZONE!r} is not a time zone: use a name like America/New_York."
    ) from None
USE_I18N = True
USE_TZ = True

# --- Static and media files -------------------------------------------------------------------

STATIC_URL = "static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# --- Logging ----------------------------------------------------------------------------------

LOG_LEVEL = env.str("LOG_LEVEL", default="INFO").upper()
if LOG_LEVEL not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
    raise ImproperlyConfigured(
        f"LOG_LEVEL={LOG_LEVEL!r} is not a level; use DEBUG, INFO, WARNING, ERROR or CRITICAL."
    )

# Logs go to stdout for the process manager. Code must never log a request's personal details:
# log ids (lead #123), never names, phone numbers or messages.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain"},
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
}
