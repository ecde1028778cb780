"""The site's PostgreSQL backend, with a faster flush for the tests; see base.py."""
