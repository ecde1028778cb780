"""Gunicorn settings for the web process (see Procfile)."""

import multiprocessing
import os

# Loopback by default, where a TLS proxy on the same machine reaches it: a client able to reach
# gunicorn directly could write its own X-Forwarded-For (see README, "Deployment").
bind = os.environ.get("GUNICORN_BIND", f"127.0.0.1:{os.environ.get('PORT', '8000')}")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
# Requests that take longer than this are killed; no page should come close.
timeout = 30
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so a slow leak can never take a machine down.
max_requests = 2000
max_requests_jitter = 200
# The TLS proxy in front sets X-Forwarded-*; trust it only from the addresses it connects from.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
accesslog = "-"
# Paths only, never query strings: they could carry whatever a visitor typed.
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms'
