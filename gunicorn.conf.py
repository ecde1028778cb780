"""Gunicorn settings for the web process (see Procfile). Each setting says why it is what it is."""

import math
import os


def cpus_available(cpu_max: str = "/sys/fs/cgroup/cpu.max") -> int:
    """The CPUs this process may use: those it may run on, capped by a container's CPU quota
    (cgroup v2), not the host's count, which would start too many workers and connections."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cpus = os.cpu_count() or 1
    try:
        with open(cpu_max) as limits:
            quota, period = limits.read().split()[:2]
        if quota != "max":
            cpus = min(cpus, max(1, math.ceil(int(quota) / int(period))))
    except (OSError, ValueError):
        pass  # no cgroup v2 quota here
    return cpus


# Loopback by default, where a TLS proxy on the same machine reaches it: a client able to reach
# gunicorn directly could write its own X-Forwarded-For (see README, "Deployment").
bind = os.environ.get("GUNICORN_BIND", f"127.0.0.1:{os.environ.get('PORT', '8000')}")
# Sync workers: every page is a few milliseconds of CPU (most come from the page cache), and
# the slow clients are buffered by the TLS proxy in front, so a worker is never held by one.
# By default two per CPU available (plus one).
workers = int(os.environ.get("WEB_CONCURRENCY", cpus_available() * 2 + 1))
# Load Django once, before forking: workers start in milliseconds and share its memory pages.
# resilience/wsgi.py also loads there what first requests would (Celery's tasks and broker
# transport) and keeps it out of the workers' garbage collections. Nothing connects before the
# fork (the database and Redis connect on first use, per worker). The cost: `kill -HUP` starts
# new workers from the code already loaded, so a release restarts the master (or starts a new
# one beside it: `kill -USR2`, then `-TERM` to the old).
preload_app = True
# Requests that take longer than this are killed; no page should come close.
timeout = 30
graceful_timeout = 30
# Not set: sync workers close every connection after its response (keepalive is for the
# threaded and async workers). The TLS proxy in front keeps the visitors' connections open.
# No recycling: a restarted worker costs the requests queued behind it half a second (p99 went
# from about 10 ms to 260–510 ms under load), and jitter only spreads that cost. A leak shows
# in the machine's memory monitoring long before it matters; set MAX_REQUESTS to recycle.
max_requests = int(os.environ.get("MAX_REQUESTS", "0"))
max_requests_jitter = max_requests // 10
# The TLS proxy in front sets X-Forwarded-*; trust it only from the addresses it connects from.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# Kept, and cheap: one short line per request to stdout, written by the worker as it responds.
accesslog = "-"
# Paths only, never query strings: they could carry whatever a visitor typed.
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms'
